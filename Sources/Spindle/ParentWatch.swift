import Foundation

/// Makes a command that another program started end when that program does.
///
/// The MCP server starts `FLOW spin …` with `SPINDLE_PARENT_PID` set to its
/// own pid. If the server dies without stopping the spin (killed with
/// SIGKILL, say), the spin would be re-parented and run on; instead a thread
/// checks every 100 ms that the parent is still this process's parent and,
/// once it is not, sends this process SIGTERM, which a spin handles as it
/// does Ctrl-C: it ends its task and records itself cancelled.
///
/// Not `PR_SET_PDEATHSIG`: Linux sends that signal when the *thread* that
/// started the child ends, not the process, and Swift cannot call the
/// variadic `prctl`; a poll of `getppid()` has neither problem.
func endWithParent() {
    // getenv, not ProcessInfo: its first use copies the environment (a standby's spin paid it).
    guard let text = getenv("SPINDLE_PARENT_PID").map({ String(cString: $0) }), let parent = pid_t(text) else { return }
    Thread.detachNewThread {
        while getppid() == parent { usleep(100_000) }
        kill(getpid(), SIGTERM)
    }
}
