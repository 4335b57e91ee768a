import PostgresNIO
import Synchronization

/// Ends a PostgreSQL session at once when its connection closes under it.
///
/// PostgresNIO never answers a statement written after its connection closed: the write is
/// dropped with no one to tell, and the statement's caller waits forever (upstream's fix,
/// vapor/postgres-nio#487, was reverted). A server that goes away between two statements of a
/// session, or a pool that hands out a connection an instant before it sees it closed, would hold
/// the request, and every submission batched behind it, for good. Each session says which
/// connection it holds; when that connection closes, the session is told at once.
///
/// One close callback per connection, not per session: a pooled connection serves many sessions,
/// and callbacks on its close future cannot be removed, so they would pile up.
final class ClosedConnectionWatch: Sendable {
    private struct State {
        /// Connections whose close future already has our callback.
        var watched: Set<PostgresConnection.ID> = []
        /// What to do if the connection closes, for the session holding it now.
        var sessions: [PostgresConnection.ID: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// A session runs on `connection` until `end(_:)`; `onClose` runs if the connection closes
    /// before then (at once, if it is closed already).
    func begin(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) {
        let id = connection.id
        let first = state.withLock { state in
            state.sessions[id] = onClose
            return state.watched.insert(id).inserted
        }
        guard first else { return }
        connection.closeFuture.whenComplete { _ in
            let session = self.state.withLock { state in
                state.watched.remove(id)
                return state.sessions.removeValue(forKey: id)
            }
            session?()
        }
    }

    /// The session holding `connection` ended: a later close is no concern of it.
    func end(_ connection: PostgresConnection) {
        _ = state.withLock { $0.sessions.removeValue(forKey: connection.id) }
    }
}
