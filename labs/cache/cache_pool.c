/*
 * cache_pool.c — a small pool of connections: a stack of idle ones (the
 * most recently used first, its socket buffers warm), opened on demand up
 * to a size, and a broken connection closed on return rather than kept,
 * which is how the pool recovers after its server restarts.
 */
#include "cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cache_pool {
    char host[64];
    int port, proto, size;
    cache_conn_t **idle;
    int nidle, open;
    int64_t created;
};

#if LAB_SOLUTION

int cache_pool_new(const char *host, int port, int proto, int size, cache_pool_t **out)
{
    if (size < 1 || strlen(host) >= sizeof((cache_pool_t *)0)->host)
        return -EINVAL;
    cache_pool_t *p = calloc(1, sizeof *p);
    if (!p || !(p->idle = calloc((size_t)size, sizeof *p->idle))) {
        free(p);
        return -ENOMEM;
    }
    strcpy(p->host, host);
    p->port = port;
    p->proto = proto;
    p->size = size;
    *out = p;
    return 0;
}

void cache_pool_free(cache_pool_t *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nidle; i++)
        cache_close(p->idle[i]);
    free(p->idle);
    free(p);
}

int cache_pool_get(cache_pool_t *p, cache_conn_t **out)
{
    if (p->nidle) {
        *out = p->idle[--p->nidle];
        return 0;
    }
    if (p->open >= p->size)
        return -EAGAIN;
    int rc = cache_connect(p->host, p->port, p->proto, out);
    if (rc < 0)
        return rc;
    p->open++;
    p->created++;
    return 0;
}

void cache_pool_put(cache_pool_t *p, cache_conn_t *c)
{
    if (cache_broken(c) || cache_pending(c) || p->nidle >= p->size) {
        cache_close(c);
        p->open--;
        return;
    }
    p->idle[p->nidle++] = c;
}

cache_pool_stats_t cache_pool_stats(const cache_pool_t *p)
{
    return (cache_pool_stats_t){.open = p->open, .idle = p->nidle, .created = p->created};
}

#else

int cache_pool_new(const char *host, int port, int proto, int size, cache_pool_t **out)
{
    (void)host, (void)port, (void)proto, (void)size, (void)out;
    return -ENOSYS;
}

void cache_pool_free(cache_pool_t *p)
{
    free(p);
}

int cache_pool_get(cache_pool_t *p, cache_conn_t **out)
{
    (void)p, (void)out;
    return -ENOSYS;
}

void cache_pool_put(cache_pool_t *p, cache_conn_t *c)
{
    (void)p;
    cache_close(c);
}

cache_pool_stats_t cache_pool_stats(const cache_pool_t *p)
{
    (void)p;
    return (cache_pool_stats_t){0};
}

#endif
