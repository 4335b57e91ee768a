import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics; bootstrapped once, on first use.
public enum Telemetry {
    /// Installs the registry as swift-metrics' backend; call before anything records a metric
    /// (the database pool records its size when it opens).
    public static func bootstrap() { _ = registry }

    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // swift-metrics labels use dots (http.route); Prometheus names may not.
        factory.nameAndLabelSanitizer = { name, labels in
            (
                name.replacingOccurrences(of: ".", with: "_"),
                labels.map { ($0.0.replacingOccurrences(of: ".", with: "_"), $0.1) }
            )
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}
