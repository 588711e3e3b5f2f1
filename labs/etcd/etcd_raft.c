/*
 * etcd_raft.c — Raft (Ongaro and Ousterhout, "In Search of an
 * Understandable Consensus Algorithm", Figure 2) on the simulated network:
 * elections with randomized timeouts, log replication with fast
 * backtracking, the commit rule of Figure 8 (an entry of an earlier term
 * is committed only by an entry of the current term above it), and term,
 * vote and log persisted on the host's disk before any answer leaves.
 *
 * Each node is one task on its host reading datagrams from :2380 with a
 * deadline at its next timer (election timeout, or heartbeat as leader).
 * Messages are etcd_msg_t structs copied as bytes (every node is this
 * same program). On disk: "raft.state" holds term and vote; the rest is
 * in one of two slots, 0 and 1: "raft.snap.<slot>" a snapshot (a header
 * with its generation, index, term, length and checksum, then the
 * application's bytes), "raft.log.<slot>" one fixed-size record per entry
 * after the snapshot's index, so a cut of the log is a truncate. A new
 * snapshot is written whole into the other slot, log first, snapshot last,
 * each fsynced; a restart takes the valid snapshot of the higher
 * generation (none: slot 0, an empty snapshot at index 0), so a crash
 * anywhere leaves the old state or the new one.
 *
 * Snapshots (section 7 of the paper): the application hands the node its
 * state through an applied index (etcd_raft_snapshot); the log before it
 * is dropped, in memory and on disk. A follower that needs an entry the
 * leader no longer has receives the snapshot (InstallSnapshot) in chunks,
 * one round trip each, and hands it to cfg.restore.
 *
 * Interface: etcd_raft_start (on a host) → etcd_raft_propose /
 * etcd_raft_snapshot / etcd_raft_term / etcd_raft_commit_index → (crash)
 * → etcd_raft_free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd.h"
#include <undergo/runtime.h>
#include <undergo/net.h>

#define MS 1000000LL
#define BATCH 32

typedef struct etcd_entry {
    int64_t term;
    uint32_t len;
    uint8_t cmd[ETCD_RAFT_MAX_CMD];
} etcd_entry_t;

enum { MSG_VOTE, MSG_VOTE_REPLY, MSG_APPEND, MSG_APPEND_REPLY, MSG_SNAP, MSG_SNAP_REPLY };

/* the bytes of a snapshot one MSG_SNAP carries (small, so that the
 * tests' snapshots take several) */
#define CHUNK 128

typedef struct etcd_msg {
    int32_t type, from;
    int64_t term;
    int64_t prev_index, prev_term; /* vote: the candidate's last index and term */
    int64_t commit;
    int32_t n, ok;
    int64_t match;         /* append reply: the follower's last matching index */
    int64_t xterm, xindex; /* append reply on a conflict: its term and first index */
    int64_t xlen;          /* the follower's log length */
    int64_t read_seq;      /* append: the leader's latest read; reply: echoed */
    int64_t snap_off, snap_len; /* snap: the chunk's offset, the whole length;
                                   reply: the next offset the follower expects */
    etcd_entry_t ents[BATCH];   /* snap: n bytes of the snapshot */
} etcd_msg_t;

enum { FOLLOWER, CANDIDATE, LEADER };

