// Ledger benchmarks: `swift run -c release ledger-bench [--entries N] [--proof-size N]`.
// Prints a Markdown section for docs/performance.md. Everything runs on this machine, on files
// in a temporary folder; the SHA-256 rate measured first is the ceiling for the other figures.
import Foundation
import Ledger
import Logging
import Storage

struct Options {
    var entries = 200_000
    var batch = 1_000
    var proofSize = 10_000_000
    var proofs = 2_000
    var signSizes = [100_000, 10_000_000]

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count - 1 {
            let value = Int(arguments[i + 1]) ?? 0
            switch arguments[i] {
            case "--entries": entries = value
            case "--batch": batch = value
            case "--proof-size": proofSize = value
            case "--proofs": proofs = value
            case "--sign-sizes": signSizes = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
            default: break
            }
            i += 2
        }
    }
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
func rate(_ n: Double) -> String { n >= 1e6 ? String(format: "%.2f M", n / 1e6) : String(format: "%.0f", n) }

let options = Options(CommandLine.arguments)
var logger = Logger(label: "bench")
logger.logLevel = .error
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-ledger-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

// 1. The ceiling: SHA-256 node hashes (65-byte inputs) on one core.
log("== SHA-256 rate")
var acc = Merkle.emptyRoot
let shaCount = 2_000_000
let shaTime = await seconds { for _ in 0..<shaCount { acc = Merkle.nodeHash(acc, acc) } }
let shaRate = Double(shaCount) / shaTime

// 2. Durable batched appends on an SQLite file (WAL), as the platform runs them.
log("== appends: \(options.entries) entries in batches of \(options.batch)")
let appendDB = try await Database.open(
    .sqliteFile(path: folder.appendingPathComponent("append.sqlite").path), logger: logger)
try await Migrator(migrations: LedgerMigrations.all).migrate(appendDB, logger: logger)
let ledger = try await LedgerService.open(appendDB, origin: "bench.tazakoom.kg/ledger")
let events = try (0..<options.batch).map { n in
    try LedgerEvent(
        kind: "registry.read", actor: "official:0123456789abcdef", subject: "person:fedcba9876543210",
        time: 1_800_000_000 + n, details: ["purpose": "case 2026/\(n)"])
}
let appendTime = try await seconds {
    var done = 0
    while done < options.entries {
        try await ledger.append(events)
        done += options.batch
    }
}
let appendRate = Double(options.entries) / appendTime

// 3. Full audit of that log: read every entry, recompute every hash, compare every tile.
log("== full audit of \(options.entries) entries")
var auditReport: AuditReport?
let auditTime = try await seconds { auditReport = try await ledger.audit() }
let auditRate = Double(auditReport?.size ?? 0) / auditTime
await appendDB.shutdown()

// 4. Inclusion proofs in a log of proofSize entries. Only tiles matter for proofs, so the tree is
// built from synthetic leaf hashes and its tiles stored; entries are not needed to answer.
log("== building a \(options.proofSize)-entry tree for proofs")
let proofDB = try await Database.open(
    .sqliteFile(path: folder.appendingPathComponent("proofs.sqlite").path), logger: logger)
try await Migrator(migrations: LedgerMigrations.all).migrate(proofDB, logger: logger)
let bigLedger = try await LedgerService.open(proofDB, origin: "bench.tazakoom.kg/ledger")
/// Builds a tree of `size` synthetic leaves and stores its tiles; returns its root.
func buildTree(_ ledger: LedgerService, size: Int) async throws -> MerkleHash {
    var builder = TreeBuilder()
    var seed = Merkle.emptyRoot
    for i in 0..<size {
        seed = Merkle.nodeHash(seed, seed)
        builder.append(seed)
        if i % 100_000 == 99_999 { try await ledger.storeTreeWithoutEntries(&builder) }
    }
    try await ledger.storeTreeWithoutEntries(&builder)
    return builder.root
}
let bigRoot = try await buildTree(bigLedger, size: options.proofSize)
log("== \(options.proofs) inclusion proofs")
var latencies: [Double] = []
var generator = SystemRandomNumberGenerator()
for _ in 0..<options.proofs {
    let index = Int.random(in: 0..<options.proofSize, using: &generator)
    var proof: InclusionProofDocument?
    latencies.append(
        try await seconds { proof = try await bigLedger.inclusionProof(index: index, size: options.proofSize) })
    guard let proof, proof.root == bigRoot.base64 else { fatalError("wrong root in a proof") }
}
await proofDB.shutdown()
latencies.sort()

// 5. Signing a checkpoint after 1,000 new entries, on logs of each size: it audits only what was
// appended, so its time should not depend on the size.
/// Median milliseconds of 9 signings, each after 1,000 new entries, on a log of `size` entries.
func signingTime(size: Int) async throws -> Double {
    log("== signing on a \(size)-entry log")
    let database = try await Database.open(
        .sqliteFile(path: folder.appendingPathComponent("sign-\(size).sqlite").path), logger: logger)
    try await Migrator(migrations: LedgerMigrations.all).migrate(database, logger: logger)
    let ledger = try await LedgerService.open(database, origin: "bench.tazakoom.kg/ledger")
    var done = 0
    while done < size {
        try await ledger.append(events)
        done += events.count
        if done % 1_000_000 == 0 { log("   \(done) entries") }
    }
    _ = try await ledger.signCheckpoint()  // the first one audits everything
    var times: [Double] = []
    for _ in 0..<9 {
        try await ledger.append(events)
        times.append(try await seconds { _ = try await ledger.signCheckpoint() } * 1000)
    }
    await database.shutdown()
    try? FileManager.default.removeItem(at: folder.appendingPathComponent("sign-\(size).sqlite"))
    return times.sorted()[times.count / 2]
}
var signing: [(size: Int, ms: Double)] = []
for size in options.signSizes { signing.append((size, try await signingTime(size: size))) }
let signingRows = signing.map { row in
    "| signing a checkpoint after 1,000 new entries, \(rate(Double(row.size)))-entry log, median of 9 | "
        + String(format: "%.1f ms", row.ms) + " | same on every size | "
        + String(format: "%.2f× the smallest", row.ms / (signing.first?.ms ?? row.ms)) + " |"
}.joined(separator: "\n")

let median = latencies[latencies.count / 2] * 1000
let p99 = latencies[latencies.count * 99 / 100] * 1000

print(
    """
    ## Transparency ledger

    Measured by `swift run -c release ledger-bench` (called by `Benchmarks/run.sh`), in the same run as
    the SHA-256 rate, which is the ceiling: every entry costs about two SHA-256 computations (its
    leaf hash and its share of the interior nodes).

    | measure | result | target | ratio to SHA-256 ceiling |
    | --- | ---: | ---: | ---: |
    | SHA-256 node hashes, one core (65-byte inputs) | \(rate(shaRate))/s | (ceiling) | 1.00 |
    | durable batched appends, SQLite file (WAL), \(options.entries) entries in batches of \(options.batch) | \(rate(appendRate)) entries/s | ≥ 50,000/s | \(String(format: "%.3f", appendRate / shaRate)) |
    | full audit (`tazakoom ledger verify --database-url`), \(auditReport?.size ?? 0) entries | \(rate(auditRate)) entries/s | ≥ 1,000,000/s | \(String(format: "%.3f", auditRate / shaRate)) |
    | inclusion proof in a \(rate(Double(options.proofSize)))-entry log, through the database, median of \(options.proofs) | \(String(format: "%.3f", median)) ms (p99 \(String(format: "%.3f", p99)) ms) | < 1 ms median | |
    \(signingRows)
    """)
