/*
 * roots.c — tests of where roots are: a global, a TLS variable, another
 * thread's stack, another thread's register.
 *
 * Each test holds the only pointer to a chunk in one place and checks that
 * nothing is reported; then it drops that pointer and checks that the chunk
 * is reported. The second half proves the first was not luck: no stray
 * copy of the pointer was around to keep the chunk alive.
 *
 * Sizes, slots, counts and the register come from the seed.
 *
 * Interface: stash / holder → CHECK (nothing) → drop → CHECK (the leaks).
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "common.h"

/* Where a global root may sit: .bss (zero-initialized) and .data. The
 * other slots hold words that point nowhere. */
static void *volatile bss_roots[4];
static void *volatile data_roots[4] = {(void *)1, (void *)1, (void *)1, (void *)1};
static __thread void *volatile tbss_roots[4];
static __thread void *volatile tdata_roots[4] = {(void *)1, (void *)1, (void *)1, (void *)1};

/* Two chunks from two call sites, each held only in *zero or *init. */
NOINLINE static void stash(void *volatile *zero, size_t zero_n, void *volatile *init, size_t init_n)
{
    *zero = leak_malloc(zero_n);
    *init = leak_malloc(init_n);
}

/* The two roots of a root test: a slot of each kind, a seeded size each. */
typedef struct pair {
    size_t zero_slot, init_slot, zero_n, init_n;
    bool zero_first; /* which one is cleared first */
} pair_t;

/* One draw per statement: the order of draws inside an initializer is
 * unspecified. */
static pair_t seed_pair(void)
{
    pair_t p;
    p.zero_slot = ug_rand_below(4);
    p.init_slot = ug_rand_below(4);
    p.zero_n = 1 + ug_rand_below(500);
    p.init_n = 1 + ug_rand_below(500);
    p.zero_first = ug_rand_below(2) == 0;
    return p;
}

/* Holding both chunks (in *zero and *init), nothing is reported; clearing
 * one in seeded order, that one is; clearing the other, both are. Each
 * check on a line of its own: consecutive checks of one line that come out
 * equal are merged in a transcript. */
static void hold_then_clear(void *volatile *zero, void *volatile *init, pair_t p)
{
    leak_report_t r;
    stash(zero, p.zero_n, init, p.init_n);
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    leak_report_free(&r);
    if (p.zero_first)
        *zero = NULL;
    else
        *init = (void *)1;
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(p.zero_first ? p.zero_n : p.init_n, r.direct_bytes);
    leak_report_free(&r);
    *zero = NULL;
    *init = (void *)1;
    CHECK(&r);
    assert_int_equal(2, r.nrecords);
    assert_int_equal(2, r.direct_objects);
    assert_int_equal(p.zero_n + p.init_n, r.direct_bytes);
    leak_report_free(&r);
}

/* Slots and sizes are seeded. */
static void test_a_pointer_in_a_global_keeps_the_chunk_alive_until_cleared(void **state)
{
    (void)state;
    pair_t p = seed_pair();
    hold_then_clear(&bss_roots[p.zero_slot], &data_roots[p.init_slot], p);
}

/* The same with thread-local variables (.tbss, .tdata) of the thread
 * calling leak_check, registered or not. */
static void test_a_pointer_in_tls_keeps_the_chunk_alive_until_cleared(void **state)
{
    (void)state;
    pair_t p = seed_pair();
    hold_then_clear(&tbss_roots[p.zero_slot], &tdata_roots[p.init_slot], p);
}

/* ---- another thread ---------------------------------------------------------- */

typedef struct holder {
    int phase;               /* atomic: 0 start, 1 holding, 2 drop, 3 dropped, 4 quit */
    int registered;
    size_t n, sizes[4];      /* the chunks to hold (seeded) */
    unsigned reg;            /* the register that holds one (seeded) */
    uintptr_t masked;        /* the chunk, hidden from the scan */
} holder_t;

/* A holder of n chunks of seeded sizes (n: 1 to max); *bytes: their sum. */
static holder_t seed_holder(size_t max, size_t *bytes)
{
    holder_t h = {.n = 1 + ug_rand_below(max)};
    h.reg = (unsigned)ug_rand_below(5);
    *bytes = 0;
    for (size_t i = 0; i < h.n; i++)
        *bytes += h.sizes[i] = 8 + ug_rand_below(8000);
    return h;
}

static void wait_phase(holder_t *h, int want)
{
    while (__atomic_load_n(&h->phase, __ATOMIC_ACQUIRE) != want)
        sched_yield();
}

static void set_phase(holder_t *h, int p) { __atomic_store_n(&h->phase, p, __ATOMIC_RELEASE); }

NOINLINE static uintptr_t make_masked(size_t n)
{
    return (uintptr_t)leak_malloc(n) ^ MASK;
}

/* Checks while the thread holds the chunk, then after it dropped it (the
 * second report lands in *r). Asserts nothing until the thread is released,
 * so a failing check cannot leave it spinning. Returns the records of the
 * first check, or -1 if a check failed. */
