/*
 * keepalived.c — our router against Debian's keepalived, with real packets.
 *
 * Three network namespaces made here: a bridge in one, keepalived's end
 * (10.77.0.1) and ours (10.77.0.2) each on a veth into it. Our router is
 * the lab's reference on a raw IPPROTO_VRRP socket joined to 224.0.0.18,
 * on CLOCK_MONOTONIC; it holds the virtual IP 10.77.0.100 while Master.
 * VRID 51, 1 s advertisements. Three checks:
 *   1. keepalived (150) is Master, ours (100) Backup; keepalived is
 *      SIGKILLed: ours takes the virtual IP within Master_Down_Interval
 *      (3.60 s) of the kill and no sooner than one interval before that
 *      (100 ms of slack for the real clock);
 *   2. keepalived alone at 100 is Master; ours starts at 200 and preempts
 *      it one Master_Down_Interval (3.21 s) after its start; keepalived
 *      logs that it heard ours and entered BACKUP — in v3, then again with
 *      both in v2 (3.219 s);
 *   3. keepalived's logs show no invalid packet from ours.
 * Every namespace, process and file made here is removed on every path
 * out. Exit 0 pass, 1 fail, 77 skip (not root, no `ip netns`, no
 * keepalived: Debian package keepalived).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vrrp.h"

#define KA_BIN "/usr/sbin/keepalived"
#define VIP_S "10.77.0.100"
#define OUR_IP 0x0A4D0002u /* 10.77.0.2 */

static char ns_k[32], ns_o[32], ns_br[32], tmp[64] = "";
static pid_t ka_pid = -1;
static int failures;

static int sh(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static int64_t mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * VR_NS_PER_S + ts.tv_nsec;
}

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    failures += !ok;
}

static void ka_stop(int sig)
{
    if (ka_pid <= 0)
        return;
    kill(-ka_pid, sig);
    int st;
    for (int i = 0; i < 50 && waitpid(ka_pid, &st, WNOHANG) == 0; i++)
        usleep(100000);
    if (waitpid(ka_pid, &st, WNOHANG) == 0) {
        kill(-ka_pid, SIGKILL);
        waitpid(ka_pid, &st, 0);
    }
    ka_pid = -1;
}

static void cleanup(void)
{
    ka_stop(SIGKILL);
    sh("ip netns del %s 2>/dev/null", ns_k);
    sh("ip netns del %s 2>/dev/null", ns_o);
    sh("ip netns del %s 2>/dev/null", ns_br);
    if (tmp[0])
        sh("rm -rf %s", tmp);
}

static void on_signal(int sig)
{
    (void)sig;
    exit(1); /* runs cleanup */
}

/* Starts keepalived at prio in its namespace, logging to log<n>. */
static int ka_start(int prio, int n, int version)
{
    char conf[128], log[128];
    snprintf(conf, sizeof conf, "%s/ka%d.conf", tmp, n);
    snprintf(log, sizeof log, "%s/log%d", tmp, n);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f,
            "global_defs {\n  router_id ka%d\n  vrrp_version %d\n}\n"
            "vrrp_instance VI {\n  state BACKUP\n  interface vk\n  virtual_router_id 51\n"
            "  priority %d\n  advert_int 1\n  virtual_ipaddress {\n    " VIP_S "/24\n  }\n}\n",
            n, version, prio);
    fclose(f);
    ka_pid = fork();
    if (ka_pid == 0) {
        setpgid(0, 0);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        char p1[128], p2[128], p3[128];
        snprintf(p1, sizeof p1, "%s/ka%d.pid", tmp, n);
        snprintf(p2, sizeof p2, "%s/vrrp%d.pid", tmp, n);
        snprintf(p3, sizeof p3, "%s/check%d.pid", tmp, n);
        execlp("ip", "ip", "netns", "exec", ns_k, KA_BIN, "-n", "-l", "-D", "-f", conf, "-p", p1,
               "-r", p2, "-c", p3, (char *)NULL);
        _exit(127);
    }
    if (ka_pid > 0)
        setpgid(ka_pid, ka_pid);
    return ka_pid > 0 ? 0 : -1;
}

/* Whether keepalived's log n holds s. */
static int log_has(int n, const char *s)
{
    return sh("grep -q '%s' %s/log%d", s, tmp, n) == 0;
}

/* ---- our router on a raw socket ---------------------------------------------- */

typedef struct ours {
    int fd, pfd, ifindex;
    vr_router_t *r;
    uint64_t accepted, rejected;
    int64_t master_at; /* when it last became Master */
} ours_t;

static void o_send(void *ud, const uint8_t *msg, size_t len)
{
    ours_t *o = ud;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(VR_GROUP)};
    sendto(o->fd, msg, len, 0, (struct sockaddr *)&to, sizeof to);
}

