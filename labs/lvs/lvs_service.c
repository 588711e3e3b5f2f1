/*
 * lvs_service.c — a virtual service: its dests in the kernel's list order,
 * the connection counters and overload thresholds (ip_vs_bind_dest and
 * ip_vs_unbind_dest), and persistence templates (ip_vs_sched_persist).
 *
 * Interface: lvs_service_new → lvs_dest_add / lvs_dest_edit →
 * lvs_connect → lvs_conn_inactive → lvs_conn_close → lvs_service_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lvs_internal.h"

#if LAB_SOLUTION

lvs_service_t *lvs_service_new(lvs_sched_kind_t kind)
{
    if ((unsigned)kind > LVS_SH)
        return NULL;
    lvs_service_t *svc = calloc(1, sizeof(*svc));
    if (!svc)
        return NULL;
    svc->dests = calloc(LVS_MAX_DESTS, sizeof(*svc->dests));
    svc->order = calloc(LVS_MAX_DESTS, sizeof(*svc->order));
    if (!svc->dests || !svc->order) {
        lvs_service_free(svc);
        return NULL;
    }
    svc->kind = kind;
    svc->lblc_expiration = LVS_LBLC_EXPIRATION_MS;
    svc->p_netmask = 0xffffffffu;
    lvs__dests_changed(svc, false);
    return svc;
}

static void tmpl_free_all(lvs_service_t *svc)
{
    for (int b = 0; b < LVS_TMPL_BUCKETS; b++)
        while (svc->tmpl[b]) {
            lvs_tmpl_t *t = svc->tmpl[b];
            svc->tmpl[b] = t->next;
            free(t);
        }
}

void lvs_service_free(lvs_service_t *svc)
{
    if (!svc)
        return;
    lvs__lblc_free(svc);
    tmpl_free_all(svc);
    free(svc->dests);
    free(svc->order);
    free(svc);
}

static lvs_dest_t *dest_of(const lvs_service_t *svc, int id)
{
    return svc && id >= 0 && id < svc->n ? &svc->dests[id] : NULL;
}

int lvs_dest_add(lvs_service_t *svc, uint32_t addr, uint16_t port, int weight)
{
    if (!svc || weight < 0)
        return -EINVAL;
    if (svc->n >= LVS_MAX_DESTS)
        return -ENOSPC;
    int id = svc->n++;
    svc->dests[id] = (lvs_dest_t){.addr = addr, .port = port, .weight = weight};
    /* list_add_rcu: the new dest goes to the head of the list */
    memmove(svc->order + 1, svc->order, (size_t)id * sizeof(*svc->order));
    svc->order[0] = id;
    lvs__dests_changed(svc, true);
    return id;
}

int lvs_dest_edit(lvs_service_t *svc, int id, int weight)
{
    lvs_dest_t *d = dest_of(svc, id);
    if (!d || weight < 0)
        return -EINVAL;
    d->weight = weight;
    lvs__dests_changed(svc, false);
    return 0;
}

int lvs_dest_thresholds(lvs_service_t *svc, int id, int u_threshold, int l_threshold)
{
    lvs_dest_t *d = dest_of(svc, id);
    if (!d || u_threshold < 0 || l_threshold < 0)
        return -EINVAL;
    /* __ip_vs_update_dest: no upper threshold, or a higher one, clears overload */
    if (u_threshold == 0 || u_threshold > d->u_threshold)
        d->overloaded = false;
    d->u_threshold = u_threshold;
    d->l_threshold = l_threshold;
    return 0;
}

int lvs_dest_set_conns(lvs_service_t *svc, int id, int active, int inactive)
{
    lvs_dest_t *d = dest_of(svc, id);
    if (!d || active < 0 || inactive < 0)
        return -EINVAL;
    d->active = active;
    d->inactive = inactive;
    return 0;
}

int lvs_dest_info(const lvs_service_t *svc, int id, lvs_dest_info_t *out)
{
    const lvs_dest_t *d = dest_of(svc, id);
    if (!d || !out)
        return -EINVAL;
    *out = (lvs_dest_info_t){d->addr,    d->port,        d->weight,      d->active,    d->inactive,
                             d->persist, d->u_threshold, d->l_threshold, d->overloaded};
    return 0;
}

int lvs_dest_order(const lvs_service_t *svc, int *ids, int cap)
{
    if (!svc || (cap > 0 && !ids))
        return -EINVAL;
    for (int i = 0; i < svc->n && i < cap; i++)
        ids[i] = svc->order[i];
    return svc->n;
}

