/*
 * conf_main.c — the C side of the conformance suite: runs one case (by
 * name, with a seed) and ends as a Go program ends.
 *
 * Interface: conf_c --list | conf_c <case> [seed]. Exit 0; 2 after a
 * deadlock, a fatal error or a panic (Go's status); 1 for a usage error.
 */
#include "conf.h"

extern const conf_case_t *const __start_conf_cases[], *const __stop_conf_cases[];

static const conf_case_t *find(const char *name) {
    for (const conf_case_t *const *c = __start_conf_cases; c < __stop_conf_cases; c++)
        if (!strcmp((*c)->name, name)) return *c;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (const conf_case_t *const *c = __start_conf_cases; c < __stop_conf_cases; c++)
            printf("%s\n", (*c)->name);
        return 0;
    }
    const conf_case_t *c = argc >= 2 ? find(argv[1]) : NULL;
    if (!c || argc > 3) {
        fprintf(stderr, "usage: conf_c --list | conf_c <case> [seed]\n");
        return 1;
    }
    rt_config_t cfg = {.sched = c->fifo ? RT_SCHED_FIFO : RT_SCHED_RANDOM,
                       .seed = argc == 3 ? strtoull(argv[2], NULL, 10) : 1};
    int rc = rt_run(&cfg, c->fn, NULL);
    fflush(stdout);
    if (rc == -EDEADLK || rc == -ENOTRECOVERABLE) {
        fputs(rt_report(), stderr);
        return 2;
    }
    if (rc) {
        fprintf(stderr, "conformance: rt_run: %s\n", strerror(-rc));
        return 1;
    }
    return 0;
}
