import Core
import Foundation
import Hummingbird
import Identity
import Registries
import Services
import Storage

/// The public catalogue of services, a page per service, and the application form.
struct ServicesController: Sendable {
    let identity: IdentityService
    let applications: ApplicationService
    let registries: RegistryService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.services.pattern, use: catalogue)
        router.get(Route.service.pattern, use: servicePage)
        router.get(Route.apply.pattern, use: applyPage)
        router.post(Route.apply.pattern, use: apply)
    }

    static let lifeEvents = [
        "documents", "family", "business", "housing", "education", "health", "agriculture", "environment", "justice",
    ]

    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let views = ServiceViews(pages: pages, language: context.language)
        let query = String((request.uri.queryParameters["q"].map(String.init) ?? "").prefix(200))
        let event = request.uri.queryParameters["event"].map(String.init) ?? ""
        let agency = request.uri.queryParameters["agency"].map(String.init) ?? ""
        let agencies = try await identity.agencies()
        let all = try await applications.catalogue.all()
        let found = try await applications.catalogue.search(query, lifeEvent: event, agency: agency)
        let suggestions = found.isEmpty ? try await applications.catalogue.suggestions(query) : []
        let groups = Self.lifeEvents.compactMap { id -> CataloguePage.Group? in
            let services = found.filter { $0.lifeEvent == id }
            guard !services.isEmpty else { return nil }
            return CataloguePage.Group(
                id: id, name: views.t("event_life_\(id)"),
                services: services.map { summary($0, views: views, agencies: agencies) })
        }
        let offering = Set(all.map(\.agency))
        return pages.render(
            "services_catalogue", titleKey: "catalogue_heading", request: request, context: context,
            page: CataloguePage(
                query: query, found: Catalog.shipped.count("catalogue_found", found.count, context.language),
                none: found.isEmpty, suggestions: suggestions.map { summary($0, views: views, agencies: agencies) },
                hasSuggestions: !suggestions.isEmpty, groups: groups,
                events: [FieldModel.Choice(value: "", label: views.t("catalogue_all"), selected: event.isEmpty)]
                    + Self.lifeEvents.map {
                        FieldModel.Choice(value: $0, label: views.t("event_life_\($0)"), selected: $0 == event)
                    },
                agencies: [FieldModel.Choice(value: "", label: views.t("catalogue_all"), selected: agency.isEmpty)]
                    + agencies.filter { offering.contains($0.code) }.map {
                        FieldModel.Choice(
                            value: $0.code, label: $0.name.text(context.language), selected: $0.code == agency)
                    }))
    }

    private func summary(_ service: Services.Service, views: ServiceViews, agencies: [Agency])
        -> CataloguePage.Summary
    {
        CataloguePage.Summary(
            id: service.id, title: service.title.text(views.language), summary: service.summary.text(views.language),
            agency: agencies.first { $0.code == service.agency }?.name.text(views.language) ?? service.agency,
            fee: fee(service, views),
            deadline: Catalog.shipped.count("service_days", service.deadlineDays, views.language),
            url: Route.service.path(service.id))
    }

    private func fee(_ service: Services.Service, _ views: ServiceViews) -> String {
        service.fee == 0 ? views.t("service_free") : "\(service.fee) \(views.t("currency_som"))"
    }

    @Sendable func servicePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let service = try await applications.catalogue.service(try context.parameters.require("id"))
        let views = ServiceViews(pages: pages, language: context.language)
        let agencies = try await identity.agencies()
        let name = { (code: String) in agencies.first { $0.code == code }?.name.text(context.language) ?? code }
        return pages.render(
            "service_page", titleKey: "catalogue_heading", request: request, context: context,
            page: ServicePage(
                id: service.id, title: service.title.text(context.language),
                summary: service.summary.text(context.language),
                description: service.description.text(context.language), agency: name(service.agency),
                fee: fee(service, views),
                deadline: Catalog.shipped.count("service_days", service.deadlineDays, context.language),
                applicants: service.applicants.map { views.t("applicant_\($0.rawValue)") }.joined(separator: ", "),
                stages: service.stages.map { name($0.agency) }.joined(separator: " → "),
                issues: service.issues?.title.text(context.language) ?? "",
                fields: service.form.map {
                    ServicePage.Field(label: $0.label.text(context.language), optional: !$0.required)
                },
                documents: service.documents.map { ServicePage.Document(title: $0.title.text(context.language)) },
                hasDocuments: !service.documents.isEmpty, applyURL: Route.apply.path(service.id)))
    }

    @Sendable func applyPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let service = try await applications.catalogue.service(try context.parameters.require("id"))
        let draft = try await applications.draft(service.id, of: principal) ?? [:]
        return try await renderForm(
            service, request: request, context: context, principal: principal, values: draft, errors: [],
            key: Secrets.token(), status: .ok)
    }

    @Sendable func apply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let service = try await applications.catalogue.service(try context.parameters.require("id"))
        let form = try await RequestForm.read(request)
        let answers = ServiceViews.answers(form, service: service)
        if form["intent"] == "draft" {
            try await applications.saveDraft(service.id, answers: answers, by: principal)
            return .seeOther(Route.apply.path(service.id), notice: .draftSaved)
        }
        do {
            let organisation = form["organisation"]
            let application = try await applications.submit(
                Submission(
                    serviceID: service.id, applicant: principal,
                    organisationINN: organisation.isEmpty ? nil : organisation, language: context.language,
                    answers: answers, files: form.files, idempotencyKey: try IdempotencyKey(form["idempotencyKey"])))
            return .redirect(to: Route.application.path(application.id))
        } catch let error as ValidationError {
            return try await renderForm(
                service, request: request, context: context, principal: principal, values: answers,
                errors: error.fields,
                key: form["idempotencyKey"], status: .unprocessableContent)
        }
    }

    private func renderForm(
        _ service: Services.Service, request: Request, context: AppRequestContext, principal: Principal,
        values: [String: String],
        errors: [FieldError], key: String, status: HTTPResponse.Status
    ) async throws -> Response {
        let views = ServiceViews(pages: pages, language: context.language)
        let prefilled = try await applications.prefill(service, for: principal)
        // Fields that must name one of the applicant's records offer those records.
        let words = try await RegistryWords.make(identity, context.language)
        let own = try await applications.ownRecords(for: service, of: principal).mapValues { records in
            records.map { record in
                (
                    record.key,
                    ([record.key]
                        + ["districtCode", "landUse", "areaSqm"].compactMap { field in
                            record.content[field].map { words.label(field) + ": " + words.value(field, $0) }
                        }).joined(separator: " · ")
                )
            }
        }
        let sources = try await registries.catalogue().registries.mapValues { $0.title.text(context.language) }
        let districts = try await identity.regions().flatMap { region in
            region.districts.map {
                ($0.code, region.name.text(context.language) + " — " + $0.name.text(context.language))
            }
        }
        var organisations: [FieldModel.Choice] = []
        if service.applicants.contains(.company) {
            let cabinet = try await identity.cabinet(pin: principal.pin)
            if !cabinet.organisations.isEmpty {
                organisations =
                    [FieldModel.Choice(value: "", label: views.t("apply_for_myself"), selected: true)]
                    + cabinet.organisations.map {
                        FieldModel.Choice(value: $0.inn, label: "\($0.name) (\($0.inn))", selected: false)
                    }
            }
        }
        return pages.render(
            "service_apply", titleKey: "apply_title", request: request, context: context, status: status,
            page: ApplyPage(
                id: service.id, title: service.title.text(context.language),
                idempotencyKey: key.isEmpty ? Secrets.token() : key,
                fee: service.fee > 0 ? fee(service, views) : "",
                organisations: organisations, hasOrganisations: !organisations.isEmpty,
                fields: service.form.map {
                    views.field(
                        $0, values: values, errors: errors, prefilled: prefilled, districts: districts, own: own,
                        sources: sources)
                }, applyURL: Route.apply.path(service.id)),
            errors: ErrorSummary(
                errors, context.language, linked: { error in service.form.contains { error.field.hasPrefix($0.id) } }))
    }
}

