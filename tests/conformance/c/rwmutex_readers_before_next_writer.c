/* When a writer unlocks, the readers that queued behind it go in before
 * the next writer, even one that queued before them. */
#include "conf.h"

static rwmutex_t rw;
static mutex_t mu;
static wg_t wg;
static const char *log_[8];
static int n;

static void note(const char *s) {
    mutex_lock(&mu);
    log_[n++] = s;
    mutex_unlock(&mu);
}

static void writer2(void *arg) {
    (void)arg;
    rwmutex_lock(&rw);
    note("writer 2");
    rwmutex_unlock(&rw);
    wg_done(&wg);
}

static void reader(void *arg) {
    (void)arg;
    rwmutex_rlock(&rw);
    note("reader");
    rwmutex_runlock(&rw);
    wg_done(&wg);
}

CONF_CASE(rwmutex_readers_before_next_writer) {
    rwmutex_lock(&rw);
    wg_add(&wg, 1);
    CONF_OK(task_spawn(writer2, NULL, NULL));
    clock_sleep(20 * CLOCK_MS);   /* writer 2 queues first */
    for (int i = 0; i < 2; i++) {
        wg_add(&wg, 1);
        CONF_OK(task_spawn(reader, NULL, NULL));
    }
    clock_sleep(20 * CLOCK_MS);   /* then the readers */
    note("writer 1 unlocks");
    rwmutex_unlock(&rw);
    wg_wait(&wg);
    for (int i = 0; i < n; i++) printf("%s\n", log_[i]);
}
