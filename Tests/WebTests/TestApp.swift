import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import SQLKit
import Storage
import TestSupport
import Testing

@testable import App
@testable import Web

/// Builds the real application on a fresh database of `engine` and runs `body` against it.
func withApp(
    _ engine: TestEngine,
    setup: TestingSetup = .router,
    logger: Logger = TestLog.quiet,
    configure: (inout AppConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void,
    afterwards: (@Sendable (String) async throws -> Void)? = nil
) async throws {
    let watch = AppWatch()
    let alarm = watch.alarm(for: Test.current.map { "\($0.name)" } ?? "?")
    defer { alarm.cancel() }
    try await engine.withDatabaseURL { url in
        // Tests sign the same official in many times a minute, and a code already used is refused
        // (a replay), so the helper may need a few tries: the throttling tests set their own limit.
        var configuration = AppConfiguration(
            host: "127.0.0.1", port: 0, databaseURL: url, signInAttemptsPerWindow: 30, bcryptCost: 4,
            openDataIntervalSeconds: 0)
        // Many test databases share one PostgreSQL server's connections: a wait is not an outage here.
        configuration.databaseWaitSeconds = 300
        configure(&configuration)
        let app = try await buildApplication(
            configuration, logger: Logger(label: logger.label) { _ in WatchLogHandler(watch: watch, next: logger) })
        let stopped = try await watch.runUntilStoppedOrStuck(app, setup: setup) { client in
            try await body(WatchedClient(client: client, watch: watch), url)
        }
        if !stopped {
            withKnownIssue(
                "the application did not stop after its test (docs/development.md, Tests)", isIntermittent: true
            ) {
                Issue.record("still stopping \(AppWatch.stopPatience) after the test's last request was answered")
            }
            return
        }
        watch.phase("stopped; checking afterwards")
        // Once the application and its background jobs have stopped: a second platform on the same
        // SQLite file beside them would race their pollers for the write lock.
        try await afterwards?(url)
        watch.phase("removing the test database")
    }
}

/// Starts a second platform on `configuration` (for tests; as a CLI command or another node would),
/// runs `body` with it, and shuts its database down whether `body` throws or not.
func withStartedPlatform(_ configuration: AppConfiguration, _ body: (Platform) async throws -> Void) async throws {
    let platform = try await Platform.start(configuration.forTests, logger: TestLog.quiet)
    do {
        try await body(platform)
        await platform.database.shutdown()
    } catch {
        await platform.database.shutdown()
        throw error
    }
}

/// Counts rows through a separate connection, to check what a request did (or did not) store.
func count(_ table: String, in url: String) async throws -> Int {
    let database = try await Database.open(
        try DatabaseLocation(url), logger: TestLog.quiet, connectionWait: .seconds(300))
    defer { Task { await database.shutdown() } }
    return try await database.withConnection { sql in
        try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self) ?? -1
    }
}

/// All text values of one column, to look for secrets stored in clear.
func values(_ column: String, of table: String, in url: String) async throws -> [String] {
    let database = try await Database.open(
        try DatabaseLocation(url), logger: TestLog.quiet, connectionWait: .seconds(300))
    defer { Task { await database.shutdown() } }
    return try await database.withConnection { sql in
        try await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table)").all().map {
            try $0.decode(column: "v", as: String.self)
        }
    }
}