struct etcd_raft {
    etcd_raft_config_t cfg;
    simdisk_t *disk;
    conn_t *conn;
    int role;
    int64_t term;
    int32_t vote;      /* -1: none */
    etcd_entry_t *log; /* log[i - base]: entry i; log[0]: the snapshot's term */
    int64_t base;      /* the snapshot's index: entries up to it are dropped */
    int64_t last, cap;
    uint8_t *snap; /* the snapshot's bytes (the application's state at base) */
    size_t snap_len;
    int slot;    /* the disk slot of the snapshot and log in use */
    int64_t gen; /* its generation */
    int64_t snap_next[ETCD_RAFT_MAX_PEERS], snap_for[ETCD_RAFT_MAX_PEERS]; /* leader: the
                    offset to send each follower, of the snapshot at index snap_for */
    uint8_t *rx; /* follower: a snapshot being received */
    size_t rx_len, rx_got;
    int64_t rx_index, rx_term;
    bool restore_due; /* the node's task hands the snapshot to cfg.restore first */
    int64_t commit, applied;
    int64_t next[ETCD_RAFT_MAX_PEERS], match[ETCD_RAFT_MAX_PEERS];
    uint32_t votes;   /* a bit per node that voted for this one (a datagram may come twice) */
    int64_t deadline; /* the next election timeout, or heartbeat */
    uint64_t rng;
    int64_t read_seq, read_index; /* the read under way: its number, its commit index */
    uint32_t read_acks;           /* nodes that answered a heartbeat sent after it began */
    int64_t read_done_seq, read_done_index; /* the latest read confirmed by a majority */
    etcd_msg_t in, out;
};

void etcd_raft_free(etcd_raft_t *r)
{
    if (!r)
        return;
    free(r->log);
    free(r->snap);
    free(r->rx);
    free(r);
}

int64_t etcd_raft_term(const etcd_raft_t *r, bool *leader)
{
    if (leader)
        *leader = r->role == LEADER;
    return r->term;
}

int64_t etcd_raft_commit_index(const etcd_raft_t *r)
{
    return r->commit;
}

int64_t etcd_raft_snapshot_index(const etcd_raft_t *r)
{
    return r->base;
}

int64_t etcd_raft_log_len(const etcd_raft_t *r)
{
    return r->last - r->base;
}

#if LAB_SOLUTION

static uint64_t next_rand(etcd_raft_t *r)
{
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 7;
    r->rng ^= r->rng << 17;
    return r->rng;
}

static void reset_election(etcd_raft_t *r)
{
    int64_t e = r->cfg.election;
    r->deadline = clock_now() + e + (int64_t)(next_rand(r) % (uint64_t)e);
}

/* ---- persistence: before any reply that depends on it ---- */

#define SNAP_MAGIC 0x70616e73746663ULL /* "cftsnap" */

typedef struct snap_header {
    uint64_t magic, sum;
    int64_t gen, index, term, len;
} snap_header_t;

static void file_name(char *buf, size_t n, const char *what, int slot)
{
    snprintf(buf, n, "raft.%s.%d", what, slot);
}

/* FNV-1a over the header (sum zeroed) and the data: a torn or stale
 * snapshot file does not pass. */
static uint64_t snap_sum(const snap_header_t *h, const void *data, size_t len)
{
    snap_header_t c = *h;
    c.sum = 0;
    uint64_t x = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < sizeof c; i++)
        x = (x ^ ((const uint8_t *)&c)[i]) * 0x100000001b3ULL;
    for (size_t i = 0; i < len; i++)
        x = (x ^ ((const uint8_t *)data)[i]) * 0x100000001b3ULL;
    return x;
}

static int persist_state(etcd_raft_t *r)
{
    int64_t st[2] = {r->term, r->vote};
    int rc = simdisk_write(r->disk, "raft.state", 0, st, sizeof st);
    return rc ? rc : simdisk_fsync(r->disk, "raft.state");
}

/* Writes entries from..last of the log in `slot` (base: its snapshot's
 * index) and cuts the file after last. */
static int write_log(etcd_raft_t *r, int slot, int64_t base, int64_t from)
{
    char name[32];
    file_name(name, sizeof name, "log", slot);
    int rc = simdisk_truncate(r->disk, name, (uint64_t)(r->last - base) * sizeof(etcd_entry_t));
    if (rc == -ENOENT)
        rc = 0;
    if (!rc && from <= r->last)
        rc = simdisk_write(r->disk, name, (uint64_t)(from - base - 1) * sizeof(etcd_entry_t),
                           &r->log[from - r->base],
                           (size_t)(r->last - from + 1) * sizeof(etcd_entry_t));
    if (!rc && simdisk_size(r->disk, name) < 0)
        return 0;
    return rc ? rc : simdisk_fsync(r->disk, name);
}

