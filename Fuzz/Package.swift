// swift-tools-version:6.0
// libFuzzer targets for segflow (`make fuzz`). A package of its own so that the main
// package's `swift build` never sees them: they have no `main` (libFuzzer supplies it) and
// only link with `-sanitize=fuzzer`.
import PackageDescription

let package = Package(
    name: "segflow-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "segflow", path: "..")],
    targets: [
        // libFuzzer's driver, declared for the targets' entry points.
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        // Binary COPY streams: the decoder and every typed accessor of the rows it yields.
        .executableTarget(
            name: "fuzz-copy-decoder",
            dependencies: ["FuzzDriver", .product(name: "PostgresClient", package: "segflow")],
            path: "Sources/FuzzCopyDecoder"
        ),
        // Rule text: lexer, parser and type checker (RuleExpression).
        .executableTarget(
            name: "fuzz-expression",
            dependencies: ["FuzzDriver", .product(name: "Segflow", package: "segflow")],
            path: "Sources/FuzzExpression"
        ),
        // Pipeline files: YAML, every section's reader and validation.
        .executableTarget(
            name: "fuzz-pipeline-file",
            dependencies: ["FuzzDriver", .product(name: "Segflow", package: "segflow")],
            path: "Sources/FuzzPipelineFile"
        ),
    ],
    swiftLanguageModes: [.v6]
)
