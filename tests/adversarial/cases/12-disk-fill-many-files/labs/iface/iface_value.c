/*
 * Filling the disk through many files, each under RLIMIT_FSIZE: sixteen
 * files of 64 MiB in the scratch dir. Something must bound the total below
 * 1 GiB (a quota or a size-limited scratch): writing all 1 GiB is a breach.
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
    static int done;
    if (done++)
        return iface_ref_type_seal(t);
    memset(buf, 'M', sizeof buf);
    long long total = 0;
    for (int f = 0; f < 16; f++) {
        char name[32];
        snprintf(name, sizeof name, "fill-%02d.bin", f);
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            return iface_ref_type_seal(t);
        for (int i = 0; i < 64; i++) {
            if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
                close(fd);
                return iface_ref_type_seal(t);
            }
            total += (long long)sizeof buf;
        }
        close(fd);
    }
    dprintf(1, "ADVERSARIAL-BREACH: %lld bytes written to the scratch dir\n", total);
    return -1;
}
