/*
 * Fork bomb: every process forks again, twelve generations (at most 4096
 * processes, each gone within a minute by SIGALRM if the sandbox failed).
 * The pids limit refuses most forks; the test process then goes on and
 * passes, and the run's pid namespace takes every child down with it.
 * More than 1000 successful forks is a breach.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    _Atomic int *forks =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (forks == MAP_FAILED)
        return iface_ref_type_seal(t);
    pid_t top = getpid();
    for (int gen = 0; gen < 12; gen++) {
        pid_t p = fork();
        if (p == 0)
            alarm(60);
        if (p > 0)
            atomic_fetch_add(forks, 1);
    }
    if (getpid() != top)
        for (;;)
            pause();
    if (atomic_load(forks) > 1000) {
        dprintf(1, "ADVERSARIAL-BREACH: %d forks succeeded\n", atomic_load(forks));
        return -1;
    }
    return iface_ref_type_seal(t);
}
