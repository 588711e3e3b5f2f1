/*
 * chan.h — Go channels: unbuffered (cap 0) and buffered, close, select.
 *
 * A channel carries fixed-size elements, copied with memcpy: the sender's
 * bytes land in the receiver's buffer. The rules are Go's: an unbuffered
 * send waits for a receiver; a receive from a closed, drained channel gives
 * the zero value and ok=false; send on a closed channel, close of a closed or
 * nil channel "panic" (the call returns a negative errno and the message is
 * recorded, see rt_panic_message); a nil channel (NULL) blocks forever.
 * Waiting senders and receivers are served first come, first served.
 *
 * Interface: chan_make → chan_send / chan_recv / chan_select ... →
 * chan_close → (receivers drain) → chan_free. Blocking calls need a task.
 */
#ifndef UNDERGO_CHAN_H
#define UNDERGO_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <undergo/task.h>

typedef struct chan chan_t;

typedef enum chan_dir { CHAN_SEND = 1, CHAN_RECV = 2 } chan_dir_t;

/* One case of chan_select. */
struct chan_case {
    chan_t *ch;          /* NULL: the case is never ready (Go's nil channel) */
    chan_dir_t dir;
    void *elem;          /* SEND: the value (NULL: zero); RECV: where it lands (NULL: dropped) */
    bool ok;             /* RECV, set on return: false if the channel was closed */
};

/* Makes a channel of cap elements of elem_size bytes into *out; the caller
 * owns it (chan_free). Returns 0, -EINVAL (size overflow) or -ENOMEM. */
int chan_make(size_t elem_size, size_t cap, chan_t **out);

/* Frees a channel no task waits on any more. NULL is a no-op. */
void chan_free(chan_t *ch);

/* Sends elem's bytes (NULL: zeros), waiting for room or a receiver. Returns
 * 0; -EPIPE and a panic if ch is or gets closed; -EPERM if it would block
 * outside a task. A nil ch blocks forever. */
int chan_send(chan_t *ch, const void *elem);

/* Receives into elem (NULL: dropped), waiting for a value or close. Returns 0
 * with *ok true for a value, false (elem zeroed) after close; -EPERM if it
 * would block outside a task. ok may be NULL. A nil ch blocks forever. */
int chan_recv(chan_t *ch, void *elem, bool *ok);

/* chan_send without waiting: 0, -EAGAIN if it would block, -EPIPE if closed. */
int chan_try_send(chan_t *ch, const void *elem);

/* chan_recv without waiting: 0 (ok as chan_recv), or -EAGAIN. */
int chan_try_recv(chan_t *ch, void *elem, bool *ok);

/* Closes ch: waiting receivers get ok=false, waiting senders panic. Returns
 * 0; -EPIPE and a panic if already closed; -EINVAL and a panic if nil. */
int chan_close(chan_t *ch);

/* Go's select: among the ready cases picks one uniformly at random (seeded),
 * else returns -EAGAIN if has_default, else waits until one is ready.
 * Returns the chosen index; -EPIPE (panic) if it is a send on a closed
 * channel; -EPERM if it would block outside a task; -ENOMEM. */
int chan_select(chan_case_t *cases, size_t n, bool has_default);

/* Buffered elements now (0 for nil). Can't fail. */
size_t chan_len(const chan_t *ch);

/* Capacity (0 for nil). Can't fail. */
size_t chan_cap(const chan_t *ch);

/* Element size in bytes (0 for nil). Can't fail. */
size_t chan_elem_size(const chan_t *ch);

/* True once closed. Can't fail. */
bool chan_closed(const chan_t *ch);

#endif
