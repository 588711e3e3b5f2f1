/*
 * conf.h — one conformance case in C: a small program on the runtime whose
 * output must equal its Go twin's (go/<name>.go) byte for byte.
 *
 * A case is a function registered with CONF_CASE(name) in c/<name>.c; it
 * runs as the main task of a default run (seeded random scheduling, the
 * virtual clock). CONF_CASE_FIFO runs it on the FIFO scheduler, the model
 * of a Go twin that sets GOMAXPROCS(1). The driver (conf_main.c) ends the
 * process as Go would: exit 2 with the run's report after a deadlock or a
 * fatal error; conf_panic is Go's unrecovered panic.
 *
 * Interface: CONF_CASE(name) { ... printf ... } ; conf_panic(msg).
 */
#ifndef UNDERGO_CONF_H
#define UNDERGO_CONF_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/runtime.h>

typedef struct conf_case {
    const char *name;
    task_fn fn;
    bool fifo;
} conf_case_t;

#define CONF__CASE(name_, fifo_)                                              \
    static void name_(void *arg);                                             \
    static const conf_case_t conf__c_##name_ = {#name_, name_, fifo_};        \
    static const conf_case_t *const conf__p_##name_                           \
        __attribute__((used, section("conf_cases"))) = &conf__c_##name_;      \
    static void name_(__attribute__((unused)) void *arg)

#define CONF_CASE(name) CONF__CASE(name, false)
#define CONF_CASE_FIFO(name) CONF__CASE(name, true)

/* Go's unrecovered panic: the message and the task on stderr, exit 2. */
static inline _Noreturn void conf_panic(const char *msg) {
    fflush(stdout);
    fprintf(stderr, "panic: %s\n\ngoroutine %llu [running]:\n", msg,
            (unsigned long long)task_self());
    exit(2);
}

/* A runtime call that must succeed; anything else is a defect of the case. */
#define CONF_OK(call)                                                         \
    do {                                                                      \
        int conf__rc = (call);                                                \
        if (conf__rc < 0) {                                                   \
            fprintf(stderr, "conformance: %s: %s\n", #call, strerror(-conf__rc)); \
            exit(3);                                                          \
        }                                                                     \
    } while (0)

/* Go's ms: the virtual clock in milliseconds. */
static inline int64_t conf_ms(int64_t ns) { return ns / CLOCK_MS; }

#endif
