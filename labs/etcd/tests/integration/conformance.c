/*
 * conformance.c — the reference store beside a real etcd (Debian's
 * etcd-server, 3.4): the same seeded sequence of puts, deletes, ranges at
 * old revisions, transactions and compactions goes to both, and every
 * answer must agree: revisions, versions, create and mod revisions,
 * counts, transaction outcomes and the compaction errors; then two watches
 * from a past revision must stream the same events (type, key, revision,
 * prev_kv's version).
 *
 * etcd runs on free loopback ports in a temporary folder, spoken to
 * through its v3 JSON gateway (POST /v3/kv/..., keys and values base64);
 * it is killed and the folder removed on every way out. Exit 0: agreed;
 * 1: a difference (printed); 77: etcd is not installed.
 *
 * Interface: main [seed] [ops].
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
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

#include "etcd.h"

#define ETCD_BIN "/usr/bin/etcd"

static pid_t etcd_pid;
static char tmpdir[64];
static int client_port;
static int64_t fake_now;

static int64_t now_fn(void)
{
    return fake_now;
}

static void cleanup(void)
{
    if (etcd_pid > 0) {
        kill(etcd_pid, SIGKILL);
        waitpid(etcd_pid, NULL, 0);
        etcd_pid = 0;
    }
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "conformance: could not remove %s\n", tmpdir);
        tmpdir[0] = 0;
    }
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
        getsockname(fd, (struct sockaddr *)&a, &len)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* ---- HTTP and JSON ---- */

static char *b64(const char *s)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(s), o = 0;
    char *out = malloc(4 * (n / 3 + 1) + 1);
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
    return out;
}

/* POSTs body to path; the JSON answer (caller frees), NULL on a
 * transport failure. *status: the HTTP status. */
static json_t *post(const char *path, json_t *body, int *status)
{
    char *js = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)client_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0)
            close(fd);
        free(js);
        return NULL;
    }
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      path, strlen(js));
    if (write(fd, head, (size_t)hn) != hn || write(fd, js, strlen(js)) != (ssize_t)strlen(js)) {
        close(fd);
        free(js);
        return NULL;
    }
    free(js);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while ((k = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    close(fd);
    buf[len] = 0;
    char *bodyp = strstr(buf, "\r\n\r\n");
    *status = 0;
    sscanf(buf, "HTTP/1.%*d %d", status);
    json_t *j = NULL;
    if (bodyp) {
        bodyp += 4;
        if (strstr(buf, "Transfer-Encoding: chunked") &&
            strstr(buf, "Transfer-Encoding: chunked") < bodyp) {
            char *w = bodyp, *r = bodyp;
            for (;;) {
                unsigned long n = strtoul(r, &r, 16);
                r = strstr(r, "\r\n");
                if (!n || !r)
                    break;
                memmove(w, r + 2, n);
                w += n;
                r += 2 + n + 2;
            }
            *w = 0;
        }
        j = json_loads(bodyp, 0, NULL);
    }
    free(buf);
    return j;
}

/* An int64 field of etcd's JSON (a string, or absent for 0). */
static int64_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return strtoll(json_string_value(v), NULL, 10);
    if (json_is_integer(v))
        return json_integer_value(v);
    return 0;
}

static int64_t header_rev(json_t *j)
{
    return num(json_object_get(j, "header"), "revision");
}

static const char *errmsg(json_t *j)
{
    const char *m = json_string_value(json_object_get(j, "error"));
    if (!m)
        m = json_string_value(json_object_get(j, "message"));
    return m ? m : "";
}

/* Our error as etcd's gateway words it. */
static const char *our_err(int rc)
{
    return rc == -ETCD_ECOMPACTED ? "required revision has been compacted"
           : rc == -ETCD_EFUTURE  ? "required revision is a future revision"
                                  : NULL;
}

static int failures, errors_agreed, watches_agreed;
static void differ(int op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differ(int op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "conformance: op %d: ", op);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    failures++;
}

/* ---- the operations, on both ---- */

static json_t *span_json(const etcd_span_t *sp)
{
    char *k = b64(sp->key);
    json_t *o = json_pack("{s:s}", "key", k);
    free(k);
    if (sp->prefix) {
        char end[64];
        snprintf(end, sizeof end, "%s", sp->key);
        end[strlen(end) - 1]++; /* the keys here end in '/' */
        char *e = b64(end);
        json_object_set_new(o, "range_end", json_string(e));
        free(e);
    }
    return o;
}

