/*
 * threads.c — the service under many threads: a parallel ingest equals one
 * serial ingest, and concurrent callers lose no line.
 *
 * Batches, worker counts and paths come from the seed.
 *
 * Interface: tune_ingest_parallel, tune_ingest from threads → tune_render.
 */
#include <errno.h>
#include <pthread.h>

#include "../logs.h"

static void seeded_batch(logs_t *l, int lines, int npaths)
{
    char path[64];
    for (int k = 0; k < lines; k++) {
        snprintf(path, sizeof path, "/s/%u", (unsigned)ug_rand_below((uint64_t)npaths));
        if (ug_rand_below(10) == 0)
            logs_put(l, "path=/s/bad status=abc\n");
        else
            logs_line(l, path, NULL);
    }
}

static char *render(tune_t *t)
{
    char *s = NULL;
    size_t len;
    assert_int_equal(0, tune_render(t, &s, &len));
    return s;
}

/* Any number of workers gives the report one serial ingest gives. */
static void test_parallel_ingest_equals_one_serial_ingest(void **state)
{
    (void)state;
    logs_t l;
    logs_init(&l);
    seeded_batch(&l, 2000 + (int)ug_rand_below(2000), 50);
    tune_t *serial, *par;
    assert_int_equal(0, tune_open(&serial));
    assert_int_equal(0, tune_open(&par));
    const char *const pats[] = {"/s/1*", "/s/*"}; /* "/s/1*" is literal: matches nothing */
    tune_set_routes(serial, pats, 2);
    tune_set_routes(par, pats, 2);
    long want = tune_ingest(serial, l.buf, l.len);
    int workers = 2 + (int)ug_rand_below(7);
    assert_int_equal(want, tune_ingest_parallel(par, l.buf, l.len, workers));
    /* More workers than lines, and one worker. */
    assert_int_equal(1, tune_ingest_parallel(par, "path=/s/x status=200", 20, TUNE_MAX_WORKERS));
    assert_int_equal(1, tune_ingest(serial, "path=/s/x status=200", 20));
    assert_int_equal(-EINVAL, tune_ingest_parallel(par, l.buf, l.len, 0));
    assert_int_equal(-EINVAL, tune_ingest_parallel(par, l.buf, l.len, TUNE_MAX_WORKERS + 1));
    char *a = render(serial), *b = render(par);
    assert_string_equal(a, b);
    free(a), free(b);
    tune_close(serial);
    tune_close(par);
    logs_free(&l);
}

#define NTHREADS 4
#define NPATTERNS 128

typedef struct caller {
    tune_t *t;
    logs_t *batches;
    int rounds;
    pthread_barrier_t *go;
} caller_t;

static void *call(void *arg)
{
    caller_t *c = arg;
    pthread_barrier_wait(c->go);
    for (int r = 0; r < c->rounds; r++)
        tune_ingest(c->t, c->batches[r].buf, c->batches[r].len);
    return NULL;
}

/* Threads ingesting into one service at once lose no line: the report is
 * the report of the same batches ingested one after another. Every batch
 * brings paths not seen before, classified by many patterns, so the
 * callers spend their time updating the shared service, all at once. */
static void test_concurrent_ingest_from_many_threads_loses_no_line(void **state)
{
    (void)state;
    static char pat[NPATTERNS][32];
    const char *pats[NPATTERNS];
    for (int i = 0; i < NPATTERNS; i++) {
        snprintf(pat[i], sizeof pat[i],
                 i < NPATTERNS - 2 ? "/x%d/*/*"
                 : i % 2           ? "/s/*"
                                   : "/s/*/*",
                 i);
        pats[i] = pat[i];
    }
    caller_t c[NTHREADS];
    pthread_t th[NTHREADS];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, NTHREADS);
    tune_t *shared, *serial;
    assert_int_equal(0, tune_open(&shared));
    assert_int_equal(0, tune_open(&serial));
    assert_int_equal(0, tune_set_routes(shared, pats, NPATTERNS));
    assert_int_equal(0, tune_set_routes(serial, pats, NPATTERNS));
    int rounds = 700 + (int)ug_rand_below(100);
    char path[64];
    for (int i = 0; i < NTHREADS; i++) {
        c[i] = (caller_t){.t = shared, .rounds = rounds, .go = &go};
        c[i].batches = calloc((size_t)rounds, sizeof *c[i].batches);
        for (int r = 0; r < rounds; r++) {
            logs_init(&c[i].batches[r]);
            for (int k = 0; k < 20; k++) {
                snprintf(path, sizeof path, "/s/%d.%d.%d%s", i, r, k, k % 2 ? "/x" : "");
                logs_line(&c[i].batches[r], path, NULL);
            }
            tune_ingest(serial, c[i].batches[r].buf, c[i].batches[r].len);
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(0, pthread_create(&th[i], NULL, call, &c[i]));
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    char *a = render(serial), *b = render(shared);
    assert_string_equal(a, b);
    free(a), free(b);
    for (int i = 0; i < NTHREADS; i++) {
        for (int r = 0; r < rounds; r++)
            logs_free(&c[i].batches[r]);
        free(c[i].batches);
    }
    pthread_barrier_destroy(&go);
    tune_close(shared);
    tune_close(serial);
}

UG_TEST_GROUP(tune_threads, NULL, NULL,
              cmocka_unit_test(test_parallel_ingest_equals_one_serial_ingest),
              cmocka_unit_test(test_concurrent_ingest_from_many_threads_loses_no_line));
