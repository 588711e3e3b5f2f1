/*
 * to_strerror.c — Go's text for the lab's error codes and for a context's
 * two errors (context.Canceled, context.DeadlineExceeded); pristine.
 */
#include <errno.h>

#include "../timeout.h"

const char *to_strerror(int err)
{
    switch (-err) {
#define TO__CASE(name, value, msg)                                                                 \
    case name: return msg;
        TO_ERRORS(TO__CASE)
#undef TO__CASE
    case ECANCELED: return "context canceled";
    case ETIMEDOUT: return "context deadline exceeded";
    default: return net_strerror(err);
    }
}
