/*
 * trace.c — the HTML trace of one cycle is written and stands alone.
 *
 * The page is the candidate's own design, so only what any such page must
 * hold is checked; the seed shapes the heap it shows.
 */
#include "fix.h"

#include <stdio.h>
#include <unistd.h>

/* The whole file at path, NUL-terminated, or NULL; the caller frees it.
 * Its length is the page's own, so it is not a checked value. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *s = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) != NULL) {
        if (fread(s, 1, (size_t)n, f) == (size_t)n) {
            s[n] = 0;
        } else {
            free(s);
            s = NULL;
        }
    }
    fclose(f);
    return s;
}

/* A cycle of a small seeded heap (the trace covers up to 64 objects),
 * recorded and written out. Recording must not change what is collected. */
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
    fix_write(&f, root, 1, fix_chain(&f, ug_rand_below(8), ug_rand_below(3)));
    uint8_t dead[64] = {0};
    size_t kept;
    fix_write(&f, root, 2, fix_clutter(&f, dead, &kept));
    uint64_t first = f.next_id;
    fix_chain(&f, 1 + ug_rand_below(8), ug_rand_below(3)); /* garbage */
    for (uint64_t id = first; id < f.next_id; id++)
        dead[id] = 1;
    assert_int_equal(0, gc_trace_start(f.h));
    assert_int_equal(0, gc_begin(f.h));
    fix_write(&f, a, 0, NULL);                     /* the barrier shades b */
    fix_finish(&f, 1 + ug_rand_below(3));
    char want[512], ids[512];
    fix_ids(want, sizeof want, dead, f.next_id);
    assert_string_equal(want, fix_freed_ids(&f, ids));

    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/gc-trace-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(0, gc_trace_html(f.h, path));
    char *html = slurp(path);
    unlink(path);
    if (!html)
        fail_msg("cannot read back the page gc_trace_html wrote");
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
