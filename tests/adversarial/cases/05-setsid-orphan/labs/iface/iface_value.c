/*
 * A child leaves the session (setsid) and stays while the test process
 * finishes and exits: the run's init must take it down. It would end by
 * itself after two minutes (SIGALRM) if the sandbox failed.
 */
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static int forked;
    if (!forked++ && fork() == 0) {
        setsid();
        alarm(120);
        for (;;)
            pause();
    }
    return iface_ref_type_seal(t);
}
