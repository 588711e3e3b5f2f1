/* clean.c — an ordinary lab file: its own functions, a static helper, libc
 * calls; on failure it returns an error, as lab code does. */
#include <stdlib.h>
#include <string.h>

static int helper(int x)
{
    return x * 2;
}

int clean_twice(int x)
{
    char *p = malloc(4);
    if (!p)
        return -1;
    memset(p, 0, 4);
    free(p);
    return helper(x);
}
