/*
 * reflect_bench.c — what reflection costs: json.Marshal and json.Unmarshal
 * of one Order by reflection against the same done by hand with jansson,
 * FieldByName, and a method called by name through libffi against a direct
 * call. The *Jansson and *Direct benchmarks run no lab code and are not
 * scored; they are the baselines a reader compares with (the anchor in
 * benchmarks/reflect/ prints the ratios, and Go's encoding/json beside).
 *
 * Interface: UG_BENCH bodies over order.h's workload.
 */
#include <stdlib.h>

#include <undergo/bench.h>

#include "order.h"
#include "reflect.h"

UG_BENCH_COUNT_ALLOCS();

static Order order;
static char text[4096];
static size_t text_len;

/* Builds the Order and its JSON once; aborts if the lab cannot. */
static void world(void)
{
    static int ready;
    if (ready)
        return;
    order_build(&order);
    reflect_buf_t b = {0};
    if (!Order_type() || reflect_json_marshal(Order_type(), &order, &b, NULL) < 0 ||
        b.len >= sizeof text)
        abort();
    memcpy(text, b.data, b.len);
    text_len = b.len;
    reflect_buf_free(&b);
    ready = 1;
}

UG_BENCH(BenchmarkMarshalReflect)
{
    world();
    reflect_buf_t out = {0};
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        out.len = 0;
        reflect_json_marshal(Order_type(), &order, &out, NULL);
        ug_bench_keep(out.data);
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, out.len);
    reflect_buf_free(&out);
}

UG_BENCH(BenchmarkMarshalJansson)
{
    world();
    static char buf[4096];
    size_t n = 0;
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        n = order_json_jansson(&order, buf, sizeof buf);
        ug_bench_keep(buf);
    }
    ug_bench_set_bytes(b, n);
}

UG_BENCH(BenchmarkUnmarshalReflect)
{
    world();
    reflect_arena_t *a = reflect_arena_new();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        Order o = {0};
        reflect_json_unmarshal(text, text_len, Order_type(), &o, a, NULL);
        ug_bench_keep(o.Items.data);
        if ((i & 255) == 255) {
            ug_bench_stop_timer(b);
            reflect_arena_free(a);
            a = reflect_arena_new();
            ug_bench_start_timer(b);
        }
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, text_len);
    reflect_arena_free(a);
}

UG_BENCH(BenchmarkUnmarshalJansson)
{
    world();
    reflect_arena_t *a = reflect_arena_new();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        Order o;
        order_from_jansson(text, text_len, &o, a);
        ug_bench_keep(o.Items.data);
        if ((i & 255) == 255) {
            ug_bench_stop_timer(b);
            reflect_arena_free(a);
            a = reflect_arena_new();
            ug_bench_start_timer(b);
        }
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, text_len);
    reflect_arena_free(a);
}

UG_BENCH(BenchmarkFieldByName)
{
    world();
    static const char *const names[4] = {"Total", "Note", "ID", "Items"};
    reflect_value_t v = reflect_value_at(Order_type(), &order), f;
    for (uint64_t i = 0; i < b->n; i++) {
        reflect_value_field_by_name(v, names[i & 3], &f);
        ug_bench_keep(f.ptr);
    }
}

static int64_t add(Order *o, int64_t x)
{
    return o->ID + x;
}

#define COUNTER_FIELDS(F, E) F(int64_t, N, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Counter, COUNTER_FIELDS);
static int64_t counter_add(Counter *c, int64_t x)
{
    return c->N += x;
}
#define COUNTER_METHODS(M) M(Add, counter_add, REFLECT_T(INT64), REFLECT_T(INT64))
REFLECT_STRUCT_DEFINE(Counter, "main.Counter", COUNTER_FIELDS, COUNTER_METHODS);

UG_BENCH(BenchmarkCallByName)
{
    Counter c = {0};
    Counter *pc = &c;
    if (!Counter_type())
        abort();
    reflect_value_t v = reflect_value_of(reflect_ptr_to(Counter_type()), &pc);
    int64_t one = 1, out = 0;
    reflect_value_t arg = reflect_value_of(REFLECT_T(INT64), &one);
    for (uint64_t i = 0; i < b->n; i++)
        reflect_call_by_name(v, "Add", &arg, 1, &out, NULL);
    ug_bench_keep(out);
}

UG_BENCH(BenchmarkCallDirect)
{
    world();
    int64_t (*volatile fn)(Order *, int64_t) = add;
    int64_t out = 0;
    for (uint64_t i = 0; i < b->n; i++)
        out += fn(&order, 1);
    ug_bench_keep(out);
}
