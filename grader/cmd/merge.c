/*
 * merge.c — `grader merge <out.db> <in.db>...`: the histories of a sharded
 * batch (`grader batch --shard K/N`, one file per shard) combined into one.
 *
 * All or nothing: every input is checked and copied inside one transaction
 * of out (history_merge), so a corrupt, foreign or conflicting input is
 * named in one line and out stays as it was — and is not left behind when
 * this command made it. Merging a shard twice adds nothing.
 *
 * Exit codes: 0 merged; 1 an input refused or out unusable; 2 usage.
 *
 * Interface: cmd_merge(argc, argv).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "history.h"

int cmd_merge(int argc, char **argv)
{
    cli_args_t a;
    char err[512];
    history_t *h;
    history_merge_stats_t st;
    int rc = cli_parse(&cli_merge, argc, argv, &a);
    if (rc) {
        cli_args_free(&a);
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    }
    if (a.n_pos < 2) {
        rc = cli_usage(&cli_merge, "%s",
                       a.n_pos ? "merge what? name the shard histories after the output"
                               : "which history to merge into? give its database file first");
        cli_args_free(&a);
        return rc;
    }
    const char *out = a.pos[0];
    bool made = !fsutil_exists(out);
    rc = history_open(out, true, &h, err, sizeof err);
    if (rc) {
        cli_error(NULL, "%s", err);
        cli_args_free(&a);
        return EXIT_CANNOT_GRADE;
    }
    rc = history_merge(h, (const char *const *)a.pos + 1, (size_t)a.n_pos - 1, &st);
    if (rc)
        cli_error(NULL, "%s; %s %s", history_error(h), out, made ? "not made" : "is unchanged");
    history_close(h);
    if (rc && made)
        unlink(out);
    if (!rc)
        fprintf(stderr,
                "grader: merged %zu history file(s) into %s: %zu run(s) added, %zu already there\n",
                st.files, out, st.added, st.present);
    cli_args_free(&a);
    return rc ? EXIT_CANNOT_GRADE : EXIT_GRADED;
}
