/*
 * doctor.c — `grader doctor`: the sandbox's own report of what it enforces
 * on this machine (sandbox_doctor, grader/sandbox/doctor.c). No options.
 */
#include "cli.h"
#include "commands.h"
#include "sandbox.h"

int cmd_doctor(int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(&cli_doctor, argc, argv, &a);
    if (!rc && a.n_pos)
        rc = cli_usage(&cli_doctor, "doctor takes no arguments, not '%s'", a.pos[0]);
    cli_args_free(&a);
    if (rc)
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    return sandbox_doctor();
}
