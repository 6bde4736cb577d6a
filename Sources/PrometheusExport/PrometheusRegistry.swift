import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps every series in memory and renders them in the
/// Prometheus text exposition format (version 0.0.4).
///
/// Counters render as `counter`; gauges, meters and non-aggregating recorders as `gauge`;
/// timers (in seconds) and aggregating recorders as `histogram`. A batch job records its
/// values, then calls `render()` once and writes or pushes the text.
public final class PrometheusRegistry: MetricsFactory, Sendable {
    /// One metric name: its type, help text and series.
    struct Family {
        var type: MetricType
        var series: [LabelSet: Series] = [:]
    }

    enum Series {
        case value(Double)
        case histogram(HistogramState)
    }

    private let families = Mutex<[String: Family]>([:])
    private let help: [String: String]
    private let buckets: [Double]

    /// Upper bounds for histograms, in seconds for timers: from 5 ms to an hour, because
    /// batch stages range from milliseconds to tens of minutes.
    public static let defaultBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
    ]

    /// - Parameters:
    ///   - help: `# HELP` text per metric name (swift-metrics has no place for it).
    ///   - buckets: histogram upper bounds, ascending; `+Inf` is added.
    public init(help: [String: String] = [:], buckets: [Double] = PrometheusRegistry.defaultBuckets) {
        self.help = help
        self.buckets = buckets.filter(\.isFinite).sorted()
    }

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        let key = register(label: label, dimensions: dimensions, type: .counter)
        return PrometheusValueHandler(registry: self, key: key)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        let key = register(label: label, dimensions: dimensions, type: .gauge)
        return PrometheusValueHandler(registry: self, key: key)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        if aggregate {
            let key = register(label: label, dimensions: dimensions, type: .histogram)
            return PrometheusHistogramHandler(registry: self, key: key, scale: 1)
        }
        let key = register(label: label, dimensions: dimensions, type: .gauge)
        return PrometheusValueHandler(registry: self, key: key)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        let key = register(label: label, dimensions: dimensions, type: .histogram)
        return PrometheusHistogramHandler(registry: self, key: key, scale: 1e-9)
    }

    public func destroyCounter(_ handler: CounterHandler) { remove(handler) }
    public func destroyMeter(_ handler: MeterHandler) { remove(handler) }
    public func destroyRecorder(_ handler: RecorderHandler) { remove(handler) }
    public func destroyTimer(_ handler: TimerHandler) { remove(handler) }

    // MARK: Rendering

    /// Every series in the text exposition format: families sorted by name, series by labels.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            guard let family = snapshot[name], !family.series.isEmpty else { continue }
            if let text = help[name] {
                out += "# HELP \(name) \(PrometheusText.escapeHelp(text))\n"
            }
            out += "# TYPE \(name) \(family.type.rawValue)\n"
            for labels in family.series.keys.sorted() {
                switch family.series[labels] {
                case .value(let value)?:
                    out += "\(name)\(labels.rendered()) \(PrometheusText.format(value))\n"
                case .histogram(let state)?:
                    out += state.render(name: name, labels: labels)
                case nil:
                    break
                }
            }
        }
        return out
    }

    // MARK: Storage, used by the handlers

    struct SeriesKey: Hashable {
        var name: String
        var labels: LabelSet
    }

    private func register(label: String, dimensions: [(String, String)], type: MetricType) -> SeriesKey? {
        let name = PrometheusText.metricName(label)
        let labels = LabelSet(dimensions)
        let buckets = self.buckets
        return families.withLock { families -> SeriesKey? in
            var family = families[name] ?? Family(type: type)
            // One name has one type; a clash keeps the first and drops the newcomer's values.
            guard family.type == type else { return nil }
            if family.series[labels] == nil {
                family.series[labels] = type == .histogram ? .histogram(HistogramState(bounds: buckets)) : .value(0)
            }
            families[name] = family
            return SeriesKey(name: name, labels: labels)
        }
    }

    func update(_ key: SeriesKey?, _ change: (inout Series) -> Void) {
        guard let key else { return }
        families.withLock { families in
            guard var series = families[key.name]?.series[key.labels] else { return }
            change(&series)
            families[key.name]?.series[key.labels] = series
        }
    }

    private func remove(_ handler: AnyObject) {
        guard let key = (handler as? PrometheusSeriesHandler)?.key else { return }
        families.withLock { families in
            families[key.name]?.series[key.labels] = nil
        }
    }
}

/// The metric types this registry renders.
enum MetricType: String, Sendable {
    case counter, gauge, histogram
}

/// A handler bound to one series of a registry.
protocol PrometheusSeriesHandler: AnyObject {
    var key: PrometheusRegistry.SeriesKey? { get }
}
