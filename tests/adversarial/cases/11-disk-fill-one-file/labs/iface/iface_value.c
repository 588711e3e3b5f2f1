/*
 * Filling the disk through one file in the scratch dir, 1 MiB a write, up
 * to 1 GiB: RLIMIT_FSIZE (256 MiB) sends SIGXFSZ: output-limit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static char buf[1 << 20];
    memset(buf, 'D', sizeof buf);
    int fd = open("fill.bin", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return iface_ref_type_seal(t);
    for (int i = 0; i < 1024; i++)
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            break;
    close(fd);
    return iface_ref_type_seal(t);
}
