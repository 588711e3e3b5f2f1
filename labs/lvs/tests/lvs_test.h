/*
 * lvs_test.h — what the lab's tests share: services with a fixed weight
 * and connection table, flows, and seeded frames.
 *
 * Interface: svc_with(kind, weights, n) → ids in the order of the weights;
 * seeded_frame(...) → a valid Ethernet + IPv4 + TCP frame.
 */
#ifndef LVS_TEST_H
#define LVS_TEST_H

#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "lvs.h"

#define IP4(a, b, c, d)                                                                            \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define VIP IP4(10, 0, 0, 100)

/* A service whose list, from the head, holds dests of weights w[0..n-1]:
 * they are added last one first, so list position i is dest id n-1-i.
 * pos[i] gets the id at list position i. */
static inline lvs_service_t *svc_list(lvs_sched_kind_t kind, const int *w, int n, int *pos)
{
    lvs_service_t *svc = lvs_service_new(kind);
    assert_non_null(svc);
    for (int i = n - 1; i >= 0; i--) {
        int id = lvs_dest_add(svc, IP4(192, 168, 1, 10 + i), 8080, w[i]);
        assert_true(id >= 0);
        pos[i] = id;
    }
    return svc;
}

/* Loads list position i with active[i] / inactive[i]. */
static inline void load(lvs_service_t *svc, const int *pos, const int *active, const int *inactive,
                        int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(0, lvs_dest_set_conns(svc, pos[i], active[i], inactive ? inactive[i] : 0));
}

/* The list position of dest id (or the negative error as it is). */
static inline int where(const int *pos, int n, int id)
{
    if (id < 0)
        return id;
    for (int i = 0; i < n; i++)
        if (pos[i] == id)
            return i;
    return -1000;
}

static inline lvs_flow_t flow_to(uint32_t caddr, uint32_t daddr)
{
    return (lvs_flow_t){caddr, (uint16_t)(1024 + ug_rand_below(60000)), daddr, 80};
}

/* The next `k` picks as list positions, letters "ABC..." for readability. */
static inline void picks(lvs_service_t *svc, const int *pos, int n, int k, char *out)
{
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    for (int i = 0; i < k; i++) {
        int p = where(pos, n, lvs_schedule(svc, &f, 0));
        out[i] = p >= 0 ? (char)('A' + p) : '-';
    }
    out[k] = 0;
}

#endif
