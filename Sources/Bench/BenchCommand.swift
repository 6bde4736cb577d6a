import ArgumentParser

/// `segflow-bench`: benchmarks that compare segflow with a baseline in the same run.
/// `make bench` runs them and writes BENCHMARKS.md.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segflow-bench",
        abstract: "Side-by-side benchmarks of segflow against psql and the reference SQL.",
        subcommands: [CopyBenchmark.self, PipelineBenchmark.self, BackfillBenchmark.self, ModelsBenchmark.self, KMeansBenchmark.self, ExportBenchmark.self]
    )
}
