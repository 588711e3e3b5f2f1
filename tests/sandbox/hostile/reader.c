/* reader.c — copies the file argv[1] to stdout. Exit 0 if any byte was read. */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        return 1;
    char buf[4096];
    ssize_t n, total = 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        total += n;
        if (write(1, buf, (size_t)n) < 0)
            return 3;
    }
    return total > 0 ? 0 : 1;
}
