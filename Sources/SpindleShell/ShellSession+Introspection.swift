import Foundation
import OrderedCollections
import SpindleFlow
import SpindleStore
import SpindleValue

/// `?name` / `info EXPR`: what a value is and where it came from;
/// `??step` / `source STEP`: a step's code with its line numbers.
extension ShellSession {
    /// Everything known about `text`: a variable's origin, or an expression's type and size.
    func info(_ text: String, offset: Int) throws {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ShellError("info about what? ?NAME or info EXPRESSION (??STEP shows a step's code)") }
        let value: Value
        do { value = try evaluate(name, offset: offset) }
        var facts: [(String, String)] = []
        var heading = name
        if let v = variables[name] {
            heading += "  " + describeSource(v.source)
            if case .parameter = v.source, let p = shape?.parameters.first(where: { $0.name == name }) {
                facts.append(("declared", Self.declaration(p)))
                if !p.help.isEmpty { facts.append(("help", p.help)) }
                if let run { facts.append(("this run", "\(run.parameters[name].map { $0.summary(width: 40) } ?? "the default") in \(run.pathspec)")) }
            }
        } else if ShellSession.implicitName(name) {
            heading += "  " + implicitDescription(name)
        } else {
            heading += "  an expression"
        }
        facts.insert(("type", value.typeName + Self.shapeText(value)), at: 0)
        facts.append(("in memory", "about " + NumberFormatting.bytes(value.approximateBytes)))
        if let v = variables[name], let record = artifactRecord(v.source) {
            facts.append(("stored", "\(NumberFormatting.bytes(record.size)), sha256 \(record.hash.prefix(16))…"))
            let made = try producer(of: record)
            let ended = (try? store.task(made))?.ended
            facts.append(("made by", "\(made)" + (ended.map { ", finished \(Browse.time($0))" } ?? "")))
            if made != record.task { facts.append(("passed on by", record.task.description)) }
        }
        if let v = variables[name] {
            facts.append(("changed", v.changed ? "yes, in this session (spin passes the new value)" : (v.isInput ? "no" : "—")))
        }
        if let spark = sparkline(value) { facts.append(("values", spark)) }
        output.line(output.bold(heading))
        let width = facts.map(\.0.count).max() ?? 0
        for (k, v) in facts { output.longLine("  " + k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
    }

    /// `??step`: the step's code, numbered (the focused step without a name).
    func showSource(_ text: String) throws {
        let (run, shape) = try requireRun()
        let name = text.trimmingCharacters(in: .whitespaces)
        guard let stepName = name.isEmpty ? focus?.step : name else { throw ShellError("which step? ??STEP (or focus one first)") }
        guard let step = shape.step(stepName) else {
            throw ShellError("\(run.flow) has no step '\(stepName)'" + Suggestion.hint(Store.nearest(stepName, in: shape.steps.map(\.name))))
        }
        let source: StepSource
        do { source = try StepSource(step) } catch { throw ShellError(error.description) }
        output.line(output.bold("\(step.name)") + output.dim("  \(Self.shortPath(source.file)):\(source.firstLine)"))
        for l in source.numbered { output.line(l) }
    }

    /// A source file's path from its package's root (the nearest folder above
    /// it with a Package.swift), as people name files: the same wherever the
    /// shell runs.
    static func shortPath(_ path: String) -> String {
        var dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return String(path.dropFirst(dir.path.count + 1))
            }
            dir = dir.deletingLastPathComponent()
        }
        return path
    }

    /// `Parameter("epochs", default: 20, help: "…")`, as the flow declares it.
    static func declaration(_ p: Parameter) -> String {
        "Parameter(\"\(p.name)\", default: \(literal(p.defaultValue))" + (p.help.isEmpty ? "" : ", help: \"\(p.help)\"") + ")"
    }

    /// A parameter's default as Swift source writes it.
    static func literal(_ v: Value) -> String {
        if case .double(let d) = v { return "\(d)" }
        return v.jsonText()
    }

    static func shapeText(_ v: Value) -> String {
        switch v {
        case .numeric(let n): return ", shape [\(n.shape.map(String.init).joined(separator: ", "))]"
        case .array(let a): return ", \(NumberFormatting.count(a.count)) element\(a.count == 1 ? "" : "s")"
        case .object(let o): return ", \(o.count) member\(o.count == 1 ? "" : "s"): \(o.keys.prefix(8).joined(separator: ", "))\(o.count > 8 ? ", …" : "")"
        case .string(let s): return ", \(NumberFormatting.count(s.count)) character\(s.count == 1 ? "" : "s")"
        case .bytes(let d): return ", \(NumberFormatting.count(d.count)) bytes"
        default: return ""
        }
    }

    func describeSource(_ source: ShellVariable.Source) -> String {
        let step = focus.map { " of \($0.step)" } ?? ""
        switch source {
        case .artifact(let r): return "input\(step), an artifact of \(r.task)"
        case .parameter: return "parameter of \(run?.flow ?? "the flow")"
        case .splitInput(let r, let i): return "split input\(step): element \(i) of \(r.name) from \(r.task)"
        case .joinInputs(let ps): return "join inputs\(step): one object per parent (\(ps.map(\.description).joined(separator: ", ")))"
        case .outputs(let t): return "outputs of \(t)"
        case .failure: return "the failure of the focused task (message, exit, attempts, log, backtrace)"
        case .user: return "yours, made in this session"
        }
    }

    func implicitDescription(_ name: String) -> String {
        if name == "_" { return "the last result" }
        if let l = ShellSession.resultLine(name) { return "the result of line \(l)" + (l <= historyLines.count ? ": \(historyLines[l - 1])" : "") }
        if let n = ShellSession.spinNumber(name), n <= spins.count { return "outputs of spin \(n), \(spins[n - 1].task)" }
        return name == "orig" ? "outputs of the task the last spin re-ran" : "outputs of the last spin"
    }

    func artifactRecord(_ source: ShellVariable.Source) -> ArtifactRecord? {
        switch source {
        case .artifact(let r), .splitInput(let r, _): return r
        default: return nil
        }
    }

    /// The task that made an artifact: following a value passed on unchanged
    /// (`isOwn` false) up through the parents to the one that set it.
    func producer(of record: ArtifactRecord) throws -> Pathspec {
        var current = record
        for _ in 0..<1000 where !current.isOwn {
            guard let t = try? store.task(current.task) else { break }
            var found: ArtifactRecord?
            for p in t.parents {
                if let a = try store.artifacts(of: p).first(where: { $0.name == record.name && $0.hash == record.hash }) { found = a; break }
            }
            guard let found else { break }
            current = found
        }
        return current.task
    }
}
