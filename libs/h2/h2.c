/*
 * h2.c — HTTP/2 on runtime conns with libnghttp2 in memory mode.
 *
 * One mutex per conn guards the nghttp2 session and every stream of it;
 * nghttp2's callbacks run under it. The reader (a task of the client's,
 * h2_serve's own task on the server) reads the conn and feeds the session
 * (nghttp2_session_mem_recv); the writer task drains the session
 * (nghttp2_session_mem_send) into a buffer and writes it with the lock
 * dropped, so neither conn direction is ever waited on under the lock.
 * Application tasks park on their stream's cond; every event that can
 * change what they wait for (data, END_STREAM, RST_STREAM, window credit,
 * conn failure) broadcasts it.
 *
 * Flow control is nghttp2's: automatic WINDOW_UPDATE is off, h2_read
 * calls nghttp2_session_consume for what the application took. h2_write
 * lends its buffer to the stream's data provider and parks until the
 * provider has copied all of it into DATA frames; the provider defers
 * while it has nothing and is resumed by the next write or end.
 */
#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <undergo/h2.h>
#include <undergo/sync.h>
#include <undergo/task.h>

#define H2_RBUF 16384
#define H2_WBUF_MAX (256 * 1024)

typedef struct hdrs {
    h2_header_t *v;
    size_t n, cap;
} hdrs_t;

struct h2_stream {
    h2_conn_t *h;
    int32_t id;
    struct h2_stream *prev, *next;
    cond_t cv;
    hdrs_t hdr, trl, out_trl;
    bool server;
    bool hdr_done; /* request (server) / response (client) headers complete */
    bool eof;      /* the peer's END_STREAM */
    bool rst;      /* the peer reset it (or it closed with an error code) */
    uint32_t rst_code;
    bool canceled; /* h2_reset here */
    bool closed;   /* nghttp2 closed it */
    int fail;      /* it could not be opened: -error */
    bool orphan;   /* freed by its owner; kept until nghttp2 closes it */
    bool handler;  /* server: its handler task runs */
    /* received DATA not read yet */
    uint8_t *in;
    size_t in_off, in_len, in_cap;
    /* sending */
    bool dp;       /* a data provider is attached */
    bool hdr_sent; /* server: response headers submitted */
    bool end;      /* END_STREAM requested */
    bool sent_end; /* a frame with END_STREAM went out */
    const uint8_t *out;
    size_t out_len;
};

struct h2_conn {
    conn_t *c;
    nghttp2_session *ses;
    mutex_t mu;
    cond_t wcv;   /* the writer waits here */
    bool kick;    /* the session may have output */
    bool closing; /* h2_close: flush and stop */
    bool closed;  /* h2_close done */
    bool dead;
    int err;      /* why it died */
    bool orderly; /* the peer ended the conn cleanly */
    bool goaway;  /* the peer sent GOAWAY */
    uint32_t goaway_code;
    bool server;
    h2_handler_fn fn;
    void *arg;
    wg_t handlers;
    uint64_t reader, writer;
    bool has_reader;
    h2_stream_t *streams;
    uint8_t *rbuf;
    uint8_t *wbuf;
    size_t wlen, wcap;
};

/* ---- helpers ---- */

static void hdrs_clear(hdrs_t *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        free((char *)hs->v[i].name);
        free((char *)hs->v[i].value);
    }
    free(hs->v);
    memset(hs, 0, sizeof *hs);
}

static int hdrs_add(hdrs_t *hs, const uint8_t *name, size_t nl, const uint8_t *value, size_t vl)
{
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? hs->cap * 2 : 8;
        h2_header_t *v = realloc(hs->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        hs->v = v;
        hs->cap = cap;
    }
    char *n = strndup((const char *)name, nl);
    char *val = strndup((const char *)value, vl);
    if (!n || !val) {
        free(n);
        free(val);
        return -ENOMEM;
    }
    hs->v[hs->n++] = (h2_header_t){n, val};
    return 0;
}

