/* calls_cancel.c — pthread_cancel(self) ends the test thread after a forged result. */
#include <pthread.h>
void stop(void) { pthread_cancel(pthread_self()); }
