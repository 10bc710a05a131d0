import Foundation

extension FlowShape {
    /// Why a file and line name no step.
    public struct PlaceError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The step whose body holds `line` of `file`: the last step declared at or
    /// before that line in that file. `file` may be absolute, or relative to
    /// the working directory or to the package (it is matched by its end).
    public func step(at file: String, line: Int) throws(PlaceError) -> StepShape {
        let wanted = URL(fileURLWithPath: file).standardizedFileURL.path
        let inFile = steps.filter { s in
            let path = URL(fileURLWithPath: s.file).standardizedFileURL.path
            return path == wanted || path.hasSuffix("/" + file) || wanted.hasSuffix(path)
        }
        guard !inFile.isEmpty else {
            let files = Set(steps.map { URL(fileURLWithPath: $0.file).lastPathComponent }).sorted()
            throw PlaceError(description: "\(file) declares no step of \(name); its steps are in \(files.joined(separator: ", "))")
        }
        let ordered = inFile.sorted { $0.line < $1.line }
        guard let step = ordered.last(where: { $0.line <= line }) else {
            throw PlaceError(description: "line \(line) of \(file) is not inside a step; the first one, '\(ordered[0].name)', begins at line \(ordered[0].line)")
        }
        return step
    }
}
