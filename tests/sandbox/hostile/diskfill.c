/* diskfill.c — writes one file in the working directory without end. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char buf[65536];
    memset(buf, 'd', sizeof(buf));
    int fd = open("fill.bin", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return 2;
    for (;;)
        if (write(fd, buf, sizeof(buf)) < 0)
            return 1;
}
