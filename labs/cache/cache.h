/*
 * cache.h — Redis for caching: a RESP client and the caching patterns on
 * top of it, against a real redis-server.
 *
 * The model.
 *   RESP      a command is an array of bulk strings ("*2\r\n$3\r\nGET\r\n
 *             $1\r\nk\r\n"); a reply is one typed value: RESP2's simple
 *             string, error, integer, bulk string and array (with their
 *             nulls $-1 and *-1), and RESP3's null, boolean, double, big
 *             number, blob error, verbatim string, map, set, push and
 *             attribute (read and dropped: it annotates the next value).
 *             The parser is incremental: bytes arrive in any pieces, a
 *             reply is returned once it is whole, malformed input is
 *             -EPROTO, never a guess.
 *   conn      one TCP connection. Commands are appended to an output
 *             buffer and sent together (pipelining); replies come back in
 *             the order the commands were sent. A server error is a reply
 *             of type CACHE_ERROR (a value, not a failure); a lost server
 *             is -ECONNRESET for every reply still owed, and the
 *             connection is broken from then on.
 *   pool      a few connections kept open: get an idle one or open one up
 *             to the size, put it back; a broken one put back is closed,
 *             so the next get opens a fresh one (the pool recovers).
 *   cache     cache-aside: read the cache, on a miss load from the source
 *             and store with a TTL plus a random jitter (so entries loaded
 *             together do not expire together); a source's "not found" is
 *             stored too, for a shorter TTL (negative caching); concurrent
 *             misses of one key run one load and share its result (Go's
 *             singleflight: the stampede guard); a write goes to the
 *             source, then deletes the key (the next read loads it);
 *             many keys are read with one MGET.
 *   lock      SET key token NX PX ttl takes it; only the owner's token
 *             releases it, with a compare-and-delete in Lua (EVAL), so an
 *             expired lock taken by someone else is never deleted.
 *
 * Stored entries: a found value v is stored as "=" followed by v; a
 * negative entry is the single byte "!". Anything else under a key is
 * treated as a miss.
 *
 * Runtime: cache_get and cache_get_many wait for another task's load, so
 * they run inside rt_run (include/undergo/runtime.h); a connection is
 * never held while a loader runs. Errors are negative errnos.
 *
 * Interface: cache_parser_feed / cache_parser_next, cache_encode;
 * cache_connect → cache_append / cache_flush / cache_read or cache_call →
 * cache_close; cache_pool_new → cache_pool_get / cache_pool_put;
 * cache_flight_do; cache_new → cache_get / cache_get_many / cache_write /
 * cache_invalidate / cache_lock / cache_unlock → cache_free.
 */
#ifndef CACHE_H
#define CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/cache_server.h"

/* ---- buffers and replies -------------------------------------------------- */

/* A growable byte buffer; zero-initialise. data is NUL-terminated after
 * any append (not counted in len). */
typedef struct cache_buf {
    char *data;
    size_t len, cap;
} cache_buf_t;

int cache_buf_append(cache_buf_t *b, const void *p, size_t n); /* 0 or -ENOMEM */
void cache_buf_free(cache_buf_t *b);

typedef enum cache_type {
    CACHE_NIL = 1,  /* $-1, *-1 (RESP2) or _ (RESP3) */
    CACHE_STATUS,   /* +OK */
    CACHE_ERROR,    /* -ERR ... or !<len> blob error; str holds the text */
    CACHE_INTEGER,  /* :42 */
    CACHE_STRING,   /* $<len> bulk string */
    CACHE_ARRAY,    /* *<n> */
    CACHE_DOUBLE,   /* ,3.5 (dbl; str holds the text) */
    CACHE_BOOL,     /* #t / #f (integer 1 / 0) */
    CACHE_BIGNUM,   /* (<digits> (str) */
    CACHE_VERBATIM, /* =<len>\r\ntxt:... (str is the text after "txt:", format the 3 letters) */
    CACHE_MAP,      /* %<n>: elem holds 2n values, key then value */
    CACHE_SET,      /* ~<n> */
    CACHE_PUSH,     /* ><n> */
} cache_type_t;

/* One reply. str is NUL-terminated (len excludes it); elem has n values
 * (2n for a map). Owned by the caller: cache_reply_free. */
typedef struct cache_reply {
    cache_type_t type;
    int64_t integer;
    double dbl;
    char *str;
    size_t len;
    char format[4];
    struct cache_reply *elem;
    size_t n;
} cache_reply_t;

/* Frees what r holds (not r itself) and zeroes it. */
void cache_reply_free(cache_reply_t *r);

/* ---- RESP ------------------------------------------------------------------- */

/* Appends the command argv[0..argc) as an array of bulk strings. lens may
 * be NULL (every argument a C string). 0, -EINVAL (argc < 1), -ENOMEM. */
int cache_encode(cache_buf_t *out, int argc, const char *const *argv, const size_t *lens);

/* An incremental reply parser; zero-initialise. */
typedef struct cache_parser {
    char *buf;
    size_t len, cap, pos;
} cache_parser_t;

/* Adds bytes that arrived. 0 or -ENOMEM. */
int cache_parser_feed(cache_parser_t *p, const void *data, size_t n);

/* 1 and *out when a whole reply is buffered (consumed), 0 when more bytes
 * are needed (nothing consumed), -EPROTO when the bytes are not RESP (a
 * bad type byte, a length or number that is not one, a missing CRLF,
 * nesting deeper than 64). */
int cache_parser_next(cache_parser_t *p, cache_reply_t *out);

void cache_parser_free(cache_parser_t *p);

/* ---- connections -------------------------------------------------------------- */

typedef struct cache_conn cache_conn_t;

