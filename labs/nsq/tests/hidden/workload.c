/*
 * workload.c — a seeded workload against the rules: consumers with RDY
 * counts drawn from the seed FIN, REQ (with a delay) or ignore each message
 * as the seed says, while a producer publishes with PUB and MPUB. In the
 * end every message was finished exactly once, no FIN failed, and every
 * delivery's attempts was one more than the deliveries of that message
 * before it.
 */
#include "../nsq_world.h"

enum { MAXN = 80, MAXC = 4 };

typedef struct load {
    world_t *w;
    int n, consumers;
    int rdy[MAXC];
    int seen[MAXN];     /* deliveries of message i so far */
    int finished[MAXN]; /* FINs of message i */
    int done;           /* messages finished */
    int fin_failed, bad_attempts, other_errors;
    wg_t wg;
} load_t;

static load_t L;

static void consumer(void *arg)
{
    int k = (int)(intptr_t)arg;
    cl_t *c = cl_dial();
    frame_t *f = calloc(1, sizeof *f);
    cl_sub(c, f, "t", "w", L.rdy[k]);
    int64_t end = clock_now() + 30 * 60 * SEC;
    while (L.done < L.n && clock_now() < end) {
        int r = cl_frame_before(c, f, clock_now() + 10 * SEC);
        if (r == -NET_ETIMEOUT)
            continue;
        if (r) /* the connection is gone */
            break;
        if (f->type == NSQ_FRAME_ERROR) {
            if (!strncmp(frame_text(f), "E_FIN_FAILED", 12))
                L.fin_failed++;
            else
                L.other_errors++;
            continue;
        }
        if (f->type != NSQ_FRAME_MESSAGE)
            continue;
        int i = atoi(frame_text(f) + 1);
        if (i < 0 || i >= L.n) {
            L.other_errors++;
            continue;
        }
        if (msg_attempts(f) != L.seen[i] + 1)
            L.bad_attempts++;
        L.seen[i]++;
        char id[17];
        msg_id(f, id);
        uint64_t pick = ug_rand_below(10);
        if (pick < 6) {
            cl_line(c, "FIN %s", id);
            L.finished[i]++;
            L.done++;
        } else if (pick < 9) {
            cl_line(c, "REQ %s %u", id, (unsigned)ug_rand_below(2000));
        } /* else: say nothing; the timeout brings it back */
    }
    free(f);
    cl_free(c);
    wg_done(&L.wg);
}

static void workload(world_t *w)
{
    for (int k = 0; k < L.consumers; k++) {
        wg_add(&L.wg, 1);
        task_spawn(consumer, (void *)(intptr_t)k, NULL);
    }
    cl_t *p = cl_dial();
    frame_t *f = calloc(1, sizeof *f);
    for (int i = 0; i < L.n;) {
        if (ug_rand_below(3)) {
            char b[16];
            snprintf(b, sizeof b, "m%d", i++);
            cl_pub(p, f, "t", b);
        } else { /* an MPUB of up to four */
            int m = 1 + (int)ug_rand_below(4);
            if (m > L.n - i)
                m = L.n - i;
            uint8_t body[128];
            size_t off = 4;
            be32(body, (uint32_t)m);
            for (int j = 0; j < m; j++) {
                char b[16];
                int len = snprintf(b, sizeof b, "m%d", i++);
                be32(body + off, (uint32_t)len);
                memcpy(body + off + 4, b, (size_t)len);
                off += 4 + (size_t)len;
            }
            cl_body(p, "MPUB t", body, (int32_t)off);
            cl_text(p, f);
        }
        clock_sleep((int64_t)ug_rand_below(300) * MS);
    }
    wg_wait(&L.wg);
    int once = 0;
    for (int i = 0; i < L.n; i++)
        once += L.finished[i] == 1;
    w->v[0] = once;
    w->v[1] = L.fin_failed;
    w->v[2] = L.bad_attempts;
    w->v[3] = L.other_errors;
    w->v[4] = nsq_server_in_flight(w->srv, "t", "w") + nsq_server_deferred(w->srv, "t", "w") +
              nsq_server_depth(w->srv, "t", "w");
    free(f);
    cl_free(p);
}

static void test_a_seeded_workload_finishes_every_message_exactly_once(void **state)
{
    (void)state;
    memset(&L, 0, sizeof L);
    L.n = 20 + (int)ug_rand_below(MAXN - 20);
    L.consumers = 2 + (int)ug_rand_below(MAXC - 1);
    for (int k = 0; k < L.consumers; k++)
        L.rdy[k] = 1 + (int)ug_rand_below(5);
    world_t w = {.scenario = workload,
                 .cfg = {.msg_timeout = 5 * SEC, .mem_queue_size = 1 + (int64_t)ug_rand_below(8)}};
    L.w = &w;
    world_run(&w);
    assert_int_equal(L.n, w.v[0]);
    assert_int_equal(0, w.v[1]);
    assert_int_equal(0, w.v[2]);
    assert_int_equal(0, w.v[3]);
    assert_int_equal(0, w.v[4]);
}

UG_TEST_GROUP(nsq_workload, NULL, NULL,
              cmocka_unit_test(test_a_seeded_workload_finishes_every_message_exactly_once));
