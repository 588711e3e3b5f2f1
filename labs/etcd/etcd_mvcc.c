/*
 * etcd_mvcc.c — the multi-version store: revisions, the key index with its
 * generations and tombstones, Put, Range at a revision, DeleteRange, Txn
 * and compaction (etcd's server/mvcc: kvstore.go, key_index.go).
 *
 * Interface: etcd_store_new → etcd_put / etcd_range / etcd_delete /
 * etcd_txn / etcd_compact → etcd_store_free. Writes go through
 * etcd__write_begin / _put / _delete / _end, which number them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_internal.h"
#include <undergo/clock.h>

const char *etcd_strerror(int err)
{
    switch (err < 0 ? -err : err) {
    case ETCD_ECOMPACTED: return "mvcc: required revision has been compacted";
    case ETCD_EFUTURE: return "mvcc: required revision is a future revision";
    case ETCD_ENOLEASE: return "lease not found";
    case ETCD_ENOTLEADER: return "raft: not the leader";
    default: return strerror(err < 0 ? -err : err);
    }
}

char *etcd__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void etcd_kv_free(etcd_kv_t *kv)
{
    if (!kv)
        return;
    free(kv->key);
    free(kv->value);
    kv->key = kv->value = NULL;
}

void etcd_range_result_free(etcd_range_result_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        etcd_kv_free(&r->kvs[i]);
    free(r->kvs);
    r->kvs = NULL;
    r->n = 0;
}

#if LAB_SOLUTION

static int64_t default_now(void)
{
    return clock_now();
}

int etcd_store_new(int64_t (*now)(void), etcd_store_t **out)
{
    etcd_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->rev = 1; /* etcd starts at revision 1 with no keys */
    s->now = now ? now : default_now;
    s->next_lease = 1;
    *out = s;
    return 0;
}

void etcd_store_free(etcd_store_t *s)
{
    if (!s)
        return;
    etcd__watchers_free(s);
    for (size_t i = 0; i < s->nkeys; i++) {
        for (size_t j = 0; j < s->keys[i].n; j++)
            free(s->keys[i].recs[j].value);
        free(s->keys[i].recs);
        free(s->keys[i].key);
    }
    free(s->keys);
    free(s->leases);
    free(s);
}

int64_t etcd_store_rev(const etcd_store_t *s)
{
    return s->rev;
}

int64_t etcd_store_compact_rev(const etcd_store_t *s)
{
    return s->compact;
}

bool etcd__span_has(const etcd_span_t *sp, const char *key)
{
    if (sp->prefix)
        return strncmp(key, sp->key, strlen(sp->key)) == 0;
    if (sp->end)
        return strcmp(key, sp->key) >= 0 && (!sp->end[0] || strcmp(key, sp->end) < 0);
    return strcmp(key, sp->key) == 0;
}

/* The first index whose key is >= key. */
static size_t lower_bound(const etcd_store_t *s, const char *key)
{
    size_t lo = 0, hi = s->nkeys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

etcd_key_t *etcd__find(etcd_store_t *s, const char *key)
{
    size_t i = lower_bound(s, key);
    return i < s->nkeys && !strcmp(s->keys[i].key, key) ? &s->keys[i] : NULL;
}

etcd_rec_t *etcd__live_at(etcd_key_t *k, int64_t rev)
{
    for (size_t i = k->n; i-- > 0;)
        if (k->recs[i].main <= rev)
            return k->recs[i].tomb ? NULL : &k->recs[i];
    return NULL;
}

void etcd__rec_kv(const etcd_key_t *k, const etcd_rec_t *r, etcd_kv_t *out)
{
    out->key = etcd__strdup(k->key);
    out->value = r->tomb ? NULL : etcd__strdup(r->value);
    out->create_revision = r->create;
    out->mod_revision = r->main;
    out->version = r->version;
    out->lease = r->lease;
}

void etcd__write_begin(etcd_store_t *s)
{
    s->wmain = s->rev + 1;
    s->wsub = 0;
}

void etcd__write_end(etcd_store_t *s)
{
    if (s->wsub > 0) /* a write that changed nothing takes no revision */
        s->rev = s->wmain;
    s->wmain = 0;
}

static etcd_rec_t *add_rec(etcd_key_t *k)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 4;
        etcd_rec_t *r = realloc(k->recs, cap * sizeof *r);
        if (!r)
            return NULL;
        k->recs = r;
        k->cap = cap;
    }
    etcd_rec_t *r = &k->recs[k->n];
    memset(r, 0, sizeof *r);
    return r;
}

