import Core
import Foundation
import Hummingbird
import Identity
import Services
import Workflow

/// The administrator's workflow pages: publish definitions, see each as a diagram, try its
/// decision tables in the simulator, and keep the holiday calendar.
struct WorkflowAdminController: Sendable {
    let workflow: WorkflowService
    /// The services, whose names stand for the processes their stages run.
    let catalogue: ServiceCatalogue
    let clock: Clock
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.workflows.pattern, use: list)
        router.post(Route.workflows.pattern, use: publish)
        router.post(Route.workflowHolidays.pattern, use: holiday)
        router.get(Route.workflowDefinition.pattern, use: show)
        router.post(Route.workflowSimulate.pattern, use: simulate)
        router.post(Route.workflowMigrate.pattern, use: migrate)
    }

    /// Moves running cases of an earlier version to this one, and shows what moved and what stayed.
    @Sendable func migrate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try administrator(context)
        let definition = try await definition(context)
        let form = try await FormData.read(request)
        guard let from = RequestNumber.parse(form["from"], in: 1...max(1, definition.version - 1)),
            from < definition.version
        else { throw BadRequest() }
        let report = try await workflow.migrate(
            definition.id, from: from, to: definition.version, by: .person(admin.pin))
        let migration = DefinitionPage.Migration(
            from: from, moved: report.moved.count,
            kept: report.kept.map { DefinitionPage.Kept(id: $0.caseID, reason: $0.reason) },
            hasKept: !report.kept.isEmpty)
        return try await definitionPage(
            request, context: context, definition: definition, table: nil, facts: "", result: nil, error: nil,
            status: .ok, migration: migration)
    }

    private func administrator(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.manageWorkflows, of: principal)
        return principal
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try administrator(context)
        return try await listPage(request, context: context, source: "", problems: [], holidayErrors: [], status: .ok)
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try administrator(context)
        let form = try await FormData.read(request)
        do {
            let definition = try await workflow.publish(form["definition"], by: .person(admin.pin))
            return .redirect(to: Route.workflowDefinition.path(definition.id, String(definition.version)))
        } catch let error as DefinitionError {
            return try await listPage(
                request, context: context, source: form["definition"], problems: error.problems.map(\.description),
                holidayErrors: [], status: .unprocessableContent)
        } catch DomainError.conflict {
            return try await listPage(
                request, context: context, source: form["definition"],
                problems: [pages.text("workflow_version_taken", context.language)], holidayErrors: [], status: .conflict
            )
        }
    }

    @Sendable func holiday(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try administrator(context)
        let form = try await FormData.read(request)
        guard let date = DisplayTime.parseDate(form["day"].trimmingCharacters(in: .whitespaces)) else {
            return try await listPage(
                request, context: context, source: "", problems: [],
                holidayErrors: [FieldError(field: "day", messageKey: "error_date")], status: .unprocessableContent)
        }
        try await workflow.setHoliday(
            date, name: form["name"].isEmpty ? "public holiday" : form["name"], holiday: form["remove"].isEmpty,
            by: admin)
        return .redirect(to: Route.workflows.rawValue)
    }

    private func listPage(
        _ request: Request, context: AppRequestContext, source: String, problems: [String], holidayErrors: [FieldError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let services = try await catalogue.all()
        let published = try await workflow.published().map { item in
            WorkflowListPage.Published(
                id: item.id, version: item.version,
                title: Self.title(item.id, fallback: item.title, services: services, context.language),
                publishedAt: DisplayTime.dateTime(item.publishedAt, context.language),
                publishedBy: item.publishedBy.hasPrefix("agency:")
                    ? LedgerKinds.actor(item.publishedBy, context.language) : item.publishedBy,
                url: Route.workflowDefinition.path(item.id, String(item.version)))
        }
        let calendar = try await workflow.calendar()
        let year = clock.today.year
        let holidays = calendar.holidays.filter { $0.year == year || $0.year == year + 1 }.sorted().map {
            DisplayTime.date($0, context.language)
        }
        let view = FormView(language: context.language, values: FormData(""), errors: holidayErrors)
        return pages.render(
            "workflow_admin", titleKey: "workflow_title", request: request, context: context, status: status,
            page: WorkflowListPage(
                published: published, hasPublished: !published.isEmpty, source: source, problems: problems,
                hasProblems: !problems.isEmpty, holidays: holidays,
                dayField: view.field("day", label: "workflow_holiday_day", hint: "field_date_hint")))
    }

    /// A process's name for the reader: the catalog's `process_<id>`, else the name of the service
    /// whose stage runs it (with the stage when there are several), else the definition's own title.
    static func title(_ id: String, fallback: String, services: [Services.Service], _ language: Language) -> String {
        if let text = Catalog.shipped.table(language)["process_\(id)"] { return text }
        for service in services {
            guard let stage = service.stages.firstIndex(where: { $0.process == id }) else { continue }
            let name = service.title.text(language)
            guard service.stages.count > 1 else { return name }
            return name + " — "
                + Catalog.shipped.text("workflow_stage_of", language)
                .replacingOccurrences(of: "{n}", with: String(stage + 1))
                .replacingOccurrences(of: "{total}", with: String(service.stages.count))
        }
        return fallback
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try administrator(context)
        let definition = try await definition(context)
        return try await definitionPage(
            request, context: context, definition: definition, table: nil, facts: "", result: nil, error: nil,
            status: .ok)
    }

    /// Runs one decision table against facts typed as `name = expression` lines; nothing is stored.
    @Sendable func simulate(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try administrator(context)
        let definition = try await definition(context)
        let form = try await FormData.read(request)
        guard let table = definition.tables[form["table"]] else {
            return try await definitionPage(
                request, context: context, definition: definition, table: nil, facts: form["facts"], result: nil,
                error: pages.text("workflow_pick_table", context.language), status: .unprocessableContent)
        }
        var facts: [String: Value] = [:]
        do {
            for (number, line) in form["facts"].split(whereSeparator: \.isNewline).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw ExpressionError(column: 1, message: "line \(number + 1): write name = value")
                }
                facts[parts[0].trimmingCharacters(in: .whitespaces)] = try Expression(String(parts[1])).evaluate(
                    [:], today: clock.today)
            }
            let decision = try table.decide(facts, today: clock.today)
            let result =
                decision.map { decision in
                    DefinitionPage.Result(
                        rule: decision.rule,
                        outputs: decision.outputs.sorted { $0.key < $1.key }.map {
                            DefinitionPage.Output(name: $0.key, value: $0.value.description)
                        }, none: false)
                } ?? DefinitionPage.Result(rule: nil, outputs: [], none: true)
            return try await definitionPage(
                request, context: context, definition: definition, table: table.name, facts: form["facts"],
                result: result, error: nil, status: .ok)
        } catch {
            return try await definitionPage(
                request, context: context, definition: definition, table: table.name, facts: form["facts"], result: nil,
                error: "\(error)", status: .unprocessableContent)
        }
    }

    private func definition(_ context: AppRequestContext) async throws -> ProcessDefinition {
        guard let version = RequestNumber.parse(try context.parameters.require("version"), in: 1...1_000_000) else {
            throw DomainError.notFound
        }
        return try await workflow.definition(try context.parameters.require("id"), version: version)
    }

    private func definitionPage(
        _ request: Request, context: AppRequestContext, definition: ProcessDefinition, table: String?, facts: String,
        result: DefinitionPage.Result?, error: String?, status: HTTPResponse.Status,
        migration: DefinitionPage.Migration? = nil
    ) async throws -> Response {
        let tables = definition.tables.values.sorted { $0.name < $1.name }.map { table in
            DefinitionPage.Table(
                name: table.name, policy: table.hitPolicy.rawValue, inputs: table.inputs.map(\.source),
                outputs: table.outputNames,
                rules: table.rules.enumerated().map { index, rule in
                    DefinitionPage.Rule(
                        number: index + 1, tests: rule.tests.map { $0?.source ?? "-" },
                        outputs: rule.outputs.map(\.source))
                })
        }
        let page = DefinitionPage(
            id: definition.id, version: definition.version,
            title: Self.title(
                definition.id, fallback: definition.title, services: try await catalogue.all(), context.language),
            source: definition.source,
            diagram: WorkflowDiagram.svg(definition, title: "\(definition.title) v\(definition.version)"),
            tables: tables, hasTables: !tables.isEmpty, facts: facts,
            choices: definition.tables.keys.sorted().map {
                DefinitionPage.TableChoice(name: $0, selected: $0 == table)
            },
            result: result, migration: migration,
            earlier: (1..<max(1, definition.version)).reversed().map(DefinitionPage.Earlier.init),
            hasEarlier: definition.version > 1, error: error,
            simulateURL: Route.workflowSimulate.path(definition.id, String(definition.version)),
            migrateURL: Route.workflowMigrate.path(definition.id, String(definition.version)))
        return pages.render(
            "workflow_definition", titleKey: "workflow_definition_title", request: request, context: context,
            status: status, page: page)
    }
}

