import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// A fork server goes through a task's writes once before forking any task
/// (``Store/rehearse(_:)``), so that the code they run is warm in every fork;
/// what it wrote must not be there afterwards.
@Suite("Rehearsed writes")
struct RehearsalTests {
    @Test("writes in a rehearsal are rolled back, and its artifacts are named but not written")
    func leavesNothing() throws {
        let (store, _) = try temporaryStore()
        let (run, task) = try seedRun(store, artifacts: [("kept", "as it was")])
        let before = try store.blobs.allHashes().sorted()
        let value = Value.string("only rehearsed")
        let rehearsed = try store.rehearse {
            let record = try store.saveArtifact("extra", value, task: task)
            try store.completeTask(task, artifacts: [record], foreachCount: 7)
            try store.failTask(task, error: "rehearsed failure")
            // Each write is its own transaction, rolled back at its end: not even a read inside sees it.
            #expect(try store.artifacts(of: task).map(\.name) == ["kept"])
            return record
        }
        // The same name a real save gives, without the blob.
        #expect(rehearsed.hash == BlobName.of([Array(ArtifactCodec.encode(value)).withUnsafeBytes { $0 }]))
        #expect(try store.blobs.allHashes().sorted() == before)
        #expect(try store.artifacts(of: task).map(\.name) == ["kept"])
        let after = try store.task(task)
        #expect(after.status == .completed)
        #expect(after.foreachCount == nil)
        #expect(after.error == nil)
        #expect(try store.run(flow: run.flow, id: run.id).status == .completed)
        // And after it, writes commit again.
        let saved = try store.saveArtifact("extra", value, task: task)
        #expect(saved.hash == rehearsed.hash)
        #expect(store.blobs.contains(saved.hash))
        try store.completeTask(task, artifacts: [saved])
        #expect(try store.artifacts(of: task).map(\.name) == ["extra"])
    }

    @Test("artifacts saved while blobs are rehearsed are named, not written, a large numeric array too, and touch no row")
    func blobsOnly() throws {
        let (store, _) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("kept", "as it was")])
        let before = try store.blobs.allHashes().sorted()
        let large = Value.numeric(NumericArray((0..<300_000).map { Double($0) }))  // over the streaming threshold
        let (small, big) = try store.rehearseBlobs {
            (try store.saveArtifact("small", .string("only named"), task: task), try store.saveArtifact("big", large, task: task))
        }
        #expect(try store.blobs.allHashes().sorted() == before)
        #expect(try store.artifacts(of: task).map(\.name) == ["kept"])
        // The names a real save gives.
        #expect(try store.saveArtifact("small", .string("only named"), task: task).hash == small.hash)
        #expect(try store.saveArtifact("big", large, task: task).hash == big.hash)
        #expect(store.blobs.contains(big.hash))
    }
}
