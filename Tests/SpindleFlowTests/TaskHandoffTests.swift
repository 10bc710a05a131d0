import Foundation
import Synchronization
import Testing
@testable import SpindleFlow
import SpindleStore
import OrderedCollections
import SpindleValue

/// What a runtime and its forked task hand each other (``TaskHandoff``), and
/// how the runtime reads a task's pipe (``TaskEnd/Reading``): bytes that are
/// not exactly what was sent must read as nothing, never as other rows.
@Suite("A task's inputs handed over, and its rows handed back")
struct TaskHandoffTests {
    static let parent = Pathspec(flow: "F", run: .number(7), step: "start", task: 1)
    static let me = Pathspec(flow: "F", run: .number(7), step: "work", task: 4)

    static func record(_ name: String, task: Pathspec, own: Bool = true) -> ArtifactRecord {
        ArtifactRecord(name: name, hash: String(repeating: "ab", count: 32), type: "[Int]", size: 120,
                       summary: "[1, 2, 3] — é", isOwn: own, task: task)
    }

    static let inputs = TaskHandoff.Inputs(
        pathspec: me, parameters: .object(["rate": .double(0.5), "name": .string("a\u{0}b")]),
        splits: [SplitFrame(step: "start", index: 3, count: 50)],
        parents: [.init(pathspec: parent, artifacts: [record("items", task: parent), record("seed", task: parent, own: false)])])

    static let outcome = TaskHandoff.Outcome(artifacts: [record("square", task: me), record("items", task: me, own: false)],
                                             foreachCount: nil, parametersRead: ["rate"])

    @Test("inputs and outcomes survive encoding: a NUL in a parameter, non-ASCII summaries, carried rows, a foreach count")
    func roundTrip() {
        #expect(TaskHandoff.Inputs(decoding: Self.inputs.encoded) == Self.inputs)
        #expect(TaskHandoff.Outcome(decoding: Self.outcome.encoded, task: Self.me) == Self.outcome)
        var counted = Self.outcome
        counted.foreachCount = 50
        counted.parametersRead = []
        #expect(TaskHandoff.Outcome(decoding: counted.encoded, task: Self.me) == counted)
        let first = TaskHandoff.Inputs(pathspec: Pathspec(flow: "F", run: .number(1), step: "start", task: 1),
                                       parameters: .object([:]), splits: [], parents: [])
        #expect(TaskHandoff.Inputs(decoding: first.encoded) == first)
    }

    @Test("a parent's size, as the runtime adds it up before building inputs, is the bytes its encoding takes")
    func parentSize() {
        var none = Self.inputs
        none.parents = []
        #expect(Self.inputs.encoded.count - none.encoded.count == Self.inputs.parents.map(\.encodedSize).reduce(0, +))
    }

