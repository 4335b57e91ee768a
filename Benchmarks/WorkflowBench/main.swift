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
import Storage
import Workflow

var cases = 200, transitions = 20_000
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
let database = try await Database.open(.sqliteFile(path: folder.appendingPathComponent("wf.sqlite").path), logger: logger)
try await Migrator(migrations: LedgerMigrations.all + IdentityMigrations.all + WorkflowMigrations.all).migrate(database, logger: logger)
try await DemoData.ensureReferenceData(database)
try await DemoData.seed(database, passwords: PasswordHasher(cost: 4))
try await database.takeOverWALCheckpoints()
let checkpointer = Task {
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(1))
        try? await database.checkpointWAL()
    }
}
let ledger = try await LedgerService.open(database, origin: "bench.tazakoom.kg/ledger")
let service = WorkflowService(database: database, ledger: ledger)
try await service.publish("""
    id: bench
    version: 1
    states: [{id: open, start: true, sla: 5}, {id: review, sla: 5}, {id: done, terminal: true}]
    actions:
      - {id: review, from: [open], to: review, roles: [clerk], guard: "amount >= 0"}
      - {id: reopen, from: [review], to: open, roles: [clerk]}
      - {id: close, from: [review], to: done, roles: [clerk]}
    """, by: .agency("BCH"))
let clerk = Principal(pin: "21908198700148", displayName: "Clerk", post: OfficialPost(agencyCode: "BCH", position: "Clerk", roles: [.clerk]))

log("== baseline: \(transitions) single ledger appends")
let event = try LedgerEvent(kind: "bench.append", actor: "agency:BCH", subject: "case:bench", time: 0, details: ["n": "1"])
var start = now()
for _ in 0..<transitions { _ = try await ledger.append([event]) }
let baseline = Double(transitions) / (now() - start)

log("== \(cases) cases, \(transitions) transitions")
var ids: [String] = []
for n in 0..<cases {
    ids.append(try await service.start("bench", agency: "BCH", applicant: "11207199000417", facts: ["amount": .number(Double(n))], documents: [], by: .subjectThemself).id)
}
var states = Array(repeating: "open", count: cases)
var latencies: [Double] = []
latencies.reserveCapacity(transitions)
start = now()
for t in 0..<transitions {
    let c = t % cases
    let began = now()
    let action = states[c] == "open" ? "review" : "reopen"
    states[c] = try await service.act(ids[c], action: action, by: clerk, reason: "bench").state
    latencies.append(now() - began)
}
let seconds = now() - start
checkpointer.cancel()
latencies.sort()
let rate = Double(transitions) / seconds
let history = try await service.history(ids[0]).count
await database.shutdown()
func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("model name") }?
    .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
print("""
## Workflow

Measured by `workflow-bench --cases \(cases) --transitions \(transitions)` (run by `Benchmarks/run.sh`; \
\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)). SQLite file in WAL mode, release build, one client.

| what | figure | baseline (same run) | ratio |
| --- | ---: | ---: | ---: |
| case transitions through `WorkflowService.act` (agency, role, conflict-of-interest and guard checks, history, assignment, SLA timer, ledger entry, one transaction each) | \(Int(rate)) transitions/s, p50 \(ms(latencies[latencies.count / 2])), p99 \(ms(latencies[latencies.count * 99 / 100])) | a bare ledger append in its own transaction: \(Int(baseline))/s | \(String(format: "%.2f", rate / baseline)) |

Target (issue 5): 2,000 transitions/s or more on SQLite with ledger entries included. Case 1 ended
with \(history) history lines, each with its ledger entry.

""")
