import ArgumentParser
import Foundation
import LocalPostgres
import Logging
import PostgresClient
import Segflow
import SegflowGenerator
import SegflowModels

/// SegflowModels against lifetimes 0.11.3 on the same BTYD summary: BG/NBD + Gamma-Gamma fits and
/// every customer's predictions (p_alive, expected purchases 30/90/365 d, E[AOV], 12-month CLV).
///
/// The summary is read from the published `customer_features` (btyd_* columns) of `--database`
/// (latest as-of unless `--as-of`), or, without `--database`, from a throwaway cluster where
/// `--customers` are generated and `segflow run` (release binary) publishes them. It is exported as
/// CSV for lifetimes, which runs in the pinned venv of scripts/lifetimes-venv.sh. Rounds alternate
/// which side goes first; the report gives both parameter sets, their agreement in significant digits,
/// the prediction sums and the median time ratio.
struct ModelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "BG/NBD + Gamma-Gamma fit and predictions: SegflowModels vs lifetimes 0.11.3 on the same summary."
    )

    @Option(help: "Connection string of a database with a published run; without it a throwaway cluster is generated.")
    var database: String?
    @Option(help: "Output schema of that database.") var schema = "segflow"
    @Option(help: "As-of day to read (default: the latest published).") var asOf: String?
    @Option(help: "Customers to generate without --database; k and M suffixes allowed.") var customers = "100k"
    @Option(help: "Generator seed.") var seed: UInt64 = 42
    @Option(help: "Alternating rounds of both sides.") var rounds = 3
    @Option(help: "Annual discount rate for CLV (converted to monthly as (1 + r)^(1/12) − 1).") var annualDiscountRate = 0.1
    @Option(help: "Python with lifetimes 0.11.3 (default: scripts/lifetimes-venv.sh creates one).") var python: String?
    @Option(help: "The segflow executable (default: next to segflow-bench).") var segflow: String?
    @Option(help: "Read the summary from this CSV (frequency,recency,T,monetary_value; days) instead of a database.")
    var summaryCsv: String?
    @Option(help: "Also keep the exported summary CSV here (to rerun with --summary-csv).") var saveSummary: String?
    @Flag(help: "Only time SegflowModels (for profiling); no lifetimes, no comparison.") var segflowOnly = false

    func run() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-models-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let pythonPath = try python ?? Self.lifetimesPython()
        let summary: Summary
        if let summaryCsv {
            summary = try Self.readSummary(csv: summaryCsv)
        } else if let database {
            summary = try Self.readSummary(conninfo: database, schema: schema, asOf: asOf)
        } else {
            summary = try generatedSummary(scratch: scratch)
        }
        let csv = "\(scratch)/summary.csv"
        try summary.csv.write(toFile: csv, atomically: true, encoding: .utf8)
        if let saveSummary {
            try? FileManager.default.removeItem(atPath: saveSummary)
            try FileManager.default.copyItem(atPath: csv, toPath: saveSummary)
        }
        let monthlyRate = pow(1 + annualDiscountRate, 1.0 / 12) - 1
        progress("models: \(summary.histories.count) customers with purchases, as of \(summary.asOf)")

        if segflowOnly {
            for round in 0..<rounds {
                let (outcome, seconds) = try Self.swiftSide(summary, monthlyRate: monthlyRate)
                let phases = outcome.seconds.sorted { $0.key < $1.key }.map { "\($0.key) \(BenchSupport.format($0.value, 3))" }
                print("round \(round + 1): \(BenchSupport.format(seconds, 3)) s (\(phases.joined(separator: ", "))); "
                    + "BG/NBD \(outcome.purchaseFit.evaluations) evaluations, Gamma-Gamma \(outcome.spendFit.evaluations)")
            }
            return
        }
        var swiftTimes: [Double] = [], lifetimesTimes: [Double] = []
        var swiftOutcome: SwiftSide?
        var lifetimesOutcome: [String: Any]?
        for round in 0..<rounds {
            let sides = round % 2 == 0 ? ["segflow", "lifetimes"] : ["lifetimes", "segflow"]
            for side in sides {
                if side == "segflow" {
                    let (outcome, seconds) = try Self.swiftSide(summary, monthlyRate: monthlyRate)
                    swiftTimes.append(seconds)
                    swiftOutcome = outcome
                    progress("models round \(round + 1): segflow \(BenchSupport.format(seconds, 3)) s")
                } else {
                    let object = try Self.lifetimesSide(python: pythonPath, csv: csv, monthlyRate: monthlyRate, scratch: scratch)
                    let seconds = ((object["seconds"] as? [String: Any])?["total"] as? NSNumber)?.doubleValue ?? .nan
                    lifetimesTimes.append(seconds)
                    lifetimesOutcome = object
                    progress("models round \(round + 1): lifetimes \(BenchSupport.format(seconds, 3)) s")
                }
            }
        }
        guard let swiftOutcome, let lifetimesOutcome else { throw BenchFailure(description: "no round ran") }
        print(report(summary: summary, swift: swiftOutcome, lifetimes: lifetimesOutcome,
                     swiftTimes: swiftTimes, lifetimesTimes: lifetimesTimes, monthlyRate: monthlyRate))
    }

    struct Summary {
        var asOf: String
        var histories: [CustomerHistory]
        var monetary: [Double]
        /// Wall seconds of the `segflow run` that published the summary (generated stores only).
        var runSeconds: Double?
        var runCustomers: Int?
        /// The run ledger's stage seconds of that run (its own model stage: "models").
        var runStages: [String: Double] = [:]
        var csv: String {
            var text = "frequency,recency,T,monetary_value\n"
            for (history, value) in zip(histories, monetary) {
                text += "\(history.frequency),\(Int(history.recency)),\(Int(history.age)),\(value)\n"
            }
            return text
        }
    }

    struct SwiftSide {
        var purchaseFit: ModelFit
        var spendFit: ModelFit
        var seconds: [String: Double]
        var sums: [String: Double]
        var head: [String: [Double?]]
    }

    static let headRows = 2000

    static func swiftSide(_ summary: Summary, monthlyRate: Double) throws -> (SwiftSide, Double) {
        var logger = Logger(label: "segflow.bench.models")
        logger.logLevel = .warning
        let clock = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9 }
        let histories = CompressedHistories(summary.histories)
        let compressed = elapsed()
        let (purchaseFit, purchaseModel) = PurchaseModelFitter(logger: logger).fit(BGNBDModel.self, to: histories)
        let fittedPurchases = elapsed()
        let spend = SpendHistories(frequencies: summary.histories.map(\.frequency), monetaryValues: summary.monetary)
        let (spendFit, spendModel) = GammaGammaFitter(logger: logger).fit(spend)
        let fitted = elapsed()
        guard let purchaseModel else { throw BenchFailure(description: "BG/NBD fit: \(purchaseFit.status.rawValue) \(purchaseFit.reason ?? "")") }
        let predictions = CustomerPredictions(
            model: purchaseModel, histories: histories, monetaryValues: summary.monetary, spend: spendModel,
            horizons: [30, 90, 365], value: ValueSettings(periods: 12, periodLength: 30, periodDiscountRate: monthlyRate, margin: 1)
        )
        let total = elapsed()
        let columns: [String: [Double?]] = [
            "p_alive": predictions.probabilityAlive, "expected_30": predictions.expectedPurchases[0],
            "expected_90": predictions.expectedPurchases[1], "expected_365": predictions.expectedPurchases[2],
            "aov": predictions.expectedAverageOrderValue, "clv": predictions.lifetimeValue,
        ]
        let side = SwiftSide(
            purchaseFit: purchaseFit, spendFit: spendFit,
            seconds: ["compress": compressed, "fit_purchases": fittedPurchases - compressed, "fit_spend": fitted - fittedPurchases,
                      "predict": total - fitted],
            sums: columns.mapValues { $0.reduce(0) { $0 + ($1 ?? 0) } },
            head: columns.mapValues { Array($0.prefix(headRows)) }
        )
        return (side, total)
    }

    static func lifetimesSide(python: String, csv: String, monthlyRate: Double, scratch: String) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lifetimes/models_bench.py").path
        let stdout = "\(scratch)/lifetimes.out", stderr = "\(scratch)/lifetimes.err"
        let outcome = try ChildProcess.run([python, script, csv, String(monthlyRate), String(headRows)],
                                           standardOutput: stdout, standardError: stderr)
        guard outcome.succeeded,
              let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stdout))) as? [String: Any]
        else {
            let errors = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            throw BenchFailure(description: "lifetimes failed: \(errors.suffix(2000))")
        }
        return object
    }

    /// scripts/lifetimes-venv.sh prints the venv's interpreter (creating the venv on first use).
    static func lifetimesPython() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/lifetimes-venv.sh")
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure(description: "scripts/lifetimes-venv.sh failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func readSummary(conninfo: String, schema: String, asOf: String?) throws -> Summary {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: conninfo), logger: BenchSupport.logger)
        defer { connection.close() }
        let day: String
        if let asOf {
            day = asOf
        } else {
            guard let latest = try connection.execute("select max(as_of)::text from \(identifier: schema).snapshots")[0][0].string
            else { throw BenchFailure(description: "no published snapshot in \(schema)") }
            day = latest
        }
        let rows = try connection.execute("""
            select btyd_frequency, btyd_recency, btyd_t, btyd_monetary_value from \(identifier: schema).customer_features
            where as_of = \(day)::date and btyd_frequency is not null order by customer_id
            """)
        var histories: [CustomerHistory] = [], monetary: [Double] = []
        for row in rows.rows {
            guard let x = row[0].int, let recency = row[1].int, let age = row[2].int, let value = row[3].double
            else { throw BenchFailure(description: "a btyd_* value is null beside a non-null btyd_frequency") }
            histories.append(CustomerHistory(frequency: x, recency: Double(recency), age: Double(age)))
            monetary.append(value)
        }
        return Summary(asOf: day, histories: histories, monetary: monetary)
    }

    /// The CSV `Summary.csv` writes (and `--save-summary` keeps).
    static func readSummary(csv path: String) throws -> Summary {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var histories: [CustomerHistory] = [], monetary: [Double] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 4, let x = Int(fields[0]), let recency = Double(fields[1]), let age = Double(fields[2]),
                  let value = Double(fields[3])
            else { throw BenchFailure(description: "\(path): not a frequency,recency,T,monetary_value row: \(line)") }
            histories.append(CustomerHistory(frequency: x, recency: recency, age: age))
            monetary.append(value)
        }
        return Summary(asOf: "(\(path))", histories: histories, monetary: monetary)
    }

    func generatedSummary(scratch: String) throws -> Summary {
        guard let size = try PipelineBenchmark.parseSizes(customers).first else { throw BenchFailure(description: "--customers") }
        let segflowPath = try BenchSupport.locateSegflow(segflow)
        let cluster = try LocalPostgresCluster.start(logger: BenchSupport.logger)
        defer { cluster.stop() }
        let database = "bench_models"
        try cluster.createDatabase(database)
        let conninfo = cluster.connectionString(database: database)
        let day = GeneratorConfiguration.defaultEndDay
        progress("models: generating \(size) customers")
        _ = try DataGenerator(
            configuration: GeneratorConfiguration(customers: size, seed: seed, dirtyRate: 0.01, endDay: day), logger: BenchSupport.logger
        ).run(database: PostgresConfiguration(connectionString: conninfo))
        progress("models: segflow migrate, segflow run --as-of \(day)")
        let migrated = try ChildProcess.run([segflowPath, "migrate", "-d", conninfo],
                                            standardOutput: "\(scratch)/migrate.out", standardError: "\(scratch)/migrate.err")
        guard migrated.succeeded else { throw BenchFailure(description: "segflow migrate failed") }
        let outcome = try ChildProcess.run([segflowPath, "run", "-d", conninfo, "--as-of", day.description],
                                           standardOutput: "\(scratch)/run.out", standardError: "\(scratch)/run.err")
        guard outcome.succeeded else { throw BenchFailure(description: "segflow run failed; see its log") }
        progress("models: segflow run took \(BenchSupport.format(outcome.seconds, 1)) s")
        var summary = try Self.readSummary(conninfo: conninfo, schema: "segflow", asOf: day.description)
        summary.runSeconds = outcome.seconds
        summary.runCustomers = size
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: conninfo), logger: BenchSupport.logger)
        defer { connection.close() }
        if let text = try connection.execute(
            "select stage_timings::text from segflow.runs where status = 'succeeded' order by started_at desc limit 1"
        )[0][0].string, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            for (key, value) in object { summary.runStages[key] = (value as? NSNumber)?.doubleValue }
        }
        return summary
    }

    func report(summary: Summary, swift: SwiftSide, lifetimes: [String: Any], swiftTimes: [Double], lifetimesTimes: [Double],
                monthlyRate: Double) -> String {
        func numbers(_ key: String) -> [Double] { (lifetimes[key] as? [NSNumber])?.map(\.doubleValue) ?? [] }
        func digits(_ a: Double, _ b: Double) -> String {
            a == b ? "all" : BenchSupport.format(-log10(abs(a - b) / abs(b)), 1)
        }
        var lines = [
            "## Models: SegflowModels vs lifetimes 0.11.3",
            "",
            "\(summary.histories.count) customers with purchases (BTYD summary of `customer_features`, as of \(summary.asOf)), "
                + "\(CompressedHistories(summary.histories).triplets.count) distinct (frequency, recency, T) triplets; "
                + "\(rounds) alternating rounds; CLV over 12 months of 30 days at \(BenchSupport.format(monthlyRate * 100, 4)) % a month.",
            "",
            "| parameter | SegflowModels | lifetimes | agreeing significant digits |",
            "|---|---|---|---|",
        ]
        for (fit, reference) in [(swift.purchaseFit, numbers("bgnbd")), (swift.spendFit, numbers("gamma_gamma"))] {
            for (index, name) in fit.parameterNames.enumerated() where index < reference.count {
                lines.append("| \(fit.model) \(name) | \(fit.parameters[index]) | \(reference[index]) | \(digits(fit.parameters[index], reference[index])) |")
            }
        }
        lines += ["", "| prediction | Σ SegflowModels | Σ lifetimes | max relative difference, first \(Self.headRows) customers |", "|---|---|---|---|"]
        let sums = lifetimes["sums"] as? [String: NSNumber] ?? [:]
        let heads = lifetimes["head"] as? [String: [Any]] ?? [:]
        for name in ["p_alive", "expected_30", "expected_90", "expected_365", "aov", "clv"] {
            var worst = 0.0
            for (mine, theirs) in zip(swift.head[name] ?? [], heads[name] ?? []) {
                guard let mine, let theirs = (theirs as? NSNumber)?.doubleValue, theirs.isFinite else { continue }
                worst = max(worst, abs(mine - theirs) / max(abs(theirs), 1e-12))
            }
            lines.append("| \(name) | \(swift.sums[name] ?? .nan) | \(sums[name]?.doubleValue ?? .nan) | \(String(format: "%.1e", worst)) |")
        }
        let swiftMedian = BenchSupport.median(swiftTimes), lifetimesMedian = BenchSupport.median(lifetimesTimes)
        let lifetimesSeconds = lifetimes["seconds"] as? [String: NSNumber] ?? [:]
        lines += [
            "",
            "| side | compress s | fit BG/NBD s | fit Gamma-Gamma s | predictions s | total s (median of \(rounds)) |",
            "|---|---|---|---|---|---|",
            "| SegflowModels (\(ProcessInfo.processInfo.activeProcessorCount) cores) | \(BenchSupport.format(swift.seconds["compress"] ?? .nan, 3)) | \(BenchSupport.format(swift.seconds["fit_purchases"] ?? .nan, 3)) | \(BenchSupport.format(swift.seconds["fit_spend"] ?? .nan, 3)) | \(BenchSupport.format(swift.seconds["predict"] ?? .nan, 3)) | \(BenchSupport.format(swiftMedian, 3)) |",
            "| lifetimes 0.11.3 | (pandas) | \(BenchSupport.format(lifetimesSeconds["fit_purchases"]?.doubleValue ?? .nan, 3)) | \(BenchSupport.format(lifetimesSeconds["fit_spend"]?.doubleValue ?? .nan, 3)) | \(BenchSupport.format(lifetimesSeconds["predict"]?.doubleValue ?? .nan, 3)) | \(BenchSupport.format(lifetimesMedian, 3)) |",
            "",
            "lifetimes / SegflowModels: \(BenchSupport.format(lifetimesMedian / swiftMedian, 1))×. "
                + "BG/NBD: \(swift.purchaseFit.iterations) iterations, \(swift.purchaseFit.evaluations) likelihood evaluations; "
                + "Gamma-Gamma: \(swift.spendFit.iterations) iterations, \(swift.spendFit.evaluations) evaluations over \(swift.spendFit.distinctRows) distinct (x, m) pairs.",
        ]
        if let runSeconds = summary.runSeconds, let runCustomers = summary.runCustomers {
            let stages = summary.runStages.sorted { $0.key < $1.key }.map { "\($0.key) \(BenchSupport.format($0.value, 2))" }
            lines += ["", "`segflow run` of the generated \(runCustomers) customers (which published this summary): "
                + "\(BenchSupport.format(runSeconds, 1)) s wall; its stages (run ledger, s): \(stages.joined(separator: ", ")). "
                + "The run's own model stage (fits, predictions and filling the feature columns) took "
                + "\(BenchSupport.format(summary.runStages["models"] ?? .nan, 2)) s = "
                + "\(BenchSupport.format(100 * (summary.runStages["models"] ?? .nan) / runSeconds, 2)) % of the run's wall time; "
                + "the standalone model stage above (median) is \(BenchSupport.format(100 * swiftMedian / runSeconds, 2)) % of it."]
        }
        return lines.joined(separator: "\n")
    }
}
