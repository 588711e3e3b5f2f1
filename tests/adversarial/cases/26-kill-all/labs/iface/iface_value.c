/*
 * kill(-1, SIGKILL): every process the caller may signal. Inside the run's
 * pid namespace that is nothing but the run itself; the grader must survive
 * and finish. Refused as root (a breach, and no signal is sent).
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    if (getuid() == 0 || geteuid() == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: running as root\n");
        return -1;
    }
    kill(-1, SIGTERM);
    kill(-1, SIGKILL);
    return iface_ref_type_seal(t);
}
