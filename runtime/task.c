/*
 * task.c — task records and their stacks: spawn, start, exit, join, park,
 * and the introspection the leak and deadlock detectors read.
 *
 * A task gets its stack when it first runs, not when spawned: a program may
 * spawn 100 000 tasks that run one after another without holding 100 000
 * mappings (each stack is two mappings: the stack and its guard page, and
 * the kernel caps mappings per process). Finished stacks go to a small pool.
 *
 * Interface: task_spawn → (first run) rt__task_start → ... → task_exit →
 * rt__task_reap on the scheduler; task_foreach / task_lookup at any time.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "rt.h"
#include "asan.h"

#define POOL_MAX 256

/* ---- stacks ---- */

static size_t map_len(void) { return rt__s.page + rt__s.stack_size; }

static char *stack_get(void) {
    if (rt__s.pool_len) return rt__s.pool[--rt__s.pool_len];
    char *m = mmap(NULL, map_len(), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) return NULL;
    /* The guard page below the stack turns an overflow into SIGSEGV. */
    if (mprotect(m, rt__s.page, PROT_NONE) != 0) {
        munmap(m, map_len());
        return NULL;
    }
    return m;
}

static void stack_put(char *m) {
    asan_unpoison(m + rt__s.page, rt__s.stack_size);
    if (!rt__s.pool) rt__s.pool = malloc(POOL_MAX * sizeof *rt__s.pool);
    if (rt__s.pool && rt__s.pool_len < POOL_MAX) {
        rt__s.pool[rt__s.pool_len++] = m;
        return;
    }
    munmap(m, map_len());
}

/* ---- lifecycle ---- */

/* Takes a finished task out of the live set and wakes its joiners. */
static void finish(task_t *t) {
    t->state = TASK_DONE;
    rt__s.live--;
    rt_waiter_t *w;
    while ((w = rt__waitq_pop(&t->joiners))) rt__wake(w);
    RT_HOOK(on_exit, t->id);
}

static void task_main(void *p) {
    task_t *t = p;
    rt__arrived(NULL);       /* first arrival on a fresh stack */
    rt__s.locks = 0;         /* user code from here: preemptible */
    t->fn(t->arg);
    rt__s.locks++;
    if (t->id == 1 && !rt__s.cfg.wait_all) {
        finish(t);           /* Go's exit from main: every other task is dropped */
        rt__end_run(0);
    }
    task_exit();
}

/* Gives t a stack and a first frame. Returns 0 or -ENOMEM. */
int rt__task_start(task_t *t) {
    t->map = stack_get();
    if (!t->map) return -ENOMEM;
    t->sp = rt__prepare(t->map + map_len(), task_main, t);
    return 0;
}

/* Grows the id table and run queue so that one more task fits. */
static int reserve(uint64_t id) {
    if (id >= rt__s.by_id_cap) {
        size_t cap = rt__s.by_id_cap ? rt__s.by_id_cap * 2 : 1024;
        task_t **p = realloc(rt__s.by_id, cap * sizeof *p);
        if (!p) return -ENOMEM;
        memset(p + rt__s.by_id_cap, 0, (cap - rt__s.by_id_cap) * sizeof *p);
        rt__s.by_id = p, rt__s.by_id_cap = cap;
    }
    if (rt__s.live + 1 > rt__s.rq_cap) {
        size_t cap = rt__s.rq_cap ? rt__s.rq_cap * 2 : 256;
        task_t **q = malloc(cap * sizeof *q);
        if (!q) return -ENOMEM;
        for (size_t i = 0; i < rt__s.rq_len; i++)
            q[i] = rt__s.rq[(rt__s.rq_head + i) & (rt__s.rq_cap - 1)];
        free(rt__s.rq);
        rt__s.rq = q, rt__s.rq_cap = cap, rt__s.rq_head = 0;
    }
    return 0;
}

int task__spawn(task_fn fn, void *arg, uint64_t *id, const char *file,
                int line, const char *creator, const char *fn_name) {
    if (!rt__s.active) return -EPERM;
    if (!fn) return -EINVAL;
    RT_ENTER;
    if (reserve(rt__s.next_id + 1)) return -ENOMEM;
    task_t *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    *t = (task_t){.id = ++rt__s.next_id, .parent = rt__self_id(), .fn = fn, .arg = arg,
                  .file = file, .line = line, .creator = creator, .fn_name = fn_name,
                  .state = TASK_RUNNABLE, .prev = rt__s.all_tail,
                  .host = rt__s.current ? rt__s.current->host : NULL};
    if (rt__s.all_tail) rt__s.all_tail->next = t; else rt__s.all_head = t;
    rt__s.all_tail = t;
    rt__s.by_id[t->id] = t;
    rt__s.live++;
    rt__rq_push(t);
    RT_HOOK(on_spawn, t->id, t->parent);
    if (id) *id = t->id;
    return 0;
}

static void unlink_task(task_t *t) {
    if (t->prev) t->prev->next = t->next; else rt__s.all_head = t->next;
    if (t->next) t->next->prev = t->prev; else rt__s.all_tail = t->prev;
    rt__s.by_id[t->id] = NULL;
    if (t->map) stack_put(t->map);
    free(t);
}

/* Frees a finished task; runs on the scheduler's stack. */
void rt__task_reap(task_t *t) { unlink_task(t); }

/* Takes a blocked task's waiters off the queues of the objects it waits
 * on: those objects outlive the run, the task's stack does not. */
static void detach(task_t *t) {
    if (t->wq) rt__waitq_remove(t->wq, t->waiter);
    if (t->sel) rt__select_cancel(t->sel);
    t->wq = NULL, t->waiter = NULL, t->sel = NULL;
}

