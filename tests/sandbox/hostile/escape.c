/* escape.c — a child leaves the session (setsid) while its parent exits at
 * once: the child must not survive the run. */
#include <unistd.h>

int main(void)
{
    if (fork() == 0) {
        setsid();
        for (;;)
            pause();
    }
    return 0;
}