int lvs_schedule(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now)
{
    if (!svc || !flow)
        return -EINVAL;
    return lvs__pick(svc, flow, now);
}

int lvs_service_persistent(lvs_service_t *svc, uint32_t timeout_ms, uint32_t netmask)
{
    if (!svc)
        return -EINVAL;
    svc->p_timeout = timeout_ms;
    svc->p_netmask = netmask;
    return 0;
}

int lvs_service_lblc_expiration(lvs_service_t *svc, uint32_t ms)
{
    if (!svc || ms == 0)
        return -EINVAL;
    svc->lblc_expiration = ms;
    return 0;
}

int lvs_service_sh_fallback(lvs_service_t *svc, bool on)
{
    if (!svc)
        return -EINVAL;
    svc->sh_fallback = on;
    return 0;
}

/* ---- counters and thresholds ---- */

static int totalconns(const lvs_dest_t *d)
{
    return d->active + d->inactive;
}

/* ip_vs_bind_dest: count the connection, then the upper threshold. */
static void bind_dest(lvs_dest_t *d, bool active)
{
    if (active)
        d->active++;
    else
        d->inactive++;
    if (d->u_threshold != 0 && totalconns(d) >= d->u_threshold)
        d->overloaded = true;
}

/* ip_vs_unbind_dest: uncount it, then the lower threshold (3/4 of the
 * upper one when no lower one is set). */
static void unbind_dest(lvs_dest_t *d, bool active)
{
    if (active)
        d->active--;
    else
        d->inactive--;
    if (d->l_threshold != 0) {
        if (totalconns(d) < d->l_threshold)
            d->overloaded = false;
    } else if (d->u_threshold != 0) {
        if (totalconns(d) * 4 < d->u_threshold * 3)
            d->overloaded = false;
    } else {
        d->overloaded = false;
    }
}

/* ---- persistence templates ---- */

static unsigned tmpl_hash(uint32_t caddr, uint32_t daddr, uint16_t dport)
{
    return ((caddr * 2654435761u) ^ (daddr * 40503u) ^ dport) % LVS_TMPL_BUCKETS;
}

static bool tmpl_alive(const lvs_tmpl_t *t, uint64_t now)
{
    return t->n_control > 0 || now < t->expires;
}

/* Drops every dead template of bucket b; returns how many live ones stay. */
static int tmpl_sweep(lvs_service_t *svc, int b, uint64_t now)
{
    int live = 0;
    for (lvs_tmpl_t **pp = &svc->tmpl[b]; *pp;) {
        lvs_tmpl_t *t = *pp;
        if (tmpl_alive(t, now)) {
            live++;
            pp = &t->next;
            continue;
        }
        svc->dests[t->dest].persist--;
        *pp = t->next;
        free(t);
    }
    return live;
}

static lvs_tmpl_t *tmpl_find(lvs_service_t *svc, int id)
{
    for (int b = 0; b < LVS_TMPL_BUCKETS; b++)
        for (lvs_tmpl_t *t = svc->tmpl[b]; t; t = t->next)
            if (t->id == id)
                return t;
    return NULL;
}

int lvs_templates(lvs_service_t *svc, uint64_t now)
{
    if (!svc)
        return -EINVAL;
    int live = 0;
    for (int b = 0; b < LVS_TMPL_BUCKETS; b++)
        live += tmpl_sweep(svc, b, now);
    return live;
}

int lvs_connect(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now, lvs_conn_t *conn)
{
    if (!svc || !flow || !conn)
        return -EINVAL;
    *conn = (lvs_conn_t){.dest = -1, .tmpl = -1};
    lvs_tmpl_t *t = NULL;
    int id;
    if (svc->p_timeout) {
        uint32_t masked = flow->caddr & svc->p_netmask;
        unsigned b = tmpl_hash(masked, flow->daddr, flow->dport);
        tmpl_sweep(svc, (int)b, now);
        for (t = svc->tmpl[b]; t; t = t->next)
            if (t->caddr == masked && t->daddr == flow->daddr && t->dport == flow->dport)
                break;
        /* A template keeps its dest even when that dest is quiesced
         * (weight 0): only a dest that left the service breaks it. */
        if (!t) {
            id = lvs__pick(svc, flow, now);
            if (id < 0)
                return id;
            t = calloc(1, sizeof(*t));
            if (!t)
                return -ENOMEM;
            *t = (lvs_tmpl_t){
                svc->tmpl[b], svc->tmpl_next_id++, masked, flow->daddr, flow->dport, id, 0, 0};
            svc->tmpl[b] = t;
            svc->dests[id].persist++;
        }
        t->expires = now + svc->p_timeout;
        t->n_control++;
        id = t->dest;
    } else {
        id = lvs__pick(svc, flow, now);
        if (id < 0)
            return id;
    }
    bind_dest(&svc->dests[id], true);
    *conn = (lvs_conn_t){.dest = id, .tmpl = t ? t->id : -1, .active = true, .bound = true};
    return id;
}

