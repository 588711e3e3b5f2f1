/*
 * to_strerror.c — Go's text for the lab's error codes (pristine).
 */
#include "../timeout.h"

const char *to_strerror(int err) {
    switch (-err) {
#define TO__CASE(name, value, msg) \
    case name: return msg;
        TO_ERRORS(TO__CASE)
#undef TO__CASE
    default: return net_strerror(err);
    }
}
