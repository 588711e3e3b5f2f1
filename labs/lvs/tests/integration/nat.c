/*
 * nat.c — a director built on the lab's scheduler and NAT rewrite, between
 * real network namespaces.
 *
 * The test makes five namespaces: a client, the director and three real
 * servers, joined by veth pairs to the director. The director reads every
 * frame with AF_PACKET (its kernel neither owns the VIP nor forwards), picks
 * a real server with wrr (weights 3, 2, 1) for each new connection, rewrites
 * the request with lvs_nat_in and the reply with lvs_nat_out, and sends
 * them on. The client makes 300 TCP connections to VIP:80; each server
 * answers with its number, and the per-server counts must equal what the
 * same scheduler picks offline. The director then sends r1 one client SYN
 * rewritten by each other mode (DR, TUN, FULLNAT). tcpdump (libpcap) in
 * r1's namespace captures what arrives there: the NAT requests addressed to
 * r1:8080, the DR frame still to the VIP but to r1's MAC, the IP-in-IP
 * frame, the FULLNAT SYN from the director with the client in its TOA
 * option, every checksum right. Everything is removed on every path; not
 * root: exit 77. Last, for comparison and not judged, the same
 * connections go to r1 forwarded unmodified by the director's kernel.
 *
 * Interface: main → setup → servers, director, capture → client →
 * other_modes → check_capture → cleanup.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lvs.h"

#define NCONN 300
#define VIP 0x0a000064u                                    /* 10.0.0.100 */
#define CIP 0x0a000102u                                    /* 10.0.1.2 */
#define RIP(i) (0x0a000002u + ((uint32_t)(11 + (i)) << 8)) /* 10.0.1{1,2,3}.2 */

static const int weights[3] = {3, 2, 1};
static char ns[5][32]; /* client, director, r1, r2, r3 */
static pid_t kids[8];
static int nkids;
static char tmp[64];
static bool made[5];

static void cleanup(void)
{
    for (int i = 0; i < nkids; i++)
        if (kids[i] > 0) {
            kill(kids[i], SIGKILL);
            waitpid(kids[i], NULL, 0);
        }
    nkids = 0;
    char cmd[256];
    for (int i = 0; i < 5; i++)
        if (made[i]) {
            snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns[i]);
            if (system(cmd) != 0)
                fprintf(stderr, "nat: could not delete namespace %s\n", ns[i]);
            made[i] = false;
        }
    if (tmp[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "nat: could not remove %s\n", tmp);
        tmp[0] = 0;
    }
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "nat: FAIL: timed out\n";
    if (write(2, msg, sizeof(msg) - 1) < 0) {
    }
    cleanup();
    _exit(1);
}

static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nat: FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    cleanup();
    return 1;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sh(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "nat: command failed (%d): %s\n", rc, cmd);
    return rc;
}

static int enter(const char *name)
{
    char path[96];
    snprintf(path, sizeof(path), "/run/netns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = setns(fd, CLONE_NEWNET);
    close(fd);
    return rc;
}

static pid_t spawn(void)
{
    pid_t p = fork();
    if (p > 0)
        kids[nkids++] = p;
    return p;
}

static void mac(uint8_t *m, int net, int host)
{
    uint8_t v[6] = {2, 0, 0, 0, (uint8_t)net, (uint8_t)host};
    memcpy(m, v, 6);
}

static int setup(void)
{
    if (sh("ip netns add %s", ns[0]) != 0)
        return 77;
    made[0] = true;
    for (int i = 1; i < 5; i++) {
        if (sh("ip netns add %s", ns[i]))
            return -1;
        made[i] = true;
    }
    const char *d = ns[1];
    /* client <-> director: 10.0.1.0/24 */
    if (sh("ip -n %s link add d0 address 02:00:00:00:01:01 type veth peer name c0 address "
           "02:00:00:00:01:02",
           d) ||
        sh("ip -n %s link set c0 netns %s", d, ns[0]) ||
        sh("ip -n %s addr add 10.0.1.1/24 dev d0 && ip -n %s link set d0 up && ip -n %s link set "
           "lo up",
           d, d, d) ||
        sh("ip -n %s addr add 10.0.1.2/24 dev c0 && ip -n %s link set c0 up && ip -n %s link set "
           "lo up "
           "&& ip -n %s route add default via 10.0.1.1",
           ns[0], ns[0], ns[0], ns[0]))
        return -1;
    for (int i = 0; i < 3; i++) {
        const char *r = ns[2 + i];
        int net = 11 + i;
        if (sh("ip -n %s link add d%d address 02:00:00:00:%02x:01 type veth peer name r0 address "
               "02:00:00:00:%02x:02",
               d, i + 1, net, net) ||
            sh("ip -n %s link set r0 netns %s", d, r) ||
            sh("ip -n %s addr add 10.0.%d.1/24 dev d%d && ip -n %s link set d%d up", d, net, i + 1,
               d, i + 1) ||
            sh("ip -n %s addr add 10.0.%d.2/24 dev r0 && ip -n %s link set r0 up && ip -n %s link "
               "set lo up && ip -n %s route add default via 10.0.%d.1",
               r, net, r, r, r, net))
            return -1;
    }
    return 0;
}

/* A real server: answers every connection with its number. */
static void server(int i)
{
    if (enter(ns[2 + i]))
        _exit(2);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 128))
        _exit(2);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        char b = (char)('0' + i);
        if (write(c, &b, 1) != 1) {
        }
        close(c);
    }
}

