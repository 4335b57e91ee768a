import Core
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on a background thread pool, so hashing never stalls the event loops.
public struct PasswordHasher: Sendable {
    /// bcrypt cost; 12 in production, lower in tests to keep them quick.
    public let cost: UInt8
    /// A bcrypt hash at the same cost that no password matches (a random salt and digest, of no
    /// known password), checked when an account does not exist so that a rejection takes the same
    /// time either way. Written out rather than hashed at start-up, which cost every command a
    /// quarter of a second.
    public let dummyHash: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        let twoDigits = cost < 10 ? "0\(cost)" : "\(cost)"
        self.dummyHash = "$2b$" + twoDigits + "$08fFACrx3tBp2sGNRM.05eX6DA8YT6QNsjPgPLapYbFq9PhTwg5yO"
    }

    public func hash(_ password: String) async -> String {
        let cost = self.cost
        return (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) })
            ?? Bcrypt.hash(password, cost: cost)
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }
}
