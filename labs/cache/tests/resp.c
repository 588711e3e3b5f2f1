/*
 * resp.c — RESP without a server: the encoder's exact bytes, every reply
 * type of RESP2 and RESP3, replies cut at every byte, garbage refused, and
 * many replies in one buffer. Expected trees are compared as one line of
 * text (resp_dump.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_test.h"
#include "resp_dump.h"

static void random_word(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('a' + ug_rand_below(26));
    out[n] = 0;
}

static void test_commands_encode_as_arrays_of_bulk_strings(void **state)
{
    (void)state;
    int argc = 1 + (int)ug_rand_below(6);
    char args[6][24];
    size_t lens[6];
    const char *argv[6];
    char expect[512];
    int off = snprintf(expect, sizeof expect, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        lens[i] = ug_rand_below(20);
        for (size_t j = 0; j < lens[i]; j++) /* any byte: CR, LF and NUL included */
            args[i][j] = (char)"\r\n\0ab$*"[ug_rand_below(7)];
        argv[i] = args[i];
        off += snprintf(expect + off, sizeof expect - (size_t)off, "$%zu\r\n", lens[i]);
        memcpy(expect + off, args[i], lens[i]);
        off += (int)lens[i];
        off += snprintf(expect + off, sizeof expect - (size_t)off, "\r\n");
    }
    cache_buf_t out = {0};
    assert_int_equal(0, cache_encode(&out, argc, argv, lens));
    assert_int_equal(off, out.len);
    assert_memory_equal(expect, out.data, (size_t)off);

    /* C strings, appended after what is there. */
    size_t before = out.len;
    const char *get[] = {"GET", "k"};
    assert_int_equal(0, cache_encode(&out, 2, get, NULL));
    assert_int_equal(before + 20, out.len);
    assert_memory_equal("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", out.data + before, 20);
    assert_int_equal(-EINVAL, cache_encode(&out, 0, get, NULL));
    cache_buf_free(&out);
}

/* Parses every reply in bytes; their dumps joined by '|'. */
static void parse_all(const char *bytes, size_t n, cache_buf_t *dump, int *rc)
{
    cache_parser_t p = {0};
    cache_reply_t r;
    *rc = cache_parser_feed(&p, bytes, n);
    while (*rc == 0 && (*rc = cache_parser_next(&p, &r)) == 1) {
        if (dump->len)
            cache_buf_append(dump, "|", 1);
        resp_dump(&r, dump);
        cache_reply_free(&r);
        *rc = 0;
    }
    cache_parser_free(&p);
}

static void test_every_resp2_and_resp3_type_parses(void **state)
{
    (void)state;
    char w[16], in[2048], want[1024];
    random_word(w, 1 + ug_rand_below(14));
    long long v = (long long)(ug_rand() >> 1) * (ug_rand_below(2) ? -1 : 1);
    size_t wl = strlen(w);
    int n = snprintf(
        in, sizeof in,
        "+OK\r\n-ERR bad %s\r\n:%lld\r\n$%zu\r\n%s\r\n$0\r\n\r\n$-1\r\n*-1\r\n"
        "*2\r\n$1\r\na\r\n:%lld\r\n*0\r\n$4\r\na\r\nb\r\n"
        "_\r\n#t\r\n#f\r\n,3.25\r\n,inf\r\n(3492890328409238509324850943850943825024385\r\n"
        "!%zu\r\nSYNTAX %s\r\n=%zu\r\ntxt:%s\r\n%%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n"
        "~2\r\n+x\r\n+y\r\n>3\r\n+message\r\n+ch\r\n$%zu\r\n%s\r\n"
        "|1\r\n+ttl\r\n:3600\r\n+OK\r\n",
        w, v, wl, w, v, wl + 7, w, wl + 4, w, wl, w);
    snprintf(want, sizeof want,
             "+OK|-ERR bad %s|:%lld|s:%s|s:|_|_|*[s:a :%lld]|*[]|s:a\r\nb|_|#1|#0|,3.25|,inf|"
             "(3492890328409238509324850943850943825024385|-SYNTAX %s|=txt:%s|"
             "%%{+a :1 +b :2}|~[+x +y]|>[+message +ch s:%s]|+OK",
             w, v, w, v, w, w, w);
    cache_buf_t dump = {0};
    int rc;
    parse_all(in, (size_t)n, &dump, &rc);
    assert_int_equal(0, rc);
    assert_string_equal(want, dump.data);
    cache_buf_free(&dump);

    /* The numbers themselves. */
    cache_parser_t p = {0};
    cache_reply_t r;
    char num[64];
    long long q = (long long)ug_rand_below(1000);
    n = snprintf(num, sizeof num, ":%lld\r\n,-%lld.5\r\n", v, q);
    cache_parser_feed(&p, num, (size_t)n);
    assert_int_equal(1, cache_parser_next(&p, &r));
    assert_int_equal(v, r.integer);
    cache_reply_free(&r);
    assert_int_equal(1, cache_parser_next(&p, &r));
    assert_int_equal(CACHE_DOUBLE, r.type);
    assert_int_equal(-(2 * q + 1), (long long)(2 * r.dbl));
    cache_reply_free(&r);
    cache_parser_free(&p);
}

/* Feeds bytes[0..cut), then the rest: counts "not yet" after the first
 * piece and whether the reply then read equals want. */
