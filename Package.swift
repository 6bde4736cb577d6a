// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "segflow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "segflow", targets: ["segflow"]),
        .library(name: "Segflow", targets: ["Segflow"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libpq, wrapped once: only PostgresClient imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // OpenSSL's libcrypto, for SHA-256; libpq links it already, so it adds no build time.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        // A private, throwaway PostgreSQL cluster (initdb + pg_ctl) for the demo, tests and benchmarks.
        .target(
            name: "LocalPostgres",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // The SQL that ships with segflow: source schema, output migrations, reference features.
        // Source schema and output SQL are also embedded in the binary (EmbedFiles), so an
        // installed copy needs no files beside it; `reference/` is read from the bundle (tests).
        .target(
            name: "SegflowSQL",
            path: "sql",
            exclude: ["README.md"],
            resources: [.copy("source"), .copy("output"), .copy("reference")],
            plugins: ["EmbedFiles"]
        ),
        .executableTarget(name: "segflow-embed", path: "Sources/EmbedTool"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["segflow-embed"]),
        // glibc's allocator tuning (mallopt, malloc_trim), which Swift's Glibc module does not import.
        .target(name: "CSegflowAllocator"),
        // The library, in layers (each depends on those above it): engine -> rules -> pipeline
        // file and publishing -> Segflow (the runs). `import Segflow` gives all of them.
        // extract -> clean -> join -> features over the typed columnar model; the error model.
        .target(
            name: "SegflowEngine",
            dependencies: [
                "CLibCrypto", "CSegflowAllocator", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // k-means clusters on a feature matrix (k-means++, Lloyd on Parallel, silhouette, matching).
        .target(name: "SegflowClusters", dependencies: ["SegflowEngine"]),
        // The rule language and segment assignment.
        .target(
            name: "SegflowRules",
            dependencies: ["SegflowEngine", "SegflowClusters", "PostgresClient"]
        ),
        // The pipeline file: reader, validated configuration, config hash.
        .target(
            name: "SegflowPipelineFile",
            dependencies: [
                "SegflowEngine", "SegflowRules", "SegflowClusters", "SegflowSQL", "SegflowModels",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Publishing: output schema and migrations, the atomic snapshot swap, KPIs, the run ledger.
        .target(
            name: "SegflowPublish",
            dependencies: [
                "SegflowEngine", "SegflowRules", "SegflowClusters", "PostgresClient", "SegflowSQL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The runs: snapshot job, runner, backfill, locks, retries, validation, run metrics, the model stage.
        .target(
            name: "Segflow",
            dependencies: [
                "SegflowEngine", "SegflowRules", "SegflowClusters", "SegflowPipelineFile", "SegflowPublish", "SegflowModels",
                "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Synthetic shop data (personas, planted defects) for the CLI, tests and benchmarks; not in the library.
        // Uses the engine's quarantine reasons to label the defects it plants.
        .target(
            name: "SegflowGenerator",
            dependencies: [
                "SegflowEngine", "PostgresClient", "SegflowSQL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Customer-base models on the BTYD summary (BG/NBD, MBG/NBD, Gamma-Gamma): fits and predictions.
        // Nothing segflow-specific: it takes arrays and a Logger.
        .target(
            name: "SegflowModels",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // swift-prometheus as the swift-metrics backend, with help texts; textfile and Pushgateway export.
        .target(
            name: "PrometheusExport",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Subcommands; kept apart from the executable so they can be tested.
        .target(
            name: "SegflowCLI",
            dependencies: [
                "Segflow",
                "SegflowGenerator",
                "LocalPostgres",
                "PostgresClient",
                "PrometheusExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(name: "segflow", dependencies: ["SegflowCLI"]),
        // Runs every libpq owner path for `make leakcheck` (under valgrind).
        .executableTarget(
            name: "segflow-leakcheck",
            dependencies: ["PostgresClient", "LocalPostgres", .product(name: "Logging", package: "swift-log")],
            path: "Sources/LeakCheck"
        ),
        // `make bench`: side-by-side benchmarks, figures into BENCHMARKS.md.
        .executableTarget(
            name: "segflow-bench",
            dependencies: [
                "Segflow", "SegflowGenerator", "SegflowModels", "SegflowClusters", "PostgresClient", "LocalPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Bench"
        ),
        // Shared by every test target: the test cluster, the test logger, repository paths, fixtures.
        .target(
            name: "SegflowTestSupport",
            dependencies: [
                "Segflow", "SegflowGenerator", "LocalPostgres", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "SegflowTestSupport"]
        ),
        .testTarget(
            name: "SegflowModelsTests",
            dependencies: ["SegflowModels", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SegflowClustersTests", dependencies: ["SegflowClusters"]),
        .testTarget(name: "LocalPostgresTests", dependencies: ["LocalPostgres", "SegflowTestSupport"]),
        .testTarget(
            name: "PrometheusExportTests",
            dependencies: ["PrometheusExport", .product(name: "Metrics", package: "swift-metrics")]
        ),
        .testTarget(
            name: "SegflowTests",
            dependencies: [
                "Segflow", "SegflowEngine", "SegflowRules", "SegflowClusters", "SegflowPipelineFile", "SegflowPublish", "SegflowGenerator",
                "SegflowModels",
                "SegflowCLI", "SegflowTestSupport", "PostgresClient", "LocalPostgres", "PrometheusExport",
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The subcommands and the built executable, as a user runs them.
        .testTarget(
            name: "SegflowCLITests",
            dependencies: [
                "SegflowCLI", "Segflow", "SegflowPipelineFile", "SegflowPublish", "SegflowGenerator", "SegflowSQL",
                "SegflowTestSupport", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
