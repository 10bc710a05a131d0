import Foundation
import OrderedCollections
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// A shell command: its name, how to call it, and what it does.
struct ShellCommand: Sendable {
    let name: String
    let usage: String
    let summary: String
    let run: @Sendable (ShellSession, String) throws -> Void
}

extension ShellSession {
    static let commands: [ShellCommand] = [
        ShellCommand(name: "help", usage: "help [COMMAND]", summary: "list the commands, or explain one") { s, a in try s.help(a) },
        ShellCommand(name: "load", usage: "load [RUN | Flow/run[/step[/task]]]", summary: "load a run (latest completed by default), optionally focusing a step") { s, a in
            try s.load(a.isEmpty ? nil : a)
        },
        ShellCommand(name: "runs", usage: "runs [--spins]", summary: "list the loaded flow's runs, shared stores' runs mirrored here (prod:N), or spins") { s, a in try s.listRuns(spins: a.contains("--spins")) },
        ShellCommand(name: "steps", usage: "steps", summary: "list the loaded run's steps and their tasks") { s, _ in try s.listSteps() },
        ShellCommand(name: "graph", usage: "graph", summary: "draw the loaded flow's graph") { s, _ in
            s.output.line(try s.requireRun().1.drawn())
        },
        ShellCommand(name: "focus", usage: "focus STEP [SPLIT ...]", summary: "make a step's inputs the variables (its parent's artifacts, input, inputs); in nested foreaches give each split, outermost first: focus shop 2 1") { s, a in
            let parts = a.split(separator: " ").map(String.init)
            guard let step = parts.first else { throw ShellError("focus which step? focus STEP [SPLIT ...]") }
            var indices: [Int] = []
            for part in parts.dropFirst() {
                do { indices += try SplitAddress(parsing: part).indices } catch {
                    throw ShellError("the split must be a number from 0 (one per foreach, outermost first: focus shop 2 1), not '\(part)'")
                }
            }
            try s.focusStep(step, index: SplitAddress(indices))
        },
        ShellCommand(name: "vars", usage: "vars", summary: "list the variables: type, size, and * on the changed ones") { s, _ in s.listVariables() },
        ShellCommand(name: "show", usage: "show EXPRESSION", summary: "print a value in full (up to 200 lines)") { s, a in
            guard !a.isEmpty else { throw ShellError("show what? show EXPRESSION") }
            let v = try s.evaluate(a, offset: 5)
            s.output.line(v.rendered(width: s.output.width, lines: 200))
        },
        ShellCommand(name: "reset", usage: "reset [NAME ...]", summary: "undo changes to the named inputs (all without names)") { s, a in try s.reset(a) },
        ShellCommand(name: "del", usage: "del NAME ...", summary: "drop variables you made (inputs are undone with reset)") { s, a in
            let names = a.split(separator: " ").map(String.init)
            guard !names.isEmpty else { throw ShellError("del which variable? del NAME ...") }
            for name in names {
                guard let v = s.variables[name] else {
                    throw ShellError("no variable '\(name)'" + (Suggestion.hint(Store.nearest(name, in: Array(s.variables.keys)))))
                }
                guard case .user = v.source else { throw ShellError("'\(name)' is an input of the focused step, not yours: reset \(name) undoes a change") }
            }
            for name in names { s.variables[name] = nil }
            s.output.line("dropped \(names.joined(separator: ", "))")
        },
        ShellCommand(name: "spin", usage: "spin", summary: "run the focused step with the current variables as its inputs, and diff; kept as spinN") { s, _ in try s.spin() },
        ShellCommand(name: "debug", usage: "debug [COMMANDS_FILE]", summary: "spin under a debugger (lldb, else gdb), stopped at the step's first line; with a file of debugger commands, in batch") { s, a in
            try s.spin(debugCommands: a.isEmpty ? "" : a)
        },
        ShellCommand(name: "info", usage: "info EXPRESSION  (or ?NAME)", summary: "what a value is: type, shape, size, hash, the task that made it, whether you changed it") { s, a in
            try s.info(a, offset: 5)
        },
        ShellCommand(name: "source", usage: "source [STEP]  (or ??STEP)", summary: "a step's code with line numbers (the focused step by default)") { s, a in
            try s.showSource(a)
        },
        ShellCommand(name: "card", usage: "card [run/step/task | spinN] [NAME]", summary: "a task's card (the last spin's, or the focused task's): its charts as terminal plots, its text") { s, a in
            try s.card(a)
        },
        ShellCommand(name: "failed", usage: "failed", summary: "the loaded run's failed tasks; focus one for a post-mortem (its failure is 'error')") { s, _ in
            try s.listFailed()
        },
        ShellCommand(name: "time", usage: "time LINE", summary: "run a line (an expression, spin, …) and print its wall and CPU time") { s, a in
            try s.time(a)
        },
        ShellCommand(name: "diff", usage: "diff [spinN | A B]", summary: "the last spin (or spinN) against the task it re-ran, or any two tasks (run/step/task or spinN)") { s, a in try s.diff(a) },
        ShellCommand(name: "outputs", usage: "outputs", summary: "list the last spin's outputs (the variable out)") { s, _ in try s.listOutputs() },
        ShellCommand(name: "logs", usage: "logs [run/step/task]", summary: "a task's output: the last spin's, or the focused step's original task's") { s, a in try s.logs(a) },
        ShellCommand(name: "history", usage: "history [N]", summary: "the last N lines typed (default 20), with _N beside each line whose result is kept") { s, a in
            let n = max(0, Int(a) ?? 20)
            let first = s.historyLines.count - min(n, s.historyLines.count) + 1
            for (i, l) in s.historyLines.suffix(n).enumerated() {
                let number = first + i
                let mark = s.results.has(line: number) ? "_\(number)" : ""
                s.output.line(String(format: "%4d  ", number) + mark.padding(toLength: 6, withPad: " ", startingAt: 0) + l)
            }
        },
        ShellCommand(name: "save", usage: "save EXPRESSION FILE", summary: "write a value to a JSON file") { s, a in try s.save(a) },
        ShellCommand(name: "read", usage: "read NAME FILE", summary: "read a JSON file into a variable") { s, a in try s.read(a) },
        ShellCommand(name: "record", usage: "record FILE", summary: "write this session to a transcript file from now on (stop ends)") { s, a in
            try s.startRecording(a)
        },
        ShellCommand(name: "stop", usage: "stop", summary: "stop recording the transcript") { s, _ in
            guard let path = s.recording else { throw ShellError("not recording; record FILE starts") }
            s.recorder = nil
            s.output.setPlain(false)
            s.output.line("stopped recording \(path)")
        },
        ShellCommand(name: "functions", usage: "functions", summary: "list the built-in functions") { s, _ in
            for l in Evaluator.functionHelp { s.output.line(l) }
        },
        ShellCommand(name: "quit", usage: "quit", summary: "leave the shell (also exit, Ctrl-D)") { _, _ in throw ShellQuit() },
        ShellCommand(name: "exit", usage: "exit", summary: "leave the shell") { _, _ in throw ShellQuit() },
    ]

