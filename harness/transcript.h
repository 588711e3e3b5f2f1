/*
 * transcript.h — what a test's checks saw, one line per check.
 *
 * The test process writes it (labtest.c, checks.c); the grader and the
 * rigor check read it. A line is
 *
 *   <kind> <file>:<line> <value>[\t<note>]
 *
 * kind  i signed integer, u unsigned integer, s string ("..." C-escaped, or
 *       null), m memory (<bytes> <fnv-1a 64> <hex of the first 32 bytes>),
 *       d double (its value in steps of the check's epsilon), b boolean
 *       (1: the check held), F fail(), S skip(); the last line is "E", the
 *       test having come back to the harness.
 * note  the judging build adds the checked expression after a tab, for
 *       messages; lines are compared up to the tab.
 * A line that comes several times in a row is written once, its count
 * after the value: "b labs/gc/tests/fix.h:90 1 *1000000".
 *
 * Interface (writer): ug_transcript_open(fd) → check lines → ug_transcript_end().
 * Interface (reader): ug_transcript_diff(), ug_transcript_has_value(),
 * ug_transcript_explain().
 */
#ifndef UNDERGO_HARNESS_TRANSCRIPT_H
#define UNDERGO_HARNESS_TRANSCRIPT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- writing (in the test process) ---- */

/* Starts writing to fd (the process keeps it); a second call is ignored.
 * Without a call, checks write nothing. Can't fail. */
void ug_transcript_open(int fd);

/* Appends one line (without its newline). Can't fail: past the buffer it
 * flushes; a write error drops the rest. */
void ug_transcript_add(const char *line, size_t len);

/* Appends the closing "E" line and flushes. Can't fail. */
void ug_transcript_end(void);

/* Where fail() and skip() return to in a recording build: set by the
 * recording runner, NULL under cmocka's. */
extern jmp_buf *ug__runner_jump;

/* ---- reading (grader, rigor check) ---- */

/* Compares transcripts a and b line by line, each line up to its tab.
 * Returns false when equal; true when they differ, with *line the 1-based
 * number of the first line that differs (one past the shorter's end when
 * one is a prefix of the other). */
bool ug_transcript_diff(const char *a, const char *b, size_t *line);

/* True when transcript t holds at least one value check (i u s m d). */
bool ug_transcript_has_value(const char *t);

/* Number of lines of t. */
size_t ug_transcript_lines(const char *t);

/* Explains the first difference of a candidate transcript from the
 * reference's for a person, e.g. "check 7 at tests/nil.c:33, iface_from(..):
 * expected 0, got -38 (-ENOSYS: not implemented yet)". Returns a malloc'd
 * line (NULL when out of memory); the transcripts must differ. */
char *ug_transcript_explain(const char *reference, const char *candidate);

/* " (-ENOSYS: not implemented yet)" for a value that is a negative errno,
 * else "". Static storage. */
const char *ug_errno_note(intmax_t v);

#endif
