/*
 * etcd_vs_ref.c — puts on a 3-member etcd (Debian's etcd-server, 3.4)
 * against puts on a 3-node cluster of the etcd lab's reference, both on
 * loopback, in one run.
 *
 * Both sides are three processes and both are spoken to the same way:
 * HTTP/1.1 with keep-alive, POST /v3/kv/put with a JSON body and base64
 * key and value (etcd's v3 JSON gateway, grpc-gateway, on its client
 * port), always at the leader (found with POST /v3/maintenance/status).
 * etcd members keep their data dirs in /dev/shm (tmpfs: an fsync there is
 * nearly free, as the reference's simulated in-memory disk's is). Each
 * reference node is a process running one rt_run on the real clock: the
 * lab's Raft (etcd_raft_start off a simulated host: "127.0.0.1:port" peers
 * over real UDP, a simdisk of its own), its MVCC store as the state
 * machine, and libs/http answering the same two gateway calls. A put is
 * answered once it is applied at the leader, as etcd answers it.
 *
 * BenchmarkPut: one client, one put after another (latency).
 * BenchmarkPut16: 16 clients (threads, a connection each) at once.
 * Rounds interleave etcd and the reference, the order alternating; the
 * answer is the median of the rounds. Go's benchmark format:
 *
 *   BenchmarkPut/etcd-2    1000   812345 ns/op
 *   BenchmarkPut/ref-2     1000   601234 ns/op   1.35 etcd/ref
 *
 * etcd/ref is etcd's ns/op over the reference's: above 1, the reference
 * is faster. The reference's Raft sends new entries with its heartbeat
 * (etcd's sends them at once), so its put latency follows the heartbeat:
 * ETCD_VS_REF_HEARTBEAT_US (1000) and ETCD_VS_REF_ELECTION_MS (150) set
 * them; ETCD_VS_REF_N (300 sequential puts a round, 16x for Put16) and
 * ETCD_VS_REF_ROUNDS (5) size the run. Exit 77 when etcd-server is
 * missing (ETCD_VS_REF_ETCD: another etcd binary than /usr/bin/etcd); every process and folder made is killed and removed on exit.
 *
 * Interface: main → start etcd and the reference → leaders → rounds → print.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <undergo/http.h>
#include <undergo/runtime.h>

#include "etcd.h"

static const char *etcd_bin = "/usr/bin/etcd"; /* ETCD_VS_REF_ETCD: another */
#define NODES 3
#define CLIENTS 16
#define MAX_ROUNDS 51

static pid_t parent, kids[2 * NODES];
static char tmpdir[96];
static int etcd_client[NODES], etcd_peer[NODES], ref_http[NODES], ref_udp[NODES];

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "etcd_vs_ref: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    long v = s && *s ? strtol(s, NULL, 10) : 0;
    return v > 0 ? v : def;
}

static void cleanup(void)
{
    if (getpid() != parent)
        return;
    for (int i = 0; i < 2 * NODES; i++)
        if (kids[i] > 0) {
            kill(kids[i], SIGKILL);
            waitpid(kids[i], NULL, 0);
            kids[i] = 0;
        }
    if (tmpdir[0]) {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "etcd_vs_ref: could not remove %s\n", tmpdir);
        tmpdir[0] = 0;
    }
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A free loopback port of that socket type (it may be taken again before
 * use; unlikely on loopback in a short run). */
static int free_port(int type)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
        !getsockname(fd, (struct sockaddr *)&a, &len))
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    if (port < 0)
        die("no free port: %s", strerror(errno));
    return port;
}

static void b64(const char *s, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)s[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = 0;
}

/* Decodes base64 into out (cap bytes); its length, or -1. */
static int unb64(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *s && *s != '='; s++) {
        const char *p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                               *s);
        if (!p)
            return -1;
        acc = acc << 6 | (uint32_t)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789+/");
        if ((bits += 6) >= 8) {
            bits -= 8;
            if (o == cap)
                return -1;
            out[o++] = (char)(acc >> bits);
        }
    }
    return (int)o;
}

