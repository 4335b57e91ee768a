import ArgumentParser
import Core
import Foundation

/// `serve`'s options for taking part in the exchange layer.
struct ExchangeOptions: ParsableArguments {
    private static let environment = ProcessInfo.processInfo.environment

    @Option(
        name: .customLong("exchange-member"),
        help: "Take part in the exchange as this member, INSTANCE/CLASS/CODE (env TAZAKOOM_EXCHANGE_MEMBER).")
    var member = environment["TAZAKOOM_EXCHANGE_MEMBER"]
    @Option(name: .customLong("exchange-name"), help: "The member's name (env TAZAKOOM_EXCHANGE_NAME).")
    var name = environment["TAZAKOOM_EXCHANGE_NAME"] ?? ""
    @Flag(
        name: .customLong("exchange-operator"),
        help: "This node is the operator's: it publishes the global configuration and takes requests to join.")
    var isOperator = environment["TAZAKOOM_EXCHANGE_OPERATOR"] == "1"
    @Option(
        name: .customLong("exchange-operator-url"),
        help:
            "The operator's node, where the configuration is fetched and joining asked (env TAZAKOOM_EXCHANGE_OPERATOR_URL)."
    )
    var operatorURL = environment["TAZAKOOM_EXCHANGE_OPERATOR_URL"]
    @Option(
        name: .customLong("exchange-operator-key"),
        help:
            "The operator's public key, name+id+key, that the configuration must be signed with (env TAZAKOOM_EXCHANGE_OPERATOR_KEY)."
    )
    var operatorKey = environment["TAZAKOOM_EXCHANGE_OPERATOR_KEY"]
    @Option(
        name: .customLong("exchange-refresh"),
        help: "Seconds between fetches of the global configuration (env TAZAKOOM_EXCHANGE_REFRESH).")
    var refresh = Int(environment["TAZAKOOM_EXCHANGE_REFRESH"] ?? "") ?? 60
    @Option(
        name: .customLong("exchange-timeout"),
        help: "Seconds a provider's node or system may take to answer (env TAZAKOOM_EXCHANGE_TIMEOUT).")
    var timeout = Int(environment["TAZAKOOM_EXCHANGE_TIMEOUT"] ?? "") ?? 30
    @Option(
        name: .customLong("exchange-max-body-mb"),
        help: "Largest message body relayed, in MiB (env TAZAKOOM_EXCHANGE_MAX_BODY_MB).")
    var maxBodyMegabytes = Int(environment["TAZAKOOM_EXCHANGE_MAX_BODY_MB"] ?? "") ?? 10

    @Flag(
        name: .customLong("exchange-keep-bodies"),
        help: "Keep messages' bodies in the message log, encrypted, for evidence packages.")
    var keepBodies = environment["TAZAKOOM_EXCHANGE_KEEP_BODIES"] == "1"

    /// The settings, with `address` where other nodes reach this one.
    func settings(address: String) -> ExchangeSettings {
        ExchangeSettings(
            member: member, memberName: name.isEmpty ? (member ?? "") : name, address: address, isOperator: isOperator,
            operatorAddress: operatorURL, operatorKey: operatorKey,
            maxBodyBytes: max(1, min(maxBodyMegabytes, 1024)) << 20, timeoutSeconds: max(1, min(timeout, 600)),
            refreshSeconds: max(1, min(refresh, 86_400)), keepBodies: keepBodies)
    }
}
