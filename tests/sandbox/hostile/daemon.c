/* daemon.c — the classic double fork: the grandchild, in a new session and
 * orphaned, must not survive the run. */
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    pid_t p = fork();
    if (p > 0)
        return 0;
    setsid();
    if (fork() > 0)
        _exit(0);
    for (;;)
        sleep(1000);
}
