/*
 * mw_bench.c — route lookup over the GitHub API route set (203 routes, as
 * Gin's own benchmark registers), Go's benchmark format.
 *
 * BenchmarkGithubStatic looks up one static route, BenchmarkGithubParam the
 * route Gin's BenchmarkGithub requests (four params), BenchmarkGithubAll
 * every route of the set in turn (one op = one lookup). A lookup must not
 * allocate: allocs/op is printed. BenchmarkGithubServe serves the param
 * route through its one-handler chain (context reset, lookup, chain), as
 * Gin's BenchmarkGithub does; it is the reader's comparison with Gin's
 * ServeHTTP and is not scored.
 *
 * Interface: bench_world() once → UG_BENCH bodies.
 */
#include <stdlib.h>
#include <string.h>

#include <undergo/bench.h>

#include "middleware.h"
#include "mw_github.h"

UG_BENCH_COUNT_ALLOCS();

static struct {
    mw_engine_t *e;
    char paths[MW_GITHUB_N][160];
    size_t lens[MW_GITHUB_N];
    mw_ctx_t c;
} w;

static void noop(mw_ctx_t *c, void *arg)
{
    (void)c, (void)arg;
}

/* Registers every route once per process and makes a request path for
 * each (its params replaced by their names, as Gin's benchmark does). */
static void bench_world(void)
{
    if (w.e)
        return;
    mw_handler_t h = {noop, NULL};
    if (mw_engine_new(NULL, &w.e))
        abort();
    for (size_t i = 0; i < MW_GITHUB_N; i++) {
        if (mw_handle(mw_engine_group(w.e), mw_github[i].method, mw_github[i].path, &h, 1))
            abort();
        size_t o = 0;
        for (const char *p = mw_github[i].path; *p; p++)
            if (*p != ':' && *p != '*')
                w.paths[i][o++] = *p;
        w.paths[i][o] = '\0';
        w.lens[i] = o;
    }
    mw_ctx_init(&w.c, NULL);
}

static void lookup_one(ug_bench_t *b, const char *method, const char *path)
{
    bench_world();
    size_t len = strlen(path);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        if (mw_lookup(w.e, method, path, len, &w.c))
            abort();
        ug_bench_keep(w.c.handlers);
    }
}

UG_BENCH(BenchmarkGithubStatic)
{
    lookup_one(b, "GET", "/user/repos");
}

UG_BENCH(BenchmarkGithubParam)
{
    lookup_one(b, "GET", "/legacy/issues/search/owner/repository/state/keyword");
}

UG_BENCH(BenchmarkGithubAll)
{
    bench_world();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        size_t k = i % MW_GITHUB_N;
        if (mw_lookup(w.e, mw_github[k].method, w.paths[k], w.lens[k], &w.c))
            abort();
        ug_bench_keep(w.c.handlers);
    }
}

UG_BENCH(BenchmarkGithubServe)
{
    bench_world();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        if (mw_serve(w.e, &w.c, "GET", "/legacy/issues/search/owner/repository/state/keyword") !=
            200)
            abort();
        ug_bench_keep(w.c.status);
    }
}