static int persist_log(etcd_raft_t *r, int64_t from)
{
    return write_log(r, r->slot, r->base, from);
}

static int grow(etcd_raft_t *r, int64_t need)
{
    need -= r->base;
    if (need < r->cap)
        return 0;
    int64_t cap = r->cap ? r->cap : 64;
    while (cap <= need)
        cap *= 2;
    etcd_entry_t *l = realloc(r->log, (size_t)cap * sizeof *l);
    if (!l)
        return -ENOMEM;
    r->log = l;
    r->cap = cap;
    return 0;
}

static int64_t term_at(const etcd_raft_t *r, int64_t i)
{
    return r->log[i - r->base].term;
}

/* Makes a snapshot of `data` at index (of term) the node's state: the
 * entries after index that the log holds (keep: whether they stay) go
 * first into the other slot's log, then the snapshot, each fsynced; only
 * then does memory change. On an error the old state stays in force. */
static int install(etcd_raft_t *r, int64_t index, int64_t term, const void *data, size_t len,
                   bool keep)
{
    int slot = !r->slot;
    uint8_t *copy = malloc(len ? len : 1);
    uint8_t *buf = malloc(sizeof(snap_header_t) + len);
    if (!copy || !buf) {
        free(copy);
        free(buf);
        return -ENOMEM;
    }
    memcpy(copy, data, len);
    int64_t last = r->last;
    if (!keep)
        r->last = index; /* write_log writes nothing after index */
    int rc = write_log(r, slot, index, index + 1);
    r->last = last;
    snap_header_t h = {SNAP_MAGIC, 0, r->gen + 1, index, term, (int64_t)len};
    h.sum = snap_sum(&h, data, len);
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, data, len);
    char name[32];
    file_name(name, sizeof name, "snap", slot);
    if (!rc) /* bytes past the new length, if any, are ignored */
        rc = simdisk_write(r->disk, name, 0, buf, sizeof h + len);
    if (!rc)
        rc = simdisk_fsync(r->disk, name);
    free(buf);
    if (rc) {
        free(copy);
        return rc;
    }
    /* the new state is durable: drop the log up to index */
    if (keep && index < r->last) {
        memmove(&r->log[1], &r->log[index - r->base + 1],
                (size_t)(r->last - index) * sizeof *r->log);
    } else
        r->last = index;
    r->base = index;
    r->log[0].term = term;
    r->slot = slot;
    r->gen++;
    free(r->snap);
    r->snap = copy;
    r->snap_len = len;
    return 0;
}

/* Reads the snapshot of a slot: its header, and *data (malloc'd) when valid. */
static bool read_snap(etcd_raft_t *r, int slot, snap_header_t *h, uint8_t **data)
{
    char name[32];
    file_name(name, sizeof name, "snap", slot);
    *data = NULL;
    if (simdisk_read(r->disk, name, 0, h, sizeof *h) != (ssize_t)sizeof *h ||
        h->magic != SNAP_MAGIC || h->len < 0 || h->index < 0)
        return false;
    uint8_t *d = malloc((size_t)h->len + 1);
    if (!d)
        return false;
    if (simdisk_read(r->disk, name, sizeof *h, d, (size_t)h->len) != (ssize_t)h->len ||
        snap_sum(h, d, (size_t)h->len) != h->sum) {
        free(d);
        return false;
    }
    *data = d;
    return true;
}

