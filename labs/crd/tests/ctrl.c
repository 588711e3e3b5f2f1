/*
 * ctrl.c — tests of the controller: the informer's cache follows the
 * server through list and watch (and lists again after 410), and the
 * reconcile loop converges every Widget's status and finalizer, also when
 * watches are dropped and other writers race it.
 *
 * Interface: widget_world → crd_ctrl_new → crd_ctrl_sync / crd_ctrl_step /
 * crd_ctrl_run → crd_get_obj.
 */
#include "crd_test.h"

/* Whether every Widget on the server has converged: the finalizer and
 * status.readyReplicas == spec.replicas, observedGeneration == generation.
 * Returns how many have; *total how many there are. */
static int converged(world_t *w, int *total)
{
    const crd_val_t *items[CRD_MAX_ERRS * 16];
    uint64_t rv;
    size_t n = crd_list(w->s, items, sizeof items / sizeof items[0], &rv);
    int ok = 0;
    for (size_t k = 0; k < n; k++) {
        const crd_val_t *f = crd_at(items[k], "metadata.finalizers");
        ok += f && f->n == 1 && !strcmp(f->items[0]->s, CRD_FINALIZER) &&
              int_at(items[k], "status.readyReplicas") == int_at(items[k], "spec.replicas") &&
              int_at(items[k], "status.observedGeneration") ==
                  int_at(items[k], "metadata.generation");
    }
    *total = (int)n;
    return ok;
}

static void
test_one_widget_gets_its_finalizer_then_its_status_and_is_cleaned_up_on_delete(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    int r = (int)ug_rand_below(11);
    crd_val_t *obj = widget("solo", r);
    assert_int_equal(201, crd_create(w.s, obj, NULL, &errs));
    crd_ctrl_t *c = crd_ctrl_new(w.s, &w.clock);
    crd_ctrl_sync(c);
    assert_int_equal(1, crd_ctrl_step(c)); /* adds the finalizer */
    crd_val_t *now = crd_get_obj(w.s, "solo");
    assert_string_equal(CRD_FINALIZER, str_at(crd_at(now, "metadata.finalizers")->items[0], ""));
    assert_int_equal(0, crd_get(now, "status") != NULL);
    crd_val_free(now);
    assert_int_equal(0, crd_ctrl_step(c)); /* nothing queued until the watch says so */
    crd_ctrl_sync(c);
    assert_int_equal(1, crd_ctrl_step(c)); /* writes the status */
    now = crd_get_obj(w.s, "solo");
    assert_int_equal(r, int_at(now, "status.readyReplicas"));
    assert_int_equal(1, int_at(now, "status.observedGeneration"));
    crd_val_free(now);
    /* a delete waits for the finalizer; the controller removes it */
    assert_int_equal(202, crd_delete(w.s, "solo", NULL));
    assert_int_equal(0, crd_ctrl_run(c, 100) < 2);
    now = crd_get_obj(w.s, "solo");
    assert_int_equal(0, now != NULL);
    assert_int_equal(0, crd_ctrl_cached(c, "solo") != NULL);
    crd_ctrl_free(c);
    crd_val_free(obj);
    world_free(&w);
}

static void test_a_stale_cache_conflicts_and_the_key_is_retried_rate_limited(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    crd_val_t *obj = widget("race", 1), *out = NULL;
    crd_set(crd_get(obj, "metadata"), "finalizers", yaml("[" CRD_FINALIZER "]"));
    assert_int_equal(201, crd_create(w.s, obj, &out, &errs));
    crd_ctrl_t *c = crd_ctrl_new(w.s, &w.clock);
    crd_ctrl_sync(c);
    /* another writer changes the spec after the cache was filled */
    int r = 2 + (int)ug_rand_below(9);
    crd_set(crd_get(out, "spec"), "replicas", crd_val_int(r));
    assert_int_equal(200, crd_update(w.s, out, NULL, &errs));
    int64_t t0 = w.clock;
    assert_int_equal(1, crd_ctrl_step(c)); /* 409: back in 5 ms */
    assert_int_equal(1, crd_queue_requeues(crd_ctrl_queue(c), "race"));
    assert_int_equal(t0 + 5000000, crd_queue_next_ready(crd_ctrl_queue(c)));
    assert_int_equal(0, crd_ctrl_step(c));
    crd_ctrl_run(c, 100);
    crd_val_t *now = crd_get_obj(w.s, "race");
    assert_int_equal(r, int_at(now, "status.readyReplicas"));
    assert_int_equal(2, int_at(now, "status.observedGeneration"));
    assert_int_equal(0, crd_queue_requeues(crd_ctrl_queue(c), "race")); /* forgotten on success */
    crd_val_free(now);
    crd_val_free(out);
    crd_val_free(obj);
    crd_ctrl_free(c);
    world_free(&w);
}

static void test_widgets_converge_under_watch_drops_and_racing_writers(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    crd_ctrl_t *c = crd_ctrl_new(w.s, &w.clock);
    int n = 8 + (int)ug_rand_below(8), drops = 0;
    char name[16];
    for (int round = 0; round < 40; round++) {
        int what = (int)ug_rand_below(10);
        snprintf(name, sizeof name, "w%d", (int)ug_rand_below((uint64_t)n));
        crd_val_t *cur = crd_get_obj(w.s, name);
        if (!cur) {
            crd_val_t *obj = widget(name, (int)ug_rand_below(11));
            crd_create(w.s, obj, NULL, &errs);
            crd_val_free(obj);
        } else if (what < 6) {
            crd_set(crd_get(cur, "spec"), "replicas", crd_val_int((int64_t)ug_rand_below(11)));
            crd_update(w.s, cur, NULL, &errs);
        } else if (what < 8) {
            crd_delete(w.s, name, NULL);
        } else {
            crd_server_compact(w.s); /* the watch is lost: the informer must list again */
            drops++;
        }
        crd_val_free(cur);
        /* the controller gets a few steps between writers */
        int steps = (int)ug_rand_below(4);
        for (int k = 0; k < steps; k++) {
            if (ug_rand_below(2))
                crd_ctrl_sync(c);
            crd_ctrl_step(c);
        }
        w.clock += (int64_t)ug_rand_below(20) * 1000000;
    }
    crd_server_compact(w.s);
    crd_ctrl_run(c, 10000);
    int total = 0;
    int ok = converged(&w, &total);
    assert_int_equal(total, ok);
    assert_int_equal(0, total == 0);
    assert_int_equal(0, crd_queue_len(crd_ctrl_queue(c)));
    (void)drops;
    /* the cache agrees with the server, object for object */
    const crd_val_t *items[64];
    uint64_t rv;
    size_t m = crd_list(w.s, items, 64, &rv);
    size_t same = 0;
    for (size_t k = 0; k < m; k++)
        same += crd_val_equal(items[k], crd_ctrl_cached(c, str_at(items[k], "metadata.name")));
    assert_int_equal(m, same);
    crd_ctrl_free(c);
    world_free(&w);
}

UG_TEST_GROUP(ctrl, NULL, NULL,
              cmocka_unit_test(
                  test_one_widget_gets_its_finalizer_then_its_status_and_is_cleaned_up_on_delete),
              cmocka_unit_test(test_a_stale_cache_conflicts_and_the_key_is_retried_rate_limited),
              cmocka_unit_test(test_widgets_converge_under_watch_drops_and_racing_writers));
