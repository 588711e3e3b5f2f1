/*
 * dl_rt.c — the runtime's tasks, channels and locks, seen by the checker.
 *
 * The runtime calls our hooks on every block, wake, acquire and release.
 * Locks go straight to the order and wait-for graphs. Channels need more:
 * a task blocked on a receive waits for whoever might send, and the runtime
 * cannot know that. We learn it from declarations (dl_chan_role, the C
 * spelling of a directional channel parameter) and from what we watch (a
 * task blocked sending on ch is a sender of ch; the task that woke a
 * receiver of ch sent on it).
 *
 * From that, at every block: a task is *live* if it can run (runnable,
 * running, sleeping on a timer) or if something that could wake it is
 * live; a wait whose wakers we cannot know (a WaitGroup, a channel nobody
 * declared) counts as live while anything else is. Blocked tasks that are
 * not live can never run again: if other tasks still run, that is a partial
 * deadlock, which Go does not report. When nothing can run at all the
 * runtime itself stops with "all goroutines are asleep"; on_deadlock turns
 * that into a DL_ASLEEP report.
 *
 * Interface: dl_rt_hooks → rt_run(&cfg{.hooks}) ; dl_chan_role inside
 * tasks; dl_mutex_trylock in place of mutex_trylock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dl_internal.h"

#if LAB_SOLUTION

#define MAX_WAKERS 32
#define UNKNOWN SIZE_MAX

/* One task of the snapshot the live-set computation works on. */
typedef struct snap {
    task_info_t info;
    uint64_t wakers[MAX_WAKERS];
    size_t nwakers;          /* UNKNOWN: anyone might wake it */
    bool blocked, live;
} snap_t;

typedef struct snapshot {
    snap_t *t;
    size_t n, cap;
} snapshot_t;

/* The checker's thread for task; the first time, names where the task's
 * locks are taken (hooks cannot see the caller's line). */
static dl_thread_t *thread_of(dl_t *d, uint64_t task) {
    dl_thread_t *t = NULL;
    if (dl_thread(d, task, &t) != 0) return NULL;
    task_info_t ti;
    if (!t->rt_where[0] && task && task_lookup(task, &ti) == 0)
        snprintf(t->rt_where, sizeof t->rt_where, "%s() of goroutine %llu, created at %s:%d",
                 ti.fn, (unsigned long long)task, ti.file, ti.line);
    return t;
}

static const char *where_of(dl_thread_t *t) { return t->rt_where[0] ? t->rt_where : NULL; }

/* ---- channel roles ---- */

static int role_add(dl_t *d, const void *ch, uint64_t task, chan_dir_t dir) {
    if (!ch) return 0;
    int rc = 0;
    dl__lock(d);
    bool known = false;
    for (size_t i = 0; i < d->nroles && !known; i++)
        known = d->roles[i].ch == ch && d->roles[i].task == task && d->roles[i].dir == dir;
    if (!known) {
        rc = dl__grow((void **)&d->roles, &d->caproles, d->nroles + 1, sizeof *d->roles);
        if (rc == 0) d->roles[d->nroles++] = (dl_role_t){ch, task, dir};
    }
    dl__unlock(d);
    return rc;
}

int dl_chan_role(dl_t *d, const chan_t *ch, chan_dir_t dir) {
    if (!d || !ch || (dir != CHAN_SEND && dir != CHAN_RECV)) return -EINVAL;
    if (!task_self()) return -EPERM;
    return role_add(d, ch, task_self(), dir);
}

int dl_mutex_trylock(dl_t *d, mutex_t *m) {
    dl_thread_t *t = d ? thread_of(d, task_self()) : NULL;
    if (t) t->next_try = true;
    int rc = mutex_trylock(m);
    if (t) t->next_try = false;   /* consumed by the acquire hook, or unused */
    return rc;
}

/* ---- the snapshot and the live set ---- */