/* The director: AF_PACKET on d0 (client side) and d1..d3 (servers). */
static void director(void)
{
    if (enter(ns[1]))
        _exit(2);
    lvs_service_t *svc = lvs_service_new(LVS_WRR);
    if (!svc)
        _exit(2);
    int srv[3]; /* dest id -> server: r3 is added first, so the list reads r1 r2 r3 */
    for (int i = 2; i >= 0; i--) {
        int id = lvs_dest_add(svc, RIP(i), 8080, weights[i]);
        if (id < 0 || id > 2)
            _exit(2);
        srv[id] = i;
    }
    int s[4];
    uint8_t own[4][6], peer[4][6];
    for (int k = 0; k < 4; k++) {
        char name[8];
        snprintf(name, sizeof(name), "d%d", k);
        s[k] = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
        int one = 1;
        setsockopt(s[k], SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
        struct sockaddr_ll ll = {.sll_family = AF_PACKET,
                                 .sll_protocol = htons(ETH_P_ALL),
                                 .sll_ifindex = (int)if_nametoindex(name)};
        if (s[k] < 0 || ll.sll_ifindex == 0 || bind(s[k], (struct sockaddr *)&ll, sizeof(ll)))
            _exit(2);
        mac(own[k], k ? 10 + k : 1, 1);
        mac(peer[k], k ? 10 + k : 1, 2);
    }
    static int conn_of[65536]; /* client port -> dest id + 1 */
    struct pollfd p[4];
    for (int k = 0; k < 4; k++)
        p[k] = (struct pollfd){.fd = s[k], .events = POLLIN};
    uint8_t f[2048];
    for (uint64_t now = 0;; now++) {
        if (poll(p, 4, -1) < 0)
            continue;
        for (int k = 0; k < 4; k++) {
            if (!(p[k].revents & POLLIN))
                continue;
            struct sockaddr_ll from;
            char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
            struct iovec iov = {f, sizeof(f)};
            struct msghdr mh = {.msg_name = &from,
                                .msg_namelen = sizeof(from),
                                .msg_iov = &iov,
                                .msg_iovlen = 1,
                                .msg_control = cbuf,
                                .msg_controllen = sizeof(cbuf)};
            ssize_t n = recvmsg(s[k], &mh, MSG_DONTWAIT);
            if (n < 0 || from.sll_pkttype == PACKET_OUTGOING)
                continue;
            bool partial = false;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                    struct tpacket_auxdata aux;
                    memcpy(&aux, CMSG_DATA(c), sizeof(aux));
                    partial = aux.tp_status & TP_STATUS_CSUMNOTREADY;
                }
            lvs_pkt_view_t v;
            if (lvs_pkt_parse(f, (size_t)n, &v) || v.protocol != 6 || v.tunnelled)
                continue;
            if (partial) { /* the sender left the TCP sum to the NIC: finish it */
                uint16_t c = lvs_csum_tcp(f, LVS_ETH_HLEN);
                f[LVS_ETH_HLEN + v.ihl + 16] = (uint8_t)(c >> 8);
                f[LVS_ETH_HLEN + v.ihl + 17] = (uint8_t)c;
            }
            size_t len = LVS_ETH_HLEN + v.tot_len;
            if (k == 0 && v.daddr == VIP && v.dport == 80) {
                int id = conn_of[v.sport] - 1;
                if (id < 0) {
                    if (!(v.flags & LVS_TCP_SYN))
                        continue;
                    lvs_flow_t fl = {v.saddr, v.sport, v.daddr, v.dport};
                    lvs_conn_t conn;
                    id = lvs_connect(svc, &fl, now, &conn);
                    if (id < 0)
                        continue;
                    id = srv[id];
                    conn_of[v.sport] = id + 1;
                }
                if (lvs_nat_in(f, len, RIP(id), 8080) || lvs_dr(f, len, peer[id + 1], own[id + 1]))
                    continue;
                if (send(s[id + 1], f, len, 0) < 0) {
                }
            } else if (k > 0 && v.saddr == RIP(k - 1) && v.sport == 8080) {
                if (lvs_nat_out(f, len, VIP, 80) || lvs_dr(f, len, peer[0], own[0]))
                    continue;
                if (send(s[0], f, len, 0) < 0) {
                }
            }
        }
    }
}

