/*
 * Busy loop: iface_type_seal spins. The CPU limit (RLIMIT_CPU, the cgroup's
 * CPU time) ends it: timeout.
 */
#include <stdint.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    for (volatile uint64_t i = 0; i < (1ULL << 62); i++)
        ;
    return iface_ref_type_seal(t);
}
