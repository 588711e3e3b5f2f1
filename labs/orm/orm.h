/*
 * orm.h — an object-relational mapper over SQLite, with GORM's rules, in C.
 *
 * Model. A program's struct is mapped to a table by a declared schema, an
 * orm_model_t: the table's name, one orm_field_t per mapped member (a
 * Go-style field name, a type, flags, where the member lives), the
 * has-many relations and the hooks. The struct stays the program's own; the
 * ORM reads and writes members through their offsets. Columns are named
 * from field names by a fixed convention (orm_column_name: "UserID" →
 * "user_id"); an API that takes a field accepts its name or its column and
 * nothing else.
 *
 * SQL. Every value travels as a bound parameter, never as SQL text; every
 * identifier (table, column, index) is written between double quotes with
 * inner quotes doubled. Conditions given as SQL text (orm_where) are the
 * program's own and hold '?' placeholders for the values.
 *
 * Rules (GORM's, where GORM has one):
 *   - orm_migrate creates a missing table and its indexes, adds missing
 *     columns, never drops or changes a column, and is all or nothing.
 *   - First/Last on no row answer -ORM_ENOTFOUND; Find answers 0 rows.
 *   - Updates writes the non-zero fields of the values given; with
 *     orm_select, exactly the fields selected, zero or not. Updates and
 *     Delete with no condition at all are refused (-ORM_EMISSINGWHERE).
 *   - A model with an ORM_DELETED_AT field is soft-deleted: Delete stamps
 *     the field with the clock, and every query, update and delete skips
 *     stamped rows; orm_unscoped lifts that (and makes Delete real).
 *   - Hooks run in GORM's order (orm_hook_t); a hook's error undoes the
 *     whole operation, the writes of the hooks included.
 *   - Transactions nest: the outermost is BEGIN IMMEDIATE … COMMIT, inner
 *     ones are savepoints. A write with hooks runs in a transaction (or a
 *     savepoint) of its own.
 *   - A statement that finds the database locked by another connection
 *     (SQLITE_BUSY) is retried after asking the busy function.
 *   - Statements are prepared once per SQL text and kept in an LRU cache.
 *   - Preload loads a has-many relation of all the rows found with one
 *     query on the child table (WHERE fk IN (...)), not one per row.
 *
 * Interface: orm_open → orm_migrate → orm_create(row) |
 * orm_q → orm_where / orm_where_eq / orm_id / orm_order / orm_limit /
 * orm_offset / orm_unscoped / orm_select / orm_preload → one finisher:
 * orm_first / orm_last / orm_find / orm_updates / orm_delete (it runs the
 * query and frees it) … orm_transaction … orm_close. Functions return 0 (or
 * a count) or a negative errno / -ORM_E*.
 */
#ifndef ORM_H
#define ORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* ---- errors ------------------------------------------------------------------------- */

/* The ORM's own error codes, returned negated (-ORM_ENOTFOUND); they lie
 * above every errno value. Beside them the ORM returns errno values:
 * -EINVAL (bad argument, bad schema, placeholder count), -EBUSY (locked,
 * and the busy function gave up), -ENOMEM, -EOVERFLOW (a stored text does
 * not fit its field), -EIO and friends (the disk). */
#define ORM_ERRORS(X)                                                                              \
    X(ORM_ENOTFOUND, 1, "record not found")                                                        \
    X(ORM_EMISSINGWHERE, 2, "update or delete without a condition")                                \
    X(ORM_EFIELD, 3, "no such field or relation in the model")                                     \
    X(ORM_ECONSTRAINT, 4, "constraint failed")                                                     \
    X(ORM_ESQL, 5, "SQL error")

#define ORM_ERRNO_BASE 4200
enum orm_error {
#define ORM__ENUM(name, n, msg) name = ORM_ERRNO_BASE + (n),
    ORM_ERRORS(ORM__ENUM)
#undef ORM__ENUM
};

/* A message for rc (a negative ORM code or errno). Static; can't fail. */
const char *orm_strerror(int rc);

