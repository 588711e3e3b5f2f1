/* loopback.c — listens on 127.0.0.1 and connects to itself.
 * Exit 0: a byte went round; 3: socket() refused; 4: bind/listen; 5: connect. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || c < 0)
        return 3;
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) < 0)
        return 4;
    if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
        return 5;
    int s = accept(l, NULL, NULL);
    char x = 'x';
    return s >= 0 && write(c, &x, 1) == 1 && read(s, &x, 1) == 1 ? 0 : 6;
}
