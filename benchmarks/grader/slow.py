#!/usr/bin/env python3
"""Makes a lab's reference slower, for benchmarks/grader/score_stability.

Usage: slow.py <lab-folder> <function>...

Each named function of the lab's editable sources becomes a static,
always-inlined <name>__body (the call stack stays the reference's: the leak
lab records allocation sites from it), and a wrapper of the same signature
takes its place. Its first call arms a profiling timer, and everything the process
does after the lab is first called runs at half speed: each time the
profiling timer interrupts a thread, a SIGPROF handler spins for as much
CPU time as that thread used since its last spin. A candidate twice as slow
as the reference, whatever a benchmark's calls cost. (Timing each call and
spinning as long cannot do that here: reading a clock costs tens of
nanoseconds in a virtual machine, more than many calls, and a benchmark's
own loop is not in the wrapped functions.) The answers, counters and side
effects stay the reference's (every test still passes); only time is added.
Name the functions a benchmark calls first. Files are edited in place; a
function that is not found is an error.
"""
import re
import sys
from pathlib import Path


def params_names(params):
    """The argument list that forwards a parameter list: the last identifier of each."""
    params = params.strip()
    if params in ("", "void"):
        return ""
    names = []
    for p in params.split(","):
        m = re.search(r"([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*$", p.strip())
        if not m:
            raise ValueError(f"cannot name the parameter '{p.strip()}'")
        names.append(m.group(1))
    return ", ".join(names)


PAD = r"""
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The profiling timer fires as the process uses CPU time (at the kernel's
 * tick, whatever period is asked for) and interrupts the thread that was
 * running; the handler spins for as much CPU time as that thread used since
 * its own last spin ended, so half of every thread's CPU time goes to
 * spinning and each runs at half speed. The thread's clock, not the
 * process's: the process's sums every thread (the runtime's workers, the
 * harness's), and a thread spinning for all of them ran at a third of its
 * speed or less. All signals wait while it spins (the runtime's preemption
 * signal must not switch tasks inside this handler). */
enum { SLOW_PERIOD_US = 1000 };

static long long slow_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static __thread long long slow_since; /* this thread's CPU time when its last spin ended */

static void slow_spin(int sig)
{
    (void)sig;
    long long now = slow_cpu_ns(), until = now + (now - slow_since);
    while ((now = slow_cpu_ns()) < until)
        ;
    slow_since = now;
}

/* Interval timers are not inherited by fork(): a child arms its own. */
static void slow_arm_timer(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = slow_spin;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, NULL);
    slow_since = slow_cpu_ns();
    struct itimerval it = {{0, SLOW_PERIOD_US}, {0, SLOW_PERIOD_US}};
    setitimer(ITIMER_PROF, &it, NULL);
}

static inline void slow_arm(void)
{
    static int armed;
    if (!armed) {
        armed = 1;
        slow_arm_timer();
        pthread_atfork(NULL, NULL, slow_arm_timer);
    }
}
"""


def wrap(text, name):
    """text with name() wrapped, or None if text does not define name()."""
    pat = re.compile(r"^(?P<ret>[A-Za-z_][\w \t\*]*?)(?P<sep>[\s\*]+)" + re.escape(name) +
                     r"\s*\((?P<params>[^)]*)\)\s*\{", re.M)
    m = pat.search(text)
    if not m or m.group("ret").strip() in ("return", "else"):
        return None  # a call or a declaration, not this file's definition
    ret = re.sub(r"^(static|inline|extern)\s+", "", (m.group("ret") + m.group("sep")).strip())
    params = m.group("params")
    args = params_names(params)
    body = f"{name}__body({args})"
    head = (text[:m.start()] + "static inline __attribute__((always_inline)) " + m.group("ret") +
            m.group("sep") + name + "__body" + text[m.end("sep") + len(name):])
    inner = "    slow_arm();\n"
    if ret == "void":
        inner += f"    {body};\n"
    else:
        inner += f"    return {body};\n"
    return head + f"\n{ret} {name}({params})\n{{\n{inner}}}\n", f"{ret} {name}({params})"


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: slow.py <lab-folder> <function>...")
    folder = Path(sys.argv[1])
    files = sorted(folder.glob("*.c"))
    texts = {f: f.read_text() for f in files}
    padded, heads = set(), {}
    for spec in sys.argv[2:]:
        name = spec
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            sys.exit(f"slow.py: '{name}' is not a function name")
        for f in files:
            out = wrap(texts[f], name)
            if out is not None:
                texts[f], head = out
                padded.add(f)
                heads.setdefault(f, []).append(head)
                break
        else:
            sys.exit(f"slow.py: {folder}: no definition of {name}()")
    for f in files:
        text = texts[f]
        if f in padded:
            # before the first wrapper, which wrap() appended after the file
            at = min(text.index(f"\n{w}\n{{\n    slow_arm();") for w in heads[f])
            text = text[:at] + PAD + text[at:]
        f.write_text(text)


if __name__ == "__main__":
    main()
