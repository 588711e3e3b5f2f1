/*
 * Leaving the run's cgroup, or loosening it: writing our pid into a parent
 * cgroup's cgroup.procs, raising memory.max or the v1 limit, making a new
 * cgroup. The private view has no /sys, and nobody owns none of it; any
 * write that succeeds is a breach.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static const char *files[] = {
        "/sys/fs/cgroup/cgroup.procs",          "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/cgroup.procs",   "/sys/fs/cgroup/pids/cgroup.procs",
        "/sys/fs/cgroup/cpu/cgroup.procs",      "/sys/fs/cgroup/memory/memory.limit_in_bytes",
        "/sys/fs/cgroup/unified/cgroup.procs",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        int fd = open(files[i], O_WRONLY);
        if (fd >= 0 && dprintf(fd, "%d\n", (int)getpid()) > 0) {
            dprintf(1, "ADVERSARIAL-BREACH: wrote to %s\n", files[i]);
            return -1;
        }
        if (fd >= 0)
            close(fd);
    }
    if (mkdir("/sys/fs/cgroup/adversarial", 0755) == 0 ||
        mkdir("/sys/fs/cgroup/memory/adversarial", 0755) == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: made a cgroup\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
