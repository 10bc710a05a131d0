// swift-tools-version: 6.1
import PackageDescription

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
        .executableTarget(
            name: "ValueCodec",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpindleValue", package: "Spindle"),
            ],
            path: "Benchmarks/ValueCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BlobNaming",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpindleStore", package: "Spindle"),
            ],
            path: "Benchmarks/BlobNaming",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreListing",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpindleStore", package: "Spindle"),
            ],
            path: "Benchmarks/StoreListing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreArtifacts",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpindleStore", package: "Spindle"),
                .product(name: "SpindleValue", package: "Spindle"),
            ],
            path: "Benchmarks/StoreArtifacts",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Language",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpindleLanguage", package: "Spindle"),
            ],
            path: "Benchmarks/Language",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Flows timed whole by bench/compare-metaflow against their Metaflow twins.
        .executableTarget(name: "BenchLinear", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchLinear"),
        .executableTarget(name: "BenchShell", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchShell"),
        .executableTarget(name: "BenchForeach", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchForeach"),
        .executableTarget(name: "BenchArray", dependencies: [.product(name: "Spindle", package: "Spindle")], path: "Flows/BenchArray"),
    ],
    swiftLanguageModes: [.v6]
)
