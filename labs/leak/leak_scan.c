/*
 * leak_scan.c — the mark phase: which recorded chunks can a root still reach?
 *
 * The chunk table is a hash keyed by the exact start address, good for free
 * and useless for "which chunk contains this address?". So a check first
 * snapshots the live chunks into an array sorted by address (an LSD radix
 * sort, three 16-bit digits: user addresses fit in 48 bits) and indexes it
 * by 4 KiB page: the page of a candidate word leads to the few chunks that
 * start in it (or to the big chunk covering it), a short binary search finds
 * the last one starting at or below the word, and the word is a pointer into
 * it if it falls before its end. A word on a page the index does not know
 * points into no chunk: most non-pointers are rejected by one hash probe.
 * Interior pointers count, as in LeakSanitizer: C code keeps pointers to
 * fields and into arrays.
 *
 * Marking is a flood fill with an explicit stack (one entry per chunk at
 * most: a chunk is tagged before it is pushed). What stays untagged is lost.
 * leak__classify then tells direct from indirect. A lost chunk no other lost
 * chunk points to is direct; but a lost cycle nothing points into must not
 * come out all indirect, or nobody would be to blame. So: one direct chunk
 * per lost "source component" (a set of chunks reaching each other that
 * nothing else lost reaches), and every other lost chunk indirect. A
 * depth-first search orders the lost chunks by finishing time; sweeping
 * them from the last finished, each one not yet flooded starts a source
 * component (see leak__classify).
 *
 * Everything lives in anonymous mappings: the world may be stopped while
 * another thread holds glibc's malloc lock.
 *
 * Interface: leak__snap_build (lock held) → leak__scan_root ... →
 * leak__classify → (report) → leak__snap_free.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "support/leak_impl.h"

#define PAGE_SHIFT 12

#if LAB_SOLUTION

/* ---- the snapshot ---------------------------------------------------------------- */

static void snap_add(uintptr_t beg, size_t size, uint32_t site, void *ud)
{
    leak_snap_t *s = ud;
    s->c[s->n++] = (leak_chunk_t){beg, size, site, LEAK_TAG_NONE};
}

/* Sorts c[0..n) by beg, using tmp (n entries) as scratch. */
static void radix_sort(leak_chunk_t *c, leak_chunk_t *tmp, size_t n)
{
    static size_t count[1 << 16];
    leak_chunk_t *from = c, *to = tmp;
    for (int shift = 0; shift < 48; shift += 16) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(from[i].beg >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t d = 0; d < (1 << 16); d++) {
            size_t k = count[d];
            count[d] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i].beg >> shift) & 0xffff]++] = from[i];
        leak_chunk_t *t = from;
        from = to;
        to = t;
    }
    if (from != c)
        memcpy(c, from, n * sizeof *c);
}

#define FEW_RUNS 64

/* Merges the sorted runs a[0..m) and a[m..n) into out. */
static void merge(const leak_chunk_t *a, size_t m, size_t n, leak_chunk_t *out)
{
    size_t i = 0, j = m, k = 0;
    while (i < m && j < n)
        out[k++] = a[j].beg < a[i].beg ? a[j++] : a[i++];
    while (i < m)
        out[k++] = a[i++];
    while (j < n)
        out[k++] = a[j++];
}

/* Slots are handed out in order and a fresh heap grows upward, so the
 * snapshot is often a few sorted runs. If it is at most FEW_RUNS runs,
 * sorts it by merging them pairwise (tmp: n entries) and returns true. */
static bool sort_runs(leak_chunk_t *c, leak_chunk_t *tmp, size_t n)
{
    size_t start[FEW_RUNS + 2], nruns = 0;
    start[nruns++] = 0;
    for (size_t i = 1; i < n; i++) {
        if (c[i].beg >= c[i - 1].beg)
            continue;
        if (nruns == FEW_RUNS)
            return false;
        start[nruns++] = i;
    }
    start[nruns] = n;
    leak_chunk_t *from = c, *to = tmp;
    while (nruns > 1) {
        size_t out = 0;
        for (size_t r = 0; r < nruns; r += 2) {
            size_t lo = start[r], mid = start[r + 1], hi = r + 2 <= nruns ? start[r + 2] : mid;
            if (r + 1 == nruns)
                memcpy(to + lo, from + lo, (mid - lo) * sizeof *c);
            else
                merge(from + lo, mid - lo, hi - lo, to + lo);
            start[out++] = lo;
        }
        start[out] = n;
        nruns = out;
        leak_chunk_t *t = from;
        from = to;
        to = t;
    }
    if (from != c)
        memcpy(c, from, n * sizeof *c);
    return true;
}

