/*
 * oracle.c — hidden tests: seeded route sets against a segment-by-segment
 * matcher, and every GitHub API route resolved with its parameters.
 *
 * The oracle knows nothing of trees: among the routes whose segments match
 * (a :param any non-empty segment), it picks the one that is static at the
 * first place where two differ, which is what static-before-param with
 * backtracking means.
 *
 * Interface: mw_handle ... → mw_lookup per request → one check per total.
 */
#include <errno.h>
#include <stdlib.h>

#include <undergo/labtest.h>

#include "../mw_test.h"
#include "../../bench/mw_github.h"

#define NR 60
#define DEPTH 4

typedef struct oroute {
    int nseg;
    char seg[DEPTH][8]; /* "" means a :param */
    char path[64];
} oroute_t;

static const char *const alpha[] = {"a", "b", "ab", "ba", "c"};

static void noop(mw_ctx_t *c, void *arg)
{
    (void)c, (void)arg;
}

/* Whether r matches the request's segments; 1 + static-ness rank out. */
static int omatch(const oroute_t *r, char req[][8], int n)
{
    if (r->nseg != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (r->seg[i][0] && strcmp(r->seg[i], req[i]) != 0)
            return 0;
    return 1;
}

/* r beats q: static at the first place where they differ. */
static int obeats(const oroute_t *r, const oroute_t *q)
{
    for (int i = 0; i < r->nseg; i++) {
        int rs = r->seg[i][0] != 0, qs = q->seg[i][0] != 0;
        if (rs != qs)
            return rs;
    }
    return 0;
}

static uint64_t mix(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (h ^ '|') * 1099511628211u;
}

static void test_seeded_route_sets_agree_with_a_segment_matcher(void **state)
{
    (void)state;
    static oroute_t r[NR];
    size_t nr = 0, dups = 0, refused = 0;
    mw_handler_t h = {noop, NULL};
    mw_engine_t *e = NULL;
    assert_int_equal(0, mw_engine_new(NULL, &e));
    for (int k = 0; k < NR; k++) {
        oroute_t *x = &r[nr];
        x->nseg = 1 + (int)ug_rand_below(DEPTH);
        size_t at = 0;
        for (int i = 0; i < x->nseg; i++) {
            if (ug_rand_below(3) == 0) {
                x->seg[i][0] = '\0';
                at += (size_t)snprintf(x->path + at, sizeof x->path - at, "/:p%d", i);
            } else {
                const char *word = alpha[ug_rand_below(5)];
                strcpy(x->seg[i], word);
                at += (size_t)snprintf(x->path + at, sizeof x->path - at, "/%s", word);
            }
        }
        int dup = 0;
        for (size_t j = 0; j < nr; j++)
            dup |= strcmp(r[j].path, x->path) == 0;
        int rc = mw_handle(mw_engine_group(e), "GET", x->path, &h, 1);
        dups += dup && rc == -EEXIST;
        refused += rc != 0;
        if (!dup && rc == 0)
            nr++;
    }
    assert_int_equal(refused, dups);

    uint64_t want = 14695981039346656037u, got = want;
    size_t hits = 0, ohits = 0;
    mw_ctx_t c;
    mw_ctx_init(&c, NULL);
    for (int q = 0; q < 400; q++) {
        char req[DEPTH][8], path[64];
        int n = 1 + (int)ug_rand_below(DEPTH);
        size_t at = 0;
        for (int i = 0; i < n; i++) {
            strcpy(req[i], ug_rand_below(6) ? alpha[ug_rand_below(5)] : "zz");
            at += (size_t)snprintf(path + at, sizeof path - at, "/%s", req[i]);
        }
        const oroute_t *best = NULL;
        for (size_t j = 0; j < nr; j++)
            if (omatch(&r[j], req, n) && (!best || obeats(&r[j], best)))
                best = &r[j];
        if (best) {
            ohits++;
            want = mix(want, best->path, strlen(best->path));
            for (int i = 0; i < n; i++)
                if (!best->seg[i][0])
                    want = mix(want, req[i], strlen(req[i]));
        }
        if (mw_lookup(e, "GET", path, strlen(path), &c) == 0) {
            hits++;
            got = mix(got, c.full_path, strlen(c.full_path));
            for (size_t i = 0; i < c.nparams; i++)
                got = mix(got, c.params[i].value, c.params[i].value_len);
        }
    }
    assert_int_equal(ohits, hits);
    assert_int_equal(want, got);
    mw_engine_free(e);
}

/* Every GitHub API route, its params filled with seeded values, resolves
 * to itself with the values in order; the same path in another method
 * that lacks it is -ENOENT. */
static void test_every_github_api_route_resolves_to_itself_with_its_params(void **state)
{
    (void)state;
    mw_handler_t h = {noop, NULL};
    mw_engine_t *e = NULL;
    assert_int_equal(0, mw_engine_new(NULL, &e));
    size_t regs = 0, same = 0, values = 0, nvalues = 0, want_len = 0, got_len = 0;
    for (size_t i = 0; i < MW_GITHUB_N; i++)
        regs += mw_handle(mw_engine_group(e), mw_github[i].method, mw_github[i].path, &h, 1) == 0;
    assert_int_equal(MW_GITHUB_N, regs);
    mw_ctx_t c;
    mw_ctx_init(&c, NULL);
    for (size_t i = 0; i < MW_GITHUB_N; i++) {
        char path[256], vals[16][16];
        size_t o = 0, nv = 0;
        for (const char *p = mw_github[i].path; *p;) {
            if (*p == ':' || *p == '*') {
                snprintf(vals[nv], sizeof vals[nv], "x%u", (unsigned)ug_rand_below(1u << 20));
                want_len += strlen(vals[nv]);
                o += (size_t)snprintf(path + o, sizeof path - o, "%s", vals[nv++]);
                p += 1 + strcspn(p + 1, "/");
            } else {
                path[o++] = *p++;
            }
        }
        path[o] = '\0';
        nvalues += nv;
        if (mw_lookup(e, mw_github[i].method, path, o, &c) != 0)
            continue;
        same += strcmp(c.full_path, mw_github[i].path) == 0;
        for (size_t k = 0; k < c.nparams; k++)
            got_len += c.params[k].value_len;
        for (size_t k = 0; k < nv && k < c.nparams; k++)
            values += c.params[k].value_len == strlen(vals[k]) &&
                      memcmp(c.params[k].value, vals[k], c.params[k].value_len) == 0;
    }
    assert_int_equal(MW_GITHUB_N, same);
    assert_int_equal(nvalues, values);
    assert_int_equal(want_len, got_len);
    assert_int_equal(-ENOENT, mw_lookup(e, "PATCH", "/events", 7, &c));
    assert_int_equal(-ENOENT, mw_lookup(e, "OPTIONS", "/events", 7, &c));
    mw_engine_free(e);
}

UG_TEST_GROUP(oracle, NULL, NULL,
              cmocka_unit_test(test_seeded_route_sets_agree_with_a_segment_matcher),
              cmocka_unit_test(test_every_github_api_route_resolves_to_itself_with_its_params));
