/*
 * body.c — the body as the head framed it: Content-Length bytes to the
 * callback, chunks decoded across any split with their extensions and the
 * trailer section, the sum of chunk sizes held to the body limit, and what
 * a connection that ends early earns.
 */
#include <undergo/labtest.h>

#include "status.h"
#include "vectors.h"

typedef struct sink {
    char data[4096];
    size_t len;
    unsigned calls;
} sink_t;

static void collect(void *ud, const char *data, size_t len)
{
    sink_t *s = ud;
    if (s->len + len <= sizeof s->data)
        memcpy(s->data + s->len, data, len);
    s->len += len;
    s->calls++;
}

static void test_content_length_body_reaches_the_callback_and_the_next_request_follows(void **state)
{
    (void)state;
    sink_t sink = {0};
    st_config_t cfg = {.on_body = collect, .ud = &sink};
    char body[200], buf[512];
    size_t blen = 1 + ug_rand_below(sizeof body);
    for (size_t i = 0; i < blen; i++)
        body[i] = (char)('a' + ug_rand_below(26));
    int n = snprintf(buf, sizeof buf, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %zu\r\n\r\n",
                     blen);
    memcpy(buf + n, body, blen);
    size_t req = (size_t)n + blen;
    memcpy(buf + req, "GET / HTTP/1.1\r\n", 16);
    st_state_t st;
    size_t took;
    st_parser_t *p = st_t_feed(&cfg, buf, req + 16, ug_rand_below(40), &st, &took);
    assert_non_null(p);
    assert_int_equal(ST_DONE, st);
    assert_int_equal(req, took);
    assert_int_equal(blen, sink.len);
    assert_memory_equal(body, sink.data, blen);
    st_head_t h;
    assert_int_equal(0, st_head(p, &h));
    assert_int_equal(ST_BODY_LENGTH, h.framing);
    assert_int_equal(blen, h.content_length);
    st_parser_free(p);
}

/* Seeded chunk sizes, written with extensions and a trailer, split at every
 * point: the decoded body is the same each time. */
static void test_chunked_body_is_decoded_across_any_split_with_extensions_and_trailer(void **state)
{
    (void)state;
    char buf[2048], body[1024];
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    size_t blen = 0, chunks = 1 + ug_rand_below(4);
    for (size_t c = 0; c < chunks; c++) {
        size_t k = 1 + ug_rand_below(40);
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              c % 2 ? "%zX ; a=b;c=\"x y\"\r\n" : "%zx\r\n", k);
        for (size_t i = 0; i < k; i++)
            body[blen++] = buf[n++] = (char)('A' + ug_rand_below(26));
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    }
    n += (size_t)snprintf(buf + n, sizeof buf - n, "0;last\r\nX-Sum: %zu\r\n\r\n", blen);
    sink_t whole = {0};
    st_config_t wcfg = {.on_body = collect, .ud = &whole};
    st_state_t wst;
    size_t wtook;
    st_parser_t *wp = st_t_feed(&wcfg, buf, n, 0, &wst, &wtook);
    assert_non_null(wp);
    st_parser_free(wp);
    assert_int_equal(ST_DONE, wst);
    assert_int_equal(blen, whole.len);
    assert_memory_equal(body, whole.data, blen);
    unsigned wrong = 0;
    for (size_t cut = 1; cut < n; cut++) {
        sink_t sink = {0};
        st_config_t cfg = {.on_body = collect, .ud = &sink};
        st_parser_t *p = NULL;
        if (st_parser_new(&cfg, &p) < 0) {
            wrong++;
            continue;
        }
        size_t u1 = 0, u2 = 0;
        st_state_t a = st_feed(p, buf, cut, &u1), b = st_feed(p, buf + cut, n - cut, &u2);
        st_head_t h = {0};
        st_head(p, &h);
        wrong += a != ST_MORE || b != ST_DONE || u2 != n - cut || sink.len != blen ||
                 memcmp(sink.data, body, blen) || h.framing != ST_BODY_CHUNKED;
        st_parser_free(p);
    }
    assert_int_equal(0, wrong);
}

static void test_chunk_sizes_summing_over_the_body_limit_are_413(void **state)
{
    (void)state;
    uint64_t lim = 2 + ug_rand_below(500), first = 1 + ug_rand_below(lim - 1);
    char buf[2048];
    int results[2];
    for (int over = 0; over < 2; over++) {
        st_config_t cfg = {.limits = {.max_body = lim}};
        size_t n = (size_t)
            snprintf(buf, sizeof buf,
                     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "%llx\r\n",
                     (unsigned long long)first);
        memset(buf + n, 'z', first);
        n += first;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n%llx\r\n",
                              (unsigned long long)(lim - first + (uint64_t)over));
        results[over] = st_t_status(&cfg, buf, n, 1 + ug_rand_below(7));
    }
    /* Within the limit the request is still waiting for the second chunk's data. */
    st_check_at(lim, 400, results[0]);
    st_check_at(lim, 413, results[1]);
}

/* Cut short in the head: no status (0, close); in the body: 400. */
static void test_connection_ending_early_is_no_answer_in_the_head_and_400_in_the_body(void **state)
{
    (void)state;
    static const char req[] = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody";
    size_t head = sizeof req - 1 - 4;
    size_t in_head = 1 + ug_rand_below(head - 1), in_body = head + ug_rand_below(4);
    st_check_at(in_head, 0, st_t_status(NULL, req, in_head, 1 + ug_rand_below(3)));
    st_check_at(in_body, 400, st_t_status(NULL, req, in_body, 1 + ug_rand_below(3)));
    assert_int_equal(200, st_t_status(NULL, req, sizeof req - 1, 1 + ug_rand_below(3)));
    st_parser_t *p = NULL;
    assert_int_equal(0, st_parser_new(NULL, &p));
    assert_int_equal(ST_DONE, st_feed(p, req, sizeof req - 1, NULL));
    assert_int_equal(ST_DONE, st_eof(p));
    st_parser_free(p);
}

UG_TEST_GROUP(
    status_body, NULL, NULL,
    cmocka_unit_test(test_content_length_body_reaches_the_callback_and_the_next_request_follows),
    cmocka_unit_test(test_chunked_body_is_decoded_across_any_split_with_extensions_and_trailer),
    cmocka_unit_test(test_chunk_sizes_summing_over_the_body_limit_are_413),
    cmocka_unit_test(test_connection_ending_early_is_no_answer_in_the_head_and_400_in_the_body));