/* Restores the max-heap below node i of c[0..n). */
static void sift_down(leak_chunk_t *c, size_t i, size_t n)
{
    for (size_t child; (child = 2 * i + 1) < n; i = child) {
        if (child + 1 < n && c[child + 1].beg > c[child].beg)
            child++;
        if (c[i].beg >= c[child].beg)
            return;
        leak_chunk_t t = c[i];
        c[i] = c[child];
        c[child] = t;
    }
}

/* Heapsort: in place and allocation-free (the world may be stopped while
 * another thread holds malloc's lock; qsort may allocate). */
static void heap_sort(leak_chunk_t *c, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(c, i, n);
    for (size_t end = n; end-- > 1;) {
        leak_chunk_t t = c[0];
        c[0] = c[end];
        c[end] = t;
        sift_down(c, 0, end);
    }
}

#define FEW_STRAYS 65536

/* The common case without scratch space: one long sorted run (the heap in
 * allocation order) and a few strays (reused slots, mmap'd big chunks).
 * Moves the strays aside, closes the gaps, and merges them back in from
 * the end. Returns true if it applied. */
static bool sort_strays(leak_chunk_t *c, size_t n)
{
    size_t best_a = 0, best_len = 0;
    for (size_t a = 0, i = 1; i <= n; i++) {
        if (i < n && c[i].beg >= c[i - 1].beg)
            continue;
        if (i - a > best_len) {
            best_a = a;
            best_len = i - a;
        }
        a = i;
    }
    size_t nb = n - best_len, bytes = nb * sizeof *c;
    if (nb == 0)
        return true;
    if (nb > FEW_STRAYS)
        return false;
    leak_chunk_t *side = leak__map(bytes);
    if (!side)
        return false;
    memcpy(side, c, best_a * sizeof *c);
    memcpy(side + best_a, c + best_a + best_len, (n - best_a - best_len) * sizeof *c);
    heap_sort(side, nb);
    memmove(c, c + best_a, best_len * sizeof *c);
    for (size_t i = best_len, j = nb, k = n; j > 0;)
        c[--k] = i > 0 && c[i - 1].beg > side[j - 1].beg ? c[--i] : side[--j];
    leak__unmap(side, bytes);
    return true;
}

/* Sorts the snapshot by address. Returns 0 or -ENOMEM. */
static int sort_snapshot(leak_chunk_t *c, size_t n)
{
    if (sort_strays(c, n))
        return 0;
    size_t bytes = (n + 1) * sizeof *c;
    leak_chunk_t *tmp = leak__map(bytes);
    if (!tmp)
        return -ENOMEM;
    if (!sort_runs(c, tmp, n))
        radix_sort(c, tmp, n);
    leak__unmap(tmp, bytes);
    return 0;
}

static size_t page_slot(uintptr_t page, size_t cap)
{
    return (size_t)((page * 0x9E3779B97F4A7C15ull) >> 24) & (cap - 1);
}

/* The previous check's arrays, kept for the next one: mapping fresh pages
 * costs a fault per 4 KiB, a large part of a check. */
static struct {
    void *p;
    size_t bytes;
} spare[4];