static void do_put(etcd_store_t *s, int op, const char *key, const char *val)
{
    int64_t rev;
    etcd_put(s, key, val, 0, &rev, NULL);
    char *k = b64(key), *v = b64(val);
    int st;
    json_t *j = post("/v3/kv/put", json_pack("{s:s,s:s}", "key", k, "value", v), &st);
    free(k);
    free(v);
    if (!j || st != 200 || header_rev(j) != rev)
        differ(op, "put %s: revision %lld here, %lld there", key, (long long)rev,
               (long long)(j ? header_rev(j) : -1));
    json_decref(j);
}

/* Differs unless etcd's kvs (JSON, base64 keys and values) are ours. */
static void same_kvs(int op, const char *what, const char *key, int64_t at, const etcd_kv_t *ours,
                     size_t n, json_t *kvs)
{
    for (size_t i = 0; i < n; i++) {
        json_t *kv = json_array_get(kvs, i);
        char *k = b64(ours[i].key), *v = b64(ours[i].value);
        const char *tk = json_string_value(json_object_get(kv, "key"));
        const char *tv = json_string_value(json_object_get(kv, "value"));
        if (!tk || strcmp(k, tk) || strcmp(v, tv ? tv : "") ||
            num(kv, "create_revision") != ours[i].create_revision ||
            num(kv, "mod_revision") != ours[i].mod_revision ||
            num(kv, "version") != ours[i].version)
            differ(op,
                   "%s %s at %lld: key %s is create %lld mod %lld version %lld here, "
                   "%lld %lld %lld there",
                   what, key, (long long)at, ours[i].key, (long long)ours[i].create_revision,
                   (long long)ours[i].mod_revision, (long long)ours[i].version,
                   (long long)num(kv, "create_revision"), (long long)num(kv, "mod_revision"),
                   (long long)num(kv, "version"));
        free(k);
        free(v);
    }
}

static void do_range(etcd_store_t *s, int op, const etcd_span_t *sp, int64_t at, int64_t limit)
{
    etcd_range_result_t r;
    int rc = etcd_range(s, sp, at, limit, &r);
    json_t *req = span_json(sp);
    json_object_set_new(req, "revision", json_sprintf("%lld", (long long)at));
    json_object_set_new(req, "limit", json_sprintf("%lld", (long long)limit));
    int st;
    json_t *j = post("/v3/kv/range", req, &st);
    if (!j) {
        differ(op, "range: no answer");
        return;
    }
    if (rc) {
        if (st == 200 || !strstr(errmsg(j), our_err(rc)))
            differ(op, "range %s at %lld: \"%s\" here, HTTP %d \"%s\" there", sp->key,
                   (long long)at, our_err(rc), st, errmsg(j));
        json_decref(j);
        return;
    }
    json_t *kvs = json_object_get(j, "kvs");
    if (st != 200 || num(j, "count") != r.count || json_array_size(kvs) != r.n ||
        (bool)json_is_true(json_object_get(j, "more")) != r.more)
        differ(op, "range %s at %lld: count %lld/%zu here, HTTP %d %lld/%zu there (%s)", sp->key,
               (long long)at, (long long)r.count, r.n, st, (long long)num(j, "count"),
               json_array_size(kvs), errmsg(j));
    else
        same_kvs(op, "range", sp->key, at, r.kvs, r.n, kvs);
    etcd_range_result_free(&r);
    json_decref(j);
}

static void do_delete(etcd_store_t *s, int op, const etcd_span_t *sp)
{
    int64_t n, rev;
    etcd_range_result_t prev;
    etcd_delete(s, sp, &n, &rev, &prev);
    int st;
    json_t *req = span_json(sp);
    json_object_set_new(req, "prev_kv", json_true());
    json_t *j = post("/v3/kv/deleterange", req, &st);
    json_t *kvs = j ? json_object_get(j, "prev_kvs") : NULL;
    if (!j || st != 200 || header_rev(j) != rev || num(j, "deleted") != n ||
        json_array_size(kvs) != prev.n)
        differ(op,
               "delete %s: %lld deleted (%zu prev_kvs), revision %lld here; %lld (%zu), %lld there",
               sp->key, (long long)n, prev.n, (long long)rev,
               (long long)(j ? num(j, "deleted") : -1), json_array_size(kvs),
               (long long)(j ? header_rev(j) : -1));
    else
        same_kvs(op, "delete's prev_kv", sp->key, rev, prev.kvs, prev.n, kvs);
    etcd_range_result_free(&prev);
    json_decref(j);
}

