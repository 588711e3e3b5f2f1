/*
 * watch.c — a watch that starts in the past, and one that starts too far
 * in the past.
 *
 * A watcher from revision S first gets every event of S and later that the
 * store still holds, each PUT with the key's previous value (prev_kv) when
 * asked, and DELETEs; then it follows new writes. History below the last
 * compaction is gone, so a watch from there is cancelled at once and told
 * the compaction's revision: the client must read afresh from there.
 *
 * Interface: main.
 */
#include <errno.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "etcd.h"

static void drain(demo_t *d, etcd_watcher_t *w)
{
    etcd_event_t ev;
    int rc;
    while ((rc = etcd_watch_next(w, &ev)) == 1) {
        printf("  %s%-6s%s %s=%s rev %lld", demo_c(d, ev.type ? DEMO_RED : DEMO_GREEN),
               ev.type ? "DELETE" : "PUT", demo_c(d, DEMO_RESET), ev.kv.key,
               ev.kv.value ? ev.kv.value : "", (long long)ev.kv.mod_revision);
        if (ev.prev_kv.key)
            printf("   (prev: %s, version %lld)", ev.prev_kv.value, (long long)ev.prev_kv.version);
        printf("\n");
        etcd_event_free(&ev);
    }
    if (rc == -ECANCELED)
        printf("  %scancelled%s: compacted at revision %lld\n", demo_c(d, DEMO_YELLOW),
               demo_c(d, DEMO_RESET), (long long)etcd_watch_compact_rev(w));
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "etcd watch",
        .about = "watching from a past revision, with prev_kv; compaction cancels"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Watches from a revision");
    etcd_store_t *s = NULL;
    etcd_watcher_t *w = NULL;
    if (!demo_ok(&d, etcd_store_new(NULL, &s), "etcd_store_new"))
        return demo_end(&d);
    etcd_put(s, "config/a", "1", 0, NULL, NULL);
    etcd_put(s, "config/a", "2", 0, NULL, NULL);
    etcd_put(s, "other", "x", 0, NULL, NULL);
    etcd_put(s, "config/b", "1", 0, NULL, NULL);
    printf("puts at revisions 2..5: config/a=1, config/a=2, other=x, config/b=1\n");
    demo_step(&d, "watch config/ --prefix --rev=2 --prev-kv");
    etcd_span_t pre = {"config/", NULL, true};
    if (!demo_ok(&d, etcd_watch(s, &pre, 2, true, &w), "etcd_watch"))
        goto out;
    drain(&d, w);
    demo_step(&d, "then it follows new writes");
    etcd_span_t a = {"config/a", NULL, false};
    etcd_delete(s, &a, NULL, NULL, NULL);
    etcd_put(s, "config/b", "2", 0, NULL, NULL);
    drain(&d, w);
    etcd_watch_cancel(w);
    demo_step(&d, "compact 4, then watch from 3");
    if (!demo_ok(&d, etcd_compact(s, 4), "etcd_compact") ||
        !demo_ok(&d, etcd_watch(s, &pre, 3, true, &w), "etcd_watch"))
        goto out;
    drain(&d, w);
    etcd_watch_cancel(w);
out:
    etcd_store_free(s);
    return demo_end(&d);
}
