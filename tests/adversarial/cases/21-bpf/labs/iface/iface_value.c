/*
 * bpf(2): loading a program (even a malformed request) must be killed by
 * the filter: security.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

/* A raw system call through the instruction: the audit refuses calls to
 * syscall(), an instruction in inline assembly it cannot see. */
static long raw3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

int iface_type_seal(iface_type_t *t)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    long fd = raw3(__NR_bpf, BPF_MAP_CREATE, (long)&attr, sizeof attr);
    if (fd >= 0) {
        dprintf(1, "ADVERSARIAL-BREACH: bpf map created\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