/* ---- the reference node: one process, one run ---- */

typedef struct waiter {
    int64_t index, rev;
    chan_t *done;
    struct waiter *next;
} waiter_t;

static struct {
    int id;
    etcd_raft_t *raft;
    etcd_store_t *store;
    waiter_t *waiters;
} node;

static void apply(void *ud, int id, int64_t index, const void *cmd, size_t len)
{
    (void)ud, (void)id;
    char buf[ETCD_RAFT_MAX_CMD + 1];
    memcpy(buf, cmd, len);
    buf[len] = 0;
    size_t klen = strlen(buf);
    int64_t rev = 0;
    etcd_put(node.store, buf, klen < len ? buf + klen + 1 : "", 0, &rev, NULL);
    for (waiter_t **w = &node.waiters; *w;) {
        if ((*w)->index <= index) {
            waiter_t *done = *w;
            *w = done->next;
            done->rev = done->index == index ? rev : 0;
            chan_try_send(done->done, NULL);
        } else {
            w = &(*w)->next;
        }
    }
}

static void reply(http_response_t *w, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    http_set_header(w, "Content-Type", "application/json");
    http_write_header(w, status);
    http_write(w, s, strlen(s));
    free(s);
}

static json_t *header(void)
{
    bool lead;
    int64_t term = etcd_raft_term(node.raft, &lead);
    char member[24], rev[24], t[24];
    snprintf(member, sizeof member, "%d", node.id + 1);
    snprintf(rev, sizeof rev, "%lld", (long long)etcd_store_rev(node.store));
    snprintf(t, sizeof t, "%lld", (long long)term);
    return json_pack("{s:s,s:s,s:s,s:s}", "cluster_id", "1", "member_id", member, "revision", rev,
                     "raft_term", t);
}

static void put(http_response_t *w, http_request_t *r)
{
    json_t *in = json_loadb(r->body, r->body_len, 0, NULL);
    const char *k = json_string_value(json_object_get(in, "key"));
    const char *v = json_string_value(json_object_get(in, "value"));
    char cmd[ETCD_RAFT_MAX_CMD];
    int kl = k ? unb64(k, cmd, sizeof cmd - 1) : -1;
    int vl = kl >= 0 && v ? unb64(v, cmd + kl + 1, sizeof cmd - (size_t)kl - 1) : -1;
    json_decref(in);
    if (kl <= 0 || vl < 0 || memchr(cmd, 0, (size_t)kl)) {
        reply(w, 400, json_pack("{s:s,s:i}", "error", "bad put", "code", 3));
        return;
    }
    cmd[kl] = 0;
    waiter_t me = {0};
    if (chan_make(0, 1, &me.done))
        return;
    int rc = etcd_raft_propose(node.raft, cmd, (size_t)(kl + 1 + vl), &me.index, NULL);
    if (rc == 0) {
        me.next = node.waiters;
        node.waiters = &me;
        chan_recv(me.done, NULL, NULL);
    }
    chan_free(me.done);
    if (rc || !me.rev)
        reply(w, 503, json_pack("{s:s,s:i}", "error", "etcdserver: not leader", "code", 14));
    else
        reply(w, 200, json_pack("{s:o}", "header", header()));
}

static void handler(http_response_t *w, http_request_t *r, void *ud)
{
    (void)ud;
    if (!strcmp(r->path, "/v3/kv/put")) {
        put(w, r);
    } else if (!strcmp(r->path, "/v3/maintenance/status")) {
        bool lead;
        etcd_raft_term(node.raft, &lead);
        char l[24];
        snprintf(l, sizeof l, "%d", lead ? node.id + 1 : 0);
        reply(w, 200, json_pack("{s:o,s:s}", "header", header(), "leader", l));
    } else {
        reply(w, 404, json_pack("{s:s}", "error", "not found"));
    }
}

