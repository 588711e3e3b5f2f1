/*
 * dl_internal.h — the checker's private state, shared by the dl_*.c files
 * and by nothing else: tests and benchmarks see only deadlock.h.
 *
 * Interface: the types behind dl_t and dl_thread_t, and the helpers the
 * dl_*.c files call one another through (dl__ prefix).
 */
#ifndef DL_INTERNAL_H
#define DL_INTERNAL_H

#include "deadlock.h"

#if LAB_SOLUTION

/*
 * The model: lock instances map to classes (dl_class.c); a thread keeps the
 * stack of locks it holds and a running hash of their classes, the chain key
 * (dl_order.c). Edges between classes form the order graph; chain keys
 * already validated sit in the chain cache, read without locks. Threads that
 * block record what they wait for (dl_waitfor.c). Reports are deduplicated
 * by a signature of their cycle (dl_report.c).
 *
 * Concurrency: the hot path (an acquisition whose chain is cached, a
 * release) touches only the thread's own state — its held stack and two
 * front caches — and, when those miss, reads two lock-free shared tables
 * (lock → class, chain keys). Other threads read a held stack only to
 * find a lock's holders (its `lock` fields are atomic). Everything else — new classes, new edges, reports — runs under
 * d->lock, a spinlock (a pthread mutex here would recurse into the
 * interposer).
 *
 * Interface: dl__lock/dl__unlock; dl__class_of; dl__validate; dl__report_*.
 */

#include <stdatomic.h>

#define DL_MAX_DEPTH 48        /* locks one thread may hold at once */
#define DL_MAX_CLASSES 8192
#define DL_CHAIN_SLOTS (1u << 16)
#define DL_FRAMES 8
#define DL_LOCAL 256           /* per-thread lock → class front cache (index: 8 bits) */
#define DL_CHAINS_LOCAL 1024   /* per-thread chain-key front cache */

/* One lock held by a thread: 32 bytes, so the stack indexes with a shift. */
typedef struct dl_held {
    _Atomic(const void *) lock;  /* the one field other threads read (dl__holders) */
    uint32_t cls;              /* class id, subclass applied */
    unsigned flags;            /* the caller's, plus DL__SITE_PC */
    const void *site;          /* the caller's string (valid while held), or
                                * with DL__SITE_PC its code address */
    uint64_t prev_chain;       /* the thread's chain key before this lock */
} dl_held_t;

#define DL__SITE_PC (1u << 16)   /* dl_held_t.site is a code address */

struct dl_thread {
    /* read-only after creation */
    dl_t *d;
    uint64_t id;
    /* owned by the thread itself; others read them only in slow paths */
    _Atomic int depth;
    dl_held_t held[DL_MAX_DEPTH];
    uint64_t chain;                  /* hash of held classes, in order */
    _Atomic(const void *) waiting;   /* the lock it is blocked on, or NULL */
    /* front caches, so the hot path stays in this thread's cache lines:
     * recent lock → class (emptied when flush is set: a lock was
     * re-initialized or destroyed) and recent validated chain keys (never
     * invalid: the global cache only grows) */
    _Atomic bool flush;
    struct { const void *lock; uint32_t cls; } lc[DL_LOCAL];
    uint64_t cc[DL_CHAINS_LOCAL];
    const void *cur_ip;              /* slow paths: caller of the current acquisition */
    bool exited;
    bool next_try;                   /* runtime: the next acquire hook is a trylock */
    /* runtime adapter */
    char rt_where[112];              /* "fn() of goroutine N, created at file:line" */
    task_state_t rt_state;           /* what the task last blocked in */
    const void *rt_obj;
    bool rt_stuck_reported;          /* already named in a partial deadlock */
};

/* A lock class: the site that initialized its locks (plus a subclass). */
typedef struct dl_class {
    char *name;                /* "file:line", "lock 0x...", "name/1" for subclass 1 */
    uint64_t key;              /* hash of the site */
    uint32_t base;             /* the subclass-0 class; itself for subclass 0 */
    uint32_t sub[DL_MAX_SUBCLASS + 1];   /* subclass → class id (0: not yet) */
    uint32_t *out;             /* edge ids leaving this class */
    uint32_t nout, capout;
} dl_class_t;

