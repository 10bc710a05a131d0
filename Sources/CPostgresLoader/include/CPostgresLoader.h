#ifndef SPINDLE_CPOSTGRESLOADER_H
#define SPINDLE_CPOSTGRESLOADER_H

/* libpq, PostgreSQL's C client, loaded with dlopen on first use (see README.md).
   The functions keep libpq's names with a `spindle_` prefix and its meaning. */

#include <stddef.h>

typedef struct spindle_pg_conn spindle_pg_conn;
typedef struct spindle_pg_result spindle_pg_result;

/* Loads libpq.so.5 once per process. Returns 1, or 0 with why in `error`. */
int spindle_pq_load(char *error, size_t error_length);

spindle_pg_conn *spindle_PQconnectdb(const char *conninfo);
/* 1 when the connection is open and usable. */
int spindle_PQconnection_ok(const spindle_pg_conn *conn);
const char *spindle_PQerrorMessage(const spindle_pg_conn *conn);
void spindle_PQfinish(spindle_pg_conn *conn);
/* Silences the server's notices (libpq prints them on stderr by default). */
void spindle_PQquiet(spindle_pg_conn *conn);

spindle_pg_result *spindle_PQexecParams(spindle_pg_conn *conn, const char *command, int nParams,
                                        const unsigned int *paramTypes, const char *const *paramValues,
                                        const int *paramLengths, const int *paramFormats, int resultFormat);
/* 1 when the result is a success (a command or rows). */
int spindle_PQresult_ok(const spindle_pg_result *res);
const char *spindle_PQresultErrorMessage(const spindle_pg_result *res);
/* The SQLSTATE of a failed result ("23505"), or NULL. */
const char *spindle_PQsqlstate(const spindle_pg_result *res);
int spindle_PQntuples(const spindle_pg_result *res);
int spindle_PQnfields(const spindle_pg_result *res);
const char *spindle_PQfname(const spindle_pg_result *res, int column);
unsigned int spindle_PQftype(const spindle_pg_result *res, int column);
int spindle_PQgetisnull(const spindle_pg_result *res, int row, int column);
const char *spindle_PQgetvalue(const spindle_pg_result *res, int row, int column);
int spindle_PQgetlength(const spindle_pg_result *res, int row, int column);
void spindle_PQclear(spindle_pg_result *res);

#endif
