/*
 * vectors.h — request vectors and the ways of feeding them, shared by the
 * visible and hidden tests of the status lab.
 *
 * A vector is the bytes of one request, parsed with the small limits below,
 * and the status it earns. A vector marked ST_VE ends with the connection
 * (st_eof after its last byte); every other vector reaches its verdict by
 * its last byte, so bytes after it (the next request) change nothing. The
 * expected status is in the judging build only: the recording build's
 * table holds "" there (labtest.h: answers stay out of the graded binary).
 *
 * Interface: ST_V / ST_VE in a table → st_vec_run(v, piece sizes) → the
 * status; st_vec_check_table checks a whole table in a seeded order.
 */
#ifndef ST_TEST_VECTORS_H
#define ST_TEST_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/labtest.h>

#include "status.h"

#if UG_RECORD_ONLY
#define ST__EXPECT(name, status) ""
#else
#define ST__EXPECT(name, status) name " " #status
#endif

typedef struct st_vec {
    const char *name;
    const char *req;
    size_t len;
    bool eof;           /* the connection ends after the last byte */
    const char *expect; /* "name status" (judging build) */
} st_vec_t;

#define ST_V(name, req, status)                                                                    \
    {                                                                                              \
        name, req, sizeof(req) - 1, false, ST__EXPECT(name, status)                                \
    }
#define ST_VE(name, req, status)                                                                   \
    {                                                                                              \
        name, req, sizeof(req) - 1, true, ST__EXPECT(name, status)                                 \
    }

/* The limits every vector is parsed with: small, so that limits are cheap
 * to reach. */
static const st_limits_t st_vec_limits = {
    .max_target = 32,
    .max_field = 64,
    .max_head = 256,
    .max_fields = 6,
    .max_body = 100,
};

/* How a vector is fed. */
enum st_feed_mode {
    ST_WHOLE,  /* one piece, with the start of a next request after it */
    ST_BYTES,  /* one byte per call */
    ST_PIECES, /* seeded piece sizes of 1..8 bytes */
};

/* What a run saw besides the status. */
typedef struct st_vec_seen {
    unsigned bad_used;   /* ST_DONE with *used other than the request's length */
    unsigned not_sticky; /* a call after ST_DONE/ST_ERROR that took bytes or changed state */
} st_vec_seen_t;

static const char st_vec_next[] = "GET /next HTTP/1.1\r\nHost: n\r\n\r\n";

/* Feeds v as mode says and returns its status (st_eof when the input ends
 * first). */
static inline int st_vec_run(const st_vec_t *v, enum st_feed_mode mode, st_vec_seen_t *seen)
{
    st_config_t cfg = {.limits = st_vec_limits};
    st_parser_t *p = NULL;
    if (st_parser_new(&cfg, &p) < 0)
        return -1000;
    size_t n = v->len, extra = 0;
    char *buf = malloc(n + sizeof st_vec_next);
    memcpy(buf, v->req, n);
    if (mode == ST_WHOLE && !v->eof) {
        extra = 1 + ug_rand_below(sizeof st_vec_next - 1);
        memcpy(buf + n, st_vec_next, extra);
    }
    st_state_t st = ST_MORE;
    size_t off = 0, used = 0;
    while (off < n && st == ST_MORE) {
        size_t k = mode == ST_WHOLE ? n + extra : mode == ST_BYTES ? 1 : 1 + ug_rand_below(8);
        if (k > n + extra - off)
            k = n + extra - off;
        st = st_feed(p, buf + off, k, &used);
        off += st == ST_DONE ? used : k;
    }
    if (st == ST_DONE && off != n)
        seen->bad_used++;
    if (st != ST_MORE) {
        size_t again = 7;
        if (st_feed(p, "GET ", 4, &again) != st || again != 0)
            seen->not_sticky++;
    } else if (v->eof) {
        st_eof(p);
    }
    int status = st_status(p, 0);
    st_parser_free(p);
    free(buf);
    return status;
}

/* A new parser (cfg NULL: the defaults) fed n bytes of buf in pieces of
 * piece bytes (0: one piece) until it is done or fails; *took: the bytes
 * it took. Returns NULL only if st_parser_new failed. */
static inline st_parser_t *st_t_feed(const st_config_t *cfg, const char *buf, size_t n,
                                     size_t piece, st_state_t *st, size_t *took)
{
    st_parser_t *p = NULL;
    *st = ST_ERROR;
    *took = 0;
    if (st_parser_new(cfg, &p) < 0)
        return NULL;
    *st = ST_MORE;
    while (*took < n && *st == ST_MORE) {
        size_t k = piece && piece < n - *took ? piece : n - *took, used = 0;
        *st = st_feed(p, buf + *took, k, &used);
        *took += *st == ST_DONE ? used : k;
    }
    return p;
}

/* The status of a request of n bytes fed in pieces of piece bytes, the
 * connection ending after them. */
static inline int st_t_status(const st_config_t *cfg, const char *buf, size_t n, size_t piece)
{
    st_state_t st;
    size_t took;
    st_parser_t *p = st_t_feed(cfg, buf, n, piece, &st, &took);
    if (!p)
        return -1000;
    if (st == ST_MORE)
        st_eof(p);
    int status = st_status(p, 0);
    st_parser_free(p);
    return status;
}

/* Checks that got, an int the code under test produced, equals want,
 * recorded beside the seeded input param it came from, so that the
 * transcript follows the seed. */
#if UG_RECORD_ONLY
#define st_check_at(param, want, got)                                                              \
    do {                                                                                           \
        char g_[64];                                                                               \
        snprintf(g_, sizeof g_, "%llu: %d", (unsigned long long)(param), (int)(got));              \
        assert_string_equal("", g_);                                                               \
    } while (0)
#else
#define st_check_at(param, want, got)                                                              \
    do {                                                                                           \
        char w_[64], g_[64];                                                                       \
        snprintf(w_, sizeof w_, "%llu: %d", (unsigned long long)(param), (int)(want));             \
        snprintf(g_, sizeof g_, "%llu: %d", (unsigned long long)(param), (int)(got));              \
        assert_string_equal(w_, g_);                                                               \
    } while (0)
#endif

/* Checks every vector of a table, in a seeded order, fed as mode says. */
static inline void st_vec_check_table(const st_vec_t *table, size_t count, enum st_feed_mode mode)
{
    size_t *order = malloc(count * sizeof *order);
    assert_non_null(order);
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    for (size_t i = count; i > 1; i--) {
        size_t j = ug_rand_below(i), t = order[i - 1];
        order[i - 1] = order[j], order[j] = t;
    }
    st_vec_seen_t seen = {0};
    for (size_t i = 0; i < count; i++) {
        const st_vec_t *v = &table[order[i]];
        char got[96];
        snprintf(got, sizeof got, "%s %d", v->name, st_vec_run(v, mode, &seen));
        assert_string_equal(v->expect, got);
    }
    free(order);
    assert_int_equal(0, seen.bad_used);
    assert_int_equal(0, seen.not_sticky);
}

#endif
