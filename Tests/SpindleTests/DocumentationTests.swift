import Foundation
import Testing
@testable import SpindleShell

/// What the documentation shows is what the code is.
@Suite("Documentation")
struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README's flow is samples/RatingsFlow/main.swift, character for character")
    func readmeSample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let sample = try String(contentsOf: Self.root.appendingPathComponent("samples/RatingsFlow/main.swift"), encoding: .utf8)
        let start = try #require(readme.range(of: "```swift\n"))
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == sample)
    }

    @Test("docs/shell.md lists every shell command")
    func shellCommands() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/shell.md"), encoding: .utf8)
        for name in ShellSession.commandNames where name != "exit" && name != "quit" {
            #expect(doc.contains("| `\(name)"), "docs/shell.md does not list \(name)")
        }
    }
}
