/*
 * leak_roots.c — where a pointer can hide outside the heap, and holding still
 * the threads that own those places.
 *
 * Roots are: the writable PT_LOAD segments of every loaded object (data,
 * bss; found with dl_iterate_phdr), the TLS block of every module in every
 * thread (PT_TLS; dlpi_tls_data is the calling thread's copy, so each
 * thread records its own when it registers), each thread's stack from its
 * stack pointer up, and its registers. Inside rt_run the live tasks' stacks
 * are roots too, each from its saved stack pointer up.
 *
 * Stopping the world without ptrace: leak__stop_world sends SIGUSR2 to each
 * registered thread; the handler copies the interrupted context (every
 * register, the stack pointer) into the thread's slot, says "stopped" and
 * spins until the world restarts. While stopped a thread touches nothing,
 * so the scan reads its stack and the chunk table without races. The
 * caller must not call malloc between stop and start: a stopped thread may
 * hold glibc's arena lock.
 *
 * Interface: leak_thread_register (in each thread) → leak__stop_world →
 * leak__roots_globals / leak__roots_threads → leak__start_world →
 * leak_thread_unregister before the thread ends.
 */
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "support/leak_impl.h"

#define MAX_THREADS 64
#define MAX_TLS 16
#define STOP_SIGNAL SIGUSR2

typedef struct range {
    uintptr_t lo, hi;
} range_t;

/* ---- the calling thread's own stack ------------------------------------------ */

/* glibc's record of where the main thread's stack began (its top). */
extern void *__libc_stack_end;

/* The main thread's bounds when pthread_getattr_np cannot tell: it reads
 * /proc/self/maps for the main thread, and a sandbox may have no /proc. The
 * top is where glibc found the stack at startup; the bottom is only used to
 * recognize frames on it, so the rlimit's worth below the top will do. */
static int main_stack_fallback(uintptr_t *lo, uintptr_t *hi)
{
    if (getpid() != gettid() || !__libc_stack_end)
        return -ENOENT;
    struct rlimit rl;
    size_t size = getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                      ? (size_t)rl.rlim_cur : (size_t)8 << 20;
    *hi = ((uintptr_t)__libc_stack_end + 4095) & ~(uintptr_t)4095;
    *lo = *hi - size;
    return 0;
}

int leak__self_stack(uintptr_t *lo, uintptr_t *hi)
{
    static __thread uintptr_t c_lo, c_hi;
    if (!c_hi) {
        pthread_attr_t a;
        void *addr = NULL;
        size_t size = 0;
        int rc = pthread_getattr_np(pthread_self(), &a);
        if (rc == 0) {
            rc = pthread_attr_getstack(&a, &addr, &size);
            pthread_attr_destroy(&a);
        }
        if (rc == 0) {
            c_lo = (uintptr_t)addr;
            c_hi = (uintptr_t)addr + size;
        } else if (main_stack_fallback(&c_lo, &c_hi) != 0) {
            return -rc;
        }
    }
    *lo = c_lo;
    *hi = c_hi;
    return 0;
}

void leak__save_regs(uintptr_t regs[6])
{
#if defined(__x86_64__)
    __asm__ volatile("movq %%rbx, 0(%0)\n\tmovq %%rbp, 8(%0)\n\tmovq %%r12, 16(%0)\n\t"
                     "movq %%r13, 24(%0)\n\tmovq %%r14, 32(%0)\n\tmovq %%r15, 40(%0)"
                     : : "r"(regs) : "memory");
#else
    ucontext_t uc;
    getcontext(&uc);
    memcpy(regs, &uc, 6 * sizeof regs[0]);
#endif
}

#if LAB_SOLUTION

/* ---- the registry ------------------------------------------------------------- */

typedef struct thr {
    int used;                 /* atomic: slot taken */
    pthread_t self;
    range_t stack;
    range_t tls[MAX_TLS];
    size_t ntls;
    /* written by the thread itself in the stop handler */
    int stopped;              /* atomic */
    uintptr_t sp;
    mcontext_t regs;
} thr_t;

