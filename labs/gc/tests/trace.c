/*
 * trace.c — the HTML trace of one cycle is written and stands alone.
 */
#include "fix.h"

#include <stdio.h>
#include <unistd.h>

/* The whole file at path, NUL-terminated; the caller frees it. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(n, fread(s, 1, (size_t)n, f));
    s[n] = 0;
    fclose(f);
    return s;
}

static void test_trace_html_is_written_and_self_contained(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    node_t *a = fix_node(&f), *b = fix_node(&f);
    fix_write(&f, root, 0, a);
    fix_write(&f, a, 0, b);
    fix_node(&f);                                  /* garbage */
    assert_int_equal(0, gc_trace_start(f.h));
    assert_int_equal(0, gc_begin(f.h));
    fix_write(&f, a, 0, NULL);                     /* the barrier shades b */
    fix_finish(&f, 1);

    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/gc-trace-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(0, gc_trace_html(f.h, path));
    char *html = slurp(path);
    unlink(path);
    assert_non_null(strstr(html, "<html"));
    assert_non_null(strstr(html, "<script>"));
    assert_non_null(strstr(html, "barrier"));      /* the shading is among the frames */
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "href="));
    free(html);
    fix_close(&f);
}

UG_TEST_GROUP(gc_trace, NULL, NULL,
    cmocka_unit_test(test_trace_html_is_written_and_self_contained));
