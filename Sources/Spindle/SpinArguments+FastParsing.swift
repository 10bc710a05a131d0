/// A hand parser for the plain `spin` command lines that people, the shell
/// and the MCP server write, because ArgumentParser's reflection over
/// `SpinCommand`'s twenty options (and its completion-script check) was the
/// largest single cost of a spin's command process.
///
/// It accepts only what it is sure ArgumentParser reads the same way: one
/// step name; `--name value` or `--name=value` for the known options, each
/// singular option at most once; the known flags, each at most once. Anything
/// else — help, `--`, a short option, a value that looks like an option, a
/// number that does not parse, an unknown name — gives nil, and the command
/// line goes to ArgumentParser, which parses it or explains what is wrong.
/// `SpinArgumentsTests` checks the two parsers agree.
extension SpinArguments {
    /// Parses `arguments` (the words after `spin`), or returns nil when
    /// ArgumentParser should.
    init?(fastParsing arguments: [String]) {
        self.init()
        var seen: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            i += 1
            guard word.hasPrefix("--") else {
                // A step name; a short option or a second positional is ArgumentParser's to judge.
                guard !word.hasPrefix("-"), step == nil, !word.isEmpty, word != "help" else { return nil }
                step = word
                continue
            }
            var name = String(word.dropFirst(2))
            var attached: String?
            if let eq = name.firstIndex(of: "=") {
                attached = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if let flag = Self.flag(name) {
                guard attached == nil, Self.first(name, &seen) else { return nil }
                self[keyPath: flag] = true
                continue
            }
            // Every other option takes a value, attached or the next word.
            let value: String
            if let attached {
                value = attached
            } else {
                guard i < arguments.count, !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            }
            switch name {
            case "set": sets.append(value)
            case "set-file": setFiles.append(value)
            default:
                guard Self.first(name, &seen) else { return nil }
                switch name {
                case "at": at = value
                case "run": sourceRun = value
                case "task": task = value
                case "after": after = value
                case "overrides-file": overridesFile = value
                case "report": report = value
                case "store": store = value
                case "index":
                    guard let address = try? SplitAddress(parsing: value) else { return nil }
                    index = address
                case "max-workers":
                    guard let n = Int(value) else { return nil }
                    maxWorkers = n
                case "atol", "rtol":
                    guard let x = Double(value), x.isFinite else { return nil }
                    if name == "atol" { atol = x } else { rtol = x }
                default:
                    return nil
                }
            }
        }
    }

    /// The flag `spin` takes by the long name `name`, if it is one.
    private static func flag(_ name: String) -> WritableKeyPath<SpinArguments, Bool>? {
        switch name {
        case "all-splits": \.allSplits
        case "with-decorators": \.withDecorators
        case "no-timeout": \.noTimeout
        case "json": \.json
        case "fail-on-diff": \.failOnDiff
        case "no-rebuild": \.noRebuild
        case "quiet": \.quiet
        default: nil
        }
    }

    /// Whether `name` is met for the first time; notes it.
    private static func first(_ name: String, _ seen: inout [String]) -> Bool {
        if seen.contains(name) { return false }
        seen.append(name)
        return true
    }
}