static thr_t thr[MAX_THREADS];
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static int world_stopped;     /* atomic */
static bool handler_set;

static int tls_cb(struct dl_phdr_info *info, size_t size, void *ud)
{
    (void)size;
    thr_t *t = ud;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_TLS || !info->dlpi_tls_data || t->ntls == MAX_TLS)
            continue;
        uintptr_t lo = (uintptr_t)info->dlpi_tls_data;
        t->tls[t->ntls++] = (range_t){lo, lo + ph->p_memsz};
    }
    return 0;
}

/* The calling thread's slot, or NULL. Async-signal-safe. */
static thr_t *thr_self(void)
{
    pthread_t me = pthread_self();
    for (int i = 0; i < MAX_THREADS; i++)
        if (__atomic_load_n(&thr[i].used, __ATOMIC_ACQUIRE) && pthread_equal(thr[i].self, me))
            return &thr[i];
    return NULL;
}

static uintptr_t mcontext_sp(const mcontext_t *m)
{
    /* From sp up, as LeakSanitizer does: the 128-byte red zone below it
     * would only bring back dead values of returned callees. */
#if defined(__x86_64__)
    return (uintptr_t)m->gregs[REG_RSP];
#elif defined(__aarch64__)
    return (uintptr_t)m->sp;
#else
    (void)m;
    return 0;
#endif
}

/* Runs in a registered thread: saves the context, waits out the scan. */
static void on_stop(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    int saved = errno;
    thr_t *t = thr_self();
    if (t) {
        const ucontext_t *uc = ucv;
        t->regs = uc->uc_mcontext;
        t->sp = mcontext_sp(&t->regs);
        if (!t->sp)
            t->sp = (uintptr_t)&saved;
        __atomic_store_n(&t->stopped, 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&world_stopped, __ATOMIC_ACQUIRE))
            sched_yield();
        __atomic_store_n(&t->stopped, 0, __ATOMIC_RELEASE);
    }
    errno = saved;
}

static int handler_install(void)
{
    if (handler_set)
        return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_stop;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    if (sigaction(STOP_SIGNAL, &sa, NULL) != 0)
        return -errno;
    handler_set = true;
    return 0;
}

int leak_thread_register(void)
{
    uintptr_t lo, hi;
    int rc = leak__self_stack(&lo, &hi);
    if (rc)
        return rc;
    pthread_mutex_lock(&reg_mu);
    rc = handler_install();
    thr_t *t = rc ? NULL : thr_self();
    for (int i = 0; !rc && !t && i < MAX_THREADS; i++)
        if (!thr[i].used)
            t = &thr[i];
    if (!rc && !t)
        rc = -EBUSY;
    if (t) {
        t->self = pthread_self();
        t->stack = (range_t){lo, hi};
        t->ntls = 0;
        dl_iterate_phdr(tls_cb, t);
        __atomic_store_n(&t->used, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&reg_mu);
    return rc;
}

int leak_thread_unregister(void)
{
    pthread_mutex_lock(&reg_mu);
    thr_t *t = thr_self();
    if (t)
        __atomic_store_n(&t->used, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&reg_mu);
    return t ? 0 : -ENOENT;
}

/* ---- stopping the world -------------------------------------------------------- */

int leak__stop_world(void)
{
    pthread_mutex_lock(&reg_mu);     /* held until leak__start_world */
    __atomic_store_n(&world_stopped, 1, __ATOMIC_RELEASE);
    pthread_t me = pthread_self();
    for (int i = 0; i < MAX_THREADS; i++) {
        if (!thr[i].used || pthread_equal(thr[i].self, me))
            continue;
        if (pthread_kill(thr[i].self, STOP_SIGNAL) != 0) {
            thr[i].used = 0;         /* it is gone: it forgot to unregister */
            continue;
        }
        while (!__atomic_load_n(&thr[i].stopped, __ATOMIC_ACQUIRE))
            sched_yield();
    }
    return 0;
}

void leak__start_world(void)
{
    pthread_t me = pthread_self();
    __atomic_store_n(&world_stopped, 0, __ATOMIC_RELEASE);
    /* Wait for every handler to return, so the next stop starts clean, and
     * forget the saved registers: this array is in bss, itself a root, and
     * old register values must not keep chunks alive in the next check. */
    for (int i = 0; i < MAX_THREADS; i++) {
        if (thr[i].used && !pthread_equal(thr[i].self, me))
            while (__atomic_load_n(&thr[i].stopped, __ATOMIC_ACQUIRE))
                sched_yield();
        memset(&thr[i].regs, 0, sizeof thr[i].regs);
        thr[i].sp = 0;
    }
    pthread_mutex_unlock(&reg_mu);
}

/* ---- the roots ------------------------------------------------------------------ */

typedef struct emit {
    leak_range_fn fn;
    void *ud;
} emit_t;

static int globals_cb(struct dl_phdr_info *info, size_t size, void *ud)
{
    (void)size;
    emit_t *e = ud;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        e->fn(lo, lo + ph->p_memsz, e->ud);
    }
    return 0;
}

