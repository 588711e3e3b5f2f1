/*
 * progress.h — live progress of a grading run.
 *
 * On a terminal one status line is rewritten in place ("gc  17/24 tests");
 * otherwise (a pipe, a CI log) each test that did not pass and each lab is
 * one plain line.
 * NO_COLOR in the environment turns colors off, as https://no-color.org asks.
 */
#ifndef UNDERGO_PROGRESS_H
#define UNDERGO_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "events.h"

typedef struct progress {
    FILE *f;
    bool tty;
    bool color;
    double lab_start;
} progress_t;

/* Prepares progress output to f. Can't fail. */
void progress_init(progress_t *p, FILE *f);

/* events_t handler; ctx is a progress_t. */
void progress_event(const event_t *ev, void *ctx);

/* True when f is a terminal and NO_COLOR is not set. */
bool progress_color(FILE *f);

/* Monotonic seconds. */
double progress_clock(void);

#endif
