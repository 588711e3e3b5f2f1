/*
 * chan.c — channels: a ring buffer of fixed-size elements plus two FIFOs of
 * waiting tasks (senders, receivers).
 *
 * Invariants, as in Go: receivers wait only while the buffer is empty,
 * senders only while it is full; so a send first looks for a waiting
 * receiver (and hands the value over directly), then for room, then waits;
 * a receive mirrors it. When a sender waits on a full buffer, the receiver
 * takes the oldest element and moves that sender's value into the freed
 * slot, which keeps FIFO order. A waiter taken from a queue may belong to a
 * select; taking it settles the select (rt__select_claim).
 *
 * Interface: chan_make → chan_send / chan_recv / chan_try_* → chan_close →
 * chan_free; chan__send_now / chan__recv_now serve chan_select.
 */
#include <errno.h>
#include <stdlib.h>
#include "rt.h"
#include "chan_impl.h"

/* Copies one element; a NULL source means the zero value, a NULL
 * destination drops it. */
static void elem_copy(void *dst, const void *src, size_t n) {
    if (!dst || n == 0) return;
    if (src) memcpy(dst, src, n);
    else memset(dst, 0, n);
}

static void *slot(chan_t *ch, size_t i) {
    return ch->buf + ((ch->head + i) % ch->cap) * ch->elem_size;
}

/* Takes the first waiter of q, settling its select if it is in one. */
static rt_waiter_t *dequeue(rt_waitq_t *q) {
    rt_waiter_t *w = rt__waitq_pop(q);
    if (w && w->sel) rt__select_claim(w);
    return w;
}

int chan_make(size_t elem_size, size_t cap, chan_t **out) {
    RT_ENTER;
    if (!out || (elem_size && cap > SIZE_MAX / elem_size)) return -EINVAL;
    chan_t *ch = calloc(1, sizeof *ch);
    if (!ch) return -ENOMEM;
    ch->elem_size = elem_size;
    ch->cap = cap;
    if (cap && elem_size && !(ch->buf = malloc(cap * elem_size))) {
        free(ch);
        return -ENOMEM;
    }
    *out = ch;
    return 0;
}

void chan_free(chan_t *ch) {
    RT_ENTER;
    if (!ch) return;
    free(ch->buf);
    free(ch);
}

/* A send that completes now: 0, -EAGAIN (would wait) or -EPIPE (closed). */
int chan__send_now(chan_t *ch, const void *elem) {
    if (ch->closed) {
        rt__panic("send on closed channel");
        return -EPIPE;
    }
    rt_waiter_t *r = dequeue(&ch->recvq);
    if (r) {
        elem_copy(r->elem, elem, ch->elem_size);
        r->ok = true;
        rt__wake(r);
        return 0;
    }
    if (ch->len < ch->cap) {
        elem_copy(slot(ch, ch->len), elem, ch->elem_size);
        ch->len++;
        return 0;
    }
    return -EAGAIN;
}

/* A receive that completes now: 0 (with *ok) or -EAGAIN. */
int chan__recv_now(chan_t *ch, void *elem, bool *ok) {
    rt_waiter_t *s = dequeue(&ch->sendq);
    if (s) {
        if (ch->cap == 0) {
            elem_copy(elem, s->elem, ch->elem_size);
        } else {
            /* Full buffer: take the head, the sender's value becomes the tail. */
            elem_copy(elem, slot(ch, 0), ch->elem_size);
            elem_copy(slot(ch, 0), s->elem, ch->elem_size);
            ch->head = (ch->head + 1) % ch->cap;
        }
        rt__wake(s);
        *ok = true;
        return 0;
    }
    if (ch->len > 0) {
        elem_copy(elem, slot(ch, 0), ch->elem_size);
        ch->head = (ch->head + 1) % ch->cap;
        ch->len--;
        *ok = true;
        return 0;
    }
    if (ch->closed) {
        elem_copy(elem, NULL, ch->elem_size);
        *ok = false;
        return 0;
    }
    return -EAGAIN;
}

/* A nil channel: park for good (only a deadlock ends the run). */
static int block_forever(task_state_t why) {
    if (!rt__s.current) return -EPERM;
    for (;;) rt__park(why, RT_OBJ_CHAN, NULL, NULL, NULL);
}

int chan_send(chan_t *ch, const void *elem) {
    RT_ENTER;
    rt__point();
    if (!ch) return block_forever(TASK_SEND);
    int rc = chan__send_now(ch, elem);
    if (rc != -EAGAIN) return rc;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current, .elem = (void *)elem};
    rt__waitq_push(&ch->sendq, &w);
    rt__park(TASK_SEND, RT_OBJ_CHAN, ch, &ch->sendq, &w);
    if (w.closed) {
        rt__panic("send on closed channel");
        return -EPIPE;
    }
    return 0;
}

int chan_recv(chan_t *ch, void *elem, bool *ok) {
    RT_ENTER;
    bool dummy;
    if (!ok) ok = &dummy;
    rt__point();
    if (!ch) return block_forever(TASK_RECV);
    int rc = chan__recv_now(ch, elem, ok);
    if (rc != -EAGAIN) return rc;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current, .elem = elem};
    rt__waitq_push(&ch->recvq, &w);
    rt__park(TASK_RECV, RT_OBJ_CHAN, ch, &ch->recvq, &w);
    *ok = w.ok;
    return 0;
}

int chan_try_send(chan_t *ch, const void *elem) {
    RT_ENTER;
    rt__point();
    return ch ? chan__send_now(ch, elem) : -EAGAIN;
}

int chan_try_recv(chan_t *ch, void *elem, bool *ok) {
    RT_ENTER;
    rt__point();
    bool dummy;
    return ch ? chan__recv_now(ch, elem, ok ? ok : &dummy) : -EAGAIN;
}

int chan_close(chan_t *ch) {
    RT_ENTER;
    if (!ch) {
        rt__panic("close of nil channel");
        return -EINVAL;
    }
    if (ch->closed) {
        rt__panic("close of closed channel");
        return -EPIPE;
    }
    ch->closed = true;
    rt_waiter_t *w;
    while ((w = dequeue(&ch->recvq))) {
        elem_copy(w->elem, NULL, ch->elem_size);
        w->ok = false;
        rt__wake(w);
    }
    while ((w = dequeue(&ch->sendq))) {
        w->closed = true;
        rt__wake(w);
    }
    return 0;
}

size_t chan_len(const chan_t *ch) { return ch ? ch->len : 0; }
size_t chan_cap(const chan_t *ch) { return ch ? ch->cap : 0; }
size_t chan_elem_size(const chan_t *ch) { return ch ? ch->elem_size : 0; }
bool chan_closed(const chan_t *ch) { return ch && ch->closed; }
