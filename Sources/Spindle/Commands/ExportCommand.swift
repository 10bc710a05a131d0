import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue
import OrderedCollections

/// `export`: artifacts to files any tool opens.
struct ExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case npy, npz, json
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write artifacts to files other tools open: .npy, .npz or JSON.",
        discussion: """
        An artifact's pathspec (\(PathspecScope.taskForm)/name) writes that value: --format npy for a numeric \
        array (numpy.load reads it), json for any value (the mapping in docs/artifact-format.md's JSON section: \
        NaN as "NaN", bytes as base64). A task's pathspec writes all its artifacts: npz (each numeric array as \
        NAME.npy, the others left out and named) or json (an object of them). Parquet: no writer is available \
        to Spindle here; read the arrays with the Python client (python/) and write them with pandas.
        """)
    @Argument(help: "An artifact or a task.") var pathspec: String
    @Option(help: "npy, npz or json (default: npy for a numeric artifact, npz for a task, json otherwise).") var format: Format?
    @Option(name: .shortAndLong, help: "The file to write (default: named after the pathspec, here; - for standard output).")
    var out: String?
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try PathspecScope.qualify(pathspec)
        let store = try storeOptions.open(creating: false)
        guard spec.task != nil else { throw ValidationError("export takes an artifact or a task: \(PathspecScope.taskForm)[/name]") }
        let task = try store.task(Pathspec(flow: spec.flow, run: spec.run, step: spec.step, task: spec.task))
        let artifacts = try store.artifacts(of: task.pathspec)
        let stem = [spec.flow, spec.run?.description, spec.step, spec.task.map(String.init), spec.artifact].compactMap { $0 }.joined(separator: "_")
        let bytes: [UInt8]
        let chosen: Format
        var note: String?
        if let name = spec.artifact {
            guard let record = artifacts.first(where: { $0.name == name }) else {
                throw StoreError.noSuch("artifact '\(name)' in \(task.pathspec)", suggestion: Suggestion.nearest(name, in: artifacts.map(\.name)))
            }
            let value = try store.load(record)
            chosen = format ?? (value.isNumeric ? .npy : .json)
            switch chosen {
            case .npy:
                guard case .numeric(let array) = value else {
                    throw ValidationError("\(name) is \(value.typeName), not a numeric array: use --format json")
                }
                bytes = NumpyFiles.npy(array)
            case .json: bytes = Array(value.jsonText(pretty: true).utf8) + [10]
            case .npz: throw ValidationError("--format npz writes a task's arrays; give the task, \(task.pathspec)")
            }
        } else {
            chosen = format ?? .npz
            switch chosen {
            case .npz:
                var files: [(String, [UInt8])] = []
                var skipped: [String] = []
                for record in artifacts {
                    if case .numeric(let array) = try store.load(record) { files.append((record.name + ".npy", NumpyFiles.npy(array))) } else { skipped.append(record.name) }
                }
                bytes = try NumpyFiles.npz(files)
                if !skipped.isEmpty { note = "left out (not numeric arrays; use --format json): \(skipped.joined(separator: ", "))" }
            case .json:
                let object = Value.object(.init(try artifacts.map { ($0.name, try store.load($0)) }, uniquingKeysWith: { a, _ in a }))
                bytes = Array(object.jsonText(pretty: true).utf8) + [10]
            case .npy: throw ValidationError("--format npy writes one array; name it: \(task.pathspec)/NAME")
            }
        }
        let target = out ?? "\(stem).\(chosen.rawValue)"
        if target == "-" {
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            do { try Data(bytes).write(to: URL(fileURLWithPath: target)) } catch {
                throw ValidationError("cannot write \(target): \(error.localizedDescription)")
            }
            FileHandle.standardError.write(Data("wrote \(target) (\(NumberFormatting.count(bytes.count)) bytes)\n".utf8))
        }
        if let note { FileHandle.standardError.write(Data("\(note)\n".utf8)) }
    }
}

extension Value {
    var isNumeric: Bool { if case .numeric = self { true } else { false } }
}
