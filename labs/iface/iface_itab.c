/*
 * iface_itab.c — building itabs and caching them.
 *
 * An itab answers "how does concrete type T satisfy interface I": one
 * function pointer per interface method, in the interface's sorted order.
 * Both method lists are sorted by name, so one linear merge finds every
 * method, O(|I| + |T|), instead of a search per method.
 *
 * Building costs a merge and an allocation, so each (I, T) pair is built
 * once and kept in a global open-addressing hash table keyed by the two
 * descriptor pointers. A pair that does NOT match is kept too (a negative
 * itab, ->missing set): code that asserts the same wrong type in a loop
 * must not redo the merge each time.
 *
 * Interface: iface_getitab (cached) | iface_itab_build → iface_itab_free
 * (uncached); iface_cache_stats; iface_cache_reset frees everything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"

#if LAB_SOLUTION

/* ---- building -------------------------------------------------------- */

/* Fills tab->fun by merging the sorted lists; on the first interface method
 * the type lacks, records it in ->missing and clears fun. Can't fail. */
static void itab_merge(iface_itab_t *tab)
{
    const iface_itype_t *it = tab->inter;
    const iface_type_t *t = tab->type;
    size_t j = 0;

    for (size_t i = 0; i < it->nmethods; i++) {
        const char *want = it->methods[i];
        /* Methods of t sorting before `want` are extras the interface
         * does not ask for; skip them. */
        while (j < t->nmethods && strcmp(t->methods[j].name, want) < 0)
            j++;
        if (j == t->nmethods || strcmp(t->methods[j].name, want) != 0) {
            tab->missing = want;
            memset(tab->fun, 0, it->nmethods * sizeof(tab->fun[0]));
            return;
        }
        tab->fun[i] = t->methods[j++].fn;
    }
}

int iface_itab_build(const iface_itype_t *it, const iface_type_t *t, iface_itab_t **out)
{
    if (!it || !t || !out)
        return -EINVAL;
    iface_itab_t *tab = calloc(1, sizeof(*tab) + it->nmethods * sizeof(tab->fun[0]));
    if (!tab)
        return -ENOMEM;
    tab->inter = it;
    tab->type = t;
    tab->hash = t->hash;
    tab->nfun = it->nmethods;
    itab_merge(tab);
    *out = tab;
    return 0;
}

void iface_itab_free(iface_itab_t *tab)
{
    free(tab);
}

/* ---- the cache ---------------------------------------------------------- */

#define CACHE_MIN_CAP 64   /* a power of two */

/* The global table. slots[i] is NULL (empty) or an itab; capacity is a power
 * of two and never more than 3/4 full, so probing always ends. */
static struct {
    iface_itab_t **slots;
    size_t cap;
    size_t count;
    uint64_t hits;
    uint64_t misses;
} cache;

/* Slot index to start probing at. The name hashes are combined as Go does
 * (inter ^ type); the pointers are folded in too, so types that share a
 * name, and so a hash, still spread out. Equality is decided by comparing
 * the two pointers, never by hash. */
static size_t cache_home(const iface_itype_t *it, const iface_type_t *t, size_t cap)
{
    uint64_t h = (uint64_t)(it->hash ^ (t->hash * 0x9e3779b9u));
    h ^= (uint64_t)(uintptr_t)it >> 4;
    h ^= (uint64_t)(uintptr_t)t >> 3;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

/* Slot holding (it, t), or the empty slot where it belongs. cap > count. */
static iface_itab_t **cache_slot(iface_itab_t **slots, size_t cap,
                                 const iface_itype_t *it, const iface_type_t *t)
{
    size_t i = cache_home(it, t, cap);
    /* Quadratic (triangular) probing visits every slot of a power-of-two table. */
    for (size_t step = 1;; step++) {
        iface_itab_t *tab = slots[i];
        if (!tab || (tab->inter == it && tab->type == t))
            return &slots[i];
        i = (i + step) & (cap - 1);
    }
}

/* Doubles the table (or creates it). Returns 0 or -ENOMEM, table unchanged. */
static int cache_grow(void)
{
    size_t cap = cache.cap ? cache.cap * 2 : CACHE_MIN_CAP;
    iface_itab_t **slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < cache.cap; i++) {
        iface_itab_t *tab = cache.slots[i];
        if (tab)
            *cache_slot(slots, cap, tab->inter, tab->type) = tab;
    }
    free(cache.slots);
    cache.slots = slots;
    cache.cap = cap;
    return 0;
}

/* Builds (it, t) and stores it in the table. Returns 0 or -ENOMEM. */
static int cache_add(const iface_itype_t *it, const iface_type_t *t, iface_itab_t **out)
{
    if ((cache.count + 1) * 4 > cache.cap * 3) {
        int err = cache_grow();
        if (err)
            return err;
    }
    int err = iface_itab_build(it, t, out);
    if (err)
        return err;
    *cache_slot(cache.slots, cache.cap, it, t) = *out;
    cache.count++;
    return 0;
}

int iface_getitab(const iface_itype_t *it, const iface_type_t *t, const iface_itab_t **out)
{
    if (!it || !t || !out)
        return -EINVAL;
    iface_itab_t *tab = cache.cap ? *cache_slot(cache.slots, cache.cap, it, t) : NULL;
    if (tab) {
        cache.hits++;
    } else {
        cache.misses++;
        int err = cache_add(it, t, &tab);
        if (err)
            return err;
    }
    *out = tab;
    return tab->missing ? -ENOENT : 0;
}

void iface_cache_stats(iface_cache_stats_t *out)
{
    out->hits = cache.hits;
    out->misses = cache.misses;
    out->entries = cache.count;
    out->capacity = cache.cap;
}

void iface_cache_reset(void)
{
    for (size_t i = 0; i < cache.cap; i++)
        free(cache.slots[i]);
    free(cache.slots);
    memset(&cache, 0, sizeof(cache));
}

#else /* stub: every entry point fails cleanly */

int iface_itab_build(const iface_itype_t *it, const iface_type_t *t, iface_itab_t **out)
{
    (void)it;
    (void)t;
    if (out)
        *out = NULL;
    return -ENOSYS;
}

void iface_itab_free(iface_itab_t *tab)
{
    free(tab);
}

int iface_getitab(const iface_itype_t *it, const iface_type_t *t, const iface_itab_t **out)
{
    (void)it;
    (void)t;
    if (out)
        *out = NULL;
    return -ENOSYS;
}

void iface_cache_stats(iface_cache_stats_t *out)
{
    memset(out, 0, sizeof(*out));
}

void iface_cache_reset(void)
{
}

#endif
