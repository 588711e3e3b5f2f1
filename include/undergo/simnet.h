/*
 * simnet.h — a simulated network and disk on the virtual clock, for the
 * protocol labs (VRRP, LVS, Raft, NSQ, xDS) and crash tests.
 *
 * Hosts have names ("a", "n1"); a task spawned on a host (simhost_spawn,
 * and every task it spawns) uses that network through net.h: net_listen /
 * net_dial ("tcp", "host:port") give stream conns whose bytes take the
 * link's latency and bandwidth, net_listen_packet ("udp") gives datagrams
 * that the link may drop, duplicate, delay (latency ± jitter) and reorder.
 * Partitions cut a pair of hosts both ways (streams stall, datagrams are
 * dropped) until healed; simnet_at runs a function at a virtual time, so a
 * scenario "partition at 2 s, heal at 5 s" is two calls. A host crash drops
 * its tasks, conns and listeners (peers see -ECONNRESET) and every disk
 * write it did not fsync; a restart boots it again with its synced disk.
 *
 * Every random choice (loss, duplication, jitter, reordering) comes from the
 * network's own generator, seeded by the run's seed and the point of the
 * run where the network was made, and is drawn when a datagram is sent:
 * one seed replays a whole distributed failure exactly. Counters per
 * directed link record messages and bytes.
 *
 * Interface: simnet_new → simnet_host_add → simnet_link → simhost_spawn →
 * (simnet_partition / simnet_heal / simnet_at / simhost_crash /
 * simhost_restart / simnet_stats) → simnet_free. simdisk_*: the disk.
 * Everything runs inside rt_run, on the virtual clock.
 */
#ifndef UNDERGO_SIMNET_H
#define UNDERGO_SIMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <undergo/task.h>

typedef struct simnet simnet_t;
typedef struct simhost simhost_t;
typedef struct simdisk simdisk_t;

/* A link's behaviour, one direction. Probabilities in [0, 1]. */
typedef struct simlink {
    int64_t latency;         /* ns, one way */
    int64_t jitter;          /* datagrams: extra delay uniform in [0, jitter] */
    double loss;             /* datagrams: dropped */
    double dup;              /* datagrams: delivered twice (the copy: its own delay) */
    double reorder;          /* datagrams: held back one more latency, so later ones pass */
    uint64_t bandwidth;      /* streams: bytes/s (0: unlimited) */
} simlink_t;

/* What one directed link carried. */
typedef struct simnet_stats {
    uint64_t msgs_sent, bytes_sent;           /* datagrams written, stream bytes written */
    uint64_t msgs_delivered, bytes_delivered; /* what reached the other host */
    uint64_t msgs_dropped;                    /* loss, partition, host down, no socket */
    uint64_t msgs_duplicated;
    uint64_t conns;                           /* stream connections dialed */
} simnet_stats_t;

/* A new network; links default to `dflt` (NULL: 1 ms latency, nothing
 * else). Returns 0, -ENOMEM, -EPERM outside rt_run. Caller owns *out. */
int simnet_new(const simlink_t *dflt, simnet_t **out);

/* Crashes every host (their tasks end), frees the network, its hosts and
 * disks. Only from a task on no host of it, or after the run. NULL: no-op. */
void simnet_free(simnet_t *n);

/* Adds a host named name (up, with an empty disk). Returns 0, -EEXIST,
 * -EINVAL (empty name or containing ':'), -ENOMEM. *out may be NULL. */
int simnet_host_add(simnet_t *n, const char *name, simhost_t **out);

/* The host named name, or NULL. */
simhost_t *simnet_host(simnet_t *n, const char *name);

/* Sets the link between hosts a and b, both directions (simnet_link_dir:
 * a → b only). Returns 0, -ENOENT (no such host). */
int simnet_link(simnet_t *n, const char *a, const char *b, const simlink_t *l);
int simnet_link_dir(simnet_t *n, const char *from, const char *to, const simlink_t *l);

/* Cuts a ↔ b (both ways) until simnet_heal. Returns 0 or -ENOENT. */
int simnet_partition(simnet_t *n, const char *a, const char *b);
int simnet_heal(simnet_t *n, const char *a, const char *b);

/* Runs fn(n, arg) at virtual time `when` (absolute, as clock_now) in a task
 * of its own on no host. Returns 0, -ENOMEM. */