/* Connects to host:port (numeric IPv4). proto 2 speaks RESP2; proto 3
 * sends HELLO 3 first. 0, or -ECONNREFUSED and the like, -EPROTO when the
 * server refuses HELLO 3. */
int cache_connect(const char *host, int port, int proto, cache_conn_t **out);
void cache_close(cache_conn_t *c);

/* Queues one command (pipelining: nothing is sent yet). 0, -ENOMEM, or
 * -ECONNRESET on a broken connection. */
int cache_append(cache_conn_t *c, int argc, const char *const *argv, const size_t *lens);

/* Sends everything queued. 0 or -ECONNRESET (the connection breaks). */
int cache_flush(cache_conn_t *c);

/* The next reply, in the order the commands were appended; flushes first.
 * 0, -EINVAL when no reply is owed, -ECONNRESET when the server went away
 * (closed, reset, or refused a write) with replies owed, -EPROTO on a reply
 * that is not RESP. Either failure breaks the connection: every later call
 * returns -ECONNRESET, and cache_conn_error says what happened. */
int cache_read(cache_conn_t *c, cache_reply_t *out);

/* One command, waiting for its reply: arguments are C strings up to NULL.
 * Returns as cache_read. */
int cache_call(cache_conn_t *c, cache_reply_t *out, const char *cmd, ...) __attribute__((sentinel));
int cache_callv(cache_conn_t *c, cache_reply_t *out, int argc, const char *const *argv,
                const size_t *lens);

size_t cache_pending(const cache_conn_t *c); /* replies owed */
bool cache_broken(const cache_conn_t *c);
const char *cache_conn_error(const cache_conn_t *c); /* "" when none */

/* ---- the pool --------------------------------------------------------------------- */

typedef struct cache_pool cache_pool_t;

typedef struct cache_pool_stats {
    int open;        /* connections open now (idle and lent) */
    int idle;        /* of those, waiting in the pool */
    int64_t created; /* connections ever opened */
} cache_pool_stats_t;

int cache_pool_new(const char *host, int port, int proto, int size, cache_pool_t **out);
void cache_pool_free(cache_pool_t *p);

/* The most recently returned idle connection, else a new one while fewer
 * than size are open. 0, -EAGAIN when size are lent, or cache_connect's
 * error. */
int cache_pool_get(cache_pool_t *p, cache_conn_t **out);

/* Gives c back; a broken connection, or one that still owes replies, is
 * closed instead of kept. */
void cache_pool_put(cache_pool_t *p, cache_conn_t *c);

cache_pool_stats_t cache_pool_stats(const cache_pool_t *p);

/* ---- singleflight --------------------------------------------------------------------- */

/* Fills out with the value of key: 0, -ENOENT (no such value), or another
 * negative errno. */
typedef int (*cache_load_fn)(void *ud, const char *key, cache_buf_t *out);

typedef struct cache_flight cache_flight_t;

int cache_flight_new(cache_flight_t **out);
void cache_flight_free(cache_flight_t *g);

/* Go's singleflight.Group.Do: the first caller for key runs fn; callers
 * that arrive while it runs wait and get a copy of its result and its
 * return value, with *shared true (the first caller's too, when anyone
 * shared). Once fn returns, the key is forgotten: the next call runs fn
 * again. In a runtime task. */
int cache_flight_do(cache_flight_t *g, const char *key, cache_load_fn fn, void *ud,
                    cache_buf_t *out, bool *shared);

/* ---- cache-aside ------------------------------------------------------------------------ */

typedef struct cache_config {
    int64_t ttl_ms;          /* a found value lives ttl_ms + jitter */
    int64_t jitter_ms;       /* jitter: uniform in [0, jitter_ms] */
    int64_t negative_ttl_ms; /* a "not found" lives this long, no jitter */
    uint64_t seed;           /* the jitter's random numbers */
} cache_config_t;

typedef struct cache cache_t;

typedef struct cache_stats {
    int64_t hits, misses, negative_hits, loads;
} cache_stats_t;

int cache_new(cache_pool_t *pool, const cache_config_t *cfg, cache_t **out);
void cache_free(cache_t *c);

/* Cache-aside read of key into value: a hit returns the stored value; a
 * negative entry returns -ENOENT without loading; a miss loads through the
 * singleflight and stores the result (value: ttl + jitter; -ENOENT:
 * negative_ttl; another error: nothing stored, returned). */
int cache_get(cache_t *c, const char *key, cache_load_fn load, void *ud, cache_buf_t *value);

/* The same for keys[0..n) with one MGET for all of them; the misses load
 * (each through the singleflight) and are stored in one pipeline. rcs[i]
 * is what cache_get would return for keys[i]. 0, or the error that kept
 * the batch from reaching the server. */
int cache_get_many(cache_t *c, size_t n, const char *const *keys, cache_load_fn load, void *ud,
                   cache_buf_t *values, int *rcs);

/* Runs the write to the source (write(ud, key)); when it succeeds, deletes
 * key from the cache. Returns write's error, or the DEL's. */
int cache_write(cache_t *c, const char *key, int (*write)(void *ud, const char *key), void *ud);

/* Deletes key: 1 when it was cached, 0 when not, or an error. */
int cache_invalidate(cache_t *c, const char *key);

cache_stats_t cache_stats(const cache_t *c);

/* ---- the lock ------------------------------------------------------------------------------ */

/* Takes the lock key for ttl_ms with a fresh random token (32 hex digits,
 * NUL-terminated, into token). 0, -EBUSY when someone holds it, or an
 * error. */
int cache_lock(cache_t *c, const char *key, int64_t ttl_ms, char token[33]);

/* Releases key if token still owns it (one EVAL: compare, then delete).
 * 0, -EPERM when the lock is gone or another token holds it. */
int cache_unlock(cache_t *c, const char *key, const char *token);

#endif