/// The process administrator's list: published definitions, the publishing form, the holidays.
struct WorkflowListPage: Encodable, Sendable {
    /// A published definition version.
    struct Published: Encodable, Sendable {
        var id: String
        var version: Int
        var title: String
        var publishedAt: String
        var publishedBy: String
        var url: String
    }
    var published: [Published]
    var hasPublished: Bool
    var source: String
    var problems: [String]
    var hasProblems: Bool
    var holidays: [String]
    var dayField: FieldModel
}

/// One definition version: its source, diagram and decision tables, a simulator, and migration.
struct DefinitionPage: Encodable, Sendable {
    /// A rule of a decision table.
    struct Rule: Encodable, Sendable {
        var number: Int
        var tests: [String]
        var outputs: [String]
    }
    /// A decision table.
    struct Table: Encodable, Sendable {
        var name: String
        var policy: String
        var inputs: [String]
        var outputs: [String]
        var rules: [Rule]
    }
    /// A table to pick for the simulator.
    struct TableChoice: Encodable, Sendable {
        var name: String
        var selected: Bool
    }
    /// One output of a simulated decision.
    struct Output: Encodable, Sendable {
        var name: String
        var value: String
    }
    /// What the simulator decided: the rule that fired and its outputs, or no rule (`none`).
    struct Result: Encodable, Sendable {
        var rule: Int?
        var outputs: [Output]
        var none: Bool
    }
    /// A case that stayed on its version, and why.
    struct Kept: Encodable, Sendable {
        var id: String
        var reason: String
    }
    /// What a migration of running cases did.
    struct Migration: Encodable, Sendable {
        var from: Int
        var moved: Int
        var kept: [Kept]
        var hasKept: Bool
    }
    /// An earlier version, to migrate from.
    struct Earlier: Encodable, Sendable { var version: Int }

    var id: String
    var version: Int
    var title: String
    var source: String
    var diagram: String
    var tables: [Table]
    var hasTables: Bool
    var facts: String
    var choices: [TableChoice]
    var result: Result?
    var migration: Migration?
    var earlier: [Earlier]
    var hasEarlier: Bool
    var error: String?
    var simulateURL: String
    var migrateURL: String
    /// Facts as the simulator takes them (a code example, the same in every language).
    var factsExample = "hectares = 3"
}
