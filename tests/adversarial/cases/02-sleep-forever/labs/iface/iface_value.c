/*
 * Sleep forever (ten minutes): no CPU is used, so only the grader's wall
 * clock ends it: timeout.
 */
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    sleep(600);
    return iface_ref_type_seal(t);
}
