import Foundation
import SpindleStore
import SpindleValue
import OrderedCollections

/// Listings of a store for people and, with `json`, for tools: shared by a
/// flow binary's commands and the stand-alone `spindle` tool.
public enum Browse {
    /// `2026-11-29 08:42:07`, local time. (A DateFormatter per row made long listings slow.)
    public static func time(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `0.21 s`, `12.3 s`; `-` when unknown.
    public static func seconds(_ t: TimeInterval?) -> String {
        guard let t else { return "-" }
        // Whole hundredths (or tenths) by integer arithmetic: String(format:) costs microseconds a line.
        guard t.isFinite, t >= 0, t < 1e12 else { return String(format: "%.1f s", t) }
        if t < 10 {
            let h = Int((t * 100).rounded())
            return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100) s"
        }
        let d = Int((t * 10).rounded())
        return "\(d / 10).\(d % 10) s"
    }

    /// `users=80 items=50`: a run's parameters on one line.
    public static func parametersText(_ v: Value) -> String {
        guard case .object(let o) = v else { return "" }
        return o.map { "\($0.key)=\($0.value.summary(width: 24))" }.joined(separator: " ")
    }

    /// A table of runs (newest first).
    public static func runsText(_ runs: [RunRecord], showFlow: Bool) -> String {
        if runs.isEmpty { return "no runs" }
        let rows: [Value] = runs.map { r in
            var o: [(String, Value)] = []
            if showFlow { o.append(("flow", .string(r.flow))) }
            o += [("run", .string(r.id.description)), ("status", .string(r.statusText)),
                  ("started", .string(time(r.started))), ("duration", .string(seconds(r.duration))),
                  ("parameters", .string(parametersText(r.parameters)))]
            if !r.tags.isEmpty { o.append(("tags", .string(r.tags.joined(separator: ",")))) }
            if let origin = r.origin { o.append(("origin", .string(origin.description))) }
            return .object(.init(o, uniquingKeysWith: { a, _ in a }))
        }
        return plainTable(rows)
    }

    /// Rows of flat objects as an aligned table, strings unquoted.
    static func plainTable(_ rows: [Value]) -> String {
        plainTable(rows.map { r -> [(String, String)] in
            guard case .object(let o) = r else { return [] }
            return o.map { k, v in
                if case .string(let s) = v { return (k, s) }
                return (k, v.summary(width: 40))
            }
        })
    }

    /// A table of text cells: columns in order of first appearance, each as wide as its widest cell.
    static func plainTable(_ rows: [[(String, String)]]) -> String {
        var columns: [String] = []
        for r in rows { for (k, _) in r where !columns.contains(k) { columns.append(k) } }
        let cells = [columns] + rows.map { r in columns.map { c in r.first { $0.0 == c }?.1 ?? "" } }
        // Each cell's width counted once (bytes for ASCII text, characters otherwise): a run of
        // 10 000 tasks is 10 000 lines, and counting Characters twice a cell was a tenth of `show`.
        let counts = cells.map { $0.map(displayWidth) }
        let widths = columns.indices.map { j in counts.map { $0[j] }.max() ?? 0 }
        var out = ""
        out.reserveCapacity(cells.count * (widths.reduce(0, +) + 2 * widths.count + 1))
        for (i, items) in cells.enumerated() {
            if i > 0 { out += "\n" }
            // Padding only up to the last non-empty cell, so lines end without blanks (as they were trimmed before).
            guard let last = items.lastIndex(where: { !$0.isEmpty }) else { continue }
            for j in 0...last {
                if j > 0 { out += "  " }
                out += items[j]
                if j < last, widths[j] > counts[i][j] { out += String(repeating: " ", count: widths[j] - counts[i][j]) }
            }
        }
        return out
    }

    /// The columns a cell takes: its bytes when they are all ASCII (the usual case, and quick), else its characters.
    static func displayWidth(_ s: String) -> Int {
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        return ascii ? s.utf8.count : s.count
    }

    public static func runJSON(_ r: RunRecord) -> Value {
        ["flow": .string(r.flow), "run": .string(r.id.description), "status": .string(r.status.rawValue),
         "started": .double(r.started.timeIntervalSince1970),
         "ended": r.ended.map { .double($0.timeIntervalSince1970) } ?? .null,
         "parameters": r.parameters, "tags": .array(r.tags.map { .string($0) }),
         "origin": r.origin.map { .string($0.description) } ?? .null,
         "originTask": r.originTask.map { .string($0) } ?? .null,
         "overrides": r.overrides ?? .null,
         "error": r.error.map { .string($0) } ?? .null]
    }