/* An order-graph edge: `to` was acquired while `from` was held. */
typedef struct dl_edge {
    uint32_t from, to;
    char *from_site, *to_site; /* acquisition sites (to_site may be a backtrace) */
} dl_edge_t;

/* An instance-table slot: a lock's address → its class. */
typedef struct dl_inst {
    _Atomic uintptr_t lock;    /* 0 empty, 1 deleted */
    _Atomic uint32_t cls;
} dl_inst_t;

/* A declared or observed channel role (runtime adapter). */
typedef struct dl_role {
    const void *ch;
    uint64_t task;
    chan_dir_t dir;
} dl_role_t;

typedef struct dl_rep {
    dl_report_t r;
    uint64_t sig;
} dl_rep_t;

struct dl {
    atomic_flag lock;          /* guards everything below but the hot tables */
    /* classes; id 0 is unused */
    dl_class_t *cls;
    uint32_t ncls;
    uint64_t *ckeys;           /* class key → id, open addressing */
    uint32_t *cids;
    size_t ckcap;
    /* instances: fixed capacity, lock-free lookups */
    dl_inst_t *inst;
    size_t instcap;
    size_t ninst;
    /* edges and the (from,to) → edge index */
    dl_edge_t *edges;
    uint32_t nedges, capedges;
    uint64_t *ekeys;
    uint32_t *eids;
    size_t ekcap;
    /* chain cache: validated chain keys, lock-free lookups */
    _Atomic uint64_t *chains;
    size_t nchains;
    _Atomic uint64_t validations;
    /* threads */
    dl_thread_t **threads;
    size_t nthreads, capthreads;
    /* reports */
    dl_rep_t *reps;
    size_t nreps, capreps;
    dl_sink_fn sink;
    void *sink_ud;
    /* runtime adapter */
    dl_role_t *roles;
    size_t nroles, caproles;
};

/* A cheap 64-bit mix for the hot path: one multiply by an odd constant and
 * a shift-xor, both bijective, so distinct h ^ v give distinct results.
 * Never 0 (0 marks an empty cache slot). */
static inline uint64_t dl__mix(uint64_t h, uint64_t v) {
    uint64_t x = (h ^ v) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return x ? x : 1;
}

/* The class lock was mapped to, or 0 (unknown): the lock-free probe. */
static inline uint32_t dl__inst_class(const dl_t *d, const void *lock) {
    size_t mask = d->instcap - 1, i = dl__mix((uintptr_t)lock, 0) & mask;
    for (size_t n = 0; n < d->instcap; n++, i = (i + 1) & mask) {
        uintptr_t k = atomic_load_explicit(&d->inst[i].lock, memory_order_acquire);
        if (k == (uintptr_t)lock) return atomic_load_explicit(&d->inst[i].cls, memory_order_relaxed);
        if (!k) return 0;
    }
    return 0;
}

/* The key of thread chain `chain` extended by class cls (flags: DL_TRY counts). */
static inline uint64_t dl__chain_next(uint64_t chain, uint32_t cls, unsigned flags) {
    return dl__mix(chain, cls | (uint64_t)(flags & DL_TRY) << 32);
}

/* lock's class through t's front cache (no fill), or 0. */
static inline uint32_t dl__front_class(const dl_thread_t *t, const void *lock, size_t *slot) {
    /* Fibonacci hashing: neighbouring locks (an array) land far apart */
    *slot = (uintptr_t)lock * 0x9e3779b97f4a7c15ull >> 56;
    if (atomic_load_explicit(&t->flush, memory_order_acquire)) return 0;
    return t->lc[*slot].lock == lock ? t->lc[*slot].cls : 0;
}

/* Fills held slot h; site_pc (0 or DL__SITE_PC) says what site is. Only
 * h->lock is read by other threads. */
