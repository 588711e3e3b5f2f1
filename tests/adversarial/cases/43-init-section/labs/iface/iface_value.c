/*
 * A constructor without .init_array: a call spliced into the legacy .init
 * section, which crti.o and crtn.o wrap into _init, run before main. Code
 * there could forge every test's result before the harness starts, so the
 * audit must refuse it as it refuses constructors: build-error. Were it
 * linked, the test reports that the code ran.
 */
#include <stdio.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static int ran_before_main;

__attribute__((used)) static void early(void)
{
    ran_before_main = 1;
}

__asm__(".section .init,\"ax\",@progbits\n"
        "\tcall early\n"
        "\t.previous\n");

int iface_type_seal(iface_type_t *t)
{
    if (ran_before_main) {
        dprintf(1, "ADVERSARIAL-BREACH: code in .init ran before main\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
