/* A Once whose function ends its task (task_exit) still counts as done:
 * later callers neither run theirs nor wait forever. */
#include "conf.h"

static once_t once;
static bool ran;

static void exit_inside(void *arg) {
    (void)arg;
    printf("first function exits its goroutine\n");
    task_exit();
}

static void first(void *arg) {
    (void)arg;
    once_do(&once, exit_inside, NULL);
    printf("not reached\n");
}

static void second_fn(void *arg) {
    (void)arg;
    ran = true;
}

CONF_CASE(once_goexit_counts_as_done) {
    uint64_t id;
    CONF_OK(task_spawn(first, NULL, &id));
    task_join(id);
    once_do(&once, second_fn, NULL);
    printf("second function ran: %s\n", ran ? "true" : "false");
}
