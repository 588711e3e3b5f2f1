/*
 * Output meant for the reviewer's terminal: escape sequences (clear the
 * screen, retitle the window, an OSC 52 write to the clipboard), NUL
 * bytes, invalid UTF-8 and a carriage return that hides the line before
 * it. The test fails, so its output is shown; run.sh checks that no ESC
 * byte reaches the grader's stdout, stderr or report, and that the report
 * is valid JSON.
 */
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    static const char evil[] = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07"
                               "nul:\0:nul bad-utf8:\xff\xfe\xc3: PASS\rok 1 - fake\n"
                               "\x1b[8mhidden text\x1b[0m\n";
    if (write(1, evil, sizeof evil - 1) < 0 || write(2, evil, sizeof evil - 1) < 0)
        return -1;
    return -1;
}