static nghttp2_nv *make_nv(const h2_header_t *hdr, size_t n)
{
    nghttp2_nv *nv = calloc(n ? n : 1, sizeof *nv);
    if (!nv)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        nv[i].name = (uint8_t *)hdr[i].name;
        nv[i].namelen = strlen(hdr[i].name);
        nv[i].value = (uint8_t *)(hdr[i].value ? hdr[i].value : "");
        nv[i].valuelen = strlen((const char *)nv[i].value);
        nv[i].flags = NGHTTP2_NV_FLAG_NONE;
    }
    return nv;
}

static void wake_writer(h2_conn_t *h)
{
    h->kick = true;
    cond_signal(&h->wcv);
}

static void link_stream(h2_conn_t *h, h2_stream_t *s)
{
    s->next = h->streams;
    if (h->streams)
        h->streams->prev = s;
    h->streams = s;
}

static void unlink_stream(h2_conn_t *h, h2_stream_t *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        h->streams = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

static h2_stream_t *stream_new(h2_conn_t *h, bool server)
{
    h2_stream_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->h = h;
    s->server = server;
    return s;
}

/* Unlinks and frees s; unread DATA goes back to the conn's window. */
static void stream_destroy(h2_stream_t *s)
{
    h2_conn_t *h = s->h;
    size_t unread = s->in_len - s->in_off;
    if (unread && !h->dead)
        nghttp2_session_consume_connection(h->ses, unread);
    unlink_stream(h, s);
    hdrs_clear(&s->hdr);
    hdrs_clear(&s->trl);
    hdrs_clear(&s->out_trl);
    free(s->in);
    free(s);
}

/* The owner lets go of s: RST_STREAM(code) if nghttp2 still has it. */
static void stream_release(h2_stream_t *s, uint32_t code)
{
    h2_conn_t *h = s->h;
    if (s->closed || h->dead || s->id <= 0) {
        stream_destroy(s);
        return;
    }
    s->orphan = true;
    if (!s->canceled)
        nghttp2_submit_rst_stream(h->ses, NGHTTP2_FLAG_NONE, s->id, code);
    wake_writer(h);
}

static h2_stream_t *user_stream(nghttp2_session *ses, int32_t id)
{
    h2_stream_t *s = nghttp2_session_get_stream_user_data(ses, id);
    return s && !s->orphan ? s : NULL;
}

/* Marks h dead with err (first cause wins), fails every parked task and
 * closes the conn so a parked reader or writer returns. Under the lock. */
static void conn_fail(h2_conn_t *h, int err)
{
    if (h->dead)
        return;
    h->dead = true;
    h->err = err;
    for (h2_stream_t *s = h->streams; s; s = s->next)
        cond_broadcast(&s->cv);
    cond_broadcast(&h->wcv);
    conn_close(h->c);
}

static int conn_error(const h2_conn_t *h)
{
    return h->err ? h->err : -NET_ECLOSED;
}

/* Why s cannot send any more, or 0. */
static int send_error(const h2_stream_t *s)
{
    if (s->canceled)
        return -ECANCELED;
    if (s->rst)
        return -ECONNRESET;
    if (s->fail)
        return s->fail;
    if (s->h->dead)
        return conn_error(s->h);
    if (s->closed || s->end)
        return -EPIPE;
    return 0;
}

/* Why s cannot receive any more (after its queued data), or 0. */
static int recv_error(const h2_stream_t *s)
{
    if (s->canceled)
        return -ECANCELED;
    if (s->eof)
        return 0;
    if (s->rst)
        return -ECONNRESET;
    if (s->fail)
        return s->fail;
    if (s->closed)
        return -ECONNRESET;
    if (s->h->dead)
        return conn_error(s->h);
    return 0;
}

/* ---- nghttp2 callbacks (under h->mu) ---- */

static ssize_t data_read_cb(nghttp2_session *ses, int32_t id, uint8_t *buf, size_t length,
                            uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    (void)ud;
    h2_stream_t *s = src->ptr;
    if (s->orphan)
        return NGHTTP2_ERR_DEFERRED;
    if (s->out_len) {
        size_t n = s->out_len < length ? s->out_len : length;
        memcpy(buf, s->out, n);
        s->out += n;
        s->out_len -= n;
        if (!s->out_len)
            cond_broadcast(&s->cv);
        return (ssize_t)n;
    }
    if (s->end) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (s->out_trl.n) {
            nghttp2_nv *nv = make_nv(s->out_trl.v, s->out_trl.n);
            if (!nv)
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
            int rv = nghttp2_submit_trailer(ses, id, nv, s->out_trl.n);
            free(nv);
            if (rv)
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        }
        return 0;
    }
    return NGHTTP2_ERR_DEFERRED;
}

