import Foundation
import Testing

/// The Python client (python/) is a second, independent reader of the store
/// and the artifact format; its pytest suite runs against stores the Swift
/// flows write. `swift test` runs it, so one command tests both sides.
@Suite("The Python client")
struct PythonClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("pytest passes against stores the Swift flows wrote", .timeLimit(.minutes(10)))
    func pytest() async throws {
        // SPINDLE_PYTHON names a Python with numpy and pytest (scripts/test makes a venv); else python3.
        let python = ProcessInfo.processInfo.environment["SPINDLE_PYTHON"] ?? "python3"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", Self.root.appendingPathComponent("python/tests").path]
        var env = ProcessInfo.processInfo.environment
        env["SPINDLE_BIN"] = productsDirectory.path
        env["PYTHONPATH"] = Self.root.appendingPathComponent("python").path
        env.removeValue(forKey: "SPINDLE_STORE")
        p.environment = env
        p.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        // Waited for off the test pool: pytest takes tens of seconds, and a pool thread
        // blocked that long starves the async tests (two cores, two threads).
        let text: String = try await withCheckedThrowingContinuation { done in
            Thread.detachNewThread {
                do {
                    try p.runSerialized()
                    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    p.waitUntilExit()
                    done.resume(returning: text)
                } catch {
                    done.resume(throwing: error)
                }
            }
        }
        if text.contains("No module named pytest") || text.contains("No module named 'numpy'") {
            Issue.record("the Python client's tests need numpy and pytest: run scripts/test (it makes a venv), or pip install numpy pytest\n\(text)")
            return
        }
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains(" passed"), "\(text)")
        print(text.split(separator: "\n").last.map(String.init) ?? "")
    }
}
