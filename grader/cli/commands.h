/*
 * commands.h — every `grader` command and its options, in one table
 * (commands.c): main() dispatches from it, each command parses its argv
 * with its own entry, and help is printed from the same entries.
 *
 * The enums below index each command's options (cli_args_t.val[RUN_JSON]).
 *
 * Interface: cli_find_command(name) → cmd->fn(argc, argv);
 * cli_print_commands(f) for `grader help`.
 */
#ifndef UNDERGO_COMMANDS_H
#define UNDERGO_COMMANDS_H

#include "opts.h"

enum { LIST_MARKDOWN, LIST_CHECK };
enum {
    RUN_SUBMISSION,
    RUN_VARIANT,
    RUN_FILTER,
    RUN_NO_BENCH,
    RUN_BENCH_ROUNDS,
    RUN_BENCHTIME,
    RUN_JOBS,
    RUN_SEED,
    RUN_JSON,
    RUN_HTML,
    RUN_GRADESCOPE,
    RUN_JUNIT,
    RUN_RECORD,
    RUN_CANDIDATE,
};
enum { BENCH_SUBMISSION, BENCH_COUNT, BENCH_BENCHTIME, BENCH_OUT };
enum { HANDOUT_OUT };
enum { REPORT_HTML, REPORT_JSON, REPORT_JUNIT, REPORT_GRADESCOPE };
enum { HISTORY_CANDIDATE };
enum { BATCH_RECORD, BATCH_JOBS, BATCH_NO_BENCH, BATCH_BENCH_ROUNDS, BATCH_SHARD };
enum { DEMO_MINE, DEMO_GO, DEMO_HTML };
enum { MUTANTS_JOBS, MUTANTS_SEED, MUTANTS_KEEP, MUTANTS_ALL_TESTS };

extern const cli_command_t cli_list, cli_run, cli_bench, cli_compare, cli_handout, cli_doctor,
    cli_report, cli_history, cli_leaderboard, cli_batch, cli_merge, cli_demo, cli_mutants,
    cli_help_cmd;

/* The command called name, or NULL. */
const cli_command_t *cli_find_command(const char *name);

/* `grader help`: the usage line and one line per command. Can't fail. */
void cli_print_commands(FILE *f);

#endif
