import CoreMetrics

/// Counters, gauges and meters: one number per series.
final class PrometheusValueHandler: CounterHandler, MeterHandler, RecorderHandler, PrometheusSeriesHandler, Sendable {
    let registry: PrometheusRegistry
    let key: PrometheusRegistry.SeriesKey?

    init(registry: PrometheusRegistry, key: PrometheusRegistry.SeriesKey?) {
        self.registry = registry
        self.key = key
    }

    private func change(_ body: @escaping (Double) -> Double) {
        registry.update(key) { series in
            if case .value(let value) = series { series = .value(body(value)) }
        }
    }

    // CounterHandler
    func increment(by amount: Int64) { change { $0 + Double(amount) } }
    func reset() { change { _ in 0 } }

    // MeterHandler and RecorderHandler (gauge)
    func set(_ value: Int64) { change { _ in Double(value) } }
    func set(_ value: Double) { change { _ in value } }
    func increment(by amount: Double) { change { $0 + amount } }
    func decrement(by amount: Double) { change { $0 - amount } }
    func record(_ value: Int64) { set(value) }
    func record(_ value: Double) { set(value) }
}

/// Timers and aggregating recorders: a histogram per series.
final class PrometheusHistogramHandler: RecorderHandler, TimerHandler, PrometheusSeriesHandler, Sendable {
    let registry: PrometheusRegistry
    let key: PrometheusRegistry.SeriesKey?
    /// Multiplies each observation: 1e-9 turns a timer's nanoseconds into seconds.
    let scale: Double

    init(registry: PrometheusRegistry, key: PrometheusRegistry.SeriesKey?, scale: Double) {
        self.registry = registry
        self.key = key
        self.scale = scale
    }

    func record(_ value: Int64) { observe(Double(value) * scale) }
    func record(_ value: Double) { observe(value * scale) }
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) * scale) }

    private func observe(_ value: Double) {
        registry.update(key) { series in
            if case .histogram(var state) = series {
                state.observe(value)
                series = .histogram(state)
            }
        }
    }
}
