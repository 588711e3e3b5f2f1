/*
 * nsq_protocol.c — nsqd's TCP protocol V2: after the magic "  V2", lines
 * of commands (some with a 4-byte big-endian size and a body), answered
 * with frames: a 4-byte size, a 4-byte type (response, error, message) and
 * the data. Each connection has a reader task (the commands) and a writer
 * task (the frames, in the order they were made).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsq_internal.h"

#if LAB_SOLUTION

/* ---- frames out ---- */

void nsq__wake(nsq_client_t *c)
{
    cond_signal(&c->cv);
}

void nsq__send_frame(nsq_client_t *c, int32_t type, const void *data, size_t len, const void *data2,
                     size_t len2)
{
    if (c->broken)
        return;
    size_t need = c->out_len + 8 + len + len2;
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < need)
            cap *= 2;
        uint8_t *o = realloc(c->out, cap);
        if (!o)
            return;
        c->out = o;
        c->out_cap = cap;
    }
    uint8_t *p = c->out + c->out_len;
    nsq__put32(p, (uint32_t)(4 + len + len2));
    nsq__put32(p + 4, (uint32_t)type);
    if (len)
        memcpy(p + 8, data, len);
    if (len2)
        memcpy(p + 8 + len, data2, len2);
    c->out_len = need;
    nsq__wake(c);
}

static void respond(nsq_client_t *c, const char *s)
{
    nsq__send_frame(c, NSQ_FRAME_RESPONSE, s, strlen(s), NULL, 0);
}

/* An error frame "E_CODE description". Returns -1 when it is fatal (the
 * connection closes after it), 0 when the connection goes on. */
__attribute__((format(printf, 4, 5))) static int fail(nsq_client_t *c, bool fatal, const char *code,
                                                      const char *fmt, ...)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s ", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    nsq__send_frame(c, NSQ_FRAME_ERROR, msg, strlen(msg), NULL, 0);
    return fatal ? -1 : 0;
}

static void writer(void *arg)
{
    nsq_client_t *c = arg;
    for (;;) {
        mutex_lock(&c->mu);
        while (!c->out_len && !c->done)
            cond_wait(&c->cv, &c->mu);
        c->sending = c->out;
        size_t len = c->out_len;
        c->out = NULL;
        c->out_len = c->out_cap = 0;
        mutex_unlock(&c->mu);
        size_t n;
        if (len && !c->broken && conn_write(c->conn, c->sending, len, &n)) {
            c->broken = true;
            conn_close(c->conn);
        }
        free(c->sending);
        c->sending = NULL;
        if (!len)
            return;
    }
}

/* ---- bytes in ---- */

static int fill(nsq_client_t *c)
{
    if (c->rstart > 0) {
        memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
        c->rend -= c->rstart;
        c->rstart = 0;
    }
    if (c->rend == sizeof c->rbuf)
        return -ENOBUFS;
    ssize_t n = conn_read(c->conn, c->rbuf + c->rend, sizeof c->rbuf - c->rend);
    if (n <= 0)
        return n ? (int)n : -EPIPE;
    c->rend += (size_t)n;
    return 0;
}

/* The next line without its "\n" (and "\r"), NUL-terminated in place. */
static int read_line(nsq_client_t *c, char **line)
{
    for (;;) {
        uint8_t *nl = memchr(c->rbuf + c->rstart, '\n', c->rend - c->rstart);
        if (nl) {
            *nl = 0;
            if (nl > c->rbuf + c->rstart && nl[-1] == '\r')
                nl[-1] = 0;
            *line = (char *)c->rbuf + c->rstart;
            c->rstart = (size_t)(nl - c->rbuf) + 1;
            return 0;
        }
        int r = fill(c);
        if (r)
            return r;
    }
}

static int read_full(nsq_client_t *c, void *dst, size_t n)
{
    uint8_t *d = dst;
    while (n) {
        if (c->rstart == c->rend) {
            c->rstart = c->rend = 0;
            int r = fill(c);
            if (r)
                return r;
        }
        size_t k = c->rend - c->rstart < n ? c->rend - c->rstart : n;
        memcpy(d, c->rbuf + c->rstart, k);
        c->rstart += k;
        d += k;
        n -= k;
    }
    return 0;
}