/* From the director to r1, one client SYN rewritten by each other mode:
 * DR (MACs only), TUN (IP-in-IP), FULLNAT (both ends, TOA). */
static void other_modes(void)
{
    if (enter(ns[1]))
        _exit(2);
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    struct sockaddr_ll ll = {.sll_family = AF_PACKET,
                             .sll_protocol = htons(ETH_P_ALL),
                             .sll_ifindex = (int)if_nametoindex("d1")};
    if (s < 0 || ll.sll_ifindex == 0 || bind(s, (struct sockaddr *)&ll, sizeof(ll)))
        _exit(2);
    uint8_t r1[6], d1[6];
    mac(r1, 11, 2);
    mac(d1, 11, 1);
    lvs_pkt_spec_t spec = {.saddr = CIP,
                           .daddr = VIP,
                           .sport = 50000,
                           .dport = 80,
                           .seq = 1,
                           .flags = LVS_TCP_SYN,
                           .df = true};
    memcpy(spec.dst_mac, d1, 6);
    memcpy(spec.src_mac, r1, 6);
    for (int mode = 0; mode < 3; mode++) {
        uint8_t f[256];
        int len = lvs_pkt_build(f, sizeof(f), &spec);
        if (len < 0 || lvs_dr(f, (size_t)len, r1, d1))
            _exit(2);
        if (mode == 1)
            len = lvs_tun(f, (size_t)len, sizeof(f), 0x0a000b01u, RIP(0));
        else if (mode == 2)
            len = lvs_fullnat_in(f, (size_t)len, sizeof(f), 0x0a000b01u, 20000, RIP(0), 8080);
        if (len < 0 || send(s, f, (size_t)len, 0) != len)
            _exit(2);
    }
    _exit(0);
}

/* The client: NCONN connections to addr:port; counts per server on fd out. */
static void client(int out, uint32_t addr, uint16_t port)
{
    if (enter(ns[0]))
        _exit(2);
    int count[3] = {0};
    for (int i = 0; i < NCONN; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        struct timeval tv = {3, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons(port),
                                .sin_addr.s_addr = htonl(addr)};
        char b = 0;
        int stage = connect(c, (struct sockaddr *)&a, sizeof(a)) ? 1 : read(c, &b, 1) != 1 ? 2 : 0;
        if (stage || b < '0' || b > '2') {
            int why[3] = {-1 - i, stage, errno};
            if (write(out, why, sizeof(why)) < 0) {
            }
            _exit(3);
        }
        count[b - '0']++;
        close(c);
    }
    if (write(out, count, sizeof(count)) != sizeof(count))
        _exit(3);
    _exit(0);
}

/* What the capture at r1 holds: NAT requests (client -> r1:8080), and one
 * frame of each other mode. Every frame's checksums must be right. */
typedef struct {
    int nat, dr, tun, fullnat, bad;
} seen_t;

