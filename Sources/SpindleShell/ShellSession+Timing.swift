import Foundation
import SpindleFlow
import SpindleValue

/// `time LINE`: how long a line took, on the wall and on the CPU — this
/// process's own, and for a spin its processes' too.
extension ShellSession {
    func time(_ line: String) throws {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ShellError("time what? time EXPRESSION, or time spin") }
        guard !text.hasPrefix("time") || text.dropFirst(4).first?.isLetter == true else { throw ShellError("time takes a line, not another time") }
        lastSpinUsage = nil
        let wall0 = DispatchTime.now().uptimeNanoseconds
        let cpu0 = ShellSession.processCPU()
        let word = text.split(separator: " ").first.map(String.init) ?? ""
        let spun = word == "spin" || word == "debug"
        // The line runs as if typed (it is not added to history again).
        historyLines.removeLast()
        defer { historyLines[historyLines.count - 1] = "time " + text }
        historyLines.append(text)
        var failure: Error?
        do { try perform(text) } catch { failure = error }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e9
        let cpu = ShellSession.processCPU() - cpu0
        var parts = ["wall \(ShellSession.seconds(wall))", "cpu \(ShellSession.seconds(cpu))"]
        if spun, let usage = lastSpinUsage {
            parts[1] = "cpu \(ShellSession.seconds(cpu + usage.cpuSeconds)) (shell \(ShellSession.seconds(cpu)), spin processes \(ShellSession.seconds(usage.cpuSeconds)))"
            parts.append("peak memory \(NumberFormatting.bytes(usage.peakMemoryBytes))")
        }
        output.line(output.dim(parts.joined(separator: " · ")))
        if let failure { throw failure }
    }

    /// This process's user and system CPU time so far, in seconds.
    static func processCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `412 µs`, `23.1 ms`, `1.52 s`.
    static func seconds(_ s: Double) -> String {
        if s < 1e-3 { return String(format: "%.0f µs", s * 1e6) }
        if s < 1 { return String(format: s < 0.1 ? "%.1f ms" : "%.0f ms", s * 1e3) }
        return String(format: "%.2f s", s)
    }
}
