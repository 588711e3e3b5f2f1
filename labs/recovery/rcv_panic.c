/*
 * rcv_panic.c — defer, panic and recover, with Go's rules.
 *
 * A frame is one rcv_call: a jmp_buf to return to, the site it was called
 * from, its deferred calls (a small inline array, then the heap) and, for
 * a deferred call a panic runs, that panic. Frames live on the C stack and
 * are linked innermost first from the task's record (task_local), which
 * also holds the panics under way, newest first.
 *
 * A panic does not unwind the C stack while it runs defers: it pops the
 * innermost deferred call left in any frame and runs it as a new frame,
 * deeper on the stack, so every frame stays inspectable (the traceback
 * shows them) and a panic inside a deferred call simply starts a newer
 * panic over the same frames. A deferred call that recovers marks the
 * panic; when it returns, the frame that deferred it is where execution
 * resumes (longjmp), every panic started at that depth or deeper is
 * dropped, and that frame runs its remaining defers and returns. A panic
 * that runs out of deferred calls prints the chain (oldest first, "
 * [recovered]" after the ones a deferred call had recovered before
 * panicking again) and the stack, and the process exits 2.
 *
 * Interface: recovery.h (rcv__call, rcv__defer, rcv__panic, rcv_recover,
 * rcv__stack).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/task.h>

#include "recovery.h"

#if LAB_SOLUTION

#define INLINE_DEFERS 8

typedef struct rcv_deferred {
    rcv_fn fn;
    void *arg;
    const char *name, *file;
    int line;
} rcv_deferred_t;

typedef struct rcv_panic_rec {
    const char *value, *detail, *file;
    int line;
    int depth; /* the innermost frame when it started */
    bool recovered;
    struct rcv_panic_rec *link; /* the older panic */
} rcv_panic_rec_t;

typedef struct rcv_frame {
    struct rcv_frame *up; /* the caller's frame */
    jmp_buf jb;
    const char *name, *file; /* fn and where it was called or deferred */
    int line, depth;
    rcv_panic_rec_t *by; /* a deferred call this panic runs */
    size_t n, cap;
    rcv_deferred_t inl[INLINE_DEFERS];
    rcv_deferred_t *heap; /* cap > INLINE_DEFERS: all of them */
} rcv_frame_t;

typedef struct rcv_g {
    rcv_frame_t *top;
    rcv_panic_rec_t *panic;
} rcv_g_t;

static rcv_g_t *self(void)
{
    return *task_local();
}

static rcv_deferred_t *defers(rcv_frame_t *f)
{
    return f->heap ? f->heap : f->inl;
}

/* Runs and pops f's deferred calls, LIFO, each as a frame of its own. */
static int frame_run(rcv_fn fn, void *arg, const char *name, const char *file, int line,
                     rcv_panic_rec_t *by);

static void run_defers(rcv_frame_t *f)
{
    while (f->n) {
        rcv_deferred_t d = defers(f)[--f->n];
        frame_run(d.fn, d.arg, d.name, d.file, d.line, NULL);
    }
}

static int frame_run(rcv_fn fn, void *arg, const char *name, const char *file, int line,
                     rcv_panic_rec_t *by)
{
    void **slot = task_local();
    rcv_g_t own = {0}, *g = *slot ? *slot : &own;
    rcv_frame_t f; /* not zeroed whole: jb and inl are large */
    f.up = g->top, f.name = name, f.file = file, f.line = line, f.by = by;
    f.n = 0, f.cap = INLINE_DEFERS, f.heap = NULL;
    f.depth = f.up ? f.up->depth + 1 : 1;
    if (g == &own)
        *slot = g;
    g->top = &f;
    int recovered = 0;
    if (setjmp(f.jb) == 0)
        fn(arg);
    else
        recovered = 1;
    run_defers(&f);
    g->top = f.up;
    free(f.heap);
    if (g == &own)
        *slot = NULL;
    return recovered;
}

int rcv__call(rcv_fn fn, void *arg, const char *name, const char *file, int line)
{
    if (!fn)
        return -EINVAL;
    return frame_run(fn, arg, name, file, line, NULL);
}

int rcv__defer(rcv_fn fn, void *arg, const char *name, const char *file, int line)
{
    rcv_g_t *g = self();
    if (!g || !g->top)
        return -EPERM;
    if (!fn)
        return -EINVAL;
    rcv_frame_t *f = g->top;
    if (f->n == f->cap) {
        size_t cap = f->cap * 2;
        rcv_deferred_t *d = malloc(cap * sizeof *d);
        if (!d)
            return -ENOMEM;
        memcpy(d, defers(f), f->n * sizeof *d);
        free(f->heap);
        f->heap = d, f->cap = cap;
    }
    defers(f)[f->n++] = (rcv_deferred_t){fn, arg, name, file, line};
    return 0;
}