int etcd__write_put(etcd_store_t *s, const char *key, const char *value, int64_t lease,
                    etcd_kv_t *prev)
{
    size_t at = lower_bound(s, key);
    etcd_key_t *k = at < s->nkeys && !strcmp(s->keys[at].key, key) ? &s->keys[at] : NULL;
    if (!k) {
        if (s->nkeys == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 16;
            etcd_key_t *nk = realloc(s->keys, cap * sizeof *nk);
            if (!nk)
                return -ENOMEM;
            s->keys = nk;
            s->cap = cap;
        }
        memmove(&s->keys[at + 1], &s->keys[at], (s->nkeys - at) * sizeof *s->keys);
        s->nkeys++;
        k = &s->keys[at];
        memset(k, 0, sizeof *k);
        k->key = etcd__strdup(key);
    }
    etcd_rec_t *last = k->n && !k->recs[k->n - 1].tomb ? &k->recs[k->n - 1] : NULL;
    if (prev) {
        memset(prev, 0, sizeof *prev);
        if (last)
            etcd__rec_kv(k, last, prev);
    }
    int64_t create = last ? last->create : s->wmain;
    int64_t version = last ? last->version + 1 : 1;
    etcd_rec_t *r = add_rec(k);
    if (!r)
        return -ENOMEM;
    r->main = s->wmain;
    r->sub = s->wsub++;
    r->value = etcd__strdup(value);
    r->create = create;
    r->version = version;
    r->lease = lease;
    k->n++;
    etcd__notify(s, k, k->n - 1);
    return 0;
}

/* Appends r's kv to a result and counts it. */
static int result_add(etcd_range_result_t *out, const etcd_key_t *k, const etcd_rec_t *r)
{
    etcd_kv_t *kvs = realloc(out->kvs, (out->n + 1) * sizeof *kvs);
    if (!kvs)
        return -ENOMEM;
    out->kvs = kvs;
    etcd__rec_kv(k, r, &out->kvs[out->n++]);
    out->count++;
    return 0;
}

int64_t etcd__write_delete(etcd_store_t *s, const etcd_span_t *sp, etcd_range_result_t *prev)
{
    int64_t n = 0;
    for (size_t i = 0; i < s->nkeys; i++) {
        etcd_key_t *k = &s->keys[i];
        if (!etcd__span_has(sp, k->key))
            continue;
        if (!k->n || k->recs[k->n - 1].tomb)
            continue;
        /* before add_rec, which may move recs */
        if (prev && result_add(prev, k, &k->recs[k->n - 1]))
            return -ENOMEM;
        etcd_rec_t *r = add_rec(k);
        if (!r)
            return -ENOMEM;
        r->main = s->wmain;
        r->sub = s->wsub++;
        r->tomb = true;
        k->n++;
        etcd__notify(s, k, k->n - 1);
        n++;
    }
    return n;
}

int etcd_put(etcd_store_t *s, const char *key, const char *value, int64_t lease, int64_t *rev,
             etcd_kv_t *prev)
{
    etcd__leases_expire(s);
    if (lease && !etcd__lease_exists(s, lease))
        return -ETCD_ENOLEASE;
    etcd__write_begin(s);
    int rc = etcd__write_put(s, key, value, lease, prev);
    etcd__write_end(s);
    if (rev)
        *rev = s->rev;
    return rc;
}