static int read_i32(nsq_client_t *c, int32_t *v)
{
    uint8_t b[4];
    int r = read_full(c, b, 4);
    if (!r)
        *v = (int32_t)nsq__get32(b);
    return r;
}

/* The reader's buffer for a command's body (kept by the client). */
static uint8_t *body_buf(nsq_client_t *c, size_t n)
{
    if (n > c->body_cap) {
        uint8_t *b = realloc(c->body, n);
        if (!b)
            return NULL;
        c->body = b;
        c->body_cap = n;
    }
    return c->body;
}

/* nsqd's ByteToBase10: digits only. */
static int base10(const char *s, int64_t *v)
{
    if (!*s)
        return -EINVAL;
    int64_t n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > INT64_MAX / 10 - 10)
            return -EINVAL;
        n = n * 10 + (*s - '0');
    }
    *v = n;
    return 0;
}

static bool valid_name(const char *n)
{
    size_t len = strlen(n);
    const char *eph = "#ephemeral";
    if (len > 10 && !strcmp(n + len - 10, eph))
        len -= 10;
    if (len < 1 || strlen(n) > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = n[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* ---- commands ---- */

enum { MAXP = 8 };

static int cmd_identify(nsq_client_t *c)
{
    struct nsq_server *s = c->srv;
    if (c->state != NSQ_STATE_INIT)
        return fail(c, true, "E_INVALID", "cannot IDENTIFY in current state");
    int32_t size;
    if (read_i32(c, &size))
        return fail(c, true, "E_BAD_BODY", "IDENTIFY failed to read body size");
    if (size <= 0 || size > s->cfg.max_body_size)
        return fail(c, true, "E_BAD_BODY", "IDENTIFY invalid body size %" PRId32, size);
    char *body = (char *)body_buf(c, (size_t)size);
    if (!body || read_full(c, body, (size_t)size))
        return fail(c, true, "E_BAD_BODY", "IDENTIFY failed to read body");
    json_t *j = json_loadb(body, (size_t)size, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return fail(c, true, "E_BAD_BODY", "IDENTIFY failed to decode JSON body");
    }
    json_int_t mt = json_integer_value(json_object_get(j, "msg_timeout"));
    bool negotiate = json_is_true(json_object_get(j, "feature_negotiation"));
    json_decref(j);
    if (mt != 0) {
        if (mt < 1000 || (int64_t)mt * CLOCK_MS > s->cfg.max_msg_timeout)
            return fail(c, true, "E_BAD_BODY", "IDENTIFY msg timeout (%lld) is invalid",
                        (long long)mt);
        c->msg_timeout = (int64_t)mt * CLOCK_MS;
    }
    if (!negotiate) {
        respond(c, "OK");
        return 0;
    }
    json_t *r = json_pack("{s:I, s:s, s:I, s:I, s:b, s:b, s:b, s:b}", "max_rdy_count",
                          (json_int_t)s->cfg.max_rdy_count, "version", "1.2.1", "max_msg_timeout",
                          (json_int_t)(s->cfg.max_msg_timeout / CLOCK_MS), "msg_timeout",
                          (json_int_t)(c->msg_timeout / CLOCK_MS), "tls_v1", 0, "deflate", 0,
                          "snappy", 0, "auth_required", 0);
    char *txt = r ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(r);
    respond(c, txt ? txt : "OK");
    free(txt);
    return 0;
}

static int cmd_sub(nsq_client_t *c, char **p, int np)
{
    if (c->state != NSQ_STATE_INIT)
        return fail(c, true, "E_INVALID", "cannot SUB in current state");
    if (np < 3)
        return fail(c, true, "E_INVALID", "SUB insufficient number of parameters");
    if (!valid_name(p[1]))
        return fail(c, true, "E_BAD_TOPIC", "SUB topic name \"%s\" is not valid", p[1]);
    if (!valid_name(p[2]))
        return fail(c, true, "E_BAD_CHANNEL", "SUB channel name \"%s\" is not valid", p[2]);
    nsq_topic_t *t = nsq__topic(c->srv, p[1], true);
    nsq_channel_t *ch = t ? nsq__channel(t, p[2], true) : NULL;
    if (!ch || nsq__subscribe(ch, c))
        return fail(c, true, "E_INVALID", "SUB failed");
    c->state = NSQ_STATE_SUBSCRIBED;
    respond(c, "OK");
    return 0;
}

static int cmd_rdy(nsq_client_t *c, char **p, int np)
{
    if (c->state == NSQ_STATE_CLOSING)
        return 0; /* ignored after CLS */
    if (c->state != NSQ_STATE_SUBSCRIBED)
        return fail(c, true, "E_INVALID", "cannot RDY in current state");
    int64_t n = 1;
    if (np > 1 && base10(p[1], &n))
        return fail(c, true, "E_INVALID", "RDY could not parse count %s", p[1]);
    if (n < 0 || n > c->srv->cfg.max_rdy_count)
        return fail(c, true, "E_INVALID", "RDY count %" PRId64 " out of range 0-%" PRId64, n,
                    c->srv->cfg.max_rdy_count);
    c->rdy = n;
    nsq__pump(c->ch);
    return 0;
}

/* FIN, REQ and TOUCH: the state, the parameters and the id. */
static int msg_cmd(nsq_client_t *c, const char *cmd, char **p, int np, int need)
{
    if (c->state != NSQ_STATE_SUBSCRIBED && c->state != NSQ_STATE_CLOSING)
        return fail(c, true, "E_INVALID", "cannot %s in current state", cmd);
    if (np < need)
        return fail(c, true, "E_INVALID", "%s insufficient number of params", cmd);
    if (strlen(p[1]) != NSQ_MSG_ID_LEN)
        return fail(c, true, "E_INVALID", "Invalid Message ID");
    return 1;
}

static int cmd_fin(nsq_client_t *c, char **p, int np)
{
    int r = msg_cmd(c, "FIN", p, np, 2);
    if (r <= 0)
        return r;
    const char *why;
    if (nsq__finish(c, p[1], &why))
        return fail(c, false, "E_FIN_FAILED", "FIN %s failed %s", p[1], why);
    return 0;
}

static int cmd_req(nsq_client_t *c, char **p, int np)
{
    int r = msg_cmd(c, "REQ", p, np, 3);
    if (r <= 0)
        return r;
    int64_t ms;
    if (base10(p[2], &ms))
        return fail(c, true, "E_INVALID", "REQ could not parse timeout %s", p[2]);
    int64_t delay = ms > c->srv->cfg.max_req_timeout / CLOCK_MS ? c->srv->cfg.max_req_timeout
                                                                : ms * CLOCK_MS;
    const char *why;
    if (nsq__requeue(c, p[1], delay, &why))
        return fail(c, false, "E_REQ_FAILED", "REQ %s failed %s", p[1], why);
    return 0;
}

static int cmd_touch(nsq_client_t *c, char **p, int np)
{
    int r = msg_cmd(c, "TOUCH", p, np, 2);
    if (r <= 0)
        return r;
    const char *why;
    if (nsq__touch(c, p[1], &why))
        return fail(c, false, "E_TOUCH_FAILED", "TOUCH %s failed %s", p[1], why);
    return 0;
}

static int cmd_cls(nsq_client_t *c)
{
    if (c->state != NSQ_STATE_SUBSCRIBED)
        return fail(c, true, "E_INVALID", "cannot CLS in current state");
    c->state = NSQ_STATE_CLOSING;
    c->rdy = 0;
    respond(c, "CLOSE_WAIT");
    return 0;
}

/* PUB and DPUB: one body. */
static int cmd_pub(nsq_client_t *c, const char *cmd, char **p, int np)
{
    struct nsq_server *s = c->srv;
    bool dpub = cmd[0] == 'D';
    if (np < (dpub ? 3 : 2))
        return fail(c, true, "E_INVALID", "%s insufficient number of parameters", cmd);
    if (!valid_name(p[1]))
        return fail(c, true, "E_BAD_TOPIC", "%s topic name \"%s\" is not valid", cmd, p[1]);
    int64_t defer_ms = 0;
    if (dpub) {
        if (base10(p[2], &defer_ms))
            return fail(c, true, "E_INVALID", "DPUB could not parse timeout %s", p[2]);
        if (defer_ms > s->cfg.max_req_timeout / CLOCK_MS)
            return fail(c, true, "E_INVALID", "DPUB timeout %" PRId64 " out of range 0-%" PRId64,
                        defer_ms, s->cfg.max_req_timeout / CLOCK_MS);
    }
    char topic[65];
    snprintf(topic, sizeof topic, "%s", p[1]); /* the line's bytes are about to move */
    int32_t size;
    if (read_i32(c, &size))
        return fail(c, true, "E_BAD_MESSAGE", "%s failed to read message body size", cmd);
    if (size <= 0)
        return fail(c, true, "E_BAD_MESSAGE", "%s invalid message body size %" PRId32, cmd, size);
    if (size > s->cfg.max_msg_size)
        return fail(c, true, "E_BAD_MESSAGE", "%s message too big %" PRId32 " > %" PRId32, cmd,
                    size, s->cfg.max_msg_size);
    uint8_t *body = body_buf(c, (size_t)size);
    if (!body || read_full(c, body, (size_t)size))
        return fail(c, true, "E_BAD_MESSAGE", "%s failed to read message body", cmd);
    nsq_topic_t *t = nsq__topic(s, topic, true);
    int r = t ? nsq__publish(t, body, (size_t)size, defer_ms * CLOCK_MS) : -ENOMEM;
    if (r)
        return fail(c, true, dpub ? "E_DPUB_FAILED" : "E_PUB_FAILED", "%s failed %s", cmd,
                    strerror(-r));
    respond(c, "OK");
    return 0;
}

static int cmd_mpub(nsq_client_t *c, char **p, int np)
{
    struct nsq_server *s = c->srv;
    if (np < 2)
        return fail(c, true, "E_INVALID", "MPUB insufficient number of parameters");
    if (!valid_name(p[1]))
        return fail(c, true, "E_BAD_TOPIC", "MPUB topic name \"%s\" is not valid", p[1]);
    char topic[65];
    snprintf(topic, sizeof topic, "%s", p[1]);
    int32_t size;
    if (read_i32(c, &size))
        return fail(c, true, "E_BAD_BODY", "MPUB failed to read body size");
    if (size <= 0)
        return fail(c, true, "E_BAD_BODY", "MPUB invalid body size %" PRId32, size);
    if (size > s->cfg.max_body_size)
        return fail(c, true, "E_BAD_BODY", "MPUB body too big %" PRId32 " > %" PRId32, size,
                    s->cfg.max_body_size);
    uint8_t *body = body_buf(c, (size_t)size);
    if (!body || read_full(c, body, (size_t)size))
        return fail(c, true, "E_BAD_BODY", "MPUB failed to read body");
    int rc = 0;
    int32_t count = size >= 4 ? (int32_t)nsq__get32(body) : 0;
    if (count <= 0 || count > (s->cfg.max_body_size - 4) / 5) {
        rc = fail(c, true, "E_BAD_BODY", "MPUB invalid message count %" PRId32, count);
        goto out;
    }
    /* every message is checked before any is published */
    size_t off = 4;
    for (int32_t i = 0; i < count; i++) {
        int32_t ms = off + 4 <= (size_t)size ? (int32_t)nsq__get32(body + off) : -1;
        if (ms <= 0 || off + 4 + (size_t)ms > (size_t)size) {
            rc = fail(c, true, "E_BAD_MESSAGE",
                      "MPUB invalid message(%" PRId32 ") body size %" PRId32, i, ms);
            goto out;
        }
        if (ms > s->cfg.max_msg_size) {
            rc = fail(c, true, "E_BAD_MESSAGE", "MPUB message too big %" PRId32 " > %" PRId32, ms,
                      s->cfg.max_msg_size);
            goto out;
        }
        off += 4 + (size_t)ms;
    }
    nsq_topic_t *t = nsq__topic(s, topic, true);
    off = 4;
    for (int32_t i = 0; i < count && t; i++) {
        size_t ms = nsq__get32(body + off);
        if (nsq__publish(t, body + off + 4, ms, 0)) {
            rc = fail(c, true, "E_MPUB_FAILED", "MPUB failed");
            goto out;
        }
        off += 4 + ms;
    }
    respond(c, "OK");
out:
    return rc;
}

static int exec_line(nsq_client_t *c, char *line)
{
    char *p[MAXP] = {0};
    int np = 0;
    for (char *s = line; np < MAXP;) {
        p[np++] = s;
        char *sp = strchr(s, ' ');
        if (!sp)
            break;
        *sp = 0;
        s = sp + 1;
    }
    const char *cmd = p[0];
    if (!strcmp(cmd, "FIN"))
        return cmd_fin(c, p, np);
    if (!strcmp(cmd, "RDY"))
        return cmd_rdy(c, p, np);
    if (!strcmp(cmd, "REQ"))
        return cmd_req(c, p, np);
    if (!strcmp(cmd, "PUB") || !strcmp(cmd, "DPUB"))
        return cmd_pub(c, cmd, p, np);
    if (!strcmp(cmd, "MPUB"))
        return cmd_mpub(c, p, np);
    if (!strcmp(cmd, "NOP"))
        return 0;
    if (!strcmp(cmd, "TOUCH"))
        return cmd_touch(c, p, np);
    if (!strcmp(cmd, "SUB"))
        return cmd_sub(c, p, np);
    if (!strcmp(cmd, "CLS"))
        return cmd_cls(c);
    if (!strcmp(cmd, "IDENTIFY"))
        return cmd_identify(c);
    return fail(c, true, "E_INVALID", "invalid command %s", cmd);
}

static void client_unlink(nsq_client_t *c)
{
    for (nsq_client_t **pp = &c->srv->clients; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
}

static void serve_conn(void *arg)
{
    nsq_client_t *c = arg;
    struct nsq_server *s = c->srv;
    char magic[4];
    bool ok = !read_full(c, magic, 4);
    if (ok && memcmp(magic, "  V2", 4)) {
        const char *e = "E_BAD_PROTOCOL";
        nsq__send_frame(c, NSQ_FRAME_ERROR, e, strlen(e), NULL, 0);
        ok = false;
    }
    task_spawn(writer, c, &c->writer);
    while (ok && !c->broken) {
        char *line;
        if (read_line(c, &line) || exec_line(c, line) < 0)
            break;
    }
    c->done = true;
    nsq__wake(c);
    task_join(c->writer);
    nsq__unsubscribe(c);
    client_unlink(c);
    conn_close(c->conn);
    conn_free(c->conn);
    free(c->out);
    free(c->body);
    free(c);
    wg_done(&s->wg);
}

/* ---- the server ---- */

int nsq_server_new(const nsq_config_t *cfg, nsq_server_t **out)
{
    nsq_server_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->cfg = *cfg;
    nsq_config_t *c = &s->cfg;
    if (!c->msg_timeout)
        c->msg_timeout = 60 * CLOCK_S;
    if (!c->max_msg_timeout)
        c->max_msg_timeout = 15 * 60 * CLOCK_S;
    if (!c->max_req_timeout)
        c->max_req_timeout = 3600 * CLOCK_S;
    if (!c->max_rdy_count)
        c->max_rdy_count = 2500;
    if (!c->mem_queue_size)
        c->mem_queue_size = 10000;
    if (!c->max_msg_size)
        c->max_msg_size = 1 << 20;
    if (!c->max_body_size)
        c->max_body_size = 5 << 20;
    s->next_msg_id = c->id_base;
    *out = s;
    return 0;
}

int nsq_server_serve(nsq_server_t *s, listener_t *l)
{
    s->l = l;
    for (;;) {
        conn_t *conn;
        if (listener_accept(l, &conn))
            return 0;
        nsq_client_t *c = calloc(1, sizeof *c);
        if (!c) {
            conn_free(conn);
            continue;
        }
        c->srv = s;
        c->id = ++s->next_client_id;
        c->conn = conn;
        c->msg_timeout = s->cfg.msg_timeout;
        c->next = s->clients;
        s->clients = c;
        wg_add(&s->wg, 1);
        task_spawn(serve_conn, c, NULL);
    }
}

int nsq_server_close(nsq_server_t *s)
{
    if (s->l)
        listener_close(s->l);
    for (nsq_client_t *c = s->clients; c; c = c->next)
        conn_close(c->conn);
    wg_wait(&s->wg);
    nsq__topics_free(s, true);
    return 0;
}

void nsq_server_free(nsq_server_t *s)
{
    if (!s)
        return;
    nsq__topics_free(s, false);
    free(s);
}

void nsq_server_discard(nsq_server_t *s)
{
    if (!s)
        return;
    while (s->clients) {
        nsq_client_t *c = s->clients;
        s->clients = c->next;
        free(c->out);
        free(c->sending);
        free(c->body);
        free(c);
    }
    nsq__topics_free(s, false);
    free(s);
}

static nsq_channel_t *find(nsq_server_t *s, const char *topic, const char *channel,
                           nsq_topic_t **tp)
{
    *tp = nsq__topic(s, topic, false);
    return *tp && channel ? nsq__channel(*tp, channel, false) : NULL;
}

int64_t nsq_server_depth(nsq_server_t *s, const char *topic, const char *channel)
{
    nsq_topic_t *t;
    nsq_channel_t *ch = find(s, topic, channel, &t);
    if (!t || (channel && !ch))
        return -ENOENT;
    return nsq__queue_depth(ch ? &ch->q : &t->q);
}

int64_t nsq_server_in_flight(nsq_server_t *s, const char *topic, const char *channel)
{
    nsq_topic_t *t;
    nsq_channel_t *ch = find(s, topic, channel, &t);
    return ch ? ch->n_in_flight : -ENOENT;
}

int64_t nsq_server_deferred(nsq_server_t *s, const char *topic, const char *channel)
{
    nsq_topic_t *t;
    nsq_channel_t *ch = find(s, topic, channel, &t);
    return ch ? ch->n_deferred : -ENOENT;
}

#else

void nsq__send_frame(nsq_client_t *c, int32_t type, const void *data, size_t len, const void *data2,
                     size_t len2)
{
    (void)c, (void)type, (void)data, (void)len, (void)data2, (void)len2;
}
void nsq__wake(nsq_client_t *c)
{
    (void)c;
}
int nsq_server_new(const nsq_config_t *cfg, nsq_server_t **out)
{
    (void)cfg, (void)out;
    return -ENOSYS;
}
int nsq_server_serve(nsq_server_t *s, listener_t *l)
{
    (void)s, (void)l;
    return -ENOSYS;
}
int nsq_server_close(nsq_server_t *s)
{
    (void)s;
    return -ENOSYS;
}
void nsq_server_free(nsq_server_t *s)
{
    (void)s;
}
void nsq_server_discard(nsq_server_t *s)
{
    (void)s;
}
int64_t nsq_server_depth(nsq_server_t *s, const char *topic, const char *channel)
{
    (void)s, (void)topic, (void)channel;
    return -ENOSYS;
}
int64_t nsq_server_in_flight(nsq_server_t *s, const char *topic, const char *channel)
{
    (void)s, (void)topic, (void)channel;
    return -ENOSYS;
}
int64_t nsq_server_deferred(nsq_server_t *s, const char *topic, const char *channel)
{
    (void)s, (void)topic, (void)channel;
    return -ENOSYS;
}

#endif
