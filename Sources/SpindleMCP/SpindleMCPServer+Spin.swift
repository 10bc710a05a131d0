import Foundation
import MCP
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue
import OrderedCollections

/// The `spin` tool: a spin of the flow binary the run recorded, through
/// spin's own contract (`SpinInvocation`, `SpinOverrides`), stoppable.
extension SpindleMCPServer {
    static func spin(_ args: Arguments, store: Store, spins: SpinProcesses) async throws -> (String, Bool) {
        let f = try focus(args, store: store)
        guard let binary = f.run.binary, FileManager.default.isExecutableFile(atPath: binary) else {
            throw ToolError("the flow binary this run recorded (\(f.run.binary ?? "none")) is gone: build the flow first")
        }
        var overrides: [(String, ArtifactValue)] = []
        if case .object(let o)? = args.values["overrides"] {
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                guard Pathspec.isIdentifier(k) || k.hasPrefix("inputs[") else {
                    throw ToolError("argument 'overrides': \(named(k)) is not an input or parameter name")
                }
                if let s = v.stringValue {
                    do { overrides.append((k, try Literal.parse(s))) } catch { overrides.append((k, .string(s))) }
                } else {
                    overrides.append((k, try convert(v)))
                }
            }
        }
        var spin = SpinInvocation(step: f.step)
        spin.sourceRun = f.run.id.description
        spin.index = f.index
        spin.store = store.address
        spin.quiet = true
        spin.after = f.after?.description
        var file: String?
        defer { if let file { try? FileManager.default.removeItem(atPath: file) } }
        if !overrides.isEmpty {
            let spinOverrides: SpinOverrides
            do { spinOverrides = try SpinOverrides(value: .object(.init(overrides, uniquingKeysWith: { _, b in b }))) } catch {
                throw ToolError("argument 'overrides': \(error)")
            }
            let dir = store.root.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("mcp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).spnv").path
            file = path
            try spinOverrides.write(to: path)
            spin.overridesFile = path
        }
        let result = try await spins.run(binary, spin.arguments, store: store.address)
        if result.stopped { throw CancellationError() }
        let failed = !result.status.succeeded
        return (result.output + (failed ? "\n(the spin \(result.status))" : ""), failed)
    }

    static func convert(_ v: MCP.Value) throws -> ArtifactValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return Literal.packed(try a.map(convert))
        case .object(let o): return .object(.init(try o.sorted { $0.key < $1.key }.map { ($0.key, try convert($0.value)) }, uniquingKeysWith: { a, _ in a }))
        default: throw ToolError("an override value must be JSON (null, bool, number, string, array or object)")
        }
    }
}
