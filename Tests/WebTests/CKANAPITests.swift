import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// The CKAN Action API: CKAN's envelope, parameters, errors and statuses; writes only with a token
/// of the owning agency; a bad request stores nothing.
@Suite struct CKANAPITests {
    static let ckanKey = HTTPField.Name("X-CKAN-API-Key")!

    /// Calls an action as CKAN's clients do: POST with a JSON body, the bare token in `Authorization`.
    static func action(
        _ client: any TestClientProtocol, _ name: String, _ body: String = "{}", token: String? = nil,
        method: HTTPRequest.Method = .post, query: String = ""
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "en"]
        if let token { headers[.authorization] = token }
        let response = try await client.executeRequest(
            uri: "/api/3/action/\(name)\(query)", method: method, headers: headers,
            body: method == .post ? ByteBuffer(string: body) : nil)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, json)
    }

    static func errorType(_ answer: (status: HTTPResponse.Status, json: [String: Any])) -> String? {
        (answer.json["error"] as? [String: Any])?["__type"] as? String
    }

    static let hospitals = """
        {"name": "hospitals", "title_translated": {"en": "Hospitals", "ru": "Больницы", "ky": "Ооруканалар"},
         "notes": "Every hospital and its beds", "owner_org": "moh", "license_id": "CC-BY-4.0",
         "tags": [{"name": "health"}, {"name": "beds"}], "groups": [{"name": "heal"}]}
        """

    @Test(arguments: TestEngine.available)
    func aPublisherCreatesADatasetThatEveryReadActionFinds(engine: TestEngine) async throws {
        try await withApp(engine) { client, url in
            let (token, _) = try await APITests.issueToken(client, scopes: ["opendata:write"], name: "MOH open data")
            let ledgerBefore = try await count("ledger_entries", in: url)
            let created = try await Self.action(client, "package_create", Self.hospitals, token: token)
            #expect(created.status == .ok, "\(created.json)")
            #expect(created.json["success"] as? Bool == true)
            #expect(try await count("ledger_entries", in: url) == ledgerBefore + 1, "the publication is a ledger entry")

            let shown = try await Self.action(client, "package_show", method: .get, query: "?id=hospitals")
            let package = try #require(shown.json["result"] as? [String: Any])
            #expect(package["title"] as? String == "Hospitals")
            #expect((package["title_translated"] as? [String: String])?["ky"] == "Ооруканалар")
            #expect((package["organization"] as? [String: Any])?["name"] as? String == "moh")
            #expect((package["tags"] as? [[String: Any]])?.count == 2)

            let listed = try await Self.action(client, "package_list")
            #expect(listed.json["result"] as? [String] == ["hospitals"])
            let found = try await Self.action(
                client, "package_search", #"{"q": "больницы", "fq": "tags:beds OR tags:none", "facet.field": ["tags"]}"#
            )
            let result = try #require(found.json["result"] as? [String: Any])
            #expect(result["count"] as? Int == 1)
            #expect(((result["facets"] as? [String: Any])?["tags"] as? [String: Int])?["health"] == 1)
            let none = try await Self.action(client, "package_search", method: .get, query: "?fq=-organization:moh")
            #expect((none.json["result"] as? [String: Any])?["count"] as? Int == 0)
            let organizations = try await Self.action(client, "organization_list", #"{"all_fields": true}"#)
            let moh = (organizations.json["result"] as? [[String: Any]])?.first { $0["name"] as? String == "moh" }
            #expect(moh?["package_count"] as? Int == 1)
            #expect(try await Self.action(client, "tag_list").json["result"] as? [String] == ["beds", "health"])

            let patched = try await Self.action(
                client, "package_patch", #"{"id": "hospitals", "tags": [{"name": "health"}]}"#, token: token)
            #expect((patched.json["result"] as? [String: Any])?["version"] as? String == "2")
            let first = try await Self.action(client, "package_show", #"{"id": "hospitals", "version_number": 1}"#)
            #expect(
                ((first.json["result"] as? [String: Any])?["tags"] as? [Any])?.count == 2, "version 1 stays as it was")
        }
    }

    @Test(arguments: TestEngine.available)
    func badCallsGetCKANsErrorsAndChangeNothing(engine: TestEngine) async throws {
        try await withApp(engine) { client, url in
            let (mine, _) = try await APITests.issueToken(client, scopes: ["opendata:write"], name: "MOH open data")
            let (justice, _) = try await APITests.issueToken(
                client, scopes: ["opendata:write"], name: "MOJ open data", agency: "MOJ")
            let (reader, _) = try await APITests.issueToken(client, scopes: ["identity:read"], name: "MOH reader")

            let unknown = try await Self.action(client, "package_purge_everything")
            #expect(unknown.status == .badRequest && Self.errorType(unknown) == "Bad Request")
            let missing = try await Self.action(client, "package_show", #"{"id": "nothing"}"#)
            #expect(missing.status == .notFound && Self.errorType(missing) == "Not Found Error")
            for fq in ["tags:", "(tags:a", "nosuch:x"] {
                let bad = try await Self.action(client, "package_search", #"{"fq": "\#(fq)"}"#)
                #expect(bad.status == .conflict && Self.errorType(bad) == "Search Query Error", "\(fq)")
            }
            for rows in ["-1", "\"abc\"", "99999999999999999999999"] {
                let bad = try await Self.action(client, "package_search", #"{"rows": \#(rows)}"#)
                #expect(bad.status == .conflict && Self.errorType(bad) == "Validation Error", "\(rows)")
            }
            let sort = try await Self.action(client, "package_search", #"{"sort": "password desc"}"#)
            #expect(Self.errorType(sort) == "Validation Error")
            let notJSON = try await Self.action(client, "package_search", "{not json")
            #expect(notJSON.status == .badRequest)

            let anonymous = try await Self.action(client, "package_create", Self.hospitals)
            #expect(anonymous.status == .forbidden && Self.errorType(anonymous) == "Authorization Error")
            let withoutScope = try await Self.action(client, "package_create", Self.hospitals, token: reader)
            #expect(withoutScope.status == .forbidden)
            let otherAgency = try await Self.action(client, "package_create", Self.hospitals, token: justice)
            #expect(otherAgency.status == .forbidden, "MOJ may not publish in MOH's organization")
            let byGet = try await Self.action(client, "package_create", method: .get, query: "?name=x")
            #expect(byGet.status == .badRequest)
            let invalid = try await Self.action(
                client, "package_create",
                #"{"name": "Bad Name", "owner_org": "moh", "license_id": "mine", "groups": ["nope"]}"#,
                token: mine)
            #expect(invalid.status == .conflict && Self.errorType(invalid) == "Validation Error")
            let fields = try #require(invalid.json["error"] as? [String: Any])
            #expect(
                fields["name"] != nil && fields["title"] != nil && fields["license_id"] != nil
                    && fields["groups"] != nil)
            #expect(try await count("opendata_datasets", in: url) == 0, "nothing was stored")
        }
    }

    @Test(arguments: TestEngine.available)
    func anUploadedCSVIsSearchableInTheDatastore(engine: TestEngine) async throws {
        try await withApp(engine) { client, url in
            let (token, _) = try await APITests.issueToken(client, scopes: ["opendata:write"], name: "MOH open data")
            _ = try await Self.action(client, "package_create", Self.hospitals, token: token)
            var rows = "region,year,beds,name\n"
            for i in 0..<120 { rows += "\(["Chuy", "Osh", "Naryn"][i % 3]),\(2020 + i % 5),\(i * 10),Hospital \(i)\n" }
            let upload = try await Self.upload(client, rows, token: token)
            #expect(upload.status == .ok, "\(upload.json)")
            let resource = try #require(upload.json["result"] as? [String: Any])
            let id = try #require(resource["id"] as? String)
            #expect(resource["datastore_active"] as? Bool == true)

            let search = try await Self.action(
                client, "datastore_search",
                #"{"resource_id": "\#(id)", "filters": {"region": "Osh", "year": [2021, 2024]}, "limit": 5, "sort": "beds desc", "fields": ["name", "beds"]}"#
            )
            let result = try #require(search.json["result"] as? [String: Any])
            #expect(result["total"] as? Int == 16)
            let records = try #require(result["records"] as? [[String: Any]])
            #expect(records.count == 5)
            #expect(records.first?["beds"] as? Int == 1090)
            #expect((result["fields"] as? [[String: Any]])?.map { $0["id"] as? String } == ["_id", "name", "beds"])
            let lists = try await Self.action(
                client, "datastore_search", method: .get,
                query: "?resource_id=\(id)&limit=2&include_total=false&records_format=lists")
            let listResult = try #require(lists.json["result"] as? [String: Any])
            #expect(listResult["total"] == nil)
            #expect((listResult["records"] as? [[Any]])?.count == 2)

            for bad in [
                #"{"resource_id": "\#(id)", "filters": {"nosuch": 1}}"#,
                #"{"resource_id": "\#(id)", "filters": {"year": "x"}}"#,
                #"{"resource_id": "\#(id)", "limit": 40000}"#, #"{"resource_id": "\#(id)", "records_format": "xml"}"#,
                #"{"resource_id": "\#(id)", "sort": "beds sideways"}"#,
            ] {
                #expect(
                    Self.errorType(try await Self.action(client, "datastore_search", bad)) == "Validation Error",
                    "\(bad)")
            }
            #expect(try await Self.action(client, "datastore_search", #"{"resource_id": "nope"}"#).status == .notFound)

            // The publisher edits the inferred schema: year becomes text; beds cannot become a boolean.
            let schema =
                #"{"fields": [{"name": "region", "type": "string"}, {"name": "year", "type": "string"}, {"name": "beds", "type": "integer"}, {"name": "name", "type": "string"}]}"#
            let retyped = try await Self.action(
                client, "resource_patch", #"{"id": "\#(id)", "schema": \#(schema)}"#, token: token)
            #expect(retyped.status == .ok, "\(retyped.json)")
            let typed = try await Self.action(
                client, "datastore_search", #"{"resource_id": "\#(id)", "filters": {"year": "2021"}, "limit": 1}"#)
            let typedFields = (typed.json["result"] as? [String: Any])?["fields"] as? [[String: Any]]
            #expect(typedFields?.first { $0["id"] as? String == "year" }?["type"] as? String == "text")
            #expect((typed.json["result"] as? [String: Any])?["total"] as? Int == 24)
            let wrong = schema.replacingOccurrences(
                of: #""beds", "type": "integer""#, with: #""beds", "type": "boolean""#)
            let refused = try await Self.action(
                client, "resource_patch", #"{"id": "\#(id)", "schema": \#(wrong)}"#, token: token)
            #expect(refused.status == .conflict && Self.errorType(refused) == "Validation Error")
            let tables = try await count("opendata_datastore", in: url)
            #expect(tables == 2, "the first table stays with the dataset's earlier version")
            let ragged = try await Self.upload(client, "a,b\n1,2\n3\n", token: token)
            #expect(ragged.status == .conflict && Self.errorType(ragged) == "Validation Error")
            #expect(try await count("opendata_datastore", in: url) == tables, "a bad file loads nothing")
        }
    }

    @Test(arguments: TestEngine.available)
    func oversizeAndMalformedUploadsLoadNothing(engine: TestEngine) async throws {
        try await withApp(engine, configure: Self.smallUploads) { client, url in
            let (token, _) = try await APITests.issueToken(client, scopes: ["opendata:write"], name: "MOH open data")
            _ = try await Self.action(client, "package_create", Self.hospitals, token: token)
            let big = "a,b\n" + String(repeating: "1,2\n", count: 2_000)
            let oversize = try await Self.upload(client, big, token: token)
            #expect(oversize.status == .conflict && Self.errorType(oversize) == "Validation Error", "\(oversize.json)")
            let truncated = try await client.executeRequest(
                uri: "/api/3/action/resource_create", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=xyz", .authorization: token],
                body: ByteBuffer(
                    string:
                        "--xyz\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.csv\"\r\n\r\na,b\n1,2"))
            #expect(truncated.status == .badRequest, "\(truncated.status)")
            let notCSV = try await Self.upload(client, "\u{FEFF}\u{0}\u{1}binary", token: token)
            #expect(notCSV.status == .conflict || notCSV.status == .ok)
            #expect(try await count("opendata_datastore", in: url) == (notCSV.status == .ok ? 1 : 0))
            let found = try await Self.action(client, "package_search", #"{"q": "ооруканалар"}"#)
            #expect((found.json["result"] as? [String: Any])?["count"] as? Int == 1, "Kyrgyz words are found too")
        }
    }

    static func smallUploads(_ configuration: inout AppConfiguration) {
        configuration.maximumDatasetUploadBytes = 2_000
    }

    /// `resource_create` with a multipart body, as `ckanapi` sends files.
    static func upload(_ client: any TestClientProtocol, _ csv: String, token: String) async throws -> (
        status: HTTPResponse.Status, json: [String: Any]
    ) {
        let boundary = "----tk\(UUID().uuidString)"
        var body = ""
        for (name, value) in [("package_id", "hospitals"), ("name", "Beds by region"), ("format", "CSV")] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"beds.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        body += csv + "\r\n--\(boundary)--\r\n"
        let response = try await client.executeRequest(
            uri: "/api/action/resource_create", method: .post,
            headers: [.contentType: "multipart/form-data; boundary=\(boundary)", Self.ckanKey: token],
            body: ByteBuffer(string: body))
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, json)
    }
}
