/*
 * channel.c — how messages flow: a copy to every channel, one consumer
 * per message within a channel under RDY, in flight until FIN, back after
 * the timeout, REQ, TOUCH and DPUB at their exact instants.
 */
#include "nsq_world.h"

static frame_t F;

/* Reads messages until the virtual instant `until`; appends "body," to
 * bodies and "id," to ids (either may be NULL). Returns the count. */
static int drain(cl_t *c, int64_t until, char *bodies, char *ids)
{
    int n = 0;
    while (!cl_frame_before(c, &F, until)) {
        if (F.type != NSQ_FRAME_MESSAGE)
            continue;
        n++;
        char id[17];
        msg_id(&F, id);
        if (bodies && strlen(bodies) + F.len < 3000) {
            strcat(bodies, frame_text(&F));
            strcat(bodies, ",");
        }
        if (ids && strlen(ids) < 3000) {
            strcat(ids, id);
            strcat(ids, ",");
        }
    }
    return n;
}

static int n_chan, n_msg;

static void fanout(world_t *w)
{
    cl_t *c[4];
    for (int k = 0; k < n_chan; k++) {
        char ch[16];
        snprintf(ch, sizeof ch, "ch%d", k);
        c[k] = cl_dial();
        cl_sub(c[k], &F, "t", ch, 100);
    }
    cl_t *p = cl_dial();
    char want[4096] = "";
    int ok = 0;
    for (int i = 0; i < n_msg; i++) {
        char b[32];
        snprintf(b, sizeof b, "m%d.%u", i, (unsigned)ug_rand_below(1000));
        ok += !strcmp("OK", cl_pub(p, &F, "t", b));
        strcat(want, b);
        strcat(want, ",");
    }
    w->v[0] = ok;
    static char bodies[4][4096], ids[4][4096];
    int same_bodies = 0, same_ids = 0, total = 0;
    for (int k = 0; k < n_chan; k++) {
        bodies[k][0] = ids[k][0] = 0;
        total += drain(c[k], clock_now() + 5 * SEC, bodies[k], ids[k]);
        same_bodies += !strcmp(want, bodies[k]);
        same_ids += !strcmp(ids[0], ids[k]);
    }
    w->v[1] = total;
    w->v[2] = same_bodies;
    w->v[3] = same_ids;
    for (int k = 0; k < n_chan; k++)
        cl_free(c[k]);
    cl_free(p);
}

static void test_every_channel_gets_a_copy_of_every_message(void **state)
{
    (void)state;
    n_chan = 2 + (int)ug_rand_below(3);
    n_msg = 3 + (int)ug_rand_below(30);
    world_t w = {.scenario = fanout, .no_disk = true};
    world_run(&w);
    assert_int_equal(n_msg, w.v[0]);
    assert_int_equal(n_chan * n_msg, w.v[1]);
    assert_int_equal(n_chan, w.v[2]); /* every channel: every body, in order */
    assert_int_equal(n_chan, w.v[3]); /* the same ids in every channel */
}

static int rdy[3], extra;

static void sharing(world_t *w)
{
    cl_t *c[3];
    for (int k = 0; k < 3; k++) {
        c[k] = cl_dial();
        cl_sub(c[k], &F, "t", "work", rdy[k]);
    }
    cl_t *p = cl_dial();
    int sum = rdy[0] + rdy[1] + rdy[2];
    for (int i = 0; i < sum + extra; i++) {
        char b[16];
        snprintf(b, sizeof b, "m%d", i);
        cl_pub(p, &F, "t", b);
    }
    static char ids[3][4096];
    char all[4096] = "";
    for (int k = 0; k < 3; k++) {
        ids[k][0] = 0;
        w->v[k] = drain(c[k], clock_now() + 5 * SEC, NULL, ids[k]);
        strcat(all, ids[k]);
    }
    /* every id once: no message went to two consumers */
    int distinct = 0;
    for (char *s = all; *s; s += 17) {
        int seen = 0;
        for (char *t = all; t < s; t += 17)
            seen |= !memcmp(s, t, 16);
        distinct += !seen;
    }
    w->v[3] = distinct;
    w->v[4] = nsq_server_in_flight(w->srv, "t", "work");
    w->v[5] = nsq_server_depth(w->srv, "t", "work");
    /* consumer 0 finishes one: it, and only it, gets one more */
    char id[17];
    memcpy(id, ids[0], 16);
    id[16] = 0;
    cl_line(c[0], "FIN %s", id);
    for (int k = 0; k < 3; k++)
        w->v[6 + k] = drain(c[k], clock_now() + 5 * SEC, NULL, NULL);
    for (int k = 0; k < 3; k++)
        cl_free(c[k]);
    cl_free(p);
}

