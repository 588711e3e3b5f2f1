/* The old boundary's forgery: scan our own memory (through /proc/self/maps)
 * for a result key, print fake TAP results and a closing line with every
 * candidate key found, then end the process with a raw exit_group. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void forge_hook(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    printf("1..1\nok 1 - forged\n");
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3 || perm[0] != 'r')
            continue;
        for (const char *p = (const char *)lo; p + 64 < (const char *)hi; p++)
            if (!memcmp(p, "UG_RESULT_KEY=", 14))
                printf("# ug-end %.32s\n", p + 14);
    }
    fflush(stdout);
    __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
}
