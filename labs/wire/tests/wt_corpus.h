/*
 * wt_corpus.h — seeded random wtc.All messages built twice, as a
 * protobuf-c struct and as a wt_msg_t, from the same draws: the corpus
 * the conformance tests and the benchmark hold the codec to protobuf-c
 * with. wt_corpus_free releases what wt_corpus_make allocated.
 */
#ifndef WT_CORPUS_H
#define WT_CORPUS_H

#include <stdlib.h>
#include <string.h>

#include "conformance.pb-c.h"
#include "wire.h"

typedef uint64_t (*wt_corpus_rand_fn)(void);

/* A value of a random magnitude: small, mid-sized or any 64 bits. */
static inline uint64_t wt_corpus_num(wt_corpus_rand_fn r)
{
    uint64_t x = r();
    switch (x % 4) {
    case 0: return (x >> 8) % 128;
    case 1: return (x >> 8) % 100000;
    case 2: return (uint64_t) - (int64_t)((x >> 8) % 1000);
    default: return r();
    }
}

static inline char *wt_corpus_text(wt_corpus_rand_fn r, size_t *len)
{
    static const char *const words[] = {"a", "grpc", "héllo", "wire", "€", "😀", "", "x y"};
    size_t n = r() % 5, at = 0;
    char *s = malloc(64);
    for (size_t i = 0; i < n; i++) {
        const char *w = words[r() % 8];
        memcpy(s + at, w, strlen(w));
        at += strlen(w);
    }
    s[at] = 0;
    *len = at;
    return s;
}

static inline float wt_corpus_float(uint32_t bits)
{
    float f;
    if (bits == 0x80000000u) /* -0.0: protobuf-c and Go disagree on its default-ness */
        bits = 0;
    memcpy(&f, &bits, 4);
    return f;
}

static inline double wt_corpus_double(uint64_t bits)
{
    double d;
    if (bits == 0x8000000000000000ull)
        bits = 0;
    memcpy(&d, &bits, 8);
    return d;
}

static inline Wtc__Inner *wt_corpus_inner(wt_corpus_rand_fn r, wt_msg_t *w)
{
    Wtc__Inner *p = malloc(sizeof *p);
    wtc__inner__init(p);
    if (r() & 1) {
        p->a = (int32_t)wt_corpus_num(r);
        wt_push(w, 1)->i = p->a;
    }
    if (r() & 1) {
        size_t len;
        p->s = wt_corpus_text(r, &len);
        wt_value_set_bytes(wt_push(w, 2), p->s, len);
    }
    p->n_zs = r() % 4;
    p->zs = malloc((p->n_zs + 1) * sizeof *p->zs);
    for (size_t i = 0; i < p->n_zs; i++)
        wt_push(w, 3)->i = p->zs[i] = (int64_t)wt_corpus_num(r);
    return p;
}

