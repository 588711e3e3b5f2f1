/*
 * test_chan.c — every channel rule: handoff, buffering, close, nil, FIFO
 * order of waiters, copy semantics, misuse outside a task.
 */
#include "rt_test.h"

typedef struct {
    chan_t *ch;
    int got[16];
    bool ok[16];
    int rc[16];
    int n;
    uint64_t ids[16];
} chan_state_t;

static void send_one(void *p) {
    chan_state_t *s = p;
    int v = 42;
    s->rc[0] = chan_send(s->ch, &v);
}

static void unbuffered_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 0, &s->ch));
    uint64_t id;
    assert_int_equal(0, task_spawn(send_one, s, &id));
    wait_blocked(id, TASK_SEND);
    assert_int_equal(0, chan_len(s->ch));
    assert_int_equal(0, chan_recv(s->ch, &s->got[0], &s->ok[0]));
    assert_int_equal(0, task_join(id));
    chan_free(s->ch);
}

static void test_unbuffered_send_waits_until_a_receiver_takes_the_value(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(unbuffered_body, &s));
    assert_int_equal(42, s.got[0]);
    assert_true(s.ok[0]);
    assert_int_equal(0, s.rc[0]);
}

static void buffered_body(void *p) {
    (void)p;
    chan_t *ch;
    assert_int_equal(0, chan_make(sizeof(int), 3, &ch));
    int next_in = 0, next_out = 0;
    /* Wrap the ring several times with different fill levels. */
    for (int round = 0; round < 10; round++) {
        int k = 1 + round % 3;
        for (int i = 0; i < k; i++) assert_int_equal(0, chan_send(ch, &(int){next_in++}));
        assert_int_equal((size_t)k, chan_len(ch));
        for (int i = 0; i < k; i++) {
            int v;
            bool ok;
            assert_int_equal(0, chan_recv(ch, &v, &ok));
            assert_true(ok);
            assert_int_equal(next_out++, v);
        }
    }
    assert_int_equal(0, chan_try_send(ch, &(int){1}));
    assert_int_equal(0, chan_try_send(ch, &(int){2}));
    assert_int_equal(0, chan_try_send(ch, &(int){3}));
    assert_int_equal(-EAGAIN, chan_try_send(ch, &(int){4}));
    assert_int_equal(3, chan_cap(ch));
    chan_free(ch);
}

static void test_buffered_channel_is_fifo_and_blocks_only_when_full(void **state) {
    (void)state;
    assert_int_equal(0, run_seeded(buffered_body, NULL));
}

static void closed_send_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 1, &s->ch));
    assert_int_equal(0, chan_close(s->ch));
    s->rc[0] = chan_send(s->ch, &(int){1});
    s->rc[1] = chan_try_send(s->ch, &(int){1});
    chan_free(s->ch);
}

static void test_send_on_closed_channel_panics_with_epipe(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(closed_send_body, &s));
    assert_int_equal(-EPIPE, s.rc[0]);
    assert_int_equal(-EPIPE, s.rc[1]);
    assert_string_equal("send on closed channel", rt_panic_message());
}

static void double_close_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(0, 0, &s->ch));
    s->rc[0] = chan_close(s->ch);
    s->rc[1] = chan_close(s->ch);
    chan_free(s->ch);
}

static void test_close_of_closed_channel_panics(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(double_close_body, &s));
    assert_int_equal(0, s.rc[0]);
    assert_int_equal(-EPIPE, s.rc[1]);
    assert_string_equal("close of closed channel", rt_panic_message());
}

static void test_close_of_nil_channel_panics(void **state) {
    (void)state;
    assert_int_equal(-EINVAL, chan_close(NULL));
    assert_string_equal("close of nil channel", rt_panic_message());
}

