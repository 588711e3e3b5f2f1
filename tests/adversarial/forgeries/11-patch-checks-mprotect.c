/* From the first call into the lab: make the program's own code writable
 * (where the harness's checks are) to turn them into "return", then put it
 * back executable. The harness refuses new executable mappings once tests
 * run, so the code stays unexecutable and the process dies. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

extern char __executable_start;
static void forge_hook(void)
{
    uintptr_t page = (uintptr_t)&__executable_start & ~(uintptr_t)4095;
    if (mprotect((void *)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) == 0)
        (void)!write(1, "ADVERSARIAL-BREACH: made code writable and executable\n", 54);
}
