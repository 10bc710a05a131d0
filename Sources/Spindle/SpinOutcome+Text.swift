import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// Prints a spin's outcome for people.
func describe(_ outcome: SpinOutcome, console: Console, shape: FlowShape) -> String {
    var lines: [String] = []
    for t in outcome.tasks {
        // Not String(format:): Foundation's formatter's first use was 0.1 ms of a standby's spin.
        let seconds = NumberFormatting.twoDecimals(t.task.duration ?? 0) + " s"
        // With several splits, each line says which one it is.
        let place = outcome.tasks.count > 1 ? shape.describe(t.task.splits) : ""
        let name = place.isEmpty ? t.task.pathspec.description : "\(t.task.pathspec) \(place)"
        if t.succeeded {
            var head = console.paint("✓ \(name) completed in \(seconds)", "32")
            if let o = t.original {
                head += ", against \(o):"
                lines.append(head)
                lines.append(t.diff.map { $0.isEmpty ? "  outputs unchanged" : $0.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") } ?? "  (no diff)")
            } else {
                lines.append(head + " (the step did not run in \(outcome.source.pathspec), so there is nothing to compare)")
            }
        } else {
            lines.append(console.paint("✗ \(name) failed after \(seconds): \(t.task.error ?? "unknown error")", "31"))
        }
    }
    return lines.joined(separator: "\n")
}
