/*
 * Replacing the test binary: the first test renames a shell script over
 * its own executable in the scratch dir, a script that answers `ok` for
 * whatever test it is asked to run. This lab code itself always fails, so
 * every test must fail: a later test that passes ran the fake binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    char self[4096], fake[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -EPERM;
    self[n] = '\0';
    snprintf(fake, sizeof fake, "%s.fake", self);
    int fd = open(fake, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0)
        return -EPERM;
    dprintf(fd, "#!/bin/sh\necho 1..1\necho \"ok 1 - $3\"\n"
                "echo 'ADVERSARIAL-BREACH: the fake test binary ran'\n");
    close(fd);
    rename(fake, self);
    return -EPERM;
}
