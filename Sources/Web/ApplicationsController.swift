import Core
import Foundation
import Hummingbird
import Identity
import Services

/// The applicant's side: their applications with timelines, paying, withdrawing, answering a
/// correction request, rating, notifications. Another person's application is "not found".
struct ApplicationsController: Sendable {
    let identity: IdentityService
    let applications: ApplicationService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.applications.pattern, use: list)
        router.get(Route.application.pattern, use: show)
        router.post(Route.applicationPay.pattern, use: pay)
        router.post(Route.applicationWithdraw.pattern, use: withdraw)
        router.post(Route.applicationCorrection.pattern, use: correction)
        router.post(Route.applicationRating.pattern, use: rate)
        router.post(Route.applicationAppeal.pattern, use: appeal)
        router.get(Route.applicationFile.pattern, use: file)
        router.get(Route.notifications.pattern, use: notifications)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let views = ServiceViews(pages: pages, language: context.language)
        let services = try await applications.catalogue.all()
        let rows = try await applications.applications(of: principal).map { application in
            ApplicationsPage.Row(
                id: application.id,
                service: services.first { $0.id == application.serviceID }?.title.text(context.language)
                    ?? application.serviceID,
                status: views.status(application.status), statusCode: application.status.rawValue,
                submitted: DisplayTime.dateTime(application.submittedAt, context.language),
                due: DisplayTime.date(application.dueOn, context.language),
                url: Route.application.path(application.id))
        }
        let unread = try await applications.notifications(of: principal).filter { !$0.isRead }.count
        return pages.render(
            "applications", titleKey: "applications_heading", request: request, context: context,
            page: ApplicationsPage(rows: rows, hasRows: !rows.isEmpty, unread: unread))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, status: .ok)
    }

    private func render(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, errors: [FieldError] = []
    ) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let application = try await applications.application(try context.parameters.require("id"), of: principal)
        let service = try await applications.catalogue.service(application.serviceID)
        let views = ServiceViews(pages: pages, language: context.language)
        let agencies = try await identity.agencies()
        let bill = try await applications.bill(of: application)
        let document = try await applications.documentID(of: application)
        let appealRight = try await applications.appealRight(of: application)
        let appeal = try await applications.appeal(of: application)
        let error = { (field: String) in errors.first { $0.field == field }.map { views.t($0.messageKey) } ?? "" }
        let page = ApplicationPage(
            id: application.id, service: service.title.text(context.language), serviceID: service.id,
            agency: agencies.first { $0.code == application.agencyCode }?.name.text(context.language)
                ?? application.agencyCode,
            status: views.status(application.status), statusCode: application.status.rawValue,
            submitted: DisplayTime.dateTime(application.submittedAt, context.language),
            due: DisplayTime.date(application.dueOn, context.language),
            answers: views.answerRows(application, service: service),
            timeline: views.timeline(try await applications.timeline(application), agencies: agencies),
            canWithdraw: !application.status.isFinal && application.status != .underAppeal,
            correction: application.status == .correctionRequested,
            canRate: application.status.isFinal && application.rating == nil && application.status != .withdrawn,
            rating: application.rating.map(String.init) ?? "",
            commentError: error("comment"), fileError: error("file"), ratingError: error("rating"),
            scores: (1...5).map(ApplicationPage.Score.init), document: document,
            documentURL: document.map { Route.document.path($0) }, payURL: Route.applicationPay.path(application.id),
            withdrawURL: Route.applicationWithdraw.path(application.id),
            correctionURL: Route.applicationCorrection.path(application.id),
            ratingURL: Route.applicationRating.path(application.id),
            appealRight: appealRight.map { right in
                views.t("appeal_right").replacingOccurrences(
                    of: "{date}", with: DisplayTime.date(right.until, context.language)
                ).replacingOccurrences(
                    of: "{agency}",
                    with: agencies.first { $0.code == right.agency }?.name.text(context.language) ?? right.agency)
            }, appealURL: Route.applicationAppeal.path(application.id), appealError: error("appeal"),
            appeal: appeal.map {
                ApplicationPage.AppealView(reason: $0.reason, filed: DisplayTime.dateTime($0.filedAt, context.language))
            },
            bill: bill.map { bill in
                ApplicationPage.BillView(
                    number: bill.id, amount: "\(bill.amount) \(views.t("currency_som"))",
                    status: views.t("bill_\(bill.status)"),
                    payable: bill.status != "paid" && application.status == .awaitingPayment,
                    receipt: bill.receiptNumber ?? "", ledgerIndex: bill.ledgerIndex.map(String.init) ?? "",
                    entryURL: Route.ledgerEntry.path(bill.ledgerIndex.map(String.init) ?? ""))
            })
        return pages.render(
            "application", titleKey: "application_title", request: request, context: context, status: status,
            page: page,
            errors: ErrorSummary(errors, context.language, targets: ["rating": "rating-1"]), naming: application.id)
    }

    @Sendable func pay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = try context.parameters.require("id")
        let form = try await FormData.read(request)
        // The test bank's choice; an unknown value is refused rather than taken for a payment.
        let instruction = form["outcome"].isEmpty ? "confirm" : form["outcome"]
        guard ["confirm", "fail", "timeout"].contains(instruction) else {
            throw ValidationError(field: "outcome", messageKey: "error_not_a_choice")
        }
        let bill = try await applications.pay(id, by: principal, instruction: instruction)
        return .seeOther(Route.application.path(id), notice: Notice(billStatus: bill.status) ?? .billPending)
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        let id = try context.parameters.require("id")
        _ = try await applications.withdraw(id, by: principal, reason: form["reason"])
        return .seeOther(Route.application.path(id), notice: .applicationWithdrawn)
    }

    @Sendable func correction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await RequestForm.read(request)
        return try await change(request, context: context, notice: .correctionSent) { id in
            _ = try await applications.answerCorrection(
                id, by: principal, comment: form["comment"], file: form.files["file"])
        }
    }

    @Sendable func rate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        return try await change(request, context: context, notice: .ratingThanks) { id in
            try await applications.rate(
                id, by: principal, score: RequestNumber.parse(form["rating"], in: 1...5) ?? 0, comment: form["comment"])
        }
    }

    @Sendable func appeal(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        return try await change(request, context: context, notice: .appealSent) { id in
            _ = try await applications.fileAppeal(id, by: principal, reason: form["appeal"])
        }
    }

    /// Makes the applicant's change to application `id`, then goes on to its page with `notice`
    /// (Post/Redirect/Get), or shows the page again with the problems beside the fields.
    private func change(
        _ request: Request, context: AppRequestContext, notice: Notice, _ body: (String) async throws -> Void
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        do {
            try await body(id)
            return .seeOther(Route.application.path(id), notice: notice)
        } catch let error as ValidationError {
            return try await render(request, context: context, status: .unprocessableContent, errors: error.fields)
        }
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let found = try await applications.file(
            try context.parameters.require("id"), field: try context.parameters.require("field"), for: principal)
        return Response(
            status: .ok,
            headers: [
                .contentType: found.mediaType, .cacheControl: "no-store",
                .contentDisposition:
                    "attachment; filename=\"\(found.filename.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" })\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: found.bytes)))
    }

    @Sendable func notifications(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let views = ServiceViews(pages: pages, language: context.language)
        let items = try await applications.notifications(of: principal).map {
            NotificationsPage.Item(
                time: DisplayTime.dateTime($0.at, context.language), application: $0.applicationID,
                status: views.status($0.status),
                reason: $0.reason, unread: !$0.isRead, url: Route.application.path($0.applicationID))
        }
        try await applications.markNotificationsRead(of: principal)
        return pages.render(
            "notifications", titleKey: "notifications_heading", request: request, context: context,
            page: NotificationsPage(items: items, hasItems: !items.isEmpty))
    }
}

