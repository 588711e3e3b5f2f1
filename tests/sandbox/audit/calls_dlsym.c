/* calls_dlsym.c — looks _exit up by name instead of calling it. */
#include <dlfcn.h>

int find_exit(void)
{
    void (*end)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "_exit");
    if (end)
        end(0);
    return -1;
}