int lvs_conn_inactive(lvs_service_t *svc, lvs_conn_t *conn)
{
    if (!svc || !conn || !conn->bound || !dest_of(svc, conn->dest))
        return -EINVAL;
    if (conn->active) {
        lvs_dest_t *d = &svc->dests[conn->dest];
        d->active--;
        d->inactive++;
        conn->active = false;
    }
    return 0;
}

int lvs_conn_close(lvs_service_t *svc, lvs_conn_t *conn, uint64_t now)
{
    if (!svc || !conn || !conn->bound || !dest_of(svc, conn->dest))
        return -EINVAL;
    unbind_dest(&svc->dests[conn->dest], conn->active);
    if (conn->tmpl >= 0) {
        lvs_tmpl_t *t = tmpl_find(svc, conn->tmpl);
        if (t && t->n_control > 0) {
            t->n_control--;
            /* the template's timer runs on from its last use, but never
             * ends it before its last connection */
            if (t->n_control == 0 && t->expires < now)
                t->expires = now;
        }
    }
    conn->bound = false;
    return 0;
}

#else /* stub: every entry point fails cleanly */

lvs_service_t *lvs_service_new(lvs_sched_kind_t kind)
{
    (void)kind;
    return NULL;
}
void lvs_service_free(lvs_service_t *svc)
{
    (void)svc;
}
int lvs_dest_add(lvs_service_t *svc, uint32_t addr, uint16_t port, int weight)
{
    (void)svc, (void)addr, (void)port, (void)weight;
    return -ENOSYS;
}
int lvs_dest_edit(lvs_service_t *svc, int id, int weight)
{
    (void)svc, (void)id, (void)weight;
    return -ENOSYS;
}
int lvs_dest_thresholds(lvs_service_t *svc, int id, int u_threshold, int l_threshold)
{
    (void)svc, (void)id, (void)u_threshold, (void)l_threshold;
    return -ENOSYS;
}
int lvs_dest_set_conns(lvs_service_t *svc, int id, int active, int inactive)
{
    (void)svc, (void)id, (void)active, (void)inactive;
    return -ENOSYS;
}
int lvs_dest_info(const lvs_service_t *svc, int id, lvs_dest_info_t *out)
{
    (void)svc, (void)id, (void)out;
    return -ENOSYS;
}
int lvs_dest_order(const lvs_service_t *svc, int *ids, int cap)
{
    (void)svc, (void)ids, (void)cap;
    return -ENOSYS;
}
int lvs_schedule(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now)
{
    (void)svc, (void)flow, (void)now;
    return -ENOSYS;
}
int lvs_service_persistent(lvs_service_t *svc, uint32_t timeout_ms, uint32_t netmask)
{
    (void)svc, (void)timeout_ms, (void)netmask;
    return -ENOSYS;
}
int lvs_service_lblc_expiration(lvs_service_t *svc, uint32_t ms)
{
    (void)svc, (void)ms;
    return -ENOSYS;
}
int lvs_service_sh_fallback(lvs_service_t *svc, bool on)
{
    (void)svc, (void)on;
    return -ENOSYS;
}
int lvs_connect(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now, lvs_conn_t *conn)
{
    (void)svc, (void)flow, (void)now, (void)conn;
    return -ENOSYS;
}
int lvs_conn_inactive(lvs_service_t *svc, lvs_conn_t *conn)
{
    (void)svc, (void)conn;
    return -ENOSYS;
}
int lvs_conn_close(lvs_service_t *svc, lvs_conn_t *conn, uint64_t now)
{
    (void)svc, (void)conn, (void)now;
    return -ENOSYS;
}
int lvs_templates(lvs_service_t *svc, uint64_t now)
{
    (void)svc, (void)now;
    return -ENOSYS;
}

#endif
