/*
 * sh-buckets.c — source hashing's table of 256 buckets.
 *
 * sh deals the buckets to the servers in list order, each server taking as
 * many buckets in a row as its weight (one if its weight is 0), round and
 * round until all 256 are dealt. A client goes to the bucket of its
 * address's multiplicative hash, so the same client always lands on the
 * same server, and a server's share of clients follows its weight. dh
 * deals one bucket each, whatever the weights.
 *
 * Interface: main → lvs_service_new → lvs_dest_add → lvs_hash_table →
 * lvs_hash_bucket / lvs_schedule.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "lvs.h"

static const char letter[] = "ABCD";

/* Prints the table as 8 rows of 32 letters. */
static void table(demo_t *d, const int *b, const int *ids)
{
    for (int r = 0; r < 8; r++) {
        printf("  %3d  ", r * 32);
        for (int c = 0; c < 32; c++) {
            int id = b[r * 32 + c], k = 0;
            while (k < 4 && ids[k] != id)
                k++;
            static const demo_color_t col[4] = {DEMO_GREEN, DEMO_YELLOW, DEMO_CYAN, DEMO_MAGENTA};
            printf("%s%c%s", demo_c(d, k < 4 ? col[k] : DEMO_RED), k < 4 ? letter[k] : '-',
                   demo_c(d, DEMO_RESET));
        }
        printf("\n");
    }
}

/* A service of A..D (added in reverse) with weights w. */
static lvs_service_t *service(demo_t *d, lvs_sched_kind_t kind, const int *w, int *ids)
{
    lvs_service_t *svc = lvs_service_new(kind);
    if (!demo_ok_ptr(d, svc, "lvs_service_new"))
        return NULL;
    for (int i = 3; i >= 0; i--) {
        ids[i] = lvs_dest_add(svc, 0xc0a8010au + (uint32_t)i, 8080, w[i]);
        if (!demo_ok(d, ids[i] < 0 ? ids[i] : 0, "lvs_dest_add")) {
            lvs_service_free(svc);
            return NULL;
        }
    }
    return svc;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "lvs sh-buckets",
                                     .about =
                                         "sh's 256 buckets: each server fills its weight of them"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static const int w[4] = {3, 1, 0, 4};
    int ids[4], b[256];
    demo_title(&d, "Source hashing: A weight 3, B weight 1, C weight 0, D weight 4");

    lvs_service_t *svc = service(&d, LVS_SH, w, ids);
    if (!svc)
        return demo_end(&d);
    demo_step(&d, "the sh table: AAA B C DDDD, again and again (C, at weight 0, still gets one)");
    if (!demo_ok(&d, lvs_hash_table(svc, b) == 256 ? 0 : -1, "lvs_hash_table")) {
        lvs_service_free(svc);
        return demo_end(&d);
    }
    table(&d, b, ids);

    demo_step(&d, "eight clients: bucket = (addr * 2654435761) mod 256");
    for (int i = 0; i < 8; i++) {
        lvs_flow_t f = {0x64400000u + (uint32_t)((i * 37 + 5) & 255), 40000, 0x0a000064u, 80};
        int id = lvs_schedule(svc, &f, 0);
        int k = 0;
        while (k < 4 && ids[k] != id)
            k++;
        printf("  100.64.0.%-3u -> bucket %3u -> %s\n", (unsigned)((i * 37 + 5) & 255),
               lvs_hash_bucket(svc, &f),
               id < 0 ? "none (weight 0: unavailable)" : (const char[]){letter[k], 0});
    }
    lvs_service_free(svc);

    svc = service(&d, LVS_DH, w, ids);
    if (!svc)
        return demo_end(&d);
    demo_step(&d, "the dh table for the same servers: one bucket each, weights ignored");
    if (demo_ok(&d, lvs_hash_table(svc, b) == 256 ? 0 : -1, "lvs_hash_table"))
        table(&d, b, ids);
    lvs_service_free(svc);
    return demo_end(&d);
}
