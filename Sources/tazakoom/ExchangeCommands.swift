import App
import ArgumentParser
import Core
import Exchange
import Foundation
import Ledger
import Storage

/// `tazakoom exchange …`: setting up a node of the exchange layer from the command line.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange", abstract: "Set up this node of the exchange layer (docs/exchange.md).",
        subcommands: [
            Offer.self, Grant.self, Bind.self, Requests.self, Approve.self, Group.self, OperatorKey.self,
            Evidence.self, VerifyEvidence.self, Subscribe.self, DeadLetters.self,
        ])

    /// Runs `body` with the administration of the database's exchange tables, and closes it.
    static func administer<T: Sendable>(
        _ database: DatabaseOptions, _ body: @Sendable (ExchangeAdministration, Platform) async throws -> T
    ) async throws -> T {
        let platform = try await RegistryCommands.open(database.resolved)
        do {
            let result = try await body(
                ExchangeAdministration(
                    store: SQLExchangeStore(database: platform.database, ledger: platform.ledger), clock: .system),
                platform)
            await platform.database.shutdown()
            return result
        } catch let error as ExchangeError {
            await platform.database.shutdown()
            throw ValidationError("\(error.type): \(error.message)")
        } catch {
            await platform.database.shutdown()
            throw error
        }
    }

    struct Offer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer a service of this member: its calls go to an http(s) URL or to registry:NAME.")
        @Argument(help: "The service, INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.") var service: String
        @Option(help: "Where calls go: http(s)://… or registry:NAME.") var backend: String
        @Option(help: "The agency answering (its registry rights apply).") var agency: String
        @Option(help: "A file with the service's OpenAPI description (JSON or YAML).") var openapi: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let id = XRoadService(service) else { throw ValidationError("not a service identifier: \(service)") }
            let description = try openapi.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
            try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.offer(
                    ProvidedService(
                        id: id, backend: backend, agencyCode: agency, openAPI: description,
                        createdAt: Clock.system.seconds))
            }
            say("Offered \(id) → \(backend).")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a subsystem or group:CODE a right to a service.")
        @Argument(help: "The service, INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.") var service: String
        @Argument(help: "The client subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM, or group:CODE.") var client: String
        @Option(help: "Only this HTTP method (default: any).") var method = "*"
        @Option(help: "Only this path, * for one segment, /** for the rest (default: the whole service).") var path =
            "*"
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let id = XRoadService(service) else { throw ValidationError("not a service identifier: \(service)") }
            try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.grant(AccessRight(service: id, grantee: client, method: method, path: path))
            }
            say("Granted \(client) \(method) \(path) of \(id).")
        }
    }

    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let the system holding an API token call through this node as a subsystem of its member.")
        @Argument(help: "The subsystem code, e.g. TAXSYS.") var subsystem: String
        @Option(help: "The system's API token (issued at /admin/clients).") var token: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await ExchangeCommand.administer(database) { administration, platform in
                guard let client = try await platform.clients.authenticate(token: token) else {
                    throw ValidationError("no live API client holds that token")
                }
                try await administration.bind(subsystem: subsystem, apiClientID: client.id)
            }
            say("Subsystem \(subsystem) is the system with that token.")
        }
    }

    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the members' requests to join (operator).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let requests = try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.joinRequests()
            }
            for request in requests {
                say("\(request.status)\t\(request.member.id)\t\(request.member.name)\t\(request.member.address)")
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve (or with --refuse, refuse) a member's request and publish the configuration (operator).")
        @Argument(help: "The member, INSTANCE/CLASS/CODE.") var member: String
        @Flag(help: "Refuse instead.") var refuse = false
        @Option(help: "Who decides, for the ledger.") var by = "operator"
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let decided = try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.decide(member: member, approve: !refuse, by: "agency:\(by)")
            }
            guard decided else { throw ValidationError("\(member) has not asked to join") }
            say("\(refuse ? "Refused" : "Approved") \(member); the configuration is published.")
        }
    }

    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a subsystem to a global group (operator).")
        @Argument(help: "The group code.") var code: String
        @Argument(help: "The subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.") var member: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let client = XRoadClient(member) else { throw ValidationError("not a subsystem: \(member)") }
            try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.addToGroup(code, member: client)
            }
            say("Added \(client) to group \(code).")
        }
    }

    struct OperatorKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "operator-key", abstract: "Print the operator's public key, for the other nodes (operator).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let key = try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.operatorKey()?.verifier.encoded
            }
            guard let key else {
                throw ValidationError("this database is not an operator's (serve --exchange-operator)")
            }
            print(key)
        }
    }

    struct Evidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the evidence package of one message as this node logged it (one ZIP file).")
        @Argument(help: "The message's X-Road-Id.") var messageID: String
        @Option(help: "client (this node sent it on) or provider (this node answered it).") var side = "client"
        @Option(help: "Where to write the ZIP file.") var output: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let package = try await ExchangeCommand.administer(database) { administration, platform in
                do {
                    return try await administration.evidence(messageID: messageID, side: side, ledger: platform.ledger)
                } catch let error as EvidenceError {
                    throw ValidationError(error.description)
                }
            }
            try package.zip().write(to: URL(fileURLWithPath: output))
            say(
                "Wrote the evidence of \(messageID) (\(side)) to \(output): \(package.files.keys.sorted().joined(separator: ", "))."
            )
        }
    }

    struct VerifyEvidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-evidence",
            abstract:
                "Verify an evidence package offline: signatures, the request-response link, bodies, ledger receipt.")
        @Argument(help: "The ZIP file.") var file: String
        @Option(help: "The operator's key you trust (name+id+key); default: the one in the package.")
        var operatorKey: String?
        @Option(help: "The ledger's key you trust (name+id+key); default: the one in the package.") var ledgerKey:
            String?

        func run() async throws {
            do {
                let verified = try EvidencePackage.read(zipFile: URL(fileURLWithPath: file)).verify(
                    operatorKey: try operatorKey.map(NoteVerifier.init(encoded:)),
                    ledgerKey: try ledgerKey.map(NoteVerifier.init(encoded:)))
                let message = verified.message
                say(
                    "OK: \(message.method) \(message.service)\(message.path) by \(message.client), message \(message.messageID), status \(message.status); ledger entry \(verified.ledgerIndex) in a checkpoint of \(verified.checkpointSize) entries\(verified.bodiesIncluded ? "; bodies included and intact" : "")."
                )
            } catch let error as EvidenceError {
                throw ValidationError("NOT VERIFIED: \(error.description)")
            }
        }
    }

    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send each change of a registry of this node to a subscriber's service, at least once.")
        @Argument(help: "The registry, e.g. population.") var registry: String
        @Argument(help: "The subscriber's service that receives the events, INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.")
        var subscriber: String
        @Option(help: "The subsystem of this member the events come from.") var from: String
        @Option(help: "Why the subscriber may know of these changes (shown to each person concerned).")
        var legalBasis: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let service = XRoadService(subscriber), let publisher = XRoadClient(from) else {
                throw ValidationError("not a service and a subsystem: \(subscriber), \(from)")
            }
            let subscription = try await ExchangeCommand.administer(database) { administration, _ in
                try await administration.subscribe(
                    registry: registry, publisher: publisher, subscriber: service, legalBasis: legalBasis)
            }
            say("Subscription \(subscription.id): changes of \(registry) go to \(service).")
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters",
            abstract: "List events given up on after five attempts; --retry ID queues one again.")
        @Option(help: "Queue this dead letter again.") var retry: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let outbox = try await ExchangeCommand.administer(database) { _, platform in
                let store = OutboxStore(database: platform.database, clock: .system)
                if let retry { return (try await store.retry(id: retry), [FailedMessage]()) }
                return (false, try await store.failed(channel: ExchangeNode.outboxChannel))
            }
            if let retry {
                guard outbox.0 else { throw ValidationError("\(retry) is not a dead letter") }
                say("Queued \(retry) again.")
                return
            }
            for dead in outbox.1 {
                say("\(dead.message.id)\t\(dead.message.recipient)\t\(dead.attempts) attempts\t\(dead.lastError)")
            }
        }
    }
}
