/*
 * leak_chunks.c — the allocator half: glibc's heap underneath, a record of every
 * live chunk beside it.
 *
 * leak_malloc and friends forward to glibc under its internal names
 * (__libc_malloc, ...), so the memory is ordinary heap memory, and put a
 * 16-byte header in front of each chunk: its size, its allocation site and
 * its slot in the registry. The registry is an array of the live chunks'
 * addresses, indexed by slot, kept in anonymous mappings (it never calls
 * malloc, and the scan never mistakes it for a root). A free reads the
 * header, checks that the registry's slot names this very address (which
 * also rejects interior and foreign pointers), and clears the slot.
 *
 * The fast path takes no lock and no atomic read-modify-write: each thread
 * keeps a cache of free slot numbers and of recently seen allocation sites,
 * and goes to the shared pools (under one spinlock) only to refill or
 * spill, so a malloc/free pair costs a few dozen instructions more than
 * glibc's own. The price: a leak check must stop every thread that
 * allocates (leak_thread_register), since the registry is read without
 * their help.
 *
 * Allocation stacks are interned in a depot (an id per distinct stack), so
 * 10 000 chunks from one line cost one stack. With stack_depth <= 1 the
 * stack is the caller's return address alone: no unwinding on the fast path.
 *
 * Double and invalid frees: a pointer whose header does not lead back to
 * it through the registry is not a live chunk. A small ring of recently
 * freed addresses then tells a double free from a wild one; where glibc's
 * own mmap'd chunks start (low page offsets) the ring is asked first,
 * because after a free that memory may be unmapped and its header gone.
 *
 * Interface: leak_init → leak_malloc / leak_calloc / leak_realloc /
 * leak_posix_memalign / leak_aligned_alloc / leak_strdup → leak_free;
 * leak_stats, leak_reset; leak__chunks_foreach for the scan.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "support/leak_impl.h"

leak_options_t leak__opts;

void *leak__map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void leak__unmap(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

/* The heap underneath: glibc's, under its internal names, so that an
 * interposed malloc can call down without recursion. Under AddressSanitizer
 * glibc's heap is off limits (ASan owns malloc and intercepts some internal
 * names too), so the public names, which are ASan's, are used instead. */
#if defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#include <stdlib.h>
#define sys_malloc malloc
#define sys_free free
#define sys_calloc calloc
#define sys_realloc realloc
#define sys_memalign memalign
#else
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
#define sys_malloc __libc_malloc
#define sys_free __libc_free
#define sys_calloc __libc_calloc
#define sys_realloc __libc_realloc
#define sys_memalign __libc_memalign
#endif

#if LAB_SOLUTION

/* glibc keeps pointers to chunk headers in its own globals (the arena's
 * top chunk, the bins); a header sits 16 bytes before its chunk, so the
 * next chunk's header can fall inside the last 8 bytes of our request.
 * libc's data segment would then hold an interior pointer into our chunk,
 * a root that hides a leak. For those sizes we ask for PAD bytes more. */
#define HDR 16
#define PAD 8
#define SLOTS_PER_PAGE 65536
#define MAX_PAGES 4096
#define CACHE 256
#define FREED_RING 256
#define FREED_MASK ((uintptr_t)0xa5a5a5a5a5a5a5a5ull)
#define SIZE_BITS 56

typedef struct hdr {
    uint32_t slot;
    uint32_t site;
    uint64_t size_shift;     /* size; top bits: log2 of the offset from glibc's chunk */
} hdr_t;

static hdr_t *hdr_of(const void *user) { return (hdr_t *)((char *)user - HDR); }
static size_t hdr_size(const hdr_t *h) { return (size_t)(h->size_shift & ((1ull << SIZE_BITS) - 1)); }
static size_t hdr_offset(const hdr_t *h) { return (size_t)1 << (h->size_shift >> SIZE_BITS); }

/* ---- the lock ------------------------------------------------------------- */

static int lock_word;

void leak__lock(void)
{
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    }
}

