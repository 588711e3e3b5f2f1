/*
 * Stdout flood: 64 KiB writes without end (bounded at 64 GiB). The grader
 * keeps only the head and tail of the stream and keeps reading, so the
 * flood runs until the CPU or wall limit: timeout.
 */
#include <string.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static char buf[64 << 10];
    memset(buf, 'A', sizeof buf);
    for (unsigned long long n = 0; n < (64ULL << 30); n += sizeof buf)
        if (write(1, buf, sizeof buf) < 0)
            break;
    return iface_ref_type_seal(t);
}