    static var commandNames: [String] { commands.map(\.name) }

    func help(_ topic: String) throws {
        if !topic.isEmpty {
            guard let c = ShellSession.commands.first(where: { $0.name == topic }) else {
                throw ShellError("no command '\(topic)'" + (Suggestion.hint(Store.nearest(topic, in: ShellSession.commandNames))))
            }
            output.line("\(c.usage)\n  \(c.summary)")
            return
        }
        output.line("Commands:")
        for c in ShellSession.commands where c.name != "exit" {
            output.line("  \(c.usage.padding(toLength: 38, withPad: " ", startingAt: 0)) \(c.summary)")
        }
        output.line("""
        Anything else is the language: 1 + 2, rate = 0.02, ratings.users = ratings.users[0:100],
        mean(x[x > 0]), describe(model.weights). Type 'functions' for the built-ins; see docs/shell.md.
        """)
    }

    // MARK: Listings

    func listRuns(spins: Bool) throws {
        let (run, _) = try requireRun()
        // A shared store's runs mirrored here are listed with the store's own.
        let runs = try store.runs(flow: run.flow, spins: spins, limit: 20) + (spins ? [] : try store.mirrors(flow: run.flow))
        if runs.isEmpty { output.line(spins ? "no spins" : "no runs"); return }
        for r in runs {
            let mark = r.id == run.id ? "*" : " "
            let params = (r.parameters.keys.map { "\($0)=\(r.parameters[$0]!.summary(width: 20))" }).joined(separator: " ")
            output.line("\(mark) \(r.id.description.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.statusText.padding(toLength: 10, withPad: " ", startingAt: 0)) \(Browse.time(r.started))  \(params)")
        }
    }

