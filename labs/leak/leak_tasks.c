/*
 * leak_tasks.c — leaked tasks: blocked on something no task that can still run
 * will ever touch again.
 *
 * A task blocked on a channel, mutex, WaitGroup or Cond can only be woken by
 * a task that holds a pointer to that object. Start from what can run (the
 * caller, runnable and sleeping tasks) and the globals, and mark through the
 * recorded heap as the memory check does; every word seen is also looked up
 * among the wait objects, and a wait object lying inside a root range or a
 * reached chunk counts as reached too (a mutex is usually a field). A
 * blocked task whose object was reached might be woken, so its stack becomes
 * a root as well; repeat until nothing changes. The blocked tasks left are
 * leaked: a nil channel is never reached, a select is reached if any of its
 * channels is, a join waits as long as the task it joins.
 *
 * This is the rule of Go's goroutine leak profile (Go 1.26), and it sees
 * more than counting tasks before and after: a task blocked on a channel a
 * live task still holds is not a leak, however long it has waited.
 *
 * What the scan cannot see: pointers kept only inside the runtime's own
 * objects (a context's done channel reached only through the ctx_t, a
 * pending timer's channel). Share state between tasks through leak_malloc,
 * globals or stacks. A task spawned but not yet started keeps its argument
 * inside the runtime, so the check first yields until every task has run.
 *
 * Interface: leak_tasks_check(&rep) in a task → leak_task_report_print →
 * leak_task_report_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/runtime.h>

#include "support/leak_impl.h"

void leak_task_report_free(leak_task_report_t *r)
{
    if (!r)
        return;
    free(r->tasks);
    memset(r, 0, sizeof *r);
}

int leak_task_report_print(const leak_task_report_t *r, FILE *f)
{
    for (size_t i = 0; i < r->ntasks; i++) {
        const leak_task_t *t = &r->tasks[i];
        fprintf(f, "task %llu [%s%s]: leaked\n    %s, created by %s at %s:%d\n",
                (unsigned long long)t->id, task_state_name(t->state),
                t->wait_obj || t->state == TASK_JOIN ? "" : " (nil chan)", t->fn, t->creator,
                t->file, t->line);
    }
    return ferror(f) ? -EIO : 0;
}

#if LAB_SOLUTION

#define MAX_TASKS 4096
#define MAX_OBJS 8192
#define START_YIELDS 64

typedef struct wobj {
    uintptr_t addr;
    size_t span;
    bool reached;
} wobj_t;

typedef struct tsk {
    task_info_t info;
    bool root;
    uint32_t first, n;       /* its wait objects, in world.ref */
} tsk_t;

typedef struct world {
    tsk_t *t;
    size_t nt;
    wobj_t *o;
    size_t no;
    uint32_t *ref;           /* per task: indices into o */
    size_t nref;
    leak_snap_t snap;
} world_t;

/* ---- collecting the tasks ------------------------------------------------------ */

static bool is_blocked(task_state_t s)
{
    switch (s) {
    case TASK_SEND: case TASK_RECV: case TASK_SELECT: case TASK_MUTEX:
    case TASK_RWMUTEX_R: case TASK_RWMUTEX_W: case TASK_WAITGROUP: case TASK_COND:
    case TASK_JOIN:
        return true;
    default:
        return false;
    }
}

static size_t obj_span(rt_obj_kind_t k)
{
    switch (k) {
    case RT_OBJ_MUTEX: return sizeof(mutex_t);
    case RT_OBJ_RWMUTEX: return sizeof(rwmutex_t);
    case RT_OBJ_WAITGROUP: return sizeof(wg_t);
    case RT_OBJ_COND: return sizeof(cond_t);
    default: return 1;
    }
}

/* Adds a wait object reference for the last task. */
static void add_ref(world_t *w, uintptr_t addr, size_t span)
{
    if (!addr)
        return;                      /* nil channel: nothing can reach it */
    if (w->no == MAX_OBJS || w->nref == MAX_OBJS) {
        w->t[w->nt - 1].root = true; /* out of room: never blame it */
        return;
    }
    w->o[w->no] = (wobj_t){addr, span, false};
    w->ref[w->nref++] = (uint32_t)w->no++;
    w->t[w->nt - 1].n++;
}

static int collect_cb(const task_info_t *ti, void *ud)
{
    world_t *w = ud;
    if (w->nt == MAX_TASKS)
        return -E2BIG;
    tsk_t *t = &w->t[w->nt++];
    *t = (tsk_t){.info = *ti, .root = !is_blocked(ti->state), .first = (uint32_t)w->nref};
    if (ti->state == TASK_SELECT) {
        for (size_t i = 0; i < ti->ncases; i++)
            add_ref(w, (uintptr_t)ti->cases[i].ch, 1);
    } else if (ti->state != TASK_JOIN) {
        add_ref(w, (uintptr_t)ti->wait_obj, obj_span(ti->wait_kind));
    }
    return 0;
}

static int start_cb(const task_info_t *ti, void *ud)
{
    (void)ud;
    return ti->stack_hi == NULL;
}

/* Gives every spawned task its first run, so its argument is on its stack. */
static void let_new_tasks_start(void)
{
    for (int i = 0; i < START_YIELDS && task_foreach(start_cb, NULL); i++)
        task_yield();
}

