/*
 * preempt.c — Go's asynchronous preemption: a timer signal takes the CPU
 * from a task that runs a whole time slice without a switch.
 *
 * A POSIX timer on the scheduler thread's CPU clock sends SIGURG (Go's
 * choice: few programs use it) after every slice of CPU time the thread
 * spends. The handler preempts when the same task has been running since
 * the last signal with no switch in between (sysmon's schedtick check), so
 * a task is preempted after one to two slices of CPU. It switches right in
 * the handler when that is safe: the interrupted instruction is the task's
 * own code — in the executable, not in a shared library such as libc,
 * which is not reentrant, and not in runtime code (rt__s.locks, RT_ENTER)
 * — and the stack is the task's. Otherwise it asks the task to yield at its
 * next scheduling point (preempt_pending). The preempted task later
 * resumes inside the handler, which returns to the interrupted code.
 *
 * Where this fires depends on real CPU time, so it is the one part of the
 * scheduler that a seed does not replay; a task that reaches a scheduling
 * point within its slice never sees it (the virtual slice ends first).
 * A preemption moves the virtual clock by a slice: the task used that much.
 *
 * Interface: rt__preempt_start at rt_run → signals → rt__preempt_stop.
 */
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "rt.h"

#define PREEMPT_SIGNAL SIGURG

static uintptr_t exe_lo, exe_hi;       /* the executable's code */
static timer_t cpu_timer;
static bool armed;
static struct sigaction old_action;
static const task_t *seen_task;        /* who ran at the last signal */
static uint64_t seen_switches;

/* The first object dl_iterate_phdr reports is the executable. */
static int find_exe(struct dl_phdr_info *info, size_t size, void *ud) {
    (void)size, (void)ud;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD || !(p->p_flags & PF_X)) continue;
        uintptr_t lo = info->dlpi_addr + p->p_vaddr, hi = lo + p->p_memsz;
        if (!exe_lo || lo < exe_lo) exe_lo = lo;
        if (hi > exe_hi) exe_hi = hi;
    }
    return 1;
}

static bool pc_in_exe(const void *uc_) {
    const ucontext_t *uc = uc_;
#if defined(__x86_64__)
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
#else
    uintptr_t pc = 0;
    (void)uc;
#endif
    return pc >= exe_lo && pc < exe_hi;
}

static bool on_stack_of(const task_t *t) {
    char *sp = __builtin_frame_address(0);
    return t->map && sp >= t->map && sp < t->map + rt__s.page + rt__s.stack_size;
}

/* Switches away from the interrupted task, from inside the handler. */
static void preempt_now(void) {
    rt__s.locks++;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, PREEMPT_SIGNAL);
    sigprocmask(SIG_UNBLOCK, &set, NULL);   /* the tasks that run next stay preemptible */
    if (rt__s.tick) rt__s.now += rt__s.slice;
    if (rt__timers_due()) rt__timers_fire_due();   /* a spin may wait for one */
    rt__yield();
    rt__s.locks--;
}

static void on_signal(int sig, siginfo_t *si, void *uc) {
    (void)sig, (void)si;
    int saved = errno;
    const task_t *t = rt__s.current;
    if (t && t == seen_task && rt__s.switches == seen_switches) {
        if (rt__s.locks == 0 && pc_in_exe(uc) && on_stack_of(t)) preempt_now();
        else {
            rt__s.preempt_pending = 1;
            rt__s.next_check = INT64_MIN;   /* the next tick looks */
        }
    }
    seen_task = rt__s.current;
    seen_switches = rt__s.switches;
    errno = saved;
}

/* Arms the timer for this run; without it (a filter refusing timers, no
 * signal) the run goes on with cooperative time slices only. */
void rt__preempt_start(void) {
    if (!exe_lo) dl_iterate_phdr(find_exe, NULL);
    struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (sigaction(PREEMPT_SIGNAL, &sa, &old_action) != 0) return;
    struct sigevent sev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = PREEMPT_SIGNAL};
    sev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &cpu_timer) != 0) {
        sigaction(PREEMPT_SIGNAL, &old_action, NULL);
        return;
    }
    struct timespec slice = {rt__s.slice / 1000000000, rt__s.slice % 1000000000};
    struct itimerspec its = {.it_interval = slice, .it_value = slice};
    timer_settime(cpu_timer, 0, &its, NULL);
    seen_task = NULL;
    armed = true;
}

void rt__preempt_stop(void) {
    if (!armed) return;
    timer_delete(cpu_timer);
    sigaction(PREEMPT_SIGNAL, &old_action, NULL);
    armed = false;
    rt__s.preempt_pending = 0;
}
