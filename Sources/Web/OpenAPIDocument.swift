import Core
import Registries

/// The OpenAPI 3.1 description of every JSON endpoint, served at `/openapi.json`.
///
/// Kept next to the routes by hand and held true by a test that compares `operations` with the
/// router: an endpoint added without a description (or the other way round) fails the build.
enum OpenAPIDocument {
    /// One documented operation.
    struct Operation {
        var method: String
        var route: Route
        var summary: String
        /// The bearer scope required, if any.
        var scope: String?
        var requestSchema: String?
        var responseSchema: String
        var success: Int = 200
        /// Query parameters beyond the path's.
        var query: [String] = []
        /// A GovStack Data API operation: takes `Information-Mediator-Client`.
        var mediator = false

        /// The path as OpenAPI writes it (a trailing wildcard becomes `{path}`).
        var path: String { route.rawValue.replacingOccurrences(of: "**", with: "{path}") }
    }

    /// CKAN's Action API: one path for every action, CKAN's envelope for answers and errors alike.
    static func ckan(_ method: String, _ route: Route) -> Operation {
        Operation(
            method: method, route: route,
            summary:
                "CKAN Action API v3 (docs/opendata.md): reads by GET or POST, writes (package_create, package_patch, resource_create, resource_patch) by POST with a token holding opendata:write",
            requestSchema: method == "POST" ? "CKANParameters" : nil, responseSchema: "CKANResponse")
    }

    /// The GovStack Digital Registries Data API operations; `aliases` are the kebab-case spellings.
    static func govstack(
        _ method: String, _ route: Route, _ summary: String, scope: String, request: String? = nil,
        response: String, success: Int = 200, query: [String] = []
    ) -> Operation {
        Operation(
            method: method, route: route, summary: summary, scope: scope,
            requestSchema: request,
            responseSchema: response, success: success, query: query, mediator: true)
    }

    static let purpose = ["purpose", "caseNumber"]

