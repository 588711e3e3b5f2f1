/*
 * submission.c — a candidate's editable files, compiled and linked against
 * the pristine tests, inside the sandbox.
 *
 * scratch/src   the pristine lab folder (without tests/ and bench/; support/
 *               included) with the candidate's editable files copied over it
 * scratch/obj   one object per lab source, each audited before linking
 * scratch/bin   test and bench binaries
 */
#include "submission.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "sandbox.h"
#include "strbuf.h"

#define MAX_SOURCE_BYTES (1 << 20)   /* a lab source beyond 1 MiB is not a solution */
#define MAX_LOG_LINES 40

typedef struct recipe {
    json_t *root;                    /* owns the strings below, but for staged paths */
    char **staged;                   /* library copies in scratch/lib, owned */
    size_t n_staged;
    const char *cc;
    const char **cflags, **test_link, **bench_link;
    size_t n_cflags, n_test_link, n_bench_link;
} recipe_t;

/* ---- the recipe ------------------------------------------------------------------ */

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

static void recipe_free(recipe_t *r)
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

static int recipe_load(const char *bindir, const char *lab, recipe_t *r, strbuf_t *log)
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

/* The compiler must not see the build tree: it holds the reference compiled
 * (lib<lab>_ref.a). So the libraries a link needs are copied into
 * scratch/lib and the link lines point there. Returns 0 or -errno. */
static int stage_libs(recipe_t *r, const char *scratch, const char **args, size_t n)
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

/* True when the recipe builds with a sanitizer (CI's ASan+UBSan build). */
static bool recipe_sanitized(const recipe_t *r)
{
    for (size_t i = 0; i < r->n_cflags; i++)
        if (!strncmp(r->cflags[i], "-fsanitize=", 11))
            return true;
    return false;
}

/* ---- the candidate's files --------------------------------------------------------- */

/* Opens dir/rel for reading without following any symlink below dir and
 * without leaving it (openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a
 * submission's labs/<lab> linked to another candidate's folder, or to a
 * system file, is not followed. Returns an fd or a negative errno. */
static int open_beneath(const char *dir, const char *rel)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                      RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
    int err = errno;
    close(dfd);
    return fd < 0 ? -err : fd;
}

int submission_open(const char *dir, const lab_t *lab, const char *file, const char **why)
{
    char rel[1024];
    *why = NULL;
    snprintf(rel, sizeof rel, "labs/%s/%s", lab->name, file);
    int fd = open_beneath(dir, rel);
    if (fd == -ENOENT) {
        snprintf(rel, sizeof rel, "%s/%s", lab->name, file);
        fd = open_beneath(dir, rel);
    }
    if (fd < 0) {
        *why = fd == -ENOENT ? "is missing" : fd == -ELOOP || fd == -EXDEV
                                                   ? "is reached through a symbolic link"
                                                   : "cannot be opened";
        return fd;
    }
    struct stat st;
    /* A hard link would let the grader, reading as root, copy a file the
     * submitter could not read (the compiler then quotes it). */
    *why = fstat(fd, &st) < 0 ? "cannot be read"
         : !S_ISREG(st.st_mode) ? "is not a regular file"
         : st.st_nlink != 1 ? "is a hard link"
         : st.st_size > MAX_SOURCE_BYTES ? "is larger than 1 MiB" : NULL;
    if (*why) {
        close(fd);
        return -EPERM;
    }
    return fd;
}

bool submission_has_lab(const char *dir, const lab_t *lab)
{
    for (size_t i = 0; i < lab->n_editable; i++) {
        const char *why;
        int fd = submission_open(dir, lab, lab->editable[i], &why);
        if (fd >= 0)
            close(fd);
        if (fd != -ENOENT)
            return true;    /* present, even if unusable: a build error, not absent */
    }
    return false;
}

static bool skip_tests_and_benches(const char *rel)
{
    return !strcmp(rel, "tests") || !strcmp(rel, "bench");
}

/* Copies the pristine lab, then the candidate's files over it. Returns 0,
 * 1 when the submission is unusable (status and log say why), or -errno. */
static int stage_sources(const grade_opts_t *o, const lab_t *lab, const char *src,
                         submission_out_t *out, strbuf_t *log)
{
    char pristine[4096], dst[8192];
    snprintf(pristine, sizeof pristine, "%s/%s", o->root, lab->dir);
    int rc = fsutil_copy_tree(pristine, src, skip_tests_and_benches);
    if (rc)
        return rc;
    if (!submission_has_lab(o->submission, lab)) {
        out->status = LAB_NOT_SUBMITTED;
        strbuf_addf(log, "the submission holds no file of lab '%s' (looked for labs/%s/%s)\n",
                    lab->name, lab->name, lab->editable[0]);
        return 1;
    }
    for (size_t i = 0; i < lab->n_editable; i++) {
        const char *why;
        int fd = submission_open(o->submission, lab, lab->editable[i], &why);
        if (fd >= 0) {
            snprintf(dst, sizeof dst, "%s/%s", src, lab->editable[i]);
            rc = fsutil_copy_fd(fd, dst);
            close(fd);
            why = rc ? strerror(-rc) : NULL;
        }
        if (why) {
            out->status = LAB_BUILD_ERROR;
            strbuf_addf(log, "submission file labs/%s/%s %s\n", lab->name, lab->editable[i], why);
            return 1;
        }
    }
    return 0;
}

