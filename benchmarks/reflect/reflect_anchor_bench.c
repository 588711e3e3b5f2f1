/*
 * reflect_anchor_bench.c — the reflect lab's reference against hand-written
 * code: one Order (labs/reflect/bench/order.h) marshalled and unmarshalled
 * by reflection and by hand with jansson, in one run, each timed for
 * -benchtime (default 1s) and printed in Go's benchmark format, then the
 * ratios. The target: reflection within 2x of the hand-written
 * marshal. `run` beside this file adds Go's encoding/json on the same data.
 *
 * Usage: reflect_anchor_bench [-benchtime 1s|500ms] [-json]
 *   -json prints the reflective encoding of the Order and exits (run
 *   compares it with Go's).
 *
 * Interface: main → measure(each body) → lines → ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "order.h"
#include "reflect.h"

static Order order;
static char text[4096];
static size_t text_len;
static reflect_arena_t *arena;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void marshal_reflect(void)
{
    static reflect_buf_t b;
    b.len = 0;
    reflect_json_marshal(Order_type(), &order, &b, NULL);
}

static void marshal_jansson(void)
{
    static char buf[4096];
    order_json_jansson(&order, buf, sizeof buf);
}

static void unmarshal_reflect(void)
{
    Order o = {0};
    reflect_json_unmarshal(text, text_len, Order_type(), &o, arena, NULL);
}

static void unmarshal_jansson(void)
{
    Order o;
    order_from_jansson(text, text_len, &o, arena);
}

/* Runs fn in growing batches until one lasts benchtime; ns per call. */
static double measure(const char *name, void (*fn)(void), double benchtime_ns)
{
    uint64_t n = 1;
    double ns;
    for (;;) {
        reflect_arena_free(arena);
        arena = reflect_arena_new();
        double t0 = now_ns();
        for (uint64_t i = 0; i < n; i++) {
            fn();
            if ((i & 1023) == 1023) {
                reflect_arena_free(arena);
                arena = reflect_arena_new();
            }
        }
        ns = now_ns() - t0;
        if (ns >= benchtime_ns || n >= 1000000000)
            break;
        n = ns > 0 && benchtime_ns / ns * (double)n < (double)n * 100
                ? (uint64_t)(benchtime_ns / ns * (double)n * 1.2) + 1
                : n * 100;
    }
    printf("%-32s %10llu %12.1f ns/op\n", name, (unsigned long long)n, ns / (double)n);
    return ns / (double)n;
}

static double parse_benchtime(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (strcmp(end, "ms") == 0)
        return v * 1e6;
    if (strcmp(end, "s") == 0)
        return v * 1e9;
    fprintf(stderr, "reflect_anchor_bench: bad -benchtime '%s'\n", s);
    exit(2);
}

int main(int argc, char **argv)
{
    double benchtime = 1e9;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-benchtime") == 0 && i + 1 < argc)
            benchtime = parse_benchtime(argv[++i]);
        else if (strcmp(argv[i], "-json") == 0)
            json = true;
        else {
            fprintf(stderr, "usage: reflect_anchor_bench [-benchtime 1s] [-json]\n");
            return 2;
        }
    }
    order_build(&order);
    reflect_buf_t b = {0};
    if (!Order_type() || reflect_json_marshal(Order_type(), &order, &b, NULL) < 0 ||
        b.len >= sizeof text) {
        fprintf(stderr, "reflect_anchor_bench: the lab cannot marshal the Order\n");
        return 1;
    }
    memcpy(text, b.data, b.len);
    text_len = b.len;
    if (json) {
        printf("%s\n", reflect_buf_str(&b));
        return 0;
    }
    arena = reflect_arena_new();
    printf("goos: linux\ngoarch: amd64\npkg: undergo/benchmarks/reflect\n");
    double mr = measure("BenchmarkMarshal/reflect", marshal_reflect, benchtime);
    double mj = measure("BenchmarkMarshal/jansson", marshal_jansson, benchtime);
    double ur = measure("BenchmarkUnmarshal/reflect", unmarshal_reflect, benchtime);
    double uj = measure("BenchmarkUnmarshal/jansson", unmarshal_jansson, benchtime);
    printf("\nmarshal, reflect vs jansson by hand:   %.2fx (target: within 2x)\n", mr / mj);
    printf("unmarshal, reflect vs jansson by hand: %.2fx\n", ur / uj);
    reflect_arena_free(arena);
    reflect_buf_free(&b);
    return 0;
}
