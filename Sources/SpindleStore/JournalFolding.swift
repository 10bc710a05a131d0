import CSQLite
import Foundation
import Synchronization

/// Folds the WAL into the database (a checkpoint, with its two fsyncs) on a
/// thread and a connection of its own, once a commit leaves more than
/// ``pages`` pages in it. SQLite's auto-checkpoint does the same work inside
/// the commit that crosses the line, so a runtime stopped scheduling tasks,
/// or a spin waited, for 1–10 ms of fsyncs each time; here the caller goes on.
/// The WAL stays short, so the next process to open the store alone rebuilds
/// its index from it quickly (about 0.6 ms per megabyte, measured).
///
/// One fold at a time per process, whatever the store: a Spindle process has
/// one store open, and a second store's fold merely waits for the next commit.
enum JournalFolding {
    /// WAL pages after which a commit starts a fold.
    static let pages: Int32 = 256
    private static let running = Atomic<Bool>(false)
    /// The WAL's length when the last fold started. While other processes
    /// read, a fold cannot let the WAL start over, so the next fold waits for
    /// another ``pages`` pages instead of starting at every commit.
    private static let foldedAt = Atomic<Int32>(0)

    /// Makes every commit on `connection` check the WAL's length, instead of
    /// SQLite's auto-checkpoint.
    static func install(on connection: OpaquePointer?) {
        _ = sqlite3_wal_hook(connection, { _, db, _, walPages in
            let last = JournalFolding.foldedAt.load(ordering: .relaxed)
            // A WAL shorter than at the last fold has started over.
            let since = walPages < last ? walPages : walPages - last
            if since > JournalFolding.pages, let file = sqlite3_db_filename(db, "main") {
                JournalFolding.fold(String(cString: file), at: walPages)
            }
            return SQLITE_OK
        }, nil)
    }

    /// Checkpoints the database at `path` on another thread, unless a fold is
    /// already under way in this process. A passive checkpoint: it waits for
    /// no one, and a process that exits in the middle of it loses nothing.
    static func fold(_ path: String, at walPages: Int32) {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        foldedAt.store(walPages, ordering: .relaxed)
        let thread = Thread {
            defer { running.store(false, ordering: .releasing) }
            var db: OpaquePointer?
            defer { sqlite3_close(db) }
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { return }
            _ = spindle_sqlite3_no_checkpoint_on_close(db)
            // A first read puts the new connection in WAL mode; until then it has no WAL to fold.
            guard sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else { return }
            _ = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        thread.start()
    }
}