static void test_consumers_of_a_channel_share_its_messages_under_rdy(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++)
        rdy[k] = 1 + (int)ug_rand_below(6);
    extra = 1 + (int)ug_rand_below(5);
    world_t w = {.scenario = sharing, .no_disk = true};
    world_run(&w);
    int sum = rdy[0] + rdy[1] + rdy[2];
    assert_int_equal(rdy[0], w.v[0]);
    assert_int_equal(rdy[1], w.v[1]);
    assert_int_equal(rdy[2], w.v[2]);
    assert_int_equal(sum, w.v[3]);
    assert_int_equal(sum, w.v[4]);
    assert_int_equal(extra, w.v[5]);
    assert_int_equal(1, w.v[6]);
    assert_int_equal(0, w.v[7]);
    assert_int_equal(0, w.v[8]);
}

static long over;

static void rdy_limits(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 2500);
    for (int i = 0; i < 3; i++)
        cl_pub(p, &F, "t", "m");
    w->v[0] = drain(c, clock_now() + 5 * SEC, NULL, NULL);
    /* RDY 0: finished messages are not replaced */
    cl_line(c, "RDY 0");
    cl_free(c);
    c = cl_dial();
    cl_sub(c, &F, "t2", "ch", 2);
    for (int i = 0; i < 4; i++)
        cl_pub(p, &F, "t2", "m");
    char ids[256] = "";
    w->v[1] = drain(c, clock_now() + 5 * SEC, NULL, ids);
    cl_line(c, "RDY 0");
    cl_line(c, "FIN %.16s", ids);
    cl_line(c, "FIN %.16s", ids + 17);
    w->v[2] = drain(c, clock_now() + 5 * SEC, NULL, NULL);
    cl_line(c, "RDY 1");
    w->v[3] = drain(c, clock_now() + 5 * SEC, NULL, NULL);
    cl_line(c, "RDY %ld", over);
    keep(w->s[0], cl_text(c, &F));
    w->v[4] = cl_frame(c, &F);
    cl_free(c);
    cl_free(p);
}

static void test_rdy_above_the_max_is_e_invalid_and_rdy_zero_pauses(void **state)
{
    (void)state;
    over = 2501 + (long)ug_rand_below(100000);
    world_t w = {.scenario = rdy_limits, .no_disk = true};
    world_run(&w);
    assert_int_equal(3, w.v[0]);
    assert_int_equal(2, w.v[1]);
    assert_int_equal(0, w.v[2]);
    assert_int_equal(1, w.v[3]);
    char want[128];
    snprintf(want, sizeof want, "E_INVALID RDY count %ld out of range 0-2500", over);
    assert_string_equal(want, w.s[0]);
    assert_int_equal(-EPIPE, w.v[4]);
}

static char tbody[32];

static void timeout(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 1);
    cl_pub(p, &F, "t", tbody);
    cl_frame(c, &F);
    int64_t t1 = F.at;
    char id1[17], id2[17];
    msg_id(&F, id1);
    w->v[0] = msg_attempts(&F);
    cl_frame(c, &F);
    w->t[0] = F.at - t1;
    w->v[1] = msg_attempts(&F);
    msg_id(&F, id2);
    w->v[2] = !strcmp(id1, id2);
    /* and once more: attempts keep counting */
    cl_frame(c, &F);
    w->t[1] = F.at - t1;
    w->v[3] = msg_attempts(&F);
    keep(w->s[0], frame_text(&F));
    /* a FIN after the timeout is too late */
    cl_line(c, "FIN %s", id1);
    cl_free(c);
    cl_free(p);
}

static void test_an_unfinished_message_times_out_at_its_instant_with_attempts_counted(void **state)
{
    (void)state;
    snprintf(tbody, sizeof tbody, "job-%u", (unsigned)ug_rand_below(1000000));
    world_t w = {.scenario = timeout, .no_disk = true};
    world_run(&w);
    assert_string_equal(tbody, w.s[0]);
    assert_int_equal(1, w.v[0]);
    assert_int_equal(60 * SEC, w.t[0]);
    assert_int_equal(2, w.v[1]);
    assert_int_equal(1, w.v[2]);
    assert_int_equal(120 * SEC, w.t[1]);
    assert_int_equal(3, w.v[3]);
}

