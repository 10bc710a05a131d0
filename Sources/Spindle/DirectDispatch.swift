import ArgumentParser
import Foundation
import SpindleFlow

/// Starts a subcommand without building the root command's whole tree.
///
/// `Root.main(arguments)` reflects over every subcommand of the root (ten of
/// them for a flow binary) and checks for a completion-script request before
/// it looks at the first word: 2–4 ms of a fresh process's time, most of it
/// the Swift runtime's first protocol-conformance lookups. A spin, a run or a
/// listing pays that every time, and a spin's whole round trip is about 25 ms.
///
/// So when the first word names a leaf subcommand and nothing asks for help,
/// only that subcommand's arguments are parsed, with the same parser and the
/// same validation. Anything else — help, a mistake, an unknown word — goes
/// through `Root.main`, so errors and help read exactly as before; so does
/// any error the command throws while running.
enum DirectDispatch {
    /// Runs `arguments` as `Root` would, parsing only the named subcommand's
    /// arguments when that is enough. Does not return.
    static func main<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) -> Never {
        if var command = parsedLeaf(root, arguments) {
            Trace.mark("parsed \(arguments[0]) directly")
            run(root) { try command.run() }
        }
        Root.main(arguments)
        Root.exit()
    }

    /// Runs `body` as `Root` runs a command: exits 0 when it returns, and
    /// reports a thrown error (and exits with its status) as `Root.main` would.
    static func run<Root: ParsableCommand>(_ root: Root.Type, _ body: () throws -> Void) -> Never {
        do {
            try body()
            SpinEnd.code = 0
            Root.exit()
        } catch let status as ExitCode {
            // A status of the command's own (a run's outcome) has nothing to print, but
            // ArgumentParser builds the root's help to find that out: 0.5 ms at the end of every run.
            SpinEnd.code = status.rawValue
            exit(status.rawValue)
        } catch {
            SpinEnd.code = Root.exitCode(for: error).rawValue
            Root.exit(withError: error)
        }
    }

    /// The subcommand that `arguments` names, parsed, or nil when the root's
    /// own parser should handle them (help, errors, nested subcommands).
    static func parsedLeaf<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first, !arguments.contains(where: asksForHelp),
              let leaf = root.configuration.subcommands.first(where: { $0._commandName == name }),
              leaf.configuration.subcommands.isEmpty
        else { return nil }
        return try? leaf.parse(Array(arguments.dropFirst()))
    }

    /// Whether `argument` asks ArgumentParser for help, which only the root prints in full.
    static func asksForHelp(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument == "-help" || argument == "help"
            || argument.hasPrefix("--generate-completion") || argument.hasPrefix("--experimental")
    }
}