void leak__unlock(void)
{
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

/* ---- the registry: slot → live chunk address ----------------------------- */

static struct {
    uintptr_t *pages[MAX_PAGES];  /* SLOTS_PER_PAGE entries each, mmap'd */
    uint32_t next;                /* slots ever handed out */
    uint32_t *pool;               /* spilled free slots; guarded by the lock */
    size_t npool, pool_cap;
    size_t double_frees, invalid_frees;   /* atomic */
    /* Recently freed addresses, direct-mapped and masked (this array is in
     * bss, a root: a plain address here could point into a new chunk). */
    uintptr_t freed[FREED_RING];
} reg;


static uintptr_t *reg_entry(uint32_t slot)
{
    return &reg.pages[slot / SLOTS_PER_PAGE][slot % SLOTS_PER_PAGE];
}

static size_t freed_slot(uintptr_t a) { return (a >> 4) & (FREED_RING - 1); }

typedef struct cache {
    uint32_t slot[CACHE];
    uint32_t n;
} cache_t;

static __thread cache_t cache;

/* Moves up to CACHE/2 free slots into the caller's cache, from the pool or
 * fresh. Returns 0 or -ENOMEM. Takes the lock. */
__attribute__((noinline)) static int cache_refill(void)
{
    int rc = 0;
    leak__lock();
    while (cache.n < CACHE / 2 && reg.npool)
        cache.slot[cache.n++] = reg.pool[--reg.npool];
    while (cache.n < CACHE / 2) {
        uint32_t s = reg.next;
        if (s % SLOTS_PER_PAGE == 0) {
            if (s / SLOTS_PER_PAGE == MAX_PAGES ||
                !(reg.pages[s / SLOTS_PER_PAGE] = leak__map(SLOTS_PER_PAGE * sizeof(uintptr_t)))) {
                rc = cache.n ? 0 : -ENOMEM;
                break;
            }
        }
        __atomic_store_n(&reg.next, s + 1, __ATOMIC_RELEASE);
        cache.slot[cache.n++] = s;
    }
    leak__unlock();
    /* Pops come from the top: reversed, fresh slots go out in increasing
     * order, and a heap that grows upward leaves the registry sorted by
     * address, which spares the scan its sort. */
    for (uint32_t i = 0, j = cache.n ? cache.n - 1 : 0; i < j; i++, j--) {
        uint32_t t = cache.slot[i];
        cache.slot[i] = cache.slot[j];
        cache.slot[j] = t;
    }
    return rc;
}

/* Makes room for `more` slots in the pool. Returns 0 or -ENOMEM. Lock held. */
static int pool_reserve(size_t more)
{
    if (reg.npool + more <= reg.pool_cap)
        return 0;
    size_t cap = reg.pool_cap ? 2 * reg.pool_cap : 4096;
    while (cap < reg.npool + more)
        cap *= 2;
    uint32_t *p = leak__map(cap * sizeof *p);
    if (!p)
        return -ENOMEM;
    if (reg.npool)
        memcpy(p, reg.pool, reg.npool * sizeof *p);
    leak__unmap(reg.pool, reg.pool_cap * sizeof *p);
    reg.pool = p;
    reg.pool_cap = cap;
    return 0;
}

/* Hands half the cache back to the pool. Takes the lock. */
__attribute__((noinline)) static void cache_spill(void)
{
    leak__lock();
    if (pool_reserve(CACHE / 2) != 0)
        cache.n = CACHE / 2;         /* the slots are lost, not reused: harmless */
    while (cache.n > CACHE / 2)
        reg.pool[reg.npool++] = cache.slot[--cache.n];
    leak__unlock();
}

/* A free slot for the calling thread, or UINT32_MAX. */
static inline __attribute__((always_inline)) uint32_t slot_get(void)
{
    if (!cache.n && cache_refill() != 0)
        return UINT32_MAX;
    return cache.slot[--cache.n];
}

static inline __attribute__((always_inline)) void slot_put(uint32_t slot)
{
    if (cache.n == CACHE)
        cache_spill();
    cache.slot[cache.n++] = slot;
}

void leak__chunks_foreach(void (*fn)(uintptr_t, size_t, uint32_t, void *), void *ud)
{
    for (uint32_t s = 0; s < reg.next; s++) {
        uintptr_t a = *reg_entry(s);
        if (a)
            fn(a, hdr_size(hdr_of((void *)a)), hdr_of((void *)a)->site, ud);
    }
}

size_t leak__chunks_live(void)
{
    size_t n = 0;
    for (uint32_t s = 0; s < reg.next; s++)
        n += *reg_entry(s) != 0;
    return n;
}

/* ---- the stack depot ----------------------------------------------------- */

typedef struct trace {
    uint32_t n;
    void *pc[LEAK_MAX_FRAMES];
} trace_t;

static struct {
    trace_t *traces;      /* id - 1 indexes it */
    size_t n, cap;
    uint32_t *ids;        /* hash → id, 0 empty */
    size_t ids_cap;
} dep;

static uint64_t trace_hash(const trace_t *t)
{
    uint64_t h = 1469598103934665603ull ^ t->n;
    for (uint32_t i = 0; i < t->n; i++)
        h = (h ^ (uintptr_t)t->pc[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool trace_eq(const trace_t *a, const trace_t *b)
{
    return a->n == b->n && memcmp(a->pc, b->pc, a->n * sizeof a->pc[0]) == 0;
}

/* Makes room for one more trace and keeps the id hash under half full.
 * Returns 0 or -ENOMEM. Lock held. */
static int depot_reserve(void)
{
    if (dep.n == dep.cap) {
        size_t cap = dep.cap ? dep.cap * 2 : 256;
        trace_t *t = leak__map(cap * sizeof *t);
        if (!t)
            return -ENOMEM;
        if (dep.n)
            memcpy(t, dep.traces, dep.n * sizeof *t);
        leak__unmap(dep.traces, dep.cap * sizeof *t);
        dep.traces = t;
        dep.cap = cap;
    }
    if (2 * (dep.n + 1) <= dep.ids_cap)
        return 0;
    size_t cap = dep.ids_cap ? dep.ids_cap * 2 : 512;
    uint32_t *ids = leak__map(cap * sizeof *ids);
    if (!ids)
        return -ENOMEM;
    for (size_t id = 1; id <= dep.n; id++)
        for (size_t i = trace_hash(&dep.traces[id - 1]) & (cap - 1);; i = (i + 1) & (cap - 1))
            if (!ids[i]) {
                ids[i] = (uint32_t)id;
                break;
            }
    leak__unmap(dep.ids, dep.ids_cap * sizeof *ids);
    dep.ids = ids;
    dep.ids_cap = cap;
    return 0;
}

/* The id of trace t, interning it. 0 if out of memory. Lock held. */
static uint32_t depot_intern(const trace_t *t)
{
    if (depot_reserve() != 0)
        return 0;
    size_t i = trace_hash(t) & (dep.ids_cap - 1);
    for (; dep.ids[i]; i = (i + 1) & (dep.ids_cap - 1))
        if (trace_eq(&dep.traces[dep.ids[i] - 1], t))
            return dep.ids[i];
    dep.traces[dep.n++] = *t;
    dep.ids[i] = (uint32_t)dep.n;
    return dep.ids[i];
}

size_t leak__site_frames(uint32_t site, void **frames)
{
    size_t n = 0;
    leak__lock();
    if (site && site <= dep.n) {
        n = dep.traces[site - 1].n;
        memcpy(frames, dep.traces[site - 1].pc, n * sizeof *frames);
    }
    leak__unlock();
    return n;
}

/* Fills t with the stack from pc (the allocating call's return address)
 * outward. backtrace may itself allocate the first time; a reentered call
 * settles for one frame. */
static void trace_capture(trace_t *t, void *pc)
{
    static __thread bool busy;
    unsigned depth = leak__opts.stack_depth;
    t->n = 1;
    t->pc[0] = pc;
    if (depth <= 1 || busy)
        return;
    busy = true;
    void *buf[LEAK_MAX_FRAMES + 8];
    int n = backtrace(buf, LEAK_MAX_FRAMES + 8);
    busy = false;
    int from = 0;
    while (from < n && buf[from] != pc)
        from++;
    if (from == n)
        return;
    for (t->n = 0; from < n && t->n < depth; from++)
        t->pc[t->n++] = buf[from];
}

/* Captures and interns the stack of an allocation made by the call
 * returning to pc. Takes the lock. */
__attribute__((noinline)) static uint32_t site_slow(void *pc)
{
    trace_t t;
    trace_capture(&t, pc);
    leak__lock();
    uint32_t id = depot_intern(&t);
    leak__unlock();
    return id;
}

/* Per-thread cache of (call site → site id) for one-frame stacks: the
 * common case takes no lock (depot ids are never reused, not even by
 * leak_reset). */
static __thread struct {
    void *pc;
    uint32_t id;
} recent[64];

static size_t recent_slot(const void *pc) { return ((uintptr_t)pc >> 3) & 63; }

/* The site id of an allocation made by the call returning to pc. */
static uint32_t site_of(void *pc)
{
    size_t k = recent_slot(pc);
    if (recent[k].pc == pc && leak__opts.stack_depth <= 1)
        return recent[k].id;
    uint32_t id = site_slow(pc);
    if (leak__opts.stack_depth <= 1) {
        recent[k].id = id;
        recent[k].pc = pc;
    }
    return id;
}

/* ---- diagnostics ------------------------------------------------------------ */

__attribute__((noinline, cold)) static void diagnose(const char *what, const void *p, void *pc)
{
    char where[160];
    leak_symbolize((char *)pc - 1, where, sizeof where);
    fprintf(stderr, "leak: %s of %p from %s\n", what, p, where);
}

/* ---- the allocator ---------------------------------------------------------- */

/* glibc's request for size bytes at offset off; SIZE_MAX on overflow.
 * glibc's chunk for a request r spans max(32, r + 8 rounded up to 16)
 * bytes from 16 before its pointer; the next chunk's header must not start
 * before our last byte, so PAD is added only when the rounding leaves too
 * little room (see PAD). */
static size_t request(size_t size, size_t off)
{
    if (size > SIZE_MAX - off - 64 || size >> SIZE_BITS)
        return SIZE_MAX;
    size_t r = size + off, span = (r + 8 + 15) & ~(size_t)15;
    if (span < 32)
        span = 32;
    return span < size + off + 16 ? r + PAD : r;
}

/* Turns glibc chunk base (NULL: failed) into a recorded chunk of size bytes
 * at base + 2^shift, allocated by the call returning to pc. */
/* Records chunk user (size bytes, glibc's base 2^shift below it) in slot,
 * allocated at site. */
static inline __attribute__((always_inline)) void *record(char *user, size_t size, unsigned shift,
                                                          uint32_t slot, uint32_t site)
{
    *hdr_of(user) = (hdr_t){slot, site, (uint64_t)size | (uint64_t)shift << SIZE_BITS};
    __atomic_store_n(reg_entry(slot), (uintptr_t)user, __ATOMIC_RELEASE);
    uintptr_t *f = &reg.freed[freed_slot((uintptr_t)user)];
    if (((uintptr_t)user & 4095) < 64 && *f == ((uintptr_t)user ^ FREED_MASK))
        *f = 0;                      /* in use again: see lookup */
    return user;
}

/* track's slow path: a refill of the slot cache, a new site, a failure. */
__attribute__((noinline)) static void *track_slow(void *base, size_t size, unsigned shift, void *pc)
{
    if (!base)
        return NULL;
    uint32_t slot = slot_get();
    if (slot == UINT32_MAX) {
        sys_free(base);
        errno = ENOMEM;
        return NULL;
    }
    return record((char *)base + ((size_t)1 << shift), size, shift, slot, site_of(pc));
}

/* Turns glibc chunk base (NULL: failed) into a recorded chunk of size bytes
 * at base + 2^shift, allocated by the call returning to pc. The fast path
 * calls nothing, so it needs few registers; anything else goes slow. */
static inline __attribute__((always_inline)) void *track(void *base, size_t size, unsigned shift,
                                                         void *pc)
{
    size_t k = recent_slot(pc);
    if (__builtin_expect(!base || !cache.n || recent[k].pc != pc || leak__opts.stack_depth > 1, 0))
        return track_slow(base, size, shift, pc);
    uint32_t slot = cache.slot[--cache.n];
    return record((char *)base + ((size_t)1 << shift), size, shift, slot, recent[k].id);
}

/* The slot number in what would be p's header. p may be anything the
 * caller passed to free, so the read is deliberate, even under ASan. */
LEAK_NO_ASAN static uint32_t peek_slot(const void *p)
{
    return ((const hdr_t *)((const char *)p - HDR))->slot;
}

/* True if p was freed recently (and not handed out again: a live chunk
 * never gets this far). */
static bool freed_recently(uintptr_t a)
{
    return reg.freed[freed_slot(a)] == (a ^ FREED_MASK);
}

/* p's header if p is a live chunk of ours; else NULL, counted and told.
 * The ring of freed addresses is read first only where glibc's mmap'd
 * chunks start (low page offsets): their memory is gone after a free, and
 * reading a header there would fault. Elsewhere the header is read first,
 * and the ring only tells a double free from a wild one. */
static inline __attribute__((always_inline)) hdr_t *lookup(void *p, void *pc)
{
    uintptr_t a = (uintptr_t)p;
    bool freed = (a & 4095) < 64 && freed_recently(a);
    uint32_t slot = freed || (a & (HDR - 1)) ? UINT32_MAX : peek_slot(p);
    uintptr_t *page = slot < MAX_PAGES * SLOTS_PER_PAGE ? reg.pages[slot / SLOTS_PER_PAGE] : NULL;
    if (page && page[slot % SLOTS_PER_PAGE] == a)
        return hdr_of(p);
    if (freed || freed_recently(a)) {
        __atomic_fetch_add(&reg.double_frees, 1, __ATOMIC_RELAXED);
        diagnose("double free", p, pc);
    } else {
        __atomic_fetch_add(&reg.invalid_frees, 1, __ATOMIC_RELAXED);
        diagnose("invalid free", p, pc);
    }
    return NULL;
}

/* Forgets chunk p (header h) and gives its memory back to glibc. */
static inline __attribute__((always_inline)) void release(void *p, hdr_t *h)
{
    uint32_t slot = h->slot;
    size_t off = hdr_offset(h);
    *reg_entry(slot) = 0;
    slot_put(slot);
    reg.freed[freed_slot((uintptr_t)p)] = (uintptr_t)p ^ FREED_MASK;
    sys_free((char *)p - off);
}

int leak_init(const leak_options_t *opts)
{
    leak_options_t o = opts ? *opts : (leak_options_t){0};
    if (o.stack_depth > LEAK_MAX_FRAMES)
        return -EINVAL;
    if (o.stack_depth > 1) {
        void *warm[2];
        backtrace(warm, 2);      /* loads the unwinder now, not inside malloc */
    }
    leak__opts = o;
    return 0;
}

void *leak_malloc(size_t size)
{
    return track(sys_malloc(request(size, HDR)), size, 4, __builtin_return_address(0));
}

void *leak_calloc(size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return track(sys_calloc(1, request(total, HDR)), total, 4, __builtin_return_address(0));
}

/* leak_free's slow path: NULL, a full slot cache, a pointer that may not
 * be ours. */
__attribute__((noinline)) static void free_slow(void *ptr, void *pc)
{
    hdr_t *h = ptr ? lookup(ptr, pc) : NULL;
    if (h)
        release(ptr, h);
}

/* The fast path calls only glibc's free, last; anything unusual goes slow. */
void leak_free(void *ptr)
{
    uintptr_t a = (uintptr_t)ptr;
    if (__builtin_expect(!ptr || (a & 4095) < 64 || (a & (HDR - 1)) || cache.n == CACHE, 0))
        return free_slow(ptr, __builtin_return_address(0));
    uint32_t slot = peek_slot(ptr);
    uintptr_t *page = slot < MAX_PAGES * SLOTS_PER_PAGE ? reg.pages[slot / SLOTS_PER_PAGE] : NULL;
    if (__builtin_expect(!page || page[slot % SLOTS_PER_PAGE] != a, 0))
        return free_slow(ptr, __builtin_return_address(0));
    size_t off = hdr_offset(hdr_of(ptr));
    page[slot % SLOTS_PER_PAGE] = 0;
    cache.slot[cache.n++] = slot;
    reg.freed[freed_slot(a)] = a ^ FREED_MASK;
    sys_free((char *)ptr - off);
}

void *leak_realloc(void *ptr, size_t size)
{
    void *pc = __builtin_return_address(0);
    if (!ptr)
        return track(sys_malloc(request(size, HDR)), size, 4, pc);
    hdr_t *h = lookup(ptr, pc);
    if (!h) {
        errno = EINVAL;
        return NULL;
    }
    if (size == 0) {
        release(ptr, h);
        return NULL;
    }
    /* A fresh chunk, a copy, then the old one goes: simple, and the new
     * chunk is recorded at the caller's site like any allocation. */
    void *p = track(sys_malloc(request(size, HDR)), size, 4, pc);
    if (!p)
        return NULL;
    size_t old = hdr_size(h);
    memcpy(p, ptr, old < size ? old : size);
    release(ptr, h);
    return p;
}

/* Alignment must be a power of two. */
static bool align_ok(size_t a) { return a && (a & (a - 1)) == 0; }

/* An aligned chunk: its header fits in the first `a` bytes (a >= 16). */
static void *aligned(size_t a, size_t size, void *pc)
{
    a = a < HDR ? HDR : a;
    return track(sys_memalign(a, request(size, a)), size, (unsigned)__builtin_ctzll(a), pc);
}

int leak_posix_memalign(void **out, size_t alignment, size_t size)
{
    if (!align_ok(alignment) || alignment % sizeof(void *))
        return EINVAL;
    void *p = aligned(alignment, size, __builtin_return_address(0));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *leak_aligned_alloc(size_t alignment, size_t size)
{
    if (!align_ok(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    return aligned(alignment, size, __builtin_return_address(0));
}

char *leak_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = track(sys_malloc(request(n, HDR)), n, 4, __builtin_return_address(0));
    if (p)
        memcpy(p, s, n);
    return p;
}

size_t leak_chunk_size(const void *ptr)
{
    uintptr_t a = (uintptr_t)ptr;
    if (!ptr || (a & (HDR - 1)) || ((a & 4095) < 64 && freed_recently(a)))
        return 0;
    uint32_t slot = peek_slot(ptr);
    uintptr_t *page = slot < MAX_PAGES * SLOTS_PER_PAGE ? reg.pages[slot / SLOTS_PER_PAGE] : NULL;
    return page && page[slot % SLOTS_PER_PAGE] == a ? hdr_size(hdr_of(ptr)) : 0;
}

int leak_stats(leak_stats_t *out)
{
    *out = (leak_stats_t){0};
    for (uint32_t s = 0; s < __atomic_load_n(&reg.next, __ATOMIC_ACQUIRE); s++) {
        uintptr_t a = *reg_entry(s);
        if (a) {
            out->live_chunks++;
            out->live_bytes += hdr_size(hdr_of((void *)a));
        }
    }
    out->double_frees = __atomic_load_n(&reg.double_frees, __ATOMIC_RELAXED);
    out->invalid_frees = __atomic_load_n(&reg.invalid_frees, __ATOMIC_RELAXED);
    return 0;
}

int leak_reset(void)
{
    /* Slots stay valid (other threads' caches hold free ones): every slot
     * of a freed chunk goes back to the pool. */
    leak__lock();
    size_t live = 0;
    for (uint32_t s = 0; s < reg.next; s++)
        live += *reg_entry(s) != 0;
    bool room = pool_reserve(live) == 0;
    for (uint32_t s = 0; s < reg.next; s++) {
        uintptr_t a = *reg_entry(s);
        if (!a)
            continue;
        sys_free((char *)a - hdr_offset(hdr_of((void *)a)));
        *reg_entry(s) = 0;
        if (room)
            reg.pool[reg.npool++] = s;
    }
    reg.double_frees = reg.invalid_frees = 0;
    memset(reg.freed, 0, sizeof reg.freed);
    leak__unlock();
    return 0;
}

#else /* the stub: memory works, nothing is recorded */

void leak__lock(void) {}
void leak__unlock(void) {}
void leak__chunks_foreach(void (*fn)(uintptr_t, size_t, uint32_t, void *), void *ud)
{
    (void)fn;
    (void)ud;
}
size_t leak__chunks_live(void) { return 0; }
size_t leak__site_frames(uint32_t site, void **frames)
{
    (void)site;
    (void)frames;
    return 0;
}
int leak_init(const leak_options_t *opts)
{
    (void)opts;
    return -ENOSYS;
}
void *leak_malloc(size_t size) { return sys_malloc(size); }
void *leak_calloc(size_t nmemb, size_t size) { return sys_calloc(nmemb, size); }
void *leak_realloc(void *ptr, size_t size) { return sys_realloc(ptr, size); }
/* Never frees: a test that double-frees must fail, not crash glibc. */
void leak_free(void *ptr) { (void)ptr; }
int leak_posix_memalign(void **out, size_t alignment, size_t size)
{
    return (*out = sys_memalign(alignment, size)) ? 0 : ENOMEM;
}
void *leak_aligned_alloc(size_t alignment, size_t size)
{
    return sys_memalign(alignment, size);
}
char *leak_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sys_malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}
size_t leak_chunk_size(const void *ptr)
{
    (void)ptr;
    return 0;
}
int leak_stats(leak_stats_t *out)
{
    *out = (leak_stats_t){0};
    return -ENOSYS;
}
int leak_reset(void) { return -ENOSYS; }

#endif