/* ---- compiling in the sandbox ------------------------------------------------------ */

/* Keeps the first MAX_LOG_LINES lines of text: the first errors matter. */
static void add_first_lines(strbuf_t *log, const char *text)
{
    int lines = 0;
    const char *p = text;
    while (*p && lines < MAX_LOG_LINES) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        strbuf_add(log, p, n);
        p += n;
        lines++;
    }
    if (*p)
        strbuf_adds(log, "[... more compiler output cut ...]\n");
}

/* The public header folders of the recipe (include/ and libs/<name>/include/),
 * the only part of the source tree the compiler may see: never the lab
 * sources (the reference lives there) nor the build tree; the lab's own
 * files are already in scratch/src. Fills ro (NULL-terminated, pointers into
 * the recipe) and returns how many. */
static size_t header_dirs(const grade_opts_t *o, const recipe_t *r, const char **ro, size_t max)
{
    size_t n = 0, rootlen = strlen(o->root);
    for (size_t i = 0; i < r->n_cflags && n + 1 < max; i++) {
        const char *f = r->cflags[i];
        if (!strncmp(f, "-I", 2) && !strncmp(f + 2, o->root, rootlen) && f[2 + rootlen] == '/')
            ro[n++] = f + 2;
    }
    ro[n] = NULL;
    return n;
}

/* Runs one compiler command. Returns 0, 1 when it failed (log says why),
 * or a negative errno when the sandbox could not run it. */
static int sandboxed_cc(const grade_opts_t *o, const recipe_t *r, const char *scratch,
                        const char **argv, strbuf_t *log)
{
    const char *ro[16];
    header_dirs(o, r, ro, sizeof ro / sizeof ro[0]);
    sandbox_spec_t spec = {
        .argv = argv, .cwd = scratch, .scratch_dir = scratch, .ro_paths = ro,
        .profile = SANDBOX_PROFILE_COMPILE, .network = SANDBOX_NET_NONE,
        .wall_s = 120, .cpu_s = 120, .memory_bytes = 2ULL << 30, .pids = 64,
        .fsize_bytes = 256ULL << 20, .output_cap = 32 << 10,
    };
    sandbox_result_t res;
    int rc = sandbox_run(&spec, &res);
    if (rc)
        return rc;
    bool ok = res.status == SANDBOX_EXITED && res.exit_code == 0;
    if (!ok) {
        add_first_lines(log, res.err.data ? res.err.data : "");
        add_first_lines(log, res.out.data ? res.out.data : "");
        if (res.status == SANDBOX_TIMEOUT_WALL || res.status == SANDBOX_TIMEOUT_CPU)
            strbuf_adds(log, "grader: the compiler ran out of time\n");
        else if (res.status == SANDBOX_MEMORY)
            strbuf_adds(log, "grader: the compiler ran out of memory\n");
        else if (res.status == SANDBOX_SECURITY)
            strbuf_adds(log, "grader: the compiler was stopped by the sandbox\n");
        else if (res.status == SANDBOX_OUTPUT_LIMIT)
            strbuf_adds(log, "grader: the compiler wrote more than the size limit\n");
    }
    sandbox_result_free(&res);
    return ok ? 0 : 1;
}

