/*
 * etcd.h — the API of the etcd lab: an MVCC key-value store in etcd's shape
 * (revisions, a key index with generations, ranges at a revision,
 * transactions, compaction, watches and leases) and Raft, the consensus
 * that replicates its writes, on the runtime's simulated network and disk.
 *
 * The store (etcd_mvcc.c, etcd_watch.c): every write transaction gets one
 * main revision; its writes are numbered by sub-revision 0, 1, ... A key's
 * life is a generation: created by a put (create_revision, version 1),
 * each later put bumps version, a delete ends it with a tombstone; the next
 * put starts a new generation. A range reads the keys live at a revision.
 * Compaction at C forgets what no read at C or later can see: reads below
 * C fail with -ETCD_ECOMPACTED, a read at C works.
 *
 * Raft (etcd_raft.c): one node per simulated host, messages as datagrams
 * on port 2380, term, vote and log on the host's disk. etcd_raft_propose
 * appends a command at the leader; every node hands committed entries, in
 * index order, to its apply callback.
 *
 * Errors are negative: errno values, or the ETCD_E* codes below.
 */
#ifndef ETCD_H
#define ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <undergo/simnet.h>

enum {
    ETCD_ECOMPACTED = 4000, /* mvcc: required revision has been compacted */
    ETCD_EFUTURE,           /* mvcc: required revision is a future revision */
    ETCD_ENOLEASE,          /* lease not found */
    ETCD_ENOTLEADER,        /* raft: this node is not the leader */
};

/* Its message ("mvcc: required revision has been compacted", ...). */
const char *etcd_strerror(int err);

/* ---- the store ---- */

typedef struct etcd_store etcd_store_t;

typedef struct etcd_kv {
    char *key, *value;       /* owned by whoever owns the etcd_kv_t */
    int64_t create_revision; /* main revision of the put that began the generation */
    int64_t mod_revision;    /* main revision of the last put */
    int64_t version;         /* puts in this generation: 1, 2, ... */
    int64_t lease;           /* 0: none */
} etcd_kv_t;

void etcd_kv_free(etcd_kv_t *kv); /* frees key and value; NULL-safe */

/* A new, empty store at revision 1 (etcd's first revision, no keys).
 * now: the clock leases expire on (NULL: the runtime's clock_now). */
int etcd_store_new(int64_t (*now)(void), etcd_store_t **out);
void etcd_store_free(etcd_store_t *s);

int64_t etcd_store_rev(const etcd_store_t *s);         /* the current revision */
int64_t etcd_store_compact_rev(const etcd_store_t *s); /* 0: never compacted */

/* Which keys: [key, end) when end is set (an empty end: every key >= key),
 * every key starting with key when prefix, else key alone. */
typedef struct etcd_span {
    const char *key;
    const char *end;
    bool prefix;
} etcd_span_t;

/* Puts key = value (lease 0: none; else it must exist: -ETCD_ENOLEASE).
 * *rev (may be NULL): the new revision. prev (may be NULL): the key's
 * previous kv, or key NULL when it had none. */
int etcd_put(etcd_store_t *s, const char *key, const char *value, int64_t lease, int64_t *rev,
             etcd_kv_t *prev);

typedef struct etcd_range_result {
    etcd_kv_t *kvs; /* in key order, at most limit */
    size_t n;
    int64_t count; /* keys in the span, whatever the limit */
    bool more;     /* count > n */
    int64_t rev;   /* the store's revision when it answered */
} etcd_range_result_t;
void etcd_range_result_free(etcd_range_result_t *r);

/* The keys of the span live at revision rev (0: the current one), at most
 * limit of them (0: all). -ETCD_ECOMPACTED below the compaction,
 * -ETCD_EFUTURE above the current revision. */
int etcd_range(etcd_store_t *s, const etcd_span_t *sp, int64_t rev, int64_t limit,
               etcd_range_result_t *out);

/* Deletes the keys of the span; *deleted their count; *rev the revision
 * after (unchanged when nothing was deleted). prev: etcd's prev_kv, the
 * deleted keys' kvs as they were just before, in key order (n == *deleted,
 * count the same, rev the revision after); free it with
 * etcd_range_result_free. Each of the three may be NULL. */
int etcd_delete(etcd_store_t *s, const etcd_span_t *sp, int64_t *deleted, int64_t *rev,
                etcd_range_result_t *prev);

/* ---- transactions ---- */

typedef enum { ETCD_CMP_VALUE, ETCD_CMP_VERSION, ETCD_CMP_CREATE, ETCD_CMP_MOD } etcd_cmp_target_t;
typedef enum { ETCD_EQUAL, ETCD_NOT_EQUAL, ETCD_LESS, ETCD_GREATER } etcd_cmp_result_t;

typedef struct etcd_compare {
    const char *key;
    etcd_cmp_target_t target;
    etcd_cmp_result_t result;
    const char *value; /* ETCD_CMP_VALUE */
    int64_t number;    /* the others */
} etcd_compare_t;

typedef enum { ETCD_OP_PUT, ETCD_OP_DELETE } etcd_op_kind_t;
typedef struct etcd_op {
    etcd_op_kind_t kind;
    etcd_span_t span;  /* put: span.key */
    const char *value; /* put */
    int64_t lease;     /* put */
} etcd_op_t;

/* If every compare holds, runs then[], else otherwise[], all in one
 * revision (none when the ops change nothing). *succeeded, *rev may be NULL. */
