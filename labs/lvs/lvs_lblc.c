/*
 * lvs_lblc.c — the two locality-based schedulers (ip_vs_lblc.c,
 * ip_vs_lblcr.c): a cache from destination address to one dest (lblc) or a
 * set of dests (lblcr), refilled by weighted least connections.
 *
 * A cached dest is given up when it has lost its weight or is "overloaded"
 * in the locality sense: more active connections than its weight while some
 * dest of the service runs below half of its weight. lblcr then adds the
 * least loaded dest of the service to the set, and drops the most loaded
 * member once the set has not changed for the expiration time. Entries
 * unused for the expiration time are gone.
 *
 * Interface: lvs__lblc_pick / lvs__lblcr_pick (from lvs__pick),
 * lvs_lblcr_set, lvs__lblc_free.
 */
#include <errno.h>
#include <stdlib.h>

#include "lvs_internal.h"

#if LAB_SOLUTION

static unsigned lblc_key(uint32_t addr)
{
    return (addr * 2654435761u) & (LVS_LBLC_BUCKETS - 1);
}

static void en_free(lvs_lblc_en_t *en)
{
    free(en->set);
    free(en);
}

/* The live entry for daddr, dropping it if it expired. */
static lvs_lblc_en_t *en_get(lvs_service_t *svc, uint32_t daddr, uint64_t now)
{
    for (lvs_lblc_en_t **pp = &svc->lblc[lblc_key(daddr)]; *pp; pp = &(*pp)->next) {
        lvs_lblc_en_t *en = *pp;
        if (en->daddr != daddr)
            continue;
        if (now >= en->lastuse + svc->lblc_expiration) {
            *pp = en->next;
            en_free(en);
            return NULL;
        }
        return en;
    }
    return NULL;
}

static lvs_lblc_en_t *en_new(lvs_service_t *svc, uint32_t daddr, uint64_t now)
{
    lvs_lblc_en_t *en = calloc(1, sizeof(*en));
    if (!en)
        return NULL;
    unsigned b = lblc_key(daddr);
    en->daddr = daddr;
    en->lastuse = now;
    en->next = svc->lblc[b];
    svc->lblc[b] = en;
    return en;
}

/* Overloaded in the locality sense (both schedulers' is_overloaded). */
static bool loc_overloaded(const lvs_service_t *svc, const lvs_dest_t *d)
{
    if (d->active <= d->weight)
        return false;
    for (int i = 0; i < svc->n; i++)
        if (svc->dests[i].active * 2 < svc->dests[i].weight)
            return true;
    return false;
}

int lvs__lblc_pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now)
{
    lvs_lblc_en_t *en = en_get(svc, flow->daddr, now);
    if (en) {
        en->lastuse = now;
        const lvs_dest_t *d = &svc->dests[en->dest];
        if (d->weight > 0 && !loc_overloaded(svc, d))
            return en->dest;
    }
    int id = lvs__wlc_least(svc);
    if (id < 0)
        return id;
    if (!en)
        en = en_new(svc, flow->daddr, now);
    if (en) /* without memory for an entry the pick still stands */
        en->dest = id;
    return id;
}

/* ---- lblcr's sets: newest member first ---- */

static void set_insert(lvs_lblc_en_t *en, int id, uint64_t now)
{
    for (int i = 0; i < en->set_size; i++)
        if (en->set[i] == id)
            return;
    if (en->set_size == en->set_cap) {
        int cap = en->set_cap ? 2 * en->set_cap : 4;
        int *set = realloc(en->set, (size_t)cap * sizeof(*set));
        if (!set)
            return;
        en->set = set;
        en->set_cap = cap;
    }
    for (int i = en->set_size; i > 0; i--)
        en->set[i] = en->set[i - 1];
    en->set[0] = id;
    en->set_size++;
    en->lastmod = now;
}

static void set_erase(lvs_lblc_en_t *en, int id, uint64_t now)
{
    for (int i = 0; i < en->set_size; i++)
        if (en->set[i] == id) {
            for (int j = i + 1; j < en->set_size; j++)
                en->set[j - 1] = en->set[j];
            en->set_size--;
            en->lastmod = now;
            return;
        }
}

/* The member with the least overhead / weight (first wins a tie). */
static int set_min(const lvs_service_t *svc, const lvs_lblc_en_t *en)
{
    int i = 0;
    for (; i < en->set_size; i++) {
        const lvs_dest_t *d = &svc->dests[en->set[i]];
        if (!d->overloaded && d->weight > 0)
            break;
    }
    if (i == en->set_size)
        return -1;
    int least = en->set[i];
    int64_t loh = lvs__overhead(&svc->dests[least]);
    for (i++; i < en->set_size; i++) {
        const lvs_dest_t *d = &svc->dests[en->set[i]];
        if (d->overloaded)
            continue;
        int64_t doh = lvs__overhead(d);
        if (loh * d->weight > doh * svc->dests[least].weight) {
            least = en->set[i];
            loh = doh;
        }
    }
    return least;
}

/* The member with the most overhead / weight, among those with a weight. */
static int set_max(const lvs_service_t *svc, const lvs_lblc_en_t *en)
{
    int i = 0;
    for (; i < en->set_size; i++)
        if (svc->dests[en->set[i]].weight > 0)
            break;
    if (i == en->set_size)
        return -1;
    int most = en->set[i];
    int64_t moh = lvs__overhead(&svc->dests[most]);
    for (i++; i < en->set_size; i++) {
        const lvs_dest_t *d = &svc->dests[en->set[i]];
        int64_t doh = lvs__overhead(d);
        if (moh * d->weight < doh * svc->dests[most].weight && d->weight > 0) {
            most = en->set[i];
            moh = doh;
        }
    }
    return most;
}

int lvs__lblcr_pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now)
{
    lvs_lblc_en_t *en = en_get(svc, flow->daddr, now);
    int id;
    if (en) {
        en->lastuse = now;
        id = set_min(svc, en);
        /* a set that has not changed for the expiration time sheds its
         * most loaded member */
        if (en->set_size > 1 && now > en->lastmod + svc->lblc_expiration) {
            int m = set_max(svc, en);
            if (m >= 0)
                set_erase(en, m, now);
        }
        if (id >= 0 && !loc_overloaded(svc, &svc->dests[id]))
            return id;
    }
    id = lvs__wlc_least(svc);
    if (id < 0)
        return id;
    if (!en) {
        en = en_new(svc, flow->daddr, now);
        if (!en)
            return id;
    }
    set_insert(en, id, now);
    return id;
}

int lvs_lblcr_set(const lvs_service_t *svc, uint32_t daddr, int *ids, int cap)
{
    if (!svc || svc->kind != LVS_LBLCR || (cap > 0 && !ids))
        return -EINVAL;
    for (const lvs_lblc_en_t *en = svc->lblc[lblc_key(daddr)]; en; en = en->next)
        if (en->daddr == daddr) {
            for (int i = 0; i < en->set_size && i < cap; i++)
                ids[i] = en->set[i];
            return en->set_size;
        }
    return 0;
}

void lvs__lblc_free(lvs_service_t *svc)
{
    for (int b = 0; b < LVS_LBLC_BUCKETS; b++)
        while (svc->lblc[b]) {
            lvs_lblc_en_t *en = svc->lblc[b];
            svc->lblc[b] = en->next;
            en_free(en);
        }
}

#else /* stub */

int lvs_lblcr_set(const lvs_service_t *svc, uint32_t daddr, int *ids, int cap)
{
    (void)svc, (void)daddr, (void)ids, (void)cap;
    return -ENOSYS;
}

#endif
