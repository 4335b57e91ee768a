import Core
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Registries
import Services

/// The GovStack Registration building block API over our services (`/api/v1/registration/…`):
/// services and their eForms, applications (submitted with an `Idempotency-Key` for a person
/// identified by PIN), tasks of the client's agency, statistics. Differences from the
/// specification are listed in docs/services.md.
struct RegistrationAPIController: Sendable {
    let applications: ApplicationService

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.registrationServices.pattern, use: services)
        router.get(Route.registrationService.pattern, use: service)
        router.get(Route.registrationEForms.pattern, use: eForms)
        router.get(Route.registrationEForm.pattern, use: eForm)
        router.post(Route.registrationSubmit.pattern, use: submit)
        router.get(Route.registrationApplications.pattern, use: applications)
        router.get(Route.registrationApplication.pattern, use: application)
        router.get(Route.registrationTasks.pattern, use: tasks)
        router.post(Route.registrationDocuments.pattern, use: uploadDocument)
        router.get(Route.registrationStatistics.pattern, use: statistics)
    }

    private func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.canonicalJSON)))
    }

    private static func names(_ name: LocalizedName) -> JSONValue {
        .object(["ky": .string(name.ky), "ru": .string(name.ru), "en": .string(name.en)])
    }

    private func describe(_ service: Services.Service) -> JSONValue {
        .object([
            "serviceId": .string(service.id), "serviceName": Self.names(service.title),
            "description": Self.names(service.description),
            "agency": .string(service.agency), "lifeEvent": .string(service.lifeEvent),
            "category": .string(service.category),
            "fee": .number(Double(service.fee)), "currency": "KGS",
            "legalDeadlineWorkingDays": .number(Double(service.deadlineDays)),
            "applicants": .array(service.applicants.map { .string($0.rawValue) }), "eFormId": .string(service.id),
        ])
    }

    /// A service's form as JSON Schema (what GovStack calls the eForm's `schema`).
    private func form(_ service: Services.Service) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        for field in service.form where field.prefill == nil {
            var property: [String: JSONValue] = [
                "title": Self.names(field.label), "x-kind": .string(field.kind.rawValue),
            ]
            switch field.kind {
            case .number: property["type"] = "number"
            case .date:
                property["type"] = "string"
                property["format"] = "date"
            case .choice:
                property["type"] = "string"
                property["enum"] = .array(field.choices.map { .string($0.value) })
            case .pin, .inn:
                property["type"] = "string"
                property["pattern"] = "^[0-9]{14}$"
            case .registry:
                property["type"] = "string"
                property["x-ref"] = .string(field.registry ?? "")
            case .file:
                property["type"] = "string"
                property["contentEncoding"] = "base64"
            case .text, .address: property["type"] = "string"
            }
            if let minimum = field.minimum, field.kind == .number { property["minimum"] = .number(minimum) }
            if let maximum = field.maximum, field.kind == .number { property["maximum"] = .number(maximum) }
            if field.kind == .address {
                properties["\(field.id).district"] = .object(["type": "string", "title": Self.names(field.label)])
                properties["\(field.id).street"] = .object(["type": "string", "title": Self.names(field.label)])
                if field.required { required += [.string("\(field.id).district"), .string("\(field.id).street")] }
                continue
            }
            properties[field.id] = .object(property)
            if field.required { required.append(.string(field.id)) }
        }
        return .object([
            "eFormId": .string(service.id), "name": Self.names(service.title), "version": "1",
            "schema": .object(["type": "object", "properties": .object(properties), "required": .array(required)]),
        ])
    }

    @Sendable func services(_ request: Request, context: AppRequestContext) async throws -> Response {
        json(.array(try await applications.catalogue.all().map(describe)))
    }

    @Sendable func service(_ request: Request, context: AppRequestContext) async throws -> Response {
        json(describe(try await applications.catalogue.service(try context.parameters.require("serviceId"))))
    }

    @Sendable func eForms(_ request: Request, context: AppRequestContext) async throws -> Response {
        json(
            .array([
                form(try await applications.catalogue.service(try context.parameters.require("serviceId")))
            ]))
    }

    @Sendable func eForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        json(form(try await applications.catalogue.service(try context.parameters.require("eFormId"))))
    }

    /// The GovStack application file of one application.
    private func file(_ application: Services.Application, service: Services.Service) -> JSONValue {
        .object([
            "fileId": .string(application.id), "serviceId": .string(service.id),
            "serviceName": Self.names(service.title),
            "registered": .string(CalendarDate.utcTimestamp(application.submittedAt)),
            "status": .object([
                "code": .string(application.status.rawValue), "ended": .bool(application.status.isFinal),
            ]),
            "ended": .bool(application.status.isFinal), "legalDeadline": .string(application.dueOn.description),
            "applicationData": .object([
                "applicantId": .string(application.applicantPIN),
                "formData": .object(application.answers.mapValues { .string($0) }),
            ]),
        ])
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .applicationWrite)
        let service = try await applications.catalogue.service(try context.parameters.require("serviceId"))
        guard let key = try IdempotentWrites.idempotencyKey(of: request) else {
            throw ValidationError(field: "Idempotency-Key", messageKey: "error_idempotency_key")
        }
        let body = try await JSONResponse.body(of: request)
        guard case .object(let object)? = try? JSONValue.parse(String(decoding: body, as: UTF8.self)) else {
            throw BadRequest()
        }
        guard let applicant = object["applicantId"]?.stringValue else {
            throw ValidationError(field: "applicantId", messageKey: "error_required")
        }
        let pin = try PIN(applicant, field: "applicantId")
        var answers: [String: String] = [:]
        var files: [String: UploadedFile] = [:]
        // GovStack nests the answers as formData.data (with an eFormId); a flat formData is read too.
        var formData = object["formData"]
        if case .object(let wrapper)? = formData, case .object? = wrapper["data"] { formData = wrapper["data"] }
        if case .object(let data)? = formData {
            for (field, value) in data {
                if service.form.first(where: { $0.id == field })?.kind == .file {
                    guard let text = value.stringValue, let bytes = Data(base64Encoded: text) else {
                        throw ValidationError(field: field, messageKey: "error_file_type")
                    }
                    files[field] = UploadedFile(filename: field, bytes: Array(bytes))
                } else if case .object = value {
                    throw ValidationError(field: field, messageKey: "error_type_string")
                } else {
                    answers[field] = value.plainText
                }
            }
        } else if formData != nil {
            throw ValidationError(field: "formData", messageKey: "error_type_object")
        }
        // Files uploaded first (POST /documents) are named by the URLs that upload returned.
        if case .array(let urls)? = object["documentUrls"] {
            let ids = urls.compactMap(\.stringValue).map { String($0.split(separator: "/").last ?? "") }
            files.merge(try await applications.uploads(ids, client: client.id)) { inline, _ in inline }
        }
        // The calling agency's system answers for having identified the applicant.
        let applicantPrincipal = Principal(pin: pin.value, displayName: "", post: nil, assurance: .substantial)
        let application = try await applications.submit(
            Submission(
                serviceID: service.id, applicant: applicantPrincipal, language: context.language, answers: answers,
                files: files,
                idempotencyKey: key, client: client.id, strict: true))
        var response = json(file(application, service: service), status: .created)
        response.headers[.location] = Route.registrationApplication.path(application.id)
        return response
    }

    /// GovStack `POST /documents`: a file (multipart part `file`) for a later submission; the query
    /// parameter `additionalMetadata` names the form field it answers. Answers with the URL to put
    /// in the submission's `documentUrls`.
    @Sendable func uploadDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .applicationWrite)
        let form = try await RequestForm.read(request)
        guard let part = form.files["file"] else {
            throw ValidationError(field: "file", messageKey: "error_file_required")
        }
        // The specification shows the file as base64 text; raw bytes are taken as they are.
        var file = part
        if file.sniffedType == nil,
            let decoded = Data(
                base64Encoded: String(decoding: part.bytes, as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines))
        {
            file = UploadedFile(filename: part.filename, bytes: Array(decoded))
        }
        let field = request.uri.queryParameters["additionalMetadata"].map(String.init) ?? ""
        let stored = try await applications.upload(file, field: field, client: client.id)
        return json(
            .object([
                "code": 200, "type": .string(stored.type), "message": "stored",
                "url": .string(Route.registrationDocuments.rawValue + "/" + stored.id),
            ]))
    }

    @Sendable func applications(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .applicationRead)
        guard let applicant = request.uri.queryParameters["applicantId"] else {
            throw ValidationError(field: "applicantId", messageKey: "error_required")
        }
        let pin = try PIN(String(applicant), field: "applicantId")
        let services = try await applications.catalogue.all()
        let list = try await applications.applications(of: pin.value, handledBy: client.agencyCode)
        return json(
            .array(list.compactMap { a in services.first { $0.id == a.serviceID }.map { file(a, service: $0) } }))
    }

    @Sendable func application(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .applicationRead)
        let found = try await applications.applicationForAgency(
            try context.parameters.require("fileId"), agency: client.agencyCode)
        return json(file(found, service: try await applications.catalogue.service(found.serviceID)))
    }

    @Sendable func tasks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .applicationRead)
        let items = try await applications.tasks(agency: client.agencyCode)
        return json(
            .array(
                items.map { item in
                    .object([
                        "taskId": .string(item.applicationID), "fileId": .string(item.applicationID),
                        "serviceId": .string(item.serviceID),
                        "name": .string(item.state), "status": .object(["code": .string(item.sla.rawValue)]),
                        "dueDate": item.stepDueOn.map { .string($0.description) } ?? .null,
                        "legalDeadline": .string(item.legalDueOn.description),
                    ])
                }))
    }

    @Sendable func statistics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stats = try await applications.statistics()
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(["statistics": stats]))))
    }
}
