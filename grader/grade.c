/*
 * grade.c — one lab from binaries to score.
 *
 *   binaries   the tree's own (cmake --build, incremental) or a submission's
 *              (submission.c, in the sandbox)
 *   list       the test binary's --list must match the manifest's tests
 *   test       every selected test in its own sandboxed process, --jobs at
 *              a time, verdict from TAP on the pipe and the exit status
 *   bench      only when every test passed: candidate and reference bench
 *              binaries interleaved (C R, R C, C R, ...), so drift of the
 *              machine hits both sides alike; ratio = median of per-round
 *              candidate/reference ns/op
 *   score      score.c
 */
#include "grade.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "benchstat.h"
#include "fsutil.h"
#include "proc.h"
#include "sandbox.h"
#include "score.h"
#include "strbuf.h"
#include "submission.h"
#include "tap.h"
#include "text.h"

/* work/            this lab's private folder (0711: nobody may pass, not list)
 * work/build/      the submission's compile scratch; binaries in build/bin/
 * work/run/        the scratch dir of test and bench runs
 * A run sees build/bin/ read-only (as its binary's folder) and run/
 * writable: so tests cannot replace the binary the next test runs. */
typedef struct lab_bins {
    char *test, *cand_bench, *ref_bench;
    char work[256], build[300], scratch[300];
} lab_bins_t;

typedef struct job {
    const grade_opts_t *o;
    const lab_t *lab;
    const lab_bins_t *bins;
    lab_result_t *lr;
    pthread_mutex_t lock;   /* guards next, done and event delivery */
    size_t next, done;
} job_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void emit(const grade_opts_t *o, grade_event_t ev)
{
    if (o->on_event)
        o->on_event(&ev, o->ctx);
}

/* ---- sandbox specs ------------------------------------------------------------------ */

/* The lab's policy as a sandbox spec for running argv, one of its binaries,
 * with the scratch dir as home and TMPDIR; key, when not NULL, is the run's
 * "UG_RESULT_KEY=..." entry (see tap.h). The run sees no other path of the
 * host than its binary's folder: no sources, no reference. The environment
 * lives in thread-local storage until this thread's next call. */
static sandbox_spec_t run_spec(const lab_t *lab, const char *scratch, const char *const *argv,
                               const char *key)
{
    static __thread char home[512], tmp[512];
    static __thread const char *env[7];
    snprintf(home, sizeof home, "HOME=%s", scratch);
    snprintf(tmp, sizeof tmp, "TMPDIR=%s", scratch);
    env[0] = "PATH=/usr/local/bin:/usr/bin:/bin";
    env[1] = home;
    env[2] = tmp;
    env[3] = "LANG=C.UTF-8";
    /* In sanitizer builds: LeakSanitizer stops the world with ptrace, which
     * the sandbox forbids; leaks are not what the grader judges. */
    env[4] = "ASAN_OPTIONS=detect_leaks=0";
    env[5] = key;
    env[6] = NULL;
    return (sandbox_spec_t){
        .argv = argv, .envp = env, .cwd = scratch, .scratch_dir = scratch,
        .profile = SANDBOX_PROFILE_TEST,
        .network = lab->policy.loopback ? SANDBOX_NET_LOOPBACK : SANDBOX_NET_NONE,
        .io_uring = lab->policy.io_uring, .wall_s = lab->policy.wall_s,
        .cpu_s = lab->policy.cpu_s, .memory_bytes = lab->policy.memory_mb << 20,
        .pids = lab->policy.pids, .fsize_bytes = 256ULL << 20, .output_cap = 32 << 10,
    };
}

/* ---- verdicts ------------------------------------------------------------------------- */

/* cmocka turns SIGSEGV and friends into a failed test; that is a crash. */
static int crash_signal_in(const char *text)
{
    const char *p = text ? strstr(text, "Test failed with exception: ") : NULL;
    const char *paren = p ? strchr(p, '(') : NULL;
    return paren ? atoi(paren + 1) : 0;
}