/* ---- the schema --------------------------------------------------------------------- */

/* Field types and the C type of the member each maps. */
typedef enum orm_type {
    ORM_INT = 1, /* int64_t; column INTEGER */
    ORM_REAL,    /* double;  column REAL */
    ORM_TEXT,    /* char[N], NUL-terminated within N; column TEXT */
    ORM_BOOL,    /* bool;    column NUMERIC, stored 0 or 1 */
} orm_type_t;

enum orm_field_flags {
    ORM_PK = 1u << 0,         /* the primary key: exactly one, ORM_INT; 0 means "not yet" */
    ORM_NOT_NULL = 1u << 1,   /* NOT NULL DEFAULT <the type's zero> */
    ORM_INDEX = 1u << 2,      /* an index named idx_<table>_<column> */
    ORM_UNIQUE = 1u << 3,     /* a unique index named idx_<table>_<column> */
    ORM_DELETED_AT = 1u << 4, /* soft delete stamp: ORM_INT, 0 ↔ NULL (not deleted) */
};

typedef struct orm_field {
    const char *name;   /* Go style: "UserID" */
    const char *column; /* NULL: orm_column_name(name) */
    orm_type_t type;
    unsigned flags; /* enum orm_field_flags */
    size_t offset;  /* of the member in the struct */
    size_t size;    /* of the member */
} orm_field_t;

/* A field of struct type T stored in `member`. */
#define ORM_FIELD(T, member, name, type, flags)                                                    \
    {                                                                                              \
        (name), NULL, (type), (flags), offsetof(T, member), sizeof(((T *)0)->member)               \
    }
/* The same with a column name of its own. */
#define ORM_COLUMN(T, member, name, column, type, flags)                                           \
    {                                                                                              \
        (name), (column), (type), (flags), offsetof(T, member), sizeof(((T *)0)->member)           \
    }

/* A growable array of rows of one model, allocated by the ORM. */
typedef struct orm_slice {
    void *items; /* len rows of the model's size, one after the other */
    size_t len;
    size_t cap;
} orm_slice_t;

struct orm_model;

/* Parent has many children: child.foreign_key holds the parent's primary
 * key; the parent struct holds an orm_slice_t of children at `offset`. */
typedef struct orm_has_many {
    const char *name; /* what orm_preload takes: "Orders" */
    const struct orm_model *child;
    const char *foreign_key; /* a field of the child: "UserID" */
    size_t offset;           /* of the orm_slice_t in the parent */
} orm_has_many_t;

#define ORM_HAS_MANY(T, member, name, child, fk)                                                   \
    {                                                                                              \
        (name), (child), (fk), offsetof(T, member)                                                 \
    }

/* Hooks, in the order GORM runs them:
 *   create: BeforeSave, BeforeCreate, INSERT, AfterCreate, AfterSave
 *   update: BeforeSave, BeforeUpdate, UPDATE, AfterUpdate, AfterSave
 *   delete: BeforeDelete, DELETE (or the soft-delete UPDATE), AfterDelete
 *   query:  SELECT (and preloads), then AfterFind for every row found */
typedef enum orm_hook {
    ORM_BEFORE_SAVE,
    ORM_BEFORE_CREATE,
    ORM_AFTER_CREATE,
    ORM_BEFORE_UPDATE,
    ORM_AFTER_UPDATE,
    ORM_AFTER_SAVE,
    ORM_BEFORE_DELETE,
    ORM_AFTER_DELETE,
    ORM_AFTER_FIND,
    ORM_HOOK_COUNT
} orm_hook_t;

typedef struct orm_db orm_db_t;

/* A hook: `tx` is the database, inside the operation's transaction for
 * writes, so what the hook does there is undone with the operation. `row`
 * is the row being created or found, the values of an update, the row
 * given to a delete (may be NULL). A before-hook may change it; what it
 * changes is written. Returns 0, or an error that undoes the operation and
 * is returned by it. */
typedef int (*orm_hook_fn)(orm_db_t *tx, orm_hook_t hook, void *row);

