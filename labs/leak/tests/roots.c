/*
 * roots.c — tests of where roots are: a global, a TLS variable, another
 * thread's stack, another thread's register.
 *
 * Each test holds the only pointer to a chunk in one place and checks that
 * nothing is reported; then it drops that pointer and checks that the chunk
 * is reported. The second half proves the first was not luck: no stray
 * copy of the pointer was around to keep the chunk alive.
 *
 * Interface: stash_* → CHECK (nothing) → drop → CHECK (one direct leak).
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "common.h"

static void *volatile global_root;
static __thread void *volatile tls_root;

NOINLINE static void stash_in_global(void)
{
    global_root = leak_malloc(24);
}

NOINLINE static void stash_in_tls(void)
{
    tls_root = leak_malloc(24);
}

/* Asserts the report holds exactly one direct leak of `bytes`. */
static void assert_one_leak(leak_report_t *r, size_t bytes)
{
    assert_int_equal(1, r->nrecords);
    assert_int_equal(1, r->direct_objects);
    assert_int_equal(bytes, r->direct_bytes);
    leak_report_free(r);
}

static void test_a_pointer_in_a_global_keeps_the_chunk_alive_until_cleared(void **state)
{
    (void)state;
    leak_report_t r;
    stash_in_global();
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    global_root = NULL;
    CHECK(&r);
    assert_one_leak(&r, 24);
}

static void test_a_pointer_in_tls_keeps_the_chunk_alive_until_cleared(void **state)
{
    (void)state;
    leak_report_t r;
    stash_in_tls();
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    tls_root = NULL;
    CHECK(&r);
    assert_one_leak(&r, 24);
}

/* ---- another thread ---------------------------------------------------------- */

typedef struct holder {
    int phase;               /* atomic: 0 start, 1 holding, 2 drop, 3 dropped, 4 quit */
    int registered;
    uintptr_t masked;        /* the chunk, hidden from the scan */
} holder_t;

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

/* Keeps the chunk in a volatile local (its stack) until told to drop it. */
static void *stack_holder(void *arg)
{
    holder_t *h = arg;
    h->registered = leak_thread_register();
    void *volatile mine = (void *)(make_masked(56) ^ MASK);
    set_phase(h, 1);
    wait_phase(h, 2);
    h->masked = (uintptr_t)mine ^ MASK;
    mine = NULL;
    clear_scratch_registers();
    set_phase(h, 3);
    wait_phase(h, 4);
    leak_thread_unregister();
    return NULL;
}

static void test_a_pointer_on_another_threads_stack_keeps_the_chunk_alive(void **state)
{
    (void)state;
    holder_t h = {0};
    pthread_t t;
    leak_report_t r;
    assert_int_equal(0, pthread_create(&t, NULL, stack_holder, &h));
    int held = run_protocol(&h, &r);
    pthread_join(t, NULL);
    assert_int_equal(0, h.registered);
    assert_int_equal(0, held);
    assert_one_leak(&r, 56);
}

#if defined(__x86_64__)
/* Holds the chunk in r12 only (memory has it masked) while spinning; then
 * clears r12 and spins again. The spins are where the check stops it. */
static void *register_holder(void *arg)
{
    holder_t *h = arg;
    h->registered = leak_thread_register();
    h->masked = make_masked(72);
    clear_scratch_registers();       /* leak_malloc's leftovers */
    __asm__ volatile("movq (%[m]), %%r12\n\t"
                     "xorq %[k], %%r12\n\t"
                     "movl $1, (%[ph])\n\t"
                     "1: pause\n\t"
                     "cmpl $2, (%[ph])\n\t"
                     "jne 1b\n\t"
                     "xorl %%r12d, %%r12d\n\t"
                     "movl $3, (%[ph])\n\t"
                     "2: pause\n\t"
                     "cmpl $4, (%[ph])\n\t"
                     "jne 2b"
                     :
                     : [m] "r"(&h->masked), [k] "r"(MASK), [ph] "r"(&h->phase)
                     : "r12", "memory", "cc");
    leak_thread_unregister();
    return NULL;
}
#endif

static void test_a_pointer_only_in_another_threads_register_keeps_the_chunk_alive(void **state)
{
    (void)state;
#if defined(__x86_64__)
    holder_t h = {0};
    pthread_t t;
    leak_report_t r;
    assert_int_equal(0, pthread_create(&t, NULL, register_holder, &h));
    int held = run_protocol(&h, &r);
    pthread_join(t, NULL);
    assert_int_equal(0, h.registered);
    assert_int_equal(0, held);
    assert_one_leak(&r, 72);
#else
    skip();
#endif
}

UG_TEST_GROUP(leak_roots, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_a_pointer_in_a_global_keeps_the_chunk_alive_until_cleared,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_pointer_in_tls_keeps_the_chunk_alive_until_cleared,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_pointer_on_another_threads_stack_keeps_the_chunk_alive,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_pointer_only_in_another_threads_register_keeps_the_chunk_alive,
        leak_fixture, leak_fixture));
