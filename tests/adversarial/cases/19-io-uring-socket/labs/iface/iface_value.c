/*
 * io_uring in a lab whose policy has no io_uring: io_uring_setup is killed
 * by the filter (security). Were the ring set up, an IORING_OP_SOCKET would
 * make an AF_INET socket behind seccomp's back: a breach.
 */
#include <linux/io_uring.h>
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
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = raw3(__NR_io_uring_setup, 8, (long)&p, 0);
    if (fd >= 0) {
        dprintf(1, "ADVERSARIAL-BREACH: io_uring_setup gave fd %ld\n", fd);
        return -1;
    }
    return iface_ref_type_seal(t);
}