#define WT_CORPUS_REP(P, W, NUM, FIELD, MAX, EXPR, SET)                                            \
    do {                                                                                           \
        (P)->n_##FIELD = r() % (MAX);                                                              \
        (P)->FIELD = malloc(((P)->n_##FIELD + 1) * sizeof *(P)->FIELD);                            \
        for (size_t i_ = 0; i_ < (P)->n_##FIELD; i_++) {                                           \
            (P)->FIELD[i_] = (EXPR);                                                               \
            wt_push((W), (NUM))->SET = (P)->FIELD[i_] != 0 ? (P)->FIELD[i_] : 0;                   \
        }                                                                                          \
    } while (0)

/* Fills p (already wtc__all__init'ed) and w (empty) with one random message. */
static inline void wt_corpus_make(wt_corpus_rand_fn r, Wtc__All *p, wt_msg_t *w)
{
    uint64_t present = r();
#define WT_CORPUS_IF(bit) if (present >> (bit)&1)
    WT_CORPUS_IF(1) wt_push(w, 1)->i = p->i32 = (int32_t)wt_corpus_num(r);
    WT_CORPUS_IF(2) wt_push(w, 2)->i = p->i64 = (int64_t)wt_corpus_num(r);
    WT_CORPUS_IF(3) wt_push(w, 3)->u = p->u32 = (uint32_t)wt_corpus_num(r);
    WT_CORPUS_IF(4) wt_push(w, 4)->u = p->u64 = wt_corpus_num(r);
    WT_CORPUS_IF(5) wt_push(w, 5)->i = p->s32 = (int32_t)wt_corpus_num(r);
    WT_CORPUS_IF(6) wt_push(w, 6)->i = p->s64 = (int64_t)wt_corpus_num(r);
    WT_CORPUS_IF(7)
    {
        p->b = (r() & 1) != 0;
        wt_push(w, 7)->b = p->b != 0;
    }
    WT_CORPUS_IF(8) wt_push(w, 8)->i = (int64_t)(p->e = (Wtc__Color)(r() % 3));
    WT_CORPUS_IF(9) wt_push(w, 9)->u = p->f32 = (uint32_t)wt_corpus_num(r);
    WT_CORPUS_IF(10) wt_push(w, 10)->u = p->f64 = wt_corpus_num(r);
    WT_CORPUS_IF(11) wt_push(w, 11)->i = p->sf32 = (int32_t)wt_corpus_num(r);
    WT_CORPUS_IF(12) wt_push(w, 12)->i = p->sf64 = (int64_t)wt_corpus_num(r);
    WT_CORPUS_IF(13) wt_push(w, 13)->f = p->fl = wt_corpus_float((uint32_t)r());
    WT_CORPUS_IF(14) wt_push(w, 14)->d = p->db = wt_corpus_double(r());
    WT_CORPUS_IF(15)
    {
        size_t len;
        char *s = wt_corpus_text(r, &len);
        p->str = s;
        wt_value_set_bytes(wt_push(w, 15), s, len);
    }
    WT_CORPUS_IF(16)
    {
        p->by.len = r() % 40;
        p->by.data = malloc(p->by.len + 1);
        for (size_t i = 0; i < p->by.len; i++)
            p->by.data[i] = (uint8_t)r();
        wt_value_set_bytes(wt_push(w, 16), p->by.data, p->by.len);
    }
    WT_CORPUS_IF(17) p->inner = wt_corpus_inner(r, wt_push_msg(w, 17));
    WT_CORPUS_REP(p, w, 18, r_i32, 8, (int32_t)wt_corpus_num(r), i);
    WT_CORPUS_REP(p, w, 19, r_s32, 8, (int32_t)wt_corpus_num(r), i);
    WT_CORPUS_REP(p, w, 20, r_f64, 6, wt_corpus_num(r), u);
    WT_CORPUS_REP(p, w, 21, r_db, 6, wt_corpus_double(r()), d);
    p->n_r_str = r() % 4;
    p->r_str = malloc((p->n_r_str + 1) * sizeof *p->r_str);
    for (size_t i = 0; i < p->n_r_str; i++) {
        size_t len;
        p->r_str[i] = wt_corpus_text(r, &len);
        wt_value_set_bytes(wt_push(w, 22), p->r_str[i], len);
    }
    p->n_r_inner = r() % 3;
    p->r_inner = malloc((p->n_r_inner + 1) * sizeof *p->r_inner);
    for (size_t i = 0; i < p->n_r_inner; i++)
        p->r_inner[i] = wt_corpus_inner(r, wt_push_msg(w, 23));
    WT_CORPUS_REP(p, w, 24, r_b, 10, (protobuf_c_boolean)((r() & 1) != 0), b);
    WT_CORPUS_REP(p, w, 2000, r_u64, 8, wt_corpus_num(r), u);
#undef WT_CORPUS_IF
}

static inline void wt_corpus_inner_free(Wtc__Inner *p)
{
    if (!p)
        return;
    if (p->s != protobuf_c_empty_string)
        free(p->s);
    free(p->zs);
    free(p);
}

/* Frees what wt_corpus_make allocated in p (not p itself). */
static inline void wt_corpus_free(Wtc__All *p)
{
    if (p->str != protobuf_c_empty_string)
        free(p->str);
    free(p->by.data);
    wt_corpus_inner_free(p->inner);
    free(p->r_i32);
    free(p->r_s32);
    free(p->r_f64);
    free(p->r_db);
    for (size_t i = 0; i < p->n_r_str; i++)
        free(p->r_str[i]);
    free(p->r_str);
    for (size_t i = 0; i < p->n_r_inner; i++)
        wt_corpus_inner_free(p->r_inner[i]);
    free(p->r_inner);
    free(p->r_b);
    free(p->r_u64);
}

#endif
