/*
 * mount(2): a tmpfs over the scratch dir must be killed by the filter:
 * security.
 */
#include <stdio.h>
#include <sys/mount.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    if (mount("none", ".", "tmpfs", 0, NULL) == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: mounted a tmpfs\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
