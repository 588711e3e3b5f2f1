/* sleeper.c — waits forever without using CPU: only the wall clock stops it. */
#include <unistd.h>

int main(void)
{
    for (;;)
        pause();
}
