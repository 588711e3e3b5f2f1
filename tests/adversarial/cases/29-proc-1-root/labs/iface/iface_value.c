/*
 * /proc/1/root: the root of pid 1. Inside the run's pid namespace pid 1 is
 * the run's own init, whose root is the private view; the host's files
 * must stay out of reach through it, and so must /proc/1/cwd and the
 * grader's own /proc entries.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static const char *paths[] = {
        "/proc/1/root/etc/shadow",
        "/proc/1/root@ROOT@/labs/iface/iface_value.c",
        "/proc/1/root@CANARY@/secret.txt",
        "/proc/1/cwd/../../etc/shadow",
        "/proc/1/root/proc/1/root/etc/shadow",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int fd = open(paths[i], O_RDONLY);
        char c;
        if (fd >= 0 && read(fd, &c, 1) == 1) {
            dprintf(1, "ADVERSARIAL-BREACH: read %s\n", paths[i]);
            return -1;
        }
        if (fd >= 0)
            close(fd);
    }
    return iface_ref_type_seal(t);
}
