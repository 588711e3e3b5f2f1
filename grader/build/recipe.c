/*
 * recipe.c — a lab's build recipe (see recipe.h).
 */
#include "recipe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

static int json_strings(json_t *arr, const char ***out, size_t *n)
{
    if (!json_is_array(arr))
        return -EINVAL;
    *n = json_array_size(arr);
    *out = calloc(*n + 1, sizeof **out);
    if (!*out)
        return -ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        (*out)[i] = json_string_value(json_array_get(arr, i));
        if (!(*out)[i])
            return -EINVAL;
    }
    return 0;
}

void recipe_free(recipe_t *r)
{
    for (size_t i = 0; i < r->n_staged; i++)
        free(r->staged[i]);
    free(r->staged);
    free(r->cflags);
    free(r->test_link);
    free(r->bench_link);
    json_decref(r->root);
    memset(r, 0, sizeof *r);
}

int recipe_load(const char *bindir, const char *lab, recipe_t *r, strbuf_t *log)
{
    char path[4096];
    json_error_t jerr;
    memset(r, 0, sizeof *r);
    snprintf(path, sizeof path, "%s/labs/%s/recipe.json", bindir, lab);
    r->root = json_load_file(path, 0, &jerr);
    int rc = r->root ? 0 : -ENOENT;
    if (!rc) {
        r->cc = json_string_value(json_object_get(r->root, "cc"));
        rc = r->cc ? 0 : -EINVAL;
    }
    if (!rc)
        rc = json_strings(json_object_get(r->root, "cflags"), &r->cflags, &r->n_cflags);
    if (!rc)
        rc = json_strings(json_object_get(r->root, "test_link"), &r->test_link, &r->n_test_link);
    if (!rc)
        rc = json_strings(json_object_get(r->root, "bench_link"), &r->bench_link,
                          &r->n_bench_link);
    if (rc) {
        strbuf_addf(log, "grader: cannot read build recipe '%s': %s\n", path,
                    r->root ? "malformed" : jerr.text);
        recipe_free(r);
    }
    return rc;
}

/* Copies the absolute library paths of args into scratch/lib. */
static int stage_line(recipe_t *r, const char *scratch, const char **args, size_t n)
{
    char dir[4200], dst[8192];
    snprintf(dir, sizeof dir, "%s/lib", scratch);
    int rc = fsutil_mkdirs(dir);
    for (size_t i = 0; !rc && i < n; i++) {
        struct stat st;
        const char *base = strrchr(args[i], '/');
        if (args[i][0] != '/' || !base || stat(args[i], &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        snprintf(dst, sizeof dst, "%s%s", dir, base);
        char **grown = realloc(r->staged, (r->n_staged + 1) * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        r->staged = grown;
        if (!(r->staged[r->n_staged] = strdup(dst)))
            return -ENOMEM;
        rc = fsutil_exists(dst) ? 0 : fsutil_copy(args[i], dst);
        args[i] = r->staged[r->n_staged++];
    }
    return rc;
}

bool recipe_sanitized(const recipe_t *r)
{
    for (size_t i = 0; i < r->n_cflags; i++)
        if (!strncmp(r->cflags[i], "-fsanitize=", 11))
            return true;
    return false;
}

int recipe_stage_libs(recipe_t *r, const char *scratch)
{
    int rc = stage_line(r, scratch, r->test_link, r->n_test_link);
    return rc ? rc : stage_line(r, scratch, r->bench_link, r->n_bench_link);
}
