// swift-tools-version: 6.1
import PackageDescription

/// Spindle: a workflow framework whose centre is `spin` — run one step of a
/// real pipeline on the real artifacts of an earlier run, change it, run it
/// again, and see what changed. See docs/architecture.md for the module map.
let package = Package(
    name: "Spindle",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Spindle", targets: ["Spindle"]),
        .library(name: "SpindleValue", targets: ["SpindleValue"]),
        .library(name: "SpindleStore", targets: ["SpindleStore"]),
        .library(name: "SpindleS3", targets: ["SpindleS3"]),
        .library(name: "SpindlePostgres", targets: ["SpindlePostgres"]),
        .library(name: "SpindleLanguage", targets: ["SpindleLanguage"]),
        .library(name: "SpindleShell", targets: ["SpindleShell"]),
        .library(name: "SpindlePlot", targets: ["SpindlePlot"]),
        .library(name: "SpindleCards", targets: ["SpindleCards"]),
        .library(name: "SpindleUI", targets: ["SpindleUI"]),
        .executable(name: "spindle", targets: ["spindle"]),
        .executable(name: "HelloFlow", targets: ["HelloFlow"]),
        .executable(name: "RatingsFlow", targets: ["RatingsFlow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // Only the end-to-end tests name these (swift-sdk depends on them): its client's transport API uses them.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // spindle.toml, where a team names its shared stores.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: thin module maps over C libraries from Debian packages.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // libedit, opened with dlopen when the shell first reads from a terminal: no other process maps it.
        .target(
            name: "CLibEdit",
            exclude: ["README.md"],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // The calls the fork server needs that Swift cannot make: prctl, SCM_RIGHTS messages, close_range.
        .target(name: "CForkServer", exclude: ["README.md"]),
        // The client half of a flow binary's listening standby, run before the Swift runtime starts.
        .target(name: "CSpinStandby", dependencies: ["CForkServer"], exclude: ["README.md"]),
        // SHA-256 in C, with the x86 SHA extensions where the CPU has them.
        .target(name: "CSHA256", exclude: ["README.md"]),
        // libcurl, opened with dlopen on first use: the S3 client needs it, most task processes never do.
        .target(
            name: "CCurlLoader",
            exclude: ["README.md"],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),

        // The value layer: what every artifact is.
        .target(
            name: "SpindleValue",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            exclude: ["README.md"]
        ),
        // Charts drawn as text for the shell: line, scatter, histogram, heatmap, sparkline.
        .target(name: "SpindlePlot", dependencies: ["SpindleValue"], exclude: ["README.md"]),
        // Cards as one self-contained HTML page: components, SVG charts and the flow graph drawn in Swift.
        .target(name: "SpindleCards", dependencies: ["SpindleValue"], exclude: ["README.md"]),
        .target(
            name: "SpindleStore",
            dependencies: ["SpindleValue", "CSHA256", "CSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        .target(
            name: "SpindleLanguage",
            dependencies: ["SpindleValue", .product(name: "OrderedCollections", package: "swift-collections")],
            exclude: ["README.md"]
        ),
        .target(name: "SpindleFlow", dependencies: ["SpindleValue", "SpindleStore", "SpindlePostgres", "SpindleS3", "SpindleCards", "CForkServer", "CSpinStandby",
                                                    .product(name: "TOMLKit", package: "TOMLKit")], exclude: ["README.md"]),
        // The shared store's object storage: SigV4, an S3 client over libcurl (loaded with dlopen), S3BlobStore.
        .target(name: "SpindleS3", dependencies: ["SpindleStore", "SpindleValue", "CCurlLoader"], exclude: ["README.md"]),
        // libpq, loaded with dlopen only by processes that open a shared store.
        .target(name: "CPostgresLoader", exclude: ["README.md"], linkerSettings: [.linkedLibrary("dl")]),
        // The shared store's metadata in PostgreSQL.
        .target(name: "SpindlePostgres", dependencies: ["SpindleStore", "CPostgresLoader"], exclude: ["README.md"]),
        // The run browser (`spindle ui`): an HTTP server and its pages; linked into the spindle tool only.
        .target(name: "SpindleUI", dependencies: ["SpindleFlow", "SpindleStore", "SpindleValue", "SpindleCards"], exclude: ["README.md"]),
        .target(name: "SpindleShell", dependencies: ["SpindleLanguage", "SpindleFlow", "SpindlePlot", "SpindleCards", "CLibEdit"], exclude: ["README.md"]),
        .target(
            name: "SpindleMCP",
            dependencies: ["SpindleFlow", "SpindleLanguage", "SpindleCards", .product(name: "MCP", package: "swift-sdk")],
            exclude: ["README.md"]
        ),
        .target(
            name: "Spindle",
            dependencies: ["SpindleFlow", "SpindleShell", "SpindleLanguage", "SpindleCards",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]
        ),
        // The MCP server and the run browser are linked here only: flow binaries start once per task and stay lean.
        .executableTarget(name: "spindle", dependencies: ["Spindle", "SpindleMCP", "SpindleUI"], exclude: ["README.md"]),



        // Sample flows: real pipelines users can run, spin and read.
        .executableTarget(name: "HelloFlow", dependencies: ["Spindle"], path: "samples/HelloFlow"),
        .executableTarget(name: "RatingsFlow", dependencies: ["Spindle"], path: "samples/RatingsFlow"),

        // A flow that fails on purpose, for the end-to-end tests.
        .executableTarget(name: "FaultFlow", dependencies: ["Spindle"], path: "Tests/Fixtures/FaultFlow"),
        // A flow with every shape spin must address: nested foreach in a branch arm, merging joins.
        .executableTarget(name: "ShapesFlow", dependencies: ["Spindle"], path: "Tests/Fixtures/ShapesFlow"),
        // Cards of every kind with hostile strings, and a live card, for the run browser's tests.
        .executableTarget(name: "CardFlow", dependencies: ["Spindle"], path: "Tests/Fixtures/CardFlow"),
        // Every kind of artifact value, for the Python client's tests.
        .executableTarget(name: "ValuesFlow", dependencies: ["Spindle"], path: "Tests/Fixtures/ValuesFlow"),

        .testTarget(name: "SpindleValueTests", dependencies: ["SpindleValue"]),
        .testTarget(name: "SpindleStoreTests", dependencies: ["SpindleStore"]),
        .testTarget(name: "SpindlePlotTests", dependencies: ["SpindlePlot", "SpindleValue"]),
        .testTarget(name: "SpindleCardsTests", dependencies: ["SpindleCards"]),
        .testTarget(name: "SpindleLanguageTests", dependencies: ["SpindleLanguage"]),
        .testTarget(name: "SpindleFlowTests", dependencies: ["SpindleFlow", "SpindleStore", "SpindleValue"]),
        .testTarget(name: "SpindleTests", dependencies: ["Spindle", "SpindleShell"]),
        .testTarget(name: "SpindleMCPTests", dependencies: ["SpindleMCP"]),
        .testTarget(name: "SpindleS3Tests", dependencies: ["SpindleS3", "SpindleStore", "SpindleValue"]),
        .testTarget(name: "SpindlePostgresTests", dependencies: ["SpindlePostgres", "SpindleStore", "SpindleValue"]),
        .testTarget(name: "SpindleShellTests", dependencies: ["SpindleShell", "SpindleFlow", "SpindleStore", "SpindleValue"]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "SpindleStore", "SpindleValue", "SpindleLanguage", "SpindlePostgres", "SpindleS3", "SpindleFlow",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// A file sees the members other modules add to types only when it imports
// those modules itself: TOMLKit adds subscripts and properties to String,
// Dictionary and Array, which must not change what `values[key]` means in a
// file that never asked for TOML.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
