/* record.c — writes N lines "%07d\n" to fd 3 (the record channel) and
 * exits 0; exits 3 when fd 3 is not open. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (fcntl(3, F_GETFD) < 0)
        return 3;
    int n = argc > 1 ? atoi(argv[1]) : 0;
    char line[16];
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "%07d\n", i);
        if (write(3, line, 8) != 8)
            return 4;
    }
    return 0;
}
