/*
 * Fake TAP: the lab function prints a plan and an `ok` line for the test
 * that is running, then leaves with _exit(0) before the real harness can
 * report. It must not pass (the audit now refuses the call to _exit:
 * build-error; without it, the test must fail).
 */
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    fflush(stdout);
    dprintf(1, "1..1\nok 1 - test_method_call_dispatches_through_the_itab_to_the_concrete_method\n");
    _exit(0);
}