static void do_txn(etcd_store_t *s, int op, const char *key, int64_t version, const char *val)
{
    etcd_compare_t c = {key, ETCD_CMP_VERSION, ETCD_EQUAL, NULL, version};
    etcd_op_t then[] = {{ETCD_OP_PUT, {key, NULL, false}, val, 0},
                        {ETCD_OP_PUT, {"txn/mark", NULL, false}, val, 0}};
    etcd_op_t other[] = {{ETCD_OP_DELETE, {key, NULL, false}, NULL, 0}};
    bool ok;
    int64_t rev;
    etcd_txn(s, &c, 1, then, 2, other, 1, &ok, &rev);
    char *k = b64(key), *v = b64(val), *m = b64("txn/mark"), vs[24];
    snprintf(vs, sizeof vs, "%lld", (long long)version);
    json_t *req = json_pack("{s:[{s:s,s:s,s:s,s:s}],s:[{s:{s:s,s:s}},{s:{s:s,s:s}}],s:[{s:{s:s}}]}",
                            "compare", "key", k, "result", "EQUAL", "target", "VERSION", "version",
                            vs, "success", "request_put", "key", k, "value", v, "request_put",
                            "key", m, "value", v, "failure", "request_delete_range", "key", k);
    int st;
    json_t *j = req ? post("/v3/kv/txn", req, &st) : NULL;
    if (!j || st != 200 || header_rev(j) != rev ||
        (bool)json_is_true(json_object_get(j, "succeeded")) != ok)
        differ(op, "txn on %s version %lld: %s at %lld here, %s at %lld there", key,
               (long long)version, ok ? "then" : "else", (long long)rev,
               j && json_is_true(json_object_get(j, "succeeded")) ? "then" : "else",
               (long long)(j ? header_rev(j) : -1));
    free(k);
    free(v);
    free(m);
    json_decref(j);
}

static void do_compact(etcd_store_t *s, int op, int64_t at)
{
    int rc = etcd_compact(s, at);
    int st;
    char as[24];
    snprintf(as, sizeof as, "%lld", (long long)at);
    json_t *j = post("/v3/kv/compaction", json_pack("{s:s,s:b}", "revision", as, "physical", 1),
                     &st);
    if (!j)
        differ(op, "compact: no answer");
    else if (rc ? st == 200 || !strstr(errmsg(j), our_err(rc)) : st != 200)
        differ(op, "compact %lld: \"%s\" here, HTTP %d \"%s\" there", (long long)at,
               rc ? our_err(rc) : "ok", st, errmsg(j));
    else
        errors_agreed += rc != 0;
    json_decref(j);
}

/* ---- watches: the gateway streams one JSON object per response ---- */

/* Opens a watch with create (consumed) and collects the "result" objects
 * it streams for up to 3 s or until want events came; a JSON array. */
static json_t *watch_stream(json_t *create, size_t want)
{
    json_t *req = json_pack("{s:o}", "create_request", create);
    char *js = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    json_t *results = json_array();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)client_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0)
            close(fd);
        free(js);
        return results;
    }
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                      "application/json\r\nContent-Length: %zu\r\n\r\n",
                      strlen(js));
    if (write(fd, head, (size_t)hn) != hn || write(fd, js, strlen(js)) != (ssize_t)strlen(js)) {
        close(fd);
        free(js);
        return results;
    }
    free(js);
    size_t cap = 1 << 20, len = 0, events = 0;
    char *buf = calloc(1, cap);
    for (int waited = 0; waited < 3000 && events < want && len + 1 < cap;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            waited += 100;
            continue;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = 0;
        events = 0;
        for (char *q = strstr(buf, "\"events\""); q; q = strstr(q + 1, "\"events\""))
            for (char *e = q; (e = strstr(e + 1, "\"kv\"")) &&
                              (!strstr(q + 1, "\"events\"") || e < strstr(q + 1, "\"events\""));)
                events++;
        if (strstr(buf, "compact_revision") && buf[len - 1] == '\n')
            break; /* the cancellation, whole */
    }
    close(fd);
    for (char *q = strstr(buf, "{\"result\""); q; q = strstr(q + 1, "{\"result\"")) {
        json_t *o = json_loads(q, JSON_DISABLE_EOF_CHECK, NULL);
        if (o)
            json_array_append(results, json_object_get(o, "result"));
        json_decref(o);
    }
    free(buf);
    return results;
}

