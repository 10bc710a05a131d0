import Foundation
import Testing
@testable import SpindleFlow

@Suite("ChildRegistry")
struct ChildRegistryTests {
    @Test("a child registered after killAll gets that signal at once: a stop that comes while a task starts still ends it")
    func lateChild() throws {
        let registry = ChildRegistry()
        registry.killAll(SIGTERM)
        let child = try ChildProcess.spawn("/bin/sleep", ["30"])
        registry.add(1, child)
        // waitpid without blocking, for at most 10 s: a child left running fails the test instead of holding it for 30 s.
        var status: Int32 = 0
        var ended = false
        for _ in 0..<1000 where !ended {
            ended = waitpid(child.pid, &status, WNOHANG) == child.pid
            if !ended { usleep(10_000) }
        }
        if !ended { child.kill(SIGKILL); _ = child.waitBlocking() }
        #expect(ended)
        #expect(status & 0x7f == SIGTERM)
    }
}
