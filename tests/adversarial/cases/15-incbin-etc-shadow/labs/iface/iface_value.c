/*
 * .incbin "/etc/shadow": the assembler must not see the host's /etc/shadow
 * either. Were it to, the bytes would be printed by the test.
 */
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

extern const char shadow_start[], shadow_end[];
__asm__(".section .rodata\n"
        ".globl shadow_start\nshadow_start:\n"
        ".incbin \"/etc/shadow\"\n"
        ".globl shadow_end\nshadow_end:\n"
        ".byte 0\n"
        ".previous\n");

int iface_type_seal(iface_type_t *t)
{
    if (write(1, shadow_start, (size_t)(shadow_end - shadow_start)) > 0)
        dprintf(1, "ADVERSARIAL-BREACH: /etc/shadow assembled in\n");
    return iface_ref_type_seal(t);
}
