import Testing
@testable import Spindle
import SpindleFlow
import ArgumentParser

/// The hand parser for `spin` agrees with ArgumentParser wherever it answers,
/// answers for the command lines people and the shell write, and leaves
/// everything unusual to ArgumentParser.
@Suite("Spin's hand parser")
struct SpinInvocationTests {
    @Test("plain command lines parse by hand, exactly as ArgumentParser reads them", arguments: [
        ["middle"],
        ["middle", "--quiet", "--no-rebuild"],
        ["train", "--index", "2", "--set", "rate=0.05", "--set", "layers=[64, 32]"],
        ["shop", "--index", "2.1", "--no-timeout"],
        ["train", "--set=rate=0.05", "--set-file", "x=data.json", "--set-file=y=y.json"],
        ["pick", "--set", "inputs[1].rmse=0.5", "--json", "--fail-on-diff"],
        ["train", "--all-splits", "--max-workers", "3", "--with-decorators"],
        ["train", "--run", "3", "--after", "spin-2", "--atol", "0.001", "--rtol=1e-6"],
        ["--at", "Sources/Flow/main.swift:42", "--no-rebuild"],
        ["train", "--task", "3/train/2", "--store", "/tmp/s/.spindle", "--report", "out.json"],
        ["train", "--overrides-file", "o.spnv", "--quiet"],
        ["--quiet", "train"],
        [],
    ])
    func agrees(arguments: [String]) throws {
        let fast = try #require(SpinInvocation(parsing: arguments))
        #expect(fast == (try SpinCommand.parse(arguments).invocation))
        // What it renders, it reads back: the contract the shell, MCP and watch rely on.
        #expect(fast.arguments.first == "spin")
        #expect(SpinInvocation(parsing: Array(fast.arguments.dropFirst())) == fast)
    }

    @Test("anything unusual is left to ArgumentParser", arguments: [
        ["train", "extra"],            // a second positional: ArgumentParser's error
        ["--bogus"],                   // unknown option: its "did you mean"
        ["-q"],                        // short options
        ["help"],                      // help
        ["--index", "x"],              // a number that does not parse
        ["--index"],                   // a missing value
        ["--set", "--quiet"],          // a value that looks like an option
        ["--atol", "-1"],
        ["--quiet", "--quiet"],        // repeated flags and singular options
        ["--index", "1", "--index", "2"],
        ["--json=yes"],                // a flag with a value
        ["--", "train"],               // the terminator
        ["--atol", "inf"],
    ])
    func fallsBack(arguments: [String]) {
        #expect(SpinInvocation(parsing: arguments) == nil)
    }
}
