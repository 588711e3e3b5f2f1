/*
 * main.c — `grader`: subcommands dispatched from one table, as git does.
 * The table, with every command's options, summary and example, is
 * grader/cli/commands.c; `grader help` prints it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"

int main(int argc, char **argv)
{
    /* A sandboxed child that dies early must not take the grader with it. */
    signal(SIGPIPE, SIG_IGN);
    /* Ctrl-C, a kill or a stopped batch removes the run's scratch folders. */
    cleanup_install();
    if (argc < 2) {
        cli_print_commands(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        argv[1] = "help";
    const cli_command_t *c = cli_find_command(argv[1]);
    if (c)
        return c->fn(argc - 1, argv + 1);
    cli_error("`grader help` lists the commands", "'%s' is not a grader command", argv[1]);
    return EXIT_USAGE;
}