static inline void dl__held_set(dl_held_t *h, const void *lock, uint32_t cls, unsigned flags,
                                const void *site, unsigned site_pc, uint64_t prev_chain) {
    h->cls = cls;
    h->flags = flags | site_pc;
    h->site = site;
    h->prev_chain = prev_chain;
    atomic_store_explicit(&h->lock, lock, memory_order_relaxed);
}

static inline const void *dl__held_lock(const dl_held_t *h) {
    return atomic_load_explicit(&h->lock, memory_order_relaxed);
}

/* The hot path of a plain acquisition (flags 0) taken at site (a string,
 * or with site_pc = DL__SITE_PC a code address): records it and returns
 * true if the lock's class and the resulting chain are both in t's front
 * caches, so there is nothing to check; false: call dl_acquire. */
static inline bool dl__acquire_fast(dl_thread_t *t, const void *lock, const void *site,
                                    unsigned site_pc) {
    int depth = atomic_load_explicit(&t->depth, memory_order_relaxed);
    size_t slot;
    uint32_t c = dl__front_class(t, lock, &slot);
    if (!c || depth >= DL_MAX_DEPTH) return false;
    uint64_t key = dl__chain_next(t->chain, c, 0);
    if (depth && t->cc[key & (DL_CHAINS_LOCAL - 1)] != key) return false;
    dl__held_set(&t->held[depth], lock, c, 0, site, site_pc, t->chain);
    t->chain = key;
    atomic_store_explicit(&t->depth, depth + 1, memory_order_release);
    return true;
}

/* The hot path of a release of the innermost lock; false: call dl_release. */
static inline bool dl__release_fast(dl_thread_t *t, const void *lock) {
    int depth = atomic_load_explicit(&t->depth, memory_order_relaxed);
    if (!depth || dl__held_lock(&t->held[depth - 1]) != lock) return false;
    t->chain = t->held[depth - 1].prev_chain;
    atomic_store_explicit(&t->depth, depth - 1, memory_order_release);
    return true;
}

/* dl_core.c */
void dl__lock(dl_t *d);
void dl__unlock(dl_t *d);
uint64_t dl__hash(uint64_t h, uint64_t v);
uint64_t dl__hash_str(const char *s);
int dl__grow(void **arr, size_t *cap, size_t need, size_t elem);
char *dl__stack_from(const void *ip);
/* Names code address pc as "module+0xoffset" (addr2line's input) in buf. */
const char *dl__pc_name(const void *pc, char *buf, size_t size);

/* dl_class.c: the class of lock with the subclass in flags applied; makes a
 * class for an unknown lock. Returns a class id > 0, or a negative errno. */
int64_t dl__class_of(dl_t *d, const void *lock, unsigned flags);
const char *dl__class_name(const dl_t *d, uint32_t cls);
/* The class name of a known lock, without making one (safe under d->lock). */
const char *dl__lock_name(const dl_t *d, const void *lock);
int dl__classes_init(dl_t *d, size_t max_locks);
void dl__classes_free(dl_t *d);

/* dl_order.c: dl_acquire with the caller's address (for reports). */
int dl__acquire(dl_thread_t *t, const void *lock, unsigned flags, const char *where,
                const void *ip);
/* dl_order.c: validates t's held chain plus the new acquisition (cls,
 * flags). Returns 0, -EDEADLK (reported), or an error. */
int dl__validate(dl_thread_t *t, const void *lock, uint32_t cls, unsigned flags,
                 const char *where);
void dl__order_free(dl_t *d);

/* dl_waitfor.c: the threads that hold lock now (at most max). */
size_t dl__holders(dl_t *d, const void *lock, dl_thread_t **out, size_t max);
dl_thread_t *dl__find_thread(dl_t *d, uint64_t id);

/* dl_report.c: adds a report unless one with the same signature exists.
 * Takes ownership of text. Returns -EDEADLK (new or old), or -ENOMEM. */
int dl__report_add(dl_t *d, dl_report_t *r, uint64_t sig, char *text);
void dl__reports_free(dl_t *d);

#else

/* Your checker's private state (struct dl, struct dl_thread) goes here. */

#endif

#endif
