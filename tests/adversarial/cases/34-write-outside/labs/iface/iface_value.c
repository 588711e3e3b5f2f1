/*
 * Writing outside the scratch dir: into the canary trees run.sh made in
 * /tmp and in the build dir (world-writable, so only the private view
 * protects them), and into /tmp. Anything written there is a breach; run.sh
 * also compares the canaries byte for byte.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static const char *paths[] = {
        "@CANARY@/precious.txt",      "@CANARY@/open/planted.txt",
        "@CANARY@/open/deeper/nested.txt", "@BUILD_CANARY@/precious.txt",
        "@BUILD_CANARY@/open/planted.txt",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int fd = open(paths[i], O_WRONLY | O_CREAT | O_APPEND, 0666);
        if (fd >= 0) {
            int n = dprintf(fd, "written by a submission\n");
            close(fd);
            dprintf(1, "ADVERSARIAL-BREACH: wrote %d bytes to %s\n", n, paths[i]);
            return -1;
        }
    }
    return iface_ref_type_seal(t);
}