static int snap_one(const task_info_t *ti, void *ud) {
    snapshot_t *s = ud;
    if (dl__grow((void **)&s->t, &s->cap, s->n + 1, sizeof *s->t)) return -ENOMEM;
    snap_t *e = &s->t[s->n++];
    memset(e, 0, sizeof *e);
    e->info = *ti;
    e->blocked = ti->state != TASK_RUNNABLE && ti->state != TASK_RUNNING &&
                 ti->state != TASK_SLEEP && ti->state != TASK_DONE;
    e->live = !e->blocked && ti->state != TASK_DONE;
    return 0;
}

static bool snap_has(const snapshot_t *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].info.id == id) return true;
    return false;
}

static void waker_add(snap_t *e, uint64_t id) {
    if (e->nwakers == UNKNOWN) return;
    for (size_t i = 0; i < e->nwakers; i++)
        if (e->wakers[i] == id) return;
    if (e->nwakers < MAX_WAKERS) e->wakers[e->nwakers++] = id;
    else e->nwakers = UNKNOWN;   /* too many to list: do not claim it is stuck */
}

/* Adds the tasks that could complete the operation (ch, dir) for e. A
 * channel with no other known user makes e's wakers UNKNOWN; one whose
 * other users all exited has no waker at all. Caller holds d->lock. */
static void chan_wakers(dl_t *d, const snapshot_t *s, snap_t *e, const void *ch, chan_dir_t dir) {
    if (!ch) return;   /* a nil channel: nobody, ever */
    bool anyone = false;
    for (size_t i = 0; i < d->nroles; i++) {
        const dl_role_t *r = &d->roles[i];
        if (r->ch != ch || r->task == e->info.id) continue;
        anyone = true;
        if (r->dir != dir && snap_has(s, r->task)) waker_add(e, r->task);
    }
    if (!anyone) e->nwakers = UNKNOWN;
}

static void lock_wakers(dl_t *d, snap_t *e) {
    dl_thread_t *h[MAX_WAKERS];
    size_t n = dl__holders(d, e->info.wait_obj, h, MAX_WAKERS);
    if (n == 0) e->nwakers = UNKNOWN;
    for (size_t i = 0; i < n; i++) waker_add(e, h[i]->id);
}

/* Caller holds d->lock. */
static void wakers_of(dl_t *d, const snapshot_t *s, snap_t *e) {
    const task_info_t *ti = &e->info;
    switch (ti->state) {
    case TASK_SEND: chan_wakers(d, s, e, ti->wait_obj, CHAN_SEND); break;
    case TASK_RECV: chan_wakers(d, s, e, ti->wait_obj, CHAN_RECV); break;
    case TASK_SELECT:
        for (size_t i = 0; i < ti->ncases; i++)
            chan_wakers(d, s, e, ti->cases[i].ch, ti->cases[i].dir);
        break;
    case TASK_MUTEX: case TASK_RWMUTEX_R: case TASK_RWMUTEX_W: lock_wakers(d, e); break;
    case TASK_JOIN: waker_add(e, ti->wait_id); break;
    default: e->nwakers = UNKNOWN; break;
    }
}

static bool snap_live(const snapshot_t *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].info.id == id) return s->t[i].live;
    return false;
}

/* Spreads liveness until nothing changes. Returns the number of live tasks. */
static size_t spread_live(snapshot_t *s) {
    bool changed = true;
    while (changed) {
        changed = false;
        bool any = false;
        for (size_t i = 0; i < s->n; i++) any |= s->t[i].live;
        for (size_t i = 0; i < s->n; i++) {
            snap_t *e = &s->t[i];
            if (e->live) continue;
            bool wake = e->nwakers == UNKNOWN ? any : false;
            for (size_t j = 0; !wake && e->nwakers != UNKNOWN && j < e->nwakers; j++)
                wake = snap_live(s, e->wakers[j]);
            if (wake) e->live = changed = true;
        }
    }
    size_t live = 0;
    for (size_t i = 0; i < s->n; i++) live += s->t[i].live;
    return live;
}