static verdict_t verdict_of(const sandbox_result_t *res, const char *name, const char *key,
                            int *sig)
{
    *sig = 0;
    switch (res->status) {
    case SANDBOX_SECURITY: return VERDICT_SECURITY;
    case SANDBOX_MEMORY: return VERDICT_MEMORY;
    case SANDBOX_TIMEOUT_WALL:
    case SANDBOX_TIMEOUT_CPU: return VERDICT_TIMEOUT;
    case SANDBOX_OUTPUT_LIMIT: return VERDICT_OUTPUT_LIMIT;
    case SANDBOX_SIGNALED: *sig = res->signal; return VERDICT_CRASH;
    case SANDBOX_EXITED: break;
    }
    tap_outcome_t tap = tap_verdict(res->out.data ? res->out.data : "", res->out.len, name, key);
    if (tap == TAP_PASS && res->exit_code == 0)
        return VERDICT_PASS;
    if ((*sig = crash_signal_in(res->out.data)) || (*sig = crash_signal_in(res->err.data)))
        return VERDICT_CRASH;
    return VERDICT_FAIL;
}

static char *joined_output(const sandbox_result_t *res)
{
    strbuf_t sb = STRBUF_INIT;
    if (res->out.len)
        strbuf_add(&sb, res->out.data, res->out.len);
    if (res->err.len) {
        if (sb.len && sb.buf[sb.len - 1] != '\n')
            strbuf_adds(&sb, "\n");
        strbuf_add(&sb, res->err.data, res->err.len);
    }
    char *clean = text_clean(sb.buf ? sb.buf : "", sb.len);
    strbuf_release(&sb);
    return clean;
}

/* ---- running tests ---------------------------------------------------------------------- */

/* A fresh random key for one test process: "UG_RESULT_KEY=<32 hex>". */
static int result_key(char env[64], const char **key)
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return -EIO;
    int n = snprintf(env, 64, "UG_RESULT_KEY=");
    for (size_t i = 0; i < sizeof raw; i++)
        n += snprintf(env + n, 64 - (size_t)n, "%02x", raw[i]);
    *key = env + strlen("UG_RESULT_KEY=");
    return 0;
}

static void run_test(const job_t *j, test_result_t *t)
{
    char seed[32], key_env[64];
    const char *key = NULL;
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)t->seed);
    const char *argv[] = {j->bins->test, "--tap", "--run", t->name, "--seed", seed, NULL};
    int rc = result_key(key_env, &key);
    sandbox_spec_t spec = run_spec(j->lab, j->bins->scratch, argv, key_env);
    sandbox_result_t res;
    if (!rc)
        rc = sandbox_run(&spec, &res);
    if (rc) {
        t->verdict = VERDICT_INTERNAL_ERROR;
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "grader: cannot run the test in the sandbox: %s", strerror(-rc));
        t->output = strbuf_detach(&sb);
        return;
    }
    t->duration_s = res.wall_s;
    t->verdict = verdict_of(&res, t->name, key, &t->signal);
    t->output = joined_output(&res);
    sandbox_result_free(&res);
}

static void *test_worker(void *arg)
{
    job_t *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->lr->n_tests)
            return NULL;
        run_test(j, &j->lr->tests[i]);
        pthread_mutex_lock(&j->lock);
        j->done++;
        emit(j->o, (grade_event_t){.kind = GRADE_EV_TEST_DONE, .lab = j->lab, .lr = j->lr,
                                   .test = &j->lr->tests[i], .done = j->done,
                                   .total = j->lr->n_tests});
        pthread_mutex_unlock(&j->lock);
    }
}

