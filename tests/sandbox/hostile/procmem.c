/* procmem.c — opens its own memory through /proc: reading is allowed,
 * writing (which would go through page protections) must be refused.
 * Prints "read ok" / "write refused" and exits 0; exits 1 when it could
 * write its own code. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int r = open("/proc/self/mem", O_RDONLY);
    printf("read %s\n", r >= 0 ? "ok" : "refused");
    int w = open("/proc/self/mem", O_RDWR);
    if (w >= 0) {
        /* Overwrite the first byte of main with itself: a patch. */
        unsigned char b = *(volatile unsigned char *)(void *)main;
        if (pwrite(w, &b, 1, (off_t)(unsigned long)(void *)main) == 1) {
            printf("write allowed\n");
            return 1;
        }
    }
    printf("write refused\n");
    return 0;
}
