/* abstract.c — an abstract unix socket (one of a network namespace's own
 * names), to see whether a run can meet an earlier one through it.
 * "listen NAME": bind and listen on @NAME, leave a daemon holding it,
 * exit 0 (2: the name could not be bound). "selfqueue NAME": bind and
 * listen on @NAME, then send that socket and the receiving end into the
 * receiving end's own queue, so no process holds them and they outlive the
 * run until the kernel's collector finds the cycle; exit 0.
 * "connect NAME": exit 0 when nobody answers at @NAME, 1 when someone does. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t address(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    if (n > sizeof(a->sun_path) - 2)
        n = sizeof(a->sun_path) - 2;
    memcpy(a->sun_path + 1, name, n);   /* sun_path[0] == 0: abstract */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 64;
    struct sockaddr_un a;
    socklen_t len = address(&a, argv[2]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0)
        return 3;
    if (!strcmp(argv[1], "connect"))
        return connect(s, (struct sockaddr *)&a, len) == 0 ? 1 : 0;
    if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0)
        return 2;
    if (!strcmp(argv[1], "selfqueue")) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) < 0)
            return 4;
        int fds[2] = {s, pair[1]};
        char data = 'x', ctl[CMSG_SPACE(sizeof fds)];
        struct iovec iov = {&data, 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                           .msg_controllen = sizeof ctl};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof fds);
        memcpy(CMSG_DATA(c), fds, sizeof fds);
        if (sendmsg(pair[0], &m, 0) != 1)
            return 5;
        return 0;       /* exiting closes every descriptor; the queue still holds both */
    }
    if (fork() == 0) {
        setsid();
        for (;;)
            pause();    /* holds the name for as long as it lives */
    }
    return 0;
}