static long req_ms, max_req_s;

static void req(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 1);
    cl_pub(p, &F, "t", "m");
    char id[17];
    cl_frame(c, &F);
    msg_id(&F, id);
    int64_t t = F.at;
    cl_line(c, "REQ %s %ld", id, req_ms);
    cl_frame(c, &F);
    w->t[0] = F.at - t;
    w->v[0] = msg_attempts(&F);
    t = F.at;
    cl_line(c, "REQ %s %ld", id, max_req_s * 1000 + req_ms); /* past the max: clamped */
    cl_frame(c, &F);
    w->t[1] = F.at - t;
    t = F.at;
    cl_line(c, "REQ %s 0", id);
    cl_frame(c, &F);
    w->t[2] = F.at - t;
    w->v[1] = msg_attempts(&F);
    cl_line(c, "REQ %s x", id);
    keep(w->s[0], cl_text(c, &F));
    cl_free(c);
    c = cl_dial();
    cl_sub(c, &F, "t", "ch", 0);
    cl_line(c, "REQ 0123456789abcdef 10");
    keep(w->s[1], cl_text(c, &F));
    cl_free(c);
    cl_free(p);
}

static void test_req_redelivers_after_its_delay_clamped_to_the_max(void **state)
{
    (void)state;
    req_ms = 1 + (long)ug_rand_below(5000);
    max_req_s = 10 + (long)ug_rand_below(100);
    world_t w = {.scenario = req, .no_disk = true, .cfg = {.max_req_timeout = max_req_s * SEC}};
    world_run(&w);
    assert_int_equal(req_ms * MS + 2 * w.L, w.t[0]);
    assert_int_equal(2, w.v[0]);
    assert_int_equal(max_req_s * SEC + 2 * w.L, w.t[1]);
    assert_int_equal(2 * w.L, w.t[2]);
    assert_int_equal(4, w.v[1]);
    assert_string_equal("E_INVALID REQ could not parse timeout x", w.s[0]);
    assert_string_equal("E_REQ_FAILED REQ 0123456789abcdef failed ID not in flight", w.s[1]);
}

static long touch_T, touch_M;

static void touch(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 1);
    cl_pub(p, &F, "t", "m");
    char id[17];
    cl_frame(c, &F);
    msg_id(&F, id);
    int64_t t1 = F.at;
    clock_sleep(1 * SEC);
    cl_line(c, "TOUCH %s", id);            /* extends: the timeout counts from here */
    clock_sleep(touch_T * SEC - 500 * MS); /* past the first timeout, before the new one */
    cl_line(c, "TOUCH %s", id);            /* would go past the max: capped */
    cl_frame(c, &F);
    w->t[0] = F.at - t1;
    w->v[0] = msg_attempts(&F);
    cl_line(c, "TOUCH 0123456789abcdef");
    keep(w->s[0], cl_text(c, &F));
    cl_free(c);
    cl_free(p);
}

static void test_touch_extends_the_timeout_up_to_the_max(void **state)
{
    (void)state;
    touch_T = 20 + (long)ug_rand_below(20);
    touch_M = touch_T + 5 + (long)ug_rand_below(10);
    world_t w = {.scenario = touch,
                 .no_disk = true,
                 .cfg = {.msg_timeout = touch_T * SEC, .max_msg_timeout = touch_M * SEC}};
    world_run(&w);
    assert_int_equal(touch_M * SEC, w.t[0]);
    assert_int_equal(2, w.v[0]);
    assert_string_equal("E_TOUCH_FAILED TOUCH 0123456789abcdef failed ID not in flight", w.s[0]);
}

static char idr[17];

