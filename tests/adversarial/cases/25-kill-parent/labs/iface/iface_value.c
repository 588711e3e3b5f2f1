/*
 * kill(getppid()): the parent is the run's init, which a process inside
 * its pid namespace cannot kill. The test goes on and passes; the grader
 * must survive and finish the run. Refused as root (the sandbox would have
 * failed to drop privileges: a breach, and no signal is sent).
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
    pid_t parent = getppid();
    kill(parent, SIGTERM);
    kill(parent, SIGKILL);
    kill(1, SIGKILL);
    return iface_ref_type_seal(t);
}
