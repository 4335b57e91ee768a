import Core
import Foundation
import Hummingbird
import Identity
import Services

/// The back office: an official's inbox with SLA badges and filters, a case (each opening is a
/// logged read of the applicant's data) and the decisions the process definition allows them.
struct OfficeController: Sendable {
    let identity: IdentityService
    let applications: ApplicationService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.inbox.pattern, use: inbox)
        router.get(Route.officeCase.pattern, use: show)
        router.post(Route.officeDecide.pattern, use: decide)
        router.get(Route.officeFile.pattern, use: file)
    }

    @Sendable func inbox(_ request: Request, context: AppRequestContext) async throws -> Response {
        let official = try PortalController.signedIn(context)
        let views = ServiceViews(pages: pages, language: context.language)
        let whole = request.uri.queryParameters["scope"] == "agency"
        let service = request.uri.queryParameters["service"].map(String.init) ?? ""
        let overdue = request.uri.queryParameters["overdue"] == "1"
        let items = try await applications.inbox(
            of: official, filter: InboxFilter(wholeAgency: whole, serviceID: service, overdueOnly: overdue))
        let services = try await applications.catalogue.all()
        let mine = services.filter { s in s.stages.contains { $0.agency == official.post?.agencyCode } }
        let rows = items.map { item in
            InboxPage.Row(
                id: item.applicationID,
                service: services.first { $0.id == item.serviceID }?.title.text(context.language) ?? item.serviceID,
                state: views.label("state", item.state),
                stepDue: item.stepDueOn.map { DisplayTime.date($0, context.language) } ?? "",
                legalDue: DisplayTime.date(item.legalDueOn, context.language), sla: item.sla.rawValue,
                slaText: views.t("sla_\(item.sla.rawValue)"), assignee: item.assigneePIN ?? "",
                submitted: DisplayTime.dateTime(item.submittedAt, context.language),
                url: Route.officeCase.path(item.applicationID))
        }
        let page = InboxPage(
            rows: rows, hasRows: !rows.isEmpty, count: rows.count, whole: whole, overdue: overdue,
            isHead: official.post?.roles.contains(.head) == true,
            services: [FieldModel.Choice(value: "", label: views.t("catalogue_all"), selected: service.isEmpty)]
                + mine.map {
                    FieldModel.Choice(value: $0.id, label: $0.title.text(context.language), selected: $0.id == service)
                })
        return pages.render("office_inbox", titleKey: "inbox_heading", request: request, context: context, page: page)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, status: .ok)
    }

    private func render(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, errors: [FieldError] = [],
        chosen: String = "", reason: String = ""
    ) async throws -> Response {
        let official = try PortalController.signedIn(context)
        let file = try await applications.openCase(try context.parameters.require("id"), by: official)
        let views = ServiceViews(pages: pages, language: context.language)
        let agencies = try await identity.agencies()
        let error = { (field: String) in errors.first { $0.field == field }.map { views.t($0.messageKey) } ?? "" }
        let appeal = try await applications.appeal(of: file.application)
        let page = CasePage(
            id: file.application.id, service: file.service.title.text(context.language),
            status: views.status(file.application.status), state: views.label("state", file.item.state),
            submitted: DisplayTime.dateTime(file.application.submittedAt, context.language),
            due: DisplayTime.date(file.application.dueOn, context.language),
            stepDue: file.item.dueOn.map { DisplayTime.date($0, context.language) } ?? "",
            answers: views.answerRows(file.application, service: file.service),
            files: file.files.map {
                CasePage.File(
                    field: $0.field, filename: $0.filename,
                    size: Catalog.shipped.count("size_kib", ($0.size + 1023) / 1024, context.language),
                    url: Route.officeFile.path(file.application.id, $0.field))
            },
            hasFiles: !file.files.isEmpty, timeline: views.timeline(file.timeline, agencies: agencies),
            actions: file.actions.map {
                FieldModel.Choice(value: $0, label: views.label("action", $0), selected: $0 == chosen)
            },
            hasActions: !file.actions.isEmpty, reason: reason, reasonError: error("reason"),
            actionError: error("action"),
            applicant: file.applicant.map {
                CasePage.Applicant(
                    name: $0.fullName, pin: $0.pin, birthDate: DisplayTime.date(iso: $0.birthDate, context.language),
                    address: $0.address, phone: $0.phone)
            },
            appeal: appeal.map {
                ApplicationPage.AppealView(reason: $0.reason, filed: DisplayTime.dateTime($0.filedAt, context.language))
            },
            decideURL: Route.officeDecide.path(file.application.id))
        return pages.render(
            "office_case", titleKey: "case_heading", request: request, context: context, status: status, page: page,
            errors: ErrorSummary(errors, context.language), naming: file.application.id)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let official = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        let id = try context.parameters.require("id")
        guard !form["action"].isEmpty else {
            return try await render(
                request, context: context, status: .unprocessableContent,
                errors: [FieldError(field: "action", messageKey: "error_required")], reason: form["reason"])
        }
        do {
            _ = try await applications.decide(id, action: form["action"], by: official, reason: form["reason"])
            return .seeOther(Route.officeCase.path(id), notice: .caseDecided)
        } catch let error as ValidationError {
            return try await render(
                request, context: context, status: .unprocessableContent, errors: error.fields, chosen: form["action"],
                reason: form["reason"])
        }
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let official = try PortalController.signedIn(context)
        let found = try await applications.file(
            try context.parameters.require("id"), field: try context.parameters.require("field"), for: official)
        return Response(
            status: .ok,
            headers: [.contentType: found.mediaType, .cacheControl: "no-store", .contentDisposition: "attachment"],
            body: .init(byteBuffer: ByteBuffer(bytes: found.bytes)))
    }
}

/// An official's inbox: open cases, most urgent first, with filters.
struct InboxPage: Encodable, Sendable {
    /// One open case.
    struct Row: Encodable, Sendable {
        var id: String
        var service: String
        var state: String
        var stepDue: String
        var legalDue: String
        var sla: String
        var slaText: String
        var assignee: String
        var submitted: String
        var url: String
    }
    var rows: [Row]
    var hasRows: Bool
    var count: Int
    var whole: Bool
    var overdue: Bool
    var isHead: Bool
    var services: [FieldModel.Choice]
}

/// A case as the official opens it: the application, the applicant, files, history and decisions.
struct CasePage: Encodable, Sendable {
    /// An uploaded file.
    struct File: Encodable, Sendable {
        var field: String
        var filename: String
        var size: String
        var url: String
    }
    /// The applicant, from the population register.
    struct Applicant: Encodable, Sendable {
        var name: String
        var pin: String
        var birthDate: String
        var address: String
        var phone: String
    }
    var id: String
    var service: String
    var status: String
    var state: String
    var submitted: String
    var due: String
    var stepDue: String
    var answers: [ServiceViews.LabelledValue]
    var files: [File]
    var hasFiles: Bool
    var timeline: [ServiceViews.TimelineRow]
    var actions: [FieldModel.Choice]
    var hasActions: Bool
    var reason: String
    var reasonError: String
    var actionError: String
    var applicant: Applicant?
    /// The applicant's appeal, when the case is one or the application was appealed.
    var appeal: ApplicationPage.AppealView?
    var decideURL: String
}
