/*
 * commands.c — the table of `grader` commands and their options (see
 * commands.h). Each entry's example is run by tests/grader/cli_test.sh, in
 * the order of this file, so every one works as written (the mutants one
 * is the lab.<lab>.mutants_are_killed test).
 */
#include "commands.h"

#include <stdint.h>
#include <string.h>

#include "benchstat.h"
#include "cli.h"
#include "sandbox.h"

/* Designated, so the fields left out are zero without a warning. */
#define OPT(name_, arg_, help_) .name = name_, .arg = arg_, .help = help_
#define CMD(name_, fn_, summary_, operands_)                                                       \
    .name = name_, .fn = fn_, .summary = summary_, .operands = operands_
#define OPTS(table) .opts = table, .n_opts = sizeof table / sizeof *table
#define NUM(lo_, hi_) .lo = lo_, .hi = hi_

static int cmd_help(int argc, char **argv);

static const cli_opt_t list_opts[] = {
    [LIST_MARKDOWN] = {OPT("--markdown", NULL, "print the README's lab table, in Markdown")},
    [LIST_CHECK] = {OPT("--check", NULL,
                        "hold the labs (all, or those named) against the lab anatomy")},
};
const cli_command_t cli_list = {CMD("list", cmd_list, "the labs in exam order", "[<lab>...]"),
                                OPTS(list_opts), .example = "grader list --check iface"};

static const cli_opt_t run_opts[] = {
    [RUN_SUBMISSION] = {OPT(
        "--submission", "<dir>",
        "grade the candidate's files in <dir>/labs/<lab>/; default: this tree's")},
    [RUN_VARIANT] = {OPT("--variant", "ref|stub", "this tree's reference or its stub"),
                     .dflt = "ref"},
    [RUN_FILTER] = {OPT("-run", "<regex>",
                        "only the tests whose name matches, as go test -run does"),
                    .alias = "--run"},
    [RUN_NO_BENCH] = {OPT("--no-bench", NULL,
                          "no benchmarks: the performance share is not measured")},
    [RUN_BENCH_ROUNDS] = {OPT("--bench-rounds", "<n>",
                              "interleaved benchmark rounds, more near a limit"),
                          NUM(1, 100), .dflt = "6"},
    [RUN_BENCHTIME] = {OPT("--benchtime", "<d>",
                           "each benchmark's time, as Go's -benchtime: 200ms, 1s, 100x"),
                       .dflt = "200ms"},
    [RUN_JOBS] = {OPT("--jobs", "<n>", "test processes at once; default: one per core"),
                  NUM(1, 64)},
    [RUN_SEED] = {OPT("--seed", "<n>",
                      "the seed tests draw their inputs from; default: a new one per run"),
                  NUM(0, INT64_MAX)},
    [RUN_JSON] = {OPT("--json", "<file>", "write the report in undergo's JSON schema")},
    [RUN_HTML] = {OPT("--html", "<file>", "write the report as one self-contained HTML page")},
    [RUN_GRADESCOPE] = {OPT("--gradescope", "<file>", "write Gradescope's results.json")},
    [RUN_JUNIT] = {OPT("--junit", "<file>", "write JUnit XML")},
    [RUN_RECORD] = {OPT("--record", "<db>",
                        "record the run in a results history (made if missing)")},
    [RUN_CANDIDATE] = {OPT("--candidate", "<id>",
                           "the id the run is recorded under; default: the submission's folder")},
};
const cli_command_t cli_run = {
    CMD("run", cmd_run, "grade labs: this tree's code, or a candidate's submission", "[<lab>...]"),
    OPTS(run_opts), .example = "grader run iface -run nil --no-bench --json iface.json"};

static const cli_opt_t report_opts[] = {
    [REPORT_HTML] = {OPT("--html", "<file>", "write one self-contained HTML page")},
    [REPORT_JSON] = {OPT("--json", "<file>", "write undergo's JSON report")},
    [REPORT_JUNIT] = {OPT("--junit", "<file>", "write JUnit XML")},
    [REPORT_GRADESCOPE] = {OPT("--gradescope", "<file>", "write Gradescope's results.json")},
};
const cli_command_t cli_report = {
    CMD("report", cmd_report,
        "a saved run, reported again: the terminal summary, or the files asked for",
        "<results.json | DB:RUN_ID>"),
    OPTS(report_opts), .example = "grader report iface.json --html iface.html"};

static const cli_opt_t bench_opts[] = {
    [BENCH_SUBMISSION] = {OPT(
        "--submission", "<dir>",
        "time the candidate's files in <dir>/labs/<lab>/; default: this tree's")},
    [BENCH_COUNT] = {OPT("--count", "<n>", "interleaved rounds"), NUM(1, 1000), .dflt = "6"},
    [BENCH_BENCHTIME] = {OPT("--benchtime", "<d>", "each benchmark's time, as Go's -benchtime"),
                         .dflt = "1s"},
    [BENCH_OUT] = {OPT("-o", "<dir>",
                       "also write reference.txt and candidate.txt there (made if missing)")},
};
const cli_command_t cli_bench = {
    CMD("bench", cmd_bench, "candidate and reference benchmarks, interleaved, in Go's format",
        "<lab>"),
    OPTS(bench_opts), .example = "grader bench iface --count 2 --benchtime 20ms -o bench-out"};

const cli_command_t cli_compare = {
    CMD("compare", cmd_compare,
        "benchstat's table of two runs, each Go benchmark text, a JSON report or DB:RUN_ID",
        "<old> <new>"),
    .example = "grader compare bench-out/reference.txt bench-out/candidate.txt"};