/* A model must stay where it is, unchanged, while a database uses it: the
 * database compiles it once and knows it by its address. */
typedef struct orm_model {
    const char *table;
    size_t size; /* sizeof the struct */
    const orm_field_t *fields;
    size_t nfields;
    const orm_has_many_t *has_many;
    size_t nhas_many;
    orm_hook_fn hooks[ORM_HOOK_COUNT]; /* NULL: none */
} orm_model_t;

/* The column name of a Go-style field name: lowercase, with '_' before an
 * uppercase letter that follows a lowercase letter or a digit, or that
 * ends a run of capitals and starts a word ("HTTPServer" → "http_server",
 * "UserID" → "user_id", "Line2Text" → "line2_text"). Writes it NUL-ended
 * into buf. Returns its length, or -ENAMETOOLONG if it does not fit. */
int orm_column_name(const char *field, char *buf, size_t size);

/* ---- values ------------------------------------------------------------------------- */

/* A value for a condition. Text is copied when the value is given. */
typedef struct orm_value {
    orm_type_t type;
    union {
        int64_t i;
        double r;
        const char *s;
        bool b;
    };
} orm_value_t;

#define ORM_I(x) ((orm_value_t){.type = ORM_INT, .i = (x)})
#define ORM_R(x) ((orm_value_t){.type = ORM_REAL, .r = (x)})
#define ORM_S(x) ((orm_value_t){.type = ORM_TEXT, .s = (x)})
#define ORM_B(x) ((orm_value_t){.type = ORM_BOOL, .b = (x)})

/* ---- the database ------------------------------------------------------------------- */

/* Opens path (":memory:" for a private in-memory database; a file is put
 * in WAL mode) into *out. SQLite's own busy waiting is off: a lock held
 * elsewhere comes back to the ORM (orm_set_busy). Returns 0 or an error. */
int orm_open(const char *path, orm_db_t **out);

/* Rolls back an open transaction, finalizes every statement, closes. */
void orm_close(orm_db_t *db);

/* The connection, for what the ORM does not do. Do not install a trace
 * callback on it while the ORM is in use by tests: they own it. */
sqlite3 *orm_sqlite(orm_db_t *db);

/* Asked when a statement finds the database locked by another connection,
 * outside a transaction, or when BEGIN does: attempt counts from 1 within
 * one statement. Returns 0 to try again, anything else to give up: the
 * statement then fails with -EBUSY. */
typedef int (*orm_busy_fn)(void *arg, int attempt);

/* Sets the busy function; NULL restores the default, which sleeps
 * 1 ms, 2 ms, 4 ms … (at most 100 ms a time) and gives up after 50 tries. */
void orm_set_busy(orm_db_t *db, orm_busy_fn fn, void *arg);

/* The clock of soft deletes, in nanoseconds; NULL: CLOCK_REALTIME. */
void orm_set_clock(orm_db_t *db, int64_t (*now)(void *arg), void *arg);

/* Caps the statement cache at cap >= 1 statements (default 128), least
 * recently used out first (finalized). Returns 0 or -EINVAL. */
int orm_set_cache_size(orm_db_t *db, size_t cap);

typedef struct orm_stats {
    uint64_t prepares;   /* statements compiled: cache misses */
    uint64_t hits;       /* statements reused from the cache */
    uint64_t cached;     /* statements in the cache now */
    uint64_t busy_waits; /* calls of the busy function */
} orm_stats_t;

/* Every statement a query, a write or a transaction runs comes from the
 * cache: BEGIN, COMMIT and savepoints too. Fills *out; returns 0. */
int orm_stats(orm_db_t *db, orm_stats_t *out);

/* ---- migration and writes ----------------------------------------------------------- */

/* AutoMigrate: checks the schema (-EINVAL: no or two primary keys, a
 * member size that does not fit the type, a name used twice, a bad
 * relation), then in one transaction creates the table if missing, adds
 * the model's missing columns (never drops or alters one), creates missing
 * indexes. On error nothing has changed. Returns 0 or an error. */
