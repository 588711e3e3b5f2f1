/*
 * report.c — the report of a run that ended badly, in the shape of Go's
 * fatal error: the message, then every task with Go 1.19's wait reason.
 *
 *   fatal error: all goroutines are asleep - deadlock!
 *
 *   goroutine 1 [chan receive]:
 *   main() created at rt_run
 *   	waits on chan 0x5581c0
 *
 *   goroutine 2 [semacquire]:
 *   worker() created by test_body at tests/runtime/test_deadlock.c:41
 *   	waits on mutex 0x7ffd10 held by goroutine 3
 *
 * A fatal error ("fatal error: sync: unlock of unlocked mutex") lists the
 * task that hit it as [running].
 *
 * Interface: rt__deadlock_report(why) / rt__fatal_report(msg) → malloc'd
 * string (NULL on ENOMEM).
 */
#include <stdio.h>
#include <stdlib.h>
#include "rt.h"

static const char *kind_name(rt_obj_kind_t k) {
    static const char *const names[] = {
        [RT_OBJ_NONE] = "nothing", [RT_OBJ_CHAN] = "chan", [RT_OBJ_SELECT] = "select",
        [RT_OBJ_MUTEX] = "mutex", [RT_OBJ_RWMUTEX] = "rwmutex",
        [RT_OBJ_WAITGROUP] = "waitgroup", [RT_OBJ_COND] = "cond",
        [RT_OBJ_TIMER] = "timer", [RT_OBJ_TASK] = "goroutine", [RT_OBJ_USER] = "object",
        [RT_OBJ_CONN] = "conn",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "object";
}

static void report_wait(FILE *f, const task_info_t *t) {
    if (t->state == TASK_SELECT) {
        fprintf(f, "\twaits in select on %zu case(s):", t->ncases);
        for (size_t i = 0; i < t->ncases; i++)
            fprintf(f, " %s %p", t->cases[i].dir == CHAN_SEND ? "send" : "recv",
                    (void *)t->cases[i].ch);
        fputc('\n', f);
    } else if (t->state == TASK_JOIN) {
        fprintf(f, "\twaits for goroutine %llu\n", (unsigned long long)t->wait_id);
    } else if (t->state == TASK_RUNNING || t->state == TASK_RUNNABLE) {
        return;
    } else if (t->wait_kind == RT_OBJ_CHAN && !t->wait_obj) {
        fprintf(f, "\twaits on a nil chan (forever)\n");
    } else if (t->wait_kind == RT_OBJ_MUTEX) {
        fprintf(f, "\twaits on mutex %p held by goroutine %llu\n", t->wait_obj,
                (unsigned long long)mutex_owner(t->wait_obj));
    } else {
        fprintf(f, "\twaits on %s %p\n", kind_name(t->wait_kind), t->wait_obj);
    }
}

static int report_task(const task_info_t *t, void *ud) {
    FILE *f = ud;
    fprintf(f, "\ngoroutine %llu [%s]:\n", (unsigned long long)t->id, task_wait_reason(t));
    if (t->line)
        fprintf(f, "%s() created by %s at %s:%d\n", t->fn, t->creator, t->file, t->line);
    else
        fprintf(f, "%s() created at %s\n", t->fn, t->creator);
    report_wait(f, t);
    return 0;
}

static char *report(const char *msg) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "fatal error: %s\n", msg);
    task_foreach(report_task, f);
    fclose(f);
    return buf;
}

char *rt__deadlock_report(const char *why) { return report(why); }

char *rt__fatal_report(const char *msg) { return report(msg); }