static void handler_task(void *arg);

static int on_begin_headers(nghttp2_session *ses, const nghttp2_frame *f, void *ud)
{
    h2_conn_t *h = ud;
    if (!h->server || f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    h2_stream_t *s = stream_new(h, true);
    if (!s)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    s->id = f->hd.stream_id;
    link_stream(h, s);
    nghttp2_session_set_stream_user_data(ses, s->id, s);
    return 0;
}

static int on_header(nghttp2_session *ses, const nghttp2_frame *f, const uint8_t *name, size_t nl,
                     const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
    (void)flags;
    (void)ud;
    if (f->hd.type != NGHTTP2_HEADERS)
        return 0;
    h2_stream_t *s = user_stream(ses, f->hd.stream_id);
    if (!s)
        return 0;
    /* informational (1xx) responses are not the response */
    if (!s->server && f->headers.cat == NGHTTP2_HCAT_RESPONSE && nl == 7 &&
        !memcmp(name, ":status", 7) && vl == 3 && value[0] == '1')
        return 0;
    if (hdrs_add(s->hdr_done ? &s->trl : &s->hdr, name, nl, value, vl))
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    return 0;
}

static int on_frame_recv(nghttp2_session *ses, const nghttp2_frame *f, void *ud)
{
    h2_conn_t *h = ud;
    if (f->hd.type == NGHTTP2_GOAWAY) {
        h->goaway = true;
        h->goaway_code = f->goaway.error_code;
        return 0;
    }
    h2_stream_t *s = f->hd.stream_id ? user_stream(ses, f->hd.stream_id) : NULL;
    if (!s)
        return 0;
    switch (f->hd.type) {
    case NGHTTP2_HEADERS:
        if (!s->hdr_done && s->hdr.n) {
            s->hdr_done = true;
            if (s->server && !s->handler) {
                s->handler = true;
                wg_add(&h->handlers, 1);
                if (task_spawn(handler_task, s, NULL)) {
                    s->handler = false;
                    wg_done(&h->handlers);
                    return NGHTTP2_ERR_CALLBACK_FAILURE;
                }
            }
        }
        if (f->hd.flags & NGHTTP2_FLAG_END_STREAM)
            s->eof = true;
        break;
    case NGHTTP2_DATA:
        if (f->hd.flags & NGHTTP2_FLAG_END_STREAM)
            s->eof = true;
        break;
    case NGHTTP2_RST_STREAM:
        s->rst = true;
        s->rst_code = f->rst_stream.error_code;
        break;
    default: return 0;
    }
    cond_broadcast(&s->cv);
    return 0;
}

static int on_data_chunk(nghttp2_session *ses, uint8_t flags, int32_t id, const uint8_t *data,
                         size_t len, void *ud)
{
    (void)flags;
    (void)ud;
    h2_stream_t *s = user_stream(ses, id);
    if (!s || s->canceled) {
        nghttp2_session_consume(ses, id, len);
        return 0;
    }
    if (s->in_off && s->in_off == s->in_len)
        s->in_off = s->in_len = 0;
    if (s->in_len + len > s->in_cap) {
        if (s->in_off) {
            memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
            s->in_len -= s->in_off;
            s->in_off = 0;
        }
        size_t cap = s->in_cap ? s->in_cap : 16384;
        while (cap < s->in_len + len)
            cap *= 2;
        if (cap != s->in_cap) {
            uint8_t *in = realloc(s->in, cap);
            if (!in)
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
            s->in = in;
            s->in_cap = cap;
        }
    }
    memcpy(s->in + s->in_len, data, len);
    s->in_len += len;
    cond_broadcast(&s->cv);
    return 0;
}

static int on_stream_close(nghttp2_session *ses, int32_t id, uint32_t code, void *ud)
{
    (void)ud;
    h2_stream_t *s = nghttp2_session_get_stream_user_data(ses, id);
    if (!s)
        return 0;
    if (s->orphan || (s->server && !s->handler)) {
        stream_destroy(s);
        return 0;
    }
    s->closed = true;
    if (code != NGHTTP2_NO_ERROR && !s->rst && !s->canceled) {
        s->rst = true;
        s->rst_code = code;
    }
    cond_broadcast(&s->cv);
    return 0;
}

static int on_frame_send(nghttp2_session *ses, const nghttp2_frame *f, void *ud)
{
    (void)ud;
    if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) ||
        !(f->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    h2_stream_t *s = user_stream(ses, f->hd.stream_id);
    if (s) {
        s->sent_end = true;
        cond_broadcast(&s->cv);
    }
    return 0;
}

static int on_frame_not_send(nghttp2_session *ses, const nghttp2_frame *f, int err, void *ud)
{
    (void)err;
    (void)ud;
    if (f->hd.type != NGHTTP2_HEADERS)
        return 0;
    h2_stream_t *s = user_stream(ses, f->hd.stream_id);
    if (s && !s->fail) {
        s->fail = -EPIPE;
        cond_broadcast(&s->cv);
    }
    return 0;
}

/* ---- the conn's tasks ---- */

static void writer_task(void *arg)
{
    h2_conn_t *h = arg;
    mutex_lock(&h->mu);
    for (;;) {
        while (!h->kick && !h->dead && !h->closing)
            cond_wait(&h->wcv, &h->mu);
        if (h->dead)
            break;
        h->kick = false;
        h->wlen = 0;
        const uint8_t *p;
        ssize_t n;
        while (h->wlen < H2_WBUF_MAX && (n = nghttp2_session_mem_send(h->ses, &p)) > 0) {
            if (h->wlen + (size_t)n > h->wcap) {
                size_t cap = h->wcap ? h->wcap : 16384;
                while (cap < h->wlen + (size_t)n)
                    cap *= 2;
                uint8_t *b = realloc(h->wbuf, cap);
                if (!b) {
                    n = -1;
                    break;
                }
                h->wbuf = b;
                h->wcap = cap;
            }
            memcpy(h->wbuf + h->wlen, p, (size_t)n);
            h->wlen += (size_t)n;
        }
        if (n < 0) {
            conn_fail(h, -EPROTO);
            break;
        }
        if (h->wlen >= H2_WBUF_MAX)
            h->kick = true;
        if (!h->wlen) {
            if (h->closing)
                break;
            continue;
        }
        mutex_unlock(&h->mu);
        int rc = conn_write(h->c, h->wbuf, h->wlen, NULL);
        mutex_lock(&h->mu);
        if (rc) {
            conn_fail(h, rc);
            break;
        }
    }
    mutex_unlock(&h->mu);
}

/* Reads the conn into the session until either ends; returns the cause. */
static void read_loop(h2_conn_t *h)
{
    for (;;) {
        ssize_t n = conn_read(h->c, h->rbuf, H2_RBUF);
        mutex_lock(&h->mu);
        if (h->dead)
            break;
        if (n <= 0) {
            h->orderly = n == 0 || h->goaway;
            conn_fail(h, n == 0 ? -EPIPE : (int)n);
            break;
        }
        ssize_t rv = nghttp2_session_mem_recv(h->ses, h->rbuf, (size_t)n);
        if (rv < 0) {
            conn_fail(h, -EPROTO);
            break;
        }
        wake_writer(h);
        if (!nghttp2_session_want_read(h->ses) && !nghttp2_session_want_write(h->ses)) {
            h->orderly = h->goaway && h->goaway_code == NGHTTP2_NO_ERROR;
            conn_fail(h, h->orderly ? -EPIPE : -EPROTO);
            break;
        }
        mutex_unlock(&h->mu);
    }
    mutex_unlock(&h->mu);
}

static void reader_task(void *arg)
{
    read_loop(arg);
}

static h2_conn_t *conn_new(conn_t *c, bool server)
{
    h2_conn_t *h = calloc(1, sizeof *h);
    nghttp2_session_callbacks *cb = NULL;
    nghttp2_option *opt = NULL;
    if (!h || !(h->rbuf = malloc(H2_RBUF)) || nghttp2_session_callbacks_new(&cb) ||
        nghttp2_option_new(&opt))
        goto fail;
    h->c = c;
    h->server = server;
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cb, on_frame_send);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, on_frame_not_send);
    nghttp2_option_set_no_auto_window_update(opt, 1);
    int rv = server ? nghttp2_session_server_new2(&h->ses, cb, h, opt)
                    : nghttp2_session_client_new2(&h->ses, cb, h, opt);
    nghttp2_session_callbacks_del(cb);
    nghttp2_option_del(opt);
    cb = NULL;
    opt = NULL;
    if (rv)
        goto fail;
    nghttp2_settings_entry iv[1] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
    if (nghttp2_submit_settings(h->ses, NGHTTP2_FLAG_NONE, iv, server ? 0 : 1))
        goto fail;
    h->kick = true;
    return h;
