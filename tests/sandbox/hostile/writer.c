/* writer.c — creates the file argv[1]. Exit 0 if it could. */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 1;
    return write(fd, "owned\n", 6) == 6 ? 0 : 1;
}
