/*
 * A maze left in the scratch dir for the grader to clean: 1500 nested
 * directories (deeper than PATH_MAX), a FIFO, a directory without
 * permissions, a symlink loop. The grader must still remove the whole
 * scratch dir and finish.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static int done;
    if (done++)
        return iface_ref_type_seal(t);
    int top = open(".", O_RDONLY | O_DIRECTORY);
    mkfifo("fifo", 0600);
    if (symlink("loop", "loop") < 0 || mkdir("locked", 0700) < 0)
        return iface_ref_type_seal(t);
    close(open("locked/inside", O_WRONLY | O_CREAT, 0600));
    chmod("locked", 0);
    for (int i = 0; i < 1500; i++)
        if (mkdir("deep-directory-name", 0700) < 0 || chdir("deep-directory-name") < 0)
            break;
    close(open("bottom", O_WRONLY | O_CREAT, 0600));
    if (top >= 0 && fchdir(top) == 0)
        close(top);
    return iface_ref_type_seal(t);
}
