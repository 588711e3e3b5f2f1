/*
 * Reading the source tree through absolute paths: the reference iface_value.c,
 * another lab's sources, the hidden tests, the compiled reference in the
 * build tree and the canary secret. None may open: test runs see only
 * their scratch dir and the system.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static const char *paths[] = {
        "@ROOT@/labs/iface/iface_value.c",
        "@ROOT@/labs/iface/iface_itab.c",
        "@ROOT@/labs/iface/tests/hidden",
        "@ROOT@/labs/pagecache/pc_cache.c",
        "@ROOT@/labs/pagecache/lab.yaml",
        "@BINDIR@/libiface_ref.a",
        "@BINDIR@/bin/iface_test_ref",
        "@BINDIR@/labs/iface/recipe.json",
        "@CANARY@/secret.txt",
        "@BUILD_CANARY@/secret.txt",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int fd = open(paths[i], O_RDONLY);
        if (fd >= 0) {
            dprintf(1, "ADVERSARIAL-BREACH: opened %s\n", paths[i]);
            close(fd);
            return -1;
        }
    }
    return iface_ref_type_seal(t);
}
