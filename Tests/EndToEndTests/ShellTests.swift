import Foundation
import Testing
import SpindleStore

@Suite("The shell, end to end")
struct ShellEndToEndTests {
    @Test("piped lines: focus, change an input, spin through the flow binary, diff, read the outputs")
    func spinFromShell() throws {
        let box = try ratingsSandbox()
        let script = """
        focus train 1
        input = 0.3
        spin
        out.rate
        diff
        """
        let out = try box.runWithInput("RatingsFlow", ["shell"], input: script)
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("focused train [train 1 of 3] of RatingsFlow/1"))
        #expect(out.stdout.contains("spinning train [train 1 of 3] on RatingsFlow/1 with input=0.3"))
        #expect(out.stdout.contains("✓ RatingsFlow/spin-1/train/1 completed"))
        #expect(out.stdout.contains("\n0.3\n"))
        #expect(out.stdout.contains("RatingsFlow/1/train/3 → RatingsFlow/spin-1/train/1"))
        #expect(try box.store().runs(flow: "RatingsFlow", spins: true).count == 1)
    }

    @Test("the shell's runs --spins says unfinished for a spin whose process died, as spindle runs does")
    func deadSpin() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let spin = try box.start("FaultFlow", ["spin", "left", "--no-timeout", "--no-rebuild"],
                                 environment: ["FAULT_MODE": "timeout", "FAULT_SLEEP": "3"])
        let store = try box.store()
        var waited = 0
        while try store.runs(flow: "FaultFlow", spins: true).isEmpty, waited < 500 { usleep(20_000); waited += 1 }
        kill(spin.process.processIdentifier, SIGKILL)
        _ = spin.finish()
        let tool = try box.run("spindle", ["runs", "--spins"])
        #expect(tool.stdout.contains("unfinished"), "\(tool.stdout)")
        let shell = try box.runWithInput("FaultFlow", ["shell"], input: "runs --spins\n")
        #expect(shell.stdout.contains("spin-1   unfinished"), "\(shell.stdout)")
    }

    @Test("spindle shell on a store of several flows loads the most recent run of any and names the flows")
    func severalFlows() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let out = try box.runWithInput("spindle", ["shell"], input: "x = 1\nload FaultFlow/latest\nload latest\n")
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("this store has the flows FaultFlow, HelloFlow; loading the most recent run (load Flow/latest for another)"), "\(out.stdout)")
        #expect(out.stdout.contains("loaded HelloFlow/1"), "\(out.stdout)")
        #expect(out.stdout.contains("kept your variables x from HelloFlow (del NAME drops one)"), "\(out.stdout)")
        #expect(out.stdout.contains("loaded FaultFlow/1"), "\(out.stdout)")
        #expect(!out.output.contains("which flow?"))
    }

    @Test("focus names a split in nested foreaches in full, and spin runs that split")
    func nestedFocus() throws {
        let box = try shapesSandbox()
        let script = """
        focus shop 2 1
        input
        region
        spin
        """
        let out = try box.runWithInput("ShapesFlow", ["shell"], input: script)
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("focused shop [region 2 of 3, shop 1 of 2] of ShapesFlow/1"), "\(out.stdout)")
        #expect(out.stdout.contains("\n2\n\"west\"\n"), "\(out.stdout)")
        #expect(out.stdout.contains("spinning shop [region 2 of 3, shop 1 of 2] on ShapesFlow/1"), "\(out.stdout)")
        let store = try box.store()
        let origin = try #require(try store.tasks(flow: "ShapesFlow", run: .spin(1)).first?.origin)
        #expect(try store.task(origin).splits.dropFirst().map(\.index) == [2, 1])
        let bad = try box.runWithInput("ShapesFlow", ["shell"], input: "focus shop 2 x\n")
        #expect(bad.stderr.contains("the split must be a number from 0 (one per foreach, outermost first: focus shop 2 1), not 'x'"), "\(bad.stderr)")
    }

    @Test("without a terminal the first failing line ends the shell with status 1, unless --keep-going")
    func failing() throws {
        let box = try ratingsSandbox()
        let stop = try box.runWithInput("spindle", ["shell"], input: "1 +\nx = 2\n")
        #expect(stop.status == 1)
        #expect(stop.stderr.contains("^ expected a value, found end of line"))
        #expect(!stop.stdout.contains("x = Int 2"))
        let go = try box.runWithInput("spindle", ["shell", "--keep-going"], input: "1 +\nx = 2\n")
        #expect(go.status == 0)
        #expect(go.stdout.contains("x = Int 2"))
        // No prompts are printed when not on a terminal.
        #expect(!go.stdout.contains("> "))
    }

    @Test("spindle shell loads a pathspec and focuses its step")
    func pathspec() throws {
        let box = try ratingsSandbox()
        let out = try box.runWithInput("spindle", ["shell", "RatingsFlow/1/pick/5"], input: "len(inputs)\n")
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("focused pick of RatingsFlow/1: inputs inputs"))
        #expect(out.stdout.hasSuffix("3\n"))
    }
}

extension Sandbox {
    /// Runs `binary` with `input` on its standard input.
    func runWithInput(_ binary: String, _ arguments: [String], input: String) throws -> Outcome {
        try start(binary, arguments, input: input).finish()
    }
}
