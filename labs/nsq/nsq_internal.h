/*
 * nsq_internal.h — what the lab's sources share: the disk queue's state,
 * messages, topics, channels and clients.
 */
#ifndef NSQ_INTERNAL_H
#define NSQ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <undergo/runtime.h>

#include "nsq.h"

/* A record on its way to disk (kept on a list, so a crash mid-write frees it). */
typedef struct nsq_wbuf {
    struct nsq_wbuf *next;
    uint8_t data[];
} nsq_wbuf_t;

struct nsq_dq {
    nsq_disk_t *disk;
    nsq_wbuf_t *writing;
    nsq_dq_config_t cfg;
    char name[200];
    int64_t depth;
    int64_t read_file, read_pos;   /* the next record to read */
    int64_t write_file, write_pos; /* where the next record goes */
    int64_t read_file_end;         /* bytes of the read file, once writing moved on */
    int64_t count;                 /* puts and reads since the last sync */
    bool peeked;
    int64_t next_file, next_pos; /* where the read moves once consumed */
    uint8_t *buf;
    size_t buf_len, buf_cap;
    rt_timer_t *ticker; /* every sync_timeout */
    chan_t *quit;
    uint64_t task;
};

/* A message: in a queue, in flight, or deferred. */
typedef struct nsq_msg nsq_msg_t;
struct nsq_msg {
    char id[NSQ_MSG_ID_LEN];
    int64_t timestamp;
    uint16_t attempts;
    int64_t defer_ns; /* DPUB: the delay to apply on reaching a channel */
    size_t len;
    uint8_t *body;
    nsq_msg_t *next; /* in a memory queue */
    /* in flight or deferred */
    struct nsq_channel *ch;
    uint64_t owner;       /* the client that has it in flight */
    int64_t delivered_at; /* TOUCH's cap counts from here */
    int64_t deadline;
    rt_timer_t *timer;
    int state;                /* NSQ_QUEUED, NSQ_IN_FLIGHT, NSQ_DEFERRED, NSQ_DEAD */
    nsq_msg_t *lprev, *lnext; /* in-flight / deferred list */
};
enum { NSQ_QUEUED, NSQ_IN_FLIGHT, NSQ_DEFERRED, NSQ_DEAD };

typedef struct nsq_queue {
    nsq_msg_t *head, *tail;
    int64_t count;
    nsq_msg_t *writing; /* messages being written to dq */
    nsq_dq_t *dq;
} nsq_queue_t;

typedef struct nsq_client nsq_client_t;

typedef struct nsq_channel {
    struct nsq_topic *topic;
    char name[65];
    nsq_queue_t q;
    nsq_msg_t *in_flight; /* list, the newest first */
    nsq_msg_t *in_flight_tail;
    nsq_msg_t *deferred; /* list */
    int64_t n_in_flight, n_deferred;
    nsq_client_t **clients;
    size_t n_clients, cap_clients;
    size_t rr; /* the next client to offer a message to */
    struct nsq_channel *next;
} nsq_channel_t;

typedef struct nsq_topic {
    struct nsq_server *srv;
    char name[65];
    nsq_queue_t q;
    nsq_channel_t *channels;
    struct nsq_topic *next;
} nsq_topic_t;

enum { NSQ_STATE_INIT, NSQ_STATE_SUBSCRIBED, NSQ_STATE_CLOSING };

struct nsq_client {
    struct nsq_server *srv;
    uint64_t id;
    conn_t *conn;
    int state;
    nsq_channel_t *ch;
    int64_t rdy, in_flight;
    int64_t msg_timeout;
    /* what the writer task sends, in order */
    uint8_t *out;
    size_t out_len, out_cap;
    uint8_t *sending; /* what the writer is sending now */
    uint8_t *body;    /* the reader's command bodies */
    size_t body_cap;
    bool done;   /* the reader is finished: flush and end */
    bool broken; /* a write failed */
    mutex_t mu;
    cond_t cv;
    uint64_t writer;
    /* reading */
    uint8_t rbuf[16384];
    size_t rstart, rend;
    nsq_client_t *next;
};

struct nsq_server {
    nsq_config_t cfg;
    nsq_topic_t *topics;
    nsq_client_t *clients;
    uint64_t next_client_id;
    uint64_t next_msg_id;
    wg_t wg;
    listener_t *l;
};

/* nsq_diskqueue.c: nsq_dq_put of a header and a body, both copied before
 * anything can wait. */
int nsq__dq_put2(nsq_dq_t *q, const void *h, size_t hlen, const void *body, size_t len);

/* nsq_channel.c */
nsq_topic_t *nsq__topic(struct nsq_server *s, const char *name, bool create);
nsq_channel_t *nsq__channel(nsq_topic_t *t, const char *name, bool create);
int nsq__publish(nsq_topic_t *t, const void *body, size_t len, int64_t defer_ns);
int nsq__subscribe(nsq_channel_t *ch, nsq_client_t *c);
void nsq__unsubscribe(nsq_client_t *c);
void nsq__pump(nsq_channel_t *ch);
int nsq__finish(nsq_client_t *c, const char *id, const char **why);
int nsq__requeue(nsq_client_t *c, const char *id, int64_t delay, const char **why);
int nsq__touch(nsq_client_t *c, const char *id, const char **why);
void nsq__topics_free(struct nsq_server *s, bool io);
int64_t nsq__queue_depth(const nsq_queue_t *q);

/* nsq_protocol.c */
void nsq__send_frame(nsq_client_t *c, int32_t type, const void *data, size_t len, const void *data2,
                     size_t len2);
void nsq__wake(nsq_client_t *c);

/* big-endian helpers */
static inline void nsq__put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}
static inline uint32_t nsq__get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void nsq__put64(uint8_t *p, uint64_t v)
{
    nsq__put32(p, (uint32_t)(v >> 32));
    nsq__put32(p + 4, (uint32_t)v);
}
static inline uint64_t nsq__get64(const uint8_t *p)
{
    return (uint64_t)nsq__get32(p) << 32 | nsq__get32(p + 4);
}

#endif
