/*
 * pc_errseq.c — the error sequence word (see pagecache.h for the layout).
 *
 * Why a counter and not a flag: a flag cleared by the first fsync would
 * hide the error from every other handle; a per-handle list would grow. A
 * counter lets each handle compare "the value I last saw" with "now" in
 * one word. The counter only moves when the old value was SEEN, so a storm
 * of errors that nobody looks at cannot wrap it around to a value some
 * handle already holds.
 *
 * Interface: pc_errseq_set → pc_errseq_sample → pc_errseq_check_and_advance.
 */
#include <errno.h>

#include "pagecache.h"

#if LAB_SOLUTION

pc_errseq_t pc_errseq_set(pc_errseq_t *eseq, int err)
{
    pc_errseq_t old = *eseq;
    if (err >= 0 || (unsigned)-err > PC_ERRSEQ_ERRNO_MASK)
        return old;
    pc_errseq_t val = (old & ~(PC_ERRSEQ_ERRNO_MASK | PC_ERRSEQ_SEEN)) | (pc_errseq_t)-err;
    /* Only count a new error if someone looked at the previous one:
     * observers that have not checked yet will see it anyway. */
    if (old & PC_ERRSEQ_SEEN)
        val += PC_ERRSEQ_CTR_INC;
    *eseq = val;
    return val;
}

pc_errseq_t pc_errseq_sample(const pc_errseq_t *eseq)
{
    pc_errseq_t old = *eseq;
    /* An unseen error is handed to the new observer too: nobody has been
     * told yet, and it must not be lost. */
    return (old & PC_ERRSEQ_SEEN) ? old : 0;
}

int pc_errseq_check_and_advance(pc_errseq_t *eseq, pc_errseq_t *since)
{
    pc_errseq_t old = *eseq;
    if (old == *since)
        return 0;
    pc_errseq_t seen = old | PC_ERRSEQ_SEEN;
    *eseq = seen;
    *since = seen;
    return -(int)(old & PC_ERRSEQ_ERRNO_MASK);
}

#else /* the candidate's version starts here */

pc_errseq_t pc_errseq_set(pc_errseq_t *eseq, int err)
{
    (void)err;
    return *eseq;
}

pc_errseq_t pc_errseq_sample(const pc_errseq_t *eseq)
{
    (void)eseq;
    return 0;
}

int pc_errseq_check_and_advance(pc_errseq_t *eseq, pc_errseq_t *since)
{
    (void)eseq;
    (void)since;
    return -ENOSYS;
}

#endif