static void node_main(void *arg)
{
    (void)arg;
    char peers[NODES][32], addr[32];
    etcd_raft_config_t cfg = {.id = node.id,
                              .npeers = NODES,
                              .heartbeat = env_long("ETCD_VS_REF_HEARTBEAT_US", 1000) * 1000,
                              .election = env_long("ETCD_VS_REF_ELECTION_MS", 150) * 1000000,
                              .seed = 1,
                              .apply = apply};
    for (int i = 0; i < NODES; i++) {
        snprintf(peers[i], sizeof peers[i], "127.0.0.1:%d", ref_udp[i]);
        cfg.peers[i] = peers[i];
    }
    listener_t *l;
    http_server_t *srv;
    http_server_config_t hc = {.handler = handler};
    snprintf(addr, sizeof addr, "127.0.0.1:%d", ref_http[node.id]);
    if (simdisk_new(&cfg.disk) || etcd_store_new(NULL, &node.store) ||
        etcd_raft_start(&cfg, &node.raft) || net_listen("tcp", addr, &l) ||
        http_server_new(&hc, &srv)) {
        fprintf(stderr, "etcd_vs_ref: reference node %d did not start\n", node.id);
        _exit(1);
    }
    http_serve(srv, l);
}

static pid_t start_ref(int id)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    node.id = id;
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .clock = RT_CLOCK_REAL};
    int rc = rt_run(&cfg, node_main, NULL);
    if (rc)
        fprintf(stderr, "etcd_vs_ref: reference node %d: %s\n", id, rt_report());
    _exit(rc ? 1 : 0);
}

/* ---- etcd ---- */

static pid_t start_etcd(int id)
{
    char name[8], data[160], client[64], peer[64], cluster[256] = "", logf[160];
    for (int i = 0; i < NODES; i++) {
        size_t n = strlen(cluster);
        snprintf(cluster + n, sizeof cluster - n, "%se%d=http://127.0.0.1:%d", i ? "," : "", i,
                 etcd_peer[i]);
    }
    snprintf(name, sizeof name, "e%d", id);
    snprintf(data, sizeof data, "%s/%s", tmpdir, name);
    snprintf(logf, sizeof logf, "%s/%s.log", tmpdir, name);
    snprintf(client, sizeof client, "http://127.0.0.1:%d", etcd_client[id]);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", etcd_peer[id]);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (!freopen(logf, "w", stdout) || !freopen(logf, "a", stderr))
        _exit(126);
    execl(etcd_bin, "etcd", "--name", name, "--data-dir", data, "--listen-client-urls", client,
          "--advertise-client-urls", client, "--listen-peer-urls", peer,
          "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
          "--initial-cluster-state", "new", "--initial-cluster-token", "etcd-vs-ref", (char *)NULL);
    _exit(127);
}

/* ---- the client: blocking sockets, keep-alive ---- */

typedef struct client {
    int fd, port;
    char buf[8192];
    size_t len; /* bytes of buf that follow the last answer */
} client_t;

