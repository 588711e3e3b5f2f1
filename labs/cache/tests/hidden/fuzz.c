/*
 * fuzz.c — hidden: many random replies in one stream cut into random
 * pieces, and a seeded workload of reads, writes, expiries and
 * invalidations checked against an oracle of what must be cached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cache_test.h"
#include "../resp_dump.h"

static void test_random_replies_split_at_random_agree_with_their_bytes(void **state)
{
    (void)state;
    cache_buf_t bytes = {0}, want = {0}, got = {0};
    int m = 50 + (int)ug_rand_below(200);
    for (int i = 0; i < m; i++) {
        if (i)
            cache_buf_append(&want, "|", 1);
        resp_gen(&bytes, &want, 0);
    }
    cache_parser_t p = {0};
    cache_reply_t r;
    int replies = 0, errors = 0;
    for (size_t off = 0; off < bytes.len;) {
        size_t piece = 1 + ug_rand_below(40);
        piece = piece > bytes.len - off ? bytes.len - off : piece;
        cache_parser_feed(&p, bytes.data + off, piece);
        off += piece;
        int rc;
        while ((rc = cache_parser_next(&p, &r)) == 1) {
            if (got.len)
                cache_buf_append(&got, "|", 1);
            resp_dump(&r, &got);
            cache_reply_free(&r);
            replies++;
        }
        errors += rc < 0;
    }
    assert_int_equal(0, errors);
    assert_int_equal(m, replies);
    assert_string_equal(want.data, got.data);
    cache_parser_free(&p);
    cache_buf_free(&bytes);
    cache_buf_free(&want);
    cache_buf_free(&got);
}

typedef struct wr {
    db_t *db;
    char val[48];
    bool present;
} wr_t;

static int write_fn(void *ud, const char *key)
{
    wr_t *w = ud;
    int i = atoi(key + 5);
    snprintf(w->db->vals[i], sizeof w->db->vals[i], "%s", w->val);
    w->db->present[i] = w->present;
    return 0;
}

static void test_a_seeded_workload_agrees_with_an_oracle(void **state)
{
    fix_t *f = fix(state);
    enum { KEYS = 12 };
    bool cached[KEYS] = {0};
    int ops = 200 + (int)ug_rand_below(300), right = 0, expect_loads = 0, reads = 0;
    cache_buf_t v = {0};
    for (int op = 0; op < ops; op++) {
        int i = (int)ug_rand_below(KEYS), what = (int)ug_rand_below(10);
        char key[32];
        key_of(i, key, sizeof key);
        if (what < 6) {
            reads++;
            expect_loads += !cached[i];
            cached[i] = true;
            int rc = cache_get(f->cache, key, db_load, &f->db, &v);
            right += f->db.present[i] ? rc == 0 && !strcmp(v.data, f->db.vals[i]) : rc == -ENOENT;
        } else if (what < 8) {
            wr_t w = {&f->db, "", ug_rand_below(4) != 0};
            snprintf(w.val, sizeof w.val, "w%d-%llu", op, (unsigned long long)ug_rand());
            cache_write(f->cache, key, write_fn, &w);
            cached[i] = false;
        } else if (what == 8) {
            call(f, "PEXPIREAT", key, "1", NULL);
            cached[i] = false;
        } else {
            cache_invalidate(f->cache, key);
            cached[i] = false;
        }
    }
    assert_int_equal(reads, right);
    assert_int_equal(expect_loads, f->db.total_loads);
    cache_buf_free(&v);
}

UG_TEST_GROUP(cache_hidden, NULL, NULL,
              cmocka_unit_test(test_random_replies_split_at_random_agree_with_their_bytes),
              T_SERVER(test_a_seeded_workload_agrees_with_an_oracle));
