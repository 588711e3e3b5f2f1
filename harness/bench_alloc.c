/*
 * bench_alloc.c — B/op and allocs/op for bench binaries, by interposing on
 * the malloc family.
 *
 * A bench binary that asks for it (UG_BENCH_COUNT_ALLOCS() in bench.h, which
 * references ug__bench_alloc_counter and so pulls this object out of the
 * undergo_bench archive) links this file, so its own malloc, calloc, realloc,
 * reallocarray, posix_memalign, aligned_alloc, memalign and free replace
 * glibc's for the whole process: the dynamic linker resolves every call,
 * including those made inside libc (strdup, fopen, ...), to the
 * executable's definitions.
 * Each one counts and forwards to glibc's allocator under its internal name
 * (__libc_malloc, ...), so memory comes from and returns to the same heap.
 *
 * Counting is gated by one flag the harness turns on with the bench timer.
 * Counters are relaxed atomics: benchmarks may allocate from many threads,
 * and only the totals matter, read after the threads have joined.
 *
 * Under AddressSanitizer or ThreadSanitizer the sanitizer owns malloc; two
 * interposers would fight, so there this file defines no allocator and the
 * harness reports 0 B/op and 0 allocs/op.
 *
 * The executable's malloc also wins over any allocator library linked or
 * preloaded into a bench binary (jemalloc included): such a benchmark
 * must call that allocator through its own API (mallocx, je_malloc...).
 *
 * Interface: ug_balloc_count(true) → malloc/free... → ug_balloc_read().
 */
#include "bench_alloc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UG_BALLOC_INTERPOSE 0
#else
#define UG_BALLOC_INTERPOSE 1
#endif

/* What UG_BENCH_COUNT_ALLOCS() refers to: the reason this object is linked. */
const int ug__bench_alloc_counter = 1;

static atomic_bool counting;
static atomic_uint_fast64_t n_allocs;
static atomic_uint_fast64_t n_bytes;

void ug_balloc_count(bool on)
{
    atomic_store_explicit(&counting, on, memory_order_relaxed);
}

void ug_balloc_read(uint64_t *allocs, uint64_t *bytes)
{
    *allocs = atomic_load_explicit(&n_allocs, memory_order_relaxed);
    *bytes = atomic_load_explicit(&n_bytes, memory_order_relaxed);
}

bool ug_balloc_active(void)
{
    return UG_BALLOC_INTERPOSE;
}

#if UG_BALLOC_INTERPOSE

/* glibc's allocator under its internal names; stable exported symbols. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

/* C23 names that glibc 2.36 does not declare yet. */
void free_sized(void *ptr, size_t size);
void free_aligned_sized(void *ptr, size_t alignment, size_t size);
void *memalign(size_t alignment, size_t size);

/* Records one allocation of `size` bytes if counting is on. */
static void balloc_note(size_t size)
{
    if (!atomic_load_explicit(&counting, memory_order_relaxed))
        return;
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_bytes, size, memory_order_relaxed);
}

void *malloc(size_t size)
{
    balloc_note(size);
    return __libc_malloc(size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

void free_sized(void *ptr, size_t size)
{
    (void)size;
    __libc_free(ptr);
}

void free_aligned_sized(void *ptr, size_t alignment, size_t size)
{
    (void)alignment;
    (void)size;
    __libc_free(ptr);
}

void *calloc(size_t nmemb, size_t size)
{
    size_t total;

    /* An overflowing request allocates nothing; glibc fails it with ENOMEM. */
    if (!__builtin_mul_overflow(nmemb, size, &total))
        balloc_note(total);
    return __libc_calloc(nmemb, size);
}

/* Like Go's append, a growing realloc counts as a new allocation; a
 * realloc that frees (size 0 with a pointer) counts as none. */
void *realloc(void *ptr, size_t size)
{
    if (ptr == NULL || size != 0)
        balloc_note(size);
    return __libc_realloc(ptr, size);
}

/* glibc's own reallocarray bypasses realloc's symbol; count it here. */
void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
    size_t total;

    if (__builtin_mul_overflow(nmemb, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, total);
}

void *memalign(size_t alignment, size_t size)
{
    balloc_note(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    balloc_note(size);
    return __libc_memalign(alignment, size);
}

/* POSIX: alignment must be a power of two multiple of sizeof(void *). */
int posix_memalign(void **memptr, size_t alignment, size_t size)
{
    void *p;

    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 ||
        alignment == 0)
        return EINVAL;
    balloc_note(size);
    p = __libc_memalign(alignment, size);
    if (p == NULL)
        return ENOMEM;
    *memptr = p;
    return 0;
}

#endif