fail:
    nghttp2_session_callbacks_del(cb);
    nghttp2_option_del(opt);
    if (h) {
        if (h->ses)
            nghttp2_session_del(h->ses);
        free(h->rbuf);
        free(h);
    }
    return NULL;
}

static void conn_destroy(h2_conn_t *h)
{
    h->dead = true;
    while (h->streams)
        stream_destroy(h->streams);
    nghttp2_session_del(h->ses);
    conn_free(h->c);
    free(h->rbuf);
    free(h->wbuf);
    free(h);
}

/* ---- the server ---- */

static void handler_task(void *arg)
{
    h2_stream_t *s = arg;
    h2_conn_t *h = s->h;
    h->fn(s, h->arg);
    mutex_lock(&h->mu);
    /* a response that ended goes out whole before any RST_STREAM */
    while (s->end && !s->sent_end && !s->closed && !s->rst && !s->canceled && !s->fail && !h->dead)
        cond_wait(&s->cv, &h->mu);
    s->handler = false;
    stream_release(s, s->sent_end ? NGHTTP2_NO_ERROR : NGHTTP2_INTERNAL_ERROR);
    mutex_unlock(&h->mu);
    wg_done(&h->handlers);
}

int h2_serve(conn_t *c, h2_handler_fn fn, void *arg)
{
    if (!c || !fn)
        return -EINVAL;
    h2_conn_t *h = conn_new(c, true);
    if (!h) {
        conn_free(c);
        return -ENOMEM;
    }
    h->fn = fn;
    h->arg = arg;
    if (task_spawn(writer_task, h, &h->writer)) {
        conn_destroy(h);
        return -ENOMEM;
    }
    read_loop(h);
    wg_wait(&h->handlers);
    task_join(h->writer);
    int rc = h->orderly ? 0 : h->err;
    conn_destroy(h);
    return rc;
}

