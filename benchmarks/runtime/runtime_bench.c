/*
 * runtime_bench.c — what a task switch costs, against real anchors.
 *
 * Ping-pong is one round trip of a one-word message: through an unbuffered
 * channel between two tasks, through a mutex and two condition variables
 * between two threads, through two pipes between two processes. The names
 * sort the anchors first, so the channel's line can report how many times
 * faster it is (x-vs-pthread, x-vs-pipe) using the anchors' last runs.
 * Then channel throughput (buffered, unbuffered), the cost of a spawn (run
 * and reaped included) and of a task-to-task switch (task_yield).
 *
 * Interface: runtime_bench [-bench REGEX] [-benchtime 1s|100x] (bench.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <undergo/bench.h>
#include <undergo/runtime.h>

static double pipe_ns, pthread_ns;   /* last ns/op of the anchors */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static const rt_config_t fifo = {.sched = RT_SCHED_FIFO};

/* ---- ping-pong: pipes between two processes ---- */

UG_BENCH(BenchmarkPingPong_1Pipe) {
    int ping[2], pong[2];
    if (pipe(ping) || pipe(pong)) abort();
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        for (uint64_t i = 0; i < b->n; i++)
            if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1) _exit(1);
        _exit(0);
    }
    double t0 = now_ns();
    char c = 'x';
    for (uint64_t i = 0; i < b->n; i++)
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) abort();
    pipe_ns = (now_ns() - t0) / (double)b->n;
    waitpid(pid, NULL, 0);
    close(ping[0]), close(ping[1]), close(pong[0]), close(pong[1]);
}

/* ---- ping-pong: two threads, mutex + condvars ---- */

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv[2];
    int turn;
    uint64_t n;
} pt_pp_t;

static void *pt_pong(void *p) {
    pt_pp_t *s = p;
    pthread_mutex_lock(&s->mu);
    for (uint64_t i = 0; i < s->n; i++) {
        while (s->turn != 1) pthread_cond_wait(&s->cv[1], &s->mu);
        s->turn = 0;
        pthread_cond_signal(&s->cv[0]);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

UG_BENCH(BenchmarkPingPong_2Pthread) {
    pt_pp_t s = {.mu = PTHREAD_MUTEX_INITIALIZER,
                 .cv = {PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER}, .n = b->n};
    pthread_t th;
    pthread_create(&th, NULL, pt_pong, &s);
    double t0 = now_ns();
    pthread_mutex_lock(&s.mu);
    for (uint64_t i = 0; i < b->n; i++) {
        s.turn = 1;
        pthread_cond_signal(&s.cv[1]);
        while (s.turn != 0) pthread_cond_wait(&s.cv[0], &s.mu);
    }
    pthread_mutex_unlock(&s.mu);
    pthread_ns = (now_ns() - t0) / (double)b->n;
    pthread_join(th, NULL);
}

/* ---- ping-pong: two tasks, unbuffered channels ---- */

typedef struct {
    ug_bench_t *b;
    chan_t *ping, *pong;
    double ns;
} task_pp_t;

static void chan_pong(void *p) {
    task_pp_t *s = p;
    uint64_t v;
    for (uint64_t i = 0; i < s->b->n; i++) {
        chan_recv(s->ping, &v, NULL);
        chan_send(s->pong, &v);
    }
}

static void chan_ping(void *p) {
    task_pp_t *s = p;
    chan_make(sizeof(uint64_t), 0, &s->ping);
    chan_make(sizeof(uint64_t), 0, &s->pong);
    task_spawn(chan_pong, s, NULL);
    task_yield();                       /* pong is waiting on ping now */
    ug_bench_reset_timer(s->b);
    double t0 = now_ns();
    for (uint64_t i = 0; i < s->b->n; i++) {
        chan_send(s->ping, &i);
        chan_recv(s->pong, &i, NULL);
    }
    s->ns = (now_ns() - t0) / (double)s->b->n;
    ug_bench_stop_timer(s->b);
}

UG_BENCH(BenchmarkPingPong_3Chan) {
    task_pp_t s = {.b = b};
    rt_run(&fifo, chan_ping, &s);
    chan_free(s.ping);
    chan_free(s.pong);
    if (pthread_ns > 0) ug_bench_metric(b, pthread_ns / s.ns, "x-vs-pthread");
    if (pipe_ns > 0) ug_bench_metric(b, pipe_ns / s.ns, "x-vs-pipe");
}

/* ---- channel throughput ---- */

typedef struct {
    ug_bench_t *b;
    chan_t *ch;
    size_t cap;
} thr_t;

static void producer(void *p) {
    thr_t *s = p;
    for (uint64_t i = 0; i < s->b->n; i++) chan_send(s->ch, &i);
}

static void consumer_main(void *p) {
    thr_t *s = p;
    chan_make(sizeof(uint64_t), s->cap, &s->ch);
    task_spawn(producer, s, NULL);
    ug_bench_reset_timer(s->b);
    uint64_t v, sum = 0;
    for (uint64_t i = 0; i < s->b->n; i++) {
        chan_recv(s->ch, &v, NULL);
        sum += v;
    }
    ug_bench_stop_timer(s->b);
    ug_bench_keep(sum);
}

static void throughput(ug_bench_t *b, size_t cap) {
    thr_t s = {.b = b, .cap = cap};
    rt_run(&fifo, consumer_main, &s);
    chan_free(s.ch);
}

UG_BENCH(BenchmarkChanBuffered128) { throughput(b, 128); }

UG_BENCH(BenchmarkChanUnbuffered) { throughput(b, 0); }

/* ---- spawn and switch ---- */

static void nothing(void *p) { wg_done(p); }

static void spawner(void *p) {
    ug_bench_t *b = p;
    wg_t wg = {0};
    ug_bench_reset_timer(b);
    /* Batches keep the run queue short; each task runs, exits, is reaped. */
    for (uint64_t done = 0; done < b->n;) {
        uint64_t k = b->n - done < 1000 ? b->n - done : 1000;
        wg_add(&wg, (int64_t)k);
        for (uint64_t i = 0; i < k; i++) task_spawn(nothing, &wg, NULL);
        wg_wait(&wg);
        done += k;
    }
    ug_bench_stop_timer(b);
}

UG_BENCH(BenchmarkSpawn) { rt_run(&fifo, spawner, b); }

typedef struct {
    ug_bench_t *b;
    bool done;
} yield_t;

static void yielder(void *p) {
    yield_t *s = p;
    while (!s->done) task_yield();
}

static void yield_main(void *p) {
    yield_t *s = p;
    task_spawn(yielder, s, NULL);
    task_yield();
    ug_bench_reset_timer(s->b);
    /* Each yield here and its partner's yield back: two switches. */
    for (uint64_t i = 0; i < (s->b->n + 1) / 2; i++) task_yield();
    ug_bench_stop_timer(s->b);
    s->done = true;
}

/* One op: one switch from a task to another (through the scheduler). */
UG_BENCH(BenchmarkSwitch) {
    yield_t s = {.b = b};
    rt_run(&fifo, yield_main, &s);
}
