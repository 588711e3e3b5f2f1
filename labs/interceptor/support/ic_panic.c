/*
 * ic_panic.c — panic and recover for handlers: ic_panic unwinds to the
 * innermost ic_protect of the task (setjmp/longjmp), as a Go panic unwinds
 * to the deferred recover of the recovery interceptor. The frames of a task
 * are a list anchored in the runtime's task_local slot, so a handler that
 * parks and resumes still unwinds to its own task's frame.
 *
 * Interface: ic_protect(fn, arg, &value) → inside fn: ic_panic(value).
 */
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>

#include "interceptor.h"

typedef struct ic_frame {
    jmp_buf jb;
    struct ic_frame *up;
    const char *value;
} ic_frame_t;

_Noreturn void ic_panic(const char *value)
{
    ic_frame_t *f = *task_local();
    if (!f) {
        /* Nothing recovers it: the process ends, as a Go server's does. */
        fprintf(stderr, "panic: %s\n\ngoroutine %llu [running]:\n", value ? value : "nil",
                (unsigned long long)task_self());
        fflush(stderr);
        _exit(2);
    }
    f->value = value;
    longjmp(f->jb, 1);
}

int ic_protect(void (*fn)(void *arg), void *arg, const char **value)
{
    ic_frame_t f = {.up = *task_local(), .value = NULL};
    *task_local() = &f;
    if (setjmp(f.jb) == 0) {
        fn(arg);
        *task_local() = f.up;
        return 0;
    }
    *task_local() = f.up;
    if (value)
        *value = f.value;
    return 1;
}
