/*
 * nsq_channel.c — topics and channels. A topic copies every message into
 * each of its channels (keeping it while it has none); a channel hands each
 * message to one of its consumers, as far as their RDY counts allow, keeps
 * it in flight until FIN, and puts it back on REQ or when its timeout
 * passes. Memory queues overflow to disk queues.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsq_internal.h"

#if LAB_SOLUTION

/* ---- messages and queues ---- */

static nsq_msg_t *msg_new(size_t len)
{
    nsq_msg_t *m = calloc(1, sizeof *m + len + 1);
    if (m) {
        m->body = (uint8_t *)(m + 1);
        m->len = len;
    }
    return m;
}

static void msg_free(nsq_msg_t *m)
{
    if (m)
        timer_free(m->timer);
    free(m);
}

static nsq_msg_t *msg_copy(const nsq_msg_t *src)
{
    nsq_msg_t *m = msg_new(src->len);
    if (m) {
        memcpy(m->id, src->id, NSQ_MSG_ID_LEN);
        m->timestamp = src->timestamp;
        m->attempts = src->attempts;
        m->defer_ns = src->defer_ns;
        memcpy(m->body, src->body, src->len);
    }
    return m;
}

/* A message as the wire and the disk carry it: timestamp, attempts, id, body. */
static void msg_header(const nsq_msg_t *m, uint8_t *h)
{
    nsq__put64(h, (uint64_t)m->timestamp);
    h[8] = (uint8_t)(m->attempts >> 8);
    h[9] = (uint8_t)m->attempts;
    memcpy(h + 10, m->id, NSQ_MSG_ID_LEN);
}

static int64_t mem_limit(const struct nsq_server *s)
{
    return s->cfg.mem_queue_size < 0 ? 0 : s->cfg.mem_queue_size;
}

/* Takes m: it is queued in memory, or written to disk and freed. */
static int queue_put(struct nsq_server *s, nsq_queue_t *q, nsq_msg_t *m)
{
    m->state = NSQ_QUEUED;
    m->next = NULL;
    if (q->count < mem_limit(s) || !q->dq) {
        if (q->tail)
            q->tail->next = m;
        else
            q->head = m;
        q->tail = m;
        q->count++;
        return 0;
    }
    uint8_t h[NSQ_MSG_HEADER_LEN];
    msg_header(m, h);
    m->next = q->writing; /* a crash during the write frees it from here */
    q->writing = m;
    int r = nsq__dq_put2(q->dq, h, sizeof h, m->body, m->len);
    for (nsq_msg_t **pp = &q->writing; *pp; pp = &(*pp)->next)
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    msg_free(m);
    return r;
}

/* The next message: from memory, else from disk. With *keep (not NULL), a
 * message from disk stays there until the caller's nsq_dq_next, and *keep
 * says so. */
static nsq_msg_t *queue_take(nsq_queue_t *q, bool *keep)
{
    nsq_msg_t *m = q->head;
    if (m) {
        q->head = m->next;
        if (!q->head)
            q->tail = NULL;
        q->count--;
        m->next = NULL;
        return m;
    }
    const void *rec;
    size_t len;
    if (!q->dq || nsq_dq_peek(q->dq, &rec, &len) || len < NSQ_MSG_HEADER_LEN)
        return NULL;
    const uint8_t *p = rec;
    m = msg_new(len - NSQ_MSG_HEADER_LEN);
    if (!m)
        return NULL;
    m->timestamp = (int64_t)nsq__get64(p);
    m->attempts = (uint16_t)(p[8] << 8 | p[9]);
    memcpy(m->id, p + 10, NSQ_MSG_ID_LEN);
    memcpy(m->body, p + NSQ_MSG_HEADER_LEN, m->len);
    if (keep)
        *keep = true;
    else
        nsq_dq_next(q->dq);
    return m;
}

static nsq_msg_t *queue_pop(nsq_queue_t *q)
{
    return queue_take(q, NULL);
}

int64_t nsq__queue_depth(const nsq_queue_t *q)
{
    return q->count + (q->dq ? nsq_dq_depth(q->dq) : 0);
}

static int queue_open(struct nsq_server *s, nsq_queue_t *q, const char *name)
{
    if (!s->cfg.disk)
        return 0;
    nsq_dq_config_t dc = {.name = name,
                          .max_bytes_per_file = s->cfg.max_bytes_per_file,
                          .min_msg_size = NSQ_MSG_HEADER_LEN,
                          .max_msg_size = s->cfg.max_msg_size + NSQ_MSG_HEADER_LEN,
                          .sync_every = s->cfg.sync_every,
                          .sync_timeout = s->cfg.sync_timeout};
    return nsq_dq_open(s->cfg.disk, &dc, &q->dq);
}

