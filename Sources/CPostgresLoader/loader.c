// libpq through dlopen: a flow binary links this module, but only a process
// that opens a shared store loads libpq (and the TLS, Kerberos and LDAP
// libraries it brings), so a task process on the embedded store pays nothing.
// The prototypes are declared here, so the build needs no libpq headers; where
// they are installed, the constants are checked against them.
#include "CPostgresLoader.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
_Static_assert(CONNECTION_OK == 0, "libpq's CONNECTION_OK");
_Static_assert(PGRES_COMMAND_OK == 1 && PGRES_TUPLES_OK == 2, "libpq's result statuses");
_Static_assert(PG_DIAG_SQLSTATE == 'C', "libpq's SQLSTATE field code");
#endif

enum { conn_ok = 0, command_ok = 1, tuples_ok = 2, diag_sqlstate = 'C' };

static struct {
    void *(*connectdb)(const char *);
    int (*status)(const void *);
    char *(*errorMessage)(const void *);
    void (*finish)(void *);
    void *(*setNoticeProcessor)(void *, void (*)(void *, const char *), void *);
    void *(*execParams)(void *, const char *, int, const unsigned int *, const char *const *, const int *, const int *, int);
    int (*resultStatus)(const void *);
    char *(*resultErrorMessage)(const void *);
    char *(*resultErrorField)(const void *, int);
    int (*ntuples)(const void *);
    int (*nfields)(const void *);
    char *(*fname)(const void *, int);
    unsigned int (*ftype)(const void *, int);
    int (*getisnull)(const void *, int, int);
    char *(*getvalue)(const void *, int, int);
    int (*getlength)(const void *, int, int);
    void (*clear)(void *);
} pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512] = "libpq was not loaded";

#define BIND(field, name) \
    if (!(*(void **)(&pq.field) = dlsym(lib, name))) { \
        snprintf(load_error, sizeof load_error, "libpq.so.5 has no %s", name); return; }

static void load(void) {
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : "libpq.so.5 not found");
        return;
    }
    BIND(connectdb, "PQconnectdb")
    BIND(status, "PQstatus")
    BIND(errorMessage, "PQerrorMessage")
    BIND(finish, "PQfinish")
    BIND(setNoticeProcessor, "PQsetNoticeProcessor")
    BIND(execParams, "PQexecParams")
    BIND(resultStatus, "PQresultStatus")
    BIND(resultErrorMessage, "PQresultErrorMessage")
    BIND(resultErrorField, "PQresultErrorField")
    BIND(ntuples, "PQntuples")
    BIND(nfields, "PQnfields")
    BIND(fname, "PQfname")
    BIND(ftype, "PQftype")
    BIND(getisnull, "PQgetisnull")
    BIND(getvalue, "PQgetvalue")
    BIND(getlength, "PQgetlength")
    BIND(clear, "PQclear")
    load_error[0] = 0;
}

int spindle_pq_load(char *error, size_t error_length) {
    pthread_once(&once, load);
    if (load_error[0] == 0) return 1;
    if (error && error_length) snprintf(error, error_length, "%s", load_error);
    return 0;
}

spindle_pg_conn *spindle_PQconnectdb(const char *conninfo) { return pq.connectdb(conninfo); }
int spindle_PQconnection_ok(const spindle_pg_conn *c) { return c && pq.status(c) == conn_ok; }
const char *spindle_PQerrorMessage(const spindle_pg_conn *c) { return c ? pq.errorMessage(c) : "out of memory"; }
void spindle_PQfinish(spindle_pg_conn *c) { if (c) pq.finish(c); }
static void ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
void spindle_PQquiet(spindle_pg_conn *c) { pq.setNoticeProcessor(c, ignore_notice, NULL); }

spindle_pg_result *spindle_PQexecParams(spindle_pg_conn *c, const char *command, int n, const unsigned int *types,
                                        const char *const *values, const int *lengths, const int *formats, int resultFormat) {
    return pq.execParams(c, command, n, types, values, lengths, formats, resultFormat);
}
int spindle_PQresult_ok(const spindle_pg_result *r) {
    if (!r) return 0;
    int s = pq.resultStatus(r);
    return s == command_ok || s == tuples_ok;
}
const char *spindle_PQresultErrorMessage(const spindle_pg_result *r) { return r ? pq.resultErrorMessage(r) : "no result (connection lost?)"; }
const char *spindle_PQsqlstate(const spindle_pg_result *r) { return r ? pq.resultErrorField(r, diag_sqlstate) : NULL; }
int spindle_PQntuples(const spindle_pg_result *r) { return pq.ntuples(r); }
int spindle_PQnfields(const spindle_pg_result *r) { return pq.nfields(r); }
const char *spindle_PQfname(const spindle_pg_result *r, int col) { return pq.fname(r, col); }
unsigned int spindle_PQftype(const spindle_pg_result *r, int col) { return pq.ftype(r, col); }
int spindle_PQgetisnull(const spindle_pg_result *r, int row, int col) { return pq.getisnull(r, row, col); }
const char *spindle_PQgetvalue(const spindle_pg_result *r, int row, int col) { return pq.getvalue(r, row, col); }
int spindle_PQgetlength(const spindle_pg_result *r, int row, int col) { return pq.getlength(r, row, col); }
void spindle_PQclear(spindle_pg_result *r) { if (r) pq.clear(r); }
