/*
 * pc_errseq.h — an error sequence: one 32-bit word that remembers the
 * latest writeback error and how many errors have happened, so any number
 * of observers can each learn of an error exactly once (Linux's errseq_t).
 *
 * Layout, low bits first: the errno (12 bits), a SEEN flag (1 bit), then a
 * counter. Setting an error stores it and, if someone has seen the previous
 * value, bumps the counter; an observer keeps the value it last saw and
 * compares.
 *
 * Interface: pc_errseq_set (writeback failed) ... pc_errseq_sample (a
 * handle opens) → pc_errseq_check_and_advance (each fsync of that handle).
 * Callers serialize access (the cache holds its lock).
 */
#ifndef PC_ERRSEQ_H
#define PC_ERRSEQ_H

#include <stdint.h>

typedef uint32_t pc_errseq_t;

#define PC_ERRSEQ_ERRNO_BITS 12u
#define PC_ERRSEQ_ERRNO_MASK ((1u << PC_ERRSEQ_ERRNO_BITS) - 1)
#define PC_ERRSEQ_SEEN (1u << PC_ERRSEQ_ERRNO_BITS)
#define PC_ERRSEQ_CTR_INC (1u << (PC_ERRSEQ_ERRNO_BITS + 1))

/* Records err (a negative errno; 0 or out-of-range values are ignored).
 * Returns the new value of *eseq. */
pc_errseq_t pc_errseq_set(pc_errseq_t *eseq, int err);

/* The value a new observer starts from: the current one if its error has
 * been seen, else 0 so the new observer still gets the unseen error. */
pc_errseq_t pc_errseq_sample(const pc_errseq_t *eseq);

/* Returns the error recorded since *since (negative errno) or 0; moves
 * *since to the current value and marks the error seen. */
int pc_errseq_check_and_advance(pc_errseq_t *eseq, pc_errseq_t *since);

#endif
