/* forbidden.c — makes one forbidden system call, named by argv[1]:
 * ptrace, bpf, mount, unshare, int80, x32, keyctl, userfaultfd, io_uring.
 * Exit 0: the call succeeded; 1: it failed with an error (not killed). */
#include <linux/io_uring.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

static long int80_getpid(void)
{
#if defined(__x86_64__)
    long ret;
    /* The 32-bit entry: getpid is 20 there. */
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    return ret;
#else
    return -1;
#endif
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *w = argv[1];
    long r = -1;
    if (!strcmp(w, "ptrace"))
        r = ptrace(PTRACE_TRACEME, 0, 0, 0);
    else if (!strcmp(w, "bpf"))
        r = syscall(SYS_bpf, 0, NULL, 0);
    else if (!strcmp(w, "mount"))
        r = mount("none", "/tmp", "tmpfs", 0, NULL);
    else if (!strcmp(w, "unshare"))
        r = unshare(CLONE_NEWUSER);
    else if (!strcmp(w, "int80"))
        r = int80_getpid();
    else if (!strcmp(w, "x32"))
        r = syscall(0x40000000L | SYS_getpid);  /* the x32 ABI's getpid */
    else if (!strcmp(w, "keyctl"))
        r = syscall(SYS_keyctl, 0, 0, 0, 0, 0);
    else if (!strcmp(w, "userfaultfd"))
        r = syscall(SYS_userfaultfd, 0);
    else if (!strcmp(w, "io_uring")) {
        struct io_uring_params p;
        memset(&p, 0, sizeof(p));
        r = syscall(SYS_io_uring_setup, 4, &p);
    }
    return r >= 0 ? 0 : 1;
}