static void queue_free(nsq_queue_t *q, bool io)
{
    nsq_msg_t *lists[2] = {q->head, q->writing};
    for (int k = 0; k < 2; k++)
        for (nsq_msg_t *m = lists[k]; m;) {
            nsq_msg_t *n = m->next;
            msg_free(m);
            m = n;
        }
    q->writing = NULL;
    q->head = q->tail = NULL;
    q->count = 0;
    if (io)
        nsq_dq_close(q->dq);
    else
        nsq_dq_discard(q->dq);
    q->dq = NULL;
}

/* ---- in flight and deferred ---- */

static void list_add(nsq_msg_t **head, nsq_msg_t *m)
{
    m->lprev = NULL;
    m->lnext = *head;
    if (*head)
        (*head)->lprev = m;
    *head = m;
}

static void list_del(nsq_msg_t **head, nsq_msg_t *m)
{
    if (m->lprev)
        m->lprev->lnext = m->lnext;
    else
        *head = m->lnext;
    if (m->lnext)
        m->lnext->lprev = m->lprev;
    m->lprev = m->lnext = NULL;
}

static nsq_client_t *client_of(nsq_channel_t *ch, uint64_t id)
{
    for (size_t i = 0; i < ch->n_clients; i++)
        if (ch->clients[i]->id == id)
            return ch->clients[i];
    return NULL;
}

/* A timer: an in-flight message's timeout passed, or a deferred one is due. */
static void on_timer(void *arg)
{
    nsq_msg_t *m = arg;
    nsq_channel_t *ch = m->ch;
    if (m->state == NSQ_DEAD) {
        msg_free(m);
        return;
    }
    if (m->state == NSQ_IN_FLIGHT) {
        list_del(&ch->in_flight, m);
        ch->n_in_flight--;
        nsq_client_t *c = client_of(ch, m->owner);
        if (c)
            c->in_flight--;
    } else {
        list_del(&ch->deferred, m);
        ch->n_deferred--;
    }
    timer_free(m->timer);
    m->timer = NULL;
    queue_put(ch->topic->srv, &ch->q, m);
    nsq__pump(ch);
}

static int defer_msg(nsq_channel_t *ch, nsq_msg_t *m, int64_t delay)
{
    m->ch = ch;
    m->state = NSQ_DEFERRED;
    m->deadline = clock_now() + delay;
    if (m->timer) {
        timer_reset(m->timer, delay);
    } else if (timer_after_func(delay, on_timer, m, &m->timer)) {
        msg_free(m);
        return -ENOMEM;
    }
    list_add(&ch->deferred, m);
    ch->n_deferred++;
    return 0;
}

static void channel_put(nsq_channel_t *ch, nsq_msg_t *m)
{
    if (m->defer_ns > 0) {
        int64_t d = m->defer_ns;
        m->defer_ns = 0;
        defer_msg(ch, m, d);
    } else {
        queue_put(ch->topic->srv, &ch->q, m);
    }
}

static bool ready(const nsq_client_t *c)
{
    return c->state == NSQ_STATE_SUBSCRIBED && !c->done && c->in_flight < c->rdy;
}

void nsq__pump(nsq_channel_t *ch)
{
    for (;;) {
        nsq_client_t *c = NULL;
        for (size_t k = 0; k < ch->n_clients && !c; k++) {
            size_t i = (ch->rr + k) % ch->n_clients;
            if (ready(ch->clients[i])) {
                c = ch->clients[i];
                ch->rr = i + 1;
            }
        }
        if (!c)
            return;
        nsq_msg_t *m = queue_pop(&ch->q);
        if (!m)
            return;
        m->attempts++;
        m->ch = ch;
        m->owner = c->id;
        m->state = NSQ_IN_FLIGHT;
        m->delivered_at = clock_now();
        m->deadline = m->delivered_at + c->msg_timeout;
        if (timer_after_func(c->msg_timeout, on_timer, m, &m->timer)) {
            msg_free(m);
            return;
        }
        list_add(&ch->in_flight, m);
        ch->n_in_flight++;
        c->in_flight++;
        uint8_t h[NSQ_MSG_HEADER_LEN];
        msg_header(m, h);
        nsq__send_frame(c, NSQ_FRAME_MESSAGE, h, sizeof h, m->body, m->len);
    }
}

/* The in-flight message id of c, or NULL with the reason nsqd gives. */
static nsq_msg_t *owned(nsq_client_t *c, const char *id, const char **why)
{
    nsq_channel_t *ch = c->ch;
    nsq_msg_t *m = ch->in_flight;
    while (m && memcmp(m->id, id, NSQ_MSG_ID_LEN))
        m = m->lnext;
    if (!m) {
        *why = "ID not in flight";
        return NULL;
    }
    if (m->owner != c->id) {
        *why = "client does not own message";
        return NULL;
    }
    /* a timer that already fired has its task on the way: timed out */
    if (!timer_stop(m->timer)) {
        *why = "ID not in flight";
        return NULL;
    }
    return m;
}

