/*
 * ratelimit.c — client-go's default controller rate limiter on a virtual
 * clock: the larger of a per-key exponential backoff (5 ms · 2^failures,
 * capped at 1000 s) and one token bucket for every key (10 per second,
 * burst 100). Then the queue rules a controller leans on: an added key is
 * kept once, and a key added while a worker holds it comes back once,
 * after Done.
 *
 * The Go original (ratelimit.go) computes the same delays with
 * golang.org/x/time/rate (the bucket client-go uses) and client-go's
 * backoff formula, at the same instants.
 *
 * Interface: main → crd_queue_when at set instants → crd_queue_add / get /
 * done.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "crd.h"

#define MS 1000000LL

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"crd ratelimit",
                                     "client-go's default rate limiter and work queue rules", false,
                                     NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    int64_t clock = 0;
    crd_queue_t *q = crd_queue_new(&clock);
    if (!demo_ok_ptr(&d, q, "crd_queue_new"))
        return demo_end(&d);

    demo_title(&d, "one key failing again and again (one second apart)");
    for (int k = 0; k < 8; k++) {
        clock += 1000 * MS;
        int64_t w = crd_queue_when(q, "default/front");
        if (!demo_ok(&d, w < 0 ? w : 0, "crd_queue_when"))
            goto out;
        printf("  failure %d: retry in %.3f s\n", k + 1, (double)w / 1e9);
    }
    crd_queue_forget(q, "default/front");
    printf("  after Forget: retry in %.3f s\n", (double)crd_queue_when(q, "default/front") / 1e9);

    demo_title(&d, "105 different keys failing at one instant");
    clock += 100000 * MS; /* the bucket is full again */
    for (int k = 0; k < 105; k++) {
        char key[16];
        snprintf(key, sizeof key, "ns/k%d", k);
        int64_t w = crd_queue_when(q, key);
        if (k < 2 || k >= 98)
            printf("  key %3d: retry in %.3f s\n", k + 1, (double)w / 1e9);
        else if (k == 2)
            printf("  ...\n");
    }

    demo_title(&d, "the queue: Add, Get, Add while processing, Done");
    char key[CRD_KEY_MAX];
    crd_queue_add(q, "a");
    crd_queue_add(q, "a");
    printf("  Add a, Add a            -> len %zu\n", crd_queue_len(q));
    if (!demo_ok(&d, crd_queue_get(q, key), "crd_queue_get"))
        goto out;
    printf("  Get                     -> %s, len %zu\n", key, crd_queue_len(q));
    crd_queue_add(q, "a");
    crd_queue_add(q, "a");
    printf("  Add a, Add a (held)     -> len %zu\n", crd_queue_len(q));
    crd_queue_done(q, "a");
    printf("  Done a                  -> len %zu\n", crd_queue_len(q));
out:
    crd_queue_free(q);
    return demo_end(&d);
}