/// The catalogue of services, grouped by life event, with search and filters.
struct CataloguePage: Encodable, Sendable {
    /// A service as the catalogue lists it.
    struct Summary: Encodable, Sendable {
        var id: String
        var title: String
        var summary: String
        var agency: String
        var fee: String
        var deadline: String
        var url: String
    }
    /// The services of one life event.
    struct Group: Encodable, Sendable {
        var id: String
        var name: String
        var services: [Summary]
    }
    var query: String
    /// "3 services found", in the language's plural form.
    var found: String
    /// Nothing matched: the page suggests what might.
    var none: Bool
    var suggestions: [Summary]
    var hasSuggestions: Bool
    var groups: [Group]
    var events: [FieldModel.Choice]
    var agencies: [FieldModel.Choice]
}

/// One service: what it gives, who may apply, its fee, deadline, form and the documents it needs.
struct ServicePage: Encodable, Sendable {
    /// A field of the form, named.
    struct Field: Encodable, Sendable {
        var label: String
        var optional: Bool
    }
    /// A document to bring.
    struct Document: Encodable, Sendable { var title: String }
    var id: String
    var title: String
    var summary: String
    var description: String
    var agency: String
    var fee: String
    var deadline: String
    var applicants: String
    var stages: String
    var issues: String
    var fields: [Field]
    var documents: [Document]
    var hasDocuments: Bool
    var applyURL: String
}

/// The application form of a service.
struct ApplyPage: Encodable, Sendable {
    var id: String
    var title: String
    var idempotencyKey: String
    var fee: String
    /// Whom to apply for: oneself or a company one represents.
    var organisations: [FieldModel.Choice]
    var hasOrganisations: Bool
    var fields: [FieldModel]
    var applyURL: String
}