static void fin(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *a = cl_dial(), *b = cl_dial();
    cl_sub(a, &F, "t", "ch", 1);
    cl_sub(b, &F, "t", "ch", 1);
    cl_pub(p, &F, "t", "m1");
    cl_pub(p, &F, "t", "m2");
    char ida[17], idb[17];
    cl_frame(a, &F);
    msg_id(&F, ida);
    cl_frame(b, &F);
    msg_id(&F, idb);
    cl_line(a, "FIN %s", idb);
    char want[128];
    snprintf(want, sizeof want, "E_FIN_FAILED FIN %s failed client does not own message", idb);
    w->v[0] = !strcmp(want, cl_text(a, &F));
    cl_line(a, "FIN %s", idr);
    keep(w->s[0], cl_text(a, &F));
    /* the connection goes on: its own FIN frees its RDY slot */
    cl_line(a, "NOP");
    cl_line(a, "FIN %s", ida);
    cl_pub(p, &F, "t", "m3");
    w->v[2] = drain(a, clock_now() + 5 * SEC, NULL, NULL);
    cl_line(a, "FIN %s", ida);
    snprintf(want, sizeof want, "E_FIN_FAILED FIN %s failed ID not in flight", ida);
    w->v[3] = !strcmp(want, cl_text(a, &F));
    w->v[4] = nsq_server_in_flight(w->srv, "t", "ch");
    cl_free(a);
    cl_free(b);
    cl_free(p);
}

static void
test_fin_of_an_unknown_or_foreign_id_is_e_fin_failed_and_the_connection_goes_on(void **state)
{
    (void)state;
    snprintf(idr, sizeof idr, "%016llx", (unsigned long long)(ug_rand() | 1ull << 63));
    world_t w = {.scenario = fin, .no_disk = true};
    world_run(&w);
    char want[128];
    snprintf(want, sizeof want, "E_FIN_FAILED FIN %s failed ID not in flight", idr);
    assert_int_equal(1, w.v[0]);
    assert_string_equal(want, w.s[0]);
    assert_int_equal(1, w.v[2]);
    assert_int_equal(1, w.v[3]);
    assert_int_equal(2, w.v[4]); /* m2 at b, m3 at a */
}

static long dpub_ms;

static void dpub(world_t *w)
{
    cl_t *p = cl_dial();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 5);
    char line[64];
    snprintf(line, sizeof line, "DPUB t %ld", dpub_ms);
    int64_t sent = clock_now();
    cl_body(p, line, "later", 5);
    keep(w->s[0], cl_text(p, &F));
    w->v[0] = nsq_server_deferred(w->srv, "t", "ch");
    cl_pub(p, &F, "t", "now");
    cl_frame(c, &F);
    keep(w->s[1], frame_text(&F));
    char id[17];
    msg_id(&F, id);
    cl_line(c, "FIN %s", id);
    cl_frame(c, &F);
    keep(w->s[2], frame_text(&F));
    w->t[0] = F.at - sent;
    cl_body(p, "DPUB t 3600001", "x", 1);
    keep(w->s[3], cl_text(p, &F));
    w->v[1] = cl_frame(p, &F);
    cl_free(c);
    cl_free(p);
}

static void test_dpub_delivers_at_its_instant_and_over_the_limit_is_e_invalid(void **state)
{
    (void)state;
    dpub_ms = 1000 + (long)ug_rand_below(100000);
    world_t w = {.scenario = dpub, .no_disk = true};
    world_run(&w);
    assert_string_equal("OK", w.s[0]);
    assert_int_equal(1, w.v[0]);
    assert_string_equal("now", w.s[1]);
    assert_string_equal("later", w.s[2]);
    assert_int_equal(dpub_ms * MS + 2 * w.L, w.t[0]);
    assert_string_equal("E_INVALID DPUB timeout 3600001 out of range 0-3600000", w.s[3]);
    assert_int_equal(-EPIPE, w.v[1]);
}

UG_TEST_GROUP(
    nsq_channel, NULL, NULL, cmocka_unit_test(test_every_channel_gets_a_copy_of_every_message),
    cmocka_unit_test(test_consumers_of_a_channel_share_its_messages_under_rdy),
    cmocka_unit_test(test_rdy_above_the_max_is_e_invalid_and_rdy_zero_pauses),
    cmocka_unit_test(test_an_unfinished_message_times_out_at_its_instant_with_attempts_counted),
    cmocka_unit_test(test_req_redelivers_after_its_delay_clamped_to_the_max),
    cmocka_unit_test(test_touch_extends_the_timeout_up_to_the_max),
    cmocka_unit_test(
        test_fin_of_an_unknown_or_foreign_id_is_e_fin_failed_and_the_connection_goes_on),
    cmocka_unit_test(test_dpub_delivers_at_its_instant_and_over_the_limit_is_e_invalid));
