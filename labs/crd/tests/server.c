/*
 * server.c — tests of the API server's object rules: one storage version,
 * the status subresource and metadata.generation, resourceVersion
 * conflicts, finalizers with deletionTimestamp, list and watch.
 *
 * Interface: widget_world → crd_create / crd_update / crd_update_status /
 * crd_delete → crd_list / crd_watch.
 */
#include "crd_test.h"

static void test_a_crd_needs_exactly_one_storage_version_and_objects_are_stored_at_it(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    char buf[1024];
    /* both versions storage, then none */
    crd_val_t *two = crd_val_clone(w.crd);
    crd_set(crd_at(two, "spec.versions")->items[0], "storage", yaml("true"));
    assert_int_equal(422, crd_server_define(w.s, two, &errs));
    assert_string_equal(
        "spec.versions: Invalid value: 2: must have exactly one version marked as storage version",
        joined(&errs, buf, sizeof buf));
    errs.n = 0;
    crd_set(crd_at(two, "spec.versions")->items[0], "storage", yaml("false"));
    crd_set(crd_at(two, "spec.versions")->items[1], "storage", yaml("false"));
    assert_int_equal(422, crd_server_define(w.s, two, &errs));
    assert_string_equal(
        "spec.versions: Invalid value: 0: must have exactly one version marked as storage version",
        joined(&errs, buf, sizeof buf));
    crd_val_free(two);
    /* written at v1beta1, read back at v1 (the storage version) */
    char text[256];
    unsigned r = (unsigned)ug_rand_below(1000);
    snprintf(text, sizeof text,
             "apiVersion: undergo.dev/v1beta1\nkind: Widget\nmetadata: {name: b%u}\nspec: {x: 1}\n",
             r);
    crd_val_t *obj = yaml(text), *out = NULL;
    assert_int_equal(201, crd_create(w.s, obj, &out, &errs));
    assert_string_equal("undergo.dev/v1", str_at(out, "apiVersion"));
    snprintf(text, sizeof text, "b%u", r);
    assert_string_equal(text, str_at(out, "metadata.name"));
    crd_val_free(out);
    /* an unknown version or kind is 404 */
    crd_set(obj, "apiVersion", crd_val_str("undergo.dev/v2"));
    assert_int_equal(404, crd_create(w.s, obj, NULL, &errs));
    crd_set(obj, "apiVersion", crd_val_str("undergo.dev/v1"));
    crd_set(obj, "kind", crd_val_str("Gadget"));
    assert_int_equal(404, crd_create(w.s, obj, NULL, &errs));
    crd_val_free(obj);
    world_free(&w);
}

static void test_status_is_a_subresource_and_generation_counts_spec_changes_only(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    int n = 2 + (int)ug_rand_below(5);
    crd_val_t *obj = widget("front", 1), *out = NULL;
    crd_set(obj, "status", yaml("{readyReplicas: 7}"));
    assert_int_equal(201, crd_create(w.s, obj, &out, &errs));
    assert_int_equal(0, crd_get(out, "status") != NULL); /* create drops status */
    int spec_writes = 0, status_writes = 0, kept = 0;
    for (int k = 0; k < n; k++) {
        /* the main resource: a spec change, with a status that is ignored */
        crd_set(crd_get(out, "spec"), "replicas", crd_val_int(k + 2));
        crd_set(out, "status", yaml("{readyReplicas: 9}"));
        crd_val_t *next = NULL;
        spec_writes += crd_update(w.s, out, &next, &errs) == 200;
        kept += int_at(next, "status.readyReplicas") ==
                (k == 0 ? -999 : k - 1); /* the stored status stays */
        crd_val_free(out);
        out = next;
        /* /status: a status change, with a spec that is ignored */
        crd_set(out, "status", crd_val_new(CRD_MAP));
        crd_set(crd_get(out, "status"), "readyReplicas", crd_val_int(k));
        crd_set(crd_get(out, "spec"), "replicas", crd_val_int(0));
        status_writes += crd_update_status(w.s, out, &next, &errs) == 200;
        crd_val_free(out);
        out = next;
    }
    assert_int_equal(n, spec_writes);
    assert_int_equal(n, status_writes);
    assert_int_equal(n, kept);
    assert_int_equal(1 + n, int_at(out, "metadata.generation"));
    assert_int_equal(n + 1, int_at(out, "spec.replicas"));
    assert_int_equal(n - 1, int_at(out, "status.readyReplicas"));
    char want[16];
    snprintf(want, sizeof want, "%d", 1 + 2 * n);
    assert_string_equal(want, str_at(out, "metadata.resourceVersion"));
    /* a write that changes nothing keeps the resourceVersion */
    crd_val_t *same = NULL;
    assert_int_equal(200, crd_update(w.s, out, &same, &errs));
    assert_string_equal(want, str_at(same, "metadata.resourceVersion"));
    /* an invalid status is refused like an invalid spec */
    crd_set(crd_get(same, "status"), "readyReplicas", crd_val_int(-1));
    assert_int_equal(422, crd_update_status(w.s, same, NULL, &errs));
    crd_val_free(same);
    crd_val_free(out);
    crd_val_free(obj);
    world_free(&w);
}