    static let operations: [Operation] = [
        Operation(method: "GET", route: .healthz, summary: "The process is up", responseSchema: "Status"),
        Operation(
            method: "GET", route: .readyz, summary: "The database answers (503 when not)", responseSchema: "Status"),
        Operation(method: "GET", route: .openAPI, summary: "This document", responseSchema: "Document"),
        Operation(
            method: "GET", route: .apiClient, summary: "The API client the bearer token belongs to", scope: "",
            responseSchema: "APIClient"),
        Operation(
            method: "GET", route: .apiAgencies, summary: "State agencies of every branch",
            responseSchema: "AgencyList"),
        Operation(
            method: "GET", route: .apiRegions, summary: "Regions and their districts", responseSchema: "RegionList"
        ),
        Operation(
            method: "GET", route: .apiPerson, summary: "A person by PIN, for a purpose (the read is logged for them)",
            scope: "identity:read", responseSchema: "Person", query: purpose),
        Operation(
            method: "POST", route: .apiPeople, summary: "Register a person", scope: "identity:write",
            requestSchema: "PersonRegistration", responseSchema: "Person", success: 201),
        Operation(
            method: "GET", route: .apiOrganisation, summary: "An organisation by INN",
            scope: "identity:read", responseSchema: "Organisation"),
        Operation(
            method: "POST", route: .apiOrganisations, summary: "Register an organisation", scope: "identity:write",
            requestSchema: "OrganisationRegistration", responseSchema: "Organisation", success: 201),
        govstack(
            "GET", .registryList,
            "List records (filters: query.<field>=value on the key or indexed fields; search=prefix of filter=<field>)",
            scope: "registry:read", response: "RecordList",
            query: ["search", "filter", "ordering", "page", "pageSize"] + purpose),
        govstack(
            "POST", .registryCreate, "Create a record", scope: "registry:write", request: "WriteRequest",
            response: "RecordContent", query: ["reason"]),
        govstack(
            "POST", .registryExists, "Whether a record matches", scope: "registry:read", request: "QueryRequest",
            response: "ExistsAnswer", query: purpose),
        govstack(
            "POST", .registryRead, "The first record that matches", scope: "registry:read", request: "QueryRequest",
            response: "RecordContent", query: purpose),
        govstack(
            "PUT", .registryUpdate, "Change the first matching record (fields in write replace theirs)",
            scope: "registry:write", request: "QueryWriteRequest", response: "RecordContent", query: ["reason"]),
        govstack(
            "PUT", .registryUpdateEntries, "Change every matching record (up to 100)", scope: "registry:write",
            request: "QueryWriteRequest", response: "Count", query: ["reason"]),
        govstack(
            "PUT", .registryUpdateEntriesKebab, "Alias of updateEntries", scope: "registry:write",
            request: "QueryWriteRequest",
            response: "Count", query: ["reason"]),
        govstack(
            "POST", .registryUpdateOrCreate, "Change the first matching record, or create it", scope: "registry:write",
            request: "QueryWriteRequest", response: "RecordContent", query: ["reason"]),
        govstack(
            "POST", .registryUpdateOrCreateKebab, "Alias of updateOrCreate", scope: "registry:write",
            request: "QueryWriteRequest", response: "RecordContent", query: ["reason"]),
        govstack(
            "DELETE", .registryDelete, "Delete a record (soft: history is kept)", scope: "registry:write",
            response: "Empty", success: 204, query: ["reason"]),
        govstack(
            "GET", .registryReadValue, "One field of a record: {file} is <field>.json", scope: "registry:read",
            response: "Value", query: purpose),
        govstack(
            "GET", .registryReadValueKebab, "Alias of readValue", scope: "registry:read", response: "Value",
            query: purpose),
        Operation(
            method: "GET", route: .apiRegistries,
            summary: "Every registry: owner, versions, key, searchable and personal fields, agencies with access",
            responseSchema: "RegistryList"),
        Operation(
            method: "GET", route: .apiSchema,
            summary: "One schema version as published (application/schema+json)", responseSchema: "Document"),
        Operation(
            method: "POST", route: .apiSchemas,
            summary: "Publish the next schema version (owner agency; refused if it could break stored records)",
            scope: "registry:write", requestSchema: "Document", responseSchema: "SchemaPublished", success: 201),
        Operation(
            method: "GET", route: .registrationServices,
            summary: "GovStack Registration: every service (titles in ky/ru/en, agency, fee, legal deadline)",
            responseSchema: "RegistrationServiceList"),
        Operation(
            method: "GET", route: .registrationService,
            summary: "GovStack Registration: one service", responseSchema: "RegistrationService"),
        Operation(
            method: "GET", route: .registrationEForms,
            summary: "GovStack Registration: the service's eForms (one, as JSON Schema)", responseSchema: "EFormList"),
        Operation(
            method: "GET", route: .registrationEForm,
            summary: "GovStack Registration: an eForm (the id is the service's)", responseSchema: "EForm"),
        Operation(
            method: "POST", route: .registrationSubmit,
            summary:
                "GovStack Registration: submit an application for a person (applicantId = PIN); Idempotency-Key required; files as base64 in formData",
            scope: "application:write", requestSchema: "ApplicationSubmit", responseSchema: "ApplicationFile",
            success: 201),
        Operation(
            method: "GET", route: .registrationApplications,
            summary: "GovStack Registration: a person's applications that the client's agency handles",
            scope: "application:read", responseSchema: "ApplicationFileList", query: ["applicantId"]),
        Operation(
            method: "GET", route: .registrationApplication,
            summary: "GovStack Registration: an application the client's agency handles",
            scope: "application:read", responseSchema: "ApplicationFile"),
        Operation(
            method: "POST", route: .registrationDocuments,
            summary:
                "GovStack Registration: upload a file (multipart part `file`; query additionalMetadata = the form field) for a later submission's documentUrls",
            scope: "application:write", requestSchema: "Upload", responseSchema: "UploadResponse",
            query: ["additionalMetadata"]),
        Operation(
            method: "GET", route: .registrationTasks,
            summary: "GovStack Registration: open cases of the client's agency", scope: "application:read",
            responseSchema: "TaskList"),
        Operation(
            method: "GET", route: .registrationStatistics,
            summary:
                "GovStack Registration statistics: applications, decided, backlog, median days, share within the legal deadline, ratings",
            responseSchema: "Statistics"),
        ckan("GET", .ckanAction), ckan("POST", .ckanAction), ckan("GET", .ckanActionUnversioned),
        ckan("POST", .ckanActionUnversioned),
        Operation(
            method: "GET", route: .apiPetition,
            summary:
                "A petition: its text, deadline, threshold, signatures, whether the duty to answer began, and signatures by region and district (1 to 4 left out)",
            responseSchema: "Petition"),
        Operation(
            method: "GET", route: .alertsAPI,
            summary:
                "Emergency alerts in force or of the last 30 days, each in three languages with a link to its CAP 1.2 XML",
            responseSchema: "Alerts"),
        Operation(
            method: "GET", route: .apiAgencyKeys,
            summary: "The agencies' Ed25519 document keys (for tazakoom verify-document --keys)",
            responseSchema: "AgencyKeys"),
        Operation(
            method: "GET", route: .personalDataUsage,
            summary: "Who read a person's data (the person signed in, or a system with datausage:read)",
            scope: "datausage:read", responseSchema: "PersonalDataUsageList", query: ["userId", "databaseId"],
            mediator: false),
        Operation(
            method: "GET", route: .personalDataUsageKebab, summary: "Alias of myPersonalDataUsage",
            scope: "datausage:read", responseSchema: "PersonalDataUsageList", query: ["userId", "databaseId"],
            mediator: false),
        Operation(
            method: "GET", route: .ledgerCheckpoint,
            summary: "The latest signed checkpoint (C2SP signed note, text/plain)", responseSchema: "Text"),
        Operation(
            method: "GET", route: .ledgerCheckpoints, summary: "Every signed checkpoint, oldest first",
            responseSchema: "TextList"),
        Operation(
            method: "GET", route: .ledgerKey, summary: "The ledger's public verifier key (text/plain)",
            responseSchema: "Text"),
        Operation(
            method: "GET", route: .ledgerEntry, summary: "One ledger entry, its bytes and leaf hash",
            responseSchema: "LedgerEntry"),
        Operation(
            method: "GET", route: .inclusionProof,
            summary: "Inclusion proof (query: index, size; size defaults to the latest checkpoint)",
            responseSchema: "InclusionProof", query: ["index", "size"]),
        Operation(
            method: "GET", route: .consistencyProof, summary: "Consistency proof (query: from, to)",
            responseSchema: "ConsistencyProof", query: ["from", "to"]),
        Operation(
            method: "GET", route: .receipt,
            summary: "A c2sp.org/tlog-proof receipt against the latest checkpoint (text/plain)", responseSchema: "Text"),
        Operation(
            method: "GET", route: .ledgerTile,
            summary: "C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>] (octet-stream)",
            responseSchema: "Binary"),
    ]

