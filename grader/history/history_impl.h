/*
 * history_impl.h — what history.c and history_merge.c share: the handle
 * and the statement helpers. Not for the rest of the grader.
 */
#ifndef UNDERGO_HISTORY_IMPL_H
#define UNDERGO_HISTORY_IMPL_H

#include <sqlite3.h>
#include <stdint.h>

#include "history.h"

#define HISTORY_APP_ID 0x55474831 /* "UGH1" */
#define HISTORY_SCHEMA 2          /* 2: runs.partial */

struct history {
    sqlite3 *db;
    char *path;
    char err[512];
};

/* sqlite's result code as a negative errno. */
int h_errno(int rc);

/* Records sqlite's message for the last failure on h and returns its errno. */
int h_fail(history_t *h, int rc);

/* Prepares sql and binds args by types: 's' text (NULL → NULL), 'i'
 * int64, 'I' int64 with 0 → NULL, 'd' double, 'p' double with 0 → NULL.
 * NULL after h_fail. */
sqlite3_stmt *h_stmt(history_t *h, const char *sql, const char *types, ...);

/* Steps st to the end and finalizes it (NULL: -EIO). Returns 0 or -errno. */
int h_done(history_t *h, sqlite3_stmt *st);

/* Runs sql, statements without results. Returns 0 or -errno. */
int h_exec(history_t *h, const char *sql);

/* Reads the one integer sql returns into *v. Returns 0 or -errno. */
int h_pragma(history_t *h, const char *sql, int64_t *v);

#endif
