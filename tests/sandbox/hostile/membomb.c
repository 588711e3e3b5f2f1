/* membomb.c — allocates and touches memory without end. */
#include <stdlib.h>
#include <string.h>

int main(void)
{
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p)
            abort();
        memset(p, 1, 1 << 20);
        /* The pages are used as far as the compiler knows: clang drops an
         * allocation nothing reads, and the bomb with it. */
        __asm__ volatile("" : : "r"(p) : "memory");
    }
}
