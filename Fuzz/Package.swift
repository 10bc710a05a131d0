// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for the parts of Spindle that read untrusted text or
/// bytes. Kept out of the main package: they only link with
/// `--sanitize fuzzer`, which `scripts/fuzz` passes. See Fuzz/README.md.
let package = Package(
    name: "SpindleFuzz",
    dependencies: [.package(name: "Spindle", path: "..")],
    targets: [
        .executableTarget(name: "FuzzCodec", dependencies: [.product(name: "SpindleValue", package: "Spindle")]),
        .executableTarget(name: "FuzzLanguage", dependencies: [
            .product(name: "SpindleLanguage", package: "Spindle"),
            .product(name: "SpindleValue", package: "Spindle"),
        ]),
        .executableTarget(name: "FuzzTranscript", dependencies: [.product(name: "SpindleShell", package: "Spindle")]),
        .executableTarget(name: "FuzzPathspec", dependencies: [.product(name: "SpindleStore", package: "Spindle")]),
    ],
    swiftLanguageModes: [.v6]
)
