import Foundation
import Synchronization
import SpindleStore
import SpindleValue

/// What a step's body works with: its inputs (the parent tasks' artifacts,
/// the run's parameters, a foreach split's element) and the artifacts it sets.
///
/// ```swift
/// Step("train", next: .to("pick")) { task in
///     let rate: Double = try task.input()
///     let ratings: Ratings = try task.artifact("ratings")
///     task["model"] = Model.fit(ratings, rate: rate, epochs: try task.parameter("epochs"))
/// }
/// ```
///
/// Reading a missing or mistyped artifact throws an error naming it, the
/// step, and the artifacts that do exist.
public final class TaskContext: Sendable {
    /// This task: `Flow/run/step/task` (the run is `spin-N` in a spin).
    public let pathspec: Pathspec
    /// The attempt (0 for the first; more after retries).
    public let attempt: Int
    /// Whether this task runs as a spin rather than in a production run.
    public let isSpin: Bool
    /// The step's name.
    public let stepName: String
    let isJoin: Bool
    let parameters: [String: Value]
    let parameterNames: [String]
    let parents: [InputTask]
    /// The foreach this task is a split of: the artifact looped over, and which element.
    let foreach: (artifact: String, index: Int)?
    /// The step's own card: markdown, tables, images, charts, progress, saved with the task (``TaskCard``).
    public let card: TaskCard

    struct State {
        var own: [(String, Value)] = []
        var merged: [ArtifactRecord] = []
        /// Merged artifacts that a spin's overrides gave every input the same value of.
        var mergedOverrides: [(String, Value)] = []
        var problems: [FlowError] = []
        /// The parameters the body read, recorded with the task for resume.
        var parametersRead: Set<String> = []
    }
    let state = Mutex(State())

    init(pathspec: Pathspec, attempt: Int, isSpin: Bool, step: Step, parameters: [(String, Value)],
         parents: [InputTask], foreach: (artifact: String, index: Int)?) {
        self.pathspec = pathspec
        self.attempt = attempt
        self.isSpin = isSpin
        self.stepName = step.name
        self.isJoin = step.isJoin
        self.parameters = Dictionary(parameters, uniquingKeysWith: { _, b in b })
        self.parameterNames = parameters.map(\.0)
        self.parents = parents
        self.foreach = foreach
        self.card = TaskCard(title: pathspec.description, subtitle: step.name)
    }

    // MARK: Setting artifacts

    /// Sets artifact `name` (any `Encodable`); reading it back gives its ``Value``.
    /// Encoding happens at once; a value that cannot be encoded fails the task
    /// when the step ends, with an error naming the artifact.
    public subscript(name: String) -> (any Encodable & Sendable)? {
        get {
            let v: Value? = state.withLock { s in s.own.last(where: { $0.0 == name })?.1 }
            return v
        }
        set {
            guard let newValue else { remove(name); return }
            set(name, newValue)
        }
    }

    /// Sets artifact `name` to `value`.
    public func set<T: Encodable>(_ name: String, _ value: T) {
        guard Pathspec.isIdentifier(name) else {
            state.withLock { $0.problems.append(.badArtifactName(name, step: stepName)) }
            return
        }
        do {
            let v = try ValueEncoder().encode(value)
            state.withLock { s in
                s.own.removeAll { $0.0 == name }
                s.own.append((name, v))
            }
        } catch {
            state.withLock { $0.problems.append(.unencodable(name: name, step: stepName, reason: "\(error)")) }
        }
    }

    /// Drops artifact `name` from this task's outputs.
    public func remove(_ name: String) {
        state.withLock { $0.own.removeAll { $0.0 == name } }
    }

    // MARK: Reading inputs

    /// The value of artifact `name`: as set by this step, else from its parent
    /// (a join has no single parent: use ``inputs``, or ``mergeArtifacts(except:)`` first).
    public func value(_ name: String) throws -> Value {
        let own: Value? = state.withLock { s in
            s.own.last(where: { $0.0 == name })?.1 ?? s.mergedOverrides.first(where: { $0.0 == name })?.1
        }
        if let own { return own }
        if let merged = state.withLock({ s in s.merged.first { $0.name == name } }),
           let p = parents.first(where: { $0.pathspec == merged.task }), let v = try p.value(name) {
            return v
        }
        if !isJoin, let parent = parents.first, let v = try parent.value(name) { return v }
        throw FlowError.missingArtifact(name: name, step: stepName, available: availableNames)
    }

