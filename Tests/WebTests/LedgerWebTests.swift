import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing

@testable import App
@testable import Web

@Suite struct LedgerWebTests {
    @Test(arguments: TestEngine.available)
    func identityActionsAreLoggedWithoutPersonalDataAndProvable(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.checkpointIntervalSeconds, 0)) { client, url async throws in
            let (writer, admin) = try await APITests.issueToken(client, scopes: ["identity:write"])
            let created = try await APITests.call(
                client, .post, "/api/v1/people", token: writer,
                json: #"{"pin":"21503198500123","familyName":"Асанов","givenName":"Айбек"}"#)
            #expect(created.status == .created)
            let header = try #require(JSONResponse.ledgerIndexHeader)
            let index = try #require(created.headers[header].flatMap { Int($0) })
            let entry = try await client.executeRequest(
                uri: "/ledger/entries/\(index)", method: .get, headers: [:], body: nil
            ).json()
            let event = try #require(entry["event"] as? [String: Any])
            #expect(event["kind"] as? String == "identity.person.registered")
            #expect((event["subject"] as? String)?.hasPrefix("person:") == true)
            #expect((event["actor"] as? String)?.hasPrefix("system:") == true)
            // No PIN or name anywhere in the log.
            for i in 0...index {
                let stored = try await client.executeRequest(
                    uri: "/ledger/entries/\(i)", method: .get, headers: [:], body: nil
                ).json()
                let bytes = try #require((stored["entry"] as? String).flatMap { Data(base64Encoded: $0) })
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(
                    !text.contains("21503198500123") && !text.contains("11502198000555") && !text.contains("Асанов"),
                    "\(text)")
            }
            // Sign on demand (administrator), then everything verifies with the published key.
            var admin2 = admin
            #expect(try await admin2.post("/admin/ledger/checkpoint", form: [:]).status == .seeOther)
            let key = try NoteVerifier(
                encoded: try await client.executeRequest(uri: "/ledger/key", method: .get, headers: [:], body: nil).text
            )
            let note = try await client.executeRequest(uri: "/ledger/checkpoint", method: .get, headers: [:], body: nil)
            #expect(note.headers[.contentType] == "text/plain; charset=utf-8")
            let checkpoint = try Checkpoint(signedNote: note.text, verifier: key)
            #expect(checkpoint.size == index + 1)
            let receipt = try await client.executeRequest(
                uri: "/ledger/receipt/\(index)", method: .get, headers: [:], body: nil
            ).text
            let verified = try Receipt.verify(receipt, verifier: key)
            #expect(verified.index == index)
            let proof = try await client.executeRequest(
                uri: "/ledger/proof/inclusion?index=\(index)", method: .get, headers: [:], body: nil
            ).json()
            #expect(proof["size"] as? Int == checkpoint.size)
            #expect(
                try await client.executeRequest(
                    uri: "/ledger/proof/inclusion?index=x", method: .get, headers: [:], body: nil
                ).status == .unprocessableContent)
            #expect(
                try await client.executeRequest(uri: "/ledger/entries/999999", method: .get, headers: [:], body: nil)
                    .status == .notFound)
            #expect(
                try await client.executeRequest(uri: "/ledger/receipt/999999", method: .get, headers: [:], body: nil)
                    .status == .notFound)
            // tlog-tiles: the partial level-0 tile holds one hash per entry.
            let tile = try await client.executeRequest(
                uri: "/ledger/tile/0/000.p/\(checkpoint.size)", method: .get, headers: [:], body: nil)
            #expect(tile.status == .ok)
            #expect(tile.body.readableBytes == 32 * checkpoint.size)
            let bundle = try await client.executeRequest(
                uri: "/ledger/tile/entries/000.p/\(checkpoint.size)", method: .get, headers: [:], body: nil)
            #expect(bundle.status == .ok)
            #expect(
                try await client.executeRequest(uri: "/ledger/tile/0/000", method: .get, headers: [:], body: nil).status
                    == .notFound)
            #expect(
                try await client.executeRequest(uri: "/ledger/tile/0/abc", method: .get, headers: [:], body: nil).status
                    == .notFound)
            // Citizens may read the ledger but not sign.
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            #expect(try await citizen.post("/admin/ledger/checkpoint", form: [:]).status == .forbidden)
            #expect(try await citizen.get("/ledger").status == .ok)
        }
    }

    @Test(arguments: TestEngine.available)
    func aDatabaseBehindTheRememberedCheckpointRefusesToStart(engine: TestEngine) async throws {
        try await engine.withDatabaseURL { url in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tk-\(UUID().uuidString).checkpoint"
            ).path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let configuration = AppConfiguration(
                databaseURL: url, bcryptCost: 4, checkpointFile: file, checkpointIntervalSeconds: 0)
            // Sign a checkpoint as a node would, remembering it in the file…
            let platform = try await Platform.start(configuration.forTests, logger: TestLog.quiet)
            try await platform.ledger.append([
                try LedgerEvent(kind: "test.event", actor: "system:t", subject: "case:1", time: 0, details: "x")
            ])
            try await platform.ledger.signAndRemember(platform.checkpointFile)
            await platform.database.shutdown()
            // …then start on an empty database, as after restoring an old backup.
            let other = FileManager.default.temporaryDirectory.appendingPathComponent("tk-\(UUID().uuidString).sqlite")
                .path
            defer { try? FileManager.default.removeItem(atPath: other) }
            var restored = configuration
            restored.databaseURL = "sqlite:\(other)"
            restored.ledgerKeyFile = nil
            await #expect(throws: (any Error).self) {
                _ = try await Platform.start(restored.forTests, logger: TestLog.quiet)
            }
        }
    }
}
