/*
 * test_select.c — select: default, uniform choice among ready cases,
 * exactly one case completes, close and nil cases, FIFO among waiters.
 */
#include "rt_test.h"

typedef struct {
    chan_t *a, *b;
    int rc, v;
    bool ok;
    int counts[3];
} sel_state_t;

static void default_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    chan_make(sizeof(int), 1, &s->b);
    int v = 0;
    chan_case_t c[2] = {{s->a, CHAN_RECV, &v, false}, {s->b, CHAN_RECV, &v, false}};
    assert_int_equal(-EAGAIN, chan_select(c, 2, true));
    chan_send(s->b, &(int){9});
    assert_int_equal(1, chan_select(c, 2, true));
    assert_int_equal(9, v);
    assert_true(c[1].ok);
    chan_free(s->a);
    chan_free(s->b);
}

static void test_select_takes_default_only_when_no_case_is_ready(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(default_body, &s));
}

static void uniform_body(void *p) {
    sel_state_t *s = p;
    chan_t *ch[3];
    for (int i = 0; i < 3; i++) chan_make(sizeof(int), 1, &ch[i]);
    for (int round = 0; round < 3000; round++) {
        for (int i = 0; i < 3; i++) chan_try_send(ch[i], &i);   /* keep all ready */
        int v;
        chan_case_t c[3];
        for (int i = 0; i < 3; i++) c[i] = (chan_case_t){ch[i], CHAN_RECV, &v, false};
        int k = chan_select(c, 3, false);
        assert_in_range(k, 0, 2);
        assert_int_equal(k, v);
        s->counts[k]++;
    }
    for (int i = 0; i < 3; i++) chan_free(ch[i]);
}

static void test_select_chooses_uniformly_among_ready_cases(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(uniform_body, &s));
    /* 1000 expected each; the standard deviation is ~26, so ±200 is 7σ. */
    for (int i = 0; i < 3; i++) assert_in_range(s.counts[i], 800, 1200);
}

static void send_b(void *p) {
    sel_state_t *s = p;
    chan_send(s->b, &(int){5});
}

static void one_case_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    chan_make(sizeof(int), 0, &s->b);
    task_spawn(send_b, s, NULL);
    int va = -1, vb = -1;
    chan_case_t c[2] = {{s->a, CHAN_RECV, &va, false}, {s->b, CHAN_RECV, &vb, false}};
    s->rc = chan_select(c, 2, false);
    assert_int_equal(1, s->rc);
    assert_int_equal(5, vb);
    assert_int_equal(-1, va);
    /* The losing case left no waiter behind: nobody receives on a now. */
    assert_int_equal(-EAGAIN, chan_try_send(s->a, &(int){1}));
    chan_free(s->a);
    chan_free(s->b);
}

static void test_select_blocks_then_completes_exactly_one_case(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(one_case_body, &s));
}

static void closed_send_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    chan_close(s->a);
    chan_case_t c[1] = {{s->a, CHAN_SEND, &(int){1}, false}};
    s->rc = chan_select(c, 1, true);
    chan_free(s->a);
}

static void test_select_send_case_on_closed_channel_panics(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(closed_send_body, &s));
    assert_int_equal(-EPIPE, s.rc);
    assert_string_equal("send on closed channel", rt_panic_message());
}

static void select_recv(void *p) {
    sel_state_t *s = p;
    s->v = -1;
    chan_case_t c[2] = {{NULL, CHAN_RECV, NULL, false}, {s->a, CHAN_RECV, &s->v, true}};
    s->rc = chan_select(c, 2, false);
    s->ok = c[1].ok;
}

static void closed_ready_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    chan_make(sizeof(int), 0, &s->b);
    chan_close(s->a);
    s->v = -1;
    chan_case_t c[2] = {{s->b, CHAN_RECV, NULL, false}, {s->a, CHAN_RECV, &s->v, true}};
    s->rc = chan_select(c, 2, true);     /* closed is ready: not the default */
    s->ok = c[1].ok;
    chan_free(s->a);
    chan_free(s->b);
}

static void test_select_recv_case_on_closed_channel_is_ready_with_not_ok(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(closed_ready_body, &s));
    assert_int_equal(1, s.rc);
    assert_false(s.ok);
    assert_int_equal(0, s.v);
}

static void close_while_waiting_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    uint64_t id;
    task_spawn(select_recv, s, &id);
    wait_blocked(id, TASK_SELECT);
    chan_close(s->a);
    task_join(id);
    chan_free(s->a);
}

