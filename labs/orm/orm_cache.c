/*
 * orm_cache.c — the prepared-statement cache.
 *
 * Compiling SQL (sqlite3_prepare) costs about as much as running a small
 * statement, and an ORM runs the same few texts over and over with other
 * values bound. So every statement is kept, keyed by its SQL text: a hash
 * table finds it, an LRU list (most recent at the head) says which one to
 * finalize when the cache is full. A statement leaves the cache only by
 * eviction or orm_close; between uses it sits reset, holding no lock.
 *
 * Interface: orm__prepare(sql) → bind, orm__step … → orm__done; 
 * orm_set_cache_size; orm__cache_clear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

/* Eight bytes at a time, multiply and fold: an ORM hashes every
 * statement's text on every run, so this is on the hot path. */
uint64_t orm__hash(const char *s, size_t n)
{
    const uint64_t k = 0x9fb21c651e98df25ull;
    uint64_t h = 0x6a09e667f3bcc909ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h + w) * k;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, n - i);
    h = (h + w) * k;
    h ^= h >> 32;
    h *= k;
    return h ^ (h >> 29);
}

static void lru_unlink(orm_stmt_t *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void lru_push_front(orm_db_t *db, orm_stmt_t *e)
{
    e->next = db->lru.next;
    e->prev = &db->lru;
    db->lru.next->prev = e;
    db->lru.next = e;
}

/* Unlinks e from its hash chain and the list, finalizes and frees it. */
static void cache_drop(orm_db_t *db, orm_stmt_t *e)
{
    orm_stmt_t **pp = &db->buckets[e->hash & (db->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(e);
    sqlite3_finalize(e->stmt);
    free(e->sql);
    free(e);
    db->count--;
}

/* Doubles the table when it is as full as it has buckets. */
static int cache_grow(orm_db_t *db)
{
    if (db->count < db->nbuckets)
        return 0;
    size_t n = db->nbuckets ? db->nbuckets * 2 : 64;
    orm_stmt_t **b = calloc(n, sizeof *b);
    if (!b)
        return -ENOMEM;
    for (orm_stmt_t *e = db->lru.next; e != &db->lru; e = e->next) {
        e->hnext = b[e->hash & (n - 1)];
        b[e->hash & (n - 1)] = e;
    }
    free(db->buckets);
    db->buckets = b;
    db->nbuckets = n;
    return 0;
}

static orm_stmt_t *cache_find(orm_db_t *db, const char *sql, size_t len, uint64_t h)
{
    if (!db->nbuckets)
        return NULL;
    for (orm_stmt_t *e = db->buckets[h & (db->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0)
            return e;
    return NULL;
}

/* Compiles sql and adds it at the head, evicting from the tail. */
static int cache_add(orm_db_t *db, const char *sql, size_t len, uint64_t h, orm_stmt_t **out)
{
    orm_stmt_t *e = calloc(1, sizeof *e);
    if (!e || cache_grow(db) || !(e->sql = malloc(len + 1))) {
        free(e);
        return -ENOMEM;
    }
    int rc = sqlite3_prepare_v3(db->conn, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &e->stmt, NULL);
    if (rc != SQLITE_OK || !e->stmt) {
        free(e->sql);
        free(e);
        return rc == SQLITE_OK ? -EINVAL : orm_sql_error(rc);
    }
    memcpy(e->sql, sql, len);
    e->sql[len] = '\0';
    e->len = len;
    e->hash = h;
    e->hnext = db->buckets[h & (db->nbuckets - 1)];
    db->buckets[h & (db->nbuckets - 1)] = e;
    lru_push_front(db, e);
    db->count++;
    db->stats.prepares++;
    while (db->count > db->cap)
        cache_drop(db, db->lru.prev);
    *out = e;
    return 0;
}

/* The two most recently used statements are the likeliest next ones (a
 * loop runs one shape over and over, or two in turn): they are compared
 * first, and a match costs no hashing. */
static orm_stmt_t *cache_recent(orm_db_t *db, const char *sql, size_t len)
{
    orm_stmt_t *e = db->lru.next;
    for (int i = 0; i < 2 && e != &db->lru; i++, e = e->next)
        if (e->len == len && memcmp(e->sql, sql, len) == 0)
            return e;
    return NULL;
}

static void cache_touch(orm_db_t *db, orm_stmt_t *e)
{
    db->stats.hits++;
    if (db->lru.next != e) {
        lru_unlink(e);
        lru_push_front(db, e);
    }
}

int orm__prepare(orm_db_t *db, const char *sql, size_t len, sqlite3_stmt **out)
{
    orm_stmt_t *e = cache_recent(db, sql, len);
    if (e) {
        cache_touch(db, e);
        *out = e->stmt;
        return 0;
    }
    return orm__prepare_hashed(db, sql, len, orm__hash(sql, len), out);
}

int orm__prepare_hashed(orm_db_t *db, const char *sql, size_t len, uint64_t h, sqlite3_stmt **out)
{
    orm_stmt_t *e = cache_find(db, sql, len, h);
    if (e) {
        cache_touch(db, e);
    } else {
        int rc = cache_add(db, sql, len, h, &e);
        if (rc)
            return rc;
    }
    *out = e->stmt;
    return 0;
}

void orm__done(orm_db_t *db, sqlite3_stmt *st)
{
    (void)db;
    sqlite3_reset(st);
}

int orm_set_cache_size(orm_db_t *db, size_t cap)
{
    if (!db || cap < 1)
        return -EINVAL;
    db->cap = cap;
    while (db->count > db->cap)
        cache_drop(db, db->lru.prev);
    return 0;
}

void orm__cache_clear(orm_db_t *db)
{
    while (db->lru.next != &db->lru)
        cache_drop(db, db->lru.next);
}

#else /* the stub */

int orm_set_cache_size(orm_db_t *db, size_t cap)
{
    (void)db;
    (void)cap;
    return -ENOSYS;
}

#endif