static void drain_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 4, &s->ch));
    chan_send(s->ch, &(int){7});
    chan_send(s->ch, &(int){8});
    chan_close(s->ch);
    for (int i = 0; i < 4; i++) {
        s->got[i] = -1;
        s->rc[i] = chan_recv(s->ch, &s->got[i], &s->ok[i]);
    }
    chan_free(s->ch);
}

static void test_receive_from_closed_channel_drains_then_gives_zero_and_not_ok(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(drain_body, &s));
    assert_int_equal(7, s.got[0]);
    assert_true(s.ok[0]);
    assert_int_equal(8, s.got[1]);
    assert_true(s.ok[1]);
    for (int i = 2; i < 4; i++) {
        assert_int_equal(0, s.rc[i]);
        assert_int_equal(0, s.got[i]);
        assert_false(s.ok[i]);
    }
}

static void recv_one(void *p) {
    chan_state_t *s = p;
    int i = s->n++;
    s->got[i] = -1;
    s->rc[i] = chan_recv(s->ch, &s->got[i], &s->ok[i]);
}

static void close_wakes_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 0, &s->ch));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(0, task_spawn(recv_one, s, &s->ids[i]));
        wait_blocked(s->ids[i], TASK_RECV);
    }
    assert_int_equal(0, chan_close(s->ch));
    for (int i = 0; i < 3; i++) task_join(s->ids[i]);
    chan_free(s->ch);
}

static void test_close_wakes_every_waiting_receiver_with_zero_and_not_ok(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(close_wakes_body, &s));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(0, s.rc[i]);
        assert_int_equal(0, s.got[i]);
        assert_false(s.ok[i]);
    }
}

static void close_sender_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 0, &s->ch));
    uint64_t id;
    task_spawn(send_one, s, &id);
    wait_blocked(id, TASK_SEND);
    chan_close(s->ch);
    task_join(id);
    chan_free(s->ch);
}

static void test_close_makes_a_waiting_sender_panic(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(close_sender_body, &s));
    assert_int_equal(-EPIPE, s.rc[0]);
    assert_string_equal("send on closed channel", rt_panic_message());
}

static void nil_body(void *p) {
    (void)p;
    int v = 0;
    chan_recv(NULL, &v, NULL);
    fail_msg("a receive from a nil channel returned");
}

static void test_nil_channel_blocks_forever_and_ends_in_deadlock(void **state) {
    (void)state;
    assert_int_equal(-EDEADLK, run_seeded(nil_body, NULL));
    assert_non_null(strstr(rt_report(), "goroutine 1 [chan receive (nil chan)]"));
    assert_int_equal(-EAGAIN, chan_try_send(NULL, &(int){1}));
    assert_int_equal(-EAGAIN, chan_try_recv(NULL, NULL, NULL));
}

static void fifo_recv_body(void *p) {
    chan_state_t *s = p;
    assert_int_equal(0, chan_make(sizeof(int), 0, &s->ch));
    for (int i = 0; i < 8; i++) {
        task_spawn(recv_one, s, &s->ids[i]);
        wait_blocked(s->ids[i], TASK_RECV);
    }
    for (int i = 0; i < 8; i++) chan_send(s->ch, &(int){100 + i});
    for (int i = 0; i < 8; i++) task_join(s->ids[i]);
    chan_free(s->ch);
}

static void test_waiting_receivers_are_served_in_arrival_order(void **state) {
    (void)state;
    chan_state_t s = {0};
    assert_int_equal(0, run_seeded(fifo_recv_body, &s));
    for (int i = 0; i < 8; i++) assert_int_equal(100 + i, s.got[i]);
}

typedef struct {
    chan_t *ch;
    int v;
} sender_arg_t;

static void send_arg(void *p) {
    sender_arg_t *a = p;
    assert_int_equal(0, chan_send(a->ch, &a->v));
}

