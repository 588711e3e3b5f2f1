/*
 * to_server.c — Go's server deadlines on libs/http's events.
 *
 * Go sets a connection's deadlines at a few points of conn.serve and
 * readRequest; libs/http calls on_event at the same points, with a word
 * per connection (here: when the request's clock t0 started, and whether
 * the request is the first). What Go does at each:
 *
 *   NEW      nothing (deadlines start with the first request)
 *   IDLE     first request: t0 = now, read deadline t0 + header timeout.
 *            Later ones: an idle timeout d ≠ 0 sets the read deadline
 *            now + d for the wait (Go's Peek(4)); with none, Go clears the
 *            deadline and readRequest starts at once: t0 = now.
 *   REQUEST  after an idle wait: t0 = now (the four bytes are here), read
 *            deadline t0 + header timeout, or none: the idle one must go.
 *   HEADERS  read deadline t0 + ReadTimeout when it differs from the
 *            header one; write deadline now + WriteTimeout (readRequest's
 *            defer), which covers the handler and the response.
 *   CLOSED   frees the word.
 *
 * Interface: see timeout.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <undergo/clock.h>
#include "timeout.h"

#if LAB_SOLUTION

typedef struct to_conn {
    int64_t t0; /* readRequest's time.Now() */
    bool later; /* a request was read on this connection */
} to_conn_t;

int64_t to_read_header_timeout(const to_server_config_t *cfg)
{
    return cfg->read_header_timeout ? cfg->read_header_timeout : cfg->read_timeout;
}

int64_t to_idle_timeout(const to_server_config_t *cfg)
{
    return cfg->idle_timeout ? cfg->idle_timeout : cfg->read_timeout;
}

size_t to_head_limit(const to_server_config_t *cfg)
{
    size_t max = cfg->max_header_bytes > 0 ? (size_t)cfg->max_header_bytes : 1 << 20;
    return max + 4096; /* Go's bufio slop */
}

/* A deadline d after t, or none (Go: only d > 0 sets one). */
static int64_t after(int64_t t, int64_t d)
{
    return d > 0 ? t + d : 0;
}

/* readRequest's start: t0 and the header deadline. */
static void start_request(const to_server_config_t *cfg, to_conn_t *tc, conn_t *c)
{
    tc->t0 = clock_now();
    conn_set_read_deadline(c, after(tc->t0, to_read_header_timeout(cfg)));
}

static void on_event(http_event_t ev, conn_t *c, const http_request_t *r, void **conn_ud, void *ud)
{
    (void)r;
    const to_server_config_t *cfg = &((to_server_t *)ud)->cfg;
    to_conn_t *tc = *conn_ud;
    switch (ev) {
    case HTTP_EV_NEW: *conn_ud = calloc(1, sizeof(to_conn_t)); break;
    case HTTP_EV_IDLE:
        if (!tc)
            break;
        if (!tc->later)
            start_request(cfg, tc, c);
        else if (to_idle_timeout(cfg) != 0)
            conn_set_read_deadline(c, clock_now() + to_idle_timeout(cfg));
        else
            start_request(cfg, tc, c);
        break;
    case HTTP_EV_REQUEST:
        if (tc && tc->later && to_idle_timeout(cfg) != 0)
            start_request(cfg, tc, c);
        break;
    case HTTP_EV_HEADERS:
        if (!tc)
            break;
        tc->later = true;
        if (after(tc->t0, to_read_header_timeout(cfg)) != after(tc->t0, cfg->read_timeout))
            conn_set_read_deadline(c, after(tc->t0, cfg->read_timeout));
        if (cfg->write_timeout > 0)
            conn_set_write_deadline(c, clock_now() + cfg->write_timeout);
        break;
    case HTTP_EV_HANDLER: break;
    case HTTP_EV_CLOSED:
        free(tc);
        *conn_ud = NULL;
        break;
    }
}

static void serve(http_response_t *w, http_request_t *r, void *ud)
{
    to_server_t *ts = ud;
    ts->handler(w, r, ts->ud);
}

int to_server_init(to_server_t *ts, const to_server_config_t *cfg, http_handler_fn handler,
                   void *ud)
{
    if (!ts || !cfg || !handler)
        return -EINVAL;
    *ts = (to_server_t){.cfg = *cfg, .handler = handler, .ud = ud};
    http_server_config_t hc = {.handler = serve,
                               .ud = ts,
                               .on_event = on_event,
                               .max_header_bytes = to_head_limit(cfg)};
    return http_server_new(&hc, &ts->http);
}

void to_server_fini(to_server_t *ts)
{
    if (!ts || !ts->http)
        return;
    http_server_close(ts->http);
    http_server_free(ts->http);
    ts->http = NULL;
}

#else

int64_t to_read_header_timeout(const to_server_config_t *cfg)
{
    (void)cfg;
    return 0;
}

int64_t to_idle_timeout(const to_server_config_t *cfg)
{
    (void)cfg;
    return 0;
}

size_t to_head_limit(const to_server_config_t *cfg)
{
    (void)cfg;
    return 0;
}

int to_server_init(to_server_t *ts, const to_server_config_t *cfg, http_handler_fn handler,
                   void *ud)
{
    (void)ts, (void)cfg, (void)handler, (void)ud;
    return -ENOSYS;
}

void to_server_fini(to_server_t *ts)
{
    (void)ts;
}

#endif
