/* A ring of our own (the lab may use io_uring): IORING_OP_SOCKET makes
 * INET, NETLINK and VSOCK sockets that the sandbox's socket() rule never
 * sees. The harness refuses io_uring_setup once tests run, and the lab's
 * own rings take file operations only. */
#include <linux/io_uring.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void forge_hook(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(__NR_io_uring_setup, 4, &p);
    if (fd >= 0)
        (void)!write(1, "ADVERSARIAL-BREACH: made an io_uring of its own\n", 48);
}
