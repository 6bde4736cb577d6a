import CoreMetrics
import Metrics
import Testing
@testable import PrometheusExport

/// The backend is swift-prometheus's registry; these tests pin what segflow relies on:
/// help text through the swift-metrics API, types, labels, escaping, timer units.
@Suite struct PrometheusBackendTests {
    /// The text's lines in a stable order (the registry emits families in no fixed order).
    private func sortedLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).sorted()
    }

    @Test func counterRendersHelpTypeAndTotal() {
        let backend = PrometheusBackend(help: ["jobs_total": "Jobs done."])
        let counter = Counter(label: "jobs_total", dimensions: [], factory: backend)
        counter.increment(by: 2)
        counter.increment()
        #expect(backend.render() == """
            # HELP jobs_total Jobs done.
            # TYPE jobs_total counter
            jobs_total 3

            """)
    }

    @Test func gaugesRenderOneLinePerLabelSetWithTheLastValue() {
        let backend = PrometheusBackend()
        Gauge(label: "segflow_stage_duration_seconds", dimensions: [("stage", "load")], factory: backend).record(1.25)
        Gauge(label: "segflow_stage_duration_seconds", dimensions: [("stage", "extract")], factory: backend).record(12)
        Gauge(label: "a_rows", dimensions: [("action", "rejected"), ("source", "orders")], factory: backend).record(7)
        let meter = Meter(label: "a_level", dimensions: [], factory: backend)
        meter.set(5)
        meter.decrement(by: 1.5)
        #expect(sortedLines(backend.render()) == [
            "# TYPE a_level gauge",
            "# TYPE a_rows gauge",
            "# TYPE segflow_stage_duration_seconds gauge",
            "a_level 3.5",
            #"a_rows{action="rejected",source="orders"} 7.0"#,
            #"segflow_stage_duration_seconds{stage="extract"} 12.0"#,
            #"segflow_stage_duration_seconds{stage="load"} 1.25"#,
        ])
    }

    @Test func timersRenderAsCumulativeHistogramsInSeconds() {
        let backend = PrometheusBackend(help: ["step_seconds": "Step time."], buckets: [1, 0.1])
        let timer = Timer(label: "step_seconds", dimensions: [("step", "swap")], factory: backend)
        timer.recordMilliseconds(50)
        timer.recordMilliseconds(500)
        timer.recordSeconds(3)
        #expect(backend.render() == """
            # HELP step_seconds Step time.
            # TYPE step_seconds histogram
            step_seconds_bucket{step="swap",le="0.1"} 1
            step_seconds_bucket{step="swap",le="1.0"} 2
            step_seconds_bucket{step="swap",le="+Inf"} 3
            step_seconds_sum{step="swap"} 3.55
            step_seconds_count{step="swap"} 3

            """)
    }

    @Test func timersDefaultToBucketsUpToAnHourForBatchStages() {
        #expect(PrometheusBackend.defaultBuckets.first == 0.005)
        #expect(PrometheusBackend.defaultBuckets.last == 3600)
        let backend = PrometheusBackend()
        Timer(label: "stage_seconds", dimensions: [], factory: backend).recordSeconds(1200)
        let text = backend.render()
        #expect(text.contains(#"stage_seconds_bucket{le="600.0"} 0"#))
        #expect(text.contains(#"stage_seconds_bucket{le="1800.0"} 1"#))
    }

    @Test func aggregatingRecordersRenderAsHistogramsOfRawValues() {
        let backend = PrometheusBackend(buckets: [10])
        let recorder = Recorder(label: "batch_rows", dimensions: [], aggregate: true, factory: backend)
        recorder.record(4)
        recorder.record(40)
        #expect(backend.render() == """
            # TYPE batch_rows histogram
            batch_rows_bucket{le="10.0"} 1
            batch_rows_bucket{le="+Inf"} 2
            batch_rows_sum 44.0
            batch_rows_count 2

            """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslash() {
        let backend = PrometheusBackend(help: ["q_rows": "Rows \"quarantined\" per C:\\reason."])
        Gauge(label: "q_rows", dimensions: [("reason", "bad \"email\"\\\nnext line")], factory: backend).record(1)
        #expect(backend.render() == #"""
            # HELP q_rows Rows "quarantined" per C:\\reason.
            # TYPE q_rows gauge
            q_rows{reason="bad \"email\"\\\nnext line"} 1.0

            """#)
    }

    @Test func invalidMetricAndLabelNamesAreSanitized() {
        let backend = PrometheusBackend()
        Gauge(label: "segflow.rows-in", dimensions: [("1st source", "x")], factory: backend).record(1)
        #expect(backend.render() == """
            # TYPE segflow_rows_in gauge
            segflow_rows_in{_st_source="x"} 1.0

            """)
    }

    @Test func destroyedSeriesAndEmptyFamiliesAreNotRendered() {
        let backend = PrometheusBackend()
        let kept = Gauge(label: "g", dimensions: [("k", "kept")], factory: backend)
        let gone = Gauge(label: "g", dimensions: [("k", "gone")], factory: backend)
        kept.record(1)
        gone.record(2)
        gone.destroy()
        let alone = Counter(label: "c_total", dimensions: [], factory: backend)
        alone.destroy()
        #expect(backend.render() == """
            # TYPE g gauge
            g{k="kept"} 1.0

            """)
    }
}