static void run_tests(const grade_opts_t *o, const lab_t *lab, const lab_bins_t *bins,
                      lab_result_t *lr)
{
    job_t j = {.o = o, .lab = lab, .bins = bins, .lr = lr};
    pthread_mutex_init(&j.lock, NULL);
    int n = o->jobs > 0 ? o->jobs : 1;
    if ((size_t)n > lr->n_tests)
        n = (int)lr->n_tests;
    pthread_t th[64];
    int started = 0;
    for (; started < n && started < 64; started++)
        if (pthread_create(&th[started], NULL, test_worker, &j) != 0)
            break;
    if (started == 0)
        test_worker(&j);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&j.lock);
}

/* ---- binaries --------------------------------------------------------------------------- */

/* Creates work/, work/build/ and work/run/ (see lab_bins_t). Returns 0 or -errno. */
static int bins_init(const lab_t *lab, lab_bins_t *b)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(b->work, sizeof b->work, "%s/undergo-%s-XXXXXX", tmp, lab->name);
    if (!mkdtemp(b->work))
        return -errno;
    snprintf(b->build, sizeof b->build, "%s/build", b->work);
    snprintf(b->scratch, sizeof b->scratch, "%s/run", b->work);
    if (chmod(b->work, 0711) < 0 || mkdir(b->build, 0755) < 0 || mkdir(b->scratch, 0755) < 0)
        return -errno;
    return 0;
}

static void bins_free(lab_bins_t *b)
{
    if (b->work[0] && strstr(b->work, "undergo-"))
        fsutil_remove_tree(b->work);
    free(b->test);
    free(b->cand_bench);
    free(b->ref_bench);
}

static int set_failed(lab_result_t *lr, lab_status_t st, char *log)
{
    lr->status = st;
    free(lr->build_output);
    lr->build_output = log ? text_clean(log, strlen(log)) : NULL;
    free(log);
    return 0;
}

static char *bin_path(const char *dir, const char *lab, const char *what)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s_%s", dir, lab, what);
    return strbuf_detach(&sb);
}

/* The CMake targets grading lab needs: its test binary (the stub variant
 * for a submission, whose build links the same test library), and with
 * benchmarks its bench binary and the reference's. Returns how many (1..3). */
static size_t lab_targets(const grade_opts_t *o, const lab_t *lab, char t[3][256])
{
    const char *variant = o->submission ? "stub" : o->variant;
    size_t n = 0;
    snprintf(t[n++], 256, "%s_test_%s", lab->name, variant);
    if (lab->has_bench && o->bench) {
        snprintf(t[n++], 256, "%s_bench_%s", lab->name, variant);
        if (!o->handout)
            snprintf(t[n++], 256, "%s_bench_ref", lab->name);
    }
    return n;
}

/* Runs `cmake --build <bindir> --target ...` (trusted: the pristine tree).
 * Returns its exit status; *out gets what it printed (caller frees). */
static int cmake_targets(const grade_opts_t *o, const char *const *targets, size_t n, char **out)
{
    const char **argv = calloc(n + 5, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    size_t k = 0;
    argv[k++] = "cmake";
    argv[k++] = "--build";
    argv[k++] = o->bindir;
    argv[k++] = "--target";
    for (size_t i = 0; i < n; i++)
        argv[k++] = targets[i];
    int rc = proc_run(argv, NULL, out);
    free(argv);
    return rc;
}

/* Builds the tree's own targets of lab. Returns 0 or 1 with lr->status and
 * output set. */
static int cmake_build(const grade_opts_t *o, const lab_t *lab, lab_result_t *lr)
{
    char t[3][256];
    const char *targets[3];
    size_t n = lab_targets(o, lab, t);
    for (size_t i = 0; i < n; i++)
        targets[i] = t[i];
    char *out = NULL;
    int rc = cmake_targets(o, targets, n, &out);
    if (rc == 0) {
        free(out);
        return 0;
    }
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "grader: building lab '%s' failed (cmake exit %d)\n%s", lab->name, rc,
                out ? out : "");
    free(out);
    set_failed(lr, LAB_BUILD_ERROR, strbuf_detach(&sb));
    return 1;
}

