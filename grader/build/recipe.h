/*
 * recipe.h — how to build a submission of one lab outside CMake.
 *
 * CMake writes <build>/labs/<lab>/recipe.json: the compiler, its flags and
 * the two link lines (tests, benchmarks) with every library path resolved.
 * The compiler must not see the build tree (it holds the reference
 * compiled), so recipe_stage_libs() copies the libraries a link names into
 * the compile scratch and points the link lines there.
 *
 * Interface: recipe_load → recipe_stage_libs → use the fields → recipe_free.
 */
#ifndef UNDERGO_RECIPE_H
#define UNDERGO_RECIPE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

typedef struct recipe {
    json_t *root;           /* owns the strings below, but for staged paths */
    char **staged;          /* library copies in scratch/lib, owned */
    size_t n_staged;
    const char *cc;
    const char **cflags, **test_link, **bench_link;
    size_t n_cflags, n_test_link, n_bench_link;
} recipe_t;

/* Reads the recipe of lab from bindir. Returns 0, or a negative errno with
 * one line added to log. */
int recipe_load(const char *bindir, const char *lab, recipe_t *r, strbuf_t *log);

/* Copies the libraries of both link lines into scratch/lib and rewrites
 * the lines. Returns 0 or -errno. */
int recipe_stage_libs(recipe_t *r, const char *scratch);

/* True when the recipe builds with a sanitizer (CI's ASan+UBSan build). */
bool recipe_sanitized(const recipe_t *r);

/* Frees the recipe. Can't fail. */
void recipe_free(recipe_t *r);

#endif