static void test_a_stale_resource_version_is_a_409_conflict(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    char buf[512];
    crd_val_t *obj = widget("w", 1), *a = NULL, *b = NULL;
    assert_int_equal(201, crd_create(w.s, obj, &a, &errs));
    b = crd_val_clone(a); /* two writers read the same version */
    int r = 2 + (int)ug_rand_below(8);
    crd_set(crd_get(a, "spec"), "replicas", crd_val_int(r));
    crd_val_t *a2 = NULL;
    assert_int_equal(200, crd_update(w.s, a, &a2, &errs));
    crd_set(crd_get(b, "spec"), "replicas", crd_val_int(r == 9 ? 8 : r + 1));
    assert_int_equal(409, crd_update(w.s, b, NULL, &errs));
    assert_int_equal(409, crd_update_status(w.s, b, NULL, &errs));
    assert_int_equal(409, crd_create(w.s, obj, NULL, &errs)); /* the name is taken */
    crd_val_t *now = crd_get_obj(w.s, "w");
    assert_int_equal(r, int_at(now, "spec.replicas"));
    /* no resourceVersion at all: the update is refused, not forced */
    crd_del(crd_get(b, "metadata"), "resourceVersion");
    assert_int_equal(422, crd_update(w.s, b, NULL, &errs));
    assert_string_equal(
        "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
        joined(&errs, buf, sizeof buf));
    crd_val_free(now);
    crd_val_free(a);
    crd_val_free(a2);
    crd_val_free(b);
    crd_val_free(obj);
    world_free(&w);
}

static void test_finalizers_hold_a_deletion_until_the_last_one_is_removed(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    crd_val_t *obj = widget("f", 2), *out = NULL;
    crd_set(crd_get(obj, "metadata"), "finalizers", yaml("[a.dev/one, b.dev/two]"));
    assert_int_equal(201, crd_create(w.s, obj, &out, &errs));
    crd_val_free(out);
    assert_int_equal(202, crd_delete(w.s, "f", &out));
    char ts[32];
    time_t secs = (time_t)(w.clock / 1000000000LL);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_string_equal(ts, str_at(out, "metadata.deletionTimestamp"));
    crd_val_free(out);
    w.clock += (int64_t)(1 + ug_rand_below(100)) * 1000000000LL;
    assert_int_equal(202,
                     crd_delete(w.s, "f", &out)); /* a second delete keeps the first timestamp */
    assert_string_equal(ts, str_at(out, "metadata.deletionTimestamp"));
    /* removing one finalizer keeps the object; clearing deletionTimestamp is ignored */
    crd_set(crd_get(out, "metadata"), "finalizers", yaml("[b.dev/two]"));
    crd_del(crd_get(out, "metadata"), "deletionTimestamp");
    crd_val_t *next = NULL;
    assert_int_equal(200, crd_update(w.s, out, &next, &errs));
    assert_string_equal(ts, str_at(next, "metadata.deletionTimestamp"));
    crd_val_free(out);
    crd_set(crd_get(next, "metadata"), "finalizers", yaml("[]"));
    assert_int_equal(200, crd_update(w.s, next, NULL, &errs));
    crd_val_t *gone = crd_get_obj(w.s, "f");
    assert_int_equal(0, gone != NULL);
    assert_int_equal(404, crd_delete(w.s, "f", NULL));
    crd_val_free(next);
    crd_val_free(obj);
    world_free(&w);
}

static void
test_watch_replays_events_after_a_resource_version_and_410_after_compaction(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    crd_errs_t errs = {0};
    int n = 3 + (int)ug_rand_below(5);
    char name[16];
    for (int k = 0; k < n; k++) {
        snprintf(name, sizeof name, "w%d", n - k);
        crd_val_t *obj = widget(name, k % 10);
        crd_create(w.s, obj, NULL, &errs);
        crd_val_free(obj);
    }
    assert_int_equal(200, crd_delete(w.s, "w1", NULL));
    const crd_val_t *items[16];
    uint64_t rv = 0;
    size_t got = crd_list(w.s, items, 16, &rv);
    assert_int_equal(n - 1, got);
    assert_int_equal(n + 1, rv);
    assert_string_equal("w2", str_at(items[0], "metadata.name")); /* sorted by name */
    crd_event_t ev[16];
    size_t m = 0;
    uint64_t since = (uint64_t)(n - 2);
    assert_int_equal(200, crd_watch(w.s, since, ev, 16, &m));
    char seq[256] = "", want[256] = "";
    for (size_t k = 0; k < m; k++) {
        char one[40];
        snprintf(one, sizeof one, "%c%llu:%s ", "AMD"[ev[k].type], (unsigned long long)ev[k].rv,
                 str_at(ev[k].obj, "metadata.name"));
        strcat(seq, one);
    }
    snprintf(want, sizeof want, "A%d:w2 A%d:w1 D%d:w1 ", n - 1, n, n + 1);
    assert_string_equal(want, seq);
    crd_server_compact(w.s);
    assert_int_equal(410, crd_watch(w.s, since, ev, 16, &m));
    assert_int_equal(200, crd_watch(w.s, rv, ev, 16, &m));
    assert_int_equal(0, m);
    world_free(&w);
}

UG_TEST_GROUP(
    server, NULL, NULL,
    cmocka_unit_test(test_a_crd_needs_exactly_one_storage_version_and_objects_are_stored_at_it),
    cmocka_unit_test(test_status_is_a_subresource_and_generation_counts_spec_changes_only),
    cmocka_unit_test(test_a_stale_resource_version_is_a_409_conflict),
    cmocka_unit_test(test_finalizers_hold_a_deletion_until_the_last_one_is_removed),
    cmocka_unit_test(test_watch_replays_events_after_a_resource_version_and_410_after_compaction));