static void take(nsq_client_t *c, nsq_msg_t *m)
{
    list_del(&c->ch->in_flight, m);
    c->ch->n_in_flight--;
    c->in_flight--;
}

int nsq__finish(nsq_client_t *c, const char *id, const char **why)
{
    nsq_msg_t *m = owned(c, id, why);
    if (!m)
        return -ENOENT;
    take(c, m);
    msg_free(m);
    nsq__pump(c->ch);
    return 0;
}

int nsq__requeue(nsq_client_t *c, const char *id, int64_t delay, const char **why)
{
    nsq_msg_t *m = owned(c, id, why);
    if (!m)
        return -ENOENT;
    take(c, m);
    if (delay > 0) {
        defer_msg(c->ch, m, delay);
    } else {
        timer_free(m->timer);
        m->timer = NULL;
        queue_put(c->srv, &c->ch->q, m);
    }
    nsq__pump(c->ch);
    return 0;
}

int nsq__touch(nsq_client_t *c, const char *id, const char **why)
{
    nsq_msg_t *m = owned(c, id, why);
    if (!m)
        return -ENOENT;
    int64_t now = clock_now();
    int64_t deadline = now + c->msg_timeout;
    if (deadline - m->delivered_at >= c->srv->cfg.max_msg_timeout)
        deadline = m->delivered_at + c->srv->cfg.max_msg_timeout;
    m->deadline = deadline;
    timer_reset(m->timer, deadline - now);
    return 0;
}

/* ---- topics and channels ---- */

nsq_topic_t *nsq__topic(struct nsq_server *s, const char *name, bool create)
{
    for (nsq_topic_t *t = s->topics; t; t = t->next)
        if (!strcmp(t->name, name))
            return t;
    if (!create)
        return NULL;
    nsq_topic_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->srv = s;
    snprintf(t->name, sizeof t->name, "%s", name);
    if (queue_open(s, &t->q, name)) {
        free(t);
        return NULL;
    }
    t->next = s->topics;
    s->topics = t;
    return t;
}

nsq_channel_t *nsq__channel(nsq_topic_t *t, const char *name, bool create)
{
    nsq_channel_t **pp = &t->channels;
    for (; *pp; pp = &(*pp)->next)
        if (!strcmp((*pp)->name, name))
            return *pp;
    if (!create)
        return NULL;
    nsq_channel_t *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    ch->topic = t;
    snprintf(ch->name, sizeof ch->name, "%s", name);
    char qn[140];
    snprintf(qn, sizeof qn, "%s:%s", t->name, name);
    if (queue_open(t->srv, &ch->q, qn)) {
        free(ch);
        return NULL;
    }
    *pp = ch; /* channels in the order they were made */
    /* what the topic kept while it had no channel goes to each of them */
    /* a message leaves the topic's disk queue once every channel has it */
    nsq_msg_t *m;
    bool on_disk = false;
    while ((m = queue_take(&t->q, &on_disk))) {
        for (nsq_channel_t *c = t->channels; c; c = c->next) {
            nsq_msg_t *cp = c->next ? msg_copy(m) : m;
            if (cp)
                channel_put(c, cp);
        }
        if (on_disk)
            nsq_dq_next(t->q.dq);
        on_disk = false;
    }
    return ch;
}

int nsq__publish(nsq_topic_t *t, const void *body, size_t len, int64_t defer_ns)
{
    struct nsq_server *s = t->srv;
    nsq_msg_t *m = msg_new(len);
    if (!m)
        return -ENOMEM;
    char idbuf[NSQ_MSG_ID_LEN + 1];
    snprintf(idbuf, sizeof idbuf, "%016" PRIx64, s->next_msg_id++);
    memcpy(m->id, idbuf, NSQ_MSG_ID_LEN);
    m->timestamp = clock_now();
    m->defer_ns = defer_ns;
    memcpy(m->body, body, len);
    if (!t->channels)
        return queue_put(s, &t->q, m);
    for (nsq_channel_t *c = t->channels; c; c = c->next) {
        nsq_msg_t *cp = c->next ? msg_copy(m) : m;
        if (!cp)
            return -ENOMEM;
        channel_put(c, cp);
        nsq__pump(c);
    }
    return 0;
}