/// The applicant's applications.
struct ApplicationsPage: Encodable, Sendable {
    /// One application in the list.
    struct Row: Encodable, Sendable {
        var id: String
        var service: String
        var status: String
        var statusCode: String
        var submitted: String
        var due: String
        var url: String
    }
    var rows: [Row]
    var hasRows: Bool
    var unread: Int
}

/// One of the applicant's applications: its answers, timeline, bill, document and what they may do.
struct ApplicationPage: Encodable, Sendable {
    /// A score to choose when rating.
    struct Score: Encodable, Sendable { var value: Int }
    /// An appeal filed.
    struct AppealView: Encodable, Sendable {
        var reason: String
        var filed: String
    }
    /// The application's bill.
    struct BillView: Encodable, Sendable {
        var number: String
        var amount: String
        var status: String
        var payable: Bool
        var receipt: String
        var ledgerIndex: String
        var entryURL: String
    }
    var id: String
    var service: String
    var serviceID: String
    var agency: String
    var status: String
    var statusCode: String
    var submitted: String
    var due: String
    var answers: [ServiceViews.LabelledValue]
    var timeline: [ServiceViews.TimelineRow]
    var canWithdraw: Bool
    var correction: Bool
    var canRate: Bool
    var rating: String
    var commentError: String
    var fileError: String
    var ratingError: String
    var scores: [Score]
    var document: String?
    var documentURL: String?
    var payURL: String
    var withdrawURL: String
    var correctionURL: String
    var ratingURL: String
    /// "You can appeal until … to the head of …", while the applicant can.
    var appealRight: String?
    var appealURL: String
    var appealError: String
    /// The appeal the applicant filed.
    var appeal: AppealView?
    var bill: BillView?
}

/// The signed-in person's notifications.
struct NotificationsPage: Encodable, Sendable {
    /// One notification.
    struct Item: Encodable, Sendable {
        var time: String
        var application: String
        var status: String
        var reason: String
        var unread: Bool
        var url: String
    }
    var items: [Item]
    var hasItems: Bool
}
