import Foundation

/// The last checkpoint this node saw signed, kept outside the database.
///
/// A database restored from an older backup would otherwise quietly fork the log: it would sign
/// a new checkpoint inconsistent with one already published. On start the node compares the
/// database with this file and refuses to run when the database is behind or differs.
public struct CheckpointFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The remembered checkpoint, or nil when there is none yet.
    public func read(verifier: NoteVerifier) throws -> Checkpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let note = String(data: data, encoding: .utf8) else {
            throw LedgerError.corrupt(index: nil, reason: "\(path) is not a checkpoint")
        }
        return try Checkpoint(signedNote: note, verifier: verifier)
    }

    /// Remembers `note` (atomically, so a crash leaves the old or the new one).
    public func write(_ note: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(note.utf8).write(to: url, options: .atomic)
    }
}

extension LedgerService {
    /// Refuses to run on a database that is behind, or differs from, a checkpoint already signed:
    /// the one in `file` (kept outside the database) or the latest in the database itself.
    public func checkNotBehind(_ file: CheckpointFile?) async throws {
        let head = try await head()
        var remembered: [(checkpoint: Checkpoint, file: String?)] = []
        if let latest = try await latestCheckpoint() {
            remembered.append((Checkpoint(origin: origin, size: latest.size, root: latest.root), nil))
        }
        if let file {
            let fromFile: Checkpoint?
            do { fromFile = try file.read(verifier: verifier) } catch {
                throw LedgerError.corrupt(
                    index: nil,
                    reason: "the checkpoint remembered in \(file.path) was not signed by this ledger's key (\(error)): "
                        + "the database or its key changed since; refusing to run. (If you deleted a demo database on purpose, delete that file too.)"
                )
            }
            if let fromFile { remembered.append((fromFile, file.path)) }
        }
        for (checkpoint, path) in remembered {
            if checkpoint.size > head.size {
                if let path {
                    throw LedgerError.behindRememberedCheckpoint(
                        databaseSize: head.size, checkpointSize: checkpoint.size, file: path)
                }
                throw LedgerError.behindCheckpoint(databaseSize: head.size, checkpointSize: checkpoint.size)
            }
            let root = try await withTiles { source in try Merkle.root(size: checkpoint.size, source) }
            guard root == checkpoint.root else {
                throw LedgerError.corrupt(
                    index: nil, reason: "the stored tree at size \(checkpoint.size) differs from the signed checkpoint")
            }
        }
    }

    /// Signs a checkpoint (see `signCheckpoint`) and remembers it in `file`.
    @discardableResult
    public func signAndRemember(_ file: CheckpointFile?, wholeLog: Bool = false) async throws -> (
        size: Int, root: MerkleHash, note: String
    ) {
        let signed = try await signCheckpoint(wholeLog: wholeLog)
        try file?.write(signed.note)
        return signed
    }
}