int etcd_range(etcd_store_t *s, const etcd_span_t *sp, int64_t rev, int64_t limit,
               etcd_range_result_t *out)
{
    etcd__leases_expire(s);
    memset(out, 0, sizeof *out);
    out->rev = s->rev;
    if (rev <= 0)
        rev = s->rev;
    if (rev > s->rev)
        return -ETCD_EFUTURE;
    if (rev < s->compact) /* at the compaction itself every key is still there */
        return -ETCD_ECOMPACTED;
    for (size_t i = 0; i < s->nkeys; i++) {
        etcd_key_t *k = &s->keys[i];
        if (!etcd__span_has(sp, k->key))
            continue;
        etcd_rec_t *r = etcd__live_at(k, rev);
        if (!r)
            continue;
        if (limit > 0 && (int64_t)out->n >= limit) {
            out->count++;
            continue;
        }
        if (result_add(out, k, r)) {
            etcd_range_result_free(out);
            return -ENOMEM;
        }
    }
    out->more = out->count > (int64_t)out->n;
    return 0;
}

int etcd_delete(etcd_store_t *s, const etcd_span_t *sp, int64_t *deleted, int64_t *rev,
                etcd_range_result_t *prev)
{
    etcd__leases_expire(s);
    if (prev)
        memset(prev, 0, sizeof *prev);
    etcd__write_begin(s);
    int64_t n = etcd__write_delete(s, sp, prev);
    etcd__write_end(s);
    if (deleted)
        *deleted = n < 0 ? 0 : n;
    if (rev)
        *rev = s->rev;
    if (prev)
        prev->rev = s->rev;
    return n < 0 ? (int)n : 0;
}

static bool compare_int(etcd_cmp_result_t res, int64_t have, int64_t want)
{
    switch (res) {
    case ETCD_EQUAL: return have == want;
    case ETCD_NOT_EQUAL: return have != want;
    case ETCD_LESS: return have < want;
    case ETCD_GREATER: return have > want;
    }
    return false;
}

static bool compare_holds(etcd_store_t *s, const etcd_compare_t *c)
{
    etcd_key_t *k = etcd__find(s, c->key);
    etcd_rec_t *r = k ? etcd__live_at(k, s->rev) : NULL;
    if (c->target == ETCD_CMP_VALUE) {
        if (!r) /* a missing key has no value to compare */
            return false;
        int d = strcmp(r->value, c->value);
        return compare_int(c->result, d < 0 ? -1 : d > 0, 0);
    }
    int64_t have = !r                              ? 0
                   : c->target == ETCD_CMP_VERSION ? r->version
                   : c->target == ETCD_CMP_CREATE  ? r->create
                                                   : r->main;
    return compare_int(c->result, have, c->number);
}

int etcd_txn(etcd_store_t *s, const etcd_compare_t *cmp, size_t ncmp, const etcd_op_t *then,
             size_t nthen, const etcd_op_t *otherwise, size_t nother, bool *succeeded, int64_t *rev)
{
    etcd__leases_expire(s);
    bool ok = true;
    for (size_t i = 0; i < ncmp && ok; i++)
        ok = compare_holds(s, &cmp[i]);
    const etcd_op_t *ops = ok ? then : otherwise;
    size_t n = ok ? nthen : nother;
    for (size_t i = 0; i < n; i++) /* checked before anything is written */
        if (ops[i].kind == ETCD_OP_PUT && ops[i].lease && !etcd__lease_exists(s, ops[i].lease))
            return -ETCD_ENOLEASE;
    int rc = 0;
    etcd__write_begin(s);
    for (size_t i = 0; i < n && !rc; i++) {
        if (ops[i].kind == ETCD_OP_PUT)
            rc = etcd__write_put(s, ops[i].span.key, ops[i].value, ops[i].lease, NULL);
        else {
            int64_t d = etcd__write_delete(s, &ops[i].span, NULL);
            rc = d < 0 ? (int)d : 0;
        }
    }
    etcd__write_end(s);
    if (succeeded)
        *succeeded = ok;
    if (rev)
        *rev = s->rev;
    return rc;
}

