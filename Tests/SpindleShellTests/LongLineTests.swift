import Foundation
import Synchronization
import Testing
@testable import SpindleShell
import SpindleLanguage

/// Hands a session to another thread; the caller waits, so only one thread uses it at a time.
final class SessionBox: @unchecked Sendable {
    let session: ShellSession
    init(_ session: ShellSession) { self.session = session }
}

/// Runs `body` on a thread with a 512 KiB stack, a secondary thread's size, and returns its result.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let value = body()
        result.withLock { $0 = value }
        done.signal()
    }
    thread.stackSize = 512 * 1024
    thread.start()
    done.wait()
    return result.withLock { $0! }
}

@Suite("Long lines in the shell (issue 15)")
struct LongLineTests {
    static let tooDeep = "expression nested too deeply (more than \(Parser.maxDepth) levels)"

    /// Six chains of 50 000 terms: 1 + 1 + …, 2 * 1 * …, true && …, "a" + "a" + …, weights.a.a …, groups[0][0] ….
    static let chains: [(first: String, next: String)] = [
        ("1", " + 1"), ("2", " * 1"), ("true", " && true"), ("\"a\"", " + \"a\""), ("config", ".a"), ("groups", "[0]"),
    ]

    @Test("a chain of 50 000 terms, typed or assigned, fails with the nesting error under its column, drawn short; the shell carries on",
          arguments: 0..<6)
    func chains(index: Int) async throws {
        let (first, next) = Self.chains[index]
        let box = SessionBox(try await shellSession())
        _ = box.session.run("focus score 1")
        for line in [first + String(repeating: next, count: 49_999), "y = " + first + String(repeating: next, count: 49_999)] {
            let r = onSmallStack { box.session.run(line) }
            #expect(!r.ok)
            #expect(r.text.contains("^ " + Self.tooDeep), "\(r.text.prefix(300))")
            // The line is shown as a window around the caret, not 200 000 characters and as many spaces.
            #expect(r.text.count < 400)
            let rows = r.text.split(separator: "\n").map(String.init)
            #expect(rows.count == 2)
            if rows.count == 2 {
                // Under the caret is the operator (or bracket) that is one level too deep.
                let caret = rows[1].distance(from: rows[1].startIndex, to: rows[1].firstIndex(of: "^")!)
                let at = rows[0][rows[0].index(rows[0].startIndex, offsetBy: caret)...]
                let op = next.trimmingCharacters(in: .whitespaces).prefix(next.hasPrefix(" && ") ? 2 : 1)
                #expect(at.hasPrefix(op), "\(rows)")
            }
        }
        #expect(!box.session.run("y").ok)
        #expect(box.session.run("1 + 1").text == "2\n")
    }

    @Test("Tab after a member chain of 50 000 levels offers nothing, and does not crash")
    func completion() async throws {
        let box = SessionBox(try await shellSession())
        _ = box.session.run("focus score 1")
        let word = "config" + String(repeating: ".a", count: 50_000) + "."
        let offered = onSmallStack { box.session.completions(line: word, word: word, start: 0) }
        #expect(offered.isEmpty)
        #expect(box.session.completions(line: "config.na", word: "config.na", start: 0) == ["config.name"])
    }

    @Test("a line longer than the limit is refused with its length")
    func lineLimit() async throws {
        let s = try await shellSession()
        let r = s.run(String(repeating: "1+", count: Parser.maxLineLength / 2) + "1")
        #expect(!r.ok)
        #expect(r.text.contains("^ the line is 1 048 577 characters long; the most a line can have is 1 048 576"))
    }

    @Test("an interrupted line assigns nothing and says so; the next line runs")
    func interrupted() async throws {
        let s = try await shellSession()
        s.interruption = Interruption { true }
        let r = s.run("z = range(1000)")
        #expect(!r.ok)
        #expect(r.text == "error: interrupted (Ctrl-C): nothing was assigned\n")
        #expect(!s.run("z").ok)
        #expect(!s.run("range(5)").ok)
        s.interruption = .never
        #expect(s.run("z = range(3)").text == "z = [Int] [0, 1, 2]\n")
    }

    @Test("Ctrl-C from another thread while z = range(100000000) runs stops it; z stays unassigned")
    func interruptedFromAnotherThread() async throws {
        let s = try await shellSession()
        let pressed = Atomic<Bool>(false)
        s.interruption = Interruption { pressed.load(ordering: .relaxed) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { pressed.store(true, ordering: .relaxed) }
        let started = Date()
        let r = s.run("z = range(100000000) + 1")
        #expect(!r.ok)
        #expect(r.text.contains("interrupted"))
        // Uninterrupted, the line takes tens of seconds in a debug build; interrupted, the next stride notices.
        #expect(Date().timeIntervalSince(started) < 10)
        s.interruption = .never
        #expect(s.run("z").text.contains("no command or variable 'z'"))
    }
}
