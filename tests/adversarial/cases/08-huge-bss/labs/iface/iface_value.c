/*
 * A huge static array: just under 2 GiB of .bss (the small code model
 * must reach all of .bss from the code), every page touched. The memory
 * cgroup kills the test at 512 MiB: memory.
 */
#include <stdio.h>
#include <string.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static char huge[(2ULL << 30) - (64 << 20)];

int iface_type_seal(iface_type_t *t)
{
    memset(huge, 1, sizeof huge);
    dprintf(1, "ADVERSARIAL-BREACH: %zu bytes of .bss touched\n", sizeof huge);
    return iface_ref_type_seal(t) + huge[sizeof huge / 2] - 1;
}
