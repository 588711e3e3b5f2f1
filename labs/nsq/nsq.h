/*
 * nsq.h — the core of nsqd: topics, channels, in-flight messages with
 * timeouts, a memory queue that overflows to a disk queue, and the TCP
 * protocol V2, on the undergo runtime (virtual clock, simulated network and
 * disk in tests; real sockets and a real directory elsewhere).
 *
 * Interface:
 *   disks:   nsq_disk_sim (a simulated disk) | nsq_disk_dir (a directory)
 *            → nsq_disk_free. Support code: never the answer.
 *   queue:   nsq_dq_open → nsq_dq_put / nsq_dq_peek + nsq_dq_next /
 *            nsq_dq_depth / nsq_dq_sync → nsq_dq_close (or nsq_dq_discard
 *            after a crash)
 *   server:  nsq_server_new → nsq_server_serve (from a task; returns when
 *            the listener closes) → nsq_server_close (clean: in-flight,
 *            deferred and memory messages go to disk) → nsq_server_free
 *            (or nsq_server_discard after a crash of its host)
 * Every call runs inside rt_run, from a task.
 */
#ifndef NSQ_H
#define NSQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <undergo/net.h>
#include <undergo/simnet.h>

/* ---- disks (support/nsq_disk.c) ---- */

typedef struct nsq_disk nsq_disk_t;

/* A disk over a simulated disk (not owned). Removing a file truncates it to
 * zero bytes and syncs: a file of size 0 does not exist. */
int nsq_disk_sim(simdisk_t *sd, nsq_disk_t **out);
/* A disk over a directory of the real file system (created if missing). */
int nsq_disk_dir(const char *dir, nsq_disk_t **out);
void nsq_disk_free(nsq_disk_t *d);

/* File operations the queue uses. Sizes: -ENOENT for a missing file. */
int nsq_disk_append(nsq_disk_t *d, const char *file, const void *buf, size_t len);
ssize_t nsq_disk_read(nsq_disk_t *d, const char *file, uint64_t off, void *buf, size_t len);
int64_t nsq_disk_size(nsq_disk_t *d, const char *file);
int nsq_disk_fsync(nsq_disk_t *d, const char *file);
/* Replaces the whole file with buf, atomically and durably (a temporary
 * file renamed over it on a real disk). */
int nsq_disk_replace(nsq_disk_t *d, const char *file, const void *buf, size_t len);
int nsq_disk_remove(nsq_disk_t *d, const char *file);

/* ---- the disk queue: go-diskqueue's format ----
 *
 * Data files "<name>.diskqueue.%06d.dat": records of a 4-byte big-endian
 * length and the body. A record goes to a new file when the current one
 * already holds bytes and the record would take it past
 * max_bytes_per_file. The metadata "<name>.diskqueue.meta.dat" is
 * "depth\nreadFile,readPos\nwriteFile,writePos\n". A sync fsyncs the file
 * being written, then replaces the metadata; it runs after every
 * sync_every puts and reads together, and every sync_timeout while
 * anything is unsynced. A file read to its end is removed. */

typedef struct nsq_dq nsq_dq_t;

typedef struct nsq_dq_config {
    const char *name;
    int64_t max_bytes_per_file; /* 0: 100 MiB */
    int32_t min_msg_size;       /* 0: 0 */
    int32_t max_msg_size;       /* 0: 1 MiB + 26 */
    int64_t sync_every;         /* 0: 2500 */
    int64_t sync_timeout;       /* ns; 0: 2 s */
} nsq_dq_config_t;

/* Opens (or recovers from its metadata) the queue. Returns 0, -EINVAL,
 * -ENOMEM, or the disk's errors. */
int nsq_dq_open(nsq_disk_t *disk, const nsq_dq_config_t *cfg, nsq_dq_t **out);
/* Appends a record. Returns 0, -EINVAL (size out of range), -EIO. */
int nsq_dq_put(nsq_dq_t *q, const void *body, size_t len);
/* The next record, without consuming it: *body points into the queue
 * (valid until the next call). Returns 0, -EAGAIN (empty), -EIO. */
int nsq_dq_peek(nsq_dq_t *q, const void **body, size_t *len);
/* Consumes the record nsq_dq_peek returned. Returns 0, -EAGAIN. */
int nsq_dq_next(nsq_dq_t *q);
int64_t nsq_dq_depth(const nsq_dq_t *q);
int nsq_dq_sync(nsq_dq_t *q);
/* Syncs and frees. */
void nsq_dq_close(nsq_dq_t *q);
/* Frees without any I/O (its host crashed; its timer task is gone). */
void nsq_dq_discard(nsq_dq_t *q);

/* ---- the server ---- */

typedef struct nsq_config {
    int64_t msg_timeout;     /* ns; 0: 60 s */
    int64_t max_msg_timeout; /* ns; 0: 15 min (TOUCH and IDENTIFY's cap) */
    int64_t max_req_timeout; /* ns; 0: 1 h (REQ clamps to it, DPUB above it: E_INVALID) */
    int64_t max_rdy_count;   /* 0: 2500 */
    int64_t mem_queue_size;  /* messages kept in memory per topic and channel; 0: 10000, -1: none */
    int64_t max_bytes_per_file; /* 0: 100 MiB */
    int64_t sync_every;         /* 0: 2500 */
    int64_t sync_timeout;       /* ns; 0: 2 s */
    int32_t max_msg_size;       /* 0: 1 MiB */
    int32_t max_body_size;      /* MPUB; 0: 5 MiB */
    uint64_t id_base;           /* message ids count up from here (distinct per boot) */
    nsq_disk_t *disk;           /* where the queues live; not owned */
} nsq_config_t;

typedef struct nsq_server nsq_server_t;

int nsq_server_new(const nsq_config_t *cfg, nsq_server_t **out);
/* Accepts on l (not owned) and serves each connection in tasks of its
 * own. Returns when accept fails (the listener closed): 0. */
int nsq_server_serve(nsq_server_t *s, listener_t *l);
/* Closes every connection, waits for their tasks, then writes in-flight,
 * deferred and memory messages to the disk queues and syncs them. */
int nsq_server_close(nsq_server_t *s);
void nsq_server_free(nsq_server_t *s);
/* Frees everything without I/O: the host crashed, its tasks are gone. */
void nsq_server_discard(nsq_server_t *s);

/* Messages waiting in a channel (memory + disk, not in flight or
 * deferred); with channel NULL, in the topic. -ENOENT if absent. */
int64_t nsq_server_depth(nsq_server_t *s, const char *topic, const char *channel);
/* Messages of a channel in flight / deferred. -ENOENT if absent. */
int64_t nsq_server_in_flight(nsq_server_t *s, const char *topic, const char *channel);
int64_t nsq_server_deferred(nsq_server_t *s, const char *topic, const char *channel);

/* Frame types of protocol V2. */
enum { NSQ_FRAME_RESPONSE = 0, NSQ_FRAME_ERROR = 1, NSQ_FRAME_MESSAGE = 2 };
enum { NSQ_MSG_ID_LEN = 16, NSQ_MSG_HEADER_LEN = 26 };

#endif
