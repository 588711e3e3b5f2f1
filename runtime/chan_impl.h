/*
 * chan_impl.h — the channel record, shared by chan.c and select.c.
 *
 * Interface: chan__send_now / chan__recv_now complete an operation that
 * needs no waiting, or return -EAGAIN.
 */
#ifndef UNDERGO_RT_CHAN_IMPL_H
#define UNDERGO_RT_CHAN_IMPL_H

#include "rt.h"

struct chan {
    size_t elem_size, cap;
    size_t head, len;            /* ring buffer of cap elements */
    unsigned char *buf;
    bool closed;
    rt_waitq_t recvq, sendq;     /* waiting receivers / senders, FIFO */
};

int chan__send_now(chan_t *ch, const void *elem);
int chan__recv_now(chan_t *ch, void *elem, bool *ok);

#endif