int nsq__subscribe(nsq_channel_t *ch, nsq_client_t *c)
{
    if (ch->n_clients == ch->cap_clients) {
        size_t cap = ch->cap_clients ? 2 * ch->cap_clients : 4;
        nsq_client_t **a = realloc(ch->clients, cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        ch->clients = a;
        ch->cap_clients = cap;
    }
    ch->clients[ch->n_clients++] = c;
    c->ch = ch;
    return 0;
}

void nsq__unsubscribe(nsq_client_t *c)
{
    nsq_channel_t *ch = c->ch;
    if (!ch)
        return;
    for (size_t i = 0; i < ch->n_clients; i++)
        if (ch->clients[i] == c) {
            memmove(ch->clients + i, ch->clients + i + 1,
                    (ch->n_clients - i - 1) * sizeof *ch->clients);
            ch->n_clients--;
            if (ch->rr > i)
                ch->rr--;
            break;
        }
    /* its in-flight messages stay until their timeouts put them back */
    c->ch = NULL;
}

/* Clean shutdown (io): in-flight and deferred messages go back to the
 * queue and every queue in memory to disk, as nsqd's flush does. */
static void channel_free(nsq_channel_t *ch, bool io)
{
    struct nsq_server *s = ch->topic->srv;
    nsq_msg_t **lists[2] = {&ch->in_flight, &ch->deferred};
    for (int k = 0; k < 2; k++)
        while (*lists[k]) {
            nsq_msg_t *m = *lists[k];
            list_del(lists[k], m);
            if (io && !timer_stop(m->timer)) {
                m->state = NSQ_DEAD; /* its timer's task frees it */
                continue;
            }
            timer_free(m->timer);
            m->timer = NULL;
            if (io && ch->q.dq)
                queue_put(s, &ch->q, m);
            else
                msg_free(m);
        }
    if (io && ch->q.dq) {
        nsq_msg_t *m = ch->q.head;
        ch->q.head = ch->q.tail = NULL;
        ch->q.count = 0;
        int64_t saved = s->cfg.mem_queue_size;
        s->cfg.mem_queue_size = -1;
        while (m) {
            nsq_msg_t *n = m->next;
            queue_put(s, &ch->q, m);
            m = n;
        }
        s->cfg.mem_queue_size = saved;
    }
    queue_free(&ch->q, io);
    free(ch->clients);
    free(ch);
}

void nsq__topics_free(struct nsq_server *s, bool io)
{
    while (s->topics) {
        nsq_topic_t *t = s->topics;
        s->topics = t->next;
        while (t->channels) {
            nsq_channel_t *ch = t->channels;
            t->channels = ch->next;
            channel_free(ch, io);
        }
        if (io && t->q.dq) {
            nsq_msg_t *m = t->q.head;
            t->q.head = t->q.tail = NULL;
            t->q.count = 0;
            int64_t saved = s->cfg.mem_queue_size;
            s->cfg.mem_queue_size = -1;
            while (m) {
                nsq_msg_t *n = m->next;
                queue_put(s, &t->q, m);
                m = n;
            }
            s->cfg.mem_queue_size = saved;
        }
        queue_free(&t->q, io);
        free(t);
    }
}

#else

nsq_topic_t *nsq__topic(struct nsq_server *s, const char *name, bool create)
{
    (void)s, (void)name, (void)create;
    return NULL;
}
nsq_channel_t *nsq__channel(nsq_topic_t *t, const char *name, bool create)
{
    (void)t, (void)name, (void)create;
    return NULL;
}
int nsq__publish(nsq_topic_t *t, const void *body, size_t len, int64_t defer_ns)
{
    (void)t, (void)body, (void)len, (void)defer_ns;
    return -ENOSYS;
}
int nsq__subscribe(nsq_channel_t *ch, nsq_client_t *c)
{
    (void)ch, (void)c;
    return -ENOSYS;
}
void nsq__unsubscribe(nsq_client_t *c)
{
    (void)c;
}
void nsq__pump(nsq_channel_t *ch)
{
    (void)ch;
}
int nsq__finish(nsq_client_t *c, const char *id, const char **why)
{
    (void)c, (void)id;
    *why = "not implemented";
    return -ENOSYS;
}
int nsq__requeue(nsq_client_t *c, const char *id, int64_t delay, const char **why)
{
    (void)c, (void)id, (void)delay;
    *why = "not implemented";
    return -ENOSYS;
}
int nsq__touch(nsq_client_t *c, const char *id, const char **why)
{
    (void)c, (void)id;
    *why = "not implemented";
    return -ENOSYS;
}
void nsq__topics_free(struct nsq_server *s, bool io)
{
    (void)s, (void)io;
}
int64_t nsq__queue_depth(const nsq_queue_t *q)
{
    (void)q;
    return -ENOSYS;
}

#endif
