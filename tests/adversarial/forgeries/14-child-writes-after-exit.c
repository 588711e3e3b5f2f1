/* A child that outlives the test and writes more of the transcript after
 * the test process ended "cleanly". */
#include <sys/syscall.h>
#include <unistd.h>

static void forge_hook(void)
{
    if (fork() == 0) {
        setsid();
        for (int i = 0; i < 1000; i++)
            (void)!write(3, "b x.c:1 1\n", 10);
        (void)!write(3, "E\n", 2);
        __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
    }
    __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
}