static int check_capture(const char *path, seen_t *seen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    uint8_t gh[24], rh[16], f[70000];
    if (fread(gh, 1, 24, fp) != 24 || !(gh[0] == 0xd4 && gh[1] == 0xc3)) {
        fclose(fp);
        return -1;
    }
    while (fread(rh, 1, 16, fp) == 16) {
        uint32_t incl = (uint32_t)rh[8] | (uint32_t)rh[9] << 8 | (uint32_t)rh[10] << 16 |
                        (uint32_t)rh[11] << 24;
        if (incl > sizeof(f) || fread(f, 1, incl, fp) != incl)
            break;
        lvs_pkt_view_t v;
        if (lvs_pkt_parse(f, incl, &v) || !lvs_csum_ip_ok(f, LVS_ETH_HLEN)) {
            seen->bad++;
            continue;
        }
        uint8_t r1[6];
        mac(r1, 11, 2);
        if (v.tunnelled) {
            bool ok = v.daddr == RIP(0) && v.inner_saddr == CIP && v.inner_daddr == VIP &&
                      lvs_csum_ip_ok(f, v.inner_off) && lvs_csum_tcp_ok(f, v.inner_off);
            ok ? seen->tun++ : seen->bad++;
            continue;
        }
        if (!lvs_csum_tcp_ok(f, LVS_ETH_HLEN)) {
            seen->bad++;
        } else if (v.saddr == CIP && v.daddr == RIP(0) && v.dport == 8080) {
            seen->nat++;
        } else if (v.saddr == CIP && v.daddr == VIP && v.dport == 80 && !memcmp(v.dst_mac, r1, 6)) {
            seen->dr++;
        } else if (v.saddr == 0x0a000b01u && v.daddr == RIP(0) && v.dport == 8080 && v.doff >= 28) {
            const uint8_t *toa = f + v.payload_off - LVS_TOA_LEN;
            bool ok = toa[0] == LVS_TOA_KIND && toa[1] == LVS_TOA_LEN && toa[2] == 50000 >> 8 &&
                      toa[3] == (50000 & 255) && toa[4] == 10 && toa[5] == 0 && toa[6] == 1 &&
                      toa[7] == 2;
            ok ? seen->fullnat++ : seen->bad++;
        } else if (v.saddr == 0x0a000b01u && (v.flags & 0x04)) {
            /* the director's own kernel resets r1's answer to the FULLNAT SYN */
        } else {
            seen->bad++;
        }
    }
    fclose(fp);
    return 0;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("skip: needs root (network namespaces)\n");
        return 77;
    }
    if (system("command -v ip >/dev/null 2>&1") != 0 ||
        system("command -v tcpdump >/dev/null 2>&1") != 0) {
        printf("skip: needs ip (Debian package iproute2) and tcpdump (package tcpdump)\n");
        return 77;
    }
    for (int i = 0; i < 5; i++)
        snprintf(ns[i], sizeof(ns[i]), "lvs%d-%s", (int)getpid(),
                 (const char *[]){"c", "d", "r1", "r2", "r3"}[i]);
    snprintf(tmp, sizeof(tmp), "/tmp/lvs-nat-XXXXXX");
    if (!mkdtemp(tmp)) {
        tmp[0] = 0;
        return fail("mkdtemp: %s", strerror(errno));
    }
    signal(SIGALRM, on_alarm);
    alarm(30);
    int rc = setup();
    if (rc == 77) {
        cleanup();
        printf("skip: cannot make network namespaces (ip netns add failed)\n");
        return 77;
    }
    if (rc)
        return fail("setting up the namespaces");

    for (int i = 0; i < 3; i++)
        if (spawn() == 0)
            server(i);
    pid_t dir = spawn();
    if (dir == 0)
        director();
    char pcap[128];
    snprintf(pcap, sizeof(pcap), "%s/r1.pcap", tmp);
    pid_t td = spawn();
    if (td == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execlp("ip", "ip", "netns", "exec", ns[2], "tcpdump", "-i", "r0", "-U", "--immediate-mode",
               "-n", "-Z", "root", "-w", pcap,
               "(tcp and (dst port 8080 or dst port 80)) or ip proto 4", (char *)NULL);
        _exit(127);
    }
    /* wait for the capture to start (it writes its file header first) */
    for (int i = 0; i < 300; i++) {
        struct stat st;
        if (stat(pcap, &st) == 0 && st.st_size >= 24)
            break;
        usleep(10000);
    }
    usleep(300000);
    if (getenv("LVS_NAT_HOLD")) /* to look at the namespaces by hand */
        sleep((unsigned)atoi(getenv("LVS_NAT_HOLD")));

    int pfd[2];
    if (pipe(pfd))
        return fail("pipe");
    double t0 = seconds();
    pid_t cl = fork();
    if (cl == 0)
        client(pfd[1], VIP, 80);
    close(pfd[1]);
    int counts[3] = {-1, -1, -1}, st = 0;
    ssize_t got = read(pfd[0], counts, sizeof(counts));
    waitpid(cl, &st, 0);
    close(pfd[0]);
    double t_director = seconds() - t0;
    if (got != sizeof(counts) || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fail("the client could not complete %d connections through the director "
                    "(connection %d failed in %s: %s)",
                    NCONN, -counts[0] - 1, counts[1] == 1 ? "connect" : "read",
                    strerror(counts[2]));

    /* the same scheduler, offline */
    lvs_service_t *svc = lvs_service_new(LVS_WRR);
    int want[3] = {0};
    int srv[3] = {0};
    for (int i = 2; i >= 0; i--) {
        int id = lvs_dest_add(svc, RIP(i), 8080, weights[i]);
        if (id >= 0 && id < 3)
            srv[id] = i;
    }
    lvs_flow_t fl = {CIP, 40000, VIP, 80};
    for (int i = 0; i < NCONN; i++) {
        int id = lvs_schedule(svc, &fl, 0);
        if (id >= 0 && id < 3)
            want[srv[id]]++;
    }
    lvs_service_free(svc);

    pid_t om = fork();
    if (om == 0)
        other_modes();
    waitpid(om, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fail("could not send the DR, TUN and FULLNAT frames from the director");
    usleep(200000);
    kill(td, SIGTERM);
    waitpid(td, NULL, 0);
    for (int i = 0; i < nkids; i++)
        if (kids[i] == td)
            kids[i] = 0;
    seen_t seen = {0};
    int captured = check_capture(pcap, &seen);

    printf("per-server connections: r1 %d r2 %d r3 %d (wrr 3:2:1 expects %d %d %d)\n", counts[0],
           counts[1], counts[2], want[0], want[1], want[2]);
    if (memcmp(counts, want, sizeof(want)))
        return fail("the per-server counts differ from the scheduler's");
    if (captured < 0)
        return fail("no capture at r1");
    printf("capture at r1: %d NAT requests 10.0.1.2 -> 10.0.11.2:8080; DR %d, TUN %d, FULLNAT %d; "
           "%d bad\n",
           seen.nat, seen.dr, seen.tun, seen.fullnat, seen.bad);
    if (seen.bad || seen.nat < 3 * want[0] || seen.dr != 1 || seen.tun != 1 || seen.fullnat != 1)
        return fail("the capture does not show every rewrite with valid checksums");
    /* For comparison, not judged: the same connections to r1 directly,
     * forwarded unmodified by the director namespace's kernel. */
    kill(dir, SIGKILL);
    waitpid(dir, NULL, 0);
    for (int i = 0; i < nkids; i++)
        if (kids[i] == dir)
            kids[i] = 0;
    if (sh("ip netns exec %s sysctl -qw net.ipv4.ip_forward=1", ns[1]) == 0 && pipe(pfd) == 0) {
        t0 = seconds();
        cl = fork();
        if (cl == 0)
            client(pfd[1], RIP(0), 8080);
        close(pfd[1]);
        got = read(pfd[0], counts, sizeof(counts));
        waitpid(cl, &st, 0);
        close(pfd[0]);
        double t_kernel = seconds() - t0;
        if (got == sizeof(counts) && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            printf("%d connections: %.0f/s through the director, %.0f/s forwarded by the kernel "
                   "unmodified (%.2fx)\n",
                   NCONN, NCONN / t_director, NCONN / t_kernel, t_director / t_kernel);
    }
    cleanup();
    printf("ok\n");
    return 0;
}
