/*
 * test_kept.c — the pieces of libs/http that wrappers stand on: a writer
 * that keeps what it gets and can be made to fail, copying its headers to
 * another writer, deep copies of a request, and the client in halves
 * (head, then body) on a pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <undergo/http.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>

/* Everything written stays; flush is refused; a failed writer refuses
 * writes with the error given; headers carry over to another writer. */
static void test_a_kept_writer_keeps_fails_and_copies_headers(void **state)
{
    (void)state;
    http_response_t *w, *dst;
    assert_int_equal(0, http_response_buffer_new(&w));
    assert_int_equal(0, http_response_buffer_new(&dst));
    char body[9000];
    size_t n = 5000 + ug_rand_below(4000);
    memset(body, 'k', n);
    assert_int_equal(0, http_set_header(w, "X-A", "1"));
    assert_int_equal(0, http_write(w, body, n));
    assert_int_equal(0, http_add_header(w, "X-B", "2"));
    assert_int_equal(n, http_response_written(w));
    assert_memory_equal(body, http_response_body(w), n);
    assert_int_equal(200, http_response_status(w));
    assert_int_equal(-ENOTSUP, http_flush(w));
    assert_int_equal(0, http_response_copy_headers(dst, w));
    assert_int_equal(0, http_write(dst, "", 0));
    http_response_fail(w, -4301);
    assert_int_equal(-4301, http_write(w, "x", 1));
    assert_int_equal(n, http_response_written(w));
    http_response_free(w);
    http_response_free(dst);
}

/* A copy holds its own strings, headers and body. */
static void test_a_request_copy_owns_everything(void **state)
{
    (void)state;
    char path[32], value[32];
    snprintf(path, sizeof path, "/p%u", (unsigned)ug_rand_below(1000));
    snprintf(value, sizeof value, "v%u", (unsigned)ug_rand_below(1000));
    http_header_t h[2] = {{"Host", "s"}, {"X-V", value}};
    http_request_t r = {.method = "POST",
                        .target = path,
                        .path = path,
                        .query = "",
                        .version_minor = 1,
                        .headers = h,
                        .nheaders = 2,
                        .body = value,
                        .body_len = strlen(value)};
    http_request_t *c;
    assert_int_equal(0, http_request_clone(&r, &c));
    char expect[32];
    snprintf(expect, sizeof expect, "%s", value);
    memset(value, 0, sizeof value);
    memset(path, 0, sizeof path);
    assert_string_equal(expect, http_request_header(c, "X-V"));
    assert_string_equal(expect, c->body);
    assert_string_equal("POST", c->method);
    assert_int_equal(strlen(expect), c->body_len);
    http_request_free(c);
}

typedef struct halves {
    conn_t *a, *b;
    int rc[3];
    int status;
    char head_body[16], body[64];
    size_t n;
} halves_t;

static void answer(void *arg)
{
    halves_t *h = arg;
    char buf[512];
    conn_read(h->b, buf, sizeof buf);
    char resp[128];
    int k = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", h->n);
    conn_write(h->b, resp, (size_t)k, NULL);
    clock_sleep(1000000);
    memset(buf, 'b', h->n);
    conn_write(h->b, buf, h->n, NULL);
}

static void halves_main(void *arg)
{
    halves_t *h = arg;
    http_client_t *cl;
    http_resp_t r;
    conn_pipe_buffered(&(conn_pipe_config_t){0}, &h->a, &h->b);
    task_spawn(answer, h, NULL);
    http_client_new(h->a, &cl);
    h->rc[0] = http_client_send(cl, "GET", "/", NULL, 0, NULL, 0);
    h->rc[1] = http_client_read_head(cl, &r);
    h->status = r.status;
    snprintf(h->head_body, sizeof h->head_body, "%s", r.body);
    h->rc[2] = http_client_read_body(cl, &r);
    snprintf(h->body, sizeof h->body, "%s", r.body);
    http_resp_free(&r);
    http_client_free(cl);
    conn_free(h->a);
    conn_free(h->b);
}

/* The head comes back before the body is there; the body after it. */
static void test_the_client_reads_the_head_then_the_body(void **state)
{
    (void)state;
    halves_t h = {.n = 1 + ug_rand_below(40)};
    rt_config_t cfg = {.seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, halves_main, &h));
    assert_int_equal(0, h.rc[0]);
    assert_int_equal(0, h.rc[1]);
    assert_int_equal(200, h.status);
    assert_string_equal("", h.head_body);
    assert_int_equal(0, h.rc[2]);
    assert_int_equal(h.n, strlen(h.body));
}

UG_TEST_GROUP(http_kept, NULL, NULL,
              cmocka_unit_test(test_a_kept_writer_keeps_fails_and_copies_headers),
              cmocka_unit_test(test_a_request_copy_owns_everything),
              cmocka_unit_test(test_the_client_reads_the_head_then_the_body));