static int restore(etcd_raft_t *r)
{
    int64_t st[2] = {0, -1};
    if (simdisk_read(r->disk, "raft.state", 0, st, sizeof st) == (ssize_t)sizeof st) {
        r->term = st[0];
        r->vote = (int32_t)st[1];
    }
    snap_header_t h[2];
    uint8_t *d[2];
    bool ok[2] = {read_snap(r, 0, &h[0], &d[0]), read_snap(r, 1, &h[1], &d[1])};
    int use = ok[1] && (!ok[0] || h[1].gen > h[0].gen) ? 1 : ok[0] ? 0 : -1;
    r->slot = 0;
    int64_t term0 = 0;
    if (use >= 0) {
        r->slot = use;
        r->gen = h[use].gen;
        r->base = h[use].index;
        term0 = h[use].term;
        r->snap = d[use];
        r->snap_len = (size_t)h[use].len;
        d[use] = NULL;
    }
    free(d[0]);
    free(d[1]);
    char name[32];
    file_name(name, sizeof name, "log", r->slot);
    int64_t size = simdisk_size(r->disk, name);
    int64_t n = size > 0 ? size / (int64_t)sizeof(etcd_entry_t) : 0;
    int rc = grow(r, r->base + n + 1);
    if (rc)
        return rc;
    if (n && simdisk_read(r->disk, name, 0, &r->log[1], (size_t)n * sizeof *r->log) !=
                 (ssize_t)(n * (int64_t)sizeof *r->log))
        return -EIO;
    r->last = r->base + n;
    r->log[0].term = term0;
    r->commit = r->applied = r->base;
    r->restore_due = r->base > 0;
    return 0;
}

/* ---- messages ---- */

static void send_to(etcd_raft_t *r, int peer, etcd_msg_t *m)
{
    char to[80];
    if (strchr(r->cfg.peers[peer], ':')) /* "ip:port": a real socket */
        snprintf(to, sizeof to, "%s", r->cfg.peers[peer]);
    else
        snprintf(to, sizeof to, "%s:%d", r->cfg.peers[peer], ETCD_RAFT_PORT);
    m->from = r->cfg.id;
    m->term = r->term;
    size_t len = offsetof(etcd_msg_t, ents) +
                 (size_t)m->n * (m->type == MSG_SNAP ? 1 : sizeof(etcd_entry_t));
    conn_write_to(r->conn, m, len, to);
}

static void become_follower(etcd_raft_t *r, int64_t term)
{
    bool changed = term != r->term;
    r->role = FOLLOWER;
    if (changed) {
        r->term = term;
        r->vote = -1;
        persist_state(r);
    }
}

/* InstallSnapshot: the chunk of the snapshot at the peer's offset. */
static void send_snap(etcd_raft_t *r, int peer)
{
    etcd_msg_t *m = &r->out;
    if (r->snap_for[peer] != r->base) {
        r->snap_for[peer] = r->base;
        r->snap_next[peer] = 0;
    }
    int64_t off = r->snap_next[peer], left = (int64_t)r->snap_len - off;
    m->type = MSG_SNAP;
    m->prev_index = r->base;
    m->prev_term = r->log[0].term;
    m->commit = r->commit;
    m->read_seq = r->read_seq;
    m->snap_off = off;
    m->snap_len = (int64_t)r->snap_len;
    m->n = (int32_t)(left > (int64_t)CHUNK ? (int64_t)CHUNK : left < 0 ? 0 : left);
    if (m->n)
        memcpy(m->ents, r->snap + off, (size_t)m->n);
    send_to(r, peer, m);
}

static void send_append(etcd_raft_t *r, int peer)
{
    etcd_msg_t *m = &r->out;
    int64_t next = r->next[peer];
    if (next <= r->base) { /* the entry before next is gone: send the snapshot */
        send_snap(r, peer);
        return;
    }
    m->type = MSG_APPEND;
    m->prev_index = next - 1;
    m->prev_term = term_at(r, next - 1);
    m->commit = r->commit;
    m->read_seq = r->read_seq;
    int64_t n = r->last - next + 1;
    m->n = (int32_t)(n > BATCH ? BATCH : n < 0 ? 0 : n);
    if (m->n)
        memcpy(m->ents, &r->log[next - r->base], (size_t)m->n * sizeof *m->ents);
    send_to(r, peer, m);
}

