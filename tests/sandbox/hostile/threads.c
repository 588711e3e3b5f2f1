/* threads.c — starts 10 000 threads that all sleep, then waits. */
#include <pthread.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 << 10);
    int started = 0;
    for (int i = 0; i < 10000; i++) {
        pthread_t t;
        if (pthread_create(&t, &a, sleeper, NULL) == 0)
            started++;
    }
    return started == 10000 ? 0 : 1;
}
