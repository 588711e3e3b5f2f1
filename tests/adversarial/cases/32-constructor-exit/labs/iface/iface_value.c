/*
 * A constructor that calls _exit(0) before main: every test would "exit 0"
 * without running. The object audit refuses constructors: build-error.
 */
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

__attribute__((constructor)) static void leave_early(void)
{
    _exit(0);
}

int iface_type_seal(iface_type_t *t)
{
    return iface_ref_type_seal(t);
}
