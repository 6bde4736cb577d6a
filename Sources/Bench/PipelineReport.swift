import Foundation
import Segflow

/// The markdown section of `segflow-bench pipeline`.
struct PipelineReport {
    var results: [PipelineSizeResult]
    var rounds: Int
    var referenceRounds: Int
    var workers: [Int]
    var seed: UInt64
    var dirty: Double
    var asOf: String
    var pipeline: String

    private typealias B = BenchSupport

    private var headline: Int { workers.first ?? 2 }

    private static func median(_ values: [Double]) -> Double { B.median(values) }
    private static func mb(_ bytes: Int) -> String { String(format: "%.0f", Double(bytes) / 1e6) }
    private static func grouped(_ value: Int) -> String {
        var out = ""
        for (index, character) in String(value).reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
    private static func size(_ customers: Int) -> String {
        customers % 1_000_000 == 0 ? "\(customers / 1_000_000)M"
            : customers >= 100_000 && customers % 100_000 == 0 ? "\(Double(customers) / 1e6)M"
            : customers % 1_000 == 0 ? "\(customers / 1_000)k" : grouped(customers)
    }
    private static func ratio(_ value: Double) -> String { value.isFinite ? "\(B.format(value))×" : "–" }
    private static func seconds(_ value: Double) -> String { value.isFinite ? B.format(value) : "–" }

    private func segflowSeconds(_ result: PipelineSizeResult, _ workers: Int) -> Double {
        Self.median(result.segflowRuns(workers: workers).map(\.seconds))
    }
    private func copyBaseline(_ result: PipelineSizeResult) -> Double { Self.median(result.copyPhased.map(\.seconds)) }
    private func copySequential(_ result: PipelineSizeResult) -> Double { Self.median(result.copySequential.map(\.seconds)) }
    private func peakRSS(_ result: PipelineSizeResult) -> Int { result.segflow.map(\.maxRSSBytes).max() ?? 0 }

    var markdown: String {
        var out: [String] = []
        let roundsText = referenceRounds == rounds ? "\(rounds) alternating rounds per side" : "\(rounds) alternating rounds per side (reference SQL: \(referenceRounds))"
        out.append("""
            ### Pipeline: `segflow run` vs binary COPY of its inputs and vs the reference SQL

            Generated store (seed \(seed), \(Int(dirty * 100))% defective rows), as of \(asOf), pipeline `\(pipeline)`; \(roundsText), \
            medians. `segflow run` is the release binary as a child process (end to end: start, schema check, lock, ledger, extract → clean → \
            join → features → segment → publish), peak RSS from `wait4`. The COPY baseline is psql \
            `\\copy (select …) to '/dev/null' with (format binary)` of the seven sources with the engine's columns, casts and cut-off; \
            **the ratio's baseline is the phased run** (the engine's three phases, up to three psql at once), the stricter of the two. \
            The reference is every `sql/reference/` file on one connection, building `segflow_reference.customer_features`.

            """)

        // Generation.
        out.append("| customers | rows generated | MB | generate + load (s) | indexes + analyze (s) | total (s) | rows/s | customers/s |")
        out.append("|---|---|---|---|---|---|---|---|")
        for result in results {
            let g = result.generation
            out.append("| \(Self.size(result.customers)) | \(Self.grouped(g.totalRows)) | \(Self.mb(g.totalBytes)) | \(B.format(g.loadSeconds, 1)) | \(B.format(g.indexSeconds, 1)) | \(B.format(g.totalSeconds, 1)) | \(Self.grouped(Int(Double(g.totalRows) / g.totalSeconds))) | \(Self.grouped(Int(Double(result.customers) / g.totalSeconds))) |")
        }
        out.append("")

        // Inputs.
        out.append("Inputs read (rows before the cut-off, i.e. what both the engine and psql read):")
        out.append("")
        out.append("| customers | " + CopyStatements.order.map(\.rawValue).joined(separator: " | ") + " | total | shop tables MB |")
        out.append("|---|" + CopyStatements.order.map { _ in "---|" }.joined() + "---|---|")
        for result in results {
            out.append("| \(Self.size(result.customers)) | " + result.inputRows.map { Self.grouped($0.rows) }.joined(separator: " | ")
                       + " | \(Self.grouped(result.totalInputRows)) | \(Self.mb(result.inputBytes)) |")
        }
        out.append("")

        // End to end.
        let others = workers.dropFirst()
        var header = "| customers | COPY 7 sources, sequential (s) | COPY 7 sources, engine phases (s) | COPY engine's 9 statements, phases (s) | segflow run, \(headline) workers (s) |"
        var rule = "|---|---|---|---|---|"
        for count in others { header += " segflow run, \(count) worker\(count == 1 ? "" : "s") (s) |"; rule += "---|" }
        header += " reference SQL (s) | segflow ÷ COPY phased | segflow ÷ COPY sequential | reference ÷ segflow | peak RSS (MB) | load avg (start → end) |"
        rule += "---|---|---|---|---|---|"
        out.append(header)
        out.append(rule)
        for result in results {
            let run = segflowSeconds(result, headline)
            var line = "| \(Self.size(result.customers)) | \(Self.seconds(copySequential(result))) | \(Self.seconds(copyBaseline(result))) | \(Self.seconds(Self.median(result.copyEngine.map(\.seconds)))) | \(Self.seconds(run)) |"
            for count in others { line += " \(Self.seconds(segflowSeconds(result, count))) |" }
            let reference = Self.median(result.reference)
            line += " \(Self.seconds(reference)) | \(Self.ratio(run / copyBaseline(result))) | \(Self.ratio(run / copySequential(result))) | \(Self.ratio(reference / run)) | \(Self.mb(peakRSS(result))) | \(result.loadAverages.first ?? "?") → \(result.loadAverages.last ?? "?") |"
            out.append(line)
        }
        out.append("")

        // CPU.
        out.append("CPU seconds (user + system, median), which unlike wall time hardly depend on how busy the shared machine is: the client process(es), and the cluster's processes meanwhile:")
        out.append("")
        out.append("| customers | COPY phased: psql + server | COPY engine's 9 statements: psql + server | segflow run: client + server | reference SQL: server | segflow ÷ COPY phased, by CPU | reference ÷ segflow, by CPU |")
        out.append("|---|---|---|---|---|---|---|")
        for result in results {
            func pair(_ passes: [CopyPass]) -> (Double, Double) { (Self.median(passes.map(\.clientCPU)), Self.median(passes.map(\.serverCPU))) }
            let phased = pair(result.copyPhased), engine = pair(result.copyEngine)
            let runs = result.segflowRuns(workers: headline)
            let client = Self.median(runs.map(\.cpuSeconds)), server = Self.median(runs.map(\.serverCPU))
            let reference = Self.median(result.referenceServerCPU)
            out.append("| \(Self.size(result.customers)) | \(B.format(phased.0, 1)) + \(B.format(phased.1, 1)) = \(B.format(phased.0 + phased.1, 1)) | \(B.format(engine.0, 1)) + \(B.format(engine.1, 1)) = \(B.format(engine.0 + engine.1, 1)) | \(B.format(client, 1)) + \(B.format(server, 1)) = \(B.format(client + server, 1)) | \(Self.seconds(reference)) | \(Self.ratio((client + server) / (phased.0 + phased.1))) | \(Self.ratio(reference / (client + server))) |")
        }
        out.append("")

        // Growth.
        out.append("| customers | input rows | segflow run (s) | input rows/s | µs per customer | growth exponent vs previous size (1.0 = linear) | CPU s (user+sys) | CPU ÷ wall |")
        out.append("|---|---|---|---|---|---|---|---|")
        var previous: (rows: Int, seconds: Double)?
        for result in results {
            let run = segflowSeconds(result, headline)
            let cpu = Self.median(result.segflowRuns(workers: headline).map(\.cpuSeconds))
            let exponent = previous.map { log(run / $0.seconds) / log(Double(result.totalInputRows) / Double($0.rows)) }
            out.append("| \(Self.size(result.customers)) | \(Self.grouped(result.totalInputRows)) | \(Self.seconds(run)) | \(Self.grouped(Int(Double(result.totalInputRows) / run))) | \(B.format(run / Double(result.customers) * 1e6, 1)) | \(exponent.map { B.format($0) } ?? "–") | \(B.format(cpu, 1)) | \(B.format(cpu / run)) |")
            previous = (result.totalInputRows, run)
        }
        out.append("")

        // Where the time goes.
        out.append("Where `segflow run` spends its time (median of the \(headline)-worker runs) next to psql reading the same statements in the same phases:")
        out.append("")
        out.append("| customers | phase 1: products, fx, customers (s) | psql phase 1 (s) | phase 2: orders, session keys, later orders (s) | psql phase 2 (s) | phase 3: items, sessions, chats (s) | psql phase 3 (s) | features (s) | models (s) | models ÷ run | segment (s) | load / publish (s) | rest: start, checks, ledger (s) |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for result in results {
            let runs = result.segflowRuns(workers: headline)
            func stage(_ key: String) -> Double { Self.median(runs.compactMap { $0.stages[key] }) }
            func phase(_ index: Int) -> Double { Self.median(runs.compactMap { $0.phases.count > index ? $0.phases[index] : nil }) }
            func psql(_ index: Int) -> Double { Self.median(result.copyEngine.compactMap { $0.phases.count > index ? $0.phases[index] : nil }) }
            let staged = ["extract_clean_join", "features", "models", "segment", "load"].map(stage).reduce(0, +)
            let share = B.format(100 * stage("models") / segflowSeconds(result, headline), 1) + " %"
            out.append("| \(Self.size(result.customers)) | \(Self.seconds(phase(0))) | \(Self.seconds(psql(0))) | \(Self.seconds(phase(1))) | \(Self.seconds(psql(1))) | \(Self.seconds(phase(2))) | \(Self.seconds(psql(2))) | \(Self.seconds(stage("features"))) | \(Self.seconds(stage("models"))) | \(share) | \(Self.seconds(stage("segment"))) | \(Self.seconds(stage("load"))) | \(Self.seconds(segflowSeconds(result, headline) - staged)) |")
        }
        out.append("")

        // Per stream, at the largest size.
        if let largest = results.last {
            let runs = largest.segflowRuns(workers: headline)
            let rows = Dictionary(uniqueKeysWithValues: largest.inputRows.map { ($0.source.rawValue, $0.rows) })
            out.append("Each stream at \(Self.size(largest.customers)) (median s): psql alone, psql next to the other statements of its phase, and the engine's task (COPY plus its clean/join handler, three at once):")
            out.append("")
            out.append("| stream | rows | psql alone | psql in phase | segflow task | segflow ÷ psql in phase |")
            out.append("|---|---|---|---|---|---|")
            for phase in CopyStatements.phases.enumerated() {
                var labels = phase.element.map(\.rawValue)
                if phase.offset == 1 { labels += ["session_keys", "orders_after_cutoff"] }
                for label in labels {
                    let alone = Self.median(largest.copySequential.compactMap { $0.statements[label] })
                    let inPhase = Self.median(largest.copyEngine.compactMap { $0.statements[label] })
                    let task = Self.median(runs.compactMap { $0.sources[label] })
                    out.append("| \(phase.offset + 1): \(label) | \(rows[label].map(Self.grouped) ?? "") | \(Self.seconds(alone)) | \(Self.seconds(inPhase)) | \(Self.seconds(task)) | \(Self.ratio(task / inPhase)) |")
                }
            }
            out.append("")
        }

        // Publish steps.
        let steps = ["lock", "customer_features", "customer_segments", "validate", "segment_definitions", "quarantine", "model_fits",
                     "cluster_profiles", "kpis", "swap"]
        out.append("Publish steps of `segflow run` (median s; one transaction on one connection):")
        out.append("")
        out.append("| customers | " + steps.joined(separator: " | ") + " | all |")
        out.append("|---|" + steps.map { _ in "---|" }.joined() + "---|")
        for result in results {
            let runs = result.segflowRuns(workers: headline)
            let values = steps.map { step in Self.median(runs.compactMap { $0.publishSteps[step] }) }
            out.append("| \(Self.size(result.customers)) | " + values.map(Self.seconds).joined(separator: " | ") + " | \(Self.seconds(Self.median(runs.compactMap { $0.stages["load"] }))) |")
        }
        out.append("")

        if let largest = results.last(where: { !$0.reference.isEmpty }) {
            let files = largest.referenceFiles.map { ($0.key, Self.median($0.value)) }.sorted { $0.1 > $1.1 }.prefix(5)
            out.append("Slowest reference models at \(Self.size(largest.customers)): " + files.map { "`\($0.0)` \(B.format($0.1, 1)) s" }.joined(separator: ", ") + ".")
            out.append("")
        }
        let mismatched = results.filter { !$0.reference.isEmpty && $0.engineCustomers != $0.referenceCustomers }
        if mismatched.isEmpty {
            out.append("Both sides produced the same number of customer_features rows at every size (" + results.map { "\(Self.size($0.customers)): \(Self.grouped($0.engineCustomers))" }.joined(separator: ", ") + ").")
        } else {
            out.append("**Row counts differ** — " + mismatched.map { "\(Self.size($0.customers)): segflow \($0.engineCustomers), reference \($0.referenceCustomers)" }.joined(separator: "; ") + ".")
        }
        out.append("")
        out.append(contentsOf: verdicts)
        return out.joined(separator: "\n") + "\n"
    }

    /// One "what this means" line per target.
    private var verdicts: [String] {
        guard let largest = results.last else { return [] }
        var lines = ["What this means (headline: \(headline) workers, largest size \(Self.size(largest.customers)) unless said):", ""]
        func met(_ ok: Bool) -> String { ok ? "**met**" : "**not met**" }

        let perSize = results.map { "\(Self.size($0.customers)) \(Self.ratio(segflowSeconds($0, headline) / copyBaseline($0)))" }.joined(separator: ", ")
        let copyRatio = segflowSeconds(largest, headline) / copyBaseline(largest)
        let seqRatio = segflowSeconds(largest, headline) / copySequential(largest)
        lines.append("- End to end ≤ 2× COPY of the inputs: \(met(copyRatio <= 2)) — \(Self.ratio(copyRatio)) the phased COPY (\(perSize)); "
                     + "against sequential COPY \(Self.ratio(seqRatio)). " + (copyRatio <= 2 ? "Margin \(B.format((2 / copyRatio - 1) * 100, 0))%." : "segflow would need to be \(B.format((1 - 2 / copyRatio) * 100, 0))% faster."))

        if let withReference = results.last(where: { !$0.reference.isEmpty }) {
            let speedup = Self.median(withReference.reference) / segflowSeconds(withReference, headline)
            let all = results.filter { !$0.reference.isEmpty }.map { "\(Self.size($0.customers)) \(Self.ratio(Self.median($0.reference) / segflowSeconds($0, headline)))" }.joined(separator: ", ")
            lines.append("- ≥ 3× faster than the reference SQL: \(met(speedup >= 3)) — \(Self.ratio(speedup)) at \(Self.size(withReference.customers)) (\(all)).")
        } else {
            lines.append("- ≥ 3× faster than the reference SQL: not measured (--reference-rounds 0).")
        }

        let peak = results.map(peakRSS).max() ?? 0
        lines.append("- Peak RSS ≤ 2 GB: \(met(peak <= 2_000_000_000)) — \(Self.mb(peak)) MB at most (" + results.map { "\(Self.size($0.customers)) \(Self.mb(peakRSS($0))) MB" }.joined(separator: ", ")
                     + "); per customer \(B.format(Double(peakRSS(largest)) / Double(largest.customers), 0)) bytes at \(Self.size(largest.customers)).")

        if results.count >= 2, let first = results.first {
            let a = segflowSeconds(first, headline) / Double(first.totalInputRows)
            let b = segflowSeconds(largest, headline) / Double(largest.totalInputRows)
            let exponent = log(segflowSeconds(largest, headline) / segflowSeconds(first, headline)) / log(Double(largest.totalInputRows) / Double(first.totalInputRows))
            lines.append("- Linear growth: \(met(exponent <= 1.1)) — time per input row at \(Self.size(largest.customers)) is \(Self.ratio(b / a)) that at \(Self.size(first.customers)) "
                         + "(growth exponent \(B.format(exponent)); 1.0 is linear, < 1 means fixed costs still weigh at the small size).")
        } else {
            lines.append("- Linear growth: needs two sizes or more.")
        }

        for count in workers.dropFirst() {
            let speedups = results.map { "\(Self.size($0.customers)) \(Self.ratio(segflowSeconds($0, count) / segflowSeconds($0, headline)))" }.joined(separator: ", ")
            lines.append("- --workers \(count) vs \(headline): \(count) worker\(count == 1 ? "" : "s") takes \(speedups) the time of \(headline) (workers only split features and segments; the extract phases always use three connections).")
        }

        if let million = results.first(where: { $0.customers >= 1_000_000 }) {
            let rate = million.generation.totalSeconds / Double(million.customers) * 1e6
            lines.append("- Generator makes 1M customers in < 3 min: \(met(rate <= 180)) — \(B.format(million.generation.totalSeconds, 0)) s for \(Self.size(million.customers)) (\(B.format(rate, 0)) s per 1M, indexes included).")
        } else {
            let rate = largest.generation.totalSeconds / Double(largest.customers) * 1e6
            lines.append("- Generator makes 1M customers in < 3 min: not measured at 1M; \(B.format(largest.generation.totalSeconds, 1)) s for \(Self.size(largest.customers)), i.e. ≈ \(B.format(rate, 0)) s per 1M extrapolated linearly.")
        }
        return lines
    }
}