static void broadcast_append(etcd_raft_t *r)
{
    for (int i = 0; i < r->cfg.npeers; i++)
        if (i != r->cfg.id)
            send_append(r, i);
    r->deadline = clock_now() + r->cfg.heartbeat;
}

static void start_election(etcd_raft_t *r)
{
    r->role = CANDIDATE;
    r->term++;
    r->vote = r->cfg.id;
    r->votes = 1u << r->cfg.id;
    persist_state(r);
    reset_election(r);
    etcd_msg_t *m = &r->out;
    m->type = MSG_VOTE;
    m->prev_index = r->last;
    m->prev_term = term_at(r, r->last);
    m->n = 0;
    for (int i = 0; i < r->cfg.npeers; i++)
        if (i != r->cfg.id)
            send_to(r, i, m);
}

static void become_leader(etcd_raft_t *r)
{
    r->role = LEADER;
    for (int i = 0; i < r->cfg.npeers; i++) {
        r->next[i] = r->last + 1;
        r->match[i] = 0;
    }
    r->match[r->cfg.id] = r->last;
    broadcast_append(r);
}

/* Figure 8: count replicas only for an entry of the current term. */
static void advance_commit(etcd_raft_t *r)
{
    for (int64_t n = r->last; n > r->commit; n--) {
        if (r->log[n - r->base].term != r->term)
            break;
        int count = 0;
        for (int i = 0; i < r->cfg.npeers; i++)
            count += r->match[i] >= n;
        if (2 * count > r->cfg.npeers) {
            r->commit = n;
            return;
        }
    }
}

static void on_vote(etcd_raft_t *r, const etcd_msg_t *m)
{
    int64_t my_last_term = term_at(r, r->last);
    bool up_to_date = m->prev_term > my_last_term ||
                      (m->prev_term == my_last_term && m->prev_index >= r->last);
    etcd_msg_t *o = &r->out;
    o->type = MSG_VOTE_REPLY;
    o->n = 0;
    o->ok = m->term == r->term && (r->vote == -1 || r->vote == m->from) && up_to_date;
    if (o->ok) {
        r->vote = m->from;
        persist_state(r);
        reset_election(r);
    }
    send_to(r, m->from, o);
}

static void on_append(etcd_raft_t *r, const etcd_msg_t *m)
{
    etcd_msg_t *o = &r->out;
    o->type = MSG_APPEND_REPLY;
    o->n = 0;
    o->ok = 0;
    o->xterm = -1;
    o->xindex = 0;
    o->xlen = r->last + 1;
    o->read_seq = m->read_seq;
    if (m->term < r->term) {
        send_to(r, m->from, o);
        return;
    }
    r->role = FOLLOWER;
    reset_election(r);
    if (m->prev_index > r->last) {
        send_to(r, m->from, o);
        return;
    }
    /* entries up to base are committed, so they match any leader's */
    if (m->prev_index > r->base && term_at(r, m->prev_index) != m->prev_term) {
        o->xterm = term_at(r, m->prev_index);
        int64_t i = m->prev_index;
        while (i > r->base + 1 && term_at(r, i - 1) == o->xterm)
            i--;
        o->xindex = i;
        send_to(r, m->from, o);
        return;
    }
    /* append what is new; cut only at a real conflict (a late, shorter
     * message must not cut entries it does not know about) */
    int64_t first_new = 0;
    for (int32_t k = 0; k < m->n; k++) {
        int64_t idx = m->prev_index + 1 + k;
        if (idx <= r->base || (idx <= r->last && term_at(r, idx) == m->ents[k].term))
            continue;
        if (grow(r, idx + 1))
            return;
        r->last = idx;
        r->log[idx - r->base] = m->ents[k];
        if (!first_new)
            first_new = idx;
    }
    if (first_new && persist_log(r, first_new))
        return;
    int64_t match = m->prev_index + m->n;
    if (m->commit > r->commit)
        r->commit = m->commit < match ? m->commit : match;
    o->ok = 1;
    o->match = match;
    send_to(r, m->from, o);
}

