import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// The step named, or the one whose body holds `FILE:LINE`.
func resolveStep(_ step: String?, at: String?, graph: FlowGraph) throws -> String {
    if let at {
        guard step == nil else { throw ValidationError("give a step or --at FILE:LINE, not both") }
        guard let colon = at.lastIndex(of: ":"), let line = Int(at[at.index(after: colon)...]), line > 0 else {
            throw ValidationError("--at \(at): expected FILE:LINE, like Sources/MyFlow/main.swift:42")
        }
        do { return try graph.shape.step(at: String(at[..<colon]), line: line).name } catch {
            throw ValidationError("--at \(at): \(error)")
        }
    }
    guard let step else { throw ValidationError("which step? give its name, or --at FILE:LINE") }
    return step
}

/// Rebuilds the flow binary when its sources changed, then runs the new one
/// with the same arguments. Returns when no rebuild was needed.
func rebuildIfStale(graph: FlowGraph) throws {
    let env = ProcessInfo.processInfo.environment
    guard !ListeningStandby.sourcesChecked, env["SPINDLE_REBUILT"] == nil, env["SPINDLE_NO_REBUILD"] == nil,
          let build = FlowBuild.locate(binary: currentExecutable(), flowFile: graph.flow.file), build.isStale() else { return }
    FileHandle.standardError.write(Data("sources changed: rebuilding \(build.product)…\n".utf8))
    do { try build.rebuild() } catch let f as FlowBuild.Failure {
        FileHandle.standardError.write(Data((f.output + "\nerror: the build failed; nothing was run\n").utf8))
        throw ExitCode.failure
    }
    setenv("SPINDLE_REBUILT", "1", 1)
    let argv = Spindle.commandLine.map { strdup($0) } + [nil]
    execv(build.binary, argv)
    throw ValidationError("cannot run the rebuilt \(build.binary): \(FileIO.lastError)")
}
