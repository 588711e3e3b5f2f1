/*
 * etcd_internal.h — the data structures the store's files share.
 *
 * A key's index is its list of records in revision order: a put adds a
 * record with the value, a delete adds a tombstone. The records between
 * two tombstones are one generation (etcd's key_index.go keeps them as a
 * list of generations; a flat list with tombstones is the same thing).
 * Keys are kept sorted, so a span is a binary search and a walk.
 *
 * Interface: etcd_mvcc.c owns keys, revisions and compaction; etcd_watch.c
 * owns watchers and leases and calls etcd__write_* to change keys.
 */
#ifndef ETCD_INTERNAL_H
#define ETCD_INTERNAL_H

#include "etcd.h"

typedef struct etcd_rec {
    int64_t main, sub;
    bool tomb;
    char *value; /* NULL for a tombstone */
    int64_t create, version, lease;
} etcd_rec_t;

typedef struct etcd_key {
    char *key;
    etcd_rec_t *recs;
    size_t n, cap;
} etcd_key_t;

typedef struct etcd_lease {
    int64_t id, ttl, expiry;
} etcd_lease_t;

struct etcd_watcher {
    etcd_store_t *s;
    char *key, *end;
    bool has_end, prefix, prev_kv, cancelled;
    int64_t compact_rev;
    etcd_event_t *q; /* a ring of pending events */
    size_t head, n, cap;
    etcd_watcher_t *next;
};

struct etcd_store {
    etcd_key_t *keys; /* sorted by key */
    size_t nkeys, cap;
    int64_t rev, compact;
    int64_t (*now)(void);
    int64_t wmain, wsub; /* the write under way: its main revision, next sub */
    etcd_watcher_t *watchers;
    etcd_lease_t *leases;
    size_t nleases, lcap;
    int64_t next_lease;
};

/* mvcc */
bool etcd__span_has(const etcd_span_t *sp, const char *key);
etcd_key_t *etcd__find(etcd_store_t *s, const char *key);
/* The record of k live at rev (main <= rev), or NULL (none or tombstone). */
etcd_rec_t *etcd__live_at(etcd_key_t *k, int64_t rev);
void etcd__rec_kv(const etcd_key_t *k, const etcd_rec_t *r, etcd_kv_t *out);
void etcd__write_begin(etcd_store_t *s);
void etcd__write_end(etcd_store_t *s);
int etcd__write_put(etcd_store_t *s, const char *key, const char *value, int64_t lease,
                    etcd_kv_t *prev);
int64_t etcd__write_delete(etcd_store_t *s, const etcd_span_t *sp, etcd_range_result_t *prev);
char *etcd__strdup(const char *s);

/* watch */
void etcd__notify(etcd_store_t *s, const etcd_key_t *k, size_t i);
void etcd__leases_expire(etcd_store_t *s);
bool etcd__lease_exists(etcd_store_t *s, int64_t id);
void etcd__watchers_free(etcd_store_t *s);

#endif
