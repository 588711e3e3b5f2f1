/*
 * test_objcache.c — the object cache alone, without a compiler: a build
 * folder with a source, a header and the depfile a compile would write.
 */
#include <undergo/labtest.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "objcache.h"

typedef struct fixture {
    char dir[64];               /* holds build/ and bin/ */
    char build[128], bindir[128], obj[192], dep[192], out[192];
} fixture_t;

static const char *const args[] = {"/bin/true", "-O2", "-Ilabs/demo", "-c", "labs/demo/dm.c"};
#define NARGS (sizeof args / sizeof *args)

static void put(const fixture_t *fx, const char *rel, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", fx->build, rel);
    assert_int_equal(0, fsutil_write_atomic(path, text, strlen(text)));
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ug-objcache-XXXXXX");
    if (!fx || !mkdtemp(fx->dir))
        return -1;
    snprintf(fx->build, sizeof fx->build, "%s/build", fx->dir);
    snprintf(fx->bindir, sizeof fx->bindir, "%s/bin", fx->dir);
    snprintf(fx->obj, sizeof fx->obj, "%s/obj/dm.c.o", fx->build);
    snprintf(fx->dep, sizeof fx->dep, "%s/obj/dm.c.o.d", fx->build);
    snprintf(fx->out, sizeof fx->out, "%s/obj/hit.o", fx->build);
    char sub[160];
    snprintf(sub, sizeof sub, "%s/labs/demo", fx->build);
    fsutil_mkdirs(sub);
    snprintf(sub, sizeof sub, "%s/obj", fx->build);
    fsutil_mkdirs(sub);
    put(fx, "labs/demo/dm.c", "#include \"dm.h\"\nint dm(void) { return DM; }\n");
    put(fx, "labs/demo/dm.h", "#define DM 1\n");
    put(fx, "obj/dm.c.o", "OBJECT-1");
    char dep[512];
    snprintf(dep, sizeof dep, "%s: labs/demo/dm.c \\\n labs/demo/dm.h\n", fx->obj);
    put(fx, "obj/dm.c.o.d", dep);
    setenv("UNDERGO_OBJCACHE_TRUSTED", "1", 1);
    unsetenv("UNDERGO_OBJCACHE");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    fsutil_remove_tree(fx->dir);
    unsetenv("UNDERGO_OBJCACHE_TRUSTED");
    unsetenv("UNDERGO_OBJCACHE");
    free(fx);
    return 0;
}

static int lookup(const fixture_t *fx, const objcache_t *c, objcache_key_t *k)
{
    unlink(fx->out);
    return objcache_lookup(c, fx->build, args, NARGS, "labs/demo/dm.c", "labs/demo", fx->out, k);
}

static void expect_out(const fixture_t *fx, const char *want)
{
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(0, fsutil_read(fx->out, &data, &len));
    assert_string_equal(want, data);
    free(data);
}

/* A trusted store, then a lookup of the same bytes: the same object. */
static void store(const fixture_t *fx, objcache_t *c)
{
    objcache_key_t k;
    objcache_open(c, fx->bindir);
    assert_true(c->on && c->write);
    assert_int_equal(0, lookup(fx, c, &k));
    assert_int_equal(0, objcache_store(c, fx->build, &k, fx->obj, fx->dep));
}

static void test_a_stored_object_is_found_for_the_same_bytes(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    store(fx, &c);
    assert_int_equal(1, lookup(fx, &c, &k));
    expect_out(fx, "OBJECT-1");
}

static void test_a_changed_header_or_source_or_flag_is_a_miss(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    store(fx, &c);
    put(fx, "labs/demo/dm.h", "#define DM 2\n");
    assert_int_equal(0, lookup(fx, &c, &k));
    put(fx, "labs/demo/dm.h", "#define DM 1\n");
    assert_int_equal(1, lookup(fx, &c, &k));
    put(fx, "labs/demo/dm.c", "#include \"dm.h\"\nint dm(void) { return DM + 1; }\n");
    assert_int_equal(0, lookup(fx, &c, &k));
    put(fx, "labs/demo/dm.c", "#include \"dm.h\"\nint dm(void) { return DM; }\n");
    const char *other[] = {"/bin/true", "-O0", "-Ilabs/demo", "-c", "labs/demo/dm.c"};
    unlink(fx->out);
    assert_int_equal(0, objcache_lookup(&c, fx->build, other, NARGS, "labs/demo/dm.c",
                                        "labs/demo", fx->out, &k));
    put(fx, "labs/demo/new.h", "\n");   /* a file that could shadow a header */
    assert_int_equal(0, lookup(fx, &c, &k));
}

static void test_a_damaged_entry_is_removed_not_used(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    char path[PATH_MAX];
    store(fx, &c);
    assert_int_equal(1, lookup(fx, &c, &k)); /* k of the stored bytes */
    assert_int_equal(0, objcache_entry_path(&c, fx->build, &k, path, sizeof path));
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(0, fsutil_read(path, &data, &len));
    data[len - 1] ^= 1;                         /* one bit of the object */
    assert_int_equal(0, fsutil_write_atomic(path, data, len));
    free(data);
    assert_int_equal(0, lookup(fx, &c, &k));
    assert_false(fsutil_exists(path));
    assert_false(fsutil_exists(fx->out));
}

static void test_a_candidate_build_reads_but_never_writes(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    unsetenv("UNDERGO_OBJCACHE_TRUSTED");
    objcache_open(&c, fx->bindir);
    assert_true(c.on);
    assert_false(c.write);
    assert_int_equal(0, lookup(fx, &c, &k));
    assert_int_equal(0, objcache_store(&c, fx->build, &k, fx->obj, fx->dep));
    char dir[160];
    snprintf(dir, sizeof dir, "%s/objcache", fx->bindir);
    assert_false(fsutil_exists(dir));
    setenv("UNDERGO_OBJCACHE_TRUSTED", "1", 1);
    store(fx, &c);
    unsetenv("UNDERGO_OBJCACHE_TRUSTED");
    objcache_open(&c, fx->bindir);
    assert_int_equal(1, lookup(fx, &c, &k));
    expect_out(fx, "OBJECT-1");
}

static void test_a_linked_dependency_in_the_build_folder_is_a_miss(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    char h[PATH_MAX], real[PATH_MAX];
    store(fx, &c);
    snprintf(h, sizeof h, "%s/labs/demo/dm.h", fx->build);
    snprintf(real, sizeof real, "%s/real.h", fx->dir);
    assert_int_equal(0, fsutil_write_atomic(real, "#define DM 1\n", 13));
    assert_int_equal(0, unlink(h));
    assert_int_equal(0, symlink(real, h));
    assert_int_equal(0, lookup(fx, &c, &k));
}

static void test_objcache_0_turns_it_off(void **state)
{
    fixture_t *fx = *state;
    objcache_t c;
    objcache_key_t k;
    store(fx, &c);
    setenv("UNDERGO_OBJCACHE", "0", 1);
    objcache_open(&c, fx->bindir);
    assert_false(c.on);
    assert_int_equal(0, lookup(fx, &c, &k));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
/* clang-format off */
UG_TEST_GROUP(objcache, NULL, NULL,
    T(test_a_stored_object_is_found_for_the_same_bytes),
    T(test_a_changed_header_or_source_or_flag_is_a_miss),
    T(test_a_damaged_entry_is_removed_not_used),
    T(test_a_candidate_build_reads_but_never_writes),
    T(test_a_linked_dependency_in_the_build_folder_is_a_miss),
    T(test_objcache_0_turns_it_off));
/* clang-format on */
