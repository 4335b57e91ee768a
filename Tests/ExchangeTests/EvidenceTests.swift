import Exchange
import Foundation
import Ledger
import TestSupport
import Testing

/// An exported evidence package proves a message offline, and stops proving it when one byte changes.
@Suite struct EvidenceTests {
    @Test(arguments: TestEngine.available)
    func aPackageVerifiesOfflineAndFailsWhenAnyByteChanges(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            let answer = await fixture.call(
                ExchangeFixture.resident1Path,
                headers: [
                    .init("X-Road-Client", fixture.taxSystem), .init("X-Road-Id", "evidence-1"),
                ])
            #expect(answer.status == 200)
            _ = try await fixture.clientLedger.signCheckpoint()
            _ = try await fixture.providerLedger.signCheckpoint()

            let provided = try await fixture.providerAdmin.evidence(
                messageID: "evidence-1", side: "provider", ledger: fixture.providerLedger)
            let zip = try provided.zip()
            let verified = try EvidencePackage.read(zip: zip).verify(
                operatorKey: fixture.provider.operatorKey, ledgerKey: fixture.providerLedger.verifier)
            #expect(verified.message.messageID == "evidence-1")
            #expect(verified.bodiesIncluded, "the provider's node keeps bodies")
            #expect(
                String(decoding: provided.files[EvidencePackage.responseBody] ?? Data(), as: UTF8.self)
                    .contains(ExchangeFixture.resident))
            // The client's node proves the same message from its side, with its own ledger.
            let sent = try await ExchangeAdministration(store: fixture.clientStore, clock: .system).evidence(
                messageID: "evidence-1", side: "client", ledger: fixture.clientLedger)
            let clientSide = try EvidencePackage.read(zip: try sent.zip()).verify(
                ledgerKey: fixture.clientLedger.verifier)
            #expect(clientSide.message.requestHash == verified.message.requestHash)
            #expect(!clientSide.bodiesIncluded, "the client's node keeps no bodies")

            // Each byte of the archive changed in turn: never a crash, always refused.
            var damaged = 0
            for offset in 0..<zip.count {
                var bytes = Data(zip)
                bytes[offset] ^= 0x01
                do {
                    _ = try EvidencePackage.read(zip: bytes).verify(
                        operatorKey: fixture.provider.operatorKey, ledgerKey: fixture.providerLedger.verifier)
                } catch {
                    damaged += 1
                }
            }
            // One byte changed in any file (one added to an empty body), and the package re-zipped with
            // fresh checksums: refused.
            for name in provided.files.keys.sorted() {
                var files = provided.files
                var data = Data(try #require(files[name]))
                if data.isEmpty { data.append(0) } else { data[data.count / 2] ^= 0x01 }
                files[name] = data
                #expect(throws: EvidenceError.self, "\(name)") {
                    try EvidencePackage(files: files).verify(
                        operatorKey: fixture.provider.operatorKey, ledgerKey: fixture.providerLedger.verifier)
                }
            }
            #expect(damaged == zip.count, "\(damaged) of \(zip.count) single-byte changes in the ZIP were refused")
        }
    }
}
