/*
 * A classic daemon: fork, setsid, fork again, the middle process exits,
 * the grandchild closes its descriptors, goes to / and waits. The
 * subreaper init must still own it and end it. Bounded by alarm(120).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static void daemonize(void)
{
    if (fork() != 0 || chdir("/") < 0)
        raise(SIGKILL);   /* the middle process ends (lab code may not call _exit) */
    umask(0);
    for (int fd = 0; fd < 3; fd++)
        close(fd);
    open("/dev/null", O_RDWR);
    alarm(120);
    for (;;)
        pause();
}

int iface_type_seal(iface_type_t *t)
{
    static int forked;
    if (!forked++) {
        pid_t mid = fork();
        if (mid == 0) {
            setsid();
            daemonize();
        }
        if (mid > 0)
            waitpid(mid, NULL, 0);
    }
    return iface_ref_type_seal(t);
}
