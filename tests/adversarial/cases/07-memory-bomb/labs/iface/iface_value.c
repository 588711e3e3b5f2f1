/*
 * Memory bomb: 64 MiB at a time, every page touched, up to 4 GiB. The
 * memory cgroup (512 MiB for iface) kills it: memory. Reaching 4 GiB is a
 * breach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    size_t chunk = 64u << 20, total = 0;
    while (total < (4ULL << 30)) {
        char *p = malloc(chunk);
        if (!p)
            abort();
        memset(p, 1, chunk);
        /* Used, as far as the compiler knows: clang drops an allocation
         * nothing reads. */
        __asm__ volatile("" : : "r"(p) : "memory");
        total += chunk;
    }
    dprintf(1, "ADVERSARIAL-BREACH: %zu bytes allocated\n", total);
    return -1;
}
