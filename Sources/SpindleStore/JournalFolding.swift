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
/// One fold at a time per database file: a process with several stores open
/// (the shell, a test run) folds each on its own account.
enum JournalFolding {
    /// WAL pages after which a commit starts a fold.
    static let pages: Int32 = 256
    /// Per database file: whether a fold is under way, and the WAL's length
    /// when the last fold started. While other processes read, a fold cannot
    /// let the WAL start over, so the next fold waits for another ``pages``
    /// pages instead of starting at every commit.
    private static let folds = Mutex<[String: (running: Bool, foldedAt: Int32)]>([:])

    /// Makes every commit on `connection` check the WAL's length, instead of
    /// SQLite's auto-checkpoint.
    static func install(on connection: OpaquePointer?) {
        _ = sqlite3_wal_hook(connection, { _, db, _, walPages in
            // Cheap when the WAL is short: no lock and no path until it is long enough to matter.
            guard walPages > JournalFolding.pages, let file = sqlite3_db_filename(db, "main") else { return SQLITE_OK }
            JournalFolding.fold(String(cString: file), at: walPages)
            return SQLITE_OK
        }, nil)
    }

    /// Checkpoints the database at `path` on another thread, unless a fold is
    /// already under way in this process. A passive checkpoint: it waits for
    /// no one, and a process that exits in the middle of it loses nothing.
    static func fold(_ path: String, at walPages: Int32) {
        let start = folds.withLock { all -> Bool in
            let state = all[path] ?? (false, 0)
            // A WAL shorter than at the last fold has started over.
            let since = walPages < state.foldedAt ? walPages : walPages - state.foldedAt
            guard !state.running, since > pages else { return false }
            all[path] = (true, walPages)
            return true
        }
        guard start else { return }
        let thread = Thread {
            defer { folds.withLock { $0[path]?.running = false } }
            // The fold is the least urgent work in the process: on a busy machine it waits for a
            // free core instead of taking one from the commits and tasks it runs beside. (On Linux
            // a nice value is a thread's, and 0 names the calling thread.)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            var db: OpaquePointer?
            defer { sqlite3_close(db) }
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { return }
            _ = spindle_sqlite3_no_checkpoint_on_close(db)
            // A first read puts the new connection in WAL mode; until then it has no WAL to fold.
            guard sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else { return }
            // Commits while a fold runs start none of their own (it is running), so the fold goes
            // round again while the WAL has grown since its last round: the commits that came
            // during it are folded too, not left until another ``pages`` pages arrive. At most
            // eight rounds, so a writer that never stops cannot keep this thread forever.
            var lastLog: Int32 = -1
            for _ in 0..<8 {
                var log: Int32 = 0, folded: Int32 = 0
                guard sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &folded) == SQLITE_OK,
                      log != lastLog else { break }
                lastLog = log
            }
        }
        thread.start()
    }

    /// WAL bytes past which the end of a command empties the WAL (``empty(_:)``): about a thousand pages.
    static let longWAL = 4 << 20

    /// Folds the whole WAL into the database and truncates it, when it has
    /// grown past ``longWAL`` and no other connection is using the store;
    /// otherwise does nothing, at once. Returns whether it emptied it.
    ///
    /// The folds on the way (``fold(_:at:)``) are passive: with tasks reading
    /// all the time they rarely catch up, and a WAL only starts over when a
    /// write finds it caught up and unread. So it grew across runs (28 MB
    /// after sixty foreach runs), and every command that opens an idle store
    /// first rebuilds its index from the whole WAL: 2.3 ms of `runs` there.
    /// At the end of a run or a spin, if the WAL is long and the store is
    /// otherwise idle, this pays the fold's two fsyncs once instead.
    @discardableResult
    static func empty(_ path: String) -> Bool {
        var s = stat()
        guard stat(path + "-wal", &s) == 0, Int(s.st_size) > longWAL else { return false }
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { return false }
        _ = spindle_sqlite3_no_checkpoint_on_close(db)
        guard sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else { return false }
        // No busy handler on this connection: anyone else reading or writing makes it give up at once.
        return sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, nil, nil) == SQLITE_OK
    }
}
