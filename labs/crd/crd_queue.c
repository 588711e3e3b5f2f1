/*
 * crd_queue.c — client-go's work queue on a virtual clock: the FIFO with its
 * dirty and processing sets, the delaying queue, and the default controller
 * rate limiter.
 *
 * The rules (k8s.io/client-go/util/workqueue):
 *  - Add of a key already dirty does nothing (deduplication);
 *  - Add of a key being processed marks it dirty only; Done puts it back
 *    once, however many times it was added meanwhile;
 *  - AddAfter keeps the earliest instant for a key already waiting;
 *  - the default limiter's delay is the larger of an exponential per-key
 *    backoff (5 ms · 2^failures, capped at 1000 s) and a token bucket
 *    shared by all keys (10 per second, burst 100); Forget clears the
 *    key's failures only.
 *
 * Interface: crd_queue_new → add / add_after / add_rate_limited → get →
 * done → forget.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crd_internal.h"

#if LAB_SOLUTION

#define BASE_NS 5000000LL              /* 5 ms */
#define MAX_NS (1000LL * 1000000000LL) /* 1000 s */
#define QPS 10.0
#define BURST 100.0

static long find(char (*set)[CRD_KEY_MAX], size_t n, const char *key)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(set[k], key))
            return (long)k;
    return -1;
}

static void put(char (*set)[CRD_KEY_MAX], size_t *n, const char *key)
{
    if (*n < CRD_QMAX) {
        strncpy(set[*n], key, CRD_KEY_MAX - 1);
        set[*n][CRD_KEY_MAX - 1] = '\0';
        (*n)++;
    }
}

static void take(char (*set)[CRD_KEY_MAX], size_t *n, long k)
{
    memmove(set[k], set[k + 1], (*n - (size_t)k - 1) * CRD_KEY_MAX);
    (*n)--;
}

crd_queue_t *crd_queue_new(const int64_t *clock)
{
    crd_queue_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->clock = clock;
    q->tokens = BURST;
    q->last = *clock;
    return q;
}

void crd_queue_free(crd_queue_t *q)
{
    free(q);
}

void crd_queue_add(crd_queue_t *q, const char *key)
{
    if (find(q->dirty, q->ndirty, key) >= 0)
        return;
    put(q->dirty, &q->ndirty, key);
    if (find(q->processing, q->nprocessing, key) >= 0)
        return;
    put(q->queue, &q->qlen, key);
}

/* Moves every waiting key whose instant has come, earliest first. */
static void due(crd_queue_t *q)
{
    for (;;) {
        long best = -1;
        for (size_t k = 0; k < q->nwaiting; k++)
            if (q->waiting[k].at <= *q->clock &&
                (best < 0 || q->waiting[k].at < q->waiting[best].at))
                best = (long)k;
        if (best < 0)
            return;
        char key[CRD_KEY_MAX];
        memcpy(key, q->waiting[best].key, CRD_KEY_MAX);
        q->waiting[best] = q->waiting[--q->nwaiting];
        crd_queue_add(q, key);
    }
}

int crd_queue_get(crd_queue_t *q, char key[CRD_KEY_MAX])
{
    due(q);
    if (q->qlen == 0)
        return -EAGAIN;
    memcpy(key, q->queue[0], CRD_KEY_MAX);
    take(q->queue, &q->qlen, 0);
    put(q->processing, &q->nprocessing, key);
    long d = find(q->dirty, q->ndirty, key);
    if (d >= 0)
        take(q->dirty, &q->ndirty, d);
    return 0;
}

void crd_queue_done(crd_queue_t *q, const char *key)
{
    long p = find(q->processing, q->nprocessing, key);
    if (p < 0)
        return;
    take(q->processing, &q->nprocessing, p);
    if (find(q->dirty, q->ndirty, key) >= 0)
        put(q->queue, &q->qlen, key);
}

size_t crd_queue_len(crd_queue_t *q)
{
    due(q);
    return q->qlen;
}

