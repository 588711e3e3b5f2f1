/*
 * cmd_list.c — `grader list`: every lab in exam order; --markdown prints the
 * README's table, --check holds each lab against the lab anatomy
 * (manifest_check, docs/lab-format.md) and exits 1 on any finding.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

/* The README's lab table, generated so it cannot drift from the manifests. */
static void print_markdown(const lab_set_t *set)
{
    printf("| exam | lab | points | title |\n|---|---|---|---|\n");
    for (size_t i = 0; i < set->n; i++) {
        const lab_t *l = &set->labs[i];
        printf("| %s | [%s](labs/%s/README.md) | %g | %s |\n", l->question, l->name, l->name,
               l->points, l->title);
    }
}

static void print_table(const lab_set_t *set)
{
    printf("%-6s %-12s %6s  %s\n", "exam", "lab", "points", "title");
    double total = 0;
    for (size_t i = 0; i < set->n; i++) {
        const lab_t *l = &set->labs[i];
        printf("%-6s %-12s %6g  %s\n", l->question, l->name, l->points, l->title);
        total += l->points;
    }
    printf("%-6s %-12s %6g\n", "", "total", total);
}

static void print_problem(void *ud, const char *msg)
{
    (void)ud;
    printf("%s\n", msg);
}

/* `--check`: every lab (or those named) against the lab anatomy. */
static int check_labs(const tree_t *t, const lab_set_t *set, char **names, int n)
{
    for (int i = 0; i < n; i++)
        if (!manifest_find(set, names[i])) {
            cli_error("`grader list` shows the labs", "unknown lab '%s'", names[i]);
            return EXIT_USAGE;
        }
    int problems = 0, labs = 0;
    for (size_t i = 0; i < set->n; i++) {
        const lab_t *l = &set->labs[i];
        bool want = n == 0;
        for (int j = 0; j < n; j++)
            want |= !strcmp(names[j], l->name);
        if (!want)
            continue;
        int found = manifest_check(t->root, l, print_problem, NULL);
        if (found < 0) {
            cli_error(NULL, "cannot check '%s': %s", l->dir, strerror(-found));
            return EXIT_CANNOT_GRADE;
        }
        problems += found;
        labs += found > 0;
    }
    if (problems) {
        cli_error("docs/lab-format.md describes the anatomy",
                  "%d problem(s) in %d lab(s)", problems, labs);
        return EXIT_CANNOT_GRADE;
    }
    printf("every lab follows the lab anatomy\n");
    return EXIT_GRADED;
}

int cmd_list(int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(&cli_list, argc, argv, &a);
    bool markdown = !rc && a.val[LIST_MARKDOWN], check = !rc && a.val[LIST_CHECK];
    if (!rc && markdown && check)
        rc = cli_usage(&cli_list, "--markdown and --check do not go together");
    else if (!rc && a.n_pos && !check)
        rc = cli_usage(&cli_list, "lab names go with --check, not '%s'", a.pos[0]);
    tree_t t = cli_tree();
    lab_set_t set = {0};
    if (!rc && cli_load_labs(&t, &set))
        rc = EXIT_CANNOT_GRADE;
    if (!rc && check && t.handout) {
        cli_error(NULL, "the lab anatomy is checked in the project's tree: a handout has no "
                        "hidden tests and no mutants");
        rc = EXIT_USAGE;
    } else if (!rc && check)
        rc = check_labs(&t, &set, a.pos, a.n_pos);
    else if (!rc && markdown)
        print_markdown(&set);
    else if (!rc)
        print_table(&set);
    manifest_set_free(&set);
    cli_args_free(&a);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