static const cli_opt_t handout_opts[] = {
    [HANDOUT_OUT] = {OPT("--out", "<dir>", "the new or empty folder to write it to (required)")},
};
const cli_command_t cli_handout = {
    CMD("handout", cmd_handout, "a candidate's tree: references stripped, hidden tests left out",
        "--out <dir> [<lab>...]"),
    OPTS(handout_opts), .example = "grader handout --out handout iface"};

const cli_command_t cli_doctor = {CMD("doctor", cmd_doctor,
                                      "which isolation the sandbox gets on this machine", ""),
                                  .example = "grader doctor"};

static const cli_opt_t batch_opts[] = {
    [BATCH_RECORD] = {OPT("--record", "<db>", "the results history to record into (required)")},
    [BATCH_JOBS] = {OPT("--jobs", "<n>", "candidates at once; their benchmarks share the machine"),
                    NUM(1, 64), .dflt = "1"},
    [BATCH_NO_BENCH] = {OPT("--no-bench", NULL, "no benchmarks, as grader run --no-bench")},
    [BATCH_BENCH_ROUNDS] = {OPT("--bench-rounds", "<n>",
                                "benchmark rounds, as grader run --bench-rounds"),
                            NUM(1, 100)},
    [BATCH_SHARD] = {OPT("--shard", "<k>/<n>",
                         "only the k-th of n slices of the candidates (0 <= k < n), by id")},
};
const cli_command_t cli_batch = {
    CMD("batch", cmd_batch, "grade every submission of a folder (one subfolder each), resumably",
        "--record <db> <dir> [<lab>...]"),
    OPTS(batch_opts), .example = "grader batch subs --record reviews.db --no-bench"};

static const cli_opt_t history_opts[] = {
    [HISTORY_CANDIDATE] = {OPT("--candidate", "<id>", "only this candidate's runs")},
};
const cli_command_t cli_history = {CMD("history", cmd_history,
                                       "every run recorded in a results history", "<db>"),
                                   OPTS(history_opts),
                                   .example = "grader history reviews.db --candidate alice"};

const cli_command_t cli_leaderboard = {CMD("leaderboard", cmd_leaderboard,
                                           "each candidate's latest run, best first", "<db>"),
                                       .example = "grader leaderboard reviews.db"};

const cli_command_t cli_merge = {CMD("merge", cmd_merge,
                                     "histories of a sharded batch, combined into one",
                                     "<out.db> <in.db>..."),
                                 .example = "grader merge all.db reviews.db"};

static const cli_opt_t demo_opts[] = {
    [DEMO_MINE] = {OPT("--mine", NULL, "run it on your code; in this tree, on the stub")},
    [DEMO_GO] = {OPT("--go", NULL, "run the Go original beside it")},
    [DEMO_HTML] = {OPT("--html", "<file>",
                       "draw it as one self-contained page, for demos marked html")},
};
const cli_command_t cli_demo = {
    CMD("demo", cmd_demo, "the labs' demonstrations, on the reference or your code, beside Go",
        "[<lab> [<name>]] [-- <demo args>]"),
    OPTS(demo_opts), .example = "grader demo iface typed-nil", .dashdash = true};

static const cli_opt_t mutants_opts[] = {
    [MUTANTS_JOBS] = {OPT("--jobs", "<n>", "test processes of each mutant's grader run"),
                      NUM(1, 64)},
    [MUTANTS_SEED] = {OPT("--seed", "<n>",
                          "the seed of every mutant's run; default: one per mutant"),
                      NUM(0, INT64_MAX)},
    [MUTANTS_KEEP] = {OPT("--keep", "<dir>", "keep each mutant's scratch folder there")},
    [MUTANTS_ALL_TESTS] = {OPT("--all-tests", NULL,
                               "every test of each mutant, not its killed-by test first")},
};
const cli_command_t cli_mutants = {CMD("mutants", cmd_mutants,
                                       "grade each lab's mutants: every one must be killed",
                                       "[<lab>...]"),
                                   OPTS(mutants_opts), .example = "grader mutants --jobs 2 iface"};

const cli_command_t cli_help_cmd = {CMD("help", cmd_help,
                                        "the commands, or one command's options and an example",
                                        "[<command>]"),
                                    .example = "grader help run"};

static const cli_command_t *const commands[] = {
    &cli_list,    &cli_run,    &cli_report,  &cli_bench,    &cli_compare,
    &cli_handout, &cli_doctor, &cli_batch,   &cli_history,  &cli_leaderboard,
    &cli_merge,   &cli_demo,   &cli_mutants, &cli_help_cmd,
};

const cli_command_t *cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    return NULL;
}

void cli_print_commands(FILE *f)
{
    fputs("usage: grader <command> [<args>]\n\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "   %-12s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n`grader help <command>` or `grader <command> --help` shows a command's options and "
          "an example\n",
          f);
}

/* `grader help [<command>]`. */
static int cmd_help(int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(&cli_help_cmd, argc, argv, &a);
    const cli_command_t *c = !rc && a.n_pos == 1 ? cli_find_command(a.pos[0]) : NULL;
    if (!rc && a.n_pos == 0)
        cli_print_commands(stdout);
    else if (!rc && a.n_pos > 1)
        rc = cli_usage(&cli_help_cmd, "help takes one command, not also '%s'", a.pos[1]);
    else if (!rc && !c) {
        cli_error("`grader help` lists the commands", "'%s' is not a grader command", a.pos[0]);
        rc = EXIT_USAGE;
    } else if (!rc)
        cli_help(c, stdout);
    cli_args_free(&a);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