int etcd_compact(etcd_store_t *s, int64_t rev)
{
    etcd__leases_expire(s);
    if (rev <= s->compact)
        return -ETCD_ECOMPACTED;
    if (rev > s->rev)
        return -ETCD_EFUTURE;
    size_t w = 0;
    for (size_t i = 0; i < s->nkeys; i++) {
        etcd_key_t *k = &s->keys[i];
        /* keep the newest record at or below rev (what a read at rev sees),
         * unless it is a tombstone: then its generation is over and gone */
        size_t keep = k->n;
        for (size_t j = k->n; j-- > 0;)
            if (k->recs[j].main <= rev) {
                keep = j;
                break;
            }
        if (keep < k->n) {
            size_t from = k->recs[keep].tomb ? keep + 1 : keep;
            for (size_t j = 0; j < from; j++)
                free(k->recs[j].value);
            memmove(k->recs, k->recs + from, (k->n - from) * sizeof *k->recs);
            k->n -= from;
        }
        if (!k->n) {
            free(k->recs);
            free(k->key);
            continue;
        }
        s->keys[w++] = *k;
    }
    s->nkeys = w;
    s->compact = rev;
    return 0;
}

#else

int etcd_store_new(int64_t (*now)(void), etcd_store_t **out)
{
    (void)now;
    *out = NULL;
    return -ENOSYS;
}
void etcd_store_free(etcd_store_t *s)
{
    (void)s;
}
int64_t etcd_store_rev(const etcd_store_t *s)
{
    (void)s;
    return -ENOSYS;
}
int64_t etcd_store_compact_rev(const etcd_store_t *s)
{
    (void)s;
    return -ENOSYS;
}
bool etcd__span_has(const etcd_span_t *sp, const char *key)
{
    (void)sp, (void)key;
    return false;
}
etcd_key_t *etcd__find(etcd_store_t *s, const char *key)
{
    (void)s, (void)key;
    return NULL;
}
etcd_rec_t *etcd__live_at(etcd_key_t *k, int64_t rev)
{
    (void)k, (void)rev;
    return NULL;
}
void etcd__rec_kv(const etcd_key_t *k, const etcd_rec_t *r, etcd_kv_t *out)
{
    (void)k, (void)r;
    memset(out, 0, sizeof *out);
}
void etcd__write_begin(etcd_store_t *s)
{
    (void)s;
}
void etcd__write_end(etcd_store_t *s)
{
    (void)s;
}
int etcd__write_put(etcd_store_t *s, const char *key, const char *value, int64_t lease,
                    etcd_kv_t *prev)
{
    (void)s, (void)key, (void)value, (void)lease, (void)prev;
    return -ENOSYS;
}
int64_t etcd__write_delete(etcd_store_t *s, const etcd_span_t *sp, etcd_range_result_t *prev)
{
    (void)s, (void)sp, (void)prev;
    return -ENOSYS;
}
int etcd_put(etcd_store_t *s, const char *key, const char *value, int64_t lease, int64_t *rev,
             etcd_kv_t *prev)
{
    (void)s, (void)key, (void)value, (void)lease, (void)rev, (void)prev;
    return -ENOSYS;
}
int etcd_range(etcd_store_t *s, const etcd_span_t *sp, int64_t rev, int64_t limit,
               etcd_range_result_t *out)
{
    (void)s, (void)sp, (void)rev, (void)limit;
    memset(out, 0, sizeof *out);
    return -ENOSYS;
}
int etcd_delete(etcd_store_t *s, const etcd_span_t *sp, int64_t *deleted, int64_t *rev,
                etcd_range_result_t *prev)
{
    (void)s, (void)sp, (void)deleted, (void)rev;
    if (prev)
        memset(prev, 0, sizeof *prev);
    return -ENOSYS;
}
int etcd_txn(etcd_store_t *s, const etcd_compare_t *cmp, size_t ncmp, const etcd_op_t *then,
             size_t nthen, const etcd_op_t *otherwise, size_t nother, bool *succeeded, int64_t *rev)
{
    (void)s, (void)cmp, (void)ncmp, (void)then, (void)nthen, (void)otherwise, (void)nother,
        (void)succeeded, (void)rev;
    return -ENOSYS;
}
int etcd_compact(etcd_store_t *s, int64_t rev)
{
    (void)s, (void)rev;
    return -ENOSYS;
}

#endif
