/*
 * leak.h — a leak detector in two halves: heap chunks nobody can reach any
 * more (LeakSanitizer's question), and tasks blocked on something nobody can
 * reach any more (Go's goroutine leak profile).
 *
 * Memory: every chunk from leak_malloc and friends is recorded (address,
 * size, allocation stack) where the scan never looks for pointers: a
 * registry in anonymous mappings and a small header before the chunk.
 * leak_check stops the registered threads, scans the roots (writable
 * segments of every loaded object, each thread's stack, saved registers and
 * TLS) for words that point into a chunk (interior pointers count), floods
 * the heap from there, and reports what stayed unmarked: a direct leak is a
 * lost chunk no other lost chunk points to, an indirect leak is one
 * reachable only from lost chunks. Records are grouped by allocation stack.
 *
 * Tasks: leak_tasks_check, called from a running task, marks from the
 * runnable tasks and the globals; a blocked task whose channel, mutex or
 * WaitGroup is reached becomes a root too, until nothing changes. Blocked
 * tasks left over can never be woken: they are leaked.
 *
 * Interface: leak_init(&opts) → leak_malloc / leak_free ... (threads:
 * leak_thread_register) → leak_check(&rep) → leak_report_print →
 * leak_report_free; inside rt_run: leak_tasks_check(&trep) →
 * leak_task_report_free. leak_reset forgets (and frees) every chunk.
 */
#ifndef LEAK_H
#define LEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <undergo/task.h>

#define LEAK_MAX_FRAMES 16

/* ---- options ------------------------------------------------------------ */

typedef struct leak_options {
    unsigned stack_depth;          /* frames kept per allocation; 0 or 1: the
                                      caller only (cheapest); at most 16 */
    const char *const *suppress;   /* function names whose leaks are not
                                      reported; NULL-terminated; borrowed */
    bool report_at_exit;           /* run leak_check and print at exit */
    int exit_code;                 /* at exit, _exit(exit_code) if leaks */
} leak_options_t;

/* Sets the options (NULL: defaults). Keeps the recorded chunks. Returns 0,
 * -EINVAL for stack_depth > 16. */
int leak_init(const leak_options_t *opts);

/* ---- the allocator: glibc's heap, every chunk recorded ------------------ */

/* As malloc(3); the chunk is recorded with the caller's stack. */
void *leak_malloc(size_t size);
/* As calloc(3). */
void *leak_calloc(size_t nmemb, size_t size);
/* As realloc(3); the new chunk gets the caller's stack. */
void *leak_realloc(void *ptr, size_t size);
/* As free(3). A pointer that is not a live chunk is diagnosed (double free,
 * invalid free) on stderr, counted in leak_stats, and otherwise ignored. */
void leak_free(void *ptr);
/* As posix_memalign(3): 0, EINVAL or ENOMEM (positive, as POSIX says). */
int leak_posix_memalign(void **out, size_t alignment, size_t size);
/* As aligned_alloc(3). */
void *leak_aligned_alloc(size_t alignment, size_t size);
/* As strdup(3); the copy is a recorded chunk. */
char *leak_strdup(const char *s);

/* The size requested for live chunk ptr; 0 for NULL or anything that is
 * not a live chunk (not diagnosed). */
size_t leak_chunk_size(const void *ptr);

typedef struct leak_stats {
    size_t live_chunks, live_bytes;
    size_t double_frees, invalid_frees;
} leak_stats_t;

/* Fills *out. Returns 0. */
int leak_stats(leak_stats_t *out);

/* Frees every recorded chunk and zeroes the counters; options are kept.
 * Call only while no other thread allocates. Returns 0. */
int leak_reset(void);

/* ---- threads ------------------------------------------------------------ */

/* Makes the calling thread's stack, registers and TLS roots of leak_check
 * (the thread calling leak_check is always one). Returns 0, -EBUSY if 64
 * threads are registered. */
int leak_thread_register(void);

/* Undoes leak_thread_register before the thread exits. Returns 0, -ENOENT. */
int leak_thread_unregister(void);

/* ---- memory leak reports ------------------------------------------------ */

typedef enum leak_kind { LEAK_DIRECT, LEAK_INDIRECT } leak_kind_t;

/* One allocation stack and kind: what leaked from there. */
typedef struct leak_record {
    leak_kind_t kind;
    size_t bytes, objects;
    size_t nframes;
    void *frames[LEAK_MAX_FRAMES];   /* innermost (the allocating call) first */
    char site[160];                  /* frames[0] as "function+0xoff" */
} leak_record_t;

/* A report; the caller owns it (leak_report_free). Records: direct first,
 * then by bytes, largest first. */
typedef struct leak_report {
    leak_record_t *records;
    size_t nrecords;
    size_t direct_bytes, direct_objects;
    size_t indirect_bytes, indirect_objects;
    size_t suppressed_objects;
} leak_report_t;

/* Finds the chunks no root reaches and fills *out. Returns 0, -ENOMEM;
 * *out is empty on error. */
int leak_check(leak_report_t *out);

/* Frees a report's records; *r becomes empty. NULL is a no-op. */
void leak_report_free(leak_report_t *r);

/* Prints r like LeakSanitizer, one block per record. Returns 0 or -EIO. */
int leak_report_print(const leak_report_t *r, FILE *f);

/* Writes "function+0xoff" (or "module+0xoff") for pc into buf. Returns 0,
 * -ENOENT if pc is in no loaded object (buf still gets the raw address). */
int leak_symbolize(const void *pc, char *buf, size_t len);

/* ---- task leaks --------------------------------------------------------- */

/* A task that can never run again. */
typedef struct leak_task {
    uint64_t id;
    task_state_t state;              /* TASK_SEND, TASK_MUTEX, ... */
    rt_obj_kind_t wait_kind;
    const void *wait_obj;            /* NULL: a nil channel */
    const char *fn, *creator, *file; /* static strings of the runtime */
    int line;                        /* of the task_spawn call */
} leak_task_t;

/* The caller owns it (leak_task_report_free). Tasks in id order. */
typedef struct leak_task_report {
    leak_task_t *tasks;
    size_t ntasks;
} leak_task_report_t;

/* From a running task: finds the blocked tasks no runnable task or global
 * can reach through the recorded heap, and fills *out. Returns 0, -EPERM
 * outside a task, -E2BIG over 4096 live tasks, -ENOMEM. */
int leak_tasks_check(leak_task_report_t *out);

/* Frees a task report; *r becomes empty. NULL is a no-op. */
void leak_task_report_free(leak_task_report_t *r);

/* Prints one line per leaked task, like a goroutine leak profile. Returns 0
 * or -EIO. */
int leak_task_report_print(const leak_task_report_t *r, FILE *f);

#endif