/* An anonymous mapping of at least *bytes; kind picks the spare. */
static void *snap_map(int kind, size_t *bytes)
{
    if (spare[kind].p && spare[kind].bytes >= *bytes) {
        void *p = spare[kind].p;
        *bytes = spare[kind].bytes;
        spare[kind].p = NULL;
        return p;
    }
    /* One populating mmap costs less than a page fault per 4 KiB. */
    void *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Keeps p as the spare of its kind, unmapping what it replaces. */
static void snap_unmap(int kind, void *p, size_t bytes)
{
    if (!p)
        return;
    if (spare[kind].p && spare[kind].bytes >= bytes) {
        leak__unmap(p, bytes);
        return;
    }
    leak__unmap(spare[kind].p, spare[kind].bytes);
    spare[kind].p = p;
    spare[kind].bytes = bytes;
}

#define FAR_BITS 65536                 /* bits of the far-area filter */

/* The filter bit of page pg's 2 MiB area. */
static size_t far_bit(uintptr_t pg)
{
    return (size_t)(((pg >> 9) * 0x9E3779B97F4A7C15ull) >> 48);
}

#define COVER_MAX (1u << 18)           /* pages a big chunk may add to the index */

static void page_put(leak_snap_t *s, uintptr_t pg, size_t first, size_t end)
{
    if (pg - s->dir_lo < s->dir_n) {
        s->dir[pg - s->dir_lo][0] = (uint32_t)first;
        s->dir[pg - s->dir_lo][1] = (uint32_t)end;
        return;
    }
    size_t b = far_bit(pg);
    s->far[b / 64] |= 1ull << (b % 64);
    size_t k = page_slot(pg, s->npages_cap);
    while (s->pages[k].page)
        k = (k + 1) & (s->npages_cap - 1);
    s->pages[k] = (leak_page_t){pg, (uint32_t)first, (uint32_t)end};
}

/* Pages chunk i covers beyond the one it starts in (no chunk starts there:
 * chunks do not overlap). */
static size_t covered(const leak_snap_t *s, size_t i)
{
    uintptr_t first = s->c[i].beg >> PAGE_SHIFT;
    uintptr_t last = (s->c[i].beg + (s->c[i].size ? s->c[i].size : 1) - 1) >> PAGE_SHIFT;
    return last - first;
}

#define DENSE_GAP 256                  /* pages between chunks that split a cluster */

/* Picks the dense region: the cluster of chunks (no gap over DENSE_GAP
 * pages) holding the most of them, usually the brk heap, and maps a direct
 * page table over it, unless it would be sparse. Returns 0 or -ENOMEM. */
static int dir_build(leak_snap_t *s)
{
    size_t best_a = 0, best_n = 0;
    for (size_t a = 0, i = 1; i <= s->n; i++) {
        if (i < s->n && (s->c[i].beg >> PAGE_SHIFT) - (s->c[i - 1].beg >> PAGE_SHIFT) <= DENSE_GAP)
            continue;
        if (i - a > best_n) {
            best_a = a;
            best_n = i - a;
        }
        a = i;
    }
    if (best_n < 64)
        return 0;
    const leak_chunk_t *last = &s->c[best_a + best_n - 1];
    uintptr_t lo = s->c[best_a].beg >> PAGE_SHIFT;
    uintptr_t hi = ((last->beg + (last->size ? last->size : 1) - 1) >> PAGE_SHIFT) + 1;
    if (hi - lo > 4 * best_n + 65536)
        return 0;
    s->dir_bytes = (hi - lo) * sizeof *s->dir;
    if (!(s->dir = snap_map(3, &s->dir_bytes)))
        return -ENOMEM;
    memset(s->dir, 0, (hi - lo) * sizeof *s->dir);
    s->dir_lo = lo;
    s->dir_n = hi - lo;
    return 0;
}

/* Builds the page index of the sorted chunks: every page where a chunk
 * starts, and every page a big chunk covers, so that a word whose page is
 * not indexed points into no chunk. Chunks too big to index (over 1 GiB)
 * set s->huge and fall back to a binary search. Returns 0 or -ENOMEM. */
static int pages_build(leak_snap_t *s)
{
    size_t npages = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i == 0 || (s->c[i].beg >> PAGE_SHIFT) != (s->c[i - 1].beg >> PAGE_SHIFT))
            npages++;
        size_t cov = covered(s, i);
        if (cov > COVER_MAX)
            s->huge = true;
        else
            npages += cov;
    }
    if (dir_build(s) != 0)
        return -ENOMEM;
    size_t cap = 16;
    while (cap < 2 * npages)
        cap *= 2;
    s->pages_bytes = cap * sizeof *s->pages + FAR_BITS / 8;
    if (!(s->pages = snap_map(2, &s->pages_bytes)))
        return -ENOMEM;
    memset(s->pages, 0, cap * sizeof *s->pages + FAR_BITS / 8);
    s->far = (uint64_t *)(s->pages + cap);
    s->npages_cap = cap;
    for (size_t i = 0; i < s->n;) {
        uintptr_t pg = s->c[i].beg >> PAGE_SHIFT;
        size_t j = i;
        while (j < s->n && (s->c[j].beg >> PAGE_SHIFT) == pg)
            j++;
        page_put(s, pg, i, j);
        /* The big chunk's last page may be where the next chunk starts:
         * that page gets the next chunk's entry, which finds the big one
         * as its predecessor. */
        size_t cov = covered(s, j - 1);
        if (cov && j < s->n && (s->c[j].beg >> PAGE_SHIFT) == pg + cov)
            cov--;
        for (size_t k = 1; cov <= COVER_MAX && k <= cov; k++)
            page_put(s, pg + k, j - 1, j);
        i = j;
    }
    return 0;
}

