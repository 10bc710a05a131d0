import SpindleValue
import SpindleStore

/// Why a flow cannot run as written: found by ``FlowGraph/init(_:)`` before
/// anything runs. Each message says what is wrong and where.
public enum GraphError: Error, Equatable, Sendable, CustomStringConvertible {
    case badFlowName(String)
    case badStepName(String, line: Int)
    case duplicateStep(String, lines: [Int])
    case badParameterName(String)
    case duplicateParameter(String)
    case reservedParameter(String)
    case noStart
    case noEnd
    case endHasNext
    case noNext(step: String, line: Int)
    case unknownTarget(step: String, target: String, suggestion: String?)
    case intoStart(step: String)
    case badForeachArtifact(step: String, artifact: String)
    case branchTooNarrow(step: String)
    case unreachable(step: String, line: Int)
    case cycle(step: String)
    case notAJoin(step: String, parents: [String])
    case joinClosesNothing(step: String, parent: String)
    case joinMixesSplits(step: String)
    case joinMissingBranches(step: String, split: String, ways: Int, parents: Int)
    case foreachIntoJoin(step: String)
    case neverJoined(split: String, kind: String)

    public var description: String {
        switch self {
        case .badFlowName(let n): "flow name '\(n)' is not an identifier (letters, digits and _, not starting with a digit)"
        case .badStepName(let n, let line): "step name '\(n)' (line \(line)) is not an identifier (letters, digits and _, not starting with a digit)"
        case .duplicateStep(let n, let lines): "step '\(n)' is defined more than once (lines \(lines.map(String.init).joined(separator: ", ")))"
        case .badParameterName(let n): "parameter name '\(n)' is not an identifier"
        case .duplicateParameter(let n): "parameter '\(n)' is defined more than once"
        case .reservedParameter(let n): "parameter name '\(n)' is reserved for the command line; choose another"
        case .noStart: "the flow has no step 'start': every flow begins there"
        case .noEnd: "the flow has no step 'end': every flow finishes there"
        case .endHasNext: "step 'end' has a next step; 'end' finishes the flow"
        case .noNext(let s, let line): "step '\(s)' (line \(line)) has no next step; only 'end' may finish the flow (add next: .to(...))"
        case .unknownTarget(let s, let t, let sug):
            "step '\(s)' goes to '\(t)', which is not a step of this flow" + (Suggestion.hint(sug))
        case .intoStart(let s): "step '\(s)' goes to 'start'; nothing may go back to start"
        case .badForeachArtifact(let s, let a): "step '\(s)' loops over '\(a)', which is not an artifact name (an identifier)"
        case .branchTooNarrow(let s): "step '\(s)' branches to fewer than two steps; use .to(...) for one"
        case .unreachable(let s, let line): "step '\(s)' (line \(line)) is unreachable from start"
        case .cycle(let s): "the graph has a cycle through step '\(s)'"
        case .notAJoin(let s, let parents):
            "step '\(s)' has several parents (\(parents.joined(separator: ", "))) but is not a join; declare it with Join(\"\(s)\", ...)"
        case .joinClosesNothing(let s, let p): "join '\(s)' closes nothing: its parent '\(p)' is not inside a branch or foreach"
        case .joinMixesSplits(let s): "join '\(s)' joins steps from different splits"
        case .joinMissingBranches(let s, let split, let ways, let parents):
            "join '\(s)' closes the branch at '\(split)', which splits \(ways) ways, but \(parents) step\(parents == 1 ? "" : "s") go\(parents == 1 ? "es" : "") to it"
        case .foreachIntoJoin(let s): "step '\(s)' loops straight into a join; a foreach needs a step to run for each element"
        case .neverJoined(let split, let kind): "the \(kind) at '\(split)' is never joined before 'end'; add a Join after its steps"
        }
    }
}

/// Errors while running a flow or reading its artifacts in a step.
public enum FlowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A step asked for an artifact its inputs do not have.
    case missingArtifact(name: String, step: String, available: [String])
    /// An artifact exists but is not of the type asked for.
    case mistypedArtifact(name: String, step: String, reason: String)
    /// A parameter read as another type than it has.
    case mistypedParameter(name: String, step: String, reason: String)
    /// A step asked for a parameter the flow does not declare.
    case unknownParameter(name: String, known: [String])
    /// A parameter value that does not parse.
    case badParameter(name: String, value: String, expected: String)
    /// `input()` outside a foreach.
    case noInput(step: String)
    /// `inputs` outside a join.
    case notAJoin(step: String)
    /// A foreach over an artifact the step did not set.
    case foreachArtifactMissing(step: String, artifact: String, available: [String])
    /// A foreach over something that is not a sequence.
    case foreachNotSequence(step: String, artifact: String, type: String)
    /// An artifact that could not be encoded.
    case unencodable(name: String, step: String, reason: String)
    /// An artifact name that is not an identifier.
    case badArtifactName(String, step: String)
    /// A command-line mistake.
    case usage(String)

    public var description: String {
        switch self {
        case .missingArtifact(let n, let s, let avail):
            let sug = Suggestion.hint(Store.nearest(n, in: avail))
            return "step '\(s)' has no input artifact '\(n)'\(sug); it has: \(avail.isEmpty ? "none" : avail.joined(separator: ", "))"
        case .mistypedArtifact(let n, let s, let r): return "step '\(s)': artifact '\(n)' is not of the type asked for: \(r)"
        case .mistypedParameter(let n, let s, let r): return "step '\(s)': parameter '\(n)' is not of the type asked for: \(r)"
        case .unknownParameter(let n, let known):
            return "no parameter '\(n)'; the flow declares: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .badParameter(let n, let v, let e): return "parameter --\(n): '\(v)' is not \(e)"
        case .noInput(let s): return "step '\(s)' is not inside a foreach, so it has no input(); read artifacts by name instead"
        case .notAJoin(let s): return "step '\(s)' is not a join, so it has no inputs; read artifacts by name instead"
        case .foreachArtifactMissing(let s, let a, let avail):
            return "step '\(s)' loops over '\(a)' but did not set it; it set: \(avail.isEmpty ? "nothing" : avail.joined(separator: ", "))"
        case .foreachNotSequence(let s, let a, let t):
            return "step '\(s)' loops over '\(a)', which is \(t), not a sequence (an array)"
        case .unencodable(let n, let s, let r): return "step '\(s)': artifact '\(n)' cannot be stored: \(r)"
        case .badArtifactName(let n, let s): return "step '\(s)': '\(n)' is not a valid artifact name (letters, digits and _)"
        case .usage(let m): return m
        }
    }
}
