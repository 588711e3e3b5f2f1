/*
 * cmd_report.c — `grader report`: a saved run, reported again.
 *
 * The run comes from a JSON report (`--json` of grader run) or from the
 * results history as DB:RUN_ID. With no output option the terminal
 * summary is printed; --html, --json, --junit and --gradescope write those
 * formats, each whole or not at all.
 *
 * Exit codes: 0 written; 1 the run cannot be read (corrupt JSON or
 * database, no such run) or a report cannot be written; 2 usage (unknown
 * option, missing file, unwritable path).
 *
 * Interface: cmd_report(argc, argv); report_load_run(in, &r) for any
 * command that takes a saved run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "history.h"
#include "progress.h"
#include "report.h"

enum { OUT_COUNT = REPORT_GRADESCOPE + 1 };

/* Parses argv; returns 0, CLI_HELP, or an exit code. */
static int report_args(int argc, char **argv, const char **in, const char *outs[OUT_COUNT])
{
    cli_args_t a;
    int rc = cli_parse(&cli_report, argc, argv, &a);
    if (!rc && a.n_pos != 1)
        rc = a.n_pos ? cli_usage(&cli_report, "one run at a time, not also '%s'", a.pos[1])
                     : cli_usage(&cli_report, "which run? give a JSON report or DB:RUN_ID");
    for (int k = 0; !rc && k < OUT_COUNT; k++)
        outs[k] = a.val[k];
    if (!rc)
        *in = a.pos[0];
    cli_args_free(&a);
    return rc;
}

static int check_outputs(const char *outs[OUT_COUNT])
{
    for (int k = 0; k < OUT_COUNT; k++) {
        int rc = outs[k] ? fsutil_check_writable(outs[k]) : 0;
        if (rc) {
            cli_error(NULL, "cannot write report '%s': %s", outs[k], strerror(-rc));
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Loads DB:RUN_ID from the history. Returns an exit code. */
static int load_recorded(const char *db, int64_t id, run_result_t *r)
{
    history_t *h;
    char err[512];
    int rc = history_open(db, false, &h, err, sizeof err);
    if (rc) {
        cli_error(NULL, "%s", err);
        return EXIT_CANNOT_GRADE;
    }
    rc = history_load_run(h, id, r);
    if (rc)
        cli_error(rc == -ENOENT ? "`grader history <db>` lists the runs" : NULL, "%s",
                  history_error(h));
    history_close(h);
    return rc ? EXIT_CANNOT_GRADE : 0;
}

/* Loads a run from a JSON report or DB:RUN_ID. Returns an exit code. */
int report_load_run(const char *in, run_result_t *r)
{
    char *db, err[1024];
    int64_t id;
    if (history_parse_ref(in, &db, &id)) {
        int rc = load_recorded(db, id, r);
        free(db);
        return rc;
    }
    if (!fsutil_exists(in)) {
        cli_error(NULL, "cannot open report '%s': %s", in, strerror(ENOENT));
        return EXIT_USAGE;
    }
    if (report_read_json(in, r, err, sizeof err)) {
        cli_error("give a report written by `grader run --json`", "%s", err);
        return EXIT_CANNOT_GRADE;
    }
    return 0;
}

static int write_out(const char *path, char *text)
{
    int rc = text ? fsutil_write_atomic(path, text, strlen(text)) : -ENOMEM;
    free(text);
    if (rc)
        cli_error(NULL, "cannot write report '%s': %s", path, strerror(-rc));
    return rc ? 1 : 0;
}

int cmd_report(int argc, char **argv)
{
    const char *in = NULL, *outs[OUT_COUNT] = {0};
    run_result_t r;
    int rc = report_args(argc, argv, &in, outs);
    if (rc)
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    if ((rc = check_outputs(outs)) || (rc = report_load_run(in, &r)))
        return rc;
    int bad = 0;
    bad |= outs[REPORT_HTML] ? write_out(outs[REPORT_HTML], report_html(&r)) : 0;
    bad |= outs[REPORT_JSON] ? write_out(outs[REPORT_JSON], report_json(&r)) : 0;
    bad |= outs[REPORT_JUNIT] ? write_out(outs[REPORT_JUNIT], report_junit(&r)) : 0;
    bad |= outs[REPORT_GRADESCOPE] ? write_out(outs[REPORT_GRADESCOPE], report_gradescope(&r)) : 0;
    if (!outs[REPORT_HTML] && !outs[REPORT_JSON] && !outs[REPORT_JUNIT] && !outs[REPORT_GRADESCOPE])
        report_print_table(stdout, &r, progress_color(stdout));
    run_result_free(&r);
    return bad ? EXIT_CANNOT_GRADE : EXIT_GRADED;
}
