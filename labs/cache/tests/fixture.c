/*
 * fixture.c — the cache lab's test fixture (see cache_test.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_test.h"

static cache_reply_t last;

int fix_setup(void **state)
{
    fix_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (cache_server_start(&f->srv) < 0) {
        fprintf(stderr, "fixture: %s\n", cache_server_error());
        return -1;
    }
    for (int i = 0; i < DB_SIZE; i++) {
        f->db.present[i] = ug_rand_below(4) != 0;
        snprintf(f->db.vals[i], sizeof f->db.vals[i], "row %d: %016llx", i,
                 (unsigned long long)ug_rand());
    }
    f->cfg = (cache_config_t){.ttl_ms = 600000,
                              .jitter_ms = 60000,
                              .negative_ttl_ms = 30000 + (int64_t)ug_rand_below(1000),
                              .seed = ug_rand()};
    int rc = cache_connect("127.0.0.1", f->srv.port, 2, &f->conn);
    if (rc == 0)
        rc = cache_pool_new("127.0.0.1", f->srv.port, 2, 4, &f->pool);
    if (rc == 0)
        rc = cache_new(f->pool, &f->cfg, &f->cache);
    if (rc < 0)
        fprintf(stderr, "fixture: connecting to 127.0.0.1:%d: %s\n", f->srv.port, strerror(-rc));
    return rc < 0 ? -1 : 0;
}

int fix_teardown(void **state)
{
    fix_t *f = *state;
    if (!f)
        return 0;
    cache_reply_free(&last);
    cache_free(f->cache);
    cache_pool_free(f->pool);
    if (f->conn)
        cache_close(f->conn);
    cache_server_stop(&f->srv);
    free(f);
    return 0;
}

static const cache_reply_t *callva(fix_t *f, const char *cmd, va_list ap)
{
    const char *argv[16];
    int argc = 0;
    for (const char *a = cmd; a && argc < 16; a = va_arg(ap, const char *))
        argv[argc++] = a;
    cache_reply_free(&last);
    int rc = cache_callv(f->conn, &last, argc, argv, NULL);
    if (rc < 0) {
        fprintf(stderr, "fixture: %s failed: %s (%s)\n", cmd, strerror(-rc),
                cache_conn_error(f->conn));
        fail();
    }
    return &last;
}

const cache_reply_t *call(fix_t *f, const char *cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    const cache_reply_t *r = callva(f, cmd, ap);
    va_end(ap);
    return r;
}

int64_t call_int(fix_t *f, const char *cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    const cache_reply_t *r = callva(f, cmd, ap);
    va_end(ap);
    return r->type == CACHE_INTEGER ? r->integer : -1000;
}

int64_t server_calls(fix_t *f, const char *cmd)
{
    const cache_reply_t *r = call(f, "INFO", "commandstats", NULL);
    char pat[64];
    snprintf(pat, sizeof pat, "cmdstat_%s:calls=", cmd);
    const char *s = r->str ? strstr(r->str, pat) : NULL;
    return s ? strtoll(s + strlen(pat), NULL, 10) : 0;
}

void key_of(int i, char *out, size_t cap)
{
    snprintf(out, cap, "user:%d", i);
}

int db_load(void *ud, const char *key, cache_buf_t *out)
{
    db_t *db = ud;
    int i = atoi(key + 5);
    if (strncmp(key, "user:", 5) || i < 0 || i >= DB_SIZE)
        return -EINVAL;
    db->loads[i]++;
    db->total_loads++;
    if (db->delay_ns)
        clock_sleep(db->delay_ns);
    if (db->fail)
        return db->fail;
    if (!db->present[i])
        return -ENOENT;
    out->len = 0;
    return cache_buf_append(out, db->vals[i], strlen(db->vals[i]));
}

rt_config_t task_config(void)
{
    return (rt_config_t){.sched = RT_SCHED_RANDOM,
                         .seed = ug_rand(),
                         .clock = RT_CLOCK_VIRTUAL,
                         .slice = (int64_t)60 * 1000000000,
                         .wait_all = true};
}

int in_tasks(fix_t *f, void (*body)(void *f))
{
    rt_config_t cfg = task_config();
    return rt_run(&cfg, body, f);
}
