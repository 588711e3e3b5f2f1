/*
 * Symlinks planted where a result file might go: in the scratch dir, links
 * named like reports point at the canary's precious file and at the build
 * dir's. Separately, run.sh plants a symlink at the --json path itself.
 * The grader must write through none of them (the canaries stay as they
 * are, the report replaces the planted link).
 */
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    static const char *names[] = {"report.json", "results.json", "junit.xml", "out.json",
                                  "history.db", "bench.txt", "test.log", "result.json"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        unlink(names[i]);
        if (symlink(i % 2 ? "@CANARY@/precious.txt" : "@BUILD_CANARY@/precious.txt", names[i]) < 0)
            break;
    }
    if (symlink("@BUILD_CANARY@/open", "bin.d") < 0)
        return iface_ref_type_seal(t);
    return iface_ref_type_seal(t);
}