static void o_frame(void *ud, const uint8_t *frame, size_t len)
{
    ours_t *o = ud;
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_ifindex = o->ifindex, .sll_halen = 6};
    memset(ll.sll_addr, 0xff, 6);
    sendto(o->pfd, frame, len, 0, (struct sockaddr *)&ll, sizeof ll);
}

static void o_notify(void *ud, vr_state_t from, vr_state_t to, int prio)
{
    ours_t *o = ud;
    if (to == VR_MASTER)
        o->master_at = mono();
    printf("     ours: %s -> %s (priority %d)\n", vr_state_name(from), vr_state_name(to), prio);
    if (to == VR_MASTER)
        sh("ip addr add " VIP_S "/24 dev vo");
    else if (from == VR_MASTER)
        sh("ip addr del " VIP_S "/24 dev vo");
}

static int o_open(ours_t *o)
{
    o->fd = socket(AF_INET, SOCK_RAW, VR_PROTO);
    o->pfd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
    o->ifindex = (int)if_nametoindex("vo");
    if (o->fd < 0 || o->pfd < 0 || !o->ifindex)
        return -1;
    struct ip_mreqn mr = {.imr_multiaddr.s_addr = htonl(VR_GROUP), .imr_ifindex = o->ifindex};
    int ttl = 255, loop = 0;
    if (setsockopt(o->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) < 0 ||
        setsockopt(o->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) < 0 ||
        setsockopt(o->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0 ||
        setsockopt(o->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) < 0)
        return -1;
    return 0;
}

static int o_router(ours_t *o, int prio, int version)
{
    vr_config_t c = {.version = version,
                     .vrid = 51,
                     .priority = (uint8_t)prio,
                     .adver_int = (uint16_t)(version == 3 ? 100 : 1),
                     .primary_ip = OUR_IP,
                     .naddrs = 1,
                     .addrs = {0x0A4D0064u}};
    vr_io_t io = {o_send, o_frame, o_notify, o};
    return vr_router_new(&c, &io, &o->r);
}

/* Runs our router until `until` (ns, monotonic) or until stop(o) holds. */
static void o_run(ours_t *o, int64_t until, int (*stop)(ours_t *))
{
    uint8_t buf[2048];
    for (;;) {
        int64_t now = mono();
        if (now >= until || (stop && stop(o)))
            return;
        vr_tick(o->r, now);
        int64_t d = vr_next_deadline(o->r), wake = d >= 0 && d < until ? d : until;
        int ms = wake > now ? (int)((wake - now + 999999) / 1000000) : 0;
        struct pollfd p = {.fd = o->fd, .events = POLLIN};
        if (poll(&p, 1, ms > 50 ? 50 : ms) == 1) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(o->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (n < 20)
                continue;
            size_t ihl = (size_t)(buf[0] & 15) * 4;
            uint32_t src = ntohl(from.sin_addr.s_addr);
            if (src == OUR_IP || (size_t)n <= ihl)
                continue;
            int rc = vr_input(o->r, buf + ihl, (size_t)n - ihl, src, buf[8], mono());
            if (rc == 0)
                o->accepted++;
            else
                o->rejected++, printf("     ours rejected a packet: %s\n", vr_strerror(rc));
        }
    }
}

static int is_master(ours_t *o)
{
    return vr_state(o->r) == VR_MASTER;
}

static int heard_two(ours_t *o)
{
    return o->accepted >= 2 && log_has(1, "Entering MASTER STATE");
}

static int cur_log; /* the log of the keepalived now running */

static int ka_backup(ours_t *o)
{
    return is_master(o) && log_has(cur_log, "Entering BACKUP STATE");
}

static int vip_on_ours(void)
{
    return sh("ip -4 addr show dev vo | grep -q ' " VIP_S "/'") == 0;
}

static int setup(void)
{
    int p = (int)getpid();
    snprintf(ns_k, sizeof ns_k, "ugvr%dk", p);
    snprintf(ns_o, sizeof ns_o, "ugvr%do", p);
    snprintf(ns_br, sizeof ns_br, "ugvr%db", p);
    snprintf(tmp, sizeof tmp, "/tmp/ugvrrp.XXXXXX");
    if (!mkdtemp(tmp)) {
        tmp[0] = 0;
        return -1;
    }
    chmod(tmp, 0755);
    if (sh("ip netns add %s && ip netns add %s && ip netns add %s", ns_k, ns_o, ns_br))
        return -1;
    if (sh("ip -n %s link add br0 type bridge && ip -n %s link set br0 up", ns_br, ns_br))
        return -1;
    const char *ns[2] = {ns_k, ns_o}, *dev[2] = {"vk", "vo"}, *ip[2] = {"10.77.0.1", "10.77.0.2"};
    for (int i = 0; i < 2; i++)
        if (sh("ip -n %s link add %s type veth peer name p%s netns %s", ns[i], dev[i], dev[i],
               ns_br) ||
            sh("ip -n %s link set p%s master br0 up", ns_br, dev[i]) ||
            sh("ip -n %s addr add %s/24 dev %s && ip -n %s link set %s up && ip -n %s link set lo "
               "up",
               ns[i], ip[i], dev[i], ns[i], dev[i], ns[i]))
            return -1;
    char path[64];
    snprintf(path, sizeof path, "/run/netns/%s", ns_o);
    int fd = open(path, O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
        return -1;
    close(fd);
    return 0;
}

/* keepalived alone at 100 (log n) becomes Master; ours at 200 preempts it
 * one Master_Down_Interval after its start, and keepalived says why. */
static int preempt(ours_t *o, int version, int n)
{
    if (ka_start(100, n, version) < 0)
        return -1;
    cur_log = n;
    for (int i = 0; i < 80 && !log_has(n, "Entering MASTER STATE"); i++)
        usleep(100000);
    check(log_has(n, "Entering MASTER STATE"), "v%d: keepalived alone at 100 becomes Master",
          version);
    o->accepted = 0, o->master_at = 0;
    if (o_router(o, 200, version) < 0)
        return -1;
    int64_t started = mono();
    vr_startup(o->r, started);
    o_run(o, started + 8 * VR_NS_PER_S, ka_backup);
    int64_t pre = o->master_at - started, mdi = vr_master_down_interval(o->r);
    check(is_master(o) && log_has(n, "Entering BACKUP STATE") && pre >= mdi &&
              pre <= mdi + 100000000,
          "v%d: ours at 200 preempts keepalived %.3f s after its start (Master_Down_Interval "
          "%.3f s)",
          version, pre / 1e9, mdi / 1e9);
    check(log_has(n, "received advert from 10.77.0.2 with higher priority 200"),
          "v%d: keepalived decoded ours: \"received advert from 10.77.0.2 with higher priority "
          "200\"",
          version);
    vr_shutdown(o->r, mono());
    vr_router_free(o->r);
    usleep(300000);
    ka_stop(SIGTERM);
    sh("ip -n %s addr del " VIP_S "/24 dev vk 2>/dev/null", ns_k);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (geteuid() != 0) {
        printf("skip: needs root (network namespaces)\n");
        return 77;
    }
    if (sh("ip netns list >/dev/null 2>&1") != 0) {
        printf("skip: no `ip netns` (Debian package iproute2)\n");
        return 77;
    }
    if (access(KA_BIN, X_OK) != 0) {
        printf("skip: no %s (Debian package keepalived)\n", KA_BIN);
        return 77;
    }
    atexit(cleanup);
    signal(SIGINT, on_signal), signal(SIGTERM, on_signal), signal(SIGHUP, on_signal);
    if (setup() < 0) {
        printf("FAIL cannot make the namespaces: %s\n", strerror(errno));
        return 1;
    }
    ours_t o = {0};
    if (o_open(&o) < 0 || o_router(&o, 100, 3) < 0) {
        printf("FAIL cannot open the raw sockets: %s\n", strerror(errno));
        return 1;
    }

    /* 1. keepalived at 150 Master, ours at 100 Backup; SIGKILL keepalived */
    if (ka_start(150, 1, 3) < 0)
        return 1;
    vr_startup(o.r, mono());
    o_run(&o, mono() + 8 * VR_NS_PER_S, heard_two);
    check(
        vr_state(o.r) == VR_BACKUP && o.accepted >= 2,
        "keepalived at 150 is Master; ours at 100 is Backup and accepts its advertisements (%llu)",
        (unsigned long long)o.accepted);
    int64_t killed = mono();
    ka_stop(SIGKILL);
    o_run(&o, killed + 6 * VR_NS_PER_S, is_master);
    int64_t took = o.master_at - killed, mdi = vr_master_down_interval(o.r);
    check(is_master(&o) && took > mdi - VR_NS_PER_S && took <= mdi + 100000000 && vip_on_ours(),
          "keepalived killed: ours holds " VIP_S " after %.3f s (Master_Down_Interval %.2f s)",
          took / 1e9, mdi / 1e9);
    vr_shutdown(o.r, mono());
    vr_router_free(o.r);
    sh("ip -n %s addr del " VIP_S "/24 dev vk 2>/dev/null",
       ns_k); /* a killed keepalived keeps it */

    /* 2. keepalived alone at 100, then ours at 200 preempts it: v3, then v2 */
    if (preempt(&o, 3, 2) < 0 || preempt(&o, 2, 3) < 0)
        return 1;
    /* 3. nothing of ours was refused */
    int bad = sh("grep -i -E 'invalid|checksum|ttl|mismatch|wrong|bad ' %s/log1 %s/log2 %s/log3",
                 tmp, tmp, tmp);
    check(bad != 0, "keepalived logs no invalid packet from ours");
    check(o.rejected == 0, "ours refused none of keepalived's packets (%llu)",
          (unsigned long long)o.rejected);
    close(o.fd), close(o.pfd);
    return failures ? 1 : 0;
}