static void split_parse(const cache_buf_t *bytes, size_t cut, const char *want, int *notyet,
                        int *same)
{
    cache_parser_t p = {0};
    cache_reply_t r;
    cache_parser_feed(&p, bytes->data, cut);
    *notyet += cache_parser_next(&p, &r) == 0;
    cache_parser_feed(&p, bytes->data + cut, bytes->len - cut);
    if (cache_parser_next(&p, &r) == 1) {
        cache_buf_t d = {0};
        resp_dump(&r, &d);
        *same += d.data && !strcmp(d.data, want);
        cache_buf_free(&d);
        cache_reply_free(&r);
    }
    cache_parser_free(&p);
}

static void test_a_reply_cut_at_every_byte_parses_the_same(void **state)
{
    (void)state;
    cache_buf_t bytes = {0}, want = {0};
    cache_buf_append(&bytes, "*3\r\n", 4);
    cache_buf_append(&want, "*[", 2);
    for (int i = 0; i < 3; i++) {
        if (i)
            cache_buf_append(&want, " ", 1);
        resp_gen(&bytes, &want, 1);
    }
    cache_buf_append(&want, "]", 1);

    int notyet = 0, same = 0;
    for (size_t cut = 1; cut < bytes.len; cut++)
        split_parse(&bytes, cut, want.data, &notyet, &same);
    assert_int_equal(bytes.len - 1, notyet);
    assert_int_equal(bytes.len - 1, same);

    /* One byte at a time: nothing until the last byte, then the reply. */
    cache_parser_t p = {0};
    cache_reply_t r;
    int early = 0, rc = 0;
    for (size_t i = 0; i < bytes.len; i++) {
        cache_parser_feed(&p, bytes.data + i, 1);
        rc = cache_parser_next(&p, &r);
        early += rc != 0 && i + 1 < bytes.len;
    }
    assert_int_equal(0, early);
    assert_int_equal(1, rc);
    cache_buf_t d = {0};
    resp_dump(&r, &d);
    assert_string_equal(want.data, d.data);
    cache_reply_free(&r);
    assert_int_equal(0, cache_parser_next(&p, &r));
    cache_parser_free(&p);
    cache_buf_free(&d);
    cache_buf_free(&bytes);
    cache_buf_free(&want);
}

static void test_garbage_is_a_protocol_error(void **state)
{
    (void)state;
    static const char *const garbage[] = {
        "?x\r\n",        ":12a\r\n",        ":\r\n",         ":99999999999999999999\r\n",
        "$abc\r\n",      "$-2\r\n",         "$2\r\nabc\r\n", "*x\r\n",
        "*-2\r\n",       "%-1\r\n",         "#x\r\n",        "#tt\r\n",
        "_x\r\n",        ",abc\r\n",        "+OK\n",         "+O\rK\r\n",
        "=3\r\ntxt\r\n", "=5\r\ntxt-x\r\n", "(12x\r\n",      "\r\n",
    };
    enum { N = sizeof garbage / sizeof garbage[0] };
    int ok = 0, eproto = 0, expect_ok = 0;
    for (int i = 0; i < N + 1; i++) {
        cache_parser_t p = {0};
        cache_reply_t r;
        int k = (int)ug_rand_below(3), rc;
        expect_ok += k;
        for (int j = 0; j < k; j++)
            cache_parser_feed(&p, "+OK\r\n", 5);
        if (i < N) {
            cache_parser_feed(&p, garbage[i], strlen(garbage[i]));
        } else { /* nested deeper than 64 */
            for (int j = 0; j < 70; j++)
                cache_parser_feed(&p, "*1\r\n", 4);
            cache_parser_feed(&p, ":1\r\n", 4);
        }
        while ((rc = cache_parser_next(&p, &r)) == 1) {
            ok++;
            cache_reply_free(&r);
        }
        eproto += rc == -EPROTO;
        cache_parser_free(&p);
    }
    assert_int_equal(expect_ok, ok);
    assert_int_equal(N + 1, eproto);
}

static void test_replies_in_one_buffer_come_out_one_at_a_time(void **state)
{
    (void)state;
    int n = 10 + (int)ug_rand_below(200);
    cache_buf_t b = {0};
    char tmp[32];
    for (int i = 0; i < n; i++) {
        int len = snprintf(tmp, sizeof tmp, ":%d\r\n", i * 7);
        cache_buf_append(&b, tmp, (size_t)len);
    }
    cache_buf_append(&b, "$10\r\npart", 9); /* the next reply, not yet whole */
    cache_parser_t p = {0};
    cache_parser_feed(&p, b.data, b.len);
    cache_reply_t r;
    long long sum = 0;
    int got = 0;
    while (cache_parser_next(&p, &r) == 1) {
        sum += r.integer;
        got++;
        cache_reply_free(&r);
    }
    assert_int_equal(n, got);
    assert_int_equal(7LL * n * (n - 1) / 2, sum);
    cache_parser_feed(&p, "ial:\r\n\r\n", 8);
    assert_int_equal(1, cache_parser_next(&p, &r));
    assert_string_equal("partial:\r\n", r.str);
    cache_reply_free(&r);
    cache_parser_free(&p);
    cache_buf_free(&b);
}

UG_TEST_GROUP(cache_resp, NULL, NULL,
              cmocka_unit_test(test_commands_encode_as_arrays_of_bulk_strings),
              cmocka_unit_test(test_every_resp2_and_resp3_type_parses),
              cmocka_unit_test(test_a_reply_cut_at_every_byte_parses_the_same),
              cmocka_unit_test(test_garbage_is_a_protocol_error),
              cmocka_unit_test(test_replies_in_one_buffer_come_out_one_at_a_time));