/* ReadIndex: any answer of this term to a message sent after the read
 * began shows that p still takes this node for its leader */
static void read_ack(etcd_raft_t *r, const etcd_msg_t *m)
{
    int p = m->from;
    if (r->read_seq > r->read_done_seq && m->read_seq == r->read_seq) {
        r->read_acks |= 1u << p;
        if (2 * __builtin_popcount(r->read_acks) > r->cfg.npeers) {
            r->read_done_seq = r->read_seq;
            r->read_done_index = r->read_index;
        }
    }
}

/* A chunk of a snapshot: gathered in order; once whole, it replaces the
 * log (entries after it stay when the log holds its last entry) and goes
 * to the application. The reply asks for the next offset, or acks the
 * whole snapshot with match at its index. */
static void on_snap(etcd_raft_t *r, const etcd_msg_t *m)
{
    etcd_msg_t *o = &r->out;
    o->type = MSG_SNAP_REPLY;
    o->n = 0;
    o->ok = 0;
    o->prev_index = m->prev_index;
    o->read_seq = m->read_seq;
    o->snap_off = 0;
    o->match = 0;
    if (m->term < r->term) {
        send_to(r, m->from, o);
        return;
    }
    r->role = FOLLOWER;
    reset_election(r);
    o->ok = 1;
    if (m->prev_index <= r->commit) { /* has it already: committed entries match */
        o->match = m->prev_index;
        o->snap_off = m->snap_len;
        send_to(r, m->from, o);
        return;
    }
    bool same = r->rx && r->rx_index == m->prev_index && r->rx_term == m->prev_term &&
                (int64_t)r->rx_len == m->snap_len;
    if (m->snap_off == 0 && !same) {
        free(r->rx);
        r->rx = malloc((size_t)m->snap_len + 1);
        if (!r->rx)
            return;
        r->rx_index = m->prev_index;
        r->rx_term = m->prev_term;
        r->rx_len = (size_t)m->snap_len;
        r->rx_got = 0;
        same = true;
    }
    if (same && m->snap_off == (int64_t)r->rx_got && m->n >= 0 &&
        r->rx_got + (size_t)m->n <= r->rx_len) {
        memcpy(r->rx + r->rx_got, m->ents, (size_t)m->n);
        r->rx_got += (size_t)m->n;
    }
    o->snap_off = same ? (int64_t)r->rx_got : 0;
    if (same && r->rx_got == r->rx_len) {
        int64_t index = r->rx_index;
        bool keep = index <= r->last && term_at(r, index) == r->rx_term;
        if (install(r, index, r->rx_term, r->rx, r->rx_len, keep))
            return;
        free(r->rx);
        r->rx = NULL;
        r->commit = index;
        r->applied = index;
        if (r->cfg.restore)
            r->cfg.restore(r->cfg.ud, r->cfg.id, index, r->snap, r->snap_len);
        o->match = index;
    }
    send_to(r, m->from, o);
}

static void on_snap_reply(etcd_raft_t *r, const etcd_msg_t *m)
{
    int p = m->from;
    read_ack(r, m);
    if (!m->ok || m->prev_index != r->snap_for[p])
        return;
    if (m->match >= m->prev_index && m->match > 0) {
        if (m->match > r->match[p])
            r->match[p] = m->match;
        if (m->match + 1 > r->next[p])
            r->next[p] = m->match + 1;
        r->snap_for[p] = -1;
        advance_commit(r);
        if (r->next[p] <= r->last)
            send_append(r, p);
        return;
    }
    if (m->prev_index != r->base || m->snap_off == r->snap_next[p])
        return; /* a late reply: the next heartbeat sends the chunk again */
    r->snap_next[p] = m->snap_off;
    send_snap(r, p);
}

