/*
 * lvs_sched.c — eight of the ten IPVS schedulers, stepped as the kernel's
 * loops step (net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sed,nq,dh,sh}.c).
 *
 * Every scheduler walks the dest list in its order (newest first) and skips
 * a dest that is overloaded; all but dh and sh also skip weight 0. Loads
 * are compared by cross-multiplication, never by division, and the first
 * dest in list order wins a tie.
 *
 * Interface: lvs__pick (called by lvs_schedule and lvs_connect),
 * lvs__dests_changed (after every add or weight change).
 */
#include <errno.h>

#include "lvs_internal.h"

#if LAB_SOLUTION

static lvs_dest_t *at(const lvs_service_t *svc, int pos)
{
    return &svc->dests[svc->order[pos]];
}

/* rr: the next dest after the last pick, wrapping once. */
static int rr_pick(lvs_service_t *svc)
{
    int last = svc->rr_last;
    for (int pass = 0; pass < 2; pass++) {
        for (int pos = pass ? 0 : last + 1; pos < svc->n; pos++) {
            lvs_dest_t *d = at(svc, pos);
            if (!d->overloaded && d->weight > 0) {
                svc->rr_last = pos;
                return svc->order[pos];
            }
            if (pos == last)
                return -ENOENT;
        }
        if (last < 0) /* started at the head: one pass saw every dest */
            break;
    }
    return -ENOENT;
}

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* ip_vs_wrr_dest_changed: back to the head, new gcd and max weight. */
static void wrr_changed(lvs_service_t *svc)
{
    int g = 0, max = 0;
    for (int i = 0; i < svc->n; i++) {
        int w = svc->dests[i].weight;
        if (w > 0)
            g = g ? gcd(w, g) : w;
        if (w > max)
            max = w;
    }
    svc->wrr_cl = -1;
    svc->wrr_di = g ? g : 1;
    svc->wrr_mw = max - (svc->wrr_di - 1);
    if (svc->wrr_cw > svc->wrr_mw || svc->wrr_cw == 0)
        svc->wrr_cw = svc->wrr_mw;
    else if (svc->wrr_di > 1)
        svc->wrr_cw = (svc->wrr_cw / svc->wrr_di) * svc->wrr_di + 1;
}

/* wrr: walk on from the current dest taking the first whose weight reaches
 * the current weight cw; at the end of the list cw drops by the gcd, and
 * below 1 it starts again at the max weight. */
static int wrr_pick(lvs_service_t *svc)
{
    if (svc->wrr_mw == 0)
        return -ENOENT;
    int last = svc->wrr_cl, stop = -2, pos = last;
    bool last_pass = false, restarted = false;
    for (;;) {
        for (pos = pos + 1; pos < svc->n; pos++) {
            lvs_dest_t *d = at(svc, pos);
            if (!d->overloaded && d->weight >= svc->wrr_cw) {
                svc->wrr_cl = pos;
                return svc->order[pos];
            }
            if (pos == stop)
                goto over;
        }
        pos = -1;
        svc->wrr_cw -= svc->wrr_di;
        if (svc->wrr_cw <= 0) {
            svc->wrr_cw = svc->wrr_mw;
            if (last_pass || last == -1)
                goto over;
            restarted = true;
        }
        last_pass = svc->wrr_cw <= svc->wrr_di;
        if (last_pass && restarted && last != -1)
            stop = last;
    }
over:
    svc->wrr_cl = pos;
    return -ENOENT;
}

/* lc: the least overhead among dests with a weight. */
static int lc_pick(const lvs_service_t *svc)
{
    int least = -1, loh = 0;
    for (int pos = 0; pos < svc->n; pos++) {
        const lvs_dest_t *d = at(svc, pos);
        if (d->overloaded || d->weight == 0)
            continue;
        int doh = lvs__overhead(d);
        if (least < 0 || doh < loh) {
            least = pos;
            loh = doh;
        }
    }
    return least < 0 ? -ENOENT : svc->order[least];
}

/* wlc and sed: the least overhead / weight, the first available dest with a
 * weight to start; sed counts active + 1 only. */
static int wlc_like(const lvs_service_t *svc, bool sed)
{
    int pos = 0;
    for (; pos < svc->n; pos++)
        if (!at(svc, pos)->overloaded && at(svc, pos)->weight > 0)
            break;
    if (pos == svc->n)
        return -ENOENT;
    int least = pos;
    const lvs_dest_t *l = at(svc, pos);
    int64_t loh = sed ? l->active + 1 : lvs__overhead(l);
    for (pos++; pos < svc->n; pos++) {
        const lvs_dest_t *d = at(svc, pos);
        if (d->overloaded)
            continue;
        int64_t doh = sed ? d->active + 1 : lvs__overhead(d);
        if (loh * d->weight > doh * at(svc, least)->weight) {
            least = pos;
            loh = doh;
        }
    }
    return svc->order[least];
}

