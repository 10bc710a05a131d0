import ArgumentParser
import Foundation
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// Parses `--set` and `--set-file` arguments into overrides for all parents
/// (`name=value`) and for one parent of a join (`inputs[N].name=value`).
struct OverrideParser {
    var overrides = SpinOverrides()

    mutating func add(_ argument: String, fromFile: Bool) throws {
        let flag = fromFile ? "--set-file" : "--set"
        guard let eq = argument.firstIndex(of: "=") else {
            throw ValidationError("\(flag) \(argument): expected name=\(fromFile ? "FILE.json" : "value")")
        }
        let name = String(argument[..<eq])
        let rest = String(argument[argument.index(after: eq)...])
        var parent: Int?
        var artifact = name
        if name.hasPrefix("inputs[") {
            guard let close = name.firstIndex(of: "]"), let n = Int(name[name.index(name.startIndex, offsetBy: 7)..<close]),
                  name[name.index(after: close)...].hasPrefix(".") else {
                throw ValidationError("\(flag) \(argument): a join's parent is named inputs[N].name")
            }
            parent = n
            artifact = String(name[name.index(close, offsetBy: 2)...])
        }
        guard Pathspec.isIdentifier(artifact) else {
            throw ValidationError("\(flag) \(argument): '\(artifact)' is not an artifact or parameter name")
        }
        let text: String
        if fromFile {
            do { text = try String(contentsOfFile: rest, encoding: .utf8) } catch {
                throw ValidationError("\(flag) \(argument): cannot read \(rest): \(error.localizedDescription)")
            }
        } else {
            text = rest
        }
        let value: Value
        do { value = try Literal.parse(text) } catch {
            if fromFile { throw ValidationError("\(flag) \(argument): \(rest) is not a value (JSON or a literal): \(error)") }
            throw ValidationError("\(flag) \(name)=…: not a value\n" + error.pointing(at: text, indent: "  "))
        }
        if let parent { overrides.byInput[parent, default: [:]][artifact] = value } else { overrides.all[artifact] = value }
    }

    /// Overrides from a file of ``SpinOverrides`` (how the shell and the MCP
    /// server hand their changed values to spin).
    mutating func add(contentsOf path: String) throws {
        let read: SpinOverrides
        do { read = try SpinOverrides.read(from: path) } catch { throw ValidationError("--overrides-file \(path): \(error)") }
        overrides.all.merge(read.all) { _, b in b }
        for (i, o) in read.byInput { overrides.byInput[i, default: [:]].merge(o) { _, b in b } }
    }
}
