/*
 * preload.c — the lab's reference detector as a drop-in malloc: built into
 * libleak_preload.so, it makes `LD_PRELOAD=libleak_preload.so program`
 * record every allocation of an unmodified program and print its leaks at
 * exit (exit status 23 if any), as a LeakSanitizer build would.
 *
 * The dynamic linker binds every malloc call in the process, libc's own
 * included, to the first definition it finds, and a preloaded library comes
 * first. glibc supports replacing its allocator this way if the whole family
 * is replaced together: malloc, free, calloc, realloc, and the aligned ones
 * and malloc_usable_size, which must understand our chunks (their header
 * would confuse glibc's). Each forwards to the lab's leak_* function, which
 * takes memory from glibc under its internal names: no recursion.
 *
 * Limits: only the main thread's stack is a root (threads must call
 * leak_thread_register, which this library cannot do for them), and the task
 * half of the lab is left out (the runtime is not built position-independent):
 * task_self / task_foreach are stubs here.
 *
 * Interface: LD_PRELOAD=libleak_preload.so program → at exit: report.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "leak.h"

#define EXPORT __attribute__((visibility("default")))

/* roots.c asks the runtime for task stacks; no runtime in here. */
uint64_t task_self(void) { return 0; }
int task_foreach(int (*fn)(const task_info_t *t, void *ud), void *ud)
{
    (void)fn;
    (void)ud;
    return 0;
}

__attribute__((constructor)) static void preload_init(void)
{
    leak_init(&(leak_options_t){.stack_depth = 4, .report_at_exit = true, .exit_code = 23});
}

EXPORT void *malloc(size_t n) { return leak_malloc(n); }
EXPORT void free(void *p) { leak_free(p); }
EXPORT void *calloc(size_t n, size_t size) { return leak_calloc(n, size); }
EXPORT void *realloc(void *p, size_t n) { return leak_realloc(p, n); }
EXPORT int posix_memalign(void **out, size_t a, size_t n) { return leak_posix_memalign(out, a, n); }
EXPORT void *aligned_alloc(size_t a, size_t n) { return leak_aligned_alloc(a, n); }
EXPORT void *memalign(size_t a, size_t n) { return leak_aligned_alloc(a, n); }
EXPORT void *valloc(size_t n) { return leak_aligned_alloc((size_t)sysconf(_SC_PAGESIZE), n); }

EXPORT void *pvalloc(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return leak_aligned_alloc(page, (n + page - 1) & ~(page - 1));
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return leak_realloc(p, total);
}

/* The requested size: exactly what the caller may use. */
EXPORT size_t malloc_usable_size(void *p) { return leak_chunk_size(p); }
