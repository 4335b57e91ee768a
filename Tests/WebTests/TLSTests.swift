import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App

/// `serve` answers HTTPS with a certificate and key from files; files that cannot be used stop the
/// start with a message naming them.
@Suite struct TLSTests {
    /// A self-signed certificate and its key, made with openssl in `folder`.
    static func certificate(in folder: URL) throws -> TLSFiles {
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return TLSFiles(certificateChain: certificate, privateKey: key)
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func thePortalAnswersOverHTTPS() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.certificate(in: folder)
        let overHTTPS: @Sendable (any TestClientProtocol, String) async throws -> Void = { client, _ in
            let health = try await client.executeRequest(uri: "/healthz", method: .get, headers: [:], body: nil)
            #expect(health.status == .ok)
            let home = try await client.executeRequest(
                uri: "/", method: .get, headers: [.acceptLanguage: "ru"], body: nil)
            #expect(home.status == .ok && String(buffer: home.body).contains("lang=\"ru\""))
        }
        try await withApp(.sqlite, setup: .ahc(.https), configure: { $0.tls = files }, overHTTPS)
    }

    @Test func unusableFilesStopTheStartWithTheirName() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Self.certificate(in: folder)
        let garbage = folder.appendingPathComponent("garbage.pem").path
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: garbage))
        let missing = folder.appendingPathComponent("missing.pem").path
        for (files, named) in [
            (TLSFiles(certificateChain: garbage, privateKey: good.privateKey), garbage),
            (TLSFiles(certificateChain: good.certificateChain, privateKey: missing), missing),
            (
                TLSFiles(certificateChain: good.certificateChain, privateKey: good.certificateChain),
                good.certificateChain
            ),
        ] {
            do {
                _ = try serverBuilder(files)
                Issue.record("\(files) was accepted")
            } catch let error as TLSSetupError {
                #expect(error.description.contains(named), "\(error)")
            }
        }
        #expect(throws: Never.self) { _ = try serverBuilder(good) }
    }
}
