// swift-tools-version: 6.1
import PackageDescription

/// A harness target in `Benchmarks/NAME`, linked with the Spindle products it measures.
func benchmark(_ name: String, using products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: "Spindle") },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

/// Spindle's benchmarks, kept in their own package so that the main build and
/// its tests (what CI runs) never compile the benchmark harness.
///
/// Run: `cd Benchmarks && swift package --disable-sandbox benchmark --no-progress`
let package = Package(
    name: "SpindleBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Spindle", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmark("ValueCodec", using: ["SpindleValue"]),
        benchmark("BlobNaming", using: ["SpindleStore"]),
        benchmark("StoreListing", using: ["SpindleStore"]),
        benchmark("StoreArtifacts", using: ["SpindleStore", "SpindleValue"]),
        benchmark("Language", using: ["SpindleLanguage"]),
        // Flows timed whole by Benchmarks/compare-metaflow against their Metaflow twins.
        .executableTarget(name: "BenchLinear", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchLinear"),
        .executableTarget(name: "BenchShell", dependencies: [.product(name: "Spindle", package: "Spindle"), .product(name: "SpindleUI", package: "Spindle")], path: "Flows/BenchShell"),
        .executableTarget(name: "BenchForeach", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchForeach"),
        .executableTarget(name: "BenchArray", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchArray"),
        // S3BlobStore against curl moving the same 100 MB object (Benchmarks/s3-throughput/run).
        .executableTarget(
            name: "S3Throughput",
            dependencies: ["SpindleS3", "SpindleStore", "SpindleValue"].map { .product(name: $0, package: "Spindle") },
            path: "s3-throughput",
            exclude: ["README.md", "run"]
        ),
        // Cards and the run browser: a default card's render and save, the runs page of a big store (Benchmarks/cards/run).
        .executableTarget(
            name: "CardSpeed",
            dependencies: ["Spindle", "SpindleUI"].map { .product(name: $0, package: "Spindle") },
            path: "cards",
            exclude: ["README.md", "run"]
        ),
        // The shell's charts of 10 million doubles (Benchmarks/plots/run).
        .executableTarget(
            name: "PlotSpeed",
            dependencies: ["SpindlePlot", "SpindleValue"].map { .product(name: $0, package: "Spindle") },
            path: "plots",
            exclude: ["README.md", "run"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
