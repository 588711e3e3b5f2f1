/*
 * 10 000 threads, each blocked for good. The pids limit refuses all but a
 * few dozen; the test then goes on and passes. More than 1000 threads is a
 * breach.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

static void *blocked(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int iface_type_seal(iface_type_t *t)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 << 10);
    int made = 0;
    for (int i = 0; i < 10000; i++) {
        pthread_t th;
        if (pthread_create(&th, &attr, blocked, NULL) == 0) {
            pthread_detach(th);
            made++;
        }
    }
    pthread_attr_destroy(&attr);
    if (made > 1000) {
        dprintf(1, "ADVERSARIAL-BREACH: %d threads\n", made);
        return -1;
    }
    return iface_ref_type_seal(t);
}
