/*
 * Recursion without end (bounded only far beyond any stack): the stack
 * limit turns it into SIGSEGV: crash.
 */
#include <stdint.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static int dive(volatile char *above, uint64_t depth)
{
    volatile char frame[512];
    frame[0] = (char)(above ? above[0] + 1 : 0);
    frame[511] = (char)depth;
    if (depth > (1ULL << 40))
        return frame[0];
    return dive(frame, depth + 1) + frame[511];
}

int iface_type_seal(iface_type_t *t)
{
    return iface_ref_type_seal(t) + dive(NULL, 0) * 0;
}
