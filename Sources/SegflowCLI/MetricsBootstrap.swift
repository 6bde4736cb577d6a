import Metrics
import PrometheusExport
import Segflow
import Synchronization

/// Bootstraps swift-metrics exactly once (it traps on a second call) with the Prometheus
/// registry that `MetricsOptions.export` renders.
enum MetricsBootstrap {
    private static let state = Mutex<PrometheusRegistry?>(nil)

    /// The process's registry, bootstrapping it on first use.
    static func bootstrapOnce() -> PrometheusRegistry {
        state.withLock { state in
            if let registry = state { return registry }
            let registry = PrometheusRegistry(help: RunMetrics.help)
            MetricsSystem.bootstrap(registry)
            state = registry
            return registry
        }
    }

    /// The registry if metrics were bootstrapped.
    static var registry: PrometheusRegistry? {
        state.withLock { $0 }
    }
}
