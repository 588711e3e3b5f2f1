/*
 * main.c — `grader`: subcommands dispatched from one table, as git does.
 *
 *   list      the labs in exam order
 *   run       grade labs (the tree's own code, or --submission <dir>)
 *   bench     candidate and reference benchmarks, interleaved, Go format
 *   compare   benchstat-style comparison of two benchmark outputs
 *   handout   a candidate's tree: solutions stripped, hidden tests removed
 *   doctor    which isolation mechanisms work on this machine
 *   report    a saved run (JSON or DB:RUN_ID) as HTML, JSON, JUnit, Gradescope
 *   history   the runs of a results history; leaderboard ranks its candidates
 *   batch     grade every submission of a folder, resumably, into a history
 *   demo      the labs' demonstrations, on the reference or your code, beside Go
 *   mutants   grade each lab's mutants: every one must be killed
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "benchstat.h"
#include "cleanup.h"
#include "cli.h"
#include "sandbox.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} command_t;

static const command_t commands[] = {
    {"list", cmd_list, "grader list [--markdown | --check [<lab>...]]"},
    {"run", cmd_run, "grader run [<options>] [<lab>...]"},
    {"bench", cmd_bench, "grader bench <lab> [--submission <dir>] [--count <n>] [--benchtime <d>]"},
    {"compare", cmd_compare, "grader compare <old> <new>"},
    {"handout", cmd_handout, "grader handout --out <dir> [<lab>...]"},
    {"doctor", cmd_doctor, "grader doctor"},
    {"report", cmd_report, "grader report <results.json | DB:RUN_ID> [--html <file>] ..."},
    {"history", cmd_history, "grader history <db> [--candidate <id>]"},
    {"leaderboard", cmd_leaderboard, "grader leaderboard <db>"},
    {"batch", cmd_batch, "grader batch <dir> --record <db> [--jobs <n>] [--no-bench] [<lab>...]"},
    {"demo", cmd_demo, "grader demo [<lab> [<name> [--mine] [--go] [--html <file>]]]"},
    {"mutants", cmd_mutants, "grader mutants [--jobs <n>] [--seed <n>] [--keep <dir>] [<lab>...]"},
};

static int usage(FILE *f)
{
    fputs("usage: grader <command> [<args>]\n\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "   %s\n", commands[i].usage);
    fputs("\n'grader <command> --help' describes one command.\n", f);
    return f == stdout ? EXIT_GRADED : EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* A sandboxed child that dies early must not take the grader with it. */
    signal(SIGPIPE, SIG_IGN);
    /* Ctrl-C, a kill or a stopped batch removes the run's scratch folders. */
    cleanup_install();
    if (argc < 2)
        return usage(stderr);
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return usage(stdout);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    cli_error("'grader help' lists the commands", "'%s' is not a grader command", argv[1]);
    return EXIT_USAGE;
}
