import Core
import Hummingbird
import Identity
import Registries
import Services

/// "My records": what the registers hold about the signed-in person (parcels, vehicles, records)
/// and the documents issued to them, each read logged as their own.
struct MyRecordsController: Sendable {
    let identity: IdentityService
    let registries: RegistryService
    let applications: ApplicationService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.myRecords.pattern, use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.viewOwnCabinet, of: principal)
        let language = context.language
        // A register's data goes only to accounts known to be the person's, as the forms' prefill does.
        guard principal.assurance >= .substantial else {
            return pages.render(
                "my_records", titleKey: "records_title", request: request, context: context,
                page: MyRecordsPage(needsAssurance: true, registries: [], documents: []))
        }
        let words = try await RegistryWords.make(identity, language)
        let found = try await registries.ownRecords(of: principal)
        let sections = found.map { registry, records in
            MyRecordsPage.Registry(
                title: registry.title.text(language),
                records: records.map { record in
                    MyRecordsPage.Record(
                        facts: (registry.latest?.order ?? record.content.keys.sorted()).compactMap { field in
                            guard let value = record.content[field], field != registry.latest?.personal else {
                                return nil
                            }
                            return ServiceViews.LabelledValue(
                                label: words.label(field), value: words.value(field, value))
                        })
                })
        }
        var documents: [MyRecordsPage.Document] = []
        let services = try await applications.catalogue.all()
        for application in try await applications.applications(of: principal) {
            guard let id = try await applications.documentID(of: application) else { continue }
            documents.append(
                MyRecordsPage.Document(
                    number: id,
                    service: services.first { $0.id == application.serviceID }?.title.text(language)
                        ?? application.serviceID,
                    url: Route.document.path(id)))
        }
        return pages.render(
            "my_records", titleKey: "records_title", request: request, context: context,
            page: MyRecordsPage(needsAssurance: false, registries: sections, documents: documents))
    }
}

/// The person's records by registry, and their documents.
struct MyRecordsPage: Encodable, Sendable {
    /// One registry's records about the person.
    struct Registry: Encodable, Sendable {
        var title: String
        var records: [Record]
    }
    /// One record, field by field, in words.
    struct Record: Encodable, Sendable {
        var facts: [ServiceViews.LabelledValue]
    }
    /// A document issued to the person.
    struct Document: Encodable, Sendable {
        var number: String
        var service: String
        var url: String
    }
    /// The account is not yet known to be the person's: the registers' data is not shown.
    var needsAssurance: Bool
    var registries: [Registry]
    var documents: [Document]
}
