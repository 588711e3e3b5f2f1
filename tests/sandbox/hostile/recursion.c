/* recursion.c — recurses without end until the stack runs out. */
#include <stdio.h>

static int deep(volatile int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    if (n < 0)          /* never: keeps the compiler from seeing a loop */
        return 0;
    return deep(n + 1) + pad[0];
}

int main(void)
{
    printf("%d\n", deep(0));
    return 0;
}
