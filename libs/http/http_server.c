/*
 * http_server.c — the accept loop and the per-connection loop of http.h's
 * server, shaped like net/http's Server.Serve and conn.serve.
 *
 * http_serve accepts and spawns conn_task per connection. conn_task reads
 * a request (http_msg.c), calls the handler through the invoke hook,
 * ends the response, and goes on while both sides keep the connection
 * alive. Before each request it waits, as Go's does, until four bytes of
 * it are here (Go's Peek(4) after an idle wait). on_event fires where
 * Go's server sets its deadlines, with a word per connection. A request
 * that http-parser refuses gets 400 (headers over the limit 431, a body
 * over the limit 413) and the connection closes; a read error, timeout or
 * end of stream closes it silently, as Go's does. http_server_close
 * closes listeners and connections and waits (a WaitGroup) for the tasks.
 *
 * Interface: see http.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/ctx.h>
#include <undergo/runtime.h>
#include "http_impl.h"

#define LISTENERS_MAX 16

typedef struct sconn {
    struct http_server *s;
    conn_t *c;
    struct sconn *next, *prev;
    http_inbuf_t in;
    http_msg_t m;
    http_response_t w;
    http_request_t r;
    void *conn_ud; /* on_event's word for this connection */
} sconn_t;

struct http_server {
    http_server_config_t cfg;
    wg_t wg;
    sconn_t *conns;
    size_t nconns;
    uint64_t requests;
    listener_t *ls[LISTENERS_MAX];
    bool closed;
};

int http_server_new(const http_server_config_t *cfg, http_server_t **out) {
    if (!cfg || !cfg->handler || !out) return -EINVAL;
    http_server_t *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->cfg = *cfg;
    if (!s->cfg.max_header_bytes) s->cfg.max_header_bytes = 1 << 20;
    if (!s->cfg.max_body_bytes) s->cfg.max_body_bytes = 8 << 20;
    *out = s;
    return 0;
}

void http_server_free(http_server_t *s) { free(s); }
size_t http_server_conns(const http_server_t *s) { return s->nconns; }
uint64_t http_server_requests(const http_server_t *s) { return s->requests; }

static void event(sconn_t *sc, http_event_t ev, const http_request_t *r) {
    if (sc->s->cfg.on_event)
        sc->s->cfg.on_event(ev, sc->c, r, &sc->conn_ud, sc->s->cfg.ud);
}

/* ---- the request ---- */

/* Fills sc->r from the parsed message. 0 or -ENOMEM. */
static int build_request(sconn_t *sc, bool headers_only) {
    http_msg_t *m = &sc->m;
    http_request_t *r = &sc->r;
    size_t url = m->url, q = strcspn(http_msg_url(m), "?");
    bool has_q = http_msg_url(m)[q] == '?';
    /* The path gets its own NUL-terminated copy, before the pointers are taken. */
    size_t path = m->alen;
    if (http_buf_reserve(&m->arena, &m->acap, m->alen + q + 1)) return -ENOMEM;
    memcpy(m->arena + path, m->arena + url, q);
    m->arena[path + q] = '\0';
    m->alen += q + 1;
    if (http_msg_finish(m)) return -ENOMEM;
    *r = (http_request_t){
        .method = http_method_str((enum http_method)m->p.method),
        .target = m->arena + url,
        .path = m->arena + path,
        .query = has_q ? m->arena + url + q + 1 : "",
        .version_minor = m->p.http_minor,
        .headers = m->headers,
        .nheaders = m->nh / 2,
        .body = m->blen ? m->body : "",
        .body_len = m->blen,
        .keep_alive = !headers_only && http_should_keep_alive(&m->p),
        .conn = sc->c,
        .ctx = ctx_background(),
    };
    return 0;
}

static void on_headers(http_msg_t *m, void *ud) {
    sconn_t *sc = ud;
    if (!sc->s->cfg.on_event) return;
    size_t alen = m->alen;
    if (build_request(sc, true) == 0) event(sc, HTTP_EV_HEADERS, &sc->r);
    m->alen = alen;              /* the copy of the path is made again at the end */
}

