/*
 * wrr-sequence.c — weighted round robin as the kernel steps it.
 *
 * ipvsadm -a puts each new real server at the head of the list, so the
 * servers are added C, B, A to read A, B, C. wrr keeps a current weight cw
 * that restarts at the largest weight; a pass down the list takes every
 * server whose weight reaches cw, and at the end of the list cw drops by
 * the gcd of the weights. Weights 4, 3, 2 cycle A A B A B C A B C, and
 * 40, 30, 20 the same, a step of 10 at a time. cw survives changes of the
 * list: C alone (weight 2, gcd 2) set it to 2 - (2 - 1) = 1, so the first
 * pass after adding B and A is A B C. Quiescing B (weight 0) takes it out
 * of new picks at once.
 *
 * Interface: main → lvs_service_new → lvs_dest_add → lvs_schedule.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "lvs.h"

/* Prints `k` picks as letters; false if a call failed. */
static bool run(demo_t *d, lvs_service_t *svc, const int *ids, int k)
{
    lvs_flow_t f = {0x01020304u, 40000, 0x0a000064u, 80};
    printf("  ");
    for (int i = 0; i < k; i++) {
        int id = lvs_schedule(svc, &f, 0);
        if (!demo_ok(d, id < 0 ? id : 0, "lvs_schedule"))
            return false;
        char c = '?';
        for (int j = 0; j < 3; j++)
            if (ids[j] == id)
                c = (char)('A' + j);
        printf("%s%c%s ",
               demo_c(d, c == 'A'   ? DEMO_GREEN
                         : c == 'B' ? DEMO_YELLOW
                                    : DEMO_CYAN),
               c, demo_c(d, DEMO_RESET));
    }
    printf("\n");
    return true;
}

/* A wrr service of A, B, C (added in reverse) with weights w. */
static lvs_service_t *service(demo_t *d, const int *w, int *ids)
{
    lvs_service_t *svc = lvs_service_new(LVS_WRR);
    if (!demo_ok_ptr(d, svc, "lvs_service_new"))
        return NULL;
    for (int i = 2; i >= 0; i--) {
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
    static const demo_spec_t spec = {
        .name = "lvs wrr-sequence",
        .about = "wrr's gcd-stepped current weight: 4, 3, 2 give A A B A B C A B C"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Weighted round robin, stepped as ip_vs_wrr.c steps it");
    int ids[3];
    static const int w1[3] = {4, 3, 2}, w2[3] = {40, 30, 20};

    demo_step(&d, "ipvsadm -a C -w 2; -a B -w 3; -a A -w 4: the list reads A B C");
    lvs_service_t *svc = service(&d, w1, ids);
    if (!svc)
        return demo_end(&d);
    demo_note(&d, "left over: cw = 1: A B C | then cw = 4: A | 3: A B | 2: A B C | 1: A B C | ...");
    bool ok = run(&d, svc, ids, 21);
    if (ok) {
        demo_step(&d, "ipvsadm -e B -w 0: B is quiesced, A and C share the picks 4 : 2");
        ok = demo_ok(&d, lvs_dest_edit(svc, ids[1], 0), "lvs_dest_edit") && run(&d, svc, ids, 12);
    }
    lvs_service_free(svc);
    if (!ok)
        return demo_end(&d);

    demo_step(&d, "weights 40, 30, 20: the gcd is 10, so cw steps 31, 21, 11, 1");
    svc = service(&d, w2, ids);
    if (!svc)
        return demo_end(&d);
    run(&d, svc, ids, 21);
    lvs_service_free(svc);
    return demo_end(&d);
}
