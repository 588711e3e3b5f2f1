/*
 * Fake TAP, done carefully: the harness has already printed the plan, so
 * the lab function prints only `ok 1 - <the running test>` and ends the
 * process with status 0 through an exit_group instruction in inline
 * assembly (the audit refuses calls to the exit family, not instructions).
 * It must not pass.
 */
#include <stdio.h>
#include <sys/syscall.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    fflush(stdout);
    dprintf(1, "ok 1 - test_method_call_dispatches_through_the_itab_to_the_concrete_method\n");
    __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
    return -1;
}
