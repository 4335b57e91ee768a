import PostgresNIO
import _ConnectionPoolModule

/// Which PostgreSQL errors mean "the database is not there right now" rather than "this request
/// was wrong": the server went down or restarted under a query, the connection broke, or the pool
/// gave up connecting (its circuit breaker trips after a minute without any connection). Such a
/// request is answered 503 with Retry-After like a wait that ran out, not 500: the client may
/// try again, and with an Idempotency-Key a retry cannot apply the request twice.
enum DatabaseOutage {
    /// SQLSTATE codes of a server that is going away or cannot take the session: admin, crash and
    /// startup shutdown (57P01–57P03), too many connections (53300). The whole class 08
    /// (connection exceptions) counts too; `isOutage` checks it by prefix.
    static let serverStates: Set<String> = ["57P01", "57P02", "57P03", "53300"]

    /// True when `error` says the database went away, not that the statement was refused.
    static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case let error as ConnectionPoolError:
            return error == .connectionCreationCircuitBreakerTripped
        case let error as PSQLError:
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown:
                return true
            case .server:
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || serverStates.contains(state)
            default:
                return false
            }
        default:
            return false
        }
    }
}