    static var document: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for op in operations {
            var operation: [String: JSONValue] = [
                "summary": .string(op.summary),
                "operationId": .string(
                    op.method.lowercased()
                        + op.path.split(separator: "/").map { $0.filter(\.isLetter).capitalized }.joined()),
                "responses": responses(op),
            ]
            let parameters = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment in
                let name = String(segment.dropFirst().dropLast())
                let schema: JSONValue =
                    switch name {
                    case "pin", "inn": ["type": "string", "pattern": "^[0-9]{14}$"]
                    case "index": ["type": "integer", "minimum": 0, "maximum": .number(Double(RequestNumber.largest))]
                    default: ["type": "string"]
                    }
                return ["name": .string(name), "in": "path", "required": true, "schema": schema] as JSONValue
            }
            var allParameters =
                parameters
                + op.query.map { name in
                    [
                        "name": .string(name), "in": "query",
                        "required": .bool(["userId", "index", "from", "to"].contains(name)),
                        "schema": Self.whole.contains(name)
                            ? [
                                "type": "integer", "minimum": name.hasPrefix("page") ? 1 : 0,
                                "maximum": name == "pageSize"
                                    ? 1000 : name == "page" ? 1_000_000 : .number(Double(RequestNumber.largest)),
                            ]
                            : ["type": "string"],
                        "description": .string(queryHelp[name] ?? name),
                    ] as JSONValue
                }
            if op.mediator {
                allParameters.append([
                    "name": "Information-Mediator-Client", "in": "header", "required": true,
                    "description":
                        "The calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM (X-GovStack-Client and X-Road-Client are accepted too)",
                    "schema": ["type": "string"],
                ])
            }
            if (op.requestSchema != nil || op.method == "DELETE") && op.responseSchema != "CKANResponse" {
                allParameters.append([
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "A retry with the same key and body gets the first answer again and changes nothing",
                    "schema": ["type": "string", "maxLength": 255],
                ])
            }
            if !allParameters.isEmpty { operation["parameters"] = .array(allParameters) }
            if let scope = op.scope {
                operation["security"] = [["bearer": scope.isEmpty ? [] : [.string(scope)]]]
            }
            if let request = op.requestSchema {
                let type = request == "Upload" ? "multipart/form-data" : "application/json"
                operation["requestBody"] = ["required": true, "content": .object([type: ["schema": ref(request)]])]
            }
            paths[op.path, default: [:]][op.method.lowercased()] = .object(operation)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Taza Koom platform API",
                "version": "1.0.0",
                "description":
                    "JSON API of the Taza Koom digital-government platform. Errors are RFC 9457 problem details.",
            ],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": ["schemas": schemas, "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
    }

    /// Query parameters that are whole numbers (bounded: see docs/security.md).
    static let whole: Set<String> = ["page", "pageSize", "index", "size", "from", "to"]

    static let queryHelp = [
        "purpose":
            "Legal basis of the read; required for registries about people (the read is logged for the person and in the ledger)",
        "caseNumber": "The case or application the read serves",
        "reason": "Why the record is changed; kept in its history",
        "userId": "The person's PIN",
        "databaseId": "Only reads of this registry",
        "applicantId": "The applicant's PIN",
        "additionalMetadata": "The form field the uploaded file answers",
        "index": "The entry's index", "size": "The tree size (default: the latest checkpoint's)",
        "from": "The earlier tree size", "to": "The later tree size",
    ]

    private static func responses(_ op: Operation) -> JSONValue {
        if op.responseSchema == "CKANResponse" {
            let envelope: JSONValue = ["content": ["application/json": ["schema": ref("CKANResponse")]]]
            var result: [String: JSONValue] = [:]
            for (code, description) in [
                (200, "success: true, the action's result"),
                (400, "Bad Request: an unknown action or a body that is not JSON"),
                (403, "Authorization Error: a write without a token of the owning agency"),
                (404, "Not Found Error"), (409, "Validation Error or Search Query Error"),
            ] {
                guard case .object(var fields) = envelope else { continue }
                fields["description"] = .string(description)
                result[String(code)] = .object(fields)
            }
            result["401"] = [
                "content": ["application/problem+json": ["schema": ref("Problem")]], "description": "An unknown token",
            ]
            return .object(result)
        }
        // The checkpoint, key, receipts and tiles are text or bytes, and say so.
        let type =
            switch op.responseSchema {
            case "Text": "text/plain"
            case "Binary": "application/octet-stream"
            case "Empty": ""
            default: "application/json"
            }
        var result: [String: JSONValue] = [
            String(op.success): type.isEmpty
                ? ["description": "Done"]
                : ["description": "OK", "content": .object([type: ["schema": ref(op.responseSchema)]])]
        ]
        func add(_ code: Int, _ description: String) {
            result[String(code)] = [
                "content": ["application/problem+json": ["schema": ref("Problem")]],
                "description": .string(description),
            ]
        }
        if op.scope != nil {
            add(401, "No or unknown bearer token")
            add(403, "The token lacks the scope")
        }
        if op.path.contains("{") {
            add(404, "Not found")
            add(422, "The identifier is not valid")
        }
        if op.requestSchema != nil {
            add(400, "The body is not JSON of the expected shape")
            add(409, "Already registered")
            add(422, "Field errors")
        }
        if !op.query.isEmpty || op.mediator {
            add(400, "A required header or parameter is missing or malformed")
            add(422, "A parameter is not valid (numbers are bounded; see docs/security.md)")
        }
        if op.route.rawValue.hasPrefix(Route.ledgerPrefix) { add(404, "Past the end of the log, or no checkpoint yet") }
        if op.route == .readyz { add(503, "Database unreachable") }
        return .object(result)
    }

    private static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    private static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }

    private static var string: JSONValue { ["type": "string"] }
    private static var id14: JSONValue { ["type": "string", "pattern": "^[0-9]{14}$"] }
    private static var name3: JSONValue {
        object(["ky": string, "ru": string, "en": string], required: ["ky", "ru", "en"])
    }

    private static var schemas: JSONValue {
        [
            "Status": object(["status": string], required: ["status"]),
            "Text": ["type": "string"],
            "TextList": ["type": "array", "items": string],
            "Binary": ["type": "string", "format": "binary"],
            "LedgerEntry": object(
                [
                    "index": ["type": "integer"], "leafHash": string, "entry": string,
                    "event": object(
                        [
                            "kind": string, "actor": string, "subject": string, "time": ["type": "integer"],
                            "details": string, "v": ["type": "integer"],
                        ],
                        required: ["kind", "actor", "subject", "time", "details", "v"]),
                ], required: ["index", "leafHash", "entry", "event"]),
            "InclusionProof": object(
                [
                    "index": ["type": "integer"], "size": ["type": "integer"], "leafHash": string, "root": string,
                    "proof": ["type": "array", "items": string],
                ], required: ["index", "size", "leafHash", "root", "proof"]),
            "ConsistencyProof": object(
                [
                    "from": ["type": "integer"], "to": ["type": "integer"], "root1": string, "root2": string,
                    "proof": ["type": "array", "items": string],
                ], required: ["from", "to", "root1", "root2", "proof"]),
            "Document": ["type": "object"],
            "RegistrationService": object(
                [
                    "serviceId": string, "serviceName": name3, "description": name3, "agency": string,
                    "lifeEvent": string,
                    "category": string, "fee": ["type": "number"], "currency": string,
                    "legalDeadlineWorkingDays": ["type": "integer"],
                    "applicants": ["type": "array", "items": string], "eFormId": string,
                ],
                required: ["serviceId", "serviceName", "agency", "fee", "legalDeadlineWorkingDays", "eFormId"]),
            "RegistrationServiceList": ["type": "array", "items": ref("RegistrationService")],
            "EForm": object(
                ["eFormId": string, "name": name3, "version": string, "schema": ["type": "object"]],
                required: ["eFormId", "schema"]),
            "EFormList": ["type": "array", "items": ref("EForm")],
            "ApplicationSubmit": object(
                [
                    "applicantId": id14, "applicationName": string,
                    "formData": [
                        "type": "object",
                        "description": "{data: {field: value}, eFormId} or the answers themselves; files base64",
                    ],
                    "documentUrls": ["type": "array", "items": string],
                ], required: ["applicantId"]),
            "Upload": object(["file": ["type": "string", "format": "binary"]], required: ["file"]),
            "UploadResponse": object(
                ["code": ["type": "integer"], "type": string, "message": string, "url": string], required: ["url"]),
            "ApplicationFile": object(
                [
                    "fileId": string, "serviceId": string, "serviceName": name3,
                    "registered": ["type": "string", "format": "date-time"],
                    "status": object(["code": string, "ended": ["type": "boolean"]], required: ["code"]),
                    "ended": ["type": "boolean"],
                    "legalDeadline": ["type": "string", "format": "date"],
                    "applicationData": object(
                        ["applicantId": id14, "formData": ["type": "object"]], required: ["applicantId"]),
                ],
                required: ["fileId", "serviceId", "status", "ended"]),
            "ApplicationFileList": ["type": "array", "items": ref("ApplicationFile")],
            "TaskList": [
                "type": "array",
                "items": object(
                    [
                        "taskId": string, "fileId": string, "serviceId": string, "name": string,
                        "status": object(["code": string], required: ["code"]),
                        "dueDate": ["type": ["string", "null"]],
                        "legalDeadline": string,
                    ], required: ["taskId", "fileId", "serviceId", "name"]),
            ],
            "Statistics": object(
                [
                    "statistics": [
                        "type": "array",
                        "items": object(
                            [
                                "serviceID": string, "agency": string, "applications": ["type": "integer"],
                                "decided": ["type": "integer"], "backlog": ["type": "integer"],
                                "medianDaysToDecision": ["type": ["number", "null"]],
                                "withinDeadline": ["type": ["number", "null"]],
                                "averageRating": ["type": ["number", "null"]], "ratings": ["type": "integer"],
                            ], required: ["serviceID", "applications"]),
                    ]
                ], required: ["statistics"]),
            "Petition": object(
                [
                    "id": string, "title": string, "text": string, "level": string, "area": string, "status": string,
                    "created": string, "deadline": string, "threshold": ["type": "integer"],
                    "signatures": ["type": "integer"], "dutyToAnswer": ["type": "boolean"],
                    "byDistrict": [
                        "type": "array",
                        "items": object(
                            ["region": string, "district": string, "signatures": ["type": ["integer", "null"]]],
                            required: ["region", "district", "signatures"]),
                    ],
                ],
                required: ["id", "title", "signatures", "threshold", "byDistrict"]),
            "Alerts": object(
                [
                    "alerts": [
                        "type": "array",
                        "items": object(
                            [
                                "id": string, "identifier": string, "agency": string, "category": string,
                                "severity": string, "urgency": string, "certainty": string,
                                "regions": ["type": "array", "items": string], "sent": string, "expires": string,
                                "active": ["type": "boolean"], "cap": string,
                                "texts": [
                                    "type": "object",
                                    "additionalProperties": object(
                                        ["headline": string, "instruction": string],
                                        required: ["headline", "instruction"]),
                                ],
                            ], required: ["id", "identifier", "severity", "regions", "sent", "expires", "texts"]),
                    ]
                ], required: ["alerts"]),
            "AgencyKeys": object(
                [
                    "keys": [
                        "type": "array",
                        "items": object(
                            [
                                "keyId": string, "agency": string, "algorithm": string, "publicKey": string,
                                "since": ["type": "integer"],
                            ], required: ["keyId", "agency", "publicKey"]),
                    ]
                ], required: ["keys"]),
            "Empty": ["type": "object"],
            "RegistryList": [
                "type": "array",
                "items": object(
                    [
                        "name": string, "ownerAgency": string, "title": name3,
                        "versions": ["type": "array", "items": ["type": "integer"]],
                        "latestVersion": ["type": "integer"], "key": string,
                        "personalField": ["type": ["string", "null"]],
                        "searchable": ["type": "array", "items": string],
                        "readableBy": ["type": "array", "items": string],
                    ],
                    required: [
                        "name", "ownerAgency", "title", "versions", "latestVersion", "key", "searchable", "readableBy",
                    ]),
            ],
            "SchemaPublished": object(["registry": string, "version": string], required: ["registry", "version"]),
            "RecordContent": object(
                [
                    "content": [
                        "type": "object", "description": "The record's fields, as the registry's schema describes them",
                    ]
                ], required: ["content"]),
            "RecordList": object(
                [
                    "count": ["type": "integer"], "next": ["type": ["string", "null"]],
                    "previous": ["type": ["string", "null"]],
                    "results": ["type": "array", "items": ["type": "object"]],
                ], required: ["count", "results"]),
            "QueryRequest": object(
                ["query": object(["content": ["type": "object"]], required: ["content"])], required: ["query"]),
            "WriteRequest": object(
                ["write": object(["content": ["type": "object"]], required: ["content"])], required: ["write"]),
            "QueryWriteRequest": object(
                [
                    "query": object(["content": ["type": "object"]], required: ["content"]),
                    "write": object(["content": ["type": "object"]], required: ["content"]),
                ], required: ["query", "write"]),
            "ExistsAnswer": object(
                ["answer": object(["status": ["type": "boolean"], "message": string], required: ["status"])],
                required: ["answer"]),
            "Value": object(["value": [:]], required: ["value"]),
            "Count": object(["count": ["type": "integer"]], required: ["count"]),
            "PersonalDataUsageList": [
                "type": "array",
                "items": object(
                    [
                        "id": string, "readerId": string, "readerInitials": string, "readerInstitutionId": string,
                        "readerInstitutionName": string,
                        "readerApplicationName": string, "searchDateTime": ["type": "string", "format": "date-time"],
                        "refrences": [
                            "type": "array", "items": object(["ReferenceID": string], required: ["ReferenceID"]),
                        ],
                        "registry": string, "legalBasis": string, "caseNumber": string,
                        "ledgerIndex": ["type": ["integer", "null"]], "ledgerReceipt": ["type": ["string", "null"]],
                    ], required: ["id", "readerInstitutionId", "searchDateTime", "refrences"]),
            ],
            "CKANParameters": ["type": "object", "description": "The action's parameters, as CKAN documents them"],
            "CKANResponse": object(
                ["help": string, "success": ["type": "boolean"], "result": [:], "error": ["type": "object"]],
                required: ["help", "success"]),
            "Problem": object(
                [
                    "type": string, "title": string, "status": ["type": "integer"], "detail": string,
                    "errors": [
                        "type": "array",
                        "items": object(
                            ["field": string, "code": string, "message": string],
                            required: ["field", "code", "message"]),
                    ],
                ], required: ["type", "title", "status"]),
            "APIClient": object(
                [
                    "id": string, "name": string, "agencyCode": string, "scopes": ["type": "array", "items": string],
                    "createdAt": ["type": "integer"], "createdBy": string, "revokedAt": ["type": ["integer", "null"]],
                ], required: ["id", "name", "agencyCode", "scopes", "createdAt", "createdBy"]),
            "Agency": object(
                [
                    "code": string,
                    "branch": ["type": "string", "enum": ["executive", "legislative", "judicial", "local"]],
                    "name": name3, "regionCode": string,
                ], required: ["code", "branch", "name"]),
            "AgencyList": ["type": "array", "items": ref("Agency")],
            "Region": object(
                [
                    "code": string, "kind": string, "name": name3,
                    "districts": [
                        "type": "array", "items": object(["code": string, "name": name3], required: ["code", "name"]),
                    ],
                ], required: ["code", "kind", "name", "districts"]),
            "RegionList": ["type": "array", "items": ref("Region")],
            "Person": object(
                [
                    "pin": id14, "familyName": string, "givenName": string, "patronymic": string,
                    "birthDate": ["type": "string", "format": "date"],
                    "sex": ["type": "string", "enum": ["female", "male"]], "districtCode": string, "address": string,
                    "phone": string,
                    "email": string, "isDemo": ["type": "boolean"],
                ], required: ["pin", "familyName", "givenName", "birthDate", "sex", "isDemo"]),
            "PersonRegistration": object(
                [
                    "pin": id14, "familyName": string, "givenName": string, "patronymic": string,
                    "districtCode": string,
                    "address": string, "phone": string, "email": string,
                ], required: ["pin", "familyName", "givenName"]),
            "Organisation": object(
                [
                    "inn": id14, "name": string,
                    "legalForm": ["type": "string", "enum": ["LLC", "JSC", "IE", "NGO", "state"]],
                    "districtCode": string, "address": string, "registeredOn": ["type": "string", "format": "date"],
                    "isDemo": ["type": "boolean"],
                ], required: ["inn", "name", "legalForm", "registeredOn", "isDemo"]),
            "OrganisationRegistration": object(
                [
                    "inn": id14, "name": string,
                    "legalForm": ["type": "string", "enum": ["LLC", "JSC", "IE", "NGO", "state"]],
                    "districtCode": string, "address": string,
                ], required: ["inn", "name", "legalForm"]),
        ]
    }
}
