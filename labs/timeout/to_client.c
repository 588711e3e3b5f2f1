/*
 * to_client.c — Go's http.Client.Get with its timeouts.
 *
 * One deadline for the whole call, taken at its start (Client.Timeout;
 * Go's c.deadline() in Client.do): every redirect, every dial, every read
 * of the body runs under it, so the call fails at start + Timeout exactly,
 * wherever it is. Each request then:
 *   dial      net_dial_timeout with the dial timeout, cut to what is left
 *             of the call (a dial timeout is NET_ETIMEOUT, Go's "dial tcp:
 *             i/o timeout"; the call's deadline, TO_ECLIENT_TIMEOUT);
 *   write     the request, under the call's deadline;
 *   head      from the end of the write, at most ResponseHeaderTimeout
 *             (Go starts its timer when the request is written);
 *   body      under the call's deadline only.
 * The context: its deadline joins the call's; its cancellation closes the
 * connection through a watcher task, and the call returns ctx_err().
 * Redirects: 301/302/303/307/308 with a Location, a path on the same host
 * or an absolute http URL; after ten, the next is refused, as Go's
 * defaultCheckRedirect does (len(via) >= 10).
 *
 * Interface: see timeout.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/runtime.h>
#include "timeout.h"

#if LAB_SOLUTION

#define REDIRECTS_MAX 10

typedef struct to_url {
    char addr[128];   /* host:port */
    char target[512]; /* /path?query */
} to_url_t;

/* "http://host:port/path" (or a path, kept on base's host). */
static int parse_url(const char *url, const to_url_t *base, to_url_t *out)
{
    if (url[0] == '/' && base) {
        snprintf(out->addr, sizeof out->addr, "%s", base->addr);
        snprintf(out->target, sizeof out->target, "%s", url);
        return 0;
    }
    if (strncmp(url, "http://", 7))
        return -EINVAL;
    const char *host = url + 7, *slash = strchr(host, '/');
    size_t hl = slash ? (size_t)(slash - host) : strlen(host);
    if (!hl || hl >= sizeof out->addr)
        return -EINVAL;
    memcpy(out->addr, host, hl);
    out->addr[hl] = '\0';
    snprintf(out->target, sizeof out->target, "%s", slash ? slash : "/");
    return 0;
}

/* A deadline d after t, or none (d ≤ 0). */
static int64_t after_ns(int64_t t, int64_t d)
{
    return d > 0 ? t + d : 0;
}

/* The earlier of two deadlines (0: none). */
static int64_t earlier(int64_t a, int64_t b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

typedef struct to_watch {
    ctx_t *ctx;
    conn_t *c;
    chan_t *stop;
} to_watch_t;

/* Closes the connection when the context ends first (Go's cancelRequest). */
static void watch(void *arg)
{
    to_watch_t *wt = arg;
    chan_case_t cases[2] = {{.ch = ctx_done(wt->ctx), .dir = CHAN_RECV},
                            {.ch = wt->stop, .dir = CHAN_RECV}};
    if (chan_select(cases, 2, false) == 0)
        conn_close(wt->c);
    chan_close(wt->stop); /* tells the request the watcher is gone */
}

/* The call's error for a failure rc at this point. */
static int classify(int rc, ctx_t *ctx, int64_t deadline, int64_t header_deadline)
{
    int64_t now = clock_now(), cd;
    if (ctx_err(ctx))
        return ctx_err(ctx);
    if (ctx_deadline(ctx, &cd) == 0 && now >= cd)
        return -ETIMEDOUT; /* its timer is due */
    if (rc != -NET_ETIMEOUT && rc != -NET_ECLOSED)
        return rc;
    if (deadline && now >= deadline)
        return -TO_ECLIENT_TIMEOUT;
    if (header_deadline && now >= header_deadline)
        return -TO_EHEADER_TIMEOUT;
    return rc;
}

/* One request of the call on a fresh connection. */
static int one_request(const to_client_t *cl, ctx_t *ctx, int64_t deadline, const to_url_t *u,
                       http_resp_t *out)
{
    int64_t now = clock_now(), dial_deadline = earlier(deadline, after_ns(now, cl->dial_timeout));
    if (dial_deadline && dial_deadline <= now)
        return classify(-NET_ETIMEOUT, ctx, deadline, 0);
    conn_t *c;
    int rc = net_dial_timeout("tcp", u->addr, dial_deadline ? dial_deadline - now : 0, &c);
    if (rc)
        return classify(rc, ctx, deadline, 0);
    to_watch_t wt = {.ctx = ctx, .c = c};
    http_client_t *hc = NULL;
    bool watching = false;
    if ((rc = chan_make(0, 0, &wt.stop)) || (rc = http_client_new(c, &hc)))
        goto out;
    if (ctx_done(ctx)) {
        if ((rc = task_spawn(watch, &wt, NULL)))
            goto out;
        watching = true;
    }
    conn_set_deadline(c, deadline);
    static const http_header_t close_hdr[] = {{"Connection", "close"}};
    rc = http_client_send(hc, "GET", u->target, close_hdr, 1, NULL, 0);
    int64_t header_deadline = after_ns(clock_now(), cl->response_header_timeout);
    if (!rc)
        rc = conn_set_read_deadline(c, earlier(deadline, header_deadline));
    if (!rc)
        rc = http_client_read_head(hc, out);
    if (!rc)
        rc = conn_set_read_deadline(c, deadline);
    if (!rc)
        rc = http_client_read_body(hc, out);
    if (rc) {
        http_resp_free(out);
        rc = classify(rc, ctx, deadline, header_deadline);
    }
out:
    if (watching) {
        chan_send(wt.stop, NULL); /* the watcher answers by closing stop */
        chan_recv(wt.stop, NULL, NULL);
    }
    http_client_free(hc);
    chan_free(wt.stop);
    conn_free(c);
    return rc;
}

static bool redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int to_client_get(const to_client_t *cl, ctx_t *ctx, const char *url, http_resp_t *out)
{
    if (!cl || !url || !out)
        return -EINVAL;
    memset(out, 0, sizeof *out);
    if (!ctx)
        ctx = ctx_background();
    int64_t when = 0, deadline = after_ns(clock_now(), cl->timeout);
    if (ctx_deadline(ctx, &when) == 0 && (!deadline || when < deadline))
        deadline = when;
    to_url_t u, next;
    int rc = parse_url(url, NULL, &u);
    for (int hops = 0; rc == 0; hops++) {
        if (hops >= REDIRECTS_MAX)
            return -TO_EREDIRECTS; /* len(via) >= 10 */
        if ((rc = one_request(cl, ctx, deadline, &u, out)))
            return rc;
        const char *loc = http_resp_header(out, "Location");
        if (!redirect(out->status) || !loc)
            return 0;
        rc = parse_url(loc, &u, &next);
        u = next;
        http_resp_free(out);
    }
    return rc;
}

#else

int to_client_get(const to_client_t *cl, ctx_t *ctx, const char *url, http_resp_t *out)
{
    (void)cl, (void)ctx, (void)url;
    if (out)
        memset(out, 0, sizeof *out);
    return -ENOSYS;
}

#endif
