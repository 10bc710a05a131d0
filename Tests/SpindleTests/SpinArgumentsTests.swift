import Testing
@testable import Spindle

/// The hand parser for `spin` agrees with ArgumentParser wherever it answers,
/// answers for the command lines people and the shell write, and leaves
/// everything unusual to ArgumentParser.
@Suite("Spin's hand parser")
struct SpinArgumentsTests {
    @Test("plain command lines parse by hand, exactly as ArgumentParser reads them", arguments: [
        ["middle"],
        ["middle", "--quiet", "--no-rebuild"],
        ["train", "--index", "2", "--set", "rate=0.05", "--set", "layers=[64, 32]"],
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
        let fast = try #require(SpinArguments(fastParsing: arguments))
        #expect(fast == (try SpinCommand.parse(arguments).arguments))
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
        #expect(SpinArguments(fastParsing: arguments) == nil)
    }
}
