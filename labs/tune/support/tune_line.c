/*
 * tune_line.c — line fields, route matching and the stat map (see
 * tune_line.h). Pristine: the handout's slow service and any faster one
 * agree on the rules because both use these.
 */
#include "tune_line.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { SEEN_PATH = 1, SEEN_STATUS = 2, SEEN_BYTES = 4, SEEN_MS = 8 };

void tune_line_init(tune_line_t *l)
{
    memset(l, 0, sizeof *l);
}

static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool key_is(const char *key, size_t klen, const char *name)
{
    return klen == strlen(name) && !memcmp(key, name, klen);
}

/* Marks bit as seen; a key given twice makes the line bad. */
static bool first_time(tune_line_t *l, unsigned bit)
{
    if (l->seen & bit)
        l->bad = true;
    l->seen |= bit;
    return !l->bad;
}

void tune_line_field(tune_line_t *l, const char *key, size_t klen, const char *val, size_t vlen)
{
    if (!val) {
        l->bad = true;
        return;
    }
    if (key_is(key, klen, "path")) {
        if (first_time(l, SEEN_PATH)) {
            l->path = val;
            l->path_len = vlen;
            l->bad = vlen == 0 || val[0] != '/' || vlen >= TUNE_MAX_ROUTE;
        }
    } else if (key_is(key, klen, "status")) {
        if (first_time(l, SEEN_STATUS))
            l->bad = !parse_uint(val, vlen, &l->status) || l->status < 100 || l->status > 599;
    } else if (key_is(key, klen, "bytes")) {
        if (first_time(l, SEEN_BYTES))
            l->bad = !parse_uint(val, vlen, &l->bytes);
    } else if (key_is(key, klen, "ms")) {
        if (first_time(l, SEEN_MS))
            l->bad = !parse_uint(val, vlen, &l->ms);
    }
}

bool tune_line_done(const tune_line_t *l)
{
    return !l->bad && (l->seen & (SEEN_PATH | SEEN_STATUS)) == (SEEN_PATH | SEEN_STATUS);
}

void tune_stat_add(tune_stat_t *s, const tune_line_t *l)
{
    s->count++;
    s->bytes += l->bytes;
    s->errors += l->status >= 500;
    s->ms_total += l->ms;
    if (l->ms > s->ms_max)
        s->ms_max = l->ms;
}

void tune_stat_merge(tune_stat_t *dst, const tune_stat_t *src)
{
    dst->count += src->count;
    dst->bytes += src->bytes;
    dst->errors += src->errors;
    dst->ms_total += src->ms_total;
    if (src->ms_max > dst->ms_max)
        dst->ms_max = src->ms_max;
}

bool tune_match(const char *pattern, const char *path, size_t n)
{
    const char *p = pattern, *end = path + n;
    const char *s = path;
    while (*p && s < end) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        const char *pseg = p, *sseg = s;
        while (*p && *p != '/')
            p++;
        while (s < end && *s != '/')
            s++;
        size_t plen = (size_t)(p - pseg), slen = (size_t)(s - sseg);
        if (plen == 1 && *pseg == '*') {
            if (slen == 0)
                return false;
        } else if (plen != slen || memcmp(pseg, sseg, plen)) {
            return false;
        }
    }
    return !*p && s == end;
}

/* ---- the map ------------------------------------------------------------ */

uint64_t tune_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

void tune_map_init(tune_map_t *m)
{
    memset(m, 0, sizeof *m);
}

void tune_map_clear(tune_map_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slots[i].key);
        memset(&m->slots[i], 0, sizeof m->slots[i]);
    }
    m->len = 0;
}

void tune_map_free(tune_map_t *m)
{
    tune_map_clear(m);
    free(m->slots);
    tune_map_init(m);
}

static tune_map_entry_t *probe(tune_map_entry_t *slots, size_t cap, const char *key, size_t klen,
                               uint64_t h)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        tune_map_entry_t *e = &slots[i];
        if (!e->key || (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen)))
            return e;
    }
}

static int grow(tune_map_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    tune_map_entry_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *probe(slots, cap, m->slots[i].key, m->slots[i].klen, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

tune_map_entry_t *tune_map_get(tune_map_t *m, const char *key, size_t klen, bool create)
{
    uint64_t h = tune_hash(key, klen);
    if (m->cap) {
        tune_map_entry_t *e = probe(m->slots, m->cap, key, klen, h);
        if (e->key || !create)
            return e->key ? e : NULL;
    } else if (!create) {
        return NULL;
    }
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) < 0)
        return NULL;
    tune_map_entry_t *e = probe(m->slots, m->cap, key, klen, h);
    char *copy = malloc(klen + 1);
    if (!copy)
        return NULL;
    memcpy(copy, key, klen);
    copy[klen] = '\0';
    *e = (tune_map_entry_t){.key = copy, .klen = klen, .hash = h};
    m->len++;
    return e;
}

static int by_key(const void *a, const void *b)
{
    const tune_map_entry_t *x = *(tune_map_entry_t *const *)a, *y = *(tune_map_entry_t *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

long tune_map_sorted(const tune_map_t *m, tune_map_entry_t ***out)
{
    *out = NULL;
    if (!m->len)
        return 0;
    tune_map_entry_t **v = malloc(m->len * sizeof *v);
    if (!v)
        return -ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            v[k++] = &m->slots[i];
    qsort(v, k, sizeof *v, by_key);
    *out = v;
    return (long)k;
}