/* argv = cc cflags -I src -c src/file -o obj/file.o */
static int compile_source(const grade_opts_t *o, const recipe_t *r, const char *scratch,
                          const char *file, char *obj, size_t objlen, strbuf_t *log)
{
    char src_inc[4200], src_file[4200];
    const char **argv = calloc(r->n_cflags + 8, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    snprintf(src_inc, sizeof src_inc, "-I%s/src", scratch);
    snprintf(src_file, sizeof src_file, "%s/src/%s", scratch, file);
    /* One flat folder of objects: support/pc_io.c becomes support-pc_io.c.o
     * (a lab's file names carry its prefix, so they cannot clash). */
    int at = snprintf(obj, objlen, "%s/obj/", scratch);
    snprintf(obj + at, objlen - (size_t)at, "%s.o", file);
    for (char *c = obj + at; *c; c++)
        if (*c == '/')
            *c = '-';
    size_t n = 0;
    argv[n++] = r->cc;
    for (size_t i = 0; i < r->n_cflags; i++)
        argv[n++] = r->cflags[i];
    argv[n++] = src_inc;
    argv[n++] = "-c";
    argv[n++] = src_file;
    argv[n++] = "-o";
    argv[n++] = obj;
    int rc = sandboxed_cc(o, r, scratch, argv, log);
    free(argv);
    return rc;
}

/* argv = cc -o out objs... link... */
static int link_binary(const grade_opts_t *o, const recipe_t *r, const char *scratch,
                       char **objs, size_t nobjs, const char **link, size_t nlink,
                       const char *out, strbuf_t *log)
{
    const char **argv = calloc(nobjs + nlink + 6, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    size_t n = 0;
    argv[n++] = r->cc;
    argv[n++] = "-o";
    argv[n++] = out;
    for (size_t i = 0; i < nobjs; i++)
        argv[n++] = objs[i];
    for (size_t i = 0; i < nlink; i++)
        argv[n++] = link[i];
    int rc = sandboxed_cc(o, r, scratch, argv, log);
    free(argv);
    return rc;
}

/* ---- the whole build ------------------------------------------------------------------ */

static int make_dirs(const char *scratch)
{
    static const char *const sub[] = {"src", "obj", "bin"};
    char path[4200];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", scratch, sub[i]);
        int rc = fsutil_mkdirs(path);
        if (rc)
            return rc;
    }
    return 0;
}

static bool is_editable(const lab_t *lab, const char *file)
{
    for (size_t i = 0; i < lab->n_editable; i++)
        if (!strcmp(lab->editable[i], file))
            return true;
    return false;
}

/* Compiles every lab source and audits the candidate's objects (the lab's
 * other sources are pristine support code). Returns 0, 1 on a compile
 * error or a rejected object, or a negative errno. */
static int compile_all(const grade_opts_t *o, const lab_t *lab, const recipe_t *r,
                       const char *scratch, char **objs, strbuf_t *log)
{
    for (size_t i = 0; i < lab->n_sources; i++) {
        char obj[4200], why[512];
        int rc = compile_source(o, r, scratch, lab->sources[i], obj, sizeof obj, log);
        if (rc)
            return rc;
        if (!(objs[i] = strdup(obj)))
            return -ENOMEM;
        if (is_editable(lab, lab->sources[i]) &&
            audit_object(obj, recipe_sanitized(r) ? AUDIT_SANITIZED : 0, why, sizeof why) != 0) {
            strbuf_addf(log, "labs/%s/%s: rejected: %s\n", lab->name, lab->sources[i], why);
            return 1;
        }
    }
    return 0;
}

static int build_binaries(const grade_opts_t *o, const lab_t *lab, const char *scratch,
                          submission_out_t *out, strbuf_t *log)
{
    recipe_t r;
    int rc = recipe_load(o->bindir, lab->name, &r, log);
    if (rc)
        return rc;
    rc = stage_libs(&r, scratch, r.test_link, r.n_test_link);
    if (!rc)
        rc = stage_libs(&r, scratch, r.bench_link, r.n_bench_link);
    if (rc) {
        recipe_free(&r);
        return rc;
    }
    char **objs = calloc(lab->n_sources + 1, sizeof *objs);
    char test_bin[4200], bench_bin[4200];
    snprintf(test_bin, sizeof test_bin, "%s/bin/%s_test", scratch, lab->name);
    snprintf(bench_bin, sizeof bench_bin, "%s/bin/%s_bench", scratch, lab->name);
    rc = objs ? compile_all(o, lab, &r, scratch, objs, log) : -ENOMEM;
    if (!rc)
        rc = link_binary(o, &r, scratch, objs, lab->n_sources, r.test_link, r.n_test_link,
                         test_bin, log);
    if (!rc && r.n_bench_link)
        rc = link_binary(o, &r, scratch, objs, lab->n_sources, r.bench_link, r.n_bench_link,
                         bench_bin, log);
    if (!rc) {
        out->test_bin = strdup(test_bin);
        out->bench_bin = r.n_bench_link ? strdup(bench_bin) : NULL;
        if (!out->test_bin || (r.n_bench_link && !out->bench_bin))
            rc = -ENOMEM;
    } else if (rc == 1) {
        out->status = LAB_BUILD_ERROR;
    }
    for (size_t i = 0; objs && i < lab->n_sources; i++)
        free(objs[i]);
    free(objs);
    recipe_free(&r);
    return rc;
}

int submission_build(const grade_opts_t *o, const lab_t *lab, const char *scratch,
                     submission_out_t *out)
{
    strbuf_t log = STRBUF_INIT;
    char src[4200];
    memset(out, 0, sizeof *out);
    snprintf(src, sizeof src, "%s/src", scratch);
    int rc = make_dirs(scratch);
    if (!rc)
        rc = stage_sources(o, lab, src, out, &log);
    if (!rc)
        rc = build_binaries(o, lab, scratch, out, &log);
    /* The staged libraries and objects are not needed to run the tests; the
     * candidate's code should not find them lying in its scratch dir. */
    char lib[4200], obj[4200];
    snprintf(lib, sizeof lib, "%s/lib", scratch);
    snprintf(obj, sizeof obj, "%s/obj", scratch);
    fsutil_remove_tree(lib);
    fsutil_remove_tree(obj);
    if (rc < 0) {
        out->status = LAB_INTERNAL_ERROR;
        strbuf_addf(&log, "grader: cannot build lab '%s': %s\n", lab->name, strerror(-rc));
    }
    out->log = strbuf_detach(&log);
    return rc < 0 ? rc : 0;
}

void submission_out_free(submission_out_t *out)
{
    free(out->log);
    free(out->test_bin);
    free(out->bench_bin);
    memset(out, 0, sizeof *out);
}
