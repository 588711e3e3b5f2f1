/*
 * Reading upwards from the scratch dir: walking ../ must not reach the
 * host's /tmp (where run.sh's canary tree lives) nor the source tree, and
 * ../../etc/shadow must not open. (The directories on the way to the
 * scratch dir do exist in the private view, empty: paths are the same
 * inside and outside.)
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static int seen(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    int found = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strstr(e->d_name, needle))
            found = 1;
    if (d)
        closedir(d);
    return found;
}

int iface_type_seal(iface_type_t *t)
{
    static const char *ups[] = {"..", "../..", "../../..", "../../../.."};
    const char *canary = strrchr("@CANARY@", '/') + 1;
    for (size_t i = 0; i < 4; i++) {
        if (seen(ups[i], canary) || seen(ups[i], "ug-adv-canary-")) {
            dprintf(1, "ADVERSARIAL-BREACH: %s lists the host's /tmp\n", ups[i]);
            return -1;
        }
    }
    int fd = open("../../../../../../../../etc/shadow", O_RDONLY);
    char buf[64];
    if (fd >= 0 && read(fd, buf, sizeof buf) > 0) {
        dprintf(1, "ADVERSARIAL-BREACH: read /etc/shadow through ../\n");
        return -1;
    }
    if (access("../../../../../../../../@ROOT@/CMakeLists.txt", F_OK) == 0) {
        dprintf(1, "ADVERSARIAL-BREACH: the source tree is reachable through ../\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
