/*
 * cmd_compare.c — `grader compare <old> <new>`: benchstat for two runs.
 *
 * Each file is either Go benchmark text (a bench binary's output, or the
 * grader's bench text) or the grader's JSON report. From a report the
 * candidate's samples are taken, one sample per interleaved round, under
 * the name "<lab>/<benchmark>"; so two saved reports compare two
 * submissions, and a report against a bench binary's output compares a
 * submission with a local run. An argument DB:RUN_ID takes a recorded
 * run's candidate samples from the results history (history.h).
 *
 * Output: the configuration lines both files agree on (goos, cpu, ...),
 * then benchstat's table (benchstat_table.c).
 *
 * Interface: cmd_compare(argc, argv) → 0 compared, 1 a file cannot be
 * read, 2 usage.
 */
#include "benchstat.h"
#include "history.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define COMPARE_USAGE "usage: grader compare <old> <new>\n"

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

/* Loads path (text or JSON) into s. Returns 0, or 1 after printing why. */
static int compare_load(const char *path, benchstat_set_t *s)
{
    char err[512] = "";
    FILE *f = fopen(path, "r");
    int rc;

    memset(s, 0, sizeof *s);
    if ((rc = history_load_ref(path, s, err, sizeof err)) <= 0) {   /* DB:RUN_ID */
        if (f)
            fclose(f);
        if (rc < 0)
            fprintf(stderr, "grader: %s\n", err);
        return rc < 0 ? 1 : 0;
    }
    if (f == NULL) {
        fprintf(stderr, "grader: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    if (compare_is_json(f)) {
        s->label = strdup(path);
        rc = s->label ? compare_read_json(f, path, s, err, sizeof err) : -ENOMEM;
    } else {
        rc = benchstat_parse(f, path, s, err, sizeof err);
    }
    fclose(f);
    if (rc == 0 && s->nresults == 0) {
        snprintf(err, sizeof err, "no benchmark results in '%s'", path);
        rc = -EINVAL;
    }
    if (rc < 0) {
        fprintf(stderr, "grader: %s\n", rc == -ENOMEM ? "out of memory" : err);
        benchstat_set_free(s);
        return 1;
    }
    return 0;
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

int cmd_compare(int argc, char **argv)
{
    benchstat_set_t old, new;
    benchstat_table_t table;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(COMPARE_USAGE, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "grader: unknown option '%s'\n" COMPARE_USAGE, argv[i]);
            return 2;
        }
    }
    if (argc != 3) {
        fputs(COMPARE_USAGE, stderr);
        return 2;
    }
    if (compare_load(argv[1], &old) != 0)
        return 1;
    if (compare_load(argv[2], &new) != 0) {
        benchstat_set_free(&old);
        return 1;
    }
    rc = benchstat_compare(&old, &new, &table);
    if (rc == 0) {
        compare_print_config(&old, &new);
        benchstat_print_table(stdout, &table);
        benchstat_table_free(&table);
    } else {
        fprintf(stderr, "grader: out of memory\n");
    }
    benchstat_set_free(&old);
    benchstat_set_free(&new);
    return rc == 0 ? 0 : 1;
}