    func listSteps() throws {
        let (run, shape) = try requireRun()
        let tasks = try store.tasks(flow: run.flow, run: run.id)
        let width = shape.steps.map(\.name.count).max() ?? 0
        for s in shape.steps {
            let mine = tasks.filter { $0.step == s.name }
            let done = mine.filter { $0.status == .completed }.count
            let failed = mine.filter { $0.status == .failed }.count
            var state = mine.isEmpty ? "did not run" : "\(done)/\(mine.count) completed"
            if failed > 0 { state += ", \(failed) failed" }
            let mark = focus?.step == s.name ? "*" : " "
            output.line("\(mark) \(s.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(state)\(s.isJoin ? "  (join)" : "")")
        }
    }

    func listVariables() {
        if variables.isEmpty { output.line("no variables: focus a step, or assign one (x = 1)"); return }
        let width = variables.keys.map(\.count).max() ?? 0
        for (name, v) in variables {
            let mark = v.changed ? output.mark("*") : " "
            let kind: String
            switch v.source {
            case .artifact: kind = "input"
            case .parameter: kind = "parameter"
            case .splitInput: kind = "split input"
            case .joinInputs: kind = "join inputs"
            case .outputs: kind = "spin outputs"
            case .failure: kind = "failure"
            case .user: kind = "yours"
            }
            var what: String
            if let c = v.current {
                what = c.typedSummary(width: max(30, output.width - width - 20))
                if let spark = sparkline(c, width: 16), what.count + spark.count + width + 20 <= output.width { what += "  " + spark }
            } else if case .artifact(let r) = v.source {
                what = r.summary.hasPrefix(r.type) ? r.summary : "\(r.type) \(r.summary)"
            } else {
                what = output.dim("(not loaded)")
            }
            output.line("\(mark) \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(kind.padding(toLength: 12, withPad: " ", startingAt: 0))  \(what)")
        }
        if variables.values.contains(where: \.changed) { output.line(output.dim("(* changed: spin passes these to the step)")) }
    }

    func reset(_ names: String) throws {
        let list = names.split(separator: " ").map(String.init)
        let targets = list.isEmpty ? variables.filter { $0.value.changed }.map(\.key) : list
        for n in targets {
            guard var v = variables[n] else {
                throw ShellError("no variable '\(n)'" + (Suggestion.hint(nearestVariable(n))))
            }
            guard v.isInput else { throw ShellError("'\(n)' is not an input of the focused step; nothing to reset") }
            v.current = v.original
            v.changed = false
            variables[n] = v
        }
        output.line(targets.isEmpty ? "nothing changed" : "reset \(targets.joined(separator: ", "))")
    }

    // MARK: Spin and diff

