import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore
import SpindleValue

/// A forked task hands its rows to its runtime (``TaskHandoff``); the task
/// is done only once the runtime has committed them. A commit that cannot
/// land must fail that attempt, as the task's own failed commit did — not
/// the whole run, and never leave the task looking completed.
@Suite("Committing a handed-over task's rows")
struct HandedOverCommitTests {
    /// An executor whose task "ran" and handed `outcome` over.
    struct HandingOver: TaskExecutor {
        let outcome: TaskHandoff.Outcome
        func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult {
            AttemptResult(status: ExitStatus(code: 0, signal: nil), timedOut: false, stdout: "a line\n", stderr: "",
                          truncated: false, outcome: outcome)
        }
    }

    /// The store's database, except that a statement marking a task completed fails (a full disk, say).
    final class RefusingCompletion: MetadataDatabase {
        let inner: any MetadataDatabase
        init(_ inner: any MetadataDatabase) { self.inner = inner }
        var dialect: SQLDialect { inner.dialect }
        var location: String { inner.location }
        func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { try inner.write { try body(Refusing(inner: $0)) } }
        func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { try inner.read(body) }
        func integrityCheck() throws -> [String] { try inner.integrityCheck() }

        struct Refusing: MetadataConnection {
            let inner: any MetadataConnection
            func execute(sql: String, arguments: [SQLValue]) throws {
                if sql.contains("status = 'completed'") { throw StoreError.io("no space left on device") }
                try inner.execute(sql: sql, arguments: arguments)
            }
            func fetchAll(sql: String, arguments: [SQLValue]) throws -> [MetadataRow] { try inner.fetchAll(sql: sql, arguments: arguments) }
        }
    }

    /// A store with one run and its task `work/1` started, and the rows that task handed over.
    func started(refusing: Bool) throws -> (Store, TaskInvocation, TaskHandoff.Outcome) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-commit-\(UUID().uuidString)/.spindle")
        let plain = try Store.open(at: root)
        let store = refusing ? Store(root: root, blobs: plain.blobs, metadata: RefusingCompletion(plain.metadata)) : plain
        let run = try store.createRun(.init(flow: "F"))
        let inv = TaskInvocation(store: root.path, flow: "F", run: run.id, step: "work", task: 1)
        try store.startTask(TaskRecord(flow: "F", run: run.id, step: "work", id: 1))
        let record = try store.saveArtifact("square", .int(4), task: inv.pathspec)
        return (store, inv, TaskHandoff.Outcome(artifacts: [record], foreachCount: nil, parametersRead: ["n"]))
    }

    func attempts(_ store: Store, _ outcome: TaskHandoff.Outcome) -> TaskAttempts {
        TaskAttempts(store: store, executor: HandingOver(outcome: outcome), console: Console(isTerminal: false, echoTaskOutput: false),
                     logLimit: 1 << 16, registry: ChildRegistry())
    }

    @Test("rows the runtime commits complete the task, with its log, in one transaction")
    func commits() async throws {
        let (store, inv, outcome) = try started(refusing: false)
        let record = try await attempts(store, outcome).run(inv, step: Step("work") { _ in }, policy: AttemptPolicy())
        #expect(record.status == .completed)
        #expect(record.parametersRead == ["n"])
        #expect(try store.artifacts(of: inv.pathspec).map(\.name) == ["square"])
        #expect(try store.logs(task: inv.pathspec).map(\.stdout) == ["a line\n"])
    }

    @Test("rows the runtime cannot commit fail that attempt with the reason, and none of them lands; the log is kept")
    func cannotCommit() async throws {
        let (store, inv, outcome) = try started(refusing: true)
        let record = try await attempts(store, outcome).run(inv, step: Step("work") { _ in }, policy: AttemptPolicy())
        #expect(record.status == .failed)
        #expect(record.error?.contains("could not be committed") == true, "\(record.error ?? "")")
        #expect(record.error?.contains("no space left on device") == true, "\(record.error ?? "")")
        #expect(try store.artifacts(of: inv.pathspec).isEmpty)
        #expect(try store.logs(task: inv.pathspec).map(\.stdout) == ["a line\n"])
    }
}