    /// Artifact `name` as a `T`.
    public func artifact<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let v = try value(name)
        do { return try ValueDecoder(rootPath: name).decode(T.self, from: v) } catch let e as ValueDecodingError {
            throw FlowError.mistypedArtifact(name: name, step: stepName, reason: e.description)
        }
    }

    /// Whether artifact `name` can be read.
    public func has(_ name: String) -> Bool { availableNames.contains(name) }

    /// The names of the artifacts this step can read, own ones included.
    public var availableNames: [String] {
        var names = state.withLock { s in s.own.map(\.0) + s.merged.map(\.name) + s.mergedOverrides.map(\.0) }
        if !isJoin, let parent = parents.first { names += parent.artifactNames }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }.sorted()
    }

    /// Run parameter `name` as a `T`.
    public func parameter<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let v = parameters[name] else { throw FlowError.unknownParameter(name: name, known: parameterNames) }
        state.withLock { _ = $0.parametersRead.insert(name) }
        do { return try ValueDecoder(rootPath: name).decode(T.self, from: v) } catch let e as ValueDecodingError {
            throw FlowError.mistypedParameter(name: name, step: stepName, reason: e.description)
        }
    }

    /// The split's index in the innermost foreach around this step (`nil` outside any foreach).
    public var index: Int? { foreach?.index }

    /// This split's element of the sequence the enclosing foreach loops over.
    public func input<T: Decodable>(as type: T.Type = T.self) throws -> T {
        guard let (artifact, index) = foreach else { throw FlowError.noInput(step: stepName) }
        // A spin may replace the element itself: --set input=…
        if let replaced = parents.first?.overrides["input"] {
            do { return try ValueDecoder(rootPath: "input").decode(T.self, from: replaced) } catch let e as ValueDecodingError {
                throw FlowError.mistypedArtifact(name: "input", step: stepName, reason: e.description)
            }
        }
        let seq = try value(artifact)
        guard let element = seq[index] else {
            throw FlowError.mistypedArtifact(name: artifact, step: stepName,
                                             reason: "it has no element \(index) (it is \(seq.typeName) of \(seq.count ?? 0))")
        }
        do { return try ValueDecoder(rootPath: "input").decode(T.self, from: element) } catch let e as ValueDecodingError {
            throw FlowError.mistypedArtifact(name: "input", step: stepName, reason: e.description)
        }
    }

    /// A join's parent tasks, one per split, in split order.
    public var inputs: [InputTask] {
        get throws {
            guard isJoin else { throw FlowError.notAJoin(step: stepName) }
            return parents
        }
    }

    /// Carries over, from a join's parents, every artifact that all parents
    /// have with the same value (by content hash) and this step has not set;
    /// returns their names. Artifacts that differ between parents are left
    /// out: they are ambiguous. In a spin, an override is the value its input
    /// has: overridden to the same value on every input, it is merged.
    @discardableResult
    public func mergeArtifacts(except excluded: [String] = []) throws -> [String] {
        guard isJoin else { throw FlowError.notAJoin(step: stepName) }
        guard let first = parents.first else { return [] }
        let own = Set(state.withLock { $0.own.map(\.0) })
        var merged: [ArtifactRecord] = []
        var mergedOverrides: [(String, Value)] = []
        var names: [String] = []
        for name in first.artifactNames where !excluded.contains(name) && !own.contains(name) {
            if !parents.contains(where: { $0.isOverridden(name) }) {
                guard let r = first.record(name) else { continue }
                if parents.dropFirst().allSatisfy({ $0.record(name)?.hash == r.hash }) {
                    merged.append(r)
                    names.append(name)
                }
                continue
            }
            // Some input's value is an override: compare the values themselves.
            guard let v = try first.value(name) else { continue }
            if try parents.dropFirst().allSatisfy({ try $0.value(name) == v }) {
                mergedOverrides.append((name, v))
                names.append(name)
            }
        }
        state.withLock {
            $0.merged = merged
            $0.mergedOverrides = mergedOverrides
        }
        return names
    }
}
