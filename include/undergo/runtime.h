/*
 * runtime.h — the Go-like runtime in one include: tasks and the scheduler
 * (task.h), channels and select (chan.h), Mutex/RWMutex/WaitGroup/Once/Cond
 * (sync.h), the clock and timers (clock.h), cancel trees (ctx.h).
 *
 * Interface: rt_run(&cfg, main, arg) runs main as a task; inside it, tasks
 * talk through these modules; rt_run returns when all are done or stuck.
 */
#ifndef UNDERGO_RUNTIME_H
#define UNDERGO_RUNTIME_H

#include <undergo/task.h>
#include <undergo/chan.h>
#include <undergo/sync.h>
#include <undergo/clock.h>
#include <undergo/ctx.h>

#endif
