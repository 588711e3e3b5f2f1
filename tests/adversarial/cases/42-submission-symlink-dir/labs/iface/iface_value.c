/*
 * Not lab code: the submission graded holds only labs/iface, a symlink to
 * another folder (0700, root's: another candidate's submission, which here
 * is the reference). The grader reads submissions as root, so it must
 * refuse a symlink anywhere on the path, not only a symlinked file.
 */
#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    return iface_ref_type_seal(t);
}