static int client_connect(client_t *c, int port)
{
    c->port = port;
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a)) {
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* POSTs body to path on the kept-alive connection; the HTTP status (0 on
 * a transport failure), the body into out (cap bytes, NUL-terminated). */
static int client_post(client_t *c, const char *path, const char *body, char *out, size_t cap)
{
    char req[512];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     path, c->port, strlen(body), body);
    if (n <= 0 || (size_t)n >= sizeof req || write(c->fd, req, (size_t)n) != n)
        return 0;
    char *end;
    for (;;) { /* the head */
        c->buf[c->len] = 0;
        if ((end = strstr(c->buf, "\r\n\r\n")))
            break;
        ssize_t k = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
        if (k <= 0)
            return 0;
        c->len += (size_t)k;
    }
    int status = 0;
    sscanf(c->buf, "HTTP/1.%*d %d", &status);
    char *body_at = end + 4;
    *end = 0;
    char *cl = strcasestr(c->buf, "\r\nContent-Length:");
    bool chunked = strcasestr(c->buf, "\r\nTransfer-Encoding: chunked") != NULL;
    size_t head = (size_t)(body_at - c->buf), need;
    if (cl) {
        need = (size_t)strtoul(cl + 17, NULL, 10);
    } else if (chunked) { /* read to the last chunk: small answers only */
        for (;;) {
            c->buf[c->len] = 0;
            char *z = strstr(body_at, "\r\n0\r\n\r\n");
            if (!strncmp(body_at, "0\r\n\r\n", 5))
                z = body_at - 2;
            if (z) {
                need = (size_t)(z + 7 - body_at);
                break;
            }
            ssize_t k = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
            if (k <= 0)
                return 0;
            c->len += (size_t)k;
        }
    } else {
        return 0;
    }
    if (head + need >= sizeof c->buf)
        return 0;
    while (c->len < head + need) {
        ssize_t k = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
        if (k <= 0)
            return 0;
        c->len += (size_t)k;
    }
    size_t copy = need < cap - 1 ? need : cap - 1;
    memcpy(out, body_at, copy);
    out[copy] = 0;
    memmove(c->buf, c->buf + head + need, c->len - head - need);
    c->len -= head + need;
    return status;
}

/* The leader's client port among ports (etcd and the reference answer
 * status alike: header.member_id, leader), or -1. */
static int find_leader(const int *ports)
{
    for (int i = 0; i < NODES; i++) {
        client_t c;
        char out[2048];
        if (client_connect(&c, ports[i]))
            continue;
        int st = client_post(&c, "/v3/maintenance/status", "{}", out, sizeof out);
        close(c.fd);
        json_t *j = st == 200 ? json_loads(out, 0, NULL) : NULL;
        const char *me = json_string_value(
            json_object_get(json_object_get(j, "header"), "member_id"));
        const char *lead = json_string_value(json_object_get(j, "leader"));
        bool is = me && lead && !strcmp(me, lead);
        json_decref(j);
        if (is)
            return ports[i];
    }
    return -1;
}

