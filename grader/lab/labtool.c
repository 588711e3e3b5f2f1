/*
 * labtool.c — CMake's view of the manifests.
 *
 * Built at configure time from the grader's own manifest parser, so CMake
 * and the grader can never disagree about a lab. `labtool cmake labs [NAME...]`
 * prints one undergo_add_lab() call per lab (sources, needs, demos); a broken
 * manifest prints its one-line error and exits 1, which stops the configure
 * step.
 */
#include "manifest.h"

#include <stdio.h>
#include <string.h>

static void print_list(const char *key, char **v, size_t n)
{
    if (!n)
        return;
    printf(" %s", key);
    for (size_t i = 0; i < n; i++)
        printf(" \"%s\"", v[i]);
}

/* DEMOS "a" "b" ..., or with html only those that take --html (HTML_DEMOS). */
static void print_demos(const lab_t *lab, bool html)
{
    bool any = false;
    for (size_t i = 0; i < lab->n_demos; i++) {
        if (html && !lab->demos[i].html)
            continue;
        if (!any)
            printf(" %s", html ? "HTML_DEMOS" : "DEMOS");
        any = true;
        printf(" \"%s\"", lab->demos[i].name);
    }
}

int main(int argc, char **argv)
{
    char err[512];
    lab_set_t set;
    if (argc < 3 || strcmp(argv[1], "cmake") || strcmp(argv[2], "labs")) {
        fprintf(stderr, "usage: labtool cmake labs [<lab>...]\n");
        return 2;
    }
    const char *const *only = argc > 3 ? (const char *const *)argv + 3 : NULL;
    if (manifest_load_all(".", only, &set, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    for (size_t i = 0; i < set.n; i++) {
        const lab_t *lab = &set.labs[i];
        printf("undergo_add_lab(NAME %s PREFIX %s", lab->name, lab->prefix);
        print_list("SOURCES", lab->sources, lab->n_sources);
        print_list("NEEDS", lab->needs, lab->n_needs);
        print_demos(lab, false);
        print_demos(lab, true);
        if (lab->stub_passes)
            printf(" STUB_PASSES");
        printf(")\n");
    }
    manifest_set_free(&set);
    return 0;
}