int etcd_txn(etcd_store_t *s, const etcd_compare_t *cmp, size_t ncmp, const etcd_op_t *then,
             size_t nthen, const etcd_op_t *otherwise, size_t nother, bool *succeeded,
             int64_t *rev);

/* Forgets every version no read at rev or later can see. -ETCD_ECOMPACTED
 * when rev <= the last compaction, -ETCD_EFUTURE above the current rev. */
int etcd_compact(etcd_store_t *s, int64_t rev);

/* ---- watches ---- */

typedef enum { ETCD_EV_PUT, ETCD_EV_DELETE } etcd_ev_type_t;
typedef struct etcd_event {
    etcd_ev_type_t type;
    etcd_kv_t kv;      /* a delete: key and mod_revision (the delete's), the rest 0 */
    etcd_kv_t prev_kv; /* with prev_kv: the key's kv before the event (key NULL: none) */
} etcd_event_t;
void etcd_event_free(etcd_event_t *ev);

typedef struct etcd_watcher etcd_watcher_t;

/* Watches the span from revision start (0: the next write). Events of
 * earlier revisions still in the store come first, then every later
 * write, in revision order. A start below the compaction gives a watcher
 * that is cancelled, with the compaction's revision. */
int etcd_watch(etcd_store_t *s, const etcd_span_t *sp, int64_t start, bool prev_kv,
               etcd_watcher_t **out);
/* The next event: 1 (filled), 0 (none yet), or -ECANCELED. */
int etcd_watch_next(etcd_watcher_t *w, etcd_event_t *ev);
/* The compaction's revision when cancelled because of it, else 0. */
int64_t etcd_watch_compact_rev(const etcd_watcher_t *w);
void etcd_watch_cancel(etcd_watcher_t *w); /* frees it */

/* ---- leases ---- */

/* Grants a lease of ttl seconds (id 0: the store picks 1, 2, ...).
 * -EEXIST for a taken id, -EINVAL for ttl <= 0. */
int etcd_lease_grant(etcd_store_t *s, int64_t id, int64_t ttl, int64_t *out_id);
/* Restarts the lease's ttl from now. -ETCD_ENOLEASE. */
int etcd_lease_keepalive(etcd_store_t *s, int64_t id);
/* Revokes it, deleting its keys in one revision. -ETCD_ENOLEASE. */
int etcd_lease_revoke(etcd_store_t *s, int64_t id);
/* Seconds left (rounded up), or -ETCD_ENOLEASE. Expired leases are
 * revoked by every store call (this one too) before it does its work. */
int64_t etcd_lease_ttl(etcd_store_t *s, int64_t id);

/* ---- Raft ---- */

#define ETCD_RAFT_PORT 2380
#define ETCD_RAFT_MAX_PEERS 7
#define ETCD_RAFT_MAX_CMD 64 /* bytes of one command */

/* Called on the node's host for every committed entry, in index order
 * from 1, once per boot (a restarted node applies from 1 again). */
typedef void (*etcd_apply_fn)(void *ud, int id, int64_t index, const void *cmd, size_t len);

typedef struct etcd_raft_config {
    int id; /* 0 .. npeers-1 */
    int npeers;
    const char *peers[ETCD_RAFT_MAX_PEERS]; /* host names, peers[id] is this one */
    /* Off a simulated host: peers named "127.0.0.1:port" (a name with a
     * colon is a UDP address; peers[id] is the one bound), disk the node's
     * (NULL: the host's, simhost_disk). */
    simdisk_t *disk;
    int64_t heartbeat;                      /* ns; 0: 50 ms */
    int64_t election;                       /* ns; timeouts drawn in [e, 2e); 0: 300 ms */
    uint64_t seed;                          /* of the timeouts */
    etcd_apply_fn apply;
    void *ud;
} etcd_raft_config_t;

typedef struct etcd_raft etcd_raft_t;

/* Starts a node on the current task's host: reads term, vote and log from
 * the host's disk and runs the node in tasks of that host until the host
 * crashes (simhost_crash, or simnet_free at the end). Off a host (cfg->disk
 * set, "ip:port" peers) it runs on a real UDP socket until the run ends. */
int etcd_raft_start(const etcd_raft_config_t *cfg, etcd_raft_t **out);
/* Frees a node whose host has crashed since it started. NULL-safe. */
void etcd_raft_free(etcd_raft_t *r);

/* Appends cmd at the leader: *index and *term where it will be if it
 * commits. -ETCD_ENOTLEADER elsewhere, -EMSGSIZE over ETCD_RAFT_MAX_CMD. */
int etcd_raft_propose(etcd_raft_t *r, const void *cmd, size_t len, int64_t *index, int64_t *term);
/* ReadIndex, a linearizable read without a log entry: at the leader,
 * records the commit index and starts a read (*seq); it is ready once a
 * majority has answered a heartbeat sent after it began, proving that no
 * newer leader existed then. -ETCD_ENOTLEADER elsewhere; -EAGAIN while the
 * leader has committed nothing of its own term. read_ready: 1 and the
 * index a read must wait to apply, or 0 (not yet, or no longer leader). */
int etcd_raft_read_index(etcd_raft_t *r, int64_t *seq);
int etcd_raft_read_ready(const etcd_raft_t *r, int64_t seq, int64_t *index);

/* The node's term and whether it believes it leads. */
int64_t etcd_raft_term(const etcd_raft_t *r, bool *leader);
int64_t etcd_raft_commit_index(const etcd_raft_t *r);

#endif
