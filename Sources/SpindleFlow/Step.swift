import Foundation

/// Anything that can appear in a flow's body: a ``Parameter``, a ``Step`` or a ``Join``.
public protocol FlowComponent: Sendable {}

/// What a step does, given its task.
public typealias StepBody = @Sendable (TaskContext) async throws -> Void

/// How a failing step is retried.
public struct RetryPolicy: Sendable, Equatable {
    /// How many more attempts after the first.
    public var count: Int
    /// How long to wait before each retry.
    public var delay: Duration
    public init(count: Int, delay: Duration = .zero) {
        self.count = count
        self.delay = delay
    }
}

/// One step of a flow: its name, where it goes next, how it fails, and what it does.
///
/// ```swift
/// Step("train", next: .to("pick"), retry: 2, timeout: .seconds(600)) { task in
///     let rate: Double = try task.input()
///     task["model"] = train(rate: rate)
/// }
/// ```
public struct Step: FlowComponent {
    public let name: String
    public let transition: Transition
    /// Whether this step brings splits together (it sees all of them as ``TaskContext/inputs``).
    public let isJoin: Bool
    public let retry: RetryPolicy
    /// The longest an attempt may run before its process is killed.
    public let timeout: Duration?
    /// When set, a failure after the last attempt is stored as this artifact
    /// (the error's description) and the flow goes on.
    public let catchArtifact: String?
    /// What a task of the step needs from the machine it runs on; an engine
    /// (Slurm) asks for it, local processes ignore it.
    public let resources: StepResources?
    /// Where the step is written, so tools can find the step at a line.
    public let file: String
    public let line: Int
    public let body: StepBody

    public init(_ name: String, next: Transition = .end, retry: Int = 0, retryDelay: Duration = .zero,
                timeout: Duration? = nil, catch catchArtifact: String? = nil, resources: StepResources? = nil,
                file: String = #filePath, line: Int = #line, _ body: @escaping StepBody) {
        self.init(name: name, transition: next, isJoin: false, retry: RetryPolicy(count: retry, delay: retryDelay),
                  timeout: timeout, catchArtifact: catchArtifact, resources: resources, file: file, line: line, body: body)
    }

    init(name: String, transition: Transition, isJoin: Bool, retry: RetryPolicy, timeout: Duration?,
         catchArtifact: String?, resources: StepResources? = nil, file: String, line: Int, body: @escaping StepBody) {
        self.name = name
        self.transition = transition
        self.isJoin = isJoin
        self.retry = retry
        self.timeout = timeout
        self.catchArtifact = catchArtifact
        self.resources = resources
        self.file = file
        self.line = line
        self.body = body
    }
}

/// A step that brings together the splits of a branch or foreach: its task
/// sees every split's outputs as ``TaskContext/inputs``.
///
/// ```swift
/// Join("pick", next: .to("end")) { task in
///     let best = try task.inputs.min { try $0.artifact("rmse", as: Double.self) < $1.artifact("rmse", as: Double.self) }
/// }
/// ```
public func Join(_ name: String, next: Transition = .end, retry: Int = 0, retryDelay: Duration = .zero,
                 timeout: Duration? = nil, catch catchArtifact: String? = nil, resources: StepResources? = nil,
                 file: String = #filePath, line: Int = #line, _ body: @escaping StepBody) -> Step {
    Step(name: name, transition: next, isJoin: true, retry: RetryPolicy(count: retry, delay: retryDelay),
         timeout: timeout, catchArtifact: catchArtifact, resources: resources, file: file, line: line, body: body)
}

/// Builds a flow's body from parameters and steps.
@resultBuilder
public enum FlowBuilder {
    public static func buildExpression(_ c: any FlowComponent) -> [any FlowComponent] { [c] }
    public static func buildExpression(_ c: [any FlowComponent]) -> [any FlowComponent] { c }
    public static func buildBlock(_ parts: [any FlowComponent]...) -> [any FlowComponent] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[any FlowComponent]]) -> [any FlowComponent] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any FlowComponent]?) -> [any FlowComponent] { part ?? [] }
    public static func buildEither(first: [any FlowComponent]) -> [any FlowComponent] { first }
    public static func buildEither(second: [any FlowComponent]) -> [any FlowComponent] { second }
}

/// A flow: named parameters and steps, with declared transitions.
///
/// ```swift
/// let flow = Flow("HelloFlow") {
///     Parameter("name", default: "world")
///     Step("start", next: .to("end")) { task in task["greeting"] = "hello, \(try task.parameter("name") as String)" }
///     Step("end") { _ in }
/// }
/// ```
public struct Flow: Sendable {
    public let name: String
    public let parameters: [Parameter]
    public let steps: [Step]
    /// The file the flow is declared in.
    public let file: String

    public init(_ name: String, file: String = #filePath, @FlowBuilder _ content: () -> [any FlowComponent]) {
        self.name = name
        self.file = file
        let parts = content()
        parameters = parts.compactMap { $0 as? Parameter }
        steps = parts.compactMap { $0 as? Step }
    }

    /// The step named `name`.
    public func step(_ name: String) -> Step? { steps.first { $0.name == name } }
}