/* Frees every task left (deadlocked ones) and the stack pool. */
void rt__tasks_free(void) {
    for (task_t *t = rt__s.all_head; t; t = t->next) detach(t);
    while (rt__s.all_head) unlink_task(rt__s.all_head);
    for (size_t i = 0; i < rt__s.pool_len; i++) munmap(rt__s.pool[i], map_len());
    free(rt__s.pool);
    free(rt__s.by_id);
    rt__s.pool = NULL, rt__s.pool_len = 0;
    rt__s.by_id = NULL, rt__s.by_id_cap = 0;
    rt__s.live = 0;
}

/* Ends t where it stands, as a simulated host's crash does: off every
 * queue, its sleep's timer stopped, joiners woken, its stack freed. t is
 * not the current task. What it held (mutexes, memory) stays as it was. */
void rt__task_kill(task_t *t) {
    detach(t);
    if (t->state == TASK_SLEEP) rt__timer_stop((rt_timer_t *)t->wait_obj);
    if (t->state == TASK_RUNNABLE) rt__rq_remove(t);
    rt__onces_finish(t);
    finish(t);
    unlink_task(t);
}

int task_exit(void) {
    task_t *t = rt__s.current;
    if (!t) return -EPERM;
    rt__s.locks++;           /* never returns, so no RT_ENTER */
    rt__onces_finish(t);
    if (t->id == 1) rt__s.main_exited = true;
    finish(t);
    rt__switch_out(t);
    __builtin_unreachable();
}

uint64_t task_self(void) { return rt__self_id(); }

void **task_local(void)
{
    static _Thread_local void *outside;
    return rt__s.active && rt__s.current ? &rt__s.current->local : &outside;
}

static task_t *lookup(uint64_t id) {
    return rt__s.active && id < rt__s.by_id_cap ? rt__s.by_id[id] : NULL;
}

int task_join(uint64_t id) {
    RT_ENTER;
    rt__point();
    task_t *self = rt__s.current, *t = lookup(id);
    if (!self) return -EPERM;
    if (id == self->id) return -EDEADLK;
    if (!t) return id >= 1 && id <= rt__s.next_id ? 0 : -ESRCH;
    rt_waiter_t w = {.task = self};
    rt__waitq_push(&t->joiners, &w);
    self->wait_id = id;
    rt__park(TASK_JOIN, RT_OBJ_TASK, t, &t->joiners, &w);
    return 0;
}

int task_park(const void *obj) {
    RT_ENTER;
    if (!rt__s.current) return -EPERM;
    rt__park(TASK_PARKED, RT_OBJ_USER, obj, NULL, NULL);
    return 0;
}

int task_ready(uint64_t id) {
    RT_ENTER;
    task_t *t = lookup(id);
    if (!t) return -ESRCH;
    if (t->state != TASK_PARKED) return -EINVAL;
    rt__ready(t);
    return 0;
}

/* ---- introspection ---- */

void rt__task_info(const task_t *t, task_info_t *out) {
    *out = (task_info_t){
        .id = t->id, .parent = t->parent, .state = t->state,
        .wait_kind = t->wait_kind, .wait_obj = t->wait_obj, .wait_id = t->wait_id,
        .cases = t->cases, .ncases = t->ncases, .blocked_since = t->blocked_since,
        .fn = t->fn_name, .creator = t->creator, .file = t->file, .line = t->line,
        .sp = t->sp};
    if (t->map) {
        out->stack_lo = t->map + rt__s.page;
        out->stack_hi = t->map + map_len();
    }
}

int task_foreach(int (*fn)(const task_info_t *t, void *ud), void *ud) {
    RT_ENTER;                /* the list must not change under the walk */
    if (!rt__s.active) return 0;
    for (task_t *t = rt__s.all_head, *next; t; t = next) {
        next = t->next;        /* fn may spawn, never free: that is the scheduler */
        task_info_t info;
        rt__task_info(t, &info);
        int rc = fn(&info, ud);
        if (rc) return rc;
    }
    return 0;
}

int task_lookup(uint64_t id, task_info_t *out) {
    task_t *t = lookup(id);
    if (!t) return -ESRCH;
    rt__task_info(t, out);
    return 0;
}

/* Go 1.19's waitReasonStrings (runtime/runtime2.go): Mutex, RWMutex and
 * WaitGroup waits all read "semacquire" there (Go 1.20 names them
 * "sync.Mutex.Lock" and so on). Join and park have no Go counterpart. */
const char *task_state_name(task_state_t s) {
    static const char *const names[] = {
        [TASK_RUNNABLE] = "runnable",         [TASK_RUNNING] = "running",
        [TASK_SEND] = "chan send",            [TASK_RECV] = "chan receive",
        [TASK_SELECT] = "select",             [TASK_MUTEX] = "semacquire",
        [TASK_RWMUTEX_R] = "semacquire",      [TASK_RWMUTEX_W] = "semacquire",
        [TASK_WAITGROUP] = "semacquire",      [TASK_COND] = "sync.Cond.Wait",
        [TASK_SLEEP] = "sleep",               [TASK_JOIN] = "join",
        [TASK_PARKED] = "parked",             [TASK_DONE] = "dead",
        [TASK_IO] = "IO wait",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

const char *task_wait_reason(const task_info_t *t) {
    if (t->state == TASK_RECV && !t->wait_obj) return "chan receive (nil chan)";
    if (t->state == TASK_SEND && !t->wait_obj) return "chan send (nil chan)";
    if (t->state == TASK_SELECT && t->ncases == 0) return "select (no cases)";
    return task_state_name(t->state);
}