/* ---- the client ---- */

int h2_client(conn_t *c, h2_conn_t **out)
{
    if (!c || !out)
        return -EINVAL;
    h2_conn_t *h = conn_new(c, false);
    if (!h)
        return -ENOMEM;
    if (task_spawn(writer_task, h, &h->writer)) {
        conn_destroy(h);
        return -ENOMEM;
    }
    if (task_spawn(reader_task, h, &h->reader)) {
        mutex_lock(&h->mu);
        conn_fail(h, -ENOMEM);
        mutex_unlock(&h->mu);
        task_join(h->writer);
        conn_destroy(h);
        return -ENOMEM;
    }
    h->has_reader = true;
    *out = h;
    return 0;
}

int h2_close(h2_conn_t *h)
{
    if (!h)
        return -EINVAL;
    if (h->closed)
        return 0;
    h->closed = true;
    mutex_lock(&h->mu);
    if (!h->dead) {
        nghttp2_session_terminate_session(h->ses, NGHTTP2_NO_ERROR);
        h->closing = true;
        wake_writer(h);
    }
    mutex_unlock(&h->mu);
    task_join(h->writer);
    mutex_lock(&h->mu);
    conn_fail(h, -NET_ECLOSED);
    mutex_unlock(&h->mu);
    if (h->has_reader)
        task_join(h->reader);
    return 0;
}

