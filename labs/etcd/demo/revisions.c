/*
 * revisions.c — what etcd's revisions and versions are, shown on one key.
 *
 * Every write transaction takes one main revision of the whole store; a
 * key counts its own versions within a generation, which a put begins
 * (create_revision) and a delete ends. A read at an old revision sees the
 * store as it was; compaction forgets history, and a read below it fails
 * while a read at it still works. The same steps with etcdctl against a
 * real etcd print the same numbers (tests/integration/ replays them).
 *
 * Interface: main.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "etcd.h"

static void show(demo_t *d, etcd_store_t *s, const char *key, int64_t rev)
{
    etcd_span_t sp = {key, NULL, false};
    etcd_range_result_t r;
    int rc = etcd_range(s, &sp, rev, 0, &r);
    if (rc) {
        printf("  get %s --rev=%lld → %s%s%s\n", key, (long long)rev, demo_c(d, DEMO_RED),
               etcd_strerror(rc), demo_c(d, DEMO_RESET));
        return;
    }
    if (!r.n)
        printf("  get %s --rev=%lld → (none)\n", key, (long long)rev);
    else
        printf("  get %s --rev=%lld → %s  create=%lld mod=%lld version=%lld\n", key, (long long)rev,
               r.kvs[0].value, (long long)r.kvs[0].create_revision,
               (long long)r.kvs[0].mod_revision, (long long)r.kvs[0].version);
    etcd_range_result_free(&r);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "etcd revisions",
        .about = "main revisions per write, versions per generation, compaction"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Revisions of the store, versions of a key");
    etcd_store_t *s = NULL;
    if (!demo_ok(&d, etcd_store_new(NULL, &s), "etcd_store_new"))
        return demo_end(&d);
    printf("a new store is at revision %lld\n", (long long)etcd_store_rev(s));
    demo_step(&d, "Three puts of one key: three revisions, versions 1..3");
    int64_t rev = 0;
    const char *vals[] = {"red", "green", "blue"};
    for (int i = 0; i < 3; i++) {
        if (!demo_ok(&d, etcd_put(s, "color", vals[i], 0, &rev, NULL), "etcd_put"))
            goto out;
        printf("  put color %-5s → revision %lld\n", vals[i], (long long)rev);
    }
    show(&d, s, "color", 0);
    demo_step(&d, "A delete ends the generation; the next put starts version 1");
    etcd_span_t sp = {"color", NULL, false};
    int64_t n;
    if (!demo_ok(&d, etcd_delete(s, &sp, &n, &rev, NULL), "etcd_delete"))
        goto out;
    printf("  del color → %lld deleted, revision %lld\n", (long long)n, (long long)rev);
    if (!demo_ok(&d, etcd_put(s, "color", "black", 0, &rev, NULL), "etcd_put"))
        goto out;
    printf("  put color black → revision %lld\n", (long long)rev);
    show(&d, s, "color", 0);
    demo_step(&d, "Reads at older revisions see the store as it was");
    for (int64_t r = 1; r <= rev; r++)
        show(&d, s, "color", r);
    demo_step(&d, "Compaction at 3: reads below it fail, a read at it works");
    if (!demo_ok(&d, etcd_compact(s, 3), "etcd_compact"))
        goto out;
    show(&d, s, "color", 2);
    show(&d, s, "color", 3);
    printf("  compact 3 again → %s\n", etcd_strerror(etcd_compact(s, 3)));
out:
    etcd_store_free(s);
    return demo_end(&d);
}