/* ---- reports ---- */

static void print_task(FILE *f, dl_t *d, const snap_t *e) {
    const task_info_t *ti = &e->info;
    fprintf(f, "goroutine %llu [%s]: %s() created by %s at %s:%d\n",
            (unsigned long long)ti->id, task_state_name(ti->state), ti->fn, ti->creator,
            ti->file, ti->line);
    if (ti->wait_kind == RT_OBJ_MUTEX || ti->wait_kind == RT_OBJ_RWMUTEX)
        fprintf(f, "\twaits for lock %s (%p)", dl__lock_name(d, ti->wait_obj), ti->wait_obj);
    else if (ti->state == TASK_SELECT)
        fprintf(f, "\twaits in select on %zu case(s)", ti->ncases);
    else if (ti->wait_kind == RT_OBJ_CHAN)
        fprintf(f, "\twaits on chan %p", ti->wait_obj);
    else
        fprintf(f, "\twaits on %p", ti->wait_obj);
    if (e->nwakers == UNKNOWN) {
        fprintf(f, "; who could wake it is unknown\n");
        return;
    }
    fprintf(f, "; could be woken only by");
    for (size_t i = 0; i < e->nwakers; i++) fprintf(f, " goroutine %llu", (unsigned long long)e->wakers[i]);
    fprintf(f, "%s\n", e->nwakers ? "" : " nobody (no live peer)");
}

/* Reports the blocked tasks that are not live, if one of them is new. */
static void report_partial(dl_t *d, snapshot_t *s, size_t live) {
    dl_report_t r = {.kind = DL_PARTIAL};
    bool fresh = false, chan = false;
    for (size_t i = 0; i < s->n; i++) {
        snap_t *e = &s->t[i];
        if (!e->blocked || e->live) continue;
        dl_thread_t *t = dl__find_thread(d, e->info.id);
        fresh |= !t || !t->rt_stuck_reported;
        /* a cycle of lock waits alone is the wait-for graph's report */
        chan |= e->info.wait_kind != RT_OBJ_MUTEX && e->info.wait_kind != RT_OBJ_RWMUTEX;
        if (t) t->rt_stuck_reported = true;
        if (r.n < DL_REPORT_MAX) r.ids[r.n++] = e->info.id;
    }
    if (!fresh || !chan || r.n == 0) return;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return;
    fprintf(f, "=== partial deadlock: %zu goroutine(s) can never run again, %zu still can ===\n",
            r.n, live);
    uint64_t sig = dl__hash(DL_PARTIAL, r.n);
    for (size_t i = 0; i < s->n; i++) {
        if (!s->t[i].blocked || s->t[i].live) continue;
        print_task(f, d, &s->t[i]);
        sig = dl__hash(sig, s->t[i].info.id);
    }
    fclose(f);
    dl__report_add(d, &r, sig, buf);
}

/* Takes the snapshot and computes wakers and the live set. Returns the live
 * count, or -ENOMEM. Caller frees s->t. */
static long analyse(dl_t *d, snapshot_t *s) {
    if (task_foreach(snap_one, s)) return -ENOMEM;
    dl__lock(d);
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].blocked) wakers_of(d, s, &s->t[i]);
    dl__unlock(d);
    return (long)spread_live(s);
}

static void check_partial(dl_t *d) {
    snapshot_t s = {0};
    long live = analyse(d, &s);
    if (live > 0) {
        dl__lock(d);
        report_partial(d, &s, (size_t)live);
        dl__unlock(d);
    }
    free(s.t);
}

/* ---- hooks ---- */

