import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct GCTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove old spins, then artifact bytes nothing uses any more.",
        discussion: "Never removes a blob that a run or a remaining spin uses. AGE is a number with a unit: 30m, 12h, 7d (default 7d).")
    @Option(help: "Remove spins older than this.") var olderThan: String = "7d"
    @Flag(help: "Say what would be removed, and remove nothing.") var dryRun = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let age = try parseAge(olderThan)
        let report = try storeOptions.open(creating: false).collectGarbage(spinsOlderThan: age, dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        print("\(verb) \(report.spins.count) spin\(report.spins.count == 1 ? "" : "s") and \(report.blobs) blob\(report.blobs == 1 ? "" : "s") (\(NumberFormatting.count(report.bytes)) bytes)")
        for s in report.spins { print("  \(s)") }
    }
}

/// `30s`, `30m`, `12h`, `7d` as seconds.
func parseAge(_ text: String) throws -> TimeInterval {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    guard let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n >= 0 else {
        throw ValidationError("'\(text)' is not an age; write a number and a unit: 30m, 12h, 7d")
    }
    return n * scale
}
