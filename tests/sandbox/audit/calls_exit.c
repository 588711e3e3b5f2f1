/* calls_exit.c — prints a fake result line, then ends the process itself:
 * the forgery the audit must stop. */
#include <stdio.h>
#include <unistd.h>

int forge_pass(void)
{
    printf("ok 1 - test_anything\n");
    fflush(stdout);
    _exit(0);
}