int orm_migrate(orm_db_t *db, const orm_model_t *m);

/* Inserts row, every field (zero values included; a zero primary key is
 * left to the database and its new value written back). Hooks as above.
 * Has-many children are not saved. Returns 0 or an error. */
int orm_create(orm_db_t *db, const orm_model_t *m, void *row);

/* ---- queries ------------------------------------------------------------------------ */

typedef struct orm_query orm_query_t;

/* Starts a query on model m. Every builder below returns q; a mistake in
 * one (an unknown field: -ORM_EFIELD; a bad argument: -EINVAL) is kept and
 * returned by the finisher, which then runs nothing. NULL (no memory) is
 * accepted everywhere and makes the finisher answer -ENOMEM. */
orm_query_t *orm_q(orm_db_t *db, const orm_model_t *m);

/* AND (cond): cond is SQL with exactly nargs '?' placeholders outside
 * quoted strings and identifiers (-EINVAL otherwise), bound to args in
 * order. */
orm_query_t *orm_where(orm_query_t *q, const char *cond, size_t nargs, const orm_value_t *args);
/* AND field = v. */
orm_query_t *orm_where_eq(orm_query_t *q, const char *field, orm_value_t v);
/* AND primary key = id. */
orm_query_t *orm_id(orm_query_t *q, int64_t id);
/* ORDER BY field [DESC], after earlier orders. */
orm_query_t *orm_order(orm_query_t *q, const char *field, bool desc);
/* LIMIT n / OFFSET n (n >= 0). */
orm_query_t *orm_limit(orm_query_t *q, int64_t n);
orm_query_t *orm_offset(orm_query_t *q, int64_t n);
/* Soft-deleted rows too; Delete removes rows for real. */
orm_query_t *orm_unscoped(orm_query_t *q);
/* For orm_updates: write exactly these fields ("*": all but the primary
 * key), zero values included. */
orm_query_t *orm_select(orm_query_t *q, size_t n, const char *const *fields);
/* Load the has-many relation `name` of every row found. */
orm_query_t *orm_preload(orm_query_t *q, const char *name);

/* Drops q without running it. */
void orm_query_free(orm_query_t *q);

/* Finishers: each runs q and frees it. */

/* The first row in primary key order (after the query's own orders), into
 * out. Returns 0, or -ORM_ENOTFOUND if no row matches; out is written
 * only on success. */
int orm_first(orm_query_t *q, void *out);
/* The same in descending primary key order. */
int orm_last(orm_query_t *q, void *out);
/* Every matching row into *out (unordered unless the query orders; a
 * previous content is not freed). Returns the number of rows, 0 if none. */
int orm_find(orm_query_t *q, orm_slice_t *out);
/* UPDATE with the fields of values (see the rules above). When values has
 * a primary key, it is a condition too. Returns the rows changed. */
int orm_updates(orm_query_t *q, void *values);
/* DELETE (or soft delete) the matching rows. When row (may be NULL) has a
 * primary key, it is a condition too. Returns the rows deleted. */
int orm_delete(orm_query_t *q, void *row);

/* Frees what the ORM allocated in a row (preloaded children), recursively. */
void orm_free(const orm_model_t *m, void *row);
/* Frees a slice from orm_find and its rows' children; leaves it empty. */
void orm_slice_free(const orm_model_t *m, orm_slice_t *s);

/* ---- transactions ------------------------------------------------------------------- */

/* Runs fn(db, arg) in a transaction: BEGIN IMMEDIATE when none is open,
 * a savepoint inside one. fn returning 0 commits (releases the
 * savepoint); anything else rolls back (to the savepoint) and is returned.
 * Inner levels fn left open are rolled back. */
int orm_transaction(orm_db_t *db, int (*fn)(orm_db_t *tx, void *arg), void *arg);

/* The same by hand: begin one level, commit or roll back the innermost. */
int orm_begin(orm_db_t *db);
int orm_commit(orm_db_t *db);
int orm_rollback(orm_db_t *db);

#endif