static void test_close_wakes_a_waiting_select_with_not_ok(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(close_while_waiting_body, &s));
    assert_int_equal(1, s.rc);
    assert_false(s.ok);
    assert_int_equal(0, s.v);
}

static void nil_only_body(void *p) {
    (void)p;
    chan_case_t c[2] = {{NULL, CHAN_RECV, NULL, false}, {NULL, CHAN_SEND, NULL, false}};
    chan_select(c, 2, false);
    fail_msg("a select over nil channels returned");
}

static void test_select_over_nil_channels_blocks_forever(void **state) {
    (void)state;
    assert_int_equal(-EDEADLK, run_seeded(nil_only_body, NULL));
    assert_non_null(strstr(rt_report(), "goroutine 1 [select]"));
}

static void plain_recv(void *p) {
    sel_state_t *s = p;
    chan_recv(s->a, &s->counts[0], NULL);
}

static void select_recv_counts1(void *p) {
    sel_state_t *s = p;
    chan_case_t c[1] = {{s->a, CHAN_RECV, &s->counts[1], false}};
    chan_select(c, 1, false);
}

static void fifo_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    uint64_t r1, r2;
    task_spawn(plain_recv, s, &r1);
    wait_blocked(r1, TASK_RECV);
    task_spawn(select_recv_counts1, s, &r2);
    wait_blocked(r2, TASK_SELECT);
    chan_send(s->a, &(int){11});
    chan_send(s->a, &(int){22});
    task_join(r1);
    task_join(r2);
    chan_free(s->a);
}

static void test_select_waiter_queues_behind_earlier_receivers(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(fifo_body, &s));
    assert_int_equal(11, s.counts[0]);
    assert_int_equal(22, s.counts[1]);
}

enum { MANY = 20 };

static void many_body(void *p) {
    (void)p;
    chan_t *ch[MANY];
    int v[MANY];
    chan_case_t c[MANY];
    for (int i = 0; i < MANY; i++) {
        chan_make(sizeof(int), 0, &ch[i]);
        c[i] = (chan_case_t){ch[i], CHAN_RECV, &v[i], false};
    }
    sel_state_t s = {.b = ch[MANY - 3]};
    task_spawn(send_b, &s, NULL);
    assert_int_equal(MANY - 3, chan_select(c, MANY, false));
    assert_int_equal(5, v[MANY - 3]);
    for (int i = 0; i < MANY; i++) {
        assert_int_equal(-EAGAIN, chan_try_send(ch[i], &i));
        chan_free(ch[i]);
    }
}

static void test_select_with_many_cases_unlinks_every_loser(void **state) {
    (void)state;
    assert_int_equal(0, run_seeded(many_body, NULL));
}

static void send_select_body(void *p) {
    sel_state_t *s = p;
    chan_make(sizeof(int), 0, &s->a);
    uint64_t id;
    task_spawn(plain_recv, s, &id);
    wait_blocked(id, TASK_RECV);
    chan_case_t c[2] = {{s->a, CHAN_SEND, &(int){77}, false}, {NULL, CHAN_RECV, NULL, false}};
    s->rc = chan_select(c, 2, false);
    task_join(id);
    chan_free(s->a);
}

static void test_select_send_case_hands_value_to_waiting_receiver(void **state) {
    (void)state;
    sel_state_t s = {0};
    assert_int_equal(0, run_seeded(send_select_body, &s));
    assert_int_equal(0, s.rc);
    assert_int_equal(77, s.counts[0]);
}

static void test_select_rejects_a_bad_direction(void **state) {
    (void)state;
    chan_case_t c[1] = {{NULL, 0, NULL, false}};
    assert_int_equal(-EINVAL, chan_select(c, 1, true));
}

UG_TEST_GROUP(select_rules, NULL, NULL,
    cmocka_unit_test(test_select_takes_default_only_when_no_case_is_ready),
    cmocka_unit_test(test_select_chooses_uniformly_among_ready_cases),
    cmocka_unit_test(test_select_blocks_then_completes_exactly_one_case),
    cmocka_unit_test(test_select_send_case_on_closed_channel_panics),
    cmocka_unit_test(test_select_recv_case_on_closed_channel_is_ready_with_not_ok),
    cmocka_unit_test(test_close_wakes_a_waiting_select_with_not_ok),
    cmocka_unit_test(test_select_over_nil_channels_blocks_forever),
    cmocka_unit_test(test_select_waiter_queues_behind_earlier_receivers),
    cmocka_unit_test(test_select_with_many_cases_unlinks_every_loser),
    cmocka_unit_test(test_select_send_case_hands_value_to_waiting_receiver),
    cmocka_unit_test(test_select_rejects_a_bad_direction));
