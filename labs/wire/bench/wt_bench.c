/*
 * wt_bench.c — encoding and decoding one wtc.All message three ways: the
 * lab's codec (graded: BenchmarkEncode, BenchmarkDecode), protobuf-c, the
 * anchor (BenchmarkEncodeProtobufC, BenchmarkDecodeProtobufC), and JSON
 * with jansson (BenchmarkEncodeJSON, BenchmarkDecodeJSON), as a REST API
 * would. Each line reports the encoded size as wire-bytes.
 *
 * The message: a fixed draw of tests/wt_corpus.h with every singular
 * field set, a few repeated elements and an embedded message.
 */
#include <stdio.h>
#include <stdlib.h>

#include <undergo/bench.h>

#include "wire.h"
#include "../tests/wt_corpus.h"
#include "wt_json.h"

static uint64_t wt_b_state;

static uint64_t wt_b_rand(void)
{
    uint64_t x = wt_b_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return wt_b_state = x;
}

typedef struct wt_b_msg {
    Wtc__All pc;
    wt_msg_t *w;
    uint8_t *bytes;
    size_t len;
} wt_b_msg_t;

/* The benchmark's message: the first draw from a fixed seed whose
 * protobuf encoding is at least 200 bytes. */
static void wt_b_make(wt_b_msg_t *m)
{
    wt_b_state = 88172645463325252ull;
    for (;;) {
        wtc__all__init(&m->pc);
        m->w = wt_msg_new(&wt_schema_all);
        wt_corpus_make(wt_b_rand, &m->pc, m->w);
        m->len = wtc__all__get_packed_size(&m->pc);
        if (m->len >= 200)
            break;
        wt_corpus_free(&m->pc);
        wt_msg_free(m->w);
    }
    m->bytes = malloc(m->len);
    wtc__all__pack(&m->pc, m->bytes);
}

static void wt_b_free(wt_b_msg_t *m)
{
    wt_corpus_free(&m->pc);
    wt_msg_free(m->w);
    free(m->bytes);
}

static void wt_b_fail(const char *what)
{
    fprintf(stderr, "%s failed\n", what);
    exit(1);
}

UG_BENCH(BenchmarkEncode)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    uint8_t *buf = malloc(m.len);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        /* wt_encode sizes the message itself, as pack's caller must. */
        if (wt_encode(m.w, buf, m.len) != (ssize_t)m.len)
            wt_b_fail("wt_encode");
        ug_bench_keep(buf);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)m.len, "wire-bytes");
    free(buf);
    wt_b_free(&m);
}

UG_BENCH(BenchmarkDecode)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        wt_msg_t *w = wt_msg_new(&wt_schema_all);
        if (wt_decode(w, m.bytes, m.len) != 0)
            wt_b_fail("wt_decode");
        ug_bench_keep(w);
        wt_msg_free(w);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)m.len, "wire-bytes");
    wt_b_free(&m);
}

UG_BENCH(BenchmarkEncodeProtobufC)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    uint8_t *buf = malloc(m.len);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        size_t n = wtc__all__get_packed_size(&m.pc);
        if (wtc__all__pack(&m.pc, buf) != n)
            wt_b_fail("wtc__all__pack");
        ug_bench_keep(buf);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)m.len, "wire-bytes");
    free(buf);
    wt_b_free(&m);
}

UG_BENCH(BenchmarkDecodeProtobufC)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        Wtc__All *p = wtc__all__unpack(NULL, m.len, m.bytes);
        if (!p)
            wt_b_fail("wtc__all__unpack");
        ug_bench_keep(p);
        wtc__all__free_unpacked(p, NULL);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)m.len, "wire-bytes");
    wt_b_free(&m);
}

UG_BENCH(BenchmarkEncodeJSON)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    char *probe = wt_json_encode(m.w);
    size_t len = strlen(probe);
    free(probe);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        char *s = wt_json_encode(m.w);
        ug_bench_keep(s);
        free(s);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)len, "wire-bytes");
    wt_b_free(&m);
}

UG_BENCH(BenchmarkDecodeJSON)
{
    wt_b_msg_t m;
    wt_b_make(&m);
    char *text = wt_json_encode(m.w);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        wt_msg_t *w = wt_msg_new(&wt_schema_all);
        if (wt_json_decode(w, text) != 0)
            wt_b_fail("wt_json_decode");
        ug_bench_keep(w);
        wt_msg_free(w);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)strlen(text), "wire-bytes");
    free(text);
    wt_b_free(&m);
}