    @Test("damaged inputs are refused: cut short anywhere, a byte more, a pathspec that is not a task's")
    func damagedInputs() {
        let bytes = Self.inputs.encoded
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(TaskHandoff.Inputs(decoding: Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(TaskHandoff.Inputs(decoding: bytes + [0]) == nil)
        var notATask = Self.inputs
        notATask.pathspec = Pathspec(flow: "F", run: .number(7), step: "work", task: nil)
        #expect(TaskHandoff.Inputs(decoding: notATask.encoded) == nil)
    }

    @Test("damaged outcomes are refused: cut short anywhere, a byte more, an 'own' flag that is neither 0 nor 1")
    func damagedOutcomes() {
        let bytes = Self.outcome.encoded
        for cut in 0..<bytes.count {
            #expect(TaskHandoff.Outcome(decoding: Array(bytes.prefix(cut)), task: Self.me) == nil, "cut at \(cut)")
        }
        #expect(TaskHandoff.Outcome(decoding: bytes + [1], task: Self.me) == nil)
        var w = HandoffWriter()
        w.int(1)
        for field in ["x", "h", "Int"] { w.string(field) }
        w.int(3)
        w.string("3")
        w.int(2)  // own: not a flag
        w.optionalInt(nil)
        w.int(0)
        #expect(TaskHandoff.Outcome(decoding: w.bytes, task: Self.me) == nil)
    }

    /// Bytes a task's pipe carries, in the chunks they come in; what the runtime reads from them.
    static let pipes: [([String], Int32?, String?, Bool)] = [
        (["ended 0\n"], 0, nil, true),
        (["outcome 5\nhello", "ended 0\n"], 0, "hello", true),
        (["outc", "ome 5\nhel", "loend", "ed 3\n"], 3, "hello", true),
        (["outcome 5\nhello\nended 0\n"], nil, nil, true),
        (["outcome 0\nended 0\n"], 0, "", true),
        (["outcome 5\nhello"], nil, nil, false),
        (["outcome 5\nhelloended 0\n"], 0, "hello", true),
        (["outcome -1\nended 0\n"], nil, nil, true),
        (["outcome \(TaskHandoff.largestOutcome + 1)\n"], nil, nil, true),
        (["outcome 1\nxoutcome 1\nyended 0\n"], nil, nil, true),
        (["something else\nended 0\n"], nil, nil, true),
        ([String(repeating: "x", count: 65)], nil, nil, true),
        (["ended 256\n"], nil, nil, true),
    ]

    @Test("the runtime reads an outcome, then the exit code; anything else is damage and hands nothing over", arguments: pipes)
    func reading(_ chunks: [String], _ code: Int32?, _ outcome: String?, _ done: Bool) {
        var reading = TaskEnd.Reading()
        var finished = false
        for chunk in chunks where !finished {
            finished = reading.take(ArraySlice(Array(chunk.utf8)))
        }
        #expect(reading.code == code)
        #expect(reading.outcome.map { String(decoding: $0, as: UTF8.self) } == outcome)
        #expect(finished == done)
    }

    @Test("a task hands its rows over on its pipe, in full however large, and the runtime reads them back")
    func throughAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        var big = Self.outcome
        big.artifacts = (0..<2000).map { Self.record("a\($0)", task: Self.me) }
        // The task's side writes on a thread of its own, several times a pipe's buffer, so it
        // waits for the reader below. Not a Swift task: the test pool has as many threads as
        // cores (two here), and a write that waits for a reader queued on that pool held one of
        // them for minutes in a full run, starving every other test.
        let writeEnd = fds[1], payload = big.encoded
        let handed = Mutex<Bool?>(nil)
        Thread.detachNewThread {
            let ok = TaskEnd.handOver(payload, to: writeEnd)
            handed.withLock { $0 = ok }  // before the line the reader stops at
            _ = FileIO.writeAll(writeEnd, "ended 0\n")
            close(writeEnd)
        }
        var reading = TaskEnd.Reading()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n <= 0 || reading.take(buffer[0..<n]) { break }
        }
        close(fds[0])
        #expect(handed.withLock { $0 } == true)
        #expect(reading.code == 0)
        #expect(reading.outcome.flatMap { TaskHandoff.Outcome(decoding: $0, task: Self.me) } == big)
    }

    @Test("a task whose runtime has gone cannot hand its rows over, and is not killed for trying: no SIGPIPE is left pending, the handler is as it was")
    func runtimeGone() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        var before = sigaction(), after = sigaction()
        sigaction(SIGPIPE, nil, &before)
        #expect(!TaskEnd.handOver(Self.outcome.encoded, to: fds[1]))
        sigaction(SIGPIPE, nil, &after)
        var pending = sigset_t()
        sigpending(&pending)
        #expect(sigismember(&pending, SIGPIPE) == 0)
        #expect(unsafeBitCast(before.__sigaction_handler, to: Int.self) == unsafeBitCast(after.__sigaction_handler, to: Int.self))
        var mask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        #expect(sigismember(&mask, SIGPIPE) == 0, "SIGPIPE is unblocked again")
        close(fds[1])
        #expect(!TaskEnd.handOver(Self.outcome.encoded, to: -1))
    }

    @Test("inputs with a damaged split frame, a parent that is not a task, or a string that is not UTF-8 are refused")
    func strictInputs() {
        var w = HandoffWriter()
        w.string(Self.me.description)
        w.blob(ArtifactCodec.encode(.object([:])))
        w.string("start:x:50")
        w.int(0)
        #expect(TaskHandoff.Inputs(decoding: w.bytes) == nil, "a split frame that does not parse")
        var parentless = Self.inputs
        parentless.parents = [.init(pathspec: Pathspec(flow: "F", run: .number(7), step: "start", task: nil), artifacts: [])]
        #expect(TaskHandoff.Inputs(decoding: parentless.encoded) == nil, "a parent that is not a task")
        var bad = HandoffWriter()
        bad.int(1)
        bad.blob([0xFF, 0xFE])
        for field in ["h", "Int"] { bad.string(field) }
        bad.int(3)
        bad.string("3")
        bad.int(1)
        bad.optionalInt(nil)
        bad.int(0)
        #expect(TaskHandoff.Outcome(decoding: bad.bytes, task: Self.me) == nil, "a name that is not UTF-8")
    }
}