int grade_build_all(const grade_opts_t *o, const lab_t *const *labs, size_t n)
{
    char (*t)[256] = calloc(3 * n + 1, sizeof *t);
    const char **targets = calloc(3 * n + 1, sizeof *targets);
    size_t k = 0;
    for (size_t i = 0; t && targets && i < n; i++) {
        size_t m = lab_targets(o, labs[i], &t[k]);
        for (size_t j = 0; j < m; j++, k++)
            targets[k] = t[k];
    }
    int rc = t && targets ? (k ? cmake_targets(o, targets, k, NULL) : 0) : -ENOMEM;
    free(t);
    free(targets);
    return rc;
}

/* Gets the binaries to grade. Returns 0 (check lr->status) or -errno. */
static int prepare_bins(const grade_opts_t *o, const lab_t *lab, lab_bins_t *b,
                        lab_result_t *lr)
{
    char bindir[4096], refdir[4096];
    snprintf(bindir, sizeof bindir, "%s/bin", o->bindir);
    snprintf(refdir, sizeof refdir, "%s/reference/bin", o->root);
    const char *variant = o->submission ? "stub" : o->variant;
    if (o->submission && !submission_has_lab(o->submission, lab)) {
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "the submission holds no file of lab '%s' (looked for labs/%s/%s)\n",
                    lab->name, lab->name, lab->editable[0]);
        set_failed(lr, LAB_NOT_SUBMITTED, strbuf_detach(&sb));
        return 0;
    }
    if (!o->built && cmake_build(o, lab, lr))
        return 0;
    if (lab->has_bench) {
        b->ref_bench = o->handout ? bin_path(refdir, lab->name, "bench")
                                  : bin_path(bindir, lab->name, "bench_ref");
    }
    if (!o->submission) {
        char t[64];
        snprintf(t, sizeof t, "test_%s", variant);
        b->test = bin_path(bindir, lab->name, t);
        snprintf(t, sizeof t, "bench_%s", variant);
        b->cand_bench = lab->has_bench ? bin_path(bindir, lab->name, t) : NULL;
        return 0;
    }
    submission_out_t so;
    int rc = submission_build(o, lab, b->build, &so);
    if (so.status != LAB_GRADED) {
        set_failed(lr, so.status, so.log);
        so.log = NULL;
    } else {
        b->test = so.test_bin;
        b->cand_bench = so.bench_bin;
        so.test_bin = so.bench_bin = NULL;
    }
    submission_out_free(&so);
    return rc;
}

/* ---- which tests ------------------------------------------------------------------------- */

