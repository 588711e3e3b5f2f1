/*
 * compile.c — a submission built in the sandbox (see compile.h).
 *
 * build/labs/<lab>/   the pristine lab folder (without tests/, bench/ and
 *                     demo/) with the plan's staged editable files written
 *                     over it, so no byte of the reference is there
 * build/obj/          one object per lab source, each editable one audited
 * build/lib/          copies of the libraries the links name
 * build/bin/          the test and bench binaries
 *
 * The compiler runs with build/ as its working directory and the sources
 * named relative to it, so its messages say labs/iface/iface.c:136, the
 * path the candidate knows, and -ffile-prefix-map does the same for the
 * debug information sanitizer reports read.
 */
#include "compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "objcache.h"
#include "recipe.h"
#include "sandbox.h"
#include "strbuf.h"

#define MAX_LOG_LINES 40

/* ---- the sources ----------------------------------------------------------------- */

static bool skip_non_sources(const char *rel)
{
    return !strcmp(rel, "tests") || !strcmp(rel, "bench") || !strcmp(rel, "demo");
}

/* Copies the pristine lab, then the staged files over it. Returns 0 or -errno. */
static int stage_sources(const plan_t *p, const plan_lab_t *pl, const char *src)
{
    char pristine[PATH_MAX], dst[PATH_MAX + 256];
    snprintf(pristine, sizeof pristine, "%s/%s", p->o.root, pl->lab->dir);
    int rc = fsutil_copy_tree(pristine, src, skip_non_sources);
    for (size_t i = 0; !rc && i < pl->n_files; i++) {
        snprintf(dst, sizeof dst, "%s/%s", src, pl->files[i].name);
        rc = fsutil_write_atomic(dst, pl->files[i].data, pl->files[i].len);
    }
    return rc;
}

/* ---- the API an editable object may define --------------------------------------- */

/* The global names the reference defines, from <bindir>/labs/<lab>/api.txt
 * (nm output, written by CMake), else the handout's reference/<lab>.api.
 * NULL-terminated array of pointers into *text; NULL when neither exists. */