static void on_block(void *ud, uint64_t task, task_state_t why, const void *obj) {
    dl_t *d = ud;
    dl_thread_t *t = thread_of(d, task);
    if (!t) return;
    t->rt_state = why;
    t->rt_obj = obj;
    if (why == TASK_MUTEX || why == TASK_RWMUTEX_W || why == TASK_RWMUTEX_R)
        dl_block(t, obj, why == TASK_RWMUTEX_R ? DL_READ : 0, where_of(t));
    else if (why == TASK_SEND || why == TASK_RECV)
        role_add(d, obj, task, why == TASK_SEND ? CHAN_SEND : CHAN_RECV);
    else if (why == TASK_SELECT) {
        task_info_t ti;
        if (task_lookup(task, &ti) == 0)
            for (size_t i = 0; i < ti.ncases; i++)
                role_add(d, ti.cases[i].ch, task, ti.cases[i].dir);
    }
    check_partial(d);
}

static void on_unblock(void *ud, uint64_t task, uint64_t by) {
    dl_t *d = ud;
    dl_thread_t *t = thread_of(d, task);
    if (!t) return;
    dl_unblock(t);
    t->rt_stuck_reported = false;
    /* whoever completed our channel operation is on the other side of it */
    if (by && by != task && (t->rt_state == TASK_SEND || t->rt_state == TASK_RECV))
        role_add(d, t->rt_obj, by, t->rt_state == TASK_SEND ? CHAN_RECV : CHAN_SEND);
    t->rt_state = TASK_RUNNABLE;
}

static void on_acquire(void *ud, uint64_t task, const void *lock, rt_obj_kind_t kind, bool shared) {
    (void)kind;
    dl_thread_t *t = thread_of(ud, task);
    if (!t) return;
    unsigned flags = (shared ? DL_READ : 0) | (t->next_try ? DL_TRY : 0);
    t->next_try = false;
    dl_acquire(t, lock, flags, where_of(t));
}

static void on_release(void *ud, uint64_t task, const void *lock, rt_obj_kind_t kind, bool shared) {
    (void)kind, (void)shared;
    dl_thread_t *t = thread_of(ud, task);
    if (t) dl_release(t, lock);
}

static void on_task_exit(void *ud, uint64_t task) {
    dl_thread_t *t = thread_of(ud, task);
    if (t) dl_thread_exit(t);
}

static void on_deadlock(void *ud, const char *rt_text) {
    dl_t *d = ud;
    snapshot_t s = {0};
    if (analyse(d, &s) < 0) goto out;
    dl_report_t r = {.kind = DL_ASLEEP};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) goto out;
    fprintf(f, "%s\nwho waits for whom:\n", rt_text);
    dl__lock(d);
    uint64_t sig = dl__hash(DL_ASLEEP, s.n);
    for (size_t i = 0; i < s.n; i++) {
        print_task(f, d, &s.t[i]);
        if (r.n < DL_REPORT_MAX) r.ids[r.n++] = s.t[i].info.id;
        sig = dl__hash(sig, s.t[i].info.id);
    }
    fclose(f);
    dl__report_add(d, &r, sig, buf);
    dl__unlock(d);
out:
    free(s.t);
}

int dl_rt_hooks(dl_t *d, rt_hooks_t *hooks) {
    if (!d || !hooks) return -EINVAL;
    *hooks = (rt_hooks_t){
        .ud = d, .on_exit = on_task_exit, .on_block = on_block, .on_unblock = on_unblock,
        .on_acquire = on_acquire, .on_release = on_release, .on_deadlock = on_deadlock,
    };
    return 0;
}

#else

int dl_rt_hooks(dl_t *d, rt_hooks_t *hooks) {
    (void)d, (void)hooks;
    return -ENOSYS;
}
int dl_chan_role(dl_t *d, const chan_t *ch, chan_dir_t dir) {
    (void)d, (void)ch, (void)dir;
    return -ENOSYS;
}
int dl_mutex_trylock(dl_t *d, mutex_t *m) {
    (void)d, (void)m;
    return -ENOSYS;
}

#endif
