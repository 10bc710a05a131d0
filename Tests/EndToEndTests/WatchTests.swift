import Foundation
import Synchronization
import Testing

/// The repository this test runs in: the fixture flow depends on it by path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A flow package of its own, outside this repository's build, so that
/// `watch` can rebuild it while `swift test` holds this package's build lock.
struct WatchFixture {
    let root: URL
    var flowFile: URL { root.appendingPathComponent("Sources/WatchFlow/main.swift") }
    var binary: String { root.appendingPathComponent(".build/debug/WatchFlow").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: flowFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        // swift-tools-version: 6.1
        import PackageDescription
        let package = Package(
            name: "WatchFixture",
            platforms: [.macOS(.v14)],
            dependencies: [.package(name: "Spindle", path: "\(repositoryRoot.path)")],
            targets: [.executableTarget(name: "WatchFlow", dependencies: [.product(name: "Spindle", package: "Spindle")])]
        )
        """.write(to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try write(factor: "10")
    }

    /// Writes the flow with `end` computing `y = x * FACTOR`, dated after the binary.
    func write(factor: String, at date: Date = Date()) throws {
        try """
        import Spindle

        let flow = Flow("WatchFlow") {
            Step("start", next: .to("end")) { task in
                task["x"] = 4
            }
            Step("end") { task in
                let x: Int = try task.artifact("x")
                task["y"] = x * \(factor)
            }
        }

        Spindle.main(flow)
        """.write(to: flowFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: flowFile.path)
    }

    func build() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "build", "--product", "WatchFlow"]
        p.currentDirectoryURL = root
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.runSerialized()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw SupportError("fixture build failed: \(String(decoding: out, as: UTF8.self))") }
    }
}

/// A process whose output is collected as it arrives.
final class Watched: @unchecked Sendable {
    final class Text: Sendable { let value = Mutex("") }
    let process = Process()
    private let text = Text()

    init(_ binary: String, _ arguments: [String], directory: URL) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "SPINDLE_STORE")
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [text] h in
            let d = h.availableData
            if !d.isEmpty { text.value.withLock { $0 += String(decoding: d, as: UTF8.self) } }
        }
        try process.runSerialized()
    }

    var output: String { text.value.withLock { $0 } }

    /// Waits until the output holds `needle` `times` times; false after `seconds`.
    func waitFor(_ needle: String, times: Int = 1, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if output.components(separatedBy: needle).count - 1 >= times { return true }
            if !process.isRunning { usleep(200_000); return output.components(separatedBy: needle).count - 1 >= times }
            usleep(50_000)
        }
        return false
    }
}

@Suite("Watch")
struct WatchTests {
    @Test("saving the flow rebuilds it and spins again; a broken save shows the compiler and waits", .timeLimit(.minutes(15)))
    func respinsOnSave() async throws {
        let fixture = try WatchFixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        // The fixture builds Spindle and its dependencies afresh: minutes, waited for off the test pool.
        try await offPool { try fixture.build() }
        let box = try Sandbox()
        let first = try Watched(fixture.binary, ["run"], directory: box.dir)
        try await offPool { first.process.waitUntilExit() }
        #expect(first.process.terminationStatus == 0, "\(first.output)")

        let watch = try Watched(fixture.binary, ["watch", "end", "--interval", "100", "--max-spins", "2"], directory: box.dir)
        defer { if watch.process.isRunning { watch.process.terminate() } }
        let spun = try await offPool { watch.waitFor("✓ WatchFlow/spin-1/end/1 completed", seconds: 60) }
        #expect(spun, "\(watch.output)")

        // A save that does not compile: the compiler's words, and the watch goes on.
        try fixture.write(factor: "10 +", at: Date().addingTimeInterval(2))
        let failed = try await offPool { watch.waitFor("the build failed; waiting for the next save", seconds: 300) }
        #expect(failed, "\(watch.output)")
        #expect(watch.output.contains("error:"))

        // A good save: rebuilt, spun, and compared with the previous spin.
        try fixture.write(factor: "20", at: Date().addingTimeInterval(4))
        let stopped = try await offPool { () -> Bool in
            let said = watch.waitFor("stopped watching", seconds: 300)
            watch.process.waitUntilExit()
            return said
        }
        #expect(stopped, "\(watch.output)")
        #expect(watch.process.terminationStatus == 0)
        let out = watch.output
        #expect(out.contains("saved: rebuilding WatchFlow…"))
        #expect(out.contains("✓ WatchFlow/spin-2/end/1 completed"), "\(out)")
        #expect(out.contains("against the previous spin (WatchFlow/spin-1/end/1):"), "\(out)")
        #expect(out.contains("~ y: 40 → 80"), "\(out)")
    }
}
