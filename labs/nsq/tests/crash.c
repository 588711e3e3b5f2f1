/*
 * crash.c — a publisher's acknowledged messages survive crashes of nsqd
 * at points chosen by the seed: three crashes while a producer publishes
 * (it reconnects after each and publishes on), writes and fsyncs taking
 * virtual time so a crash may land inside one. With every message on disk
 * (no memory queue) and a sync per message, whatever got its OK is
 * delivered after the last restart, and nothing is delivered that was
 * never published.
 */
#include "nsq_world.h"

static frame_t F;

enum { NPUB = 60 };
enum { CRASHES = 3 };
static int64_t crash_at[CRASHES];
static int64_t fsync_ns;

static void crash_now(simnet_t *n, void *arg)
{
    (void)n;
    world_t *w = arg;
    world_crash(w);
    world_restart(w);
}

/* Dials until nsqd listens again. */
static cl_t *redial(void)
{
    for (int i = 0; i < 1000; i++) {
        cl_t *cl = calloc(1, sizeof *cl);
        if (!net_dial("tcp", "s:4150", &cl->c)) {
            cl_send(cl, "  V2", 4);
            return cl;
        }
        free(cl);
        clock_sleep(10 * MS);
    }
    world_fail("nsqd did not come back");
    return NULL;
}

static void publish_then_consume(world_t *w)
{
    static char acked[NPUB][16], sent[NPUB][16];
    int n_acked = 0, n_sent = 0;
    /* writes and syncs take time, so the crash may land inside one */
    simdisk_set_latency(simhost_disk(w->hs), fsync_ns / 10, fsync_ns);
    cl_t *p = cl_dial();
    for (int i = 0; i < NPUB; i++) {
        snprintf(sent[i], sizeof sent[i], "m%d.%u", i, (unsigned)ug_rand_below(1000));
        n_sent++;
        if (i == 1) /* the first is acknowledged: the crashes come from here on */
            for (int k = 0; k < CRASHES; k++)
                simnet_at(w->net, clock_now() + crash_at[k], crash_now, w);
        if (strcmp("OK", cl_pub(p, &F, "t", sent[i]))) {
            /* no answer: maybe written, maybe not; publish on after a reconnect */
            cl_free(p);
            p = redial();
            continue;
        }
        memcpy(acked[n_acked++], sent[i], 16);
    }
    cl_free(p);
    clock_sleep(1 * SEC);
    simdisk_set_latency(simhost_disk(w->hs), 0, 0);
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 2500);
    static char got[4 * NPUB][16];
    int n_got = 0;
    while (!cl_frame_before(c, &F, clock_now() + 5 * SEC))
        if (F.type == NSQ_FRAME_MESSAGE && n_got < 4 * NPUB) {
            keep(w->s[0], frame_text(&F));
            memcpy(got[n_got++], w->s[0], 16);
            char id[17];
            msg_id(&F, id);
            cl_line(c, "FIN %s", id);
        }
    cl_free(c);
    int lost = 0, invented = 0;
    for (int i = 0; i < n_acked; i++) {
        int found = 0;
        for (int j = 0; j < n_got; j++)
            found |= !strcmp(acked[i], got[j]);
        lost += !found;
    }
    for (int j = 0; j < n_got; j++) {
        int found = 0;
        for (int i = 0; i < n_sent; i++)
            found |= !strcmp(sent[i], got[j]);
        invented += !found;
    }
    w->v[0] = lost;
    w->v[1] = invented;
    w->v[2] = n_acked;
    w->v[3] = n_got >= n_acked;
    keep(w->s[1], n_got ? got[0] : "");
    keep(w->s[2], sent[0]);
}

static void test_acknowledged_messages_survive_crashes_at_seeded_points(void **state)
{
    (void)state;
    int64_t L = (int64_t)(1 + ug_rand_below(5)) * MS;
    for (int k = 0; k < CRASHES; k++) /* distinct instants while publishing */
        crash_at[k] = (int64_t)(k * NPUB * 2 * L / CRASHES) +
                      (int64_t)ug_rand_below((uint64_t)(NPUB * 2 * L / CRASHES / 2));
    fsync_ns = (int64_t)(100 + ug_rand_below(2000)) * 1000;
    world_t w = {.scenario = publish_then_consume,
                 .L = L,
                 .cfg = {.mem_queue_size = -1, .sync_every = 1, .max_bytes_per_file = 1024}};
    world_run(&w);
    assert_int_equal(0, w.v[0]);
    assert_int_equal(0, w.v[1]);
    assert_true(w.v[2] < NPUB); /* the crashes came while publishing */
    assert_int_equal(1, w.v[3]);
    assert_string_equal(w.s[2], w.s[1]); /* the oldest comes first */
}

UG_TEST_GROUP(nsq_crash, NULL, NULL,
              cmocka_unit_test(test_acknowledged_messages_survive_crashes_at_seeded_points));
