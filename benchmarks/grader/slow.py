#!/usr/bin/env python3
"""Makes a lab's reference slower, for benchmarks/grader/score_stability.

Usage: slow.py <lab-folder> <function>...

Each named function of the lab's editable sources becomes a static,
always-inlined <name>__body (the call stack stays the reference's: the leak
lab records allocation sites from it), and a wrapper of the same signature takes its
place: it runs the body, then spins as long as the body took, so every call
costs about twice the reference's. The answers, counters and side effects
stay the reference's (every test still passes); only time is added.

Reading a clock on every call would cost more than many calls (here a cycle
counter read costs tens of nanoseconds in a virtual machine), so one call in
SAMPLE is timed and the others spin for the running average of the timed
ones, in turns of an empty loop calibrated once against the counter. Name
only the functions a benchmark calls, not the ones they call: a wrapped
function inside another would be counted twice. Files are edited in place;
a function that is not found is an error.
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


PAD = """
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline unsigned long long slow_now(void) { return __rdtsc(); }
#else
#include <time.h>
static inline unsigned long long slow_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}
#endif

enum { SLOW_SAMPLE = 64, SLOW_WINDOW = 15 };

typedef struct slow_fn {
    unsigned long calls, turns;      /* turns: what each call spins */
    double ticks[SLOW_WINDOW];       /* the last timed bodies */
} slow_fn_t;

static __attribute__((noinline)) void slow_pad(unsigned long n)
{
    for (volatile unsigned long i = 0; i < n; i++)
        ;
}

static double slow_median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* Ticks of one turn of slow_pad, of a call of slow_pad(0) and of reading
 * the counter itself (medians: a preempted sample must not set the pace). */
static double slow_turn, slow_call, slow_read;

static void slow_calibrate(void)
{
    double d[31];
    for (int i = 0; i < 31; i++) {
        unsigned long long a = slow_now(), b = slow_now();
        d[i] = (double)(b - a);
    }
    slow_read = slow_median(d, 31);
    for (int i = 0; i < 7; i++) {
        unsigned long long a = slow_now();
        slow_pad(100000);
        d[i] = (double)(slow_now() - a) / 1e5;
    }
    slow_turn = slow_median(d, 7);
    for (int i = 0; i < 7; i++) {
        unsigned long long a = slow_now();
        for (int j = 0; j < 1000; j++)
            slow_pad(0);
        d[i] = (double)(slow_now() - a) / 1e3;
    }
    slow_call = slow_median(d, 7);
}

static inline unsigned long long slow_start(slow_fn_t *f)
{
    return f->calls++ % SLOW_SAMPLE == 0 ? slow_now() : 0;
}

/* A timed call updates the pace from the mean of the last timed bodies,
 * the longest left out (a preempted sample must not set the pace, but a
 * function whose rare calls are long must be paced by them too); every call
 * then spins that long. */
static inline void slow_finish(slow_fn_t *f, unsigned long long t0)
{
    if (t0) {
        double d = (double)(slow_now() - t0) - slow_read;
        if (slow_turn == 0)
            slow_calibrate();
        unsigned long k = f->calls / SLOW_SAMPLE, n = k < SLOW_WINDOW ? k + 1 : SLOW_WINDOW;
        f->ticks[k % SLOW_WINDOW] = d > 0 ? d : 0;
        double sum = 0, max = 0;
        for (unsigned long i = 0; i < n; i++) {
            sum += f->ticks[i];
            max = f->ticks[i] > max ? f->ticks[i] : max;
        }
        double mean = n > 1 ? (sum - max) / (double)(n - 1) : sum, pace = mean - slow_call;
        f->turns = pace > 0 ? (unsigned long)(pace / slow_turn) : 0;
    }
    slow_pad(f->turns);
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
    inner = f"    static slow_fn_t f;\n    unsigned long long t0 = slow_start(&f);\n"
    if ret == "void":
        inner += f"    {body};\n    slow_finish(&f, t0);\n"
    else:
        inner += f"    {ret} r = {body};\n    slow_finish(&f, t0);\n    return r;\n"
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
            at = min(text.index(f"\n{w}\n{{\n    static slow_fn_t") for w in heads[f])
            text = text[:at] + PAD + text[at:]
        f.write_text(text)


if __name__ == "__main__":
    main()
