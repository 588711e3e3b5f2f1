/* forkbusy.c — three children burn CPU while the parent only waits: a
 * per-process CPU limit never sees the parent use any. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 3; i++)
        if (fork() == 0)
            for (volatile unsigned long n = 0;; n++)
                ;
    while (wait(NULL) > 0)
        ;
    return 0;
}
