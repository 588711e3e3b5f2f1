/*
 * iface_bench.c — what an interface costs: assertions with and without the
 * itab cache, a call through the itab against a direct call, a type switch.
 *
 * The concrete type has 16 methods and the interface wants 4 spread across
 * them, so building an itab does a real merge; the cached benchmarks run
 * with a thousand other pairs in the cache, so the lookup must be a real
 * hash lookup, not a scan. BenchmarkCallDirect is the
 * baseline a reader compares BenchmarkCallThroughItab with; it runs no lab
 * code and is not scored.
 *
 * Interface: bench_world() once → UG_BENCH bodies.
 */
#include <stdlib.h>

#include <undergo/bench.h>

#include "iface.h"

static intptr_t op_add(void *r, intptr_t a) { return *(intptr_t *)r + a; }
static intptr_t op_nop(void *r, intptr_t a) { (void)r; return a; }

#define NCROWD 1024   /* other pairs in the cache while we measure */

static const char *const names[16] = {
    "Alloc", "Bind", "Close", "Dial", "Encode", "Flush", "Get", "Hash",
    "Index", "Join", "Keys", "Len", "Map", "Next", "Open", "Put",
};

static struct {
    iface_method_t methods[16];
    iface_type_t conn;
    iface_type_t others[3];
    const char *want[4];
    iface_itype_t api;
    iface_type_t crowd[NCROWD];
    intptr_t value;
    int ready;
} w;

/* Builds the descriptors once per process; aborts if the lab cannot. */
static void bench_world(void)
{
    if (w.ready)
        return;
    for (size_t i = 0; i < 16; i++)
        w.methods[15 - i] = (iface_method_t){names[i], i == 9 ? op_add : op_nop};
    w.conn = (iface_type_t){"net.Conn", sizeof(intptr_t), IFACE_KIND_INT, w.methods, 16, 0};
    for (size_t i = 0; i < 3; i++)
        w.others[i] = (iface_type_t){"net.Other", 8, IFACE_KIND_INT, NULL, 0, 0};
    w.want[0] = "Put";
    w.want[1] = "Join";
    w.want[2] = "Dial";
    w.want[3] = "Hash";
    w.api = (iface_itype_t){"net.API", w.want, 4, 0};
    w.value = 1;
    if (iface_type_seal(&w.conn) || iface_itype_seal(&w.api))
        abort();
    for (size_t i = 0; i < 3; i++)
        if (iface_type_seal(&w.others[i]))
            abort();
    for (size_t i = 0; i < NCROWD; i++) {
        w.crowd[i] = (iface_type_t){"net.Crowd", 8, IFACE_KIND_INT, NULL, 0, 0};
        if (iface_type_seal(&w.crowd[i]))
            abort();
    }
    w.ready = 1;
}

/* Caches (net.API, net.Conn) first, then NCROWD negative pairs after it, so
 * the measured lookup runs in a busy cache, as in a real program. */
static void bench_fill_cache(void)
{
    const iface_itab_t *tab;
    (void)iface_getitab(&w.api, &w.conn, &tab);
    for (size_t i = 0; i < NCROWD; i++)
        (void)iface_getitab(&w.api, &w.crowd[i], &tab);
}

/* v.(net.API) when the itab is already cached: one hash-table lookup among
 * a thousand entries. */
UG_BENCH(BenchmarkAssertCached)
{
    bench_world();
    iface_any_t a = iface_any_from(&w.conn, &w.value);
    iface_t v;
    bench_fill_cache();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        bool ok = iface_assert_iface_ok(a, &w.api, &v);
        ug_bench_keep(ok);
        ug_bench_keep(v.tab);
    }
}

/* The same question answered without the cache: merge and allocate each time. */
UG_BENCH(BenchmarkAssertUncached)
{
    bench_world();
    for (uint64_t i = 0; i < b->n; i++) {
        iface_itab_t *tab = NULL;
        int err = iface_itab_build(&w.api, &w.conn, &tab);
        ug_bench_keep(err);
        ug_bench_keep(tab);
        iface_itab_free(tab);
    }
}

/* v.Join(i): one indexed load from the itab, then an indirect call. */
UG_BENCH(BenchmarkCallThroughItab)
{
    bench_world();
    iface_t v;
    if (iface_from(&w.api, &w.conn, &w.value, &v))
        abort();
    size_t join = (size_t)iface_method_index(&w.api, "Join");
    intptr_t r = 0, sum = 0;
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        (void)iface_call(v, join, (intptr_t)i, &r);
        sum += r;
    }
    ug_bench_keep(sum);
}

/* Baseline: the same method called by name at compile time. */
__attribute__((noinline)) static intptr_t direct_join(void *r, intptr_t a)
{
    return op_add(r, a);
}

UG_BENCH(BenchmarkCallDirect)
{
    bench_world();
    intptr_t sum = 0;
    for (uint64_t i = 0; i < b->n; i++)
        sum += direct_join(&w.value, (intptr_t)i);
    ug_bench_keep(sum);
}

/* switch v.(type) { case Other1, Other2, Other3: ...; case net.API: ... } */
UG_BENCH(BenchmarkTypeSwitch)
{
    bench_world();
    iface_case_t cases[] = {
        {.type = &w.others[0]}, {.type = &w.others[1]}, {.type = &w.others[2]}, {.itype = &w.api},
    };
    iface_any_t a = iface_any_from(&w.conn, &w.value);
    bench_fill_cache();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        int k = iface_switch(a, cases, 4);
        ug_bench_keep(k);
    }
}
