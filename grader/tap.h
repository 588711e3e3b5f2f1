/*
 * tap.h — the verdict of one test from the TAP its process printed.
 *
 * The grader runs one test per process (`--tap --run NAME`), so a valid
 * stream holds the plan "1..1" and exactly one result line for NAME. Any
 * other shape — no result, two results, a result for another name, a plan
 * that does not match — is not a pass: output a test can forge must never
 * turn a failure into a pass, so the process's exit status must agree too.
 *
 * With a key, a pass also needs the harness's closing line "# ug-end <key>",
 * printed only after the test returned to the harness; the key reaches the
 * harness through its environment, which it wipes before any test code runs.
 */
#ifndef UNDERGO_TAP_H
#define UNDERGO_TAP_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TAP_PASS = 0,       /* plan 1..1, one "ok" for the name, nothing else */
    TAP_FAIL,           /* one "not ok" for the name */
    TAP_NO_RESULT,      /* no result line: the process died or printed garbage */
    TAP_MALFORMED,      /* results that contradict each other or the plan */
} tap_outcome_t;

/* Reads TAP text (len bytes, need not be NUL-terminated) for the test
 * named name; key, when not NULL, must close the stream (see above).
 * Never fails; garbage gives TAP_NO_RESULT or TAP_MALFORMED. */
tap_outcome_t tap_verdict(const char *text, size_t len, const char *name, const char *key);

#endif