int leak__snap_build(leak_snap_t *s)
{
    size_t live = leak__chunks_live();
    memset(s, 0, sizeof *s);
    s->cap_bytes = (live + 1) * sizeof *s->c;
    s->stack_bytes = (live + 1) * sizeof *s->stack;
    s->c = snap_map(0, &s->cap_bytes);
    s->stack = snap_map(1, &s->stack_bytes);
    if (!s->c || !s->stack)
        goto nomem;
    leak__chunks_foreach(snap_add, s);
    if (sort_snapshot(s->c, s->n) != 0)
        goto nomem;
    s->stack_cap = live + 1;
    if (pages_build(s) != 0)
        goto nomem;
    s->lo = s->n ? s->c[0].beg : 1;
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i].beg + s->c[i].size + 1 > s->hi)
            s->hi = s->c[i].beg + s->c[i].size + 1;
    return 0;
nomem:
    leak__snap_free(s);
    return -ENOMEM;
}

void leak__snap_free(leak_snap_t *s)
{
    snap_unmap(0, s->c, s->cap_bytes);
    snap_unmap(1, s->stack, s->stack_bytes);
    snap_unmap(2, s->pages, s->pages_bytes);
    snap_unmap(3, s->dir, s->dir_bytes);
    memset(s, 0, sizeof *s);
}

/* ---- lookup ------------------------------------------------------------------------ */

/* The last chunk in [a, b) starting at or below v, or a - 1. Branch-free
 * halving: the comparison picks the half with a conditional move, so random
 * words cost no mispredicted branches. */
static ssize_t last_at_or_below(const leak_snap_t *s, size_t a, size_t b, uintptr_t v)
{
    if (a >= b)
        return (ssize_t)a - 1;
    const leak_chunk_t *base = s->c + a;
    for (size_t n = b - a; n > 1;) {
        size_t half = n / 2;
        base = base[half].beg <= v ? base + half : base;
        n -= half;
    }
    return base->beg <= v ? base - s->c : (ssize_t)a - 1;
}

ssize_t leak__snap_find(const leak_snap_t *s, uintptr_t v)
{
    if (v < s->lo || v >= s->hi)
        return -1;
    uintptr_t pg = v >> PAGE_SHIFT;
    ssize_t i = -1;
    if (pg - s->dir_lo < s->dir_n) {
        const uint32_t *d = s->dir[pg - s->dir_lo];
        if (!d[1])                                   /* nothing starts or lies here */
            i = s->huge ? last_at_or_below(s, 0, s->n, v) : -1;
        else
            i = s->c[d[0]].beg > v ? (ssize_t)d[0] - 1 : last_at_or_below(s, d[0], d[1], v);
        goto found;
    }
    /* Most words that get here are not pointers at all: one bit of an
     * L1-sized filter turns them away before the hash is probed. */
    size_t b = far_bit(pg);
    if (!s->huge && !(s->far[b / 64] & (1ull << (b % 64))))
        return -1;
    size_t k = page_slot(pg, s->npages_cap);
    for (;; k = (k + 1) & (s->npages_cap - 1)) {
        const leak_page_t *p = &s->pages[k];
        if (!p->page) {
            if (!s->huge)
                return -1;                           /* no chunk starts or lies here */
            i = last_at_or_below(s, 0, s->n, v);     /* inside a huge chunk, or nothing */
            break;
        }
        if (p->page == pg) {
            i = s->c[p->first].beg > v ? (ssize_t)p->first - 1
                                       : last_at_or_below(s, p->first, p->end, v);
            break;
        }
    }
found:
    if (i < 0)
        return -1;
    size_t size = s->c[i].size ? s->c[i].size : 1;
    return v - s->c[i].beg < size ? i : -1;
}

/* ---- marking -------------------------------------------------------------------------- */

/* Retags every chunk a word of [lo, hi) points into that has tag `from`
 * as `to`, and pushes it on the mark stack. */