void leak__roots_globals(leak_range_fn fn, void *ud)
{
    emit_t e = {fn, ud};
    dl_iterate_phdr(globals_cb, &e);
}

/* Live tasks' stacks: the current one from `from`, the others from their
 * saved stack pointer (their callee-saved registers sit just above it). */
typedef struct task_emit {
    emit_t e;
    uint64_t self;
    uintptr_t from;
} task_emit_t;

static int task_cb(const task_info_t *t, void *ud)
{
    task_emit_t *te = ud;
    if (!t->stack_hi)
        return 0;
    uintptr_t lo = t->id == te->self ? te->from : (uintptr_t)t->sp;
    if (lo >= (uintptr_t)t->stack_lo && lo < (uintptr_t)t->stack_hi)
        te->e.fn(lo, (uintptr_t)t->stack_hi, te->e.ud);
    return 0;
}

void leak__roots_threads(leak_range_fn fn, void *ud, uintptr_t from,
                         const uintptr_t *regs, size_t nregs)
{
    pthread_t me = pthread_self();
    uintptr_t lo = 0, hi = 0;
    fn((uintptr_t)regs, (uintptr_t)(regs + nregs), ud);
    if (leak__self_stack(&lo, &hi) == 0 && from >= lo && from < hi)
        fn(from, hi, ud);
    if (task_self() != 0) {
        task_emit_t te = {{fn, ud}, task_self(), from};
        task_foreach(task_cb, &te);
    }
    thr_t *self = NULL;
    for (int i = 0; i < MAX_THREADS; i++) {
        thr_t *t = &thr[i];
        if (!t->used)
            continue;
        if (pthread_equal(t->self, me)) {
            self = t;
            continue;
        }
        fn((uintptr_t)&t->regs, (uintptr_t)(&t->regs + 1), ud);
        if (t->sp >= t->stack.lo && t->sp < t->stack.hi)
            fn(t->sp, t->stack.hi, ud);
        for (size_t k = 0; k < t->ntls; k++)
            fn(t->tls[k].lo, t->tls[k].hi, ud);
    }
    /* The caller's TLS, registered or not, is read in place. */
    thr_t mine = {0};
    (void)self;
    dl_iterate_phdr(tls_cb, &mine);
    for (size_t k = 0; k < mine.ntls; k++)
        fn(mine.tls[k].lo, mine.tls[k].hi, ud);
}

#else /* stub */

int leak_thread_register(void) { return -ENOSYS; }
int leak_thread_unregister(void) { return -ENOSYS; }
int leak__stop_world(void) { return -ENOSYS; }
void leak__start_world(void) {}
void leak__roots_globals(leak_range_fn fn, void *ud)
{
    (void)fn;
    (void)ud;
}
void leak__roots_threads(leak_range_fn fn, void *ud, uintptr_t from,
                         const uintptr_t *regs, size_t nregs)
{
    (void)fn;
    (void)ud;
    (void)from;
    (void)regs;
    (void)nregs;
}

#endif
