import Foundation
import SpindleStore
import SpindleValue

extension SpinEngine {
    /// Goes through a spin of `step` (by default the flow's last step that
    /// has parents) against the latest completed run, short of running its
    /// task: plans it, records the spin and its task and finishes them in
    /// transactions that are rolled back (``Store/rehearse(_:)``), diffs the
    /// original task with itself, and writes the report's JSON nowhere.
    ///
    /// A standby (``SpinStandby``) does this while it waits, so that what a
    /// spin runs for the first time in its process — generic metadata and
    /// conformance lookups, statements compiled on its connection, a sixth
    /// of a spin process's CPU — is done before the spin is asked for. The
    /// store is left as it was; a store without a completed run, or one that
    /// cannot roll back, rehearses what it can. Returns whether the writes were rehearsed.
    @discardableResult
    public func rehearse(step: String? = nil) -> Bool {
        let flow = graph.flow.name
        guard let latest = try? store.runs(flow: flow, status: .completed, limit: 1).first,
              let name = step ?? graph.flow.steps.last(where: { $0.name != "start" })?.name,
              let step = graph.step(name),
              let plan = try? self.plan(SpinRequest(step: name, run: latest.id)),
              let planned = plan.tasks.first else { return false }
        let tasks: [SpunTask]? = try? store.rehearse {
            let spin = try store.createRun(.init(flow: flow, isSpin: true, parameters: plan.parameters,
                                                 graph: graph.descriptionValue.jsonText(), origin: plan.source.id,
                                                 originTask: planned.original?.pathspec.description, overrides: nil, binary: binary))
            let record = TaskRecord(flow: flow, run: spin.id, step: step.name, id: 1, attempt: 0,
                                    parents: planned.parents, splits: planned.splits, origin: planned.original?.pathspec)
            try store.startTask(record)
            try store.finishRun(flow: flow, id: spin.id, status: .completed, error: nil)
            return [SpunTask(task: record, original: planned.original?.pathspec, diff: nil)]
        }
        var diff: ValueDiff?
        if let original = planned.original?.pathspec {
            _ = try? store.task(original)
            diff = try? store.diffTasks(old: original, new: original)
        }
        let outcome = SpinOutcome(run: plan.source, tasks: (tasks ?? []).map { var t = $0; t.diff = diff; return t },
                                  source: plan.source, warnings: plan.warnings)
        _ = try? SpinReport(outcome, shape: graph.shape).json()
        return tasks != nil
    }
}
