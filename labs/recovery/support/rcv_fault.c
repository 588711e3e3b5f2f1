/*
 * rcv_fault.c — faults become panics, as Go's sigpanic makes them, and
 * the exit of an unrecovered panic. Pristine: the lab's answer is the
 * panic machinery this calls into, not the signal plumbing.
 *
 * The handler runs on an alternate signal stack (a fault on a task's
 * stack, or one that overflowed it, leaves no room there). It does not
 * panic on that stack: it rewrites the interrupted context so that, when
 * the handler returns, the task itself calls rcv__sigpanic as if the
 * faulting instruction had called it, on its own stack with the signal
 * unblocked again (the kernel restores the mask on return). Go does the
 * same: sigpanic is injected as a call at the faulting PC.
 *
 * Go's rules: a SIGSEGV below 4 KiB is "invalid memory address or nil
 * pointer dereference", SIGFPE an integer division by zero; any other
 * fault address is not a panic but "unexpected fault address", a fatal
 * error (exit 2).
 *
 * Interface: rcv_catch_faults() once → faults → rcv_panic_runtime.
 * rcv_die(text): stderr, then _exit(2).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "../recovery.h"

#define ALT_SIZE (64 * 1024)

static char alt_stack[ALT_SIZE] __attribute__((aligned(16)));
static int fault_sig;
static char fault_detail[160];

_Noreturn void rcv_die(const char *text)
{
    size_t len = strlen(text);
    while (len) {
        ssize_t n = write(2, text, len);
        if (n <= 0)
            break;
        text += n, len -= (size_t)n;
    }
    _exit(2);
}

/* Called "by" the faulting instruction, on the task's stack. */
static void rcv__sigpanic(void)
{
    if (fault_sig == SIGFPE)
        rcv_panic_runtime("runtime error: integer divide by zero", fault_detail);
    rcv_panic_runtime("runtime error: invalid memory address or nil pointer dereference",
                      fault_detail);
}

static int inject_call(ucontext_t *uc, void (*fn)(void))
{
#if defined(__x86_64__)
    greg_t *r = uc->uc_mcontext.gregs;
    uintptr_t sp = ((uintptr_t)r[REG_RSP] - 128) & ~(uintptr_t)15; /* below the red zone */
    sp -= 8;
    *(uintptr_t *)sp = (uintptr_t)r[REG_RIP]; /* the "return address" */
    r[REG_RSP] = (greg_t)sp;
    r[REG_RIP] = (greg_t)(uintptr_t)fn;
    return 0;
#elif defined(__aarch64__)
    uc->uc_mcontext.regs[30] = uc->uc_mcontext.pc;
    uc->uc_mcontext.sp = (uc->uc_mcontext.sp - 128) & ~(uint64_t)15;
    uc->uc_mcontext.pc = (uint64_t)(uintptr_t)fn;
    return 0;
#else
    (void)uc, (void)fn;
    return -1;
#endif
}

static uintptr_t fault_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *ucp)
{
    ucontext_t *uc = ucp;
    uintptr_t addr = (uintptr_t)si->si_addr, pc = fault_pc(uc);
    const char *name = sig == SIGFPE   ? "SIGFPE: floating-point exception"
                       : sig == SIGBUS ? "SIGBUS: bus error"
                                       : "SIGSEGV: segmentation violation";
    snprintf(fault_detail, sizeof fault_detail, "[signal %s code=%#x addr=%#lx pc=%#lx]", name,
             (unsigned)si->si_code, (unsigned long)addr, (unsigned long)pc);
    fault_sig = sig;
    if ((sig != SIGFPE && addr >= 4096) || inject_call(uc, rcv__sigpanic) != 0) {
        char text[256];
        snprintf(text, sizeof text, "unexpected fault address %#lx\nfatal error: fault\n%s\n",
                 (unsigned long)addr, fault_detail);
        rcv_die(text);
    }
}

int rcv_catch_faults(void)
{
    stack_t ss = {.ss_sp = alt_stack, .ss_size = ALT_SIZE};
    if (sigaltstack(&ss, NULL) != 0)
        return -errno;
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGSEGV, SIGFPE, SIGBUS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0)
            return -errno;
    return 0;
}
