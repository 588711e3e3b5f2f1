/*
 * select.c — Go's select over channel cases.
 *
 * Pass 1 polls the cases in a random order (a seeded shuffle) and completes
 * the first ready one: that picks uniformly among the ready cases. If none
 * is ready and there is no default, pass 2 queues one waiter per case and
 * parks. The first operation to take any of those waiters wins: it calls
 * rt__select_claim, which records the case and unlinks the other waiters,
 * so a select completes exactly one case and no queue keeps stale entries.
 *
 * Interface: chan_select(cases, n, has_default) → index | -EAGAIN (default).
 */
#include <errno.h>
#include <stdlib.h>
#include "rt.h"
#include "chan_impl.h"

#define SELECT_STACK 8          /* cases handled without malloc */

static rt_waitq_t *queue_of(const chan_case_t *c) {
    return c->dir == CHAN_SEND ? &c->ch->sendq : &c->ch->recvq;
}

/* Unlinks every waiter of sel except the one of case keep (-1: all). */
static void unlink_others(rt_select_t *sel, int keep) {
    for (size_t i = 0; i < sel->n; i++)
        if ((int)i != keep && sel->cases[i].ch)
            rt__waitq_remove(queue_of(&sel->cases[i]), &sel->w[i]);
}

void rt__select_cancel(rt_select_t *sel) { unlink_others(sel, -1); }

void rt__select_claim(rt_waiter_t *w) {
    rt_select_t *sel = w->sel;
    sel->fired = w->index;
    unlink_others(sel, w->index);
}

/* Completes one ready case, trying them in a seeded random order. Returns
 * its index, -EPIPE (send on closed), or -EAGAIN (none ready). */
static int poll_cases(chan_case_t *cases, size_t n, size_t *order) {
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = rt__rand_below(i), tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    for (size_t k = 0; k < n; k++) {
        chan_case_t *c = &cases[order[k]];
        if (!c->ch) continue;
        int rc = c->dir == CHAN_SEND ? chan__send_now(c->ch, c->elem)
                                     : chan__recv_now(c->ch, c->elem, &c->ok);
        if (rc == 0) return (int)order[k];
        if (rc != -EAGAIN) return rc;
    }
    return -EAGAIN;
}

/* Queues a waiter on every non-nil case, parks, returns the winning case. */
static int wait_cases(chan_case_t *cases, size_t n, rt_waiter_t *w) {
    task_t *self = rt__s.current;
    rt_select_t sel = {.cases = cases, .w = w, .n = n, .fired = -1};
    for (size_t i = 0; i < n; i++) {
        w[i] = (rt_waiter_t){.task = self, .elem = cases[i].elem, .sel = &sel, .index = (int)i};
        if (cases[i].ch) rt__waitq_push(queue_of(&cases[i]), &w[i]);
    }
    self->cases = cases;
    self->ncases = n;
    self->sel = &sel;
    rt__park(TASK_SELECT, RT_OBJ_SELECT, cases, NULL, NULL);
    int i = sel.fired;
    if (w[i].closed) {
        rt__panic("send on closed channel");
        return -EPIPE;
    }
    if (cases[i].dir == CHAN_RECV) cases[i].ok = w[i].ok;
    return i;
}

int chan_select(chan_case_t *cases, size_t n, bool has_default) {
    RT_ENTER;
    if (n && !cases) return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (cases[i].dir != CHAN_SEND && cases[i].dir != CHAN_RECV) return -EINVAL;
    rt__point();
    size_t order_local[SELECT_STACK];
    rt_waiter_t w_local[SELECT_STACK];
    size_t *order = order_local;
    rt_waiter_t *w = w_local;
    if (n > SELECT_STACK) {
        order = malloc(n * sizeof *order);
        w = malloc(n * sizeof *w);
        if (!order || !w) {
            free(order);
            free(w);
            return -ENOMEM;
        }
    }
    int rc = poll_cases(cases, n, order);
    if (rc == -EAGAIN && !has_default)
        rc = rt__s.current ? wait_cases(cases, n, w) : -EPERM;
    if (n > SELECT_STACK) {
        free(order);
        free(w);
    }
    return rc;
}
