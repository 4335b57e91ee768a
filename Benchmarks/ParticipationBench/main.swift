// Petition signatures benchmark: `swift run -c release participation-bench [--seconds N] [--clients N]`.
// Signatures through `PetitionService.sign` on an SQLite file, sustained for minutes: `clients`
// people at once, each signing as a new person, and one in ten sending a signature again (which
// must not count). Each signature is a row, a counter and a ledger entry; signatures that arrive
// together share a transaction and one ledger append (group commit). Printed per 30 s window, so a
// cost that grows with the data shows. Exactly once is checked at the end: the petition's count,
// the rows and the ledger's signature entries all equal the distinct signers. Baseline in the same
// run: bare ledger appends, 512 to a transaction (the same ledger work without the petition).
import Core
import Foundation
import Identity
import Ledger
import Logging
import Participation
import Storage
import Synchronization

var seconds = 120
var clients = 256
var i = 1
while i < CommandLine.arguments.count - 1 {
    let value = Int(CommandLine.arguments[i + 1]) ?? 0
    switch CommandLine.arguments[i] {
    case "--seconds": seconds = max(1, value)
    case "--clients": clients = max(1, value)
    default: break
    }
    i += 2
}
func now() -> Double { Date().timeIntervalSince1970 }
func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

var logger = Logger(label: "bench")
logger.logLevel = .error
let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "tk-participation-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let database = try await Database.open(
    .sqliteFile(path: folder.appendingPathComponent("p.sqlite").path), logger: logger)
try await Migrator(migrations: LedgerMigrations.all + ParticipationMigrations.all).migrate(database, logger: logger)
try await database.takeOverWALCheckpoints()
let checkpointer = Task {
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(1))
        try? await database.boundWAL(limit: 256 << 20)
    }
}
let ledger = try await LedgerService.open(database, origin: "bench.tazakoom.kg/ledger")
let service = PetitionService(store: SQLPetitionStore(database: database, ledger: ledger))
let author = Principal(pin: "21503198500001", displayName: "Author", post: nil, assurance: .substantial)
let petition = try await service.create(
    title: "Light every bus stop in the country", body: "Please light every bus stop so people wait safely.",
    level: .national, area: "KG", days: 180, by: author)
for n in 1...Petition.sponsorsNeeded {
    _ = try await service.sponsor(
        petition.id,
        by: Principal(pin: "2990119900000\(n)", displayName: "Sponsor", post: nil, assurance: .substantial))
}
try await service.moderate(
    petition.id, approve: true, reason: nil,
    by: Principal(
        pin: "11502198000555", displayName: "Moderator",
        post: OfficialPost(agencyCode: "MDD", position: "Moderator", roles: [.administrator])))

log("== baseline: bare ledger appends, 512 to a transaction, 10 s")
let event = try LedgerEvent(
    kind: "bench.append", actor: "agency:BCH", subject: "petition:bench", time: 0, details: ["n": "1"])
var start = now()
var appended = 0
while now() - start < 10 {
    try await database.transaction { sql in _ = try await ledger.append(Array(repeating: event, count: 512), on: sql) }
    appended += 512
}
let baseline = Double(appended) / (now() - start)

/// A distinct PIN for person `n`.
func person(_ n: Int) -> Principal {
    Principal(pin: "3" + String(format: "%013d", n), displayName: "Signer", post: nil, assurance: .substantial)
}
let next = Atomic<Int>(0)
let counted = Atomic<Int>(0)
let repeated = Atomic<Int>(0)
let regions = ["BIS", "OSC", "CHU", "OSH", "JAL", "ISS", "NAR", "TAL", "BAT"]
log("== \(clients) clients for \(seconds) s")
let begun = now()
let deadline = begun + Double(seconds)
let window = 30.0
let windows = Mutex<[Int: (count: Int, latencies: [Double])]>([:])
try await withThrowingTaskGroup(of: Void.self) { group in
    for _ in 0..<clients {
        group.addTask {
            var local = 0
            while now() < deadline {
                let n = next.add(1, ordering: .relaxed).newValue
                local += 1
                // One in ten sends the previous person's signature again.
                let again = local % 10 == 0 && n > 1
                let signer = person(again ? n - 1 : n)
                let began = now()
                let outcome = try await service.sign(
                    petition.id, by: signer, region: regions[n % regions.count], district: "D\(n % 40)")
                let took = now() - began
                if case .signed = outcome {
                    counted.add(1, ordering: .relaxed)
                } else {
                    repeated.add(1, ordering: .relaxed)
                }
                let slot = Int((began - begun) / window)
                windows.withLock {
                    $0[slot, default: (0, [])].count += 1
                    $0[slot, default: (0, [])].latencies.append(took)
                }
            }
        }
    }
    try await group.waitForAll()
}
let elapsed = now() - begun
checkpointer.cancel()
let stored = try await service.petition(petition.id).signatures
let rows = try await service.counts(petition.id).reduce(0) { $0 + $1.signatures }
let recount = try await PetitionRecount.tally(petition.id) { try await ledger.entries(from: $0, limit: $1) }
let databaseBytes =
    (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("p.sqlite").path)[.size]
        as? Int) ?? 0
await database.shutdown()

func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
let total = counted.load(ordering: .relaxed)
let exactlyOnce = stored == total && rows == total && recount == total
let cpu =
    (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n").first {
        $0.hasPrefix("model name")
    }?
    .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
var lines = ""
for (slot, figures) in windows.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
    let sorted = figures.latencies.sorted()
    let length = min(window, elapsed - Double(slot) * window)
    guard length > 1 else { continue }
    lines +=
        "| \(Int(Double(slot) * window))–\(Int(Double(slot) * window + length)) s | \(Int(Double(figures.count) / length))/s | p50 \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[sorted.count * 99 / 100])) | \(String(format: "%.2f", Double(figures.count) / length / baseline)) |\n"
}
print(
    """
    ## Petition signatures

    Measured by `participation-bench --seconds \(seconds) --clients \(clients)` (run by `Benchmarks/run.sh`; \
    \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)). SQLite file in WAL mode, release build. \
    Each of \(clients) clients signs as a new person, and every tenth attempt repeats the previous person's \
    signature (it must not count). Baseline in the same run: bare ledger appends, 512 to a transaction: \
    \(Int(baseline)) entries/s.

    | window | attempts (signatures and refused repeats) | latency | ratio to the baseline |
    | --- | ---: | --- | ---: |
    \(lines)
    Over \(Int(elapsed)) s: \(total) signatures counted (\(Int(Double(total) / elapsed))/s) and \
    \(repeated.load(ordering: .relaxed)) repeats refused; the petition's count \(stored), its rows \(rows) and \
    the recount from the ledger \(recount): exactly once \(exactlyOnce ? "holds" : "FAILED"). Database file at the \
    end: \(databaseBytes / 1_048_576) MiB.

    """)
if !exactlyOnce { exit(1) }
