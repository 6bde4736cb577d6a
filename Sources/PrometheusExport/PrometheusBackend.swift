import CoreMetrics
import Prometheus

/// The swift-metrics backend segflow bootstraps: swift-prometheus's registry, plus the one
/// thing its `PrometheusMetricsFactory` does not do — `# HELP` text for metrics recorded
/// through the swift-metrics API (it registers them with empty help).
///
/// Counters render as `counter`; gauges, meters and non-aggregating recorders as `gauge`;
/// timers (in seconds) and aggregating recorders as `histogram`. A batch job records its
/// values, then calls `render()` once and writes or pushes the text.
///
/// The registry traps when one name is used with two metric types, or with and without
/// labels: both are programming errors, and segflow's names (`RunMetrics.Name`) avoid them.
public struct PrometheusBackend: MetricsFactory, Sendable {
    public let registry: PrometheusCollectorRegistry
    private let help: [String: String]
    private let buckets: [Double]
    /// Destroys handlers the way swift-prometheus's own factory does.
    private let library: PrometheusMetricsFactory

    /// Upper bounds for histograms, in seconds for timers: from 5 ms to an hour, because
    /// batch stages range from milliseconds to tens of minutes (the library's default stops at 10 s).
    public static let defaultBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
    ]

    /// - Parameters:
    ///   - help: `# HELP` text per metric name (swift-metrics has no place for it).
    ///   - buckets: histogram upper bounds, ascending; `+Inf` is added.
    public init(help: [String: String] = [:], buckets: [Double] = PrometheusBackend.defaultBuckets,
                registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.help = help
        self.buckets = buckets.filter(\.isFinite).sorted()
        self.library = PrometheusMetricsFactory(registry: registry)
    }

    /// Every series in the Prometheus text exposition format (version 0.0.4).
    public func render() -> String {
        registry.emitToString()
    }

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        let bounds = buckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: bounds)
    }

    public func destroyCounter(_ handler: CounterHandler) { library.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) { library.destroyFloatingPointCounter(handler) }
    public func destroyMeter(_ handler: MeterHandler) { library.destroyMeter(handler) }
    public func destroyRecorder(_ handler: RecorderHandler) { library.destroyRecorder(handler) }
    public func destroyTimer(_ handler: TimerHandler) { library.destroyTimer(handler) }
}