int lvs__wlc_least(const lvs_service_t *svc)
{
    return wlc_like(svc, false);
}

/* nq: an idle dest at once, else sed's rule. */
static int nq_pick(const lvs_service_t *svc)
{
    int least = -1;
    int64_t loh = 0;
    for (int pos = 0; pos < svc->n; pos++) {
        const lvs_dest_t *d = at(svc, pos);
        if (d->overloaded || d->weight == 0)
            continue;
        int64_t doh = d->active + 1;
        if (d->active == 0)
            return svc->order[pos];
        if (least < 0 || loh * d->weight > doh * at(svc, least)->weight) {
            least = pos;
            loh = doh;
        }
    }
    return least < 0 ? -ENOENT : svc->order[least];
}

/* dh and sh tables: dests in list order, one bucket each (dh) or as many
 * buckets as the weight, at least one (sh), round and round. */
static void hash_assign(lvs_service_t *svc, bool weighted)
{
    int pos = 0, count = 0;
    for (int b = 0; b < LVS_HASH_BUCKETS; b++) {
        if (svc->n == 0) {
            svc->buckets[b] = -1;
            continue;
        }
        svc->buckets[b] = svc->order[pos];
        if (!weighted || ++count >= at(svc, pos)->weight) {
            pos = (pos + 1) % svc->n;
            count = 0;
        }
    }
}

static unsigned dh_key(uint32_t addr)
{
    return (addr * 2654435761u) & (LVS_HASH_BUCKETS - 1);
}
static unsigned sh_key(uint32_t addr, unsigned offset)
{
    return (offset + addr * 2654435761u) & (LVS_HASH_BUCKETS - 1);
}

static int dh_pick(const lvs_service_t *svc, const lvs_flow_t *flow)
{
    int id = svc->buckets[dh_key(flow->daddr)];
    if (id < 0 || svc->dests[id].weight <= 0 || svc->dests[id].overloaded)
        return -ENOENT;
    return id;
}

static bool sh_unavailable(const lvs_dest_t *d)
{
    return d->weight <= 0 || d->overloaded;
}

static int sh_pick(const lvs_service_t *svc, const lvs_flow_t *flow)
{
    unsigned ihash = sh_key(flow->caddr, 0);
    int id = svc->buckets[ihash];
    if (id < 0)
        return -ENOENT;
    if (!sh_unavailable(&svc->dests[id]))
        return id;
    if (!svc->sh_fallback)
        return -ENOENT;
    /* the kernel adds the first hash in twice: offset + ihash, hashed again */
    for (unsigned off = 0; off < LVS_HASH_BUCKETS; off++) {
        id = svc->buckets[sh_key(flow->caddr, (off + ihash) % LVS_HASH_BUCKETS)];
        if (id < 0)
            break;
        if (!sh_unavailable(&svc->dests[id]))
            return id;
    }
    return -ENOENT;
}

void lvs__dests_changed(lvs_service_t *svc, bool added)
{
    /* rr keeps its last pick, which moved one place down the list */
    if (added && svc->rr_last >= 0)
        svc->rr_last++;
    if (svc->n == 0)
        svc->rr_last = -1;
    wrr_changed(svc);
    hash_assign(svc, svc->kind == LVS_SH);
}

int lvs__pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now)
{
    switch (svc->kind) {
    case LVS_RR: return rr_pick(svc);
    case LVS_WRR: return wrr_pick(svc);
    case LVS_LC: return lc_pick(svc);
    case LVS_WLC: return wlc_like(svc, false);
    case LVS_SED: return wlc_like(svc, true);
    case LVS_NQ: return nq_pick(svc);
    case LVS_LBLC: return lvs__lblc_pick(svc, flow, now);
    case LVS_LBLCR: return lvs__lblcr_pick(svc, flow, now);
    case LVS_DH: return dh_pick(svc, flow);
    case LVS_SH: return sh_pick(svc, flow);
    }
    return -EINVAL;
}

int lvs_hash_table(const lvs_service_t *svc, int *buckets)
{
    if (!svc || !buckets || (svc->kind != LVS_DH && svc->kind != LVS_SH))
        return -EINVAL;
    for (int b = 0; b < LVS_HASH_BUCKETS; b++)
        buckets[b] = svc->buckets[b];
    return LVS_HASH_BUCKETS;
}

unsigned lvs_hash_bucket(const lvs_service_t *svc, const lvs_flow_t *flow)
{
    if (!svc || !flow)
        return 0;
    return svc->kind == LVS_SH ? sh_key(flow->caddr, 0) : dh_key(flow->daddr);
}

#else /* stub */

int lvs_hash_table(const lvs_service_t *svc, int *buckets)
{
    (void)svc, (void)buckets;
    return -ENOSYS;
}

unsigned lvs_hash_bucket(const lvs_service_t *svc, const lvs_flow_t *flow)
{
    (void)svc, (void)flow;
    return 0;
}

#endif