/* ---- marking ---------------------------------------------------------------------- */

static void on_word(uintptr_t v, void *ud)
{
    world_t *w = ud;
    for (size_t i = 0; i < w->no; i++)
        if (v - w->o[i].addr < w->o[i].span)
            w->o[i].reached = true;
}

/* Scans one root range; wait objects that live inside it are reached. */
static void root_cb(uintptr_t lo, uintptr_t hi, void *ud)
{
    world_t *w = ud;
    for (size_t i = 0; i < w->no; i++)
        if (w->o[i].addr >= lo && w->o[i].addr < hi)
            w->o[i].reached = true;
    leak__scan_root(&w->snap, lo, hi);
}

/* Reaches the wait objects that are fields of reached chunks. */
static void reach_fields(world_t *w)
{
    for (size_t i = 0; i < w->no; i++) {
        ssize_t c = leak__snap_find(&w->snap, w->o[i].addr);
        if (c >= 0 && w->snap.c[c].tag == LEAK_TAG_REACHABLE)
            w->o[i].reached = true;
    }
}

static tsk_t *task_by_id(world_t *w, uint64_t id)
{
    for (size_t i = 0; i < w->nt; i++)
        if (w->t[i].info.id == id)
            return &w->t[i];
    return NULL;
}

/* True if blocked task t can still be woken by what is marked so far. */
static bool wakeable(world_t *w, const tsk_t *t)
{
    if (t->info.state == TASK_JOIN) {
        const tsk_t *j = task_by_id(w, t->info.wait_id);
        return !j || j->root;
    }
    for (uint32_t k = 0; k < t->n; k++)
        if (w->o[w->ref[t->first + k]].reached)
            return true;
    return false;
}

static void scan_task_stack(world_t *w, const tsk_t *t)
{
    uintptr_t lo = (uintptr_t)t->info.sp, hi = (uintptr_t)t->info.stack_hi;
    if (hi && lo >= (uintptr_t)t->info.stack_lo && lo < hi)
        root_cb(lo, hi, w);
}

/* Marks from the roots, then adopts wakeable blocked tasks until none is
 * left to adopt. from/regs: the caller's frame and saved registers. */
static void mark(world_t *w, uintptr_t from, const uintptr_t *regs)
{
    uint64_t self = task_self();
    leak__roots_globals(root_cb, w);
    root_cb((uintptr_t)regs, (uintptr_t)(regs + 6), w);
    for (size_t i = 0; i < w->nt; i++) {
        tsk_t *t = &w->t[i];
        if (t->info.id == self)
            root_cb(from, (uintptr_t)t->info.stack_hi, w);
        else if (t->root)
            scan_task_stack(w, t);
    }
    for (bool changed = true; changed;) {
        changed = false;
        reach_fields(w);
        for (size_t i = 0; i < w->nt; i++) {
            tsk_t *t = &w->t[i];
            if (t->root || !wakeable(w, t))
                continue;
            t->root = changed = true;
            scan_task_stack(w, t);
        }
    }
}

/* ---- the check ------------------------------------------------------------------------ */

static int report(const world_t *w, leak_task_report_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < w->nt; i++)
        n += !w->t[i].root;
    if (!n)
        return 0;
    if (!(out->tasks = calloc(n, sizeof *out->tasks)))
        return -ENOMEM;
    for (size_t i = 0; i < w->nt; i++) {
        const task_info_t *ti = &w->t[i].info;
        if (w->t[i].root)
            continue;
        out->tasks[out->ntasks++] = (leak_task_t){ti->id, ti->state, ti->wait_kind, ti->wait_obj,
                                                  ti->fn, ti->creator, ti->file, ti->line};
    }
    return 0;
}

static void world_free(world_t *w)
{
    free(w->t);
    free(w->o);
    free(w->ref);
    leak__snap_free(&w->snap);
}

__attribute__((noinline)) int leak_tasks_check(leak_task_report_t *out)
{
    uintptr_t regs[6];
    world_t w = {0};
    memset(out, 0, sizeof *out);
    if (task_self() == 0)
        return -EPERM;
    let_new_tasks_start();
    leak__save_regs(regs);
    w.t = calloc(MAX_TASKS, sizeof *w.t);
    w.o = calloc(MAX_OBJS, sizeof *w.o);
    w.ref = calloc(MAX_OBJS, sizeof *w.ref);
    int rc = w.t && w.o && w.ref ? task_foreach(collect_cb, &w) : -ENOMEM;
    if (rc == 0) {
        /* Held while marking: no other thread may free a chunk under the scan. */
        leak__lock();
        rc = leak__snap_build(&w.snap);
        if (rc == 0) {
            w.snap.on_word = on_word;
            w.snap.ud = &w;
            mark(&w, (uintptr_t)__builtin_frame_address(0), regs);
        }
        leak__unlock();
    }
    if (rc == 0)
        rc = report(&w, out);
    world_free(&w);
    return rc;
}

#else /* stub */

int leak_tasks_check(leak_task_report_t *out)
{
    memset(out, 0, sizeof *out);
    return -ENOSYS;
}

#endif