    /// A task as data; with the flow's `shape`, its split address in full
    /// (`index`, as `spin --index` takes it) beside the raw split stack.
    public static func taskJSON(_ t: TaskRecord, shape: FlowShape? = nil) -> Value {
        var o: Value = ["pathspec": .string(t.pathspec.description), "step": .string(t.step), "task": .int(Int64(t.id)),
         "status": .string(t.status.rawValue), "attempt": .int(Int64(t.attempt)),
         "splits": .array(t.splits.map { ["step": .string($0.step), "index": .int(Int64($0.index)), "count": .int(Int64($0.count))] }),
         "parents": .array(t.parents.map { .string($0.description) }),
         "started": .double(t.started.timeIntervalSince1970),
         "ended": t.ended.map { .double($0.timeIntervalSince1970) } ?? .null,
         "origin": t.origin.map { .string($0.description) } ?? .null,
         "error": t.error.map { .string($0) } ?? .null]
        if let p = t.placement, case .object(var d) = o {
            d["ran_on"] = ["engine": .string(p.engine), "job": .string(p.job), "node": p.node.map { .string($0) } ?? .null,
                           "inspect": p.inspectCommand.map { .string($0) } ?? .null]
            o = .object(d)
        }
        if let shape, case .object(var d) = o {
            d["index"] = .array(shape.address(of: t.splits).map { .int(Int64($0)) })
            d["place"] = .string(shape.describe(t.splits))
            o = .object(d)
        }
        return o
    }

    /// The shape a run stored, when it can be read (listings show less without it).
    static func shape(of run: RunRecord, store: Store) -> FlowShape? {
        (try? store.graph(flow: run.flow, run: run.id)).flatMap { try? FlowShape(json: $0) }
    }

    public static func artifactJSON(_ a: ArtifactRecord) -> Value {
        ["name": .string(a.name), "type": .string(a.type), "size": .int(Int64(a.size)), "hash": .string(a.hash),
         "summary": .string(a.summary), "own": .bool(a.isOwn)]
    }

    /// What `show` prints for a pathspec: a flow's runs, a run's tasks, a step's
    /// tasks, a task's artifacts, or an artifact's value.
    public static func show(_ spec: Pathspec, store: Store, json: Bool, width: Int = 100) throws -> String {
        guard let runID = spec.run else {
            let runs = try store.runs(flow: spec.flow)
            if runs.isEmpty, !(try store.flows().contains(spec.flow)) {
                throw StoreError.noSuch("flow '\(spec.flow)' in this store", suggestion: Store.nearest(spec.flow, in: try store.flows()))
            }
            return json ? Value.array(runs.map(runJSON)).jsonText(pretty: true) : runsText(runs, showFlow: false)
        }
        let run = try store.run(flow: spec.flow, id: runID)
        let shape = shape(of: run, store: store)
        guard let step = spec.step else {
            // The table prints no parents: reading them is most of the time for a wide run.
            let tasks = try store.tasks(flow: run.flow, run: run.id, parents: json)
            if json {
                var o = runJSON(run)
                if case .object(var d) = o { d["tasks"] = .array(tasks.map { taskJSON($0, shape: shape) }); o = .object(d) }
                return o.jsonText(pretty: true)
            }
            var lines = ["\(run.pathspec)  \(run.statusText)  started \(time(run.started))  \(seconds(run.duration))"]
            if case .object(let p) = run.parameters, !p.isEmpty { lines.append("parameters: \(parametersText(run.parameters))") }
            if let o = run.origin { lines.append("origin: \(run.flow)/\(o)" + (run.originTask.map { " (re-ran \($0))" } ?? "")) }
            if let o = run.overrides, case .object(let d) = o, !d.isEmpty {
                lines.append("overrides: " + d.map { "\($0.key)=\($0.value.summary(width: 30))" }.joined(separator: " "))
            }
            if let e = run.error { lines.append("error: \(e)") }
            lines.append("")
            lines.append(tasksText(tasks, shape: shape))
            return lines.joined(separator: "\n")
        }
        guard let taskID = spec.task else {
            let tasks = try store.tasks(flow: run.flow, run: run.id, step: step)
            if tasks.isEmpty {
                let steps = Array(Set(try store.tasks(flow: run.flow, run: run.id).map(\.step))).sorted()
                throw StoreError.noSuch("step '\(step)' in \(run.pathspec)", suggestion: Store.nearest(step, in: steps))
            }
            return json ? Value.array(tasks.map { taskJSON($0, shape: shape) }).jsonText(pretty: true) : tasksText(tasks, shape: shape)
        }
        let task = try store.task(Pathspec(flow: run.flow, run: run.id, step: step, task: taskID))
        let artifacts = try store.artifacts(of: task.pathspec)
        if let name = spec.artifact {
            guard let a = artifacts.first(where: { $0.name == name }) else {
                throw StoreError.noSuch("artifact '\(name)' in \(task.pathspec)", suggestion: Store.nearest(name, in: artifacts.map(\.name)))
            }
            let v = try store.load(a)
            return json ? v.jsonText(pretty: true) : v.rendered(width: width, lines: 60)
        }
        if json {
            var o = taskJSON(task, shape: shape)
            if case .object(var d) = o { d["artifacts"] = .array(artifacts.map(artifactJSON)); o = .object(d) }
            return o.jsonText(pretty: true)
        }
        var lines = ["\(task.pathspec)  \(task.status.rawValue)  attempt \(task.attempt + 1)  \(seconds(task.duration))"]
        if let place = shape?.describe(task.splits), !place.isEmpty {
            lines.append("split: \(place), --index \(SplitAddress(shape!.address(of: task.splits)))")
        }
        if !task.parents.isEmpty { lines.append("parents: \(task.parents.map(\.description).joined(separator: " "))") }
        if let o = task.origin { lines.append("origin: \(o)") }
        if let p = task.placement { lines.append("ran on: \(p)" + (p.inspectCommand.map { " (\($0))" } ?? "")) }
        if let e = task.error { lines.append("error: \(e)") }
        lines.append("")
        lines.append(artifactsText(artifacts, width: width))
        return lines.joined(separator: "\n")
    }

