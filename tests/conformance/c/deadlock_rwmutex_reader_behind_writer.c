/* A reader that already holds a read lock and asks for another, behind a
 * waiting writer, deadlocks with it: recursive read locking is not allowed. */
#include "conf.h"

static rwmutex_t rw;

static void writer(void *arg) {
    (void)arg;
    rwmutex_lock(&rw);
}

CONF_CASE(deadlock_rwmutex_reader_behind_writer) {
    rwmutex_rlock(&rw);
    CONF_OK(task_spawn(writer, NULL, NULL));
    clock_sleep(20 * CLOCK_MS);   /* the writer waits */
    printf("read-locking again\n");
    rwmutex_rlock(&rw);
}
