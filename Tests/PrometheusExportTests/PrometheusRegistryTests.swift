import CoreMetrics
import Metrics
import Testing
@testable import PrometheusExport

@Suite struct PrometheusRegistryTests {
    @Test func counterRendersHelpTypeAndTotal() {
        let registry = PrometheusRegistry(help: ["jobs_total": "Jobs done."])
        let counter = Counter(label: "jobs_total", dimensions: [], factory: registry)
        counter.increment(by: 2)
        counter.increment()
        #expect(registry.render() == """
            # HELP jobs_total Jobs done.
            # TYPE jobs_total counter
            jobs_total 3

            """)
    }

    @Test func gaugesRenderOneLinePerLabelSetSortedByNameAndLabels() {
        let registry = PrometheusRegistry()
        Gauge(label: "segflow_stage_duration_seconds", dimensions: [("stage", "load")], factory: registry).record(1.25)
        Gauge(label: "segflow_stage_duration_seconds", dimensions: [("stage", "extract")], factory: registry).record(12)
        // Labels come out sorted by name whatever order they were given in.
        Gauge(label: "a_rows", dimensions: [("source", "orders"), ("action", "rejected")], factory: registry).record(7)
        // The last value of a gauge wins.
        let meter = Meter(label: "a_level", dimensions: [], factory: registry)
        meter.set(5)
        meter.decrement(by: 1.5)
        #expect(registry.render() == """
            # TYPE a_level gauge
            a_level 3.5
            # TYPE a_rows gauge
            a_rows{action="rejected",source="orders"} 7
            # TYPE segflow_stage_duration_seconds gauge
            segflow_stage_duration_seconds{stage="extract"} 12
            segflow_stage_duration_seconds{stage="load"} 1.25

            """)
    }

    @Test func timersRenderAsCumulativeHistogramsInSeconds() {
        let registry = PrometheusRegistry(help: ["step_seconds": "Step time."], buckets: [1, 0.1])
        let timer = Timer(label: "step_seconds", dimensions: [("step", "swap")], factory: registry)
        timer.recordMilliseconds(50)
        timer.recordMilliseconds(500)
        timer.recordSeconds(3)
        #expect(registry.render() == """
            # HELP step_seconds Step time.
            # TYPE step_seconds histogram
            step_seconds_bucket{step="swap",le="0.1"} 1
            step_seconds_bucket{step="swap",le="1"} 2
            step_seconds_bucket{step="swap",le="+Inf"} 3
            step_seconds_sum{step="swap"} 3.55
            step_seconds_count{step="swap"} 3

            """)
    }

    @Test func aggregatingRecordersRenderAsHistogramsOfRawValues() {
        let registry = PrometheusRegistry(buckets: [10])
        let recorder = Recorder(label: "batch_rows", dimensions: [], aggregate: true, factory: registry)
        recorder.record(4)
        recorder.record(40)
        #expect(registry.render() == """
            # TYPE batch_rows histogram
            batch_rows_bucket{le="10"} 1
            batch_rows_bucket{le="+Inf"} 2
            batch_rows_sum 44
            batch_rows_count 2

            """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslashAndNewline() {
        let registry = PrometheusRegistry(help: ["q_rows": "Rows \"quarantined\"\nper C:\\reason."])
        Gauge(label: "q_rows", dimensions: [("reason", "bad \"email\"\\\nnext line")], factory: registry).record(1)
        #expect(registry.render() == #"""
            # HELP q_rows Rows "quarantined"\nper C:\\reason.
            # TYPE q_rows gauge
            q_rows{reason="bad \"email\"\\\nnext line"} 1

            """#)
    }

    @Test func invalidMetricAndLabelNamesAreSanitized() {
        let registry = PrometheusRegistry()
        Gauge(label: "segflow.rows-in", dimensions: [("1st source", "x")], factory: registry).record(1)
        #expect(registry.render() == """
            # TYPE segflow_rows_in gauge
            segflow_rows_in{_st_source="x"} 1

            """)
    }

    @Test func valuesUseThePrometheusSpellings() {
        #expect(PrometheusText.format(3) == "3")
        #expect(PrometheusText.format(-0.5) == "-0.5")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(.nan) == "NaN")
        #expect(PrometheusText.format(1e20) == "1e+20")
    }

    @Test func destroyedSeriesAndEmptyFamiliesAreNotRendered() {
        let registry = PrometheusRegistry()
        let kept = Gauge(label: "g", dimensions: [("k", "kept")], factory: registry)
        let gone = Gauge(label: "g", dimensions: [("k", "gone")], factory: registry)
        kept.record(1)
        gone.record(2)
        gone.destroy()
        let alone = Counter(label: "c_total", dimensions: [], factory: registry)
        alone.destroy()
        #expect(registry.render() == """
            # TYPE g gauge
            g{k="kept"} 1

            """)
    }

    @Test func aNameKeepsItsFirstTypeAndDropsValuesOfAnotherType() {
        let registry = PrometheusRegistry()
        Gauge(label: "x", dimensions: [], factory: registry).record(4)
        Counter(label: "x", dimensions: [], factory: registry).increment(by: 100)
        #expect(registry.render() == "# TYPE x gauge\nx 4\n")
    }
}