    static func tasksText(_ tasks: [TaskRecord], shape: FlowShape?) -> String {
        if tasks.isEmpty { return "no tasks" }
        // Text cells straight away: a run of 10 000 tasks is 10 000 rows.
        return plainTable(tasks.map { t in
            var o: [(String, String)] = [("task", "\(t.step)/\(t.id)"), ("status", t.status.rawValue),
                                         ("attempts", String(t.attempt + 1)), ("duration", seconds(t.duration))]
            // The split address in full, as --index takes it (outermost first, from 0).
            if let shape {
                let address = shape.address(of: t.splits)
                if !address.isEmpty { o.append(("index", SplitAddress(address).description)) }
            } else if let f = t.splits.last {
                o.append(("index", "\(f.index)"))
            }
            if let origin = t.origin { o.append(("origin", origin.description)) }
            if let e = t.error { o.append(("error", String(e.prefix(60)))) }
            return o
        })
    }

    static func artifactsText(_ artifacts: [ArtifactRecord], width: Int) -> String {
        if artifacts.isEmpty { return "no artifacts" }
        let nameWidth = artifacts.map(\.name.count).max() ?? 0
        let typeWidth = artifacts.map(\.type.count).max() ?? 0
        return artifacts.map { a in
            let mark = a.isOwn ? "*" : " "
            let head = "\(mark) \(a.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(a.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0))  "
            let room = max(20, width - head.count)
            return head + (a.summary.count > room ? String(a.summary.prefix(room - 1)) + "…" : a.summary)
        }.joined(separator: "\n") + "\n(* set by this step; the others are carried over from its inputs)"
    }

    /// What `logs` prints for a task: each attempt's stdout and stderr.
    public static func logs(_ spec: Pathspec, store: Store, json: Bool) throws -> String {
        let task = try store.task(spec)
        let logs = try store.logs(task: task.pathspec)
        if json {
            return Value.array(logs.map { l in
                ["attempt": .int(Int64(l.attempt)), "stdout": .string(l.stdout), "stderr": .string(l.stderr), "truncated": .bool(l.truncated)]
            }).jsonText(pretty: true)
        }
        if logs.isEmpty { return "no output recorded for \(task.pathspec)" }
        var out: [String] = []
        for l in logs {
            if logs.count > 1 || task.attempt > 0 { out.append("── attempt \(l.attempt + 1) ──") }
            if l.truncated { out.append("(earlier output was dropped; the store keeps the last part)") }
            if !l.stdout.isEmpty { out.append(l.stdout.hasSuffix("\n") ? String(l.stdout.dropLast()) : l.stdout) }
            if !l.stderr.isEmpty { out.append(l.stderr.hasSuffix("\n") ? String(l.stderr.dropLast()) : l.stderr) }
        }
        return out.joined(separator: "\n")
    }
}
