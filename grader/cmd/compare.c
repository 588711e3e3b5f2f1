/*
 * compare.c — `grader compare <old> <new>`: benchstat for two runs.
 *
 * Each file is either Go benchmark text (a bench binary's output, or the
 * grader's bench text) or the grader's JSON report. From a report the
 * candidate's samples are taken, one sample per interleaved round, under
 * the name "<lab>/<benchmark>"; so two saved reports compare two
 * submissions, and a report against a bench binary's output compares a
 * submission with a local run. An argument DB:RUN_ID takes a recorded
 * run's candidate samples from the results history (history.h). Names
 * pair as benchstat pairs them, by lab where one is known (benchstat.h).
 *
 * A graded run (a report, DB:RUN_ID) that has no samples of a lab says
 * why, from the lab's verdicts (lab_why_no_samples): its tests failed, it
 * was graded with --no-bench, a benchmark failed. A run with no samples at
 * all cannot be compared (exit 1, with the reasons); a lab missing from one
 * side only gets a note under the table.
 *
 * Output: the configuration lines both files agree on (goos, cpu, ...),
 * then benchstat's table (benchstat_table.c), then the notes.
 *
 * Interface: cmd_compare(argc, argv) → 0 compared, 1 a file cannot be
 * read or has no samples, 2 usage.
 */
#include "benchstat.h"
#include "cli.h"
#include "commands.h"
#include "history.h"
#include "report.h"
#include "strbuf.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* One argument of the comparison. */
typedef struct side {
    const char *arg;
    benchstat_set_t set;
    run_result_t run; /* the graded run, when arg is one */
    bool have_run;
} side_t;

/* True if the file's first non-blank byte opens a JSON object. */
static bool compare_is_json(FILE *f)
{
    int c;

    while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
        ;
    rewind(f);
    return c == '{';
}

