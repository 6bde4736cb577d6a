import Metrics
import PrometheusExport
import Segflow
import Synchronization

/// Bootstraps swift-metrics exactly once (it traps on a second call) with the Prometheus
/// backend that `MetricsOptions.export` renders.
enum MetricsBootstrap {
    private static let state = Mutex<PrometheusBackend?>(nil)

    /// The process's backend, bootstrapping it on first use.
    static func bootstrapOnce() -> PrometheusBackend {
        state.withLock { state in
            if let backend = state { return backend }
            let backend = PrometheusBackend(help: RunMetrics.help)
            MetricsSystem.bootstrap(backend)
            state = backend
            return backend
        }
    }

    /// The backend if metrics were bootstrapped.
    static var backend: PrometheusBackend? {
        state.withLock { $0 }
    }
}
