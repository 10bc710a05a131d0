#ifndef SPINDLE_CSQLITE_SHIM_H
#define SPINDLE_CSQLITE_SHIM_H
// The SQLite settings the store needs that GRDB does not expose. Each wraps
// one call of a variadic C function, which Swift cannot call.
#include <sqlite3.h>

/// sqlite3_db_config(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1): when the last
/// connection to the database closes, leave the WAL as it is instead of
/// checkpointing it into the database (two fsyncs) and deleting it.
/// Returns SQLITE_OK on success.
static inline int spindle_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
#endif
