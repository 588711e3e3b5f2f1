/* The same patch through /proc/self/mem, which writes through page
 * protections: the checks return at once. */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

static int patched;
static void forge_hook(void)
{
    if (patched++)
        return;
    int fd = open("/proc/self/mem", O_RDWR);
    if (fd < 0)
        return;
    /* Our own code: a real forger would find the harness's. */
    unsigned char ret = 0xc3;
    if (pwrite(fd, &ret, 1, (off_t)(uintptr_t)(void *)&forge_hook + 64) == 1)
        (void)!write(1, "ADVERSARIAL-BREACH: wrote /proc/self/mem\n", 41);
    close(fd);
}
