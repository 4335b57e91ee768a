import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// The GovStack Data API, "Who looked at my data" and the officials' registry search, through HTTP.
@Suite struct RegistryWebTests {
    static let mediator = HTTPField.Name("Information-Mediator-Client")!
    static let purpose = "purpose=Law%20on%20Health%20Protection%2C%20art.%2012&caseNumber=MOH-77"

    /// A client of `agency` with `scopes`, issued by the demo administrator.
    static func token(_ client: any TestClientProtocol, agency: String, scopes: [String]) async throws -> String {
        var admin = Browser(client)
        _ = try await admin.signIn(PortalTests.admin)
        let page = try await admin.post(
            "/admin/clients",
            pairs: [("name", "\(agency) back office"), ("agencyCode", agency)] + scopes.map { ("scopes", $0) })
        #expect(page.status == .created, "\(page.text)")
        return try #require(PortalTests.matches(#"<code class="token">([^<]+)</code>"#, in: page.text).first)
    }

    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
        json: String? = nil,
        mediator: String? = "KG/GOV/MOH/his", extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.acceptLanguage: "en"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let mediator { headers[Self.mediator] = mediator }
        if json != nil { headers[.contentType] = "application/json" }
        headers.append(contentsOf: extra)
        return try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @Test(arguments: TestEngine.available)
    func theGovStackDataAPIReadsAndWritesWithinAnAgencysRights(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.demoRegistrySize, 30)) { client, url async throws in
            let moh = try await Self.token(client, agency: "MOH", scopes: ["registry:read", "registry:write"])
            // Create, read, exists, update, readValue, list, delete on the ministry's own register.
            let created = try await Self.call(
                client, .post, "/data/health_facilities/1.0/create?reason=opened", token: moh,
                json:
                    #"{"write":{"content":{"code":"HF-900","name":"Test clinic","kind":"polyclinic","districtCode":"BIS-LEN","beds":0}}}"#
            )
            #expect(created.status == .ok, "\(created.text)")
            #expect(created.headers[HTTPField.Name("Ledger-Index")!] != nil)
            let read = try await Self.call(
                client, .post, "/data/health_facilities/1/read", token: moh,
                json: #"{"query":{"content":{"code":"HF-900"}}}"#)
            #expect(((try read.json()["content"] as? [String: Any])?["name"] as? String) == "Test clinic")
            let missing = try await Self.call(
                client, .post, "/data/health_facilities/1/read", token: moh,
                json: #"{"query":{"content":{"code":"HF-999"}}}"#)
            #expect(missing.status == .notFound)
            #expect((try missing.json()["detail"] as? String) == "no record found")
            let exists = try await Self.call(
                client, .post, "/data/health_facilities/1/exists", token: moh,
                json: #"{"query":{"content":{"code":"HF-900"}}}"#)
            #expect(((try exists.json()["answer"] as? [String: Any])?["status"] as? Bool) == true)
            let updated = try await Self.call(
                client, .put, "/data/health_facilities/1/update?reason=beds", token: moh,
                json: #"{"query":{"content":{"code":"HF-900"}},"write":{"content":{"beds":25}}}"#)
            #expect(updated.status == .ok, "\(updated.text)")
            let value = try await Self.call(
                client, .get, "/data/health_facilities/1/HF-900/readValue/beds.json", token: moh)
            #expect((try value.json()["value"] as? Int) == 25)
            let kebab = try await Self.call(
                client, .get, "/data/health_facilities/1/HF-900/read-value/name.json", token: moh)
            #expect((try kebab.json()["value"] as? String) == "Test clinic")
            let list = try await Self.call(
                client, .get, "/data/health_facilities/1?query.districtCode=BIS-LEN&pageSize=1", token: moh)
            let listed = try list.json()
            #expect((listed["count"] as? Int ?? 0) >= 2 && (listed["results"] as? [Any])?.count == 1)
            #expect((listed["next"] as? String)?.contains("page=2") == true)
            let deleted = try await Self.call(
                client, .delete, "/data/health_facilities/1/HF-900/delete?reason=closed", token: moh)
            #expect(deleted.status == .noContent)
            #expect(
                try await Self.call(
                    client, .post, "/data/health_facilities/1/read", token: moh,
                    json: #"{"query":{"content":{"code":"HF-900"}}}"#
                ).status == .notFound)

            // People: a purpose is required, and the read lands in the person's log once.
            let before = try await count("data_access_log", in: url)
            let noPurpose = try await Self.call(
                client, .post, "/data/population/1/read", token: moh,
                json: #"{"query":{"content":{"pin":"11207199000417"}}}"#)
            #expect(noPurpose.status == .unprocessableContent)
            #expect(((try noPurpose.json()["errors"] as? [[String: Any]])?.first?["field"] as? String) == "purpose")
            #expect(try await count("data_access_log", in: url) == before)
            let person = try await Self.call(
                client, .post, "/data/population/1/read?\(Self.purpose)", token: moh,
                json: #"{"query":{"content":{"pin":"11207199000417"}}}"#)
            #expect(person.status == .ok, "\(person.text)")
            #expect(try await count("data_access_log", in: url) == before + 1)

            // Outside the agency's rights, without the header, without a token, with bad input.
            #expect(
                try await Self.call(
                    client, .post, "/data/criminal_records/1/read?\(Self.purpose)", token: moh,
                    json: #"{"query":{"content":{"pin":"11207199000417"}}}"#
                ).status == .forbidden)
            #expect(
                try await Self.call(
                    client, .post, "/data/population/1/create", token: moh,
                    json: #"{"write":{"content":{"pin":"21503198500123"}}}"#
                ).status == .forbidden)
            #expect(
                try await Self.call(client, .get, "/data/health_facilities/1", token: moh, mediator: nil).status
                    == .unprocessableContent)
            #expect(
                try await Self.call(client, .get, "/data/health_facilities/1", token: moh, mediator: "not-a-subsystem")
                    .status == .unprocessableContent)
            #expect(try await Self.call(client, .get, "/data/schools/1", token: moh).status == .forbidden)
            #expect(try await Self.call(client, .get, "/data/health_facilities/1", token: nil).status == .unauthorized)
            #expect(try await Self.call(client, .get, "/data/health_facilities/9", token: moh).status == .notFound)
            #expect(try await Self.call(client, .get, "/data/nothing/1", token: moh).status == .notFound)
            #expect(
                try await Self.call(client, .get, "/data/health_facilities/1?query.kind=hospital", token: moh).status
                    == .badRequest)
            let rows = try await count("rr_health_facilities", in: url)
            for body in [
                #"{"write":{"content":{"code":"HF-901","name":"X","kind":"spa","districtCode":"BIS-LEN"}}}"#,
                #"{"write":{"content":{"code":"HF-902","name":"X","kind":"polyclinic","districtCode":"BIS-LEN","colour":"red"}}}"#,
                #"{"write":{"content":{"code":"HF-903","name":"X","kind":"polyclinic","districtCode":"BIS-LEN","beds":"many"}}}"#,
                #"{"write":"nonsense"}"#, "not json",
            ] {
                let refused = try await Self.call(
                    client, .post, "/data/health_facilities/1/create", token: moh, json: body)
                #expect([400, 422].contains(refused.status.code), "\(body): \(refused.status)")
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
            #expect(try await count("rr_health_facilities", in: url) == rows)
            // A retried create with the same Idempotency-Key writes once.
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-hf-904"]
            let body =
                #"{"write":{"content":{"code":"HF-904","name":"Y","kind":"polyclinic","districtCode":"BIS-LEN"}}}"#
            let first = try await Self.call(
                client, .post, "/data/health_facilities/1/create", token: moh, json: body, extra: key)
            let again = try await Self.call(
                client, .post, "/data/health_facilities/1/create", token: moh, json: body, extra: key)
            #expect(first.status == .ok && again.status == .ok)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await count("rr_health_facilities", in: url) == rows + 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aCitizenSeesWhoReadTheirDataAndNoOneElses(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.demoRegistrySize, 30)) { client, _ async throws in
            // An SRS clerk looks the citizen up in the portal, stating a legal basis.
            var clerk = Browser(client)
            _ = try await clerk.signIn(PortalTests.clerk)
            let page = try await clerk.get("/office/registries")
            #expect(page.status == .ok && page.text.contains("population:pin"))
            #expect(!page.text.contains("criminal_records:"), "SRS has no right to criminal records")
            let noBasis = try await clerk.post(
                "/office/registries", form: ["target": "population:pin", "value": PortalTests.citizen])
            #expect(noBasis.status == .unprocessableContent && noBasis.text.contains("purpose-error"))
            let found = try await clerk.post(
                "/office/registries",
                form: [
                    "target": "population:pin", "value": PortalTests.citizen,
                    "purpose": "Law on State Registration, art. 12", "caseNumber": "SRS-2026-15",
                ])
            #expect(found.status == .ok && found.text.contains("Токтогулова"))
            let notIndexed = try await clerk.post(
                "/office/registries",
                form: ["target": "population:address", "value": "x", "purpose": "Law on State Registration"])
            #expect(notIndexed.status == .unprocessableContent)

            // The citizen sees it, with the agency, the reason and a ledger link, and can export it.
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let log = try await citizen.get("/cabinet/data-access")
            #expect(log.status == .ok)
            #expect(
                log.text.contains("State Registration Service")
                    && log.text.contains("Law on State Registration, art. 12") && log.text.contains("SRS-2026-15"))
            #expect(log.text.contains("/ledger/entries/"))
            let csv = try await citizen.get("/cabinet/data-access.csv")
            #expect(
                csv.headers[.contentType] == "text/csv; charset=utf-8" && csv.text.split(separator: "\r\n").count == 2)
            let json = try await citizen.get("/cabinet/data-access.json")
            let items = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [[String: Any]])
            #expect(items.count == 1 && items.first?["agencyCode"] as? String == "SRS")
            // GovStack's myPersonalDataUsage: for oneself only.
            let own = try await citizen.get(
                "/data/myPersonalDataUsage?userId=\(PortalTests.citizen)&databaseId=population")
            #expect(own.status == .ok && own.text.contains("SRS"))
            #expect(try await citizen.get("/data/my-personal-data-usage?userId=20303198500231").status == .forbidden)

            // Another citizen sees nothing of it, and citizens cannot search the registries.
            var other = Browser(client)
            _ = try await other.signIn("20303198500231")
            let empty = try await other.get("/cabinet/data-access")
            #expect(!empty.text.contains("SRS-2026-15"))
            let otherJSON = try await other.get("/cabinet/data-access.json")
            #expect(!otherJSON.text.contains("SRS-2026-15"))
            #expect(try await other.get("/office/registries").status == .forbidden)
            var anonymous = Browser(client)
            #expect(try await anonymous.get("/cabinet/data-access").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.available)
    func officialsSeeParcelsOnAMapAndARecordsHistory(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.demoRegistrySize, 30)) { client, _ async throws in
            var clerk = Browser(client)
            _ = try await clerk.signIn(PortalTests.clerk)
            let found = try await clerk.post(
                "/office/registries",
                form: [
                    "target": "land_parcels:districtCode", "value": "BTK-BAT",
                    "purpose": "Law on the Land Cadastre, art. 7",
                ])
            #expect(found.status == .ok)
            #expect(found.text.contains("<svg class=\"map\"") && found.text.contains("<polygon points="))
            #expect(found.text.contains("1-01-00-0000-0000"))
            // The history of a record: who changed it, when and why; itself a logged read.
            let history = try await clerk.post(
                "/office/registries/history",
                form: [
                    "registry": "land_parcels", "key": "1-01-00-0000-0000",
                    "purpose": "Law on the Land Cadastre, art. 7",
                ])
            #expect(history.status == .ok)
            #expect(history.text.contains("demo data") && history.text.contains("agency:SRS"))
            let refused = try await clerk.post(
                "/office/registries/history", form: ["registry": "land_parcels", "key": "1-01-00-0000-0000"])
            #expect(refused.status == .unprocessableContent)
            var health = Browser(client)
            _ = try await health.signIn("21404199200901")  // MOH: no right to land parcels
            #expect(
                try await health.post(
                    "/office/registries/history",
                    form: [
                        "registry": "land_parcels", "key": "1-01-00-0000-0000",
                        "purpose": "Law on the Land Cadastre, art. 7",
                    ]
                ).status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func ownersPublishCompatibleSchemaVersionsThroughTheAPI(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.demoRegistrySize, 10)) { client, url async throws in
            let moh = try await Self.token(client, agency: "MOH", scopes: ["registry:write"])
            let list = try await Self.call(client, .get, "/api/v1/registries", token: nil)
            let registries = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [[String: Any]])
            #expect(
                registries.count == 7
                    && registries.contains {
                        $0["name"] as? String == "health_facilities" && $0["ownerAgency"] as? String == "MOH"
                    })
            let v1 = try await Self.call(client, .get, "/api/v1/registries/health_facilities/schemas/1", token: nil)
            #expect(v1.status == .ok)
            let v2 = v1.text.replacingOccurrences(
                of: #""beds": {"type": "integer", "minimum": 0}}"#,
                with: #""beds": {"type": "integer", "minimum": 0}, "phone": {"type": "string"}}"#)
            #expect(v2 != v1.text)
            let published = try await Self.call(
                client, .post, "/api/v1/registries/health_facilities/schemas", token: moh, json: v2, mediator: nil)
            #expect(published.status == .created, "\(published.text)")
            #expect(
                try await Self.call(client, .get, "/api/v1/registries/health_facilities/schemas/2", token: nil).status
                    == .ok)
            // Incompatible: a field removed. Refused with the path, nothing published.
            let removed = v1.text.replacingOccurrences(
                of: #",\s*"beds": \{"type": "integer", "minimum": 0\}"#, with: "", options: .regularExpression)
            #expect(removed != v1.text)
            let refused = try await Self.call(
                client, .post, "/api/v1/registries/health_facilities/schemas", token: moh, json: removed, mediator: nil)
            #expect(refused.status == .unprocessableContent)
            let fields = (try refused.json()["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains("/properties/beds") && fields.contains("/properties/phone"), "\(fields)")
            #expect(try await count("registry_schemas", in: url) == 8)
            // Not the owner.
            #expect(
                try await Self.call(
                    client, .post, "/api/v1/registries/population/schemas", token: moh, json: v2, mediator: nil
                ).status == .forbidden)
        }
    }
}
