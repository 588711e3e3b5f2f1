/*
 * unshare(2) of a user namespace (the usual first step to regain
 * capabilities) must be killed by the filter: security.
 */
#include <sched.h>
#include <stdio.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: unshared a user namespace\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
