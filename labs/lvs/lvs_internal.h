/*
 * lvs_internal.h — the data structures the lab's sources share.
 *
 * A service keeps its dests in an array indexed by id and, apart, the
 * kernel's list order (`order`, newest first, as list_add puts them).
 * Each scheduler keeps its own state in the service: wrr's mark, the dh/sh
 * bucket table, the lblc/lblcr cache. Persistence templates sit in a small
 * chained hash table.
 *
 * Interface: lvs_service.c owns the service; lvs_sched.c and lvs_lblc.c
 * implement the schedulers through lvs__pick and the hooks below.
 */
#ifndef LVS_INTERNAL_H
#define LVS_INTERNAL_H

#include "lvs.h"

#if LAB_SOLUTION

typedef struct {
    uint32_t addr;
    uint16_t port;
    int weight;
    int active, inactive, persist;
    int u_threshold, l_threshold;
    bool overloaded;
} lvs_dest_t;

/* An lblc entry (dest) or lblcr entry (set of dests, newest first). */
typedef struct lvs_lblc_en {
    struct lvs_lblc_en *next;
    uint32_t daddr;
    uint64_t lastuse;
    int dest; /* lblc */
    int *set; /* lblcr */
    int set_size, set_cap;
    uint64_t lastmod; /* lblcr: when the set last changed */
} lvs_lblc_en_t;

#define LVS_LBLC_BUCKETS 1024 /* IP_VS_LBLC_TAB_SIZE */

typedef struct lvs_tmpl {
    struct lvs_tmpl *next;
    int id;
    uint32_t caddr; /* masked */
    uint32_t daddr;
    uint16_t dport;
    int dest;
    uint64_t expires;
    int n_control;
} lvs_tmpl_t;

#define LVS_TMPL_BUCKETS 256

struct lvs_service {
    lvs_sched_kind_t kind;
    lvs_dest_t *dests;
    int *order; /* ids in list order */
    int n;

    /* rr: position of the last pick in `order` (-1: the list head) */
    int rr_last;
    /* wrr: the mark */
    int wrr_cl; /* position, -1: head */
    int wrr_cw, wrr_mw, wrr_di;

    /* dh, sh */
    int buckets[LVS_HASH_BUCKETS];
    bool sh_fallback;

    /* lblc, lblcr */
    lvs_lblc_en_t *lblc[LVS_LBLC_BUCKETS];
    uint32_t lblc_expiration;

    /* persistence */
    uint32_t p_timeout, p_netmask;
    lvs_tmpl_t *tmpl[LVS_TMPL_BUCKETS];
    int tmpl_next_id;
};

/* lvs_sched.c */
int lvs__pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now);
/* the dest list changed: `added` when a dest went to the head of the list */
void lvs__dests_changed(lvs_service_t *svc, bool added);
int lvs__wlc_least(const lvs_service_t *svc); /* wlc over the whole list, -1 if none */
static inline int lvs__overhead(const lvs_dest_t *d)
{
    return (d->active << 8) + d->inactive;
}

/* lvs_lblc.c */
int lvs__lblc_pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now);
int lvs__lblcr_pick(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now);
void lvs__lblc_free(lvs_service_t *svc);

#endif
#endif