static const char **load_api(const plan_t *p, const lab_t *lab, char **text)
{
    char path[PATH_MAX];
    size_t len;
    snprintf(path, sizeof path, "%s/labs/%s/api.txt", p->o.bindir, lab->name);
    if (fsutil_read(path, text, &len) != 0) {
        snprintf(path, sizeof path, "%s/reference/%s.api", p->o.root, lab->name);
        if (fsutil_read(path, text, &len) != 0)
            return NULL;
    }
    size_t n = 0, cap = 64;
    const char **names = calloc(cap + 1, sizeof *names);
    for (char *line = *text, *next; names && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        /* "name T value size": a name and a one-letter type; skip "lib.a[x.o]:" */
        char *sp = strchr(line, ' ');
        if (!sp || sp[1] == '\0' || (sp[2] != ' ' && sp[2] != '\0'))
            continue;
        *sp = '\0';
        if (n == cap) {
            const char **grown = realloc(names, (cap * 2 + 1) * sizeof *names);
            if (!grown)
                break;
            names = grown;
            cap *= 2;
        }
        names[n++] = line;
        names[n] = NULL;
    }
    return names;
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
 * the only part of the source tree the compiler may see. Fills ro
 * (NULL-terminated, pointers into the recipe). */
static void header_dirs(const plan_t *p, const recipe_t *r, const char **ro, size_t max)
{
    size_t n = 0, rootlen = strlen(p->o.root);
    for (size_t i = 0; i < r->n_cflags && n + 1 < max; i++) {
        const char *f = r->cflags[i];
        if (!strncmp(f, "-I", 2) && !strncmp(f + 2, p->o.root, rootlen) && f[2 + rootlen] == '/')
            ro[n++] = f + 2;
    }
    ro[n] = NULL;
}

/* Runs one compiler command in build/. Returns 0, 1 when it failed (log
 * says why), or a negative errno when the sandbox could not run it.
 * Warnings of a command that succeeded go to warn. */
static int sandboxed_cc(const plan_t *p, const recipe_t *r, const char *build, const char **argv,
                        strbuf_t *log, strbuf_t *warn)
{
    const char *ro[16];
    header_dirs(p, r, ro, sizeof ro / sizeof ro[0]);
    sandbox_spec_t spec = {
        .argv = argv, .cwd = build, .scratch_dir = build, .ro_paths = ro,
        .profile = SANDBOX_PROFILE_COMPILE, .network = SANDBOX_NET_NONE,
        .wall_s = 120, .cpu_s = 120, .memory_bytes = 2ULL << 30, .pids = 64,
        .fsize_bytes = 256ULL << 20, .output_cap = 32 << 10,
    };
    sandbox_result_t res;
    int rc = sandbox_run(&spec, &res);
    if (rc)
        return rc;
    bool ok = res.status == SANDBOX_EXITED && res.exit_code == 0;
    if (ok && res.err.len && warn->len < 64 << 10)
        add_first_lines(warn, res.err.data);
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

/* cc cflags -ffile-prefix-map=build/= -Ilabs/<lab> -c labs/<lab>/<file> -o obj/<file>.o */
static int compile_source(const plan_t *p, const recipe_t *r, const objcache_t *cache,
                          const lab_t *lab, const char *build, const char *file, char *obj,
                          size_t objlen, strbuf_t *log, strbuf_t *warn)
{
    char map[PATH_MAX + 32], inc[PATH_MAX], src[PATH_MAX], dep[PATH_MAX + 80];
    const char **argv = calloc(r->n_cflags + 14, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    snprintf(map, sizeof map, "-ffile-prefix-map=%s/=", build);
    snprintf(inc, sizeof inc, "-I%s", lab->dir);
    snprintf(src, sizeof src, "%s/%s", lab->dir, file);
    /* One flat folder of objects: support/pc_io.c becomes support-pc_io.c.o
     * (a lab's file names carry its prefix, so they cannot clash). */
    int at = snprintf(obj, objlen, "%s/obj/", build);
    snprintf(obj + at, objlen - (size_t)at, "%s.o", file);
    for (char *c = obj + at; *c; c++)
        if (*c == '/')
            *c = '-';
    snprintf(dep, sizeof dep, "%s.d", obj);
    /* The arguments that decide the object come first: they are the
     * cache's key; the rest name the build folder, which differs per run. */
    size_t n = 0;
    argv[n++] = r->cc;
    for (size_t i = 0; i < r->n_cflags; i++)
        argv[n++] = r->cflags[i];
    argv[n++] = inc;
    argv[n++] = "-c";
    argv[n++] = src;
    size_t nkey = n;
    objcache_key_t key;
    if (objcache_lookup(cache, build, argv, nkey, src, lab->dir, obj, &key)) {
        free(argv);
        return 0;
    }
    argv[n++] = map;
    argv[n++] = "-o";
    argv[n++] = obj;
    if (cache->write) {
        argv[n++] = "-MD";
        argv[n++] = "-MF";
        argv[n++] = dep;
    }
    int rc = sandboxed_cc(p, r, build, argv, log, warn);
    if (rc == 0 && cache->write)
        objcache_store(cache, build, &key, obj, dep);
    free(argv);
    return rc;
}

/* cc -o out objs... link... */
static int link_binary(const plan_t *p, const recipe_t *r, const char *build, char **objs,
                       size_t nobjs, const char **link, size_t nlink, const char *out,
                       strbuf_t *log)
{
    const char **argv = calloc(nobjs + nlink + 6, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    strbuf_t ignored = STRBUF_INIT;
    size_t n = 0;
    argv[n++] = r->cc;
    argv[n++] = "-o";
    argv[n++] = out;
    for (size_t i = 0; i < nobjs; i++)
        argv[n++] = objs[i];
    for (size_t i = 0; i < nlink; i++)
        argv[n++] = link[i];
    int rc = sandboxed_cc(p, r, build, argv, log, &ignored);
    strbuf_release(&ignored);
    free(argv);
    return rc;
}

/* ---- the whole build ------------------------------------------------------------------ */

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
static int compile_all(const plan_t *p, const lab_t *lab, const recipe_t *r, const char *build,
                       char **objs, strbuf_t *log, strbuf_t *warn)
{
    char *api_text = NULL;
    const char **api = load_api(p, lab, &api_text);
    audit_rules_t rules = {.flags = recipe_sanitized(r) ? AUDIT_SANITIZED : 0,
                           .api = api,
                           .prefix = lab->prefix,
                           .test_only = lab->test_only,
                           .n_test_only = lab->n_test_only};
    objcache_t cache;
    objcache_open(&cache, p->o.bindir);
    int rc = 0;
    for (size_t i = 0; !rc && i < lab->n_sources; i++) {
        char obj[PATH_MAX + 64], why[PATH_MAX + 512]; /* the reason comes after the path */
        rc = compile_source(p, r, &cache, lab, build, lab->sources[i], obj, sizeof obj, log, warn);
        if (!rc && !(objs[i] = strdup(obj)))
            rc = -ENOMEM;
        if (!rc && is_editable(lab, lab->sources[i]) &&
            audit_object(obj, &rules, why, sizeof why) != 0) {
            /* The audit names the object; the candidate knows the source. */
            const char *reason = strstr(why, ".o: ") ? strstr(why, ".o: ") + 4 : why;
            strbuf_addf(log, "labs/%s/%s: rejected: %s\n", lab->name, lab->sources[i], reason);
            rc = 1;
        }
    }
    free(api);
    free(api_text);
    return rc;
}

static int make_dirs(const char *build)
{
    static const char *const sub[] = {"obj", "bin"};
    char path[PATH_MAX + 8];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", build, sub[i]);
        int rc = fsutil_mkdirs(path);
        if (rc)
            return rc;
    }
    return 0;
}

static int build_binaries(const plan_t *p, const lab_t *lab, lab_bins_t *b, strbuf_t *log,
                          strbuf_t *warn)
{
    recipe_t r;
    int rc = recipe_load(p->o.bindir, lab->name, &r, log);
    if (rc)
        return rc;
    rc = recipe_stage_libs(&r, b->build);
    char **objs = calloc(lab->n_sources + 1, sizeof *objs);
    char test_bin[PATH_MAX + 64], bench_bin[PATH_MAX + 64];
    snprintf(test_bin, sizeof test_bin, "%s/bin/%s_graded", b->build, lab->name);
    snprintf(bench_bin, sizeof bench_bin, "%s/bin/%s_bench", b->build, lab->name);
    if (!rc)
        rc = objs ? compile_all(p, lab, &r, b->build, objs, log, warn) : -ENOMEM;
    if (!rc)
        rc = link_binary(p, &r, b->build, objs, lab->n_sources, r.test_link, r.n_test_link,
                         test_bin, log);
    if (!rc && r.n_bench_link)
        rc = link_binary(p, &r, b->build, objs, lab->n_sources, r.bench_link, r.n_bench_link,
                         bench_bin, log);
    if (!rc) {
        b->test = strdup(test_bin);
        b->cand_bench = r.n_bench_link ? strdup(bench_bin) : NULL;
        if (!b->test || (r.n_bench_link && !b->cand_bench))
            rc = -ENOMEM;
    }
    for (size_t i = 0; objs && i < lab->n_sources; i++)
        free(objs[i]);
    free(objs);
    recipe_free(&r);
    return rc;
}

int compile_submission(const plan_t *p, const plan_lab_t *pl, lab_bins_t *b, compile_out_t *out)
{
    strbuf_t log = STRBUF_INIT, warn = STRBUF_INIT;
    char src[PATH_MAX + 64];
    memset(out, 0, sizeof *out);
    snprintf(src, sizeof src, "%s/%s", b->build, pl->lab->dir);
    int rc = make_dirs(b->build);
    if (!rc)
        rc = stage_sources(p, pl, src);
    if (!rc)
        rc = build_binaries(p, pl->lab, b, &log, &warn);
    /* The staged libraries, objects and sources are not needed to run the
     * tests; the candidate's code should not find them in its scratch dir. */
    static const char *const leftovers[] = {"lib", "obj", "labs"};
    for (size_t i = 0; i < 3; i++) {
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s/%s", b->build, leftovers[i]);
        fsutil_remove_tree(dir);
    }
    out->status = rc == 0 ? LAB_GRADED : rc == 1 ? LAB_BUILD_ERROR : LAB_INTERNAL_ERROR;
    if (rc < 0)
        strbuf_addf(&log, "grader: cannot build lab '%s': %s\n", pl->lab->name, strerror(-rc));
    out->log = strbuf_detach(&log);
    out->warnings = warn.len ? strbuf_detach(&warn) : NULL;
    strbuf_release(&warn);
    return rc < 0 ? rc : 0;
}

void compile_out_free(compile_out_t *out)
{
    free(out->log);
    free(out->warnings);
    memset(out, 0, sizeof *out);
}
