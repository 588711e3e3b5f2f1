/*
 * events.h — what a grading run tells as it goes (for progress output).
 *
 * The stages emit events through an events_t; test workers emit from
 * their threads, serialized by the test stage.
 */
#ifndef UNDERGO_EVENTS_H
#define UNDERGO_EVENTS_H

#include <stddef.h>

#include "manifest.h"
#include "result.h"

typedef enum {
    EV_LAB_START,       /* lab */
    EV_BUILT,           /* lab; lr->status says how it went */
    EV_TEST_RAN,        /* lab; done of total tests have run (verdicts not decided yet) */
    EV_TEST_DONE,       /* lab, test: its verdict is decided; done of total */
    EV_BENCH_ROUND,     /* lab; round done of total */
    EV_LAB_DONE,        /* lab, lr */
} event_kind_t;

typedef struct event {
    event_kind_t kind;
    const lab_t *lab;
    const lab_result_t *lr;
    const test_result_t *test;
    size_t done, total;
} event_t;

typedef struct events {
    void (*fn)(const event_t *ev, void *ctx);
    void *ctx;
} events_t;

static inline void events_emit(const events_t *e, event_t ev)
{
    if (e && e->fn)
        e->fn(&ev, e->ctx);
}

#endif
