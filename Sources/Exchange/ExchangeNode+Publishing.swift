import Core
import Foundation
import Ledger
import Registries
import Storage

/// Publish/subscribe: each change of a registry with subscribers is sent to each subscriber as an
/// exchange message, at least once, from the platform's outbox (retried, and kept as a dead
/// letter after five failed attempts). Changes come from the registries' change journal, in ledger
/// order, so nothing is missed and each round reads only what is new.
extension ExchangeNode {
    /// The outbox channel of exchange events.
    public static let outboxChannel = "exchange"

    /// Queues the registry changes made since the last round for their subscribers, reading at
    /// most `rounds` stretches of `limit` changes; returns how many events were queued. The first
    /// round starts at the ledger's head: nothing is sent retroactively.
    @discardableResult
    public func publishChanges(limit: Int = 2_000, rounds: Int = 10) async throws -> Int {
        guard let start = try await store.publishingCursor() else {
            try await store.queue([], next: try await ledger.head().size)
            return 0
        }
        let subscriptions = try await store.subscriptions()
        var cursor = start
        var queued = 0
        for _ in 0..<rounds {
            let changes = try await registries.changes(from: cursor, limit: limit)
            guard let last = changes.last else { break }
            let events = changes.flatMap { change in
                subscriptions.filter { $0.registry == change.registry && $0.createdAt <= change.changedAt }.map {
                    (
                        $0,
                        RegistryChangeEvent(
                            registry: change.registry, key: change.key, change: change.change,
                            ledgerIndex: change.ledgerIndex, time: change.changedAt, subscription: $0.id)
                    )
                }
            }
            try await store.queue(events, next: last.ledgerIndex + 1)
            queued += events.count
            cursor = last.ledgerIndex + 1
            if changes.count < limit { break }
        }
        return queued
    }

    /// Sends queued events: each a `POST` to the subscriber's service, signed and logged like any
    /// message; a change of a person's record is in their "who looked at my data". Returns how many
    /// were delivered.
    @discardableResult
    public func deliverEvents(limit: Int = 100) async throws -> Int {
        try await outbox.dispatch(limit: limit, channels: [Self.outboxChannel]) { message in
            guard let event = try? JSONDecoder().decode(RegistryChangeEvent.self, from: Data(message.body.utf8)),
                let publisher = XRoadClient(message.subject)
            else { throw ExchangeError.badRequest("Not an exchange event.") }
            let answer = await relay(
                ExchangeMessage(
                    method: "POST",
                    headers: [
                        .init("X-Road-Client", publisher.description), .init("Content-Type", "application/json"),
                        .init("X-Road-Id", "event-\(event.subscription)-\(event.ledgerIndex)"),
                    ], body: Array(message.body.utf8)),
                target: message.recipient, query: "", caller: .node, refusal: nil)
            guard (200..<300).contains(answer.status) else {
                throw ExchangeError(
                    answer["X-Road-Error"] ?? "Subscriber.Refused", "The subscriber answered \(answer.status).")
            }
            if let pin = try? PIN(event.key, today: clock.today),
                let subscription = try await store.subscriptions().first(where: { $0.id == event.subscription }),
                let purpose = try? Purpose(legalBasis: subscription.legalBasis),
                let name = await configuration.value?.member(subscription.subscriber.provider)?.name
            {
                try await registries.logRead(
                    ofPerson: pin.value, registry: event.registry,
                    by: Self.reader(subscription.subscriber.provider, name: name, agency: member.memberCode),
                    purpose: purpose)
            }
        }
    }

    /// Events given up on after five attempts, newest first.
    public func deadLetters(limit: Int = 100) async throws -> [FailedMessage] {
        try await outbox.failed(channel: Self.outboxChannel, limit: limit)
    }

    /// Puts a dead letter back in the queue.
    public func retryDeadLetter(id: String) async throws -> Bool { try await outbox.retry(id: id) }
}