/// A cookie-keeping client, as a browser would be: carries `tk_session`, `tk_csrf` and `lang`.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var acceptLanguage = "en"

    init(_ client: any TestClientProtocol) { self.client = client }

    var csrf: String { cookies["tk_csrf"] ?? "" }

    @discardableResult
    mutating func get(_ uri: String) async throws -> TestResponse {
        try await send(uri, method: .get, body: nil, contentType: nil)
    }

    /// Posts a form; the CSRF token is added unless `csrf` is false.
    @discardableResult
    mutating func post(_ uri: String, form: [String: String], csrf: Bool = true) async throws -> TestResponse {
        if csrf && self.csrf.isEmpty { try await get("/") }
        var fields = form
        if csrf { fields["_csrf"] = self.csrf }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(
            uri, method: .post, body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded")
    }

    /// Sends `method` with this browser's cookies and a JSON body, as a script in the page would.
    mutating func request(
        _ uri: String, method: HTTPRequest.Method, json: String?, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.acceptLanguage: acceptLanguage, .accept: "application/json"]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if json != nil { headers[.contentType] = "application/json" }
        headers.append(contentsOf: extra)
        return try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Posts a form whose fields may repeat (checkbox groups).
    @discardableResult
    mutating func post(_ uri: String, pairs: [(String, String)]) async throws -> TestResponse {
        if self.csrf.isEmpty { try await get("/") }
        let body = (pairs + [("_csrf", self.csrf)]).map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(
            separator: "&")
        return try await send(
            uri, method: .post, body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded")
    }

    /// Posts a `multipart/form-data` form with files, as a browser sends a form with file inputs.
    @discardableResult
    mutating func post(
        _ uri: String, multipart fields: [String: String], files: [String: (filename: String, bytes: [UInt8])] = [:]
    ) async throws -> TestResponse {
        if self.csrf.isEmpty { try await get("/") }
        let boundary = "----taza\(UInt64.random(in: 0...UInt64.max))"
        var body = ByteBuffer()
        for (name, value) in fields.merging(["_csrf": self.csrf], uniquingKeysWith: { a, _ in a }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (name, file) in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return try await send(uri, method: .post, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// Posts a form as a browser does: on a redirect (303, Post/Redirect/Get) it follows to the
    /// page and answers with that page; any other answer comes back as it is.
    mutating func submit(_ uri: String, form: [String: String]) async throws -> TestResponse {
        try await follow(try await post(uri, form: form))
    }

    /// `submit` for a form with files.
    mutating func submit(
        _ uri: String, multipart fields: [String: String], files: [String: (filename: String, bytes: [UInt8])] = [:]
    ) async throws -> TestResponse {
        try await follow(try await post(uri, multipart: fields, files: files))
    }

    private mutating func follow(_ answer: TestResponse) async throws -> TestResponse {
        guard answer.status == .seeOther, let location = answer.headers[.location] else { return answer }
        return try await get(location)
    }

    /// Signs in; an official's second step is given the demo authenticator's code, as the official
    /// would type it. The answer is the password step's when it failed, else the last step's.
    @discardableResult
    mutating func signIn(_ pin: String, password: String = "demo-taza-koom") async throws -> TestResponse {
        let answer = try await post("/signin", form: ["pin": pin, "password": password])
        guard answer.headers[.location]?.hasPrefix("/signin/code") == true else { return answer }
        return try await giveSecondFactor()
    }

    /// Posts demo authenticator codes of the steps near now, the earliest first, until one is taken.
    /// A step another sign-in of the same official used is refused as a replay; when all three near
    /// now are used, it waits for the next step, as a person would wait for the app's next code.
    mutating func giveSecondFactor() async throws -> TestResponse {
        let secret = Base32.decode(SecondFactor.demoSecret) ?? []
        var answer: TestResponse?
        for round in 0..<2 {
            let now = TOTP.step(at: Clock.system.seconds)
            for step in now - 1...now + 1 {
                answer = try await post("/signin/code", form: ["code": TOTP.code(secret: secret, step: step)])
                if answer?.status == .seeOther { return answer! }
            }
            if round == 0 { try await Task.sleep(for: .seconds(TOTP.period - Clock.system.seconds % TOTP.period)) }
        }
        return answer!
    }

    private mutating func send(_ uri: String, method: HTTPRequest.Method, body: ByteBuffer?, contentType: String?)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.acceptLanguage: acceptLanguage, .accept: "text/html"]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if header.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body decoded as JSON.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }
}

/// A `configure` step of `withApp` that sets one option, e.g. `setting(\.demoRegistrySize, 30)`.
func setting<Value>(
    _ option: WritableKeyPath<AppConfiguration, Value>,
    _ value: Value
) -> (inout AppConfiguration) -> Void {
    { $0[keyPath: option] = value }
}