    /// Spins the focused step; with `debugCommands` (empty: interactive) under a debugger.
    func spin(debugCommands: String? = nil) throws {
        Trace.mark("shell: spin")
        let (run, _) = try requireRun()
        guard let focus else { throw ShellError("focus a step first: focus STEP") }
        guard let binary = run.binary, FileManager.default.isExecutableFile(atPath: binary) else {
            throw ShellError("the flow binary this run recorded (\(run.binary ?? "none")) is gone: build the flow (swift build) or run it again")
        }
        let dir = store.root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let stem = dir.appendingPathComponent("shell-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        var spin = SpinInvocation(step: focus.step)
        spin.sourceRun = run.id.description
        spin.index = focus.index
        spin.report = stem + ".json"
        spin.store = store.address
        spin.after = focus.after?.description
        if let debugCommands {
            spin.debug = true
            if !debugCommands.isEmpty { spin.debuggerCommands = debugCommands }
            else if !output.isTerminal {
                throw ShellError("debug without a file of commands needs a terminal; debug FILE runs the commands in FILE in batch")
            }
        }
        let changes = try overrides()
        if !changes.isEmpty {
            try changes.write(to: stem + ".spnv")
            spin.overridesFile = stem + ".spnv"
        }
        let args = spin.arguments
        defer {
            try? FileManager.default.removeItem(atPath: stem + ".json")
            try? FileManager.default.removeItem(atPath: stem + ".spnv")
        }
        let out = output
        let status: ExitStatus
        if let spinner {
            status = ExitStatus(code: try spinner([binary] + args), signal: nil)
        } else if debugCommands == "" {
            // The debugger needs the terminal itself: no pipes in between.
            status = try runInTerminal(binary, args)
            _ = EditLineReader.takeInterrupt()
        } else {
            let line: @Sendable (String, Bool) -> Void = { text, isError in isError ? out.error(text) : out.longLine(text) }
            Trace.mark("shell: spin process asked")
            if let ready = takeStandby(for: binary), let done = try? ready.run(args, line: line, interrupted: { EditLineReader.takeInterrupt() }) {
                status = done
            } else {
                // No standby, or one that could not take the spin (nothing ran): a process of its own.
                status = try runStreaming(binary, args, environment: spinEnvironment, line: line,
                                          interrupted: { EditLineReader.takeInterrupt() })
            }
            Trace.mark("shell: spin process ended")
            // The next spin's process starts now, while this one's result is read and shown.
            prepareStandby(binary: binary)
        }
        if let report = try? SpinReport.read(from: stem + ".json"), let spec = report.firstTask {
            lastSpin = (spec, report.firstOriginal)
            variables["out"] = nil
            variables["orig"] = nil
        }
        if status.code == 130 { throw ShellError("spin interrupted") }
        if !status.succeeded { throw ShellError("the spin failed (the flow binary \(status))") }
        lastSpinUsage = status.usage
        if let spin = lastSpin { keepSpin(spin.task, original: spin.original, usage: status.usage) }
        Trace.mark("shell: spin done")
    }

    /// The standby for `binary` when it can still run a spin; a stale one is discarded.
    func takeStandby(for binary: String) -> SpinStandby? {
        defer { standby = nil }
        guard let ready = standby, ready.isCurrent(for: binary) else {
            standby?.discard()
            return nil
        }
        return ready
    }

    /// Starts the flow binary ahead of the next spin (`SPINDLE_STANDBY=0` turns it off).
    func prepareStandby(binary: String) {
        guard spinner == nil, standby == nil || standby?.isCurrent(for: binary) == false,
              getenv("SPINDLE_STANDBY").map({ String(cString: $0) != "0" }) ?? true else { return }
        standby?.discard()
        standby = SpinStandby.start(binary: binary, store: store.address, environment: spinEnvironment)
    }

    func diff(_ args: String) throws {
        let parts = args.split(separator: " ").map(String.init)
        let a: Pathspec, b: Pathspec
        if parts.count <= 1 {
            var spin = lastSpin.map { SessionSpin(task: $0.task, original: $0.original) }
            var which = "the last spin"
            if let name = parts.first {
                guard let n = ShellSession.spinNumber(name) else {
                    throw ShellError("diff takes two tasks (diff run/step/task run/step/task), one spin (diff spin2), or none (the last spin)")
                }
                guard n <= spins.count else { throw ShellError(spins.isEmpty ? "no spins yet" : "there are \(spins.count) spins: spin1 … spin\(spins.count)") }
                spin = spins[n - 1]
                which = name
            }
            guard let spin else { throw ShellError("nothing to diff yet: spin first, or diff A B") }
            guard let original = spin.original else { throw ShellError("\(which) re-ran no task of the run, so there is nothing to compare") }
            a = original
            b = spin.task
        } else {
            guard parts.count == 2 else { throw ShellError("diff takes two tasks: diff run/step/task run/step/task") }
            a = try resolve(parts[0])
            b = try resolve(parts[1])
        }
        let d = try store.diffTasks(old: a, new: b)
        output.line("\(a) → \(b)")
        if d.isEmpty { output.line("  outputs unchanged") }
        for change in d.isEmpty ? [] : d.description.split(separator: "\n") { output.longLine("  " + change) }
    }

    /// A task pathspec, with the loaded flow's name when left out.
    func resolve(_ text: String) throws -> Pathspec {
        if let n = ShellSession.spinNumber(text) {
            guard n <= spins.count else { throw ShellError(spins.isEmpty ? "no spins yet" : "there are \(spins.count) spins: spin1 … spin\(spins.count)") }
            return spins[n - 1].task
        }
        let flow = run?.flow ?? ""
        let full = text.split(separator: "/").count >= 4 ? text : "\(flow)/\(text)"
        return try Pathspec(parsing: full)
    }

    func listOutputs() throws {
        guard let spin = lastSpin else { throw ShellError("no spin yet: focus a step and spin") }
        let arts = try store.artifacts(of: spin.task)
        output.line("outputs of \(spin.task) (as out.NAME):")
        let width = arts.map(\.name.count).max() ?? 0
        for a in arts {
            output.line("  \(a.isOwn ? "*" : " ") \(a.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(a.summary.hasPrefix(a.type) ? a.summary : "\(a.type) \(a.summary)")")
        }
    }

    /// The task a command means when it names none: the last spin's, else
    /// the focused step's task in the run; `question` is the error otherwise.
    func taskInView(or question: String) throws -> Pathspec {
        if let spin = lastSpin { return spin.task }
        if let original = focus?.planned.original { return original.pathspec }
        throw ShellError(question)
    }

    func logs(_ args: String) throws {
        let task: Pathspec
        task = args.isEmpty ? try taskInView(or: "which task? logs run/step/task") : try resolve(args)
        _ = try store.task(task)
        let logs = try store.logs(task: task)
        if logs.isEmpty { output.line("no output recorded for \(task)"); return }
        for l in logs {
            if logs.count > 1 { output.line(output.dim("── attempt \(l.attempt + 1) ──")) }
            for stream in [l.stdout, l.stderr] where !stream.isEmpty {
                var lines = stream.split(separator: "\n", omittingEmptySubsequences: false)
                if lines.last?.isEmpty == true { lines.removeLast() }
                for line in lines { output.line(String(line)) }
            }
        }
    }

    // MARK: Files

    func save(_ args: String) throws {
        guard let space = args.lastIndex(of: " ") else { throw ShellError("save EXPRESSION FILE") }
        let expr = String(args[..<space]).trimmingCharacters(in: .whitespaces)
        let file = String(args[args.index(after: space)...])
        let v = try evaluate(expr, offset: 5)
        do { try Data(v.jsonText(pretty: true).utf8).write(to: URL(fileURLWithPath: file)) } catch {
            throw ShellError("cannot write \(file): \(error.localizedDescription)")
        }
        output.line("saved \(v.typeName) to \(file)")
    }

    func read(_ args: String) throws {
        let parts = args.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, Pathspec.isIdentifier(parts[0]) else { throw ShellError("read NAME FILE") }
        let text: String
        do { text = try String(contentsOfFile: parts[1], encoding: .utf8) } catch {
            throw ShellError("cannot read \(parts[1]): \(error.localizedDescription)")
        }
        let v: Value
        do { v = try Literal.parse(text) } catch { throw ShellError("\(parts[1]) is not JSON: \(error)") }
        try assign(parts[0], path: [], value: v, evaluator: Evaluator(environment: self))
        output.line("\(parts[0]) = \(v.typedSummary(width: output.width - parts[0].count - 3))")
    }
}

extension ShellSession {
    func startRecording(_ file: String) throws {
        guard !file.isEmpty else { throw ShellError("record which file? record FILE") }
        guard recording == nil else { throw ShellError("already recording \(recording!); stop first") }
        var recorder = TranscriptRecorder(path: file, flow: run?.flow)
        let header = try recorder.header(for: self)
        do { try Data(header.utf8).write(to: URL(fileURLWithPath: file)) } catch {
            throw ShellError("cannot write \(file): \(error.localizedDescription)")
        }
        self.recorder = recorder
        // What is recorded is what replay will see: no colour, 100 columns.
        output.setPlain(true)
        output.line("recording to \(file) (output as off a terminal until stop); stop ends")
    }
}

/// Thrown by `quit` to end the loop.
struct ShellQuit: Error {}
