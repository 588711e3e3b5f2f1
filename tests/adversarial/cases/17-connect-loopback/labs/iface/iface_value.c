/*
 * connect() to the test harness's listener on 127.0.0.1 (TCP) and on its
 * abstract unix socket: the lab has no network, so neither may connect
 * (seccomp refuses AF_INET; the abstract socket lives in another network
 * namespace). A connection is a breach; run.sh also checks the listener
 * saw nothing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static int try_tcp(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(@PORT@)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static int try_unix(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "undergo-adv-%d", @PORT@);
    socklen_t len = (socklen_t)(sizeof(sa_family_t) + 1 + (size_t)n);
    int ok = connect(fd, (struct sockaddr *)&a, len) == 0;
    close(fd);
    return ok;
}

int iface_type_seal(iface_type_t *t)
{
    if (try_tcp() || try_unix()) {
        dprintf(1, "ADVERSARIAL-BREACH: connected to the host's loopback listener\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