/* A watch of the prefix from start on both: the same events (type, key,
 * revision, prev_kv's version), or the same cancellation. */
static void do_watch(etcd_store_t *s, int op, const char *prefix, int64_t start)
{
    etcd_span_t sp = {prefix, NULL, true};
    etcd_watcher_t *w;
    if (etcd_watch(s, &sp, start, true, &w))
        return;
    char ours[4096] = "", theirs[4096] = "";
    size_t n = 0, ol = 0, tl = 0;
    etcd_event_t ev;
    int rc;
    while ((rc = etcd_watch_next(w, &ev)) == 1) {
        if (ol < sizeof ours - 64)
            ol += (size_t)snprintf(ours + ol, sizeof ours - ol, "%s %s %lld %lld; ",
                                   ev.type ? "DELETE" : "PUT", ev.kv.key,
                                   (long long)ev.kv.mod_revision,
                                   (long long)(ev.prev_kv.key ? ev.prev_kv.version : 0));
        n++;
        etcd_event_free(&ev);
    }
    if (rc == -ECANCELED)
        snprintf(ours + ol, sizeof ours - ol, "cancelled at %lld",
                 (long long)etcd_watch_compact_rev(w));
    etcd_watch_cancel(w);
    json_t *create = span_json(&sp);
    char sr[24];
    snprintf(sr, sizeof sr, "%lld", (long long)start);
    json_object_set_new(create, "start_revision", json_string(sr));
    json_object_set_new(create, "prev_kv", json_true());
    json_t *res = watch_stream(create, n);
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r)
    {
        json_t *evs = json_object_get(r, "events"), *e;
        size_t j;
        json_array_foreach(evs, j, e)
        {
            json_t *kv = json_object_get(e, "kv"), *pkv = json_object_get(e, "prev_kv");
            const char *type = json_string_value(json_object_get(e, "type"));
            const char *k64 = json_string_value(json_object_get(kv, "key"));
            char key[64] = "";
            /* decode base64 key */
            static const char tab[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            size_t kl = 0;
            uint32_t acc = 0;
            int bits = 0;
            for (const char *c = k64 ? k64 : ""; *c && *c != '=' && kl < sizeof key - 1; c++) {
                const char *pos = strchr(tab, *c);
                if (!pos)
                    break;
                acc = acc << 6 | (uint32_t)(pos - tab);
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    key[kl++] = (char)(acc >> bits & 0xff);
                }
            }
            key[kl] = 0;
            if (tl < sizeof theirs - 64)
                tl += (size_t)snprintf(theirs + tl, sizeof theirs - tl, "%s %s %lld %lld; ",
                                       type && !strcmp(type, "DELETE") ? "DELETE" : "PUT", key,
                                       (long long)num(kv, "mod_revision"),
                                       (long long)(pkv ? num(pkv, "version") : 0));
        }
        if (num(r, "compact_revision"))
            snprintf(theirs + tl, sizeof theirs - tl, "cancelled at %lld",
                     (long long)num(r, "compact_revision"));
    }
    json_decref(res);
    if (strcmp(ours, theirs))
        differ(op, "watch %s from %lld:\n  here:  %s\n  there: %s", prefix, (long long)start, ours,
               theirs);
    else
        watches_agreed++;
}

/* ---- etcd itself ---- */