void crd_queue_add_after(crd_queue_t *q, const char *key, int64_t delay_ns)
{
    if (delay_ns <= 0) {
        crd_queue_add(q, key);
        return;
    }
    int64_t at = *q->clock + delay_ns;
    for (size_t k = 0; k < q->nwaiting; k++)
        if (!strcmp(q->waiting[k].key, key)) {
            if (at < q->waiting[k].at)
                q->waiting[k].at = at;
            return;
        }
    if (q->nwaiting < CRD_QMAX) {
        strncpy(q->waiting[q->nwaiting].key, key, CRD_KEY_MAX - 1);
        q->waiting[q->nwaiting].key[CRD_KEY_MAX - 1] = '\0';
        q->waiting[q->nwaiting++].at = at;
    }
}

static crd_failures_t *failures(crd_queue_t *q, const char *key, bool make)
{
    for (size_t k = 0; k < q->nfailures; k++)
        if (!strcmp(q->failures[k].key, key))
            return &q->failures[k];
    if (!make || q->nfailures == CRD_QMAX)
        return NULL;
    crd_failures_t *f = &q->failures[q->nfailures++];
    strncpy(f->key, key, CRD_KEY_MAX - 1);
    f->key[CRD_KEY_MAX - 1] = '\0';
    f->n = 0;
    return f;
}

int64_t crd_queue_when(crd_queue_t *q, const char *key)
{
    /* ItemExponentialFailureRateLimiter */
    crd_failures_t *f = failures(q, key, true);
    int exp = f ? f->n++ : 0;
    double backoff = (double)BASE_NS * pow(2, exp);
    int64_t e = backoff > (double)MAX_NS ? MAX_NS : (int64_t)backoff;
    /* BucketRateLimiter: x/time/rate's Reserve at now */
    int64_t now = *q->clock;
    if (now > q->last) {
        q->tokens += (double)(now - q->last) * QPS / 1e9;
        if (q->tokens > BURST)
            q->tokens = BURST;
        q->last = now;
    }
    q->tokens -= 1;
    int64_t b = q->tokens < 0 ? (int64_t)(-q->tokens * 1e9 / QPS) : 0;
    return e > b ? e : b;
}

void crd_queue_add_rate_limited(crd_queue_t *q, const char *key)
{
    crd_queue_add_after(q, key, crd_queue_when(q, key));
}

void crd_queue_forget(crd_queue_t *q, const char *key)
{
    crd_failures_t *f = failures(q, key, false);
    if (f)
        *f = q->failures[--q->nfailures];
}

int crd_queue_requeues(crd_queue_t *q, const char *key)
{
    crd_failures_t *f = failures(q, key, false);
    return f ? f->n : 0;
}

int64_t crd_queue_next_ready(crd_queue_t *q)
{
    int64_t best = -1;
    for (size_t k = 0; k < q->nwaiting; k++)
        if (best < 0 || q->waiting[k].at < best)
            best = q->waiting[k].at;
    return best;
}

#else

crd_queue_t *crd_queue_new(const int64_t *clock)
{
    (void)clock;
    return NULL;
}
void crd_queue_free(crd_queue_t *q)
{
    (void)q;
}
void crd_queue_add(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
}
int crd_queue_get(crd_queue_t *q, char key[CRD_KEY_MAX])
{
    (void)q, (void)key;
    return -ENOSYS;
}
void crd_queue_done(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
}
size_t crd_queue_len(crd_queue_t *q)
{
    (void)q;
    return 0;
}
void crd_queue_add_after(crd_queue_t *q, const char *key, int64_t delay_ns)
{
    (void)q, (void)key, (void)delay_ns;
}
void crd_queue_add_rate_limited(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
}
int64_t crd_queue_when(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
    return -ENOSYS;
}
void crd_queue_forget(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
}
int crd_queue_requeues(crd_queue_t *q, const char *key)
{
    (void)q, (void)key;
    return -ENOSYS;
}
int64_t crd_queue_next_ready(crd_queue_t *q)
{
    (void)q;
    return -ENOSYS;
}

#endif
