import Core
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// What the registers hold about a person, shown to them in words and logged as their own reading;
/// forms offer the applicant's own records and refuse another person's.
@Suite struct MyRecordsTests {
    @Test(arguments: TestEngine.available)
    func aPersonSeesTheirOwnRecordsInWordsAndTheReadIsLoggedAsTheirs(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var citizen = Browser(client)
            citizen.acceptLanguage = "ru"
            _ = try await citizen.signIn(PortalTests.citizen)
            #expect(try await citizen.get("/cabinet").text.contains(#"href="/cabinet/records""#))
            let page = try await citizen.get("/cabinet/records")
            #expect(page.status == .ok && page.text.contains("1-01-00-0000-0000"), "her parcel")
            #expect(page.text.contains("<dt>Назначение земли</dt><dd>жилое</dd>"), "field and value in words")
            #expect(!page.text.contains("BIS-") && !page.text.contains("landUse"), "district by name, no field codes")
            #expect(!page.text.contains("1-01-01-0000-0001"), "not another person's parcel")
            let log = try await citizen.get("/cabinet/data-access")
            #expect(
                log.text.contains("Вы просмотрели, что о вас хранится в реестрах") && log.text.contains(">Вы</td>"))
            // Only for the person: anonymous is sent to sign in.
            var anonymous = Browser(client)
            #expect(try await anonymous.get("/cabinet/records").status == .seeOther)
            _ = url
        }
    }

    @Test(arguments: TestEngine.available)
    func aPermitFormOffersOnlyTheApplicantsParcelsAndRefusesAnotherPersons(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var applicant = Browser(client)
            _ = try await applicant.signIn(ServicesWebTests.other)
            let form = try await applicant.get("/services/building-permit/apply")
            #expect(form.text.contains(#"<option value="1-01-01-0000-0001""#))
            #expect(!form.text.contains("1-01-00-0000-0000"), "no example that is a real person's parcel")
            let before = try await count("applications", in: url)
            var fields = [
                "parcel": "1-01-00-0000-0000", "zone": "residential", "floors": "3", "area": "250",
                "idempotencyKey": try ServicesWebTests.key(form), "intent": "submit",
            ]
            let refused = try await applicant.post(
                "/services/building-permit/apply", multipart: fields,
                files: ["site_plan": ("p.png", ServicesWebTests.png)])
            #expect(refused.status == .unprocessableContent && refused.text.contains("Choose one of your own"))
            #expect(try await count("applications", in: url) == before, "nothing stored")
            fields["parcel"] = "1-01-01-0000-0001"
            let accepted = try await applicant.post(
                "/services/building-permit/apply", multipart: fields,
                files: ["site_plan": ("p.png", ServicesWebTests.png)])
            #expect(accepted.status == .seeOther)
            // A prefilled value names its register in words.
            let certificate = try await applicant.get("/services/no-criminal-record/apply")
            #expect(!certificate.text.contains("(population)"))
        }
    }
}