static int start_etcd(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/etcd-conformance-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = 0;
        return -1;
    }
    client_port = free_port();
    int peer_port = free_port();
    char data[128], client[64], peer[64], cluster[96], logf[128];
    snprintf(data, sizeof data, "%s/data", tmpdir);
    snprintf(client, sizeof client, "http://127.0.0.1:%d", client_port);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", peer_port);
    snprintf(cluster, sizeof cluster, "conf=%s", peer);
    snprintf(logf, sizeof logf, "%s/etcd.log", tmpdir);
    etcd_pid = fork();
    if (etcd_pid < 0)
        return -1;
    if (etcd_pid == 0) {
        if (!freopen(logf, "w", stdout) || !freopen(logf, "a", stderr))
            _exit(126);
        execl(ETCD_BIN, "etcd", "--name", "conf", "--data-dir", data, "--listen-client-urls",
              client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
              "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* up to 20 s */
        int st;
        json_t *j = post("/v3/kv/range", json_pack("{s:s}", "key", "AA=="), &st);
        json_decref(j);
        if (j && st == 200)
            return 0;
        if (waitpid(etcd_pid, NULL, WNOHANG) == etcd_pid) {
            etcd_pid = 0;
            return -1;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int main(int argc, char **argv)
{
    unsigned seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
    int ops = argc > 2 ? atoi(argv[2]) : 300;
    if (access(ETCD_BIN, X_OK)) {
        printf("conformance: %s is missing: install Debian's etcd-server package\n", ETCD_BIN);
        return 77;
    }
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (start_etcd()) {
        fprintf(stderr, "conformance: etcd did not start (see its log in %s)\n", tmpdir);
        if (tmpdir[0]) {
            char cmd[160];
            snprintf(cmd, sizeof cmd, "tail -5 '%s/etcd.log' >&2", tmpdir);
            if (system(cmd) != 0)
                fprintf(stderr, "conformance: no log\n");
        }
        return 1;
    }
    etcd_store_t *s;
    if (etcd_store_new(now_fn, &s))
        return 1;
    /* etcd starts at revision 1 as the store does */
    int st;
    json_t *j = post("/v3/kv/range", json_pack("{s:s}", "key", "AA=="), &st);
    if (header_rev(j) != etcd_store_rev(s))
        differ(0, "start: revision %lld here, %lld there", (long long)etcd_store_rev(s),
               (long long)header_rev(j));
    json_decref(j);
    srand(seed);
    static const char *keys[] = {"a/x", "a/y", "a/z", "b/x", "b/y"};
    static const char *dirs[] = {"a/", "b/"};
    for (int op = 1; op <= ops && failures < 5; op++) {
        const char *key = keys[rand() % 5];
        char val[32];
        snprintf(val, sizeof val, "v%d", op);
        int kind = rand() % 100;
        int64_t cur = etcd_store_rev(s), low = etcd_store_compact_rev(s);
        if (kind < 40)
            do_put(s, op, key, val);
        else if (kind < 48) {
            etcd_span_t sp = {key, NULL, false};
            do_delete(s, op, &sp);
        } else if (kind < 52) {
            etcd_span_t sp = {dirs[rand() % 2], NULL, true};
            do_delete(s, op, &sp);
        } else if (kind < 70) {
            etcd_span_t sp = {key, NULL, false};
            int64_t at = rand() % 4 ? 0 : 1 + rand() % (cur + 1); /* some below, one above */
            do_range(s, op, &sp, at, 0);
        } else if (kind < 80) {
            etcd_span_t sp = {dirs[rand() % 2], NULL, true};
            int64_t at = low + rand() % (cur - low + 1);
            do_range(s, op, &sp, at, rand() % 3);
        } else if (kind < 94)
            do_txn(s, op, key, rand() % 4, val);
        else
            do_compact(s, op, low + rand() % (cur - low + 2) - (rand() % 2)); /* at/below/above */
    }
    /* watches from a revision still held (etcd 3.4's gateway streams nothing
     * for a watch below the compaction, so that case is the unit tests') */
    int64_t low = etcd_store_compact_rev(s), cur = etcd_store_rev(s);
    do_watch(s, ops + 1, "a/", cur - 15 > low ? cur - 15 : low);
    do_watch(s, ops + 2, "b/", cur - 15 > low ? cur - 15 : low);
    int64_t ours = etcd_store_rev(s);
    etcd_store_free(s);
    if (failures)
        return 1;
    printf("conformance: %d operations, the same answers from the store and etcd 3.4 (revision "
           "%lld; %d compacted or future-revision errors among them; %d watches)\n",
           ops, (long long)ours, errors_agreed, watches_agreed);
    if (!errors_agreed || watches_agreed < 2)
        return 1; /* the sequence must reach the error paths */
    return 0;
}