const char *rcv_recover(void)
{
    rcv_g_t *g = self();
    if (!g || !g->panic || !g->top)
        return NULL;
    rcv_panic_rec_t *p = g->panic;
    if (p->recovered || g->top->by != p)
        return NULL;
    p->recovered = true;
    return p->value;
}

/* ---- the report ---- */

typedef struct out {
    char *buf;
    size_t cap, len;
} out_t;

__attribute__((format(printf, 2, 3))) static void put(out_t *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void put_panics(out_t *o, const rcv_panic_rec_t *p)
{
    if (p->link) {
        put_panics(o, p->link);
        put(o, "\t");
    }
    put(o, "panic: %s%s\n", p->value, p->recovered ? " [recovered]" : "");
}

static void put_site(out_t *o, const char *file, int line)
{
    if (file)
        put(o, "\t%s:%d\n", file, line);
    else
        put(o, "\t?:0\n");
}

static void put_stack(out_t *o, const rcv_g_t *g, const char *file, int line)
{
    uint64_t id = task_self();
    put(o, "goroutine %" PRIu64 " [running]:\n", id ? id : 1);
    const rcv_frame_t *inner = NULL;
    for (const rcv_frame_t *f = g ? g->top : NULL; f; inner = f, f = f->up) {
        put(o, "%s()\n", f->name);
        if (!inner)
            put_site(o, file, line);
        else if (inner->by)
            put_site(o, inner->by->file, inner->by->line);
        else
            put_site(o, inner->file, inner->line);
        if (f->by)
            put(o, "panic({...})\n");
    }
    task_info_t ti;
    if (id && task_lookup(id, &ti) == 0 && ti.parent) {
        put(o, "created by %s\n", ti.creator);
        put_site(o, ti.file, ti.line);
    }
}

size_t rcv__stack(char *buf, size_t cap, const char *file, int line)
{
    out_t o = {buf, cap, 0};
    if (cap)
        buf[0] = '\0';
    put_stack(&o, self(), file, line);
    return o.len;
}

_Noreturn static void die(const rcv_g_t *g, const rcv_panic_rec_t *p)
{
    static char text[16384];
    out_t o = {text, sizeof text, 0};
    put_panics(&o, p);
    if (p->detail)
        put(&o, "%s\n", p->detail);
    put(&o, "\n");
    put_stack(&o, g, p->file, p->line);
    rcv_die(text);
}

/* The innermost frame that still has a deferred call. */
static rcv_frame_t *next_with_defers(rcv_g_t *g)
{
    for (rcv_frame_t *f = g->top; f; f = f->up)
        if (f->n)
            return f;
    return NULL;
}

_Noreturn void rcv__panic(const char *value, const char *detail, const char *file, int line)
{
    rcv_g_t *g = self();
    rcv_panic_rec_t p = {value, detail, file, line, 0, false, g ? g->panic : NULL};
    if (!g)
        die(NULL, &p);
    p.depth = g->top ? g->top->depth : 0;
    g->panic = &p;
    for (;;) {
        rcv_frame_t *f = next_with_defers(g);
        if (!f)
            die(g, &p);
        rcv_deferred_t d = defers(f)[--f->n];
        frame_run(d.fn, d.arg, d.name, d.file, d.line, &p);
        if (!p.recovered)
            continue;
        while (g->panic && g->panic->depth >= f->depth)
            g->panic = g->panic->link;
        g->top = f;
        longjmp(f->jb, 1);
    }
}

_Noreturn void rcv_panic_runtime(const char *value, const char *detail)
{
    rcv__panic(value, detail, NULL, 0);
}

#else

int rcv__call(rcv_fn fn, void *arg, const char *name, const char *file, int line)
{
    (void)fn, (void)arg, (void)name, (void)file, (void)line;
    return -ENOSYS;
}

int rcv__defer(rcv_fn fn, void *arg, const char *name, const char *file, int line)
{
    (void)fn, (void)arg, (void)name, (void)file, (void)line;
    return -ENOSYS;
}

const char *rcv_recover(void)
{
    return NULL;
}

size_t rcv__stack(char *buf, size_t cap, const char *file, int line)
{
    (void)file, (void)line;
    if (cap)
        buf[0] = '\0';
    return 0;
}

_Noreturn void rcv__panic(const char *value, const char *detail, const char *file, int line)
{
    (void)value, (void)detail, (void)file, (void)line;
    rcv_die("panic: not implemented\n");
}

_Noreturn void rcv_panic_runtime(const char *value, const char *detail)
{
    rcv__panic(value, detail, NULL, 0);
}

#endif