int simnet_at(simnet_t *n, int64_t when, void (*fn)(simnet_t *n, void *arg), void *arg);

/* Counters of the directed link from → to. Returns 0 or -ENOENT. */
int simnet_stats(simnet_t *n, const char *from, const char *to, simnet_stats_t *out);

/* Spawns fn(arg) as a task on host h (down: -EHOSTDOWN); the tasks it
 * spawns are on h too. Returns 0 or task_spawn's errors. */
#define simhost_spawn(h, fn, arg, id) \
    simhost__spawn((h), (fn), (arg), (id), __FILE__, __LINE__, __func__, #fn)
int simhost__spawn(simhost_t *h, task_fn fn, void *arg, uint64_t *id, const char *file,
                   int line, const char *creator, const char *fn_name);

/* Crashes h: its tasks end where they are (mutexes they hold stay held;
 * memory they malloc'd is not freed: see simhost_on_crash), its conns and
 * listeners are freed (peers: -ECONNRESET), its disk drops unsynced writes.
 * Not from a task on h. Returns 0, -EALREADY (down), -EDEADLK (on h). */
int simhost_crash(simhost_t *h);

/* Brings a crashed h back up and spawns boot(arg) on it (boot may be
 * NULL). Returns 0, -EALREADY (up), or spawn's errors. */
int simhost_restart(simhost_t *h, task_fn boot, void *arg);

/* Called at every crash of h, after its tasks are gone, before its disk
 * loses unsynced writes: the place to free what its tasks owned. */
void simhost_on_crash(simhost_t *h, void (*fn)(simhost_t *h, void *ud), void *ud);

bool simhost_up(const simhost_t *h);
const char *simhost_name(const simhost_t *h);
simdisk_t *simhost_disk(simhost_t *h);

/* The host the current task runs on, or NULL (the real kernel's network). */
simhost_t *simhost_current(void);

/* ---- the simulated disk ----
 *
 * Named files of bytes. A write lands in the page cache at once and is
 * durable only after simdisk_fsync of that file; a crash keeps the durable
 * image only. Faults are injected per disk: the next read, write or fsync
 * fails with -EIO (a failed fsync drops the file's unsynced writes, as
 * Linux does), and a torn write keeps only its first bytes on a crash.
 * Optional latencies make writes and fsyncs take virtual time. */

/* A disk of its own (hosts have one each: simhost_disk). Caller owns it. */
int simdisk_new(simdisk_t **out);
void simdisk_free(simdisk_t *d);

/* Writes len bytes at off (the file grows, holes read as zeros; created on
 * first write). Returns 0, -EIO (injected), -ENOMEM. */
int simdisk_write(simdisk_t *d, const char *file, uint64_t off, const void *buf, size_t len);
/* Appends; *off (may be NULL) receives where the bytes went. */
int simdisk_append(simdisk_t *d, const char *file, const void *buf, size_t len, uint64_t *off);
/* Reads up to len bytes at off. Returns the count (0 past the end),
 * -ENOENT, -EIO (injected). */
ssize_t simdisk_read(simdisk_t *d, const char *file, uint64_t off, void *buf, size_t len);
/* Current size, or -ENOENT. */
int64_t simdisk_size(simdisk_t *d, const char *file);
/* Cuts or grows the file to size (not durable until fsync). -ENOENT. */
int simdisk_truncate(simdisk_t *d, const char *file, uint64_t size);
/* Makes the file's current contents durable. Returns 0, -ENOENT, -EIO. */
int simdisk_fsync(simdisk_t *d, const char *file);
/* A crash: every file goes back to its durable image (torn writes keep
 * their first bytes); files never synced vanish. Can't fail. */
void simdisk_crash(simdisk_t *d);

typedef enum simdisk_op { SIMDISK_READ, SIMDISK_WRITE, SIMDISK_FSYNC } simdisk_op_t;
/* The next `count` calls of op fail with -EIO (count 0: clears). */
void simdisk_fail_next(simdisk_t *d, simdisk_op_t op, unsigned count);
/* The next write is torn: on a crash before its fsync, only its first
 * keep bytes reach the durable image. */
void simdisk_tear_next_write(simdisk_t *d, size_t keep);
/* Each write / fsync first sleeps this long (virtual ns; 0: none). */
void simdisk_set_latency(simdisk_t *d, int64_t write_ns, int64_t fsync_ns);

#endif