/* Adds one benchmark's candidate samples of a JSON report to s. */
static int compare_json_bench(benchstat_set_t *s, const char *lab, json_t *b)
{
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *unit = json_string_value(json_object_get(b, "unit"));
    json_t *samples = json_object_get(b, "candidate"), *v;
    char full[512];
    size_t i;

    if (name == NULL || !json_is_array(samples))
        return -EINVAL;
    snprintf(full, sizeof full, "%s%s%s", lab ? lab : "", lab ? "/" : "", name);
    json_array_foreach(samples, i, v) {
        if (json_is_null(v)) /* a round that produced no sample */
            continue;
        if (!json_is_number(v))
            return -EINVAL;
        if (benchstat_add_sample(s, full, json_number_value(v), unit ? unit : "ns/op") < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Reads the grader's JSON report from f into s. Returns 0, -EINVAL with
 * the reason in err, or -ENOMEM. */
static int compare_read_json(FILE *f, const char *path, benchstat_set_t *s, char *err,
                             size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadf(f, 0, &je), *labs, *lab, *b;
    size_t i, j;
    int rc = 0;

    if (root == NULL) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -EINVAL;
    }
    labs = json_object_get(root, "labs");
    if (!json_is_array(labs))
        rc = -EINVAL;
    json_array_foreach(labs, i, lab) {
        const char *name = json_string_value(json_object_get(lab, "name"));
        json_t *benches = json_object_get(lab, "benchmarks");
        json_array_foreach(benches, j, b) {
            if (rc == 0)
                rc = compare_json_bench(s, name, b);
        }
    }
    if (rc == -EINVAL)
        snprintf(err, errlen, "%s: not a grader report: want labs[].benchmarks[] with "
                              "name, unit and candidate samples", path);
    json_decref(root);
    return rc;
}

/* Reads path as Go benchmark text or a JSON report into side. Returns 0,
 * or -EINVAL/-ENOMEM with the reason in err. */
static int compare_read_file(side_t *side, FILE *f, char *err, size_t errlen)
{
    const char *path = side->arg;
    if (!compare_is_json(f))
        return benchstat_parse(f, path, &side->set, err, errlen);
    side->set.label = strdup(path);
    int rc = side->set.label ? compare_read_json(f, path, &side->set, err, errlen) : -ENOMEM;
    char ignored[512];
    /* A whole report also says why a lab has no samples. */
    side->have_run = rc == 0 && report_read_json(path, &side->run, ignored, sizeof ignored) == 0;
    return rc;
}

/* The reasons, lab by lab, that the run of side has no samples. */
static void compare_print_reasons(FILE *out, const side_t *side)
{
    char why[256];
    for (size_t i = 0; i < side->run.n_labs; i++) {
        const lab_result_t *lr = &side->run.labs[i];
        if (lab_why_no_samples(&side->run, lr, why, sizeof why))
            fprintf(out, "%s %s: %s", i ? ";" : "", lr->name, why);
    }
}

/* Loads side->arg (DB:RUN_ID, text or JSON). Returns 0, or 1 after printing why. */
static int compare_load(side_t *side)
{
    char err[512] = "";
    int rc = history_load_ref(side->arg, &side->set, &side->run, err, sizeof err);
    side->have_run = rc == 0;
    if (rc < 0)
        cli_error(NULL, "%s", err);
    if (rc < 0)
        return 1;
    FILE *f = rc ? fopen(side->arg, "r") : NULL;
    if (rc && f == NULL) {
        cli_error(NULL, "cannot open '%s': %s", side->arg, strerror(errno));
        return 1;
    }
    rc = f ? compare_read_file(side, f, err, sizeof err) : 0;
    if (f)
        fclose(f);
    if (rc < 0) {
        cli_error(NULL, "%s", rc == -ENOMEM ? "out of memory" : err);
        return 1;
    }
    if (side->set.nresults == 0 && side->have_run) {
        fprintf(stderr, "grader: '%s' has no benchmark samples:", side->arg);
        compare_print_reasons(stderr, side);
        fputc('\n', stderr);
        return 1;
    }
    if (side->set.nresults == 0) {
        cli_error(NULL, "no benchmark results in '%s'", side->arg);
        return 1;
    }
    return 0;
}

static void compare_free(side_t *side)
{
    benchstat_set_free(&side->set);
    if (side->have_run)
        run_result_free(&side->run);
}

/* The configuration lines old and new agree on, benchstat's header. */
static void compare_print_config(const benchstat_set_t *old, const benchstat_set_t *new)
{
    bool any = false;

    for (size_t i = 0; i < old->nconfig; i++) {
        const char *v = benchstat_config_get(new, old->config[i].key);
        if (v && strcmp(v, old->config[i].value) == 0) {
            printf("%s: %s\n", old->config[i].key, v);
            any = true;
        }
    }
    if (any)
        putchar('\n');
}

/* True when set holds a result of lab, or results of no known lab. */
static bool compare_may_hold(const benchstat_set_t *set, const char *lab)
{
    for (size_t i = 0; i < set->nresults; i++)
        if (!set->results[i].lab || !strcmp(set->results[i].lab, lab))
            return true;
    return false;
}

/* A note for each lab side's run has no samples of while other has some. */
static void compare_print_notes(const side_t *side, const side_t *other)
{
    char why[256];
    for (size_t i = 0; side->have_run && i < side->run.n_labs; i++) {
        const lab_result_t *lr = &side->run.labs[i];
        if (compare_may_hold(&other->set, lr->name) &&
            lab_why_no_samples(&side->run, lr, why, sizeof why))
            printf("note: '%s' has no samples of %s: %s\n", side->arg, lr->name, why);
    }
}

int cmd_compare(int argc, char **argv)
{
    cli_args_t a;
    side_t sides[2] = {{0}, {0}};
    benchstat_table_t table;
    int rc = cli_parse(&cli_compare, argc, argv, &a);
    if (!rc && a.n_pos != 2)
        rc = cli_usage(&cli_compare, "compare takes two runs, <old> and <new>");
    for (int k = 0; !rc && k < 2; k++) {
        sides[k].arg = a.pos[k];
        rc = compare_load(&sides[k]);
    }
    if (!rc && (rc = benchstat_compare(&sides[0].set, &sides[1].set, &table)) == 0) {
        compare_print_config(&sides[0].set, &sides[1].set);
        benchstat_print_table(stdout, &table);
        compare_print_notes(&sides[0], &sides[1]);
        compare_print_notes(&sides[1], &sides[0]);
        benchstat_table_free(&table);
    } else if (rc < 0 && rc != CLI_HELP) {
        cli_error(NULL, "out of memory");
        rc = EXIT_CANNOT_GRADE;
    }
    compare_free(&sides[0]);
    compare_free(&sides[1]);
    cli_args_free(&a);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