static void on_append_reply(etcd_raft_t *r, const etcd_msg_t *m)
{
    int p = m->from;
    read_ack(r, m);
    if (m->ok) {
        if (m->match > r->match[p])
            r->match[p] = m->match;
        if (m->match + 1 > r->next[p])
            r->next[p] = m->match + 1;
        advance_commit(r);
        if (r->next[p] <= r->last)
            send_append(r, p);
        return;
    }
    /* fast backtracking: skip a whole conflicting term at a time */
    int64_t next;
    if (m->xterm < 0)
        next = m->xlen;
    else {
        next = m->xindex;
        for (int64_t i = r->last; i > r->base; i--)
            if (term_at(r, i) == m->xterm) {
                next = i + 1;
                break;
            }
    }
    if (next < 1)
        next = 1;
    if (next > r->last + 1)
        next = r->last + 1;
    r->next[p] = next;
    send_append(r, p);
}

static void handle(etcd_raft_t *r, const etcd_msg_t *m)
{
    if (m->term > r->term)
        become_follower(r, m->term);
    switch (m->type) {
    case MSG_VOTE: on_vote(r, m); break;
    case MSG_APPEND: on_append(r, m); break;
    case MSG_VOTE_REPLY:
        if (r->role == CANDIDATE && m->term == r->term && m->ok && m->from >= 0 &&
            m->from < r->cfg.npeers) {
            r->votes |= 1u << m->from;
            if (2 * __builtin_popcount(r->votes) > r->cfg.npeers)
                become_leader(r);
        }
        break;
    case MSG_APPEND_REPLY:
        if (r->role == LEADER && m->term == r->term)
            on_append_reply(r, m);
        break;
    case MSG_SNAP: on_snap(r, m); break;
    case MSG_SNAP_REPLY:
        if (r->role == LEADER && m->term == r->term && m->from >= 0 && m->from < r->cfg.npeers)
            on_snap_reply(r, m);
        break;
    }
}

static void node_loop(void *arg)
{
    etcd_raft_t *r = arg;
    char from[80];
    if (r->restore_due && r->cfg.restore) /* a restart begins at its snapshot */
        r->cfg.restore(r->cfg.ud, r->cfg.id, r->base, r->snap, r->snap_len);
    r->restore_due = false;
    for (;;) {
        conn_set_read_deadline(r->conn, r->deadline);
        ssize_t n = conn_read_from(r->conn, &r->in, sizeof r->in, from, sizeof from);
        if (n >= (ssize_t)offsetof(etcd_msg_t, ents))
            handle(r, &r->in);
        else if (n < 0 && n != -NET_ETIMEOUT)
            return;
        if (clock_now() >= r->deadline) {
            if (r->role == LEADER)
                broadcast_append(r);
            else
                start_election(r);
        }
        while (r->applied < r->commit) {
            r->applied++;
            const etcd_entry_t *e = &r->log[r->applied - r->base];
            if (r->cfg.apply) /* it may take a snapshot, which moves the log */
                r->cfg.apply(r->cfg.ud, r->cfg.id, r->applied, e->cmd, e->len);
        }
    }
}

