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
 * same program). On disk: "raft.state" holds term and vote, "raft.log"
 * one fixed-size record per entry, so a cut of the log is a truncate.
 *
 * Interface: etcd_raft_start (on a host) → etcd_raft_propose /
 * etcd_raft_term / etcd_raft_commit_index → (crash) → etcd_raft_free.
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

enum { MSG_VOTE, MSG_VOTE_REPLY, MSG_APPEND, MSG_APPEND_REPLY };

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
    etcd_entry_t ents[BATCH];
} etcd_msg_t;

enum { FOLLOWER, CANDIDATE, LEADER };

struct etcd_raft {
    etcd_raft_config_t cfg;
    simdisk_t *disk;
    conn_t *conn;
    int role;
    int64_t term;
    int32_t vote;      /* -1: none */
    etcd_entry_t *log; /* log[0]: a sentinel of term 0 */
    int64_t last, cap;
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

static int persist_state(etcd_raft_t *r)
{
    int64_t st[2] = {r->term, r->vote};
    int rc = simdisk_write(r->disk, "raft.state", 0, st, sizeof st);
    return rc ? rc : simdisk_fsync(r->disk, "raft.state");
}

/* Writes entries from..last and cuts the file after last. */
static int persist_log(etcd_raft_t *r, int64_t from)
{
    int rc = simdisk_truncate(r->disk, "raft.log", (uint64_t)r->last * sizeof(etcd_entry_t));
    if (rc == -ENOENT)
        rc = 0;
    if (!rc && from <= r->last)
        rc = simdisk_write(r->disk, "raft.log", (uint64_t)(from - 1) * sizeof(etcd_entry_t),
                           &r->log[from], (size_t)(r->last - from + 1) * sizeof(etcd_entry_t));
    if (!rc && r->last == 0 && simdisk_size(r->disk, "raft.log") < 0)
        return 0;
    return rc ? rc : simdisk_fsync(r->disk, "raft.log");
}

static int grow(etcd_raft_t *r, int64_t need)
{
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

static int restore(etcd_raft_t *r)
{
    int64_t st[2] = {0, -1};
    if (simdisk_read(r->disk, "raft.state", 0, st, sizeof st) == (ssize_t)sizeof st) {
        r->term = st[0];
        r->vote = (int32_t)st[1];
    }
    int64_t size = simdisk_size(r->disk, "raft.log");
    int64_t n = size > 0 ? size / (int64_t)sizeof(etcd_entry_t) : 0;
    int rc = grow(r, n + 1);
    if (rc)
        return rc;
    if (n && simdisk_read(r->disk, "raft.log", 0, &r->log[1], (size_t)n * sizeof *r->log) !=
                 (ssize_t)(n * (int64_t)sizeof *r->log))
        return -EIO;
    r->last = n;
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
    size_t len = offsetof(etcd_msg_t, ents) + (size_t)m->n * sizeof(etcd_entry_t);
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

static void send_append(etcd_raft_t *r, int peer)
{
    etcd_msg_t *m = &r->out;
    int64_t next = r->next[peer];
    m->type = MSG_APPEND;
    m->prev_index = next - 1;
    m->prev_term = r->log[next - 1].term;
    m->commit = r->commit;
    m->read_seq = r->read_seq;
    int64_t n = r->last - next + 1;
    m->n = (int32_t)(n > BATCH ? BATCH : n < 0 ? 0 : n);
    if (m->n)
        memcpy(m->ents, &r->log[next], (size_t)m->n * sizeof *m->ents);
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
    m->prev_term = r->log[r->last].term;
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
        if (r->log[n].term != r->term)
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
    int64_t my_last_term = r->log[r->last].term;
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
    if (r->log[m->prev_index].term != m->prev_term) {
        o->xterm = r->log[m->prev_index].term;
        int64_t i = m->prev_index;
        while (i > 1 && r->log[i - 1].term == o->xterm)
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
        if (idx <= r->last && r->log[idx].term == m->ents[k].term)
            continue;
        if (grow(r, idx + 1))
            return;
        r->last = idx;
        r->log[idx] = m->ents[k];
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

static void on_append_reply(etcd_raft_t *r, const etcd_msg_t *m)
{
    int p = m->from;
    /* ReadIndex: any answer of this term to a message sent after the read
     * began shows that p still takes this node for its leader */
    if (r->read_seq > r->read_done_seq && m->read_seq == r->read_seq) {
        r->read_acks |= 1u << p;
        if (2 * __builtin_popcount(r->read_acks) > r->cfg.npeers) {
            r->read_done_seq = r->read_seq;
            r->read_done_index = r->read_index;
        }
    }
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
        for (int64_t i = r->last; i > 0; i--)
            if (r->log[i].term == m->xterm) {
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
    }
}

static void node_loop(void *arg)
{
    etcd_raft_t *r = arg;
    char from[80];
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
            if (r->cfg.apply)
                r->cfg.apply(r->cfg.ud, r->cfg.id, r->applied, r->log[r->applied].cmd,
                             r->log[r->applied].len);
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
    r->log[0].term = 0;
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
    if (r->log[r->commit].term != r->term)
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

int etcd_raft_propose(etcd_raft_t *r, const void *cmd, size_t len, int64_t *index, int64_t *term)
{
    if (len > ETCD_RAFT_MAX_CMD)
        return -EMSGSIZE;
    if (r->role != LEADER)
        return -ETCD_ENOTLEADER;
    int rc = grow(r, r->last + 2);
    if (rc)
        return rc;
    etcd_entry_t *e = &r->log[++r->last];
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
