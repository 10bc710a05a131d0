import Foundation
import OrderedCollections
import SpindleFlow
import SpindleStore
import SpindleValue

/// Post-mortem: `failed` lists a run's failed tasks; focusing one makes
/// `error` its failure, and `spin` retries it with whatever was changed.
extension ShellSession {
    func listFailed() throws {
        let (run, _) = try requireRun()
        let failed = try store.tasks(flow: run.flow, run: run.id).filter { $0.status == .failed }
        if failed.isEmpty { output.line("no task of \(run.pathspec) failed"); return }
        for t in failed {
            let first = (t.error ?? "").split(separator: "\n").first.map(String.init) ?? ""
            output.longLine("  \(t.pathspec)  attempt \(t.attempt + 1)  \(first)")
        }
        if let t = failed.first, let shape, let s = shape.step(t.step) {
            let address = SplitAddress(shape.address(of: t.splits))
            output.line(output.dim("focus \(s.name)\(address.indices.isEmpty ? "" : " " + address.indices.map(String.init).joined(separator: " ")) makes its inputs the variables and its failure 'error'"))
        }
    }

    /// After focusing: when the task being re-run failed, `error` holds why.
    func exposeFailure(of original: TaskRecord?) throws {
        guard let original, let failure = try TaskFailure(original, store: store) else { return }
        variables["error"] = ShellVariable(source: .failure, original: failure.value, current: failure.value)
        output.line(output.mark("this task failed: \(failure.message.split(separator: "\n").first ?? "")"))
        output.line(output.dim("  error holds the failure (error.message, error.exit, error.log, error.backtrace); spin retries it"))
    }
}