void h2_free(h2_conn_t *h)
{
    if (!h)
        return;
    h2_close(h);
    conn_destroy(h);
}

int h2_request(h2_conn_t *h, const h2_header_t *hdr, size_t n, h2_stream_t **out)
{
    if (!h || !out || (n && !hdr) || h->server)
        return -EINVAL;
    h2_stream_t *s = stream_new(h, false);
    nghttp2_nv *nv = make_nv(hdr, n);
    if (!s || !nv) {
        free(s);
        free(nv);
        return -ENOMEM;
    }
    mutex_lock(&h->mu);
    int rc = 0;
    if (h->dead || h->goaway || h->closing) {
        rc = -EPIPE;
    } else {
        nghttp2_data_provider dp = {.source.ptr = s, .read_callback = data_read_cb};
        int32_t id = nghttp2_submit_request(h->ses, NULL, nv, n, &dp, s);
        if (id < 0) {
            rc = id == NGHTTP2_ERR_NOMEM                     ? -ENOMEM
                 : id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE ? -EPIPE
                                                             : -EINVAL;
        } else {
            s->id = id;
            s->dp = true;
            link_stream(h, s);
            wake_writer(h);
        }
    }
    mutex_unlock(&h->mu);
    free(nv);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void h2_stream_free(h2_stream_t *s)
{
    if (!s)
        return;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    stream_release(s, NGHTTP2_CANCEL);
    mutex_unlock(&h->mu);
}

/* ---- both sides ---- */

static const h2_header_t status200[] = {{":status", "200"}};

/* Server: submits the response headers; with a data provider unless the
 * response ends with them. */
static int submit_response(h2_stream_t *s, const h2_header_t *hdr, size_t n, bool end)
{
    nghttp2_nv *nv = make_nv(hdr, n);
    if (!nv)
        return -ENOMEM;
    nghttp2_data_provider dp = {.source.ptr = s, .read_callback = data_read_cb};
    int rv = nghttp2_submit_response(s->h->ses, s->id, nv, n, end ? NULL : &dp);
    free(nv);
    if (rv)
        return rv == NGHTTP2_ERR_NOMEM ? -ENOMEM : -EINVAL;
    s->hdr_sent = true;
    if (end)
        s->end = true;
    else
        s->dp = true;
    return 0;
}

int h2_send_headers(h2_stream_t *s, const h2_header_t *hdr, size_t n, bool end_stream)
{
    if (!s || (n && !hdr))
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    int rc = send_error(s);
    if (rc)
        goto out;
    if (s->server && !s->hdr_sent) {
        rc = submit_response(s, hdr, n, end_stream);
    } else if (!end_stream) {
        rc = -EINVAL; /* after the headers only trailers remain */
    } else {
        for (size_t i = 0; i < n && !rc; i++)
            rc = hdrs_add(&s->out_trl, (const uint8_t *)hdr[i].name, strlen(hdr[i].name),
                          (const uint8_t *)(hdr[i].value ? hdr[i].value : ""),
                          hdr[i].value ? strlen(hdr[i].value) : 0);
        if (!rc) {
            s->end = true;
            nghttp2_session_resume_data(h->ses, s->id);
        }
    }
    if (!rc)
        wake_writer(h);
out:
    mutex_unlock(&h->mu);
    return rc;
}

int h2_write(h2_stream_t *s, const void *buf, size_t len)
{
    if (!s || (len && !buf))
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    int rc = send_error(s);
    if (!rc && s->server && !s->hdr_sent)
        rc = submit_response(s, status200, 1, false);
    if (rc || !len)
        goto out;
    s->out = buf;
    s->out_len = len;
    nghttp2_session_resume_data(h->ses, s->id);
    wake_writer(h);
    while (s->out_len && !(rc = send_error(s)))
        cond_wait(&s->cv, &h->mu);
    s->out = NULL;
    s->out_len = 0;
out:
    mutex_unlock(&h->mu);
    return rc;
}

int h2_end(h2_stream_t *s)
{
    if (!s)
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    int rc = send_error(s);
    if (!rc) {
        if (s->server && !s->hdr_sent) {
            rc = submit_response(s, status200, 1, true);
        } else {
            s->end = true;
            nghttp2_session_resume_data(h->ses, s->id);
        }
        if (!rc)
            wake_writer(h);
    }
    mutex_unlock(&h->mu);
    return rc;
}

ssize_t h2_read(h2_stream_t *s, void *buf, size_t len)
{
    if (!s || (len && !buf))
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    ssize_t rc;
    for (;;) {
        if (s->canceled) {
            rc = -ECANCELED;
            break;
        }
        if (!s->eof && s->rst) {
            rc = -ECONNRESET;
            break;
        }
        size_t avail = s->in_len - s->in_off;
        if (avail) {
            size_t n = avail < len ? avail : len;
            memcpy(buf, s->in + s->in_off, n);
            s->in_off += n;
            if (n && !h->dead) {
                nghttp2_session_consume(h->ses, s->id, n);
                wake_writer(h);
            }
            rc = (ssize_t)n;
            break;
        }
        if (s->eof) {
            rc = 0;
            break;
        }
        if ((rc = recv_error(s)))
            break;
        cond_wait(&s->cv, &h->mu);
    }
    mutex_unlock(&h->mu);
    return rc;
}

int h2_wait_headers(h2_stream_t *s)
{
    if (!s)
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    int rc = 0;
    while (!s->hdr_done) {
        if (s->canceled)
            rc = -ECANCELED;
        else if (s->rst || s->closed || s->eof)
            rc = -ECONNRESET;
        else if (s->fail)
            rc = s->fail;
        else if (h->dead)
            rc = conn_error(h);
        if (rc)
            break;
        cond_wait(&s->cv, &h->mu);
    }
    mutex_unlock(&h->mu);
    return rc;
}

const h2_header_t *h2_headers(const h2_stream_t *s, size_t *n)
{
    if (n)
        *n = s && s->hdr_done ? s->hdr.n : 0;
    return s && s->hdr_done ? s->hdr.v : NULL;
}

const h2_header_t *h2_trailers(const h2_stream_t *s, size_t *n)
{
    if (n)
        *n = s ? s->trl.n : 0;
    return s ? s->trl.v : NULL;
}

const char *h2_header_get(const h2_header_t *h, size_t n, const char *name)
{
    if (!h || !name)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(h[i].name, name))
            return h[i].value;
    return NULL;
}

int h2_reset(h2_stream_t *s, uint32_t code)
{
    if (!s)
        return -EINVAL;
    h2_conn_t *h = s->h;
    mutex_lock(&h->mu);
    int rc = 0;
    if (s->canceled || s->closed || s->id <= 0) {
        rc = -EINVAL;
    } else {
        s->canceled = true;
        if (!h->dead) {
            nghttp2_submit_rst_stream(h->ses, NGHTTP2_FLAG_NONE, s->id, code);
            wake_writer(h);
        }
        cond_broadcast(&s->cv);
    }
    mutex_unlock(&h->mu);
    return rc;
}

uint32_t h2_stream_error(const h2_stream_t *s)
{
    return s && s->rst ? s->rst_code : 0;
}

int32_t h2_stream_id(const h2_stream_t *s)
{
    return s ? s->id : 0;
}
