import Foundation
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue
import OrderedCollections

/// An error inside a line, with the column the mistake starts at (relative to the line).
struct LocatedError: Error {
    let message: String
    let column: Int
}

extension ShellSession {
    /// Symbols after a command word that make the line an expression instead
    /// (`graph = 3`, `runs.count`, `logs[0]`).
    static let expressionContinuers: Set<String> = ["=", ".", "[", "(", "+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&&", "||"]

    /// Runs one line: a command, an assignment or an expression. Returns
    /// false when it failed (the error is already printed); throws only
    /// ``ShellQuit``-like ends through `quit`.
    @discardableResult
    public func execute(_ rawLine: String) -> Bool {
        let line = rawLine.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty, !line.hasPrefix("#") else { return true }
        historyLines.append(line)
        let word = line.split(separator: " ").first.map(String.init) ?? ""
        let recordThis = recording != nil && word != "record" && word != "stop"
        if recordThis { output.startRecording() }
        defer {
            if recordThis, var recorder {
                let body = recorder.entry(input: line, output: output.stopRecording())
                self.recorder = recorder
                if let h = FileHandle(forWritingAtPath: recorder.path) { h.seekToEndOfFile(); h.write(Data(body.utf8)); try? h.close() }
            }
        }
        do {
            try perform(line)
            return true
        } catch is ShellQuit {
            quitRequested = true
            return true
        } catch let e as LocatedError {
            output.error(SyntaxError(e.message, column: e.column).pointing(at: line, indent: "  "))
        } catch let e as ShellError {
            if let c = e.column { output.error(SyntaxError(e.message, column: c).pointing(at: line, indent: "  ")) } else { output.error("error: \(e.message)") }
        } catch {
            output.error("error: \(error)")
        }
        return false
    }

    func perform(_ line: String) throws {
        // IPython's introspection: ?name and ??step.
        if line.hasPrefix("??") { return try showSource(String(line.dropFirst(2))) }
        if line.hasPrefix("?") { return try info(String(line.dropFirst()), offset: 1) }
        // A command: its name, then anything but an operator. Only the first two
        // tokens matter here: a command's arguments (paths, say) need not lex.
        var lexer = Lexer(line)
        if let first = try? lexer.next(), case .identifier(let word) = first.kind,
           let command = ShellSession.commands.first(where: { $0.name == word }) {
            var isCommand = true
            if let second = try? lexer.next(), case .symbol(let s) = second.kind,
               ShellSession.expressionContinuers.contains(s), variables[word] != nil || s == "=" {
                isCommand = false
            }
            if isCommand {
                let rest = String(line.dropFirst(word.count)).trimmingCharacters(in: .whitespaces)
                try command.run(self, rest)
                return
            }
        }
        let tokens: [Token]
        do { tokens = try Parser.tokenize(line) } catch { throw LocatedError(message: error.message, column: error.column) }
        let statement: Statement
        var parser = Parser(tokens: tokens)
        do { statement = try parser.parsedStatement() } catch { throw LocatedError(message: error.message, column: error.column) }
        let evaluator = Evaluator(environment: self, interruption: interruption)
        switch statement {
        case .assign(let name, let path, let expr, let column):
            if path.isEmpty, ShellSession.commandNames.contains(name) {
                throw LocatedError(message: "'\(name)' is a command; choose another name", column: column)
            }
            if path.isEmpty, variables[name] == nil, ShellSession.implicitName(name) {
                throw LocatedError(message: "'\(name)' is the shell's own (_N are results, spinN spins, out and orig the last spin's outputs); choose another name", column: column)
            }
            if path.isEmpty, Evaluator.functionNames.contains(name) {
                throw LocatedError(message: "'\(name)' is a function; choose another name", column: column)
            }
            let value: Value
            do { value = try evaluator.evaluate(expr) } catch { throw located(error) }
            // The summary is made before assigning: a Ctrl-C while either takes long leaves the variable as it was.
            let summary = value.typedSummary(width: max(30, output.width - name.count - 10))
            try checkInterruption()
            do { try assign(name, path: path, value: value, evaluator: evaluator) } catch let e as EvalError {
                throw located(e)
            }
            output.line("\(name)\(pathText(path)) = \(summary)"
                        + (variables[name]?.isInput == true && variables[name]?.changed == true ? output.dim("  (changed)") : ""))
        case .expression(let expr):
            if case .call(let name, let args, let column) = expr, Evaluator.drawing[name] != nil {
                return try draw(name, args, line: line, column: column)
            }
            // A lone unknown word may be a mistyped command.
            if case .variable(let name, let column) = expr, variables[name] == nil, !ShellSession.implicitName(name) {
                let candidates = ShellSession.commandNames + variableNames
                let hint = Suggestion.hint(Store.nearest(name, in: candidates))
                throw LocatedError(message: "no command or variable '\(name)'\(hint); type help", column: column)
            }
            let v: Value
            do { v = try evaluator.evaluate(expr) } catch { throw located(error) }
            var text = v.rendered(width: output.width, lines: 30)
            // describe(x) shows the distribution's shape too.
            if case .call("describe", let args, _) = expr, args.count == 1, !args[0].containsCall,
               let n = ShellSession.numeric((try? Evaluator(environment: self).evaluate(args[0])) ?? .null),
               let shape = ShellSession.distribution(n) {
                text += "\nshape  " + shape
            }
            try checkInterruption()
            output.line(text)
            results.keep(v, line: historyLines.count)
        }
    }

    /// An evaluation error as the shell reports it: an interruption plainly, a mistake with its caret.
    func located(_ error: EvalError) -> any Error {
        error.isInterruption ? ShellError("interrupted (Ctrl-C): nothing was assigned") : LocatedError(message: error.message, column: error.column)
    }

    /// Throws the interruption error when Ctrl-C was pressed while the line ran.
    func checkInterruption() throws {
        do { try interruption.check(column: 0) } catch { throw located(error) }
    }

    func pathText(_ path: [PathStep]) -> String {
        path.map { step -> String in
            switch step {
            case .member(let m, _): return ".\(m)"
            case .index(.literal(let v, _), _): return "[\(v.summary(width: 20))]"
            case .index: return "[…]"
            }
        }.joined()
    }

    /// Evaluates `text` (part of a line starting at `offset`, for error columns).
    func evaluate(_ text: String, offset: Int) throws -> Value {
        do {
            return try Evaluator(environment: self, interruption: interruption).evaluate(try Parser.expression(text))
        } catch let e as EvalError where e.isInterruption {
            throw located(e)
        } catch let e as SyntaxError {
            throw LocatedError(message: e.message, column: e.column + offset)
        } catch let e as EvalError {
            throw LocatedError(message: e.message, column: e.column + offset)
        }
    }
}