LEAK_NO_ASAN
static void scan_words(leak_snap_t *s, uintptr_t lo, uintptr_t hi, uint32_t from, uint32_t to)
{
    lo = (lo + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
    for (const uintptr_t *w = (const uintptr_t *)lo; (uintptr_t)(w + 1) <= hi; w++) {
        uintptr_t v = *w;
        if (s->on_word)
            s->on_word(v, s->ud);
        if (v < s->lo || v >= s->hi)
            continue;
        ssize_t i = leak__snap_find(s, v);
        if (i >= 0 && s->c[i].tag == from) {
            s->c[i].tag = to;
            s->stack[s->sp++] = (uint32_t)i;
        }
    }
}

/* Pops until the mark stack is empty, scanning each chunk's contents. */
static void flood(leak_snap_t *s, uint32_t from, uint32_t to)
{
    while (s->sp) {
        const leak_chunk_t *c = &s->c[s->stack[--s->sp]];
        scan_words(s, c->beg, c->beg + c->size, from, to);
    }
}

void leak__scan_root(leak_snap_t *s, uintptr_t lo, uintptr_t hi)
{
    if (lo >= hi)
        return;
    scan_words(s, lo, hi, LEAK_TAG_NONE, LEAK_TAG_REACHABLE);
    flood(s, LEAK_TAG_NONE, LEAK_TAG_REACHABLE);
}

/* The next lost, unseen chunk pointed to from [*pos, end), advancing *pos
 * past the word; -1 at the end. */
LEAK_NO_ASAN
static ssize_t next_unseen(const leak_snap_t *s, uintptr_t *pos, uintptr_t end)
{
    for (; *pos + sizeof(uintptr_t) <= end; *pos += sizeof(uintptr_t)) {
        ssize_t i = leak__snap_find(s, *(const uintptr_t *)*pos);
        if (i >= 0 && s->c[i].tag == LEAK_TAG_NONE) {
            *pos += sizeof(uintptr_t);
            return i;
        }
    }
    return -1;
}

/* Depth-first search of the lost chunks from `root`, appending each to
 * post[] when finished. node/pos: an explicit stack, as deep as needed. */
static void dfs(leak_snap_t *s, size_t root, uint32_t *post, size_t *npost,
                uint32_t *node, uintptr_t *pos)
{
    size_t top = 0;
    s->c[root].tag = LEAK_TAG_SEEN;
    node[top] = (uint32_t)root;
    pos[top++] = (s->c[root].beg + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
    while (top) {
        const leak_chunk_t *c = &s->c[node[top - 1]];
        ssize_t v = next_unseen(s, &pos[top - 1], c->beg + c->size);
        if (v < 0) {
            post[(*npost)++] = node[--top];
            continue;
        }
        s->c[v].tag = LEAK_TAG_SEEN;
        node[top] = (uint32_t)v;
        pos[top++] = s->c[v].beg;
    }
}

/* Kosaraju's observation: the chunk that finishes last in a depth-first
 * search lies in a source component (nothing else lost points into it).
 * Sweeping in reverse finishing order, each chunk not yet flooded is such a
 * source: it is DIRECT, and what it floods is INDIRECT. */
void leak__classify(leak_snap_t *s)
{
    size_t lost = 0, npost = 0;
    for (size_t i = 0; i < s->n; i++)
        lost += s->c[i].tag == LEAK_TAG_NONE;
    if (!lost)
        return;
    size_t bytes = lost * (2 * sizeof(uint32_t) + sizeof(uintptr_t));
    char *mem = leak__map(bytes);
    if (!mem) {                      /* no memory: call every lost chunk direct */
        for (size_t i = 0; i < s->n; i++)
            if (s->c[i].tag == LEAK_TAG_NONE)
                s->c[i].tag = LEAK_TAG_DIRECT;
        return;
    }
    uintptr_t *pos = (uintptr_t *)mem;
    uint32_t *post = (uint32_t *)(pos + lost), *node = post + lost;
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i].tag == LEAK_TAG_NONE)
            dfs(s, i, post, &npost, node, pos);
    for (size_t k = npost; k-- > 0;) {
        leak_chunk_t *c = &s->c[post[k]];
        if (c->tag != LEAK_TAG_SEEN)
            continue;
        c->tag = LEAK_TAG_DIRECT;
        scan_words(s, c->beg, c->beg + c->size, LEAK_TAG_SEEN, LEAK_TAG_INDIRECT);
        flood(s, LEAK_TAG_SEEN, LEAK_TAG_INDIRECT);
    }
    leak__unmap(mem, bytes);
}

#else /* stub */

int leak__snap_build(leak_snap_t *s)
{
    memset(s, 0, sizeof *s);
    return -ENOSYS;
}
void leak__snap_free(leak_snap_t *s) { memset(s, 0, sizeof *s); }
ssize_t leak__snap_find(const leak_snap_t *s, uintptr_t v)
{
    (void)s;
    (void)v;
    return -1;
}
void leak__scan_root(leak_snap_t *s, uintptr_t lo, uintptr_t hi)
{
    (void)s;
    (void)lo;
    (void)hi;
}
void leak__classify(leak_snap_t *s) { (void)s; }

#endif
