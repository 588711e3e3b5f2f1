/* fds.c — prints every open file descriptor above 2, exits with their count. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
    int open_fds = 0;
    for (int fd = 3; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0) {
            printf("%d\n", fd);
            open_fds++;
        }
    return open_fds;
}