/* The status for a request that cannot be read, or 0 to close silently. */
static int error_status(int rc) {
    switch (rc) {
    case -EPROTO: return 400;
    case -E2BIG: return 431;
    case -EFBIG: return 413;
    default: return 0;
    }
}

/* ---- the connection ---- */

/* Serves one request. Returns true to go on with the next. */
static bool serve_one(sconn_t *sc) {
    http_server_t *s = sc->s;
    event(sc, HTTP_EV_IDLE, NULL);
    /* The first bytes of the next request: end of stream, a deadline or an
     * error before four of them closes the connection silently. */
    if (http_inbuf_fill(&sc->in, sc->c, 4))
        return false;
    event(sc, HTTP_EV_REQUEST, NULL);
    http_msg_reset(&sc->m);
    int rc = http_msg_read(&sc->m, &sc->in, sc->c);
    if (rc) {
        if (rc < 0 && error_status(rc)) http_send_error(sc->c, error_status(rc));
        return false;
    }
    if (build_request(sc, false)) return false;
    event(sc, HTTP_EV_HANDLER, &sc->r);
    http_response_begin(&sc->w, sc->c, &sc->r, !sc->r.keep_alive);
    if (s->cfg.invoke) {
        if (s->cfg.invoke(s->cfg.handler, &sc->w, &sc->r, s->cfg.ud)) return false;   /* a panic */
    } else {
        s->cfg.handler(&sc->w, &sc->r, s->cfg.ud);
    }
    s->requests++;
    return http_response_end(&sc->w) == 0 && !sc->w.close && !s->closed;
}

static void conn_task(void *arg) {
    sconn_t *sc = arg;
    http_server_t *s = sc->s;
    http_msg_init(&sc->m, HTTP_REQUEST, s->cfg.max_header_bytes, s->cfg.max_body_bytes);
    sc->m.on_headers = on_headers;
    sc->m.ud = sc;
    http_response_init(&sc->w);
    event(sc, HTTP_EV_NEW, NULL);
    while (serve_one(sc)) {}
    event(sc, HTTP_EV_CLOSED, NULL);
    if (sc->prev) sc->prev->next = sc->next; else s->conns = sc->next;
    if (sc->next) sc->next->prev = sc->prev;
    s->nconns--;
    conn_free(sc->c);
    http_msg_fini(&sc->m);
    http_response_fini(&sc->w);
    free(sc->in.data);
    free(sc);
    wg_done(&s->wg);
}

static int track(http_server_t *s, listener_t *l, bool add) {
    for (int i = 0; i < LISTENERS_MAX; i++)
        if (s->ls[i] == (add ? NULL : l)) {
            s->ls[i] = add ? l : NULL;
            return 0;
        }
    return -ENOSPC;
}

int http_serve(http_server_t *s, listener_t *l) {
    if (!s || !l) return -EINVAL;
    if (s->closed) return 0;
    int rc = track(s, l, true);
    while (rc == 0) {
        conn_t *c;
        if ((rc = listener_accept(l, &c))) break;
        sconn_t *sc = calloc(1, sizeof *sc);
        if (!sc) {
            conn_free(c);
            continue;            /* Go backs off on temporary errors; memory comes back */
        }
        sc->s = s, sc->c = c, sc->next = s->conns;
        if (s->conns) s->conns->prev = sc;
        s->conns = sc;
        s->nconns++;
        wg_add(&s->wg, 1);
        if ((rc = task_spawn(conn_task, sc, NULL))) {
            wg_done(&s->wg);
            break;
        }
    }
    track(s, l, false);
    return s->closed ? 0 : rc;
}

int http_server_close(http_server_t *s) {
    s->closed = true;
    for (int i = 0; i < LISTENERS_MAX; i++)
        if (s->ls[i]) listener_close(s->ls[i]);
    for (sconn_t *sc = s->conns; sc; sc = sc->next) conn_close(sc->c);
    wg_wait(&s->wg);
    return 0;
}
