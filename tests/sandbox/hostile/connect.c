/* connect.c — connects to 127.0.0.1:PORT (argv[1]) and says hello.
 * Exit 0: connected and sent; 3: socket() refused; 4: connect() refused. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 3;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
        return 4;
    return write(fd, "hello", 5) == 5 ? 0 : 5;
}