int etcd_raft_start(const etcd_raft_config_t *cfg, etcd_raft_t **out)
{
    *out = NULL;
    simhost_t *h = simhost_current();
    if ((!h && !cfg->disk) || cfg->npeers < 1 || cfg->npeers > ETCD_RAFT_MAX_PEERS || cfg->id < 0 ||
        cfg->id >= cfg->npeers)
        return -EINVAL;
    etcd_raft_t *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    r->cfg = *cfg;
    if (!r->cfg.heartbeat)
        r->cfg.heartbeat = 50 * MS;
    if (!r->cfg.election)
        r->cfg.election = 300 * MS;
    r->rng = (cfg->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(cfg->id + 1))) | 1;
    r->disk = cfg->disk ? cfg->disk : simhost_disk(h);
    r->vote = -1;
    int rc = restore(r);
    if (!rc)
        rc = grow(r, 1);
    if (!rc) {
        char addr[16];
        snprintf(addr, sizeof addr, ":%d", ETCD_RAFT_PORT);
        const char *self = cfg->peers[cfg->id];
        rc = net_listen_packet("udp", strchr(self, ':') ? self : addr, &r->conn);
    }
    if (rc) {
        etcd_raft_free(r);
        return rc;
    }
    for (int i = 0; i < ETCD_RAFT_MAX_PEERS; i++)
        r->snap_for[i] = -1;
    reset_election(r);
    if ((rc = task_spawn(node_loop, r, NULL))) {
        conn_free(r->conn);
        etcd_raft_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int etcd_raft_read_index(etcd_raft_t *r, int64_t *seq)
{
    if (r->role != LEADER)
        return -ETCD_ENOTLEADER;
    if (term_at(r, r->commit) != r->term)
        return -EAGAIN; /* nothing of this term committed yet: the commit index may be stale */
    r->read_seq++;
    r->read_index = r->commit;
    r->read_acks = 1u << r->cfg.id;
    if (r->cfg.npeers == 1) {
        r->read_done_seq = r->read_seq;
        r->read_done_index = r->read_index;
    }
    *seq = r->read_seq;
    return 0;
}

int etcd_raft_read_ready(const etcd_raft_t *r, int64_t seq, int64_t *index)
{
    if (r->role != LEADER || r->read_done_seq < seq)
        return 0;
    *index = r->read_done_index;
    return 1;
}

int etcd_raft_snapshot(etcd_raft_t *r, int64_t index, const void *data, size_t len)
{
    if (index <= r->base)
        return 0; /* the node already has a snapshot at least as new */
    if (index > r->applied)
        return -EINVAL;
    return install(r, index, term_at(r, index), data, len, true);
}

int etcd_raft_propose(etcd_raft_t *r, const void *cmd, size_t len, int64_t *index, int64_t *term)
{
    if (len > ETCD_RAFT_MAX_CMD)
        return -EMSGSIZE;
    if (r->role != LEADER)
        return -ETCD_ENOTLEADER;
    int rc = grow(r, r->last + 2);
    if (rc)
        return rc;
    etcd_entry_t *e = &r->log[++r->last - r->base];
    memset(e, 0, sizeof *e);
    e->term = r->term;
    e->len = (uint32_t)len;
    memcpy(e->cmd, cmd, len);
    if ((rc = persist_log(r, r->last)))
        return rc;
    r->match[r->cfg.id] = r->last;
    if (r->cfg.npeers == 1)
        advance_commit(r);
    if (index)
        *index = r->last;
    if (term)
        *term = r->term;
    return 0;
}

#else

int etcd_raft_start(const etcd_raft_config_t *cfg, etcd_raft_t **out)
{
    (void)cfg;
    *out = NULL;
    return -ENOSYS;
}

int etcd_raft_snapshot(etcd_raft_t *r, int64_t index, const void *data, size_t len)
{
    (void)r, (void)index, (void)data, (void)len;
    return -ENOSYS;
}

int etcd_raft_read_index(etcd_raft_t *r, int64_t *seq)
{
    (void)r, (void)seq;
    return -ENOSYS;
}

int etcd_raft_read_ready(const etcd_raft_t *r, int64_t seq, int64_t *index)
{
    (void)r, (void)seq, (void)index;
    return -ENOSYS;
}

int etcd_raft_propose(etcd_raft_t *r, const void *cmd, size_t len, int64_t *index, int64_t *term)
{
    (void)r, (void)cmd, (void)len, (void)index, (void)term;
    return -ENOSYS;
}

#endif