static int run_protocol(holder_t *h, leak_report_t *r)
{
    wait_phase(h, 1);
    scrub_stack();
    int rc = leak_check(r);
    int held = rc ? -1 : (int)r->nrecords;
    leak_report_free(r);
    set_phase(h, 2);
    wait_phase(h, 3);
    scrub_stack();
    if (leak_check(r) != 0)
        held = -1;
    set_phase(h, 4);
    return held;
}

/* Zeroes the scratch registers, where a dropped pointer may linger: the
 * scan reads a stopped thread's registers, every one of them. */
static void clear_scratch_registers(void)
{
#if defined(__x86_64__)
    __asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
                     "xorl %%esi, %%esi\n\txorl %%edi, %%edi\n\txorl %%r8d, %%r8d\n\t"
                     "xorl %%r9d, %%r9d\n\txorl %%r10d, %%r10d\n\txorl %%r11d, %%r11d"
                     : : : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
#endif
}

/* Fills mine[] with h's chunks. A function of its own, so the unmasked
 * values pass only through its registers (callee-saved ones come back as
 * they were) and its frame, which is dead once it returns. */
NOINLINE static void fill_holder(const holder_t *h, void *volatile *mine)
{
    for (size_t i = 0; i < h->n; i++)
        mine[i] = (void *)(make_masked(h->sizes[i]) ^ MASK);
}

/* Keeps the chunks in volatile locals (its stack) until told to drop them. */
static void *stack_holder(void *arg)
{
    holder_t *h = arg;
    h->registered = leak_thread_register();
    void *volatile mine[4] = {0};
    fill_holder(h, mine);
    set_phase(h, 1);
    wait_phase(h, 2);
    for (size_t i = 0; i < h->n; i++)
        mine[i] = NULL;
    clear_scratch_registers();
    set_phase(h, 3);
    wait_phase(h, 4);
    leak_thread_unregister();
    return NULL;
}

/* While the thread holds them nothing is reported; once it dropped them,
 * all are (one site). How many and how big come from the seed. */
static void test_a_pointer_on_another_threads_stack_keeps_the_chunk_alive(void **state)
{
    (void)state;
    size_t bytes;
    holder_t h = seed_holder(4, &bytes);
    pthread_t t;
    leak_report_t r;
    assert_int_equal(0, pthread_create(&t, NULL, stack_holder, &h));
    int held = run_protocol(&h, &r);
    pthread_join(t, NULL);
    assert_int_equal(0, h.registered);
    assert_int_equal(0, held);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(h.n, r.direct_objects);
    assert_int_equal(bytes, r.direct_bytes);
    leak_report_free(&r);
}

#if defined(__x86_64__)
/* Holds the chunk in register reg only (memory has it masked) while
 * spinning; then clears it and spins again. The spins are where the check
 * stops the thread. */
#define HOLD_IN(reg)                                                                               \
    __asm__ volatile("movq (%[m]), %%" reg "\n\t"                                                  \
                     "xorq %[k], %%" reg "\n\t"                                                    \
                     "movl $1, (%[ph])\n\t"                                                        \
                     "1: pause\n\t"                                                                \
                     "cmpl $2, (%[ph])\n\t"                                                        \
                     "jne 1b\n\t"                                                                  \
                     "xorq %%" reg ", %%" reg "\n\t"                                               \
                     "movl $3, (%[ph])\n\t"                                                        \
                     "2: pause\n\t"                                                                \
                     "cmpl $4, (%[ph])\n\t"                                                        \
                     "jne 2b"                                                                      \
                     :                                                                             \
                     : [m] "r"(&h->masked), [k] "r"(MASK), [ph] "r"(&h->phase)                     \
                     : reg, "memory", "cc")

/* One of the callee-saved registers, picked by the seed, holds the chunk. */
static void *register_holder(void *arg)
{
    holder_t *h = arg;
    h->registered = leak_thread_register();
    h->masked = make_masked(h->sizes[0]);
    clear_scratch_registers();       /* leak_malloc's leftovers */
    switch (h->reg) {
    case 0: HOLD_IN("r12"); break;
    case 1: HOLD_IN("r13"); break;
    case 2: HOLD_IN("r14"); break;
    case 3: HOLD_IN("r15"); break;
    default: HOLD_IN("rbx"); break;
    }
    leak_thread_unregister();
    return NULL;
}
#endif

/* The chunk's size and the register come from the seed. */
static void test_a_pointer_only_in_another_threads_register_keeps_the_chunk_alive(void **state)
{
    (void)state;
#if defined(__x86_64__)
    size_t bytes;
    holder_t h = seed_holder(1, &bytes);
    pthread_t t;
    leak_report_t r;
    assert_int_equal(0, pthread_create(&t, NULL, register_holder, &h));
    int held = run_protocol(&h, &r);
    pthread_join(t, NULL);
    assert_int_equal(0, h.registered);
    assert_int_equal(0, held);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(bytes, r.direct_bytes);
    leak_report_free(&r);
#else
    skip();
#endif
}

UG_TEST_GROUP(
    leak_roots, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_a_pointer_in_a_global_keeps_the_chunk_alive_until_cleared,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_pointer_in_tls_keeps_the_chunk_alive_until_cleared,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_pointer_on_another_threads_stack_keeps_the_chunk_alive,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_pointer_only_in_another_threads_register_keeps_the_chunk_alive, leak_setup,
        leak_fixture));