static int wait_leader(const int *ports, const char *who)
{
    for (int i = 0; i < 300; i++) { /* up to 30 s */
        int p = find_leader(ports);
        if (p > 0)
            return p;
        for (int k = 0; k < 2 * NODES; k++)
            if (kids[k] > 0 && waitpid(kids[k], NULL, WNOHANG) == kids[k]) {
                kids[k] = 0;
                die("%s exited while starting (logs in the temp dir)", who);
            }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    die("%s elected no leader in 30 s", who);
    return -1;
}

typedef struct job {
    int port;
    long n, base;
    int failed;
    pthread_t th;
} job_t;

static void *put_loop(void *arg)
{
    job_t *j = arg;
    client_t *c = malloc(sizeof *c);
    if (!c || client_connect(c, j->port)) {
        j->failed = 1;
        free(c);
        return NULL;
    }
    for (long i = 0; i < j->n; i++) {
        char key[32], val[32], kb[48], vb[48], body[160], out[1024];
        int kl = snprintf(key, sizeof key, "bench/%06ld", (j->base + i) % 100000);
        int vl = snprintf(val, sizeof val, "value-%ld", j->base + i);
        b64(key, (size_t)kl, kb);
        b64(val, (size_t)vl, vb);
        snprintf(body, sizeof body, "{\"key\":\"%s\",\"value\":\"%s\"}", kb, vb);
        int st = client_post(c, "/v3/kv/put", body, out, sizeof out);
        if (st != 200 || !strstr(out, "\"revision\"")) {
            fprintf(stderr, "etcd_vs_ref: put on port %d: status %d: %.200s\n", j->port, st, out);
            j->failed = 1;
            break;
        }
    }
    close(c->fd);
    free(c);
    return NULL;
}

/* n puts by `clients` clients at once; ns per put. */
static double run_puts(int port, long n, int clients, long *base)
{
    job_t jobs[CLIENTS];
    double t = now_ns();
    for (int i = 0; i < clients; i++) {
        jobs[i] = (job_t){.port = port, .n = n / clients, .base = *base + i * (n / clients)};
        if (pthread_create(&jobs[i].th, NULL, put_loop, &jobs[i]))
            die("%s", "pthread_create failed");
    }
    int failed = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(jobs[i].th, NULL);
        failed |= jobs[i].failed;
    }
    t = now_ns() - t;
    if (failed)
        die("%s", "a put failed");
    *base += n;
    return t / (double)(n / clients * clients);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(void)
{
    parent = getpid();
    if (getenv("ETCD_VS_REF_ETCD"))
        etcd_bin = getenv("ETCD_VS_REF_ETCD");
    if (access(etcd_bin, X_OK)) {
        printf("etcd_vs_ref: %s is missing: install Debian's etcd-server package\n", etcd_bin);
        return 77;
    }
    long n = env_long("ETCD_VS_REF_N", 300);
    int rounds = (int)env_long("ETCD_VS_REF_ROUNDS", 5);
    rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    long procs = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(tmpdir, sizeof tmpdir, "%s/etcd-vs-ref-XXXXXX",
             access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = 0;
        die("cannot make a temp dir: %s", strerror(errno));
    }
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (int i = 0; i < NODES; i++) {
        etcd_client[i] = free_port(SOCK_STREAM);
        etcd_peer[i] = free_port(SOCK_STREAM);
        ref_http[i] = free_port(SOCK_STREAM);
        ref_udp[i] = free_port(SOCK_DGRAM);
    }
    fflush(NULL);
    for (int i = 0; i < NODES; i++) {
        kids[i] = start_etcd(i);
        kids[NODES + i] = start_ref(i);
        if (kids[i] < 0 || kids[NODES + i] < 0)
            die("fork: %s", strerror(errno));
    }
    int etcd_port = wait_leader(etcd_client, "etcd");
    int ref_port = wait_leader(ref_http, "the reference");

    printf("goos: linux\npkg: undergo/benchmarks/etcd\n");
    static const char *const names[] = {"Put", "Put16"};
    static const int clients[] = {1, CLIENTS};
    double ratio[2];
    long base = 0;
    for (int b = 0; b < 2; b++) {
        long ops = b ? n * CLIENTS : n;
        /* a warm-up each: connections, leases of memory, etcd's first batches */
        run_puts(etcd_port, ops / 4 + clients[b], clients[b], &base);
        run_puts(ref_port, ops / 4 + clients[b], clients[b], &base);
        double e[MAX_ROUNDS], r[MAX_ROUNDS], q[MAX_ROUNDS];
        for (int k = 0; k < rounds; k++) {
            bool ref_first = k % 2 == 1;
            if (ref_first)
                r[k] = run_puts(ref_port, ops, clients[b], &base);
            e[k] = run_puts(etcd_port, ops, clients[b], &base);
            if (!ref_first)
                r[k] = run_puts(ref_port, ops, clients[b], &base);
            q[k] = e[k] / r[k];
        }
        ratio[b] = median(q, rounds);
        double en = median(e, rounds), rn = median(r, rounds);
        long total = ops / clients[b] * clients[b] * rounds;
        printf("Benchmark%s/etcd-%ld\t%10ld\t%12.0f ns/op\n", names[b], procs, total, en);
        printf("Benchmark%s/ref-%ld\t%10ld\t%12.0f ns/op\t%8.3f etcd/ref\n", names[b], procs, total,
               rn, ratio[b]);
        fflush(stdout);
    }
    printf("PASS\n");
    fflush(stdout);
    fprintf(stderr,
            "etcd/ref ns/op (median of %d interleaved rounds; above 1: the reference is "
            "faster): Put %.2fx Put16 %.2fx\n",
            rounds, ratio[0], ratio[1]);
    return 0;
}
