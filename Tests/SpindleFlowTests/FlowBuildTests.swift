import Foundation
import Testing
@testable import SpindleFlow

/// A tiny package with one executable and no dependencies, built for real.
func tinyPackage(message: String) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-tiny-\(UUID().uuidString)")
    let src = root.appendingPathComponent("Sources/Tiny")
    try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
    try """
    // swift-tools-version: 6.0
    import PackageDescription
    let package = Package(name: "Tiny", targets: [.executableTarget(name: "Tiny")])
    """.write(to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    try "print(\"\(message)\")\n".write(to: src.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
    return root
}

func output(of binary: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite("Rebuilding a flow whose sources changed")
struct FlowBuildTests {
    @Test("a changed source is detected, rebuilt, and a broken one shows the compiler's output", .timeLimit(.minutes(10)))
    func rebuild() throws {
        let root = try tinyPackage(message: "one")
        let main = root.appendingPathComponent("Sources/Tiny/main.swift").path
        let scratch = root.appendingPathComponent(".build")
        let binary = scratch.appendingPathComponent("debug/Tiny").path
        // The first build, as a user's `swift build` would make it.
        let first = FlowBuild(binary: binary, packageRoot: root, product: "Tiny", configuration: "debug", scratchPath: scratch,
                              sourceFolders: [root.appendingPathComponent("Sources"), root.appendingPathComponent("Package.swift")])
        try first.rebuild()
        let built = try #require(FlowBuild.locate(binary: binary, flowFile: main))
        #expect(built.packageRoot.standardizedFileURL.path == root.standardizedFileURL.path)
        #expect(built.product == "Tiny")
        #expect(built.configuration == "debug")
        #expect(!built.isStale())
        #expect(try output(of: built.binary) == "one\n")

        // Edit the source a moment later: stale, and the rebuild runs the new code.
        let later = Date().addingTimeInterval(2)
        try "print(\"two\")\n".write(toFile: main, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: main)
        #expect(built.isStale())
        try built.rebuild()
        #expect(try output(of: built.binary) == "two\n")

        // A change that needs no relink (Package.swift touched): one rebuild, then up to date.
        // Judged by the binary's time alone, every later spin rebuilt again.
        let package = root.appendingPathComponent("Package.swift").path
        let binaryTime = try #require(try FileManager.default.attributesOfItem(atPath: built.binary)[.modificationDate] as? Date)
        try FileManager.default.setAttributes([.modificationDate: binaryTime.addingTimeInterval(-10)], ofItemAtPath: main)
        try FileManager.default.setAttributes([.modificationDate: binaryTime.addingTimeInterval(0.001)], ofItemAtPath: package)
        #expect(built.isStale())
        try built.rebuild()
        #expect(!built.isStale())
        #expect(try FileManager.default.attributesOfItem(atPath: built.binary)[.modificationDate] as? Date == binaryTime)

        // A syntax error: the build fails with the compiler's words, and the old binary stays.
        try "print(\"three\"\n".write(toFile: main, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later.addingTimeInterval(2)], ofItemAtPath: main)
        let failure = #expect(throws: FlowBuild.Failure.self) { try built.rebuild() }
        #expect(failure?.output.contains("main.swift") == true)
        #expect(failure?.output.contains("error") == true)
        #expect(try output(of: built.binary) == "two\n")
    }

    @Test("the newest source is the newest .swift file or Package.swift; hidden folders, .build and other files do not count")
    func newestSource() throws {
        let root = try tinyPackage(message: "hi")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        func write(_ path: String, at seconds: Int) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "// \(path)\n".write(to: url, atomically: true, encoding: .utf8)
            var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        }
        try write("Package.swift", at: 1_000)
        try write("Sources/Tiny/main.swift", at: 2_000)
        try write("Sources/Tiny/Deep/Deeper/step.swift", at: 3_000)
        // None of these count, however new.
        try write("Sources/Tiny/.hidden/new.swift", at: 9_000)
        try write("Sources/.build/debug/generated.swift", at: 9_000)
        try write("Sources/Tiny/notes.txt", at: 9_000)
        let build = try #require(FlowBuild.locate(binary: root.appendingPathComponent(".build/debug/Tiny").path,
                                                 flowFile: root.appendingPathComponent("Sources/Tiny/main.swift").path))
        #expect(build.newestSource() == Date(timeIntervalSince1970: 3_000))
        try write("Package.swift", at: 4_000)
        #expect(build.newestSource() == Date(timeIntervalSince1970: 4_000))
    }

    @Test("a binary without sources nearby is not rebuilt")
    func noSources() {
        #expect(FlowBuild.locate(binary: "/usr/bin/true", flowFile: "/nonexistent/Flow.swift") == nil)
    }
}
