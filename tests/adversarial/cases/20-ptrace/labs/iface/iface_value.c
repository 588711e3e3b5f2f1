/*
 * ptrace: attaching to the parent (init of the run) must be killed by the
 * filter: security.
 */
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    if (ptrace(PTRACE_ATTACH, getppid(), NULL, NULL) == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: ptrace attached to the parent\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