/* cap 0 and cap 2: senders queue behind a full buffer in arrival order. */
static void fifo_send_body(void *p) {
    size_t cap = *(size_t *)p;
    chan_t *ch;
    assert_int_equal(0, chan_make(sizeof(int), cap, &ch));
    for (size_t i = 0; i < cap; i++) chan_send(ch, &(int){(int)i});
    sender_arg_t args[6];
    uint64_t ids[6];
    for (int i = 0; i < 6; i++) {
        args[i] = (sender_arg_t){ch, (int)cap + i};
        task_spawn(send_arg, &args[i], &ids[i]);
        wait_blocked(ids[i], TASK_SEND);
    }
    for (int i = 0; i < (int)cap + 6; i++) {
        int v;
        chan_recv(ch, &v, NULL);
        assert_int_equal(i, v);
    }
    for (int i = 0; i < 6; i++) task_join(ids[i]);
    chan_free(ch);
}

static void test_waiting_senders_are_served_in_arrival_order(void **state) {
    (void)state;
    size_t caps[] = {0, 2};
    for (int i = 0; i < 2; i++) assert_int_equal(0, run_seeded(fifo_send_body, &caps[i]));
}

typedef struct {
    int a[4];
    char name[12];
} blob_t;

static void copy_body(void *p) {
    (void)p;
    chan_t *ch;
    chan_make(sizeof(blob_t), 1, &ch);
    blob_t b = {{1, 2, 3, 4}, "first"};
    chan_send(ch, &b);
    b.a[0] = 99;
    strcpy(b.name, "changed");
    blob_t out;
    chan_recv(ch, &out, NULL);
    assert_int_equal(1, out.a[0]);
    assert_int_equal(4, out.a[3]);
    assert_string_equal("first", out.name);
    assert_int_equal(sizeof(blob_t), chan_elem_size(ch));
    chan_free(ch);
}

static void test_elements_are_copied_by_value_at_send(void **state) {
    (void)state;
    assert_int_equal(0, run_seeded(copy_body, NULL));
}

static void test_blocking_outside_a_task_is_refused(void **state) {
    (void)state;
    chan_t *ch;
    assert_int_equal(0, chan_make(sizeof(int), 1, &ch));
    assert_int_equal(0, chan_send(ch, &(int){5}));
    assert_int_equal(-EPERM, chan_send(ch, &(int){6}));
    int v;
    bool ok;
    assert_int_equal(0, chan_recv(ch, &v, &ok));
    assert_int_equal(5, v);
    assert_int_equal(-EPERM, chan_recv(ch, &v, &ok));
    chan_free(ch);
}

static void test_chan_make_rejects_a_size_that_overflows(void **state) {
    (void)state;
    chan_t *ch = NULL;
    assert_int_equal(-EINVAL, chan_make(SIZE_MAX / 2, 3, &ch));
    assert_null(ch);
}

UG_TEST_GROUP(chan_rules, NULL, NULL,
    cmocka_unit_test(test_unbuffered_send_waits_until_a_receiver_takes_the_value),
    cmocka_unit_test(test_buffered_channel_is_fifo_and_blocks_only_when_full),
    cmocka_unit_test(test_send_on_closed_channel_panics_with_epipe),
    cmocka_unit_test(test_close_of_closed_channel_panics),
    cmocka_unit_test(test_close_of_nil_channel_panics),
    cmocka_unit_test(test_receive_from_closed_channel_drains_then_gives_zero_and_not_ok),
    cmocka_unit_test(test_close_wakes_every_waiting_receiver_with_zero_and_not_ok),
    cmocka_unit_test(test_close_makes_a_waiting_sender_panic),
    cmocka_unit_test(test_nil_channel_blocks_forever_and_ends_in_deadlock),
    cmocka_unit_test(test_waiting_receivers_are_served_in_arrival_order),
    cmocka_unit_test(test_waiting_senders_are_served_in_arrival_order),
    cmocka_unit_test(test_elements_are_copied_by_value_at_send),
    cmocka_unit_test(test_blocking_outside_a_task_is_refused),
    cmocka_unit_test(test_chan_make_rejects_a_size_that_overflows));
