import Foundation
import Testing
import SpindleStore

@Suite("The notebook shell, end to end: post-mortem, spins by number, the debugger")
struct NotebookEndToEndTests {
    @Test("a crashed task's post-mortem: failed lists it, focus makes 'error' with the backtrace, spin retries it", arguments: ["fatal", "throw"])
    func postMortem(mode: String) async throws {
        let box = try Sandbox()
        // Swift's backtracer can take longer than the step's 1 s timeout on a loaded machine.
        let run = try box.run("FaultFlow", ["run"], environment: ["FAULT_MODE": mode, "FAULT_TIMEOUT": "60"])
        #expect(run.status != 0)
        let script = """
        load 1
        failed
        focus left
        error.exit
        error.message
        len(error.backtrace) > 0
        error.backtrace[0:3]
        error.log
        spin
        out.left_sum
        """
        // The spin runs without FAULT_MODE: the step is "fixed", and the retry completes.
        let out = try box.runWithInput("FaultFlow", ["shell", "--keep-going"], input: script)
        #expect(out.stdout.contains("loaded FaultFlow/1 (failed, started"), "\(out.output)")
        #expect(out.stdout.contains("1 task failed: failed lists them, focus one for a post-mortem"))
        #expect(out.stdout.contains("  FaultFlow/1/left/2  attempt 1  "), "\(out.output)")
        #expect(out.stdout.contains("this task failed: "))
        if mode == "fatal" {
            #expect(out.stdout.contains("\"was killed by signal 4 (SIGILL, a Swift runtime trap such as fatalError)\""), "\(out.output)")
            #expect(out.stdout.contains("\ntrue\n"), "\(out.output)")
            // The crashed thread's frames name the step's own line.
            #expect(out.stdout.contains("FaultFlow/main.swift:39"), "\(out.output)")
            #expect(out.stdout.contains("Fatal error: left calls fatalError"), "\(out.output)")
        } else {
            #expect(out.stdout.contains("\"exited with status 1 (the step threw this error)\""), "\(out.output)")
            #expect(out.stdout.contains("\"boom: left always throws\""), "\(out.output)")
            #expect(out.stdout.contains("\nfalse\n"), "\(out.output)")
        }
        #expect(out.stdout.contains("✓ FaultFlow/spin-1/left/1 completed"), "\(out.output)")
        #expect(out.stdout.contains("\n3.0\n"), "\(out.output)")
        // MCP's step_context gives the same facts.
        let mcp = try await MCPSession(store: box.storeRoot)
        let context = try await mcp.call("step_context", #"{"flow":"FaultFlow","step":"left","run":"1"}"#).text
        #expect(context.contains("post-mortem:\nFaultFlow/1/left/2 failed after 1 attempt: "), "\(context)")
        if mode == "fatal" {
            #expect(context.contains("backtrace (the crashed thread):"), "\(context)")
            #expect(context.contains("FaultFlow/main.swift:39"), "\(context)")
        }
    }

    @Test("spins are kept as spin1, spin2…: read, diffed against each other and their originals, timed with peak memory")
    func spinsByNumber() throws {
        let box = try ratingsSandbox()
        let script = """
        focus train 1
        input = 0.02
        spin
        input = 0.03
        time spin
        spin1.rate
        spin2.rate
        orig.rate
        diff spin1 spin2
        diff spin1
        spin3
        diff spin7
        """
        let out = try box.runWithInput("RatingsFlow", ["shell", "--keep-going"], input: script)
        #expect(out.stdout.contains("spin1: outputs as out and spin1, the re-ran task's as orig · peak memory "), "\(out.output)")
        #expect(out.stdout.contains("spin2: outputs as out and spin2"), "\(out.output)")
        #expect(out.stdout.contains("\n0.02\n0.03\n0.01\n"), "\(out.output)")
        #expect(out.stdout.contains("RatingsFlow/spin-1/train/1 → RatingsFlow/spin-2/train/1\n"), "\(out.output)")
        #expect(out.stdout.contains("  ~ rate: 0.02 → 0.03 "), "\(out.output)")
        #expect(out.stdout.contains("RatingsFlow/1/train/3 → RatingsFlow/spin-1/train/1\n"), "\(out.output)")
        #expect(out.stdout.firstMatch(of: /wall [0-9.]+ m?s · cpu [0-9.]+ m?s \(shell [0-9.]+ (µs|ms), spin processes [0-9.]+ m?s\) · peak memory [0-9.]+ MB/) != nil, "\(out.output)")
        #expect(out.stderr.contains("  spin3\n  ^ there are 2 spins: spin1 … spin2\n"), "\(out.output)")
        #expect(out.stderr.contains("error: there are 2 spins: spin1 … spin2\n"), "\(out.output)")
    }

    @Test("spin --debug stops gdb at the step's first line with its inputs loaded; a local prints, and the spin completes")
    func debugger() throws {
        let box = try ratingsSandbox()
        let commands = box.dir.appendingPathComponent("commands.gdb")
        try "next\nswift-print rate\ncontinue\n".write(to: commands, atomically: true, encoding: .utf8)
        let out = try box.run("RatingsFlow", ["spin", "train", "--index", "2", "--debug", "--debugger", "gdb",
                                              "--debugger-commands", commands.path])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stderr.contains("debugging train under gdb, stopped at "), "\(out.output)")
        #expect(out.stdout.contains("Breakpoint 1, "), "\(out.output)")
        // The first line of train's body, wherever the sample has it now.
        let sample = try String(contentsOf: transcriptsFolder.deletingLastPathComponent().appendingPathComponent("RatingsFlow/main.swift"), encoding: .utf8)
        let firstLine = try #require(sample.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("let rate: Double = try task.input()") }) + 1
        #expect(out.stdout.contains("main.swift:\(firstLine)"), "\(out.output)")
        #expect(out.stdout.contains("[train/1] rate = 0.02\n"), "\(out.output)")
        #expect(out.stdout.contains("✓ RatingsFlow/spin-1/train/1 completed"), "\(out.output)")
        // The shell's debug FILE does the same from a focus.
        let shell = try box.runWithInput("RatingsFlow", ["shell"], input: "focus train 0\ndebug \(commands.path)\nout.rate\n")
        #expect(shell.status == 0, "\(shell.output)")
        #expect(shell.stdout.contains("[train/1] rate = 0.005\n"), "\(shell.output)")
        #expect(shell.stdout.contains("\n0.005\n"), "\(shell.output)")
        // Mistakes are clear.
        let bad = try box.run("RatingsFlow", ["spin", "train", "--debug", "--debugger", "dbx"])
        #expect(bad.status != 0 && bad.stderr.contains("--debugger 'dbx' is not one of gdb, lldb, wait"), "\(bad.output)")
        let all = try box.run("RatingsFlow", ["spin", "train", "--debug", "--all-splits"])
        #expect(all.status != 0 && all.stderr.contains("--debug runs one task"), "\(all.output)")
        let piped = try box.runWithInput("RatingsFlow", ["shell"], input: "focus train 0\ndebug\n")
        #expect(piped.stderr.contains("debug without a file of commands needs a terminal"), "\(piped.output)")
    }
}
