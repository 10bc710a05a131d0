import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore

/// The line a standby's spin ends with (``SpinEnd``): the shell takes the
/// spin as over when it reads one, so anything else must read as nothing
/// (and the shell then waits for the process to be gone).
@Suite("How a standby's spin says it ended")
struct SpinEndTests {
    /// A line, and the exit code, CPU seconds and peak bytes it says (nil: not a line the shell reads).
    static let lines: [(String, Int32?, Double, Int)] = [
        ("ended 0 1500 26214400\n", 0, 0.0015, 26_214_400),
        ("ended 3 0 0", 3, 0, 0),
        ("ended 130 2000000 1024\n", 130, 2, 1024),
        ("", nil, 0, 0),
        ("ended 0 1500\n", nil, 0, 0),
        ("ended -1 1500 10\n", nil, 0, 0),
        ("ended 256 1500 10\n", nil, 0, 0),
        ("ended 0 -5 10\n", nil, 0, 0),
        ("finished 0 1 1\n", nil, 0, 0),
        ("ended 0 1 1 extra\n", nil, 0, 0),
        ("ended zero 1 1\n", nil, 0, 0),
    ]

    @Test("a line the shell reads, and lines it does not", arguments: lines)
    func parse(_ line: String, _ code: Int32?, _ cpu: Double, _ peak: Int) {
        #expect(SpinEnd.parse(line) == code.map { ended($0, cpu, peak) })
    }

    @Test("read from a pipe: the line up to the pipe's end; a pipe closed with nothing on it says nothing")
    func read() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = FileIO.writeAll(fds[1], "ended 1 20 30\n")
        close(fds[1])
        #expect(SpinEnd.read(from: fds[0]) == ended(1, 0.00002, 30))
        close(fds[0])
        #expect(pipe(&fds) == 0)
        close(fds[1])
        #expect(SpinEnd.read(from: fds[0]) == nil)
        close(fds[0])
    }
}

private func ended(_ code: Int32, _ cpu: Double, _ peak: Int) -> SpindleFlow.ExitStatus {
    var status = SpindleFlow.ExitStatus(code: code, signal: nil)
    status.usage = ResourceUsage(cpuSeconds: cpu, peakMemoryBytes: peak)
    return status
}
