/*
 * cmd_list.c — `grader list`: every lab in exam order.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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

int cmd_list(int argc, char **argv)
{
    bool markdown = argc == 2 && !strcmp(argv[1], "--markdown");
    if (argc > 1 && !markdown) {
        bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");
        if (!help)
            cli_error(NULL, "unknown argument '%s'", argv[1]);
        fputs("usage: grader list [--markdown]\n", help ? stdout : stderr);
        return help ? EXIT_GRADED : EXIT_USAGE;
    }
    tree_t t = cli_tree();
    lab_set_t set;
    if (cli_load_labs(&t, &set))
        return EXIT_CANNOT_GRADE;
    if (markdown) {
        print_markdown(&set);
        manifest_set_free(&set);
        return EXIT_GRADED;
    }
    printf("%-6s %-12s %6s  %s\n", "exam", "lab", "points", "title");
    double total = 0;
    for (size_t i = 0; i < set.n; i++) {
        const lab_t *l = &set.labs[i];
        printf("%-6s %-12s %6g  %s\n", l->question, l->name, l->points, l->title);
        total += l->points;
    }
    printf("%-6s %-12s %6g\n", "", "total", total);
    manifest_set_free(&set);
    return EXIT_GRADED;
}
