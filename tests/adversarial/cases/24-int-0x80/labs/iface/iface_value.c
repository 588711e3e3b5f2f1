/*
 * int $0x80: the 32-bit system call ABI, which a filter for x86-64 numbers
 * would not recognise. The filter kills other ABIs: security.
 */
#include <stdio.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    long ret;
    /* eax = 20: getpid in the i386 table */
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    if (ret > 0) {
        dprintf(1, "ADVERSARIAL-BREACH: int $0x80 returned %ld\n", ret);
        return -1;
    }
    return iface_ref_type_seal(t);
}
