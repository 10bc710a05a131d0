import Foundation
import Testing
@testable import SpindleFlow

@Suite("ChildWatch")
struct ChildWatchTests {
    @Test("a child's lines, exit status and log tail come from one watcher, also when it never ends a line")
    func linesAndStatus() async throws {
        let child = try ChildProcess.spawn("/bin/sh", ["-c", "echo one; echo two >&2; printf three; exit 3"])
        let lines = LineCollector()
        let watch = ChildWatch(child, logLimit: 1 << 16) { text, isError in lines.append((isError ? "err: " : "out: ") + text) }
        #expect(await watch.exited() == ExitStatus(code: 3, signal: nil))
        let (out, err) = await watch.output()
        #expect(out.text == "one\nthree")
        #expect(err.text == "two\n")
        #expect(Set(lines.text.split(separator: "\n")) == ["out: one", "err: two", "out: three"])
    }

    @Test("the log keeps the last bytes of a flood and says it was cut")
    func flood() async throws {
        let child = try ChildProcess.spawn("/bin/sh", ["-c", "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done"])
        let watch = ChildWatch(child, logLimit: 1000) { _, _ in }
        #expect(await watch.exited().succeeded)
        let (out, _) = await watch.output()
        #expect(out.wasTruncated)
        #expect(out.text.utf8.count == 1000)
        #expect(out.text.hasSuffix("line-2999\n"))
    }

    @Test("what a task leaves in its process group is reaped by the subreaper, not left a zombie")
    func leftoversReaped() async throws {
        // As the runtime does before it starts a fork server.
        #expect(ForkServerClient.becomeSubreaper())
        let child = try ChildProcess.spawn("/bin/sh", ["-c", "sleep 30 & echo started"])
        let watch = ChildWatch(child, logLimit: 1 << 16) { _, _ in }
        #expect(await watch.exited().succeeded)
        child.kill(SIGKILL)  // as TaskLauncher does once the task has ended
        let (out, _) = await watch.output()
        #expect(out.text == "started\n")
        // The output is handed over as soon as the pipes close; the watcher reaps what is left just
        // after (it waits up to 50 ms for the kill to land): look for a while, never reaping here.
        var left = true
        for _ in 0..<200 where left {
            var info = siginfo_t()
            left = waitid(P_PGID, id_t(child.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
            if left { usleep(10_000) }
        }
        #expect(!left, "a child of the group is left unreaped")
    }
}