/* Runs `test --list` in the sandbox; the names, one per line, in *names. */
static int list_tests(const lab_t *lab, const lab_bins_t *b, char **names, char **why)
{
    const char *argv[] = {b->test, "--list", NULL};
    sandbox_spec_t spec = run_spec(lab, b->scratch, argv, NULL);
    sandbox_result_t res;
    int rc = sandbox_run(&spec, &res);
    if (rc)
        return rc;
    if (res.status != SANDBOX_EXITED || res.exit_code != 0) {
        int sig;
        strbuf_t sb = STRBUF_INIT;
        verdict_t v = verdict_of(&res, "", NULL, &sig);
        strbuf_addf(&sb, "the test binary could not list its tests (%s",
                    verdict_name(v == VERDICT_PASS ? VERDICT_FAIL : v));
        if (sig)
            strbuf_addf(&sb, ", SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        else if (res.status == SANDBOX_EXITED)
            strbuf_addf(&sb, ", exit %d", res.exit_code);
        strbuf_addf(&sb, ")\n%s", res.err.data ? res.err.data : "");
        *why = strbuf_detach(&sb);
        sandbox_result_free(&res);
        return 1;
    }
    *names = res.out.data;
    res.out.data = NULL;
    sandbox_result_free(&res);
    return 0;
}

static bool listed(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; (p = strstr(p, name)); p += n)
        if ((p == names || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* Every listed test must be in the manifest (a test that is never graded
 * is a lab author's mistake worth stopping for). */
static int check_unlisted(const lab_t *lab, const char *names, strbuf_t *why)
{
    for (const char *p = names; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        bool found = n == 0;
        for (size_t i = 0; !found && i < lab->n_tests; i++)
            found = strlen(lab->tests[i].name) == n && !memcmp(lab->tests[i].name, p, n);
        if (!found) {
            strbuf_addf(why, "%s: test '%.*s' is not listed in the manifest\n", lab->path,
                        (int)n, p);
            return 1;
        }
        p = nl ? nl + 1 : p + n;
    }
    return 0;
}

static char *rerun_command(const grade_opts_t *o, const lab_bins_t *b, const lab_t *lab,
                           const test_result_t *t)
{
    strbuf_t sb = STRBUF_INIT;
    if (o->submission)
        strbuf_addf(&sb, "grader run %s --submission %s -run '^%s$' --seed %llu", lab->name,
                    o->submission, t->name, (unsigned long long)t->seed);
    else
        strbuf_addf(&sb, "%s --run %s --seed %llu", b->test, t->name,
                    (unsigned long long)t->seed);
    return strbuf_detach(&sb);
}

/* Appends the manifest's test mt to lr->tests (room for every manifest test
 * is allocated by the caller). Returns the new entry, or NULL when out of
 * memory. */
static test_result_t *add_test(const grade_opts_t *o, const lab_test_t *mt, lab_result_t *lr)
{
    test_result_t *t = &lr->tests[lr->n_tests++];
    t->name = strdup(mt->name);
    t->weight = mt->weight;
    t->hidden = mt->hidden;
    t->seed = o->seed;
    return t->name ? t : NULL;
}

/* Fills lr->tests with the manifest's tests that this run grades. Returns
 * 0, or 1 with lr failed when the binary and the manifest disagree. */
static int plan_tests(const grade_opts_t *o, const lab_t *lab, const lab_bins_t *b,
                      const char *names, lab_result_t *lr)
{
    strbuf_t why = STRBUF_INIT;
    if (check_unlisted(lab, names, &why)) {
        set_failed(lr, LAB_INTERNAL_ERROR, strbuf_detach(&why));
        return 1;
    }
    lr->tests = calloc(lab->n_tests ? lab->n_tests : 1, sizeof *lr->tests);
    if (!lr->tests)
        return -ENOMEM;
    for (size_t i = 0; i < lab->n_tests; i++) {
        const lab_test_t *mt = &lab->tests[i];
        if (!listed(names, mt->name)) {
            if (mt->hidden)
                continue;   /* a handout: hidden tests are not in this tree */
            strbuf_addf(&why, "%s: test '%s' is listed but the test binary has no such test\n",
                        lab->path, mt->name);
            set_failed(lr, LAB_INTERNAL_ERROR, strbuf_detach(&why));
            return 1;
        }
        if (o->filter && regexec(o->filter, mt->name, 0, NULL, 0) != 0)
            continue;
        test_result_t *t = add_test(o, mt, lr);
        if (!t || !(t->rerun = rerun_command(o, b, lab, t)))
            return -ENOMEM;
    }
    return 0;
}

/* ---- benchmarks ------------------------------------------------------------------------- */

/* "-bench" regex for the manifest's benchmarks: ^(A|B)$, or "." for all. */
static char *bench_regex(const lab_t *lab)
{
    strbuf_t sb = STRBUF_INIT;
    if (!lab->n_benchmarks)
        strbuf_adds(&sb, ".");
    for (size_t i = 0; i < lab->n_benchmarks; i++)
        strbuf_addf(&sb, "%s%s", i ? "|" : "^(", lab->benchmarks[i]);
    if (lab->n_benchmarks)
        strbuf_adds(&sb, ")$");
    return strbuf_detach(&sb);
}

static bench_result_t *bench_slot(lab_result_t *lr, const char *name, size_t rounds)
{
    for (size_t i = 0; i < lr->n_benches; i++)
        if (!strcmp(lr->benches[i].name, name))
            return &lr->benches[i];
    bench_result_t *grown = realloc(lr->benches, (lr->n_benches + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    lr->benches = grown;
    bench_result_t *s = &grown[lr->n_benches];
    memset(s, 0, sizeof *s);
    s->name = strdup(name);
    s->unit = strdup("ns/op");
    s->reference = calloc(rounds, sizeof *s->reference);
    s->candidate = calloc(rounds, sizeof *s->candidate);
    if (!s->name || !s->unit || !s->reference || !s->candidate)
        return NULL;
    lr->n_benches++;
    return s;
}

/* Runs one bench binary once in the sandbox. Returns 0 with *res filled
 * (the caller frees it), or a negative errno. */
static int bench_exec(const lab_t *lab, const lab_bins_t *b, const char *bin, bool candidate,
                      const char *benchtime, const char *count, sandbox_result_t *res)
{
    char *re = bench_regex(lab);
    const char *argv[] = {bin, "-bench", re, "-benchtime", benchtime, "-count", count,
                          "-variant", candidate ? "candidate" : "reference", NULL};
    sandbox_spec_t spec = run_spec(lab, b->scratch, argv, NULL);
    spec.wall_s = spec.cpu_s = 300;
    int rc = re ? sandbox_run(&spec, res) : -ENOMEM;
    free(re);
    return rc;
}

static bool bench_ok(const sandbox_result_t *res)
{
    return res->status == SANDBOX_EXITED && res->exit_code == 0;
}

/* Records the ns/op of each benchmark in set as the sample of this round. */
static int record_samples(const grade_opts_t *o, const benchstat_set_t *set, bool candidate,
                          size_t round, lab_result_t *lr)
{
    for (size_t i = 0; i < set->nresults; i++) {
        const benchstat_result_t *r = &set->results[i];
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)benchstat_name_base_len(r->name), r->name);
        for (size_t v = 0; v < r->nvalues; v++) {
            if (strcmp(r->values[v].unit, "ns/op"))
                continue;
            bench_result_t *s = bench_slot(lr, name, (size_t)o->bench_rounds);
            if (!s)
                return -ENOMEM;
            (candidate ? s->candidate : s->reference)[round] = r->values[v].value;
            if (s->n < round + 1)
                s->n = round + 1;
        }
    }
    return 0;
}

/* One round's run of one side. Returns 0, 1 when the binary failed (log
 * says why), or a negative errno. */
static int bench_once(const grade_opts_t *o, const lab_t *lab, const lab_bins_t *b,
                      const char *bin, bool candidate, size_t round, lab_result_t *lr,
                      strbuf_t *log)
{
    sandbox_result_t res;
    char err[256] = "";
    int rc = bench_exec(lab, b, bin, candidate, o->benchtime, "1", &res);
    if (rc)
        return rc;
    benchstat_set_t set = {0};
    FILE *f = res.out.len ? fmemopen(res.out.data, res.out.len, "r") : NULL;
    const char *side = candidate ? "candidate" : "reference";
    rc = !bench_ok(&res) || !f || benchstat_parse(f, side, &set, err, sizeof err) ? 1 : 0;
    if (f)
        fclose(f);
    if (rc)
        strbuf_addf(log, "%s benchmark run %zu failed: %s\n%s%s\n", side, round + 1, err,
                    res.err.data ? res.err.data : "", res.out.data ? res.out.data : "");
    else
        rc = record_samples(o, &set, candidate, round, lr);
    benchstat_set_free(&set);
    sandbox_result_free(&res);
    return rc;
}

/* Median over rounds of candidate/reference; a failed candidate scores the
 * floor (no performance points), a failed reference leaves it unmeasured. */
static void bench_ratios(const lab_t *lab, lab_result_t *lr, bool cand_failed)
{
    for (size_t i = 0; i < lr->n_benches; i++) {
        bench_result_t *s = &lr->benches[i];
        double *r = calloc(s->n ? s->n : 1, sizeof *r);
        size_t k = 0;
        for (size_t j = 0; r && j < s->n; j++)
            if (s->reference[j] > 0 && s->candidate[j] > 0)
                r[k++] = s->candidate[j] / s->reference[j];
        s->ratio = cand_failed ? lab->perf_floor : k ? score_median(r, k) : 0;
        free(r);
    }
}

static int run_benches(const grade_opts_t *o, const lab_t *lab, const lab_bins_t *b,
                       lab_result_t *lr)
{
    strbuf_t log = STRBUF_INIT;
    bool cand_failed = false, ref_failed = false;
    int rc = 0;
    for (int round = 0; round < o->bench_rounds && rc >= 0; round++) {
        bool cand_first = round % 2 == 0;
        for (int side = 0; side < 2 && rc >= 0; side++) {
            bool cand = (side == 0) == cand_first;
            rc = bench_once(o, lab, b, cand ? b->cand_bench : b->ref_bench, cand, (size_t)round,
                            lr, &log);
            if (rc == 1 && cand)
                cand_failed = true;
            else if (rc == 1)
                ref_failed = true;
        }
        emit(o, (grade_event_t){.kind = GRADE_EV_BENCH_ROUND, .lab = lab, .lr = lr,
                                .done = (size_t)round + 1, .total = (size_t)o->bench_rounds});
        if (cand_failed || ref_failed)
            break;
    }
    if (ref_failed) {
        for (size_t i = 0; i < lr->n_benches; i++)
            lr->benches[i].ratio = 0;
        strbuf_adds(&log, "grader: the reference benchmark failed; performance not measured\n");
    } else {
        bench_ratios(lab, lr, cand_failed);
    }
    if (cand_failed && !lr->n_benches && bench_slot(lr, "BenchmarkAll", 1))
        lr->benches[0].ratio = lab->perf_floor;
    if (log.len) {
        free(lr->build_output);
        lr->build_output = text_clean(log.buf, log.len);
    }
    strbuf_release(&log);
    return rc < 0 ? rc : 0;
}

/* ---- one lab ------------------------------------------------------------------------------ */

static int init_result(const lab_t *lab, lab_result_t *lr)
{
    memset(lr, 0, sizeof *lr);
    lr->name = strdup(lab->name);
    lr->title = strdup(lab->title);
    lr->question = strdup(lab->question);
    lr->points = lab->points;
    lr->perf_share = lab->has_bench ? lab->perf_share : 0;
    lr->perf_target = lab->perf_target;
    lr->perf_floor = lab->perf_floor;
    return lr->name && lr->title && lr->question ? 0 : -ENOMEM;
}

/* Every manifest test (visible ones when hidden tests are absent) with the
 * lab's verdict: a lab that did not build fails all of its tests. */
static int fail_all_tests(const grade_opts_t *o, const lab_t *lab, lab_result_t *lr)
{
    verdict_t v = lr->status == LAB_INTERNAL_ERROR ? VERDICT_INTERNAL_ERROR : VERDICT_BUILD_ERROR;
    lab_result_clear_tests(lr);   /* tests planned before the failure */
    lr->tests = calloc(lab->n_tests ? lab->n_tests : 1, sizeof *lr->tests);
    if (!lr->tests)
        return -ENOMEM;
    for (size_t i = 0; i < lab->n_tests; i++) {
        if (o->filter && regexec(o->filter, lab->tests[i].name, 0, NULL, 0) != 0)
            continue;
        test_result_t *t = add_test(o, &lab->tests[i], lr);
        if (!t)
            return -ENOMEM;
        t->verdict = v;
    }
    return 0;
}

static int grade_built(const grade_opts_t *o, const lab_t *lab, lab_bins_t *b, lab_result_t *lr)
{
    char *names = NULL, *why = NULL;
    int rc = list_tests(lab, b, &names, &why);
    if (rc == 1)
        return set_failed(lr, LAB_BUILD_ERROR, why);
    if (rc == 0)
        rc = plan_tests(o, lab, b, names, lr);
    free(names);
    if (rc || lr->status != LAB_GRADED)
        return rc < 0 ? rc : 0;
    run_tests(o, lab, b, lr);
    score_lab(lr);
    if (o->bench && lab->has_bench && lr->correctness >= 1.0 && b->cand_bench && b->ref_bench)
        rc = run_benches(o, lab, b, lr);
    return rc;
}

int grade_lab(const grade_opts_t *o, const lab_t *lab, lab_result_t *lr)
{
    double start = now_s();
    lab_bins_t b = {0};
    int rc = init_result(lab, lr);
    emit(o, (grade_event_t){.kind = GRADE_EV_LAB_START, .lab = lab, .lr = lr});
    if (!rc)
        rc = bins_init(lab, &b);
    if (!rc)
        rc = prepare_bins(o, lab, &b, lr);
    emit(o, (grade_event_t){.kind = GRADE_EV_BUILT, .lab = lab, .lr = lr});
    if (!rc && lr->status == LAB_GRADED)
        rc = grade_built(o, lab, &b, lr);
    if (rc < 0 && lr->status == LAB_GRADED) {
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "grader: cannot grade lab '%s': %s\n", lab->name, strerror(-rc));
        set_failed(lr, LAB_INTERNAL_ERROR, strbuf_detach(&sb));
    }
    if (lr->status != LAB_GRADED && fail_all_tests(o, lab, lr) < 0)
        rc = -ENOMEM;
    score_lab(lr);
    lr->duration_s = now_s() - start;
    bins_free(&b);
    emit(o, (grade_event_t){.kind = GRADE_EV_LAB_DONE, .lab = lab, .lr = lr});
    return rc;
}

/* ---- `grader bench` ----------------------------------------------------------------------- */

int grade_bench_series(const grade_opts_t *o, const lab_t *lab, int count,
                       void (*sink)(bool candidate, const char *text, void *ctx), void *ctx,
                       char **why)
{
    lab_bins_t b = {0};
    lab_result_t lr;
    *why = NULL;
    int rc = init_result(lab, &lr);
    if (!rc)
        rc = bins_init(lab, &b);
    if (!rc)
        rc = prepare_bins(o, lab, &b, &lr);
    if (!rc && lr.status != LAB_GRADED) {
        *why = lr.build_output;
        lr.build_output = NULL;
        rc = 1;
    }
    for (int i = 0; !rc && i < 2 * count; i++) {
        bool cand = (i % 2 == 0) == (i / 2 % 2 == 0);
        sandbox_result_t res;
        rc = bench_exec(lab, &b, cand ? b.cand_bench : b.ref_bench, cand, o->benchtime, "1",
                        &res);
        if (rc)
            break;
        if (!bench_ok(&res)) {
            strbuf_t sb = STRBUF_INIT;
            strbuf_addf(&sb, "the %s benchmark failed:\n%s", cand ? "candidate" : "reference",
                        res.err.data ? res.err.data : "");
            *why = strbuf_detach(&sb);
            rc = 1;
        } else {
            sink(cand, res.out.data ? res.out.data : "", ctx);
        }
        sandbox_result_free(&res);
    }
    bins_free(&b);
    free(lr.name);
    free(lr.title);
    free(lr.question);
    free(lr.build_output);
    return rc;
}
