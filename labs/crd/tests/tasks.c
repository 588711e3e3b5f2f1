/*
 * tasks.c — the controller on the runtime's virtual clock: a writer task
 * creates and changes Widgets at seeded instants and drops the watch now
 * and then (compaction); a controller task polls its informer every 10 ms,
 * works the queue, and sleeps until the next poll or the next delayed key;
 * it stops after the writer, at the first pass with nothing to do (its own
 * writes come back through the watch and are one more pass).
 * Time passes only by sleeping (RT_TICK_NONE), and before each call into
 * the lab the task copies clock_now() into the clock the lab reads.
 *
 * Interface: rt_run → writer / controller tasks → crd_ctrl_sync /
 * crd_ctrl_step → crd_list.
 */
#include <undergo/runtime.h>

#include "crd_test.h"

#define POLL (10 * CLOCK_MS)

typedef struct run {
    world_t w;
    crd_ctrl_t *c;
    int n, writes_done;
    int64_t last_write, quiet_at;
} run_t;

static void writer(void *arg)
{
    run_t *r = arg;
    crd_errs_t errs = {0};
    char name[16];
    for (int k = 0; k < r->n; k++) {
        clock_sleep((int64_t)(1 + ug_rand_below(30)) * CLOCK_MS);
        r->w.clock = clock_now();
        snprintf(name, sizeof name, "t%d", k);
        crd_val_t *obj = widget(name, (int)ug_rand_below(11));
        crd_create(r->w.s, obj, NULL, &errs);
        crd_val_free(obj);
        /* change an earlier one: races the controller's status writes */
        snprintf(name, sizeof name, "t%d", (int)ug_rand_below((uint64_t)k + 1));
        crd_val_t *cur = crd_get_obj(r->w.s, name);
        if (cur) {
            crd_set(crd_get(cur, "spec"), "replicas", crd_val_int((int64_t)ug_rand_below(11)));
            crd_update(r->w.s, cur, NULL, &errs);
            crd_val_free(cur);
        }
        if (ug_rand_below(3) == 0)
            crd_server_compact(r->w.s); /* the watch is lost */
        r->last_write = clock_now();
    }
    r->writes_done = 1;
}

static void controller(void *arg)
{
    run_t *r = arg;
    for (;;) {
        int done = r->writes_done; /* read before the sync: the sync then sees every write */
        r->w.clock = clock_now();
        crd_ctrl_sync(r->c);
        int steps = 0;
        while (crd_ctrl_step(r->c) == 1) {
            steps++;
            r->w.clock = clock_now();
        }
        int64_t next = crd_queue_next_ready(crd_ctrl_queue(r->c));
        if (done && steps == 0 && next < 0 && crd_queue_len(crd_ctrl_queue(r->c)) == 0) {
            r->quiet_at = clock_now();
            return;
        }
        int64_t wait = POLL;
        if (next >= 0 && next - clock_now() < wait)
            wait = next - clock_now();
        clock_sleep(wait > 0 ? wait : 1);
    }
}

static void main_task(void *arg)
{
    run_t *r = arg;
    uint64_t a, b;
    task_spawn(writer, r, &a);
    task_spawn(controller, r, &b);
    task_join(a);
    task_join(b);
}

static void test_the_controller_converges_as_a_task_on_the_virtual_clock(void **state)
{
    (void)state;
    run_t r = {0};
    assert_int_equal(201, widget_world(&r.w));
    r.c = crd_ctrl_new(r.w.s, &r.w.clock);
    r.n = 6 + (int)ug_rand_below(30);
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM,
                       .seed = ug_rand(),
                       .clock = RT_CLOCK_VIRTUAL,
                       .tick = RT_TICK_NONE};
    assert_int_equal(0, rt_run(&cfg, main_task, &r));
    const crd_val_t *items[64];
    uint64_t rv;
    size_t m = crd_list(r.w.s, items, 64, &rv);
    int ok = 0;
    int64_t ready = 0, wanted = 0;
    for (size_t k = 0; k < m; k++) {
        ok += int_at(items[k], "status.readyReplicas") == int_at(items[k], "spec.replicas") &&
              int_at(items[k], "status.observedGeneration") ==
                  int_at(items[k], "metadata.generation");
        ready += int_at(items[k], "status.readyReplicas");
        wanted += int_at(items[k], "spec.replicas");
    }
    assert_int_equal(r.n, m);
    assert_int_equal(r.n, ok);
    assert_int_equal(wanted, ready); /* the replicas the writer's seeded updates left */
    /* quiet within one poll of the last write, give or take the backoffs of
     * a few conflicts (5 ms, 10 ms, ...) */
    assert_int_equal(1, r.quiet_at - r.last_write <= 4 * POLL);
    crd_ctrl_free(r.c);
    world_free(&r.w);
}

UG_TEST_GROUP(tasks, NULL, NULL,
              cmocka_unit_test(test_the_controller_converges_as_a_task_on_the_virtual_clock));
