import Core
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on a background thread pool, so hashing never stalls the event loops.
public struct PasswordHasher: Sendable {
    /// bcrypt cost; 12 in production, lower in tests to keep them quick.
    public let cost: UInt8
    /// A hash of a random password at the same cost, checked when an account does not exist so
    /// that a rejection takes the same time either way.
    public let dummyHash: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        self.dummyHash = Bcrypt.hash(Secrets.token(), cost: cost)
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
