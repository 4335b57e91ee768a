// Workflow benchmark: `swift run -c release workflow-bench [--cases N] [--transitions N]`.
// Case transitions through `WorkflowService.act` on an SQLite file: each one loads the case,
// checks agency, role, conflict of interest and guard, moves it, records history, assigns,
// sets the SLA timer and appends a ledger entry, in one transaction. Baseline in the same run:
// a bare ledger append in a transaction of its own (the cheapest durable write the platform does).
import Core
import Foundation
import Identity
import Ledger
import Logging
import Registries
import Storage
import Workflow

var cases = 200
var transitions = 20_000
var i = 1
while i < CommandLine.arguments.count - 1 {
    let value = Int(CommandLine.arguments[i + 1]) ?? 0
    switch CommandLine.arguments[i] {
    case "--cases": cases = value
    case "--transitions": transitions = value
    default: break
    }
    i += 2
}
func now() -> Double { Date().timeIntervalSince1970 }
func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

var logger = Logger(label: "bench")
logger.logLevel = .error
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-workflow-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let database = try await Database.open(
    .sqliteFile(path: folder.appendingPathComponent("wf.sqlite").path), logger: logger)
try await Migrator(
    migrations: LedgerMigrations.all + IdentityMigrations.all + RegistryMigrations.all + WorkflowMigrations.all
).migrate(database, logger: logger)
try await DemoData.ensureReferenceData(database)
try await DemoData.seed(database, passwords: PasswordHasher(cost: 4), clock: .system)
try await database.takeOverWALCheckpoints()
let checkpointer = Task {
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(1))
        try? await database.checkpointWAL()
    }
}
let ledger = try await LedgerService.open(database, origin: "bench.tazakoom.kg/ledger")
let service = WorkflowService(
    database: database, ledger: ledger, clock: .system, people: SQLIdentityStore(database: database),
    kinship: SQLRegistryStore(database: database, ledger: ledger))
try await service.publish(
    """
    id: bench
    version: 1
    states: [{id: open, start: true, sla: 5}, {id: review, sla: 5}, {id: done, terminal: true}]
    actions:
      - {id: review, from: [open], to: review, roles: [clerk], guard: "amount >= 0"}
      - {id: reopen, from: [review], to: open, roles: [clerk]}
      - {id: close, from: [review], to: done, roles: [clerk]}
    """, by: .agency("BCH"))
let clerk = Principal(
    pin: "21908198700148", displayName: "Clerk",
    post: OfficialPost(agencyCode: "BCH", position: "Clerk", roles: [.clerk]))

log("== baseline: \(transitions) single ledger appends")
let event = try LedgerEvent(
    kind: "bench.append", actor: "agency:BCH", subject: "case:bench", time: 0, details: ["n": "1"])
var start = now()
for _ in 0..<transitions { _ = try await ledger.append([event]) }
let baseline = Double(transitions) / (now() - start)

log("== \(cases) cases, \(transitions) transitions")
var ids: [String] = []
for n in 0..<cases {
    ids.append(
        try await service.start(
            "bench", agency: "BCH", applicant: "11207199000417", facts: ["amount": .number(Double(n))], documents: [],
            by: .subjectThemself
        ).id)
}
// One client, then `clients` at once (officials working in parallel): requests that arrive
// together share a transaction and one ledger append (group commit).
let caseIDs = ids
func run(clients: Int, count: Int) async throws -> (rate: Double, p50: Double, p99: Double) {
    let started = now()
    let perClient = count / clients
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for client in 0..<clients {
            group.addTask {
                var mine: [Double] = []
                var states: [String: String] = [:]
                let own = stride(from: client, to: caseIDs.count, by: clients).map { caseIDs[$0] }
                for t in 0..<perClient {
                    let id = own[t % own.count]
                    let began = now()
                    let action = (states[id] ?? "open") == "open" ? "review" : "reopen"
                    states[id] = try await service.act(id, action: action, by: clerk, reason: "bench").state
                    mine.append(now() - began)
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    return (
        Double(latencies.count) / (now() - started), latencies[latencies.count / 2],
        latencies[latencies.count * 99 / 100]
    )
}
let single = try await run(clients: 1, count: transitions / 2)
let clients = 16
let many = try await run(clients: clients, count: transitions)
checkpointer.cancel()
let history = try await service.history(ids[0]).count
await database.shutdown()
func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
let cpu =
    (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n").first {
        $0.hasPrefix("model name")
    }?
    .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
print(
    """
    ## Workflow

    Measured by `workflow-bench --cases \(cases) --transitions \(transitions)` (run by `Benchmarks/run.sh`; \
    \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)). SQLite file in WAL mode, release build.

    | what | figure | baseline (same run) | ratio |
    | --- | ---: | ---: | ---: |
    | case transitions through `WorkflowService.act`, one client (agency, role, conflict-of-interest and guard checks, history, assignment, SLA timer, ledger entry; one transaction each) | \(Int(single.rate)) transitions/s, p50 \(ms(single.p50)), p99 \(ms(single.p99)) | a bare ledger append in its own transaction: \(Int(baseline))/s | \(String(format: "%.2f", single.rate / baseline)) |
    | the same, \(clients) clients at once (requests arriving together share a transaction and a ledger append) | \(Int(many.rate)) transitions/s, p50 \(ms(many.p50)), p99 \(ms(many.p99)) | same baseline | \(String(format: "%.2f", many.rate / baseline)) |

    Target (issue 5): 2,000 transitions/s or more on SQLite with ledger entries included. One client
    waits for each commit, so it measures latency (about ten statements through SQLiteNIO's thread
    pool); many officials at once is the server's real load, and there the group commit carries the
    target. Case 1 ended with \(history) history lines, each with its ledger entry.

    """)
