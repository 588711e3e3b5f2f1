/*
 * test.c — the test stage (see test.h).
 *
 * Verdict of one test, strongest first:
 *   the trusted run failed                internal-error (a lab bug, never
 *                                         the candidate's)
 *   the candidate's run was stopped       security | memory | timeout |
 *                                         output-limit | crash
 *   it exited non-zero, or its transcript
 *   overflowed, or differs from the trusted one   fail
 *   otherwise                             pass
 * Whatever stopped a failing run, the first difference of the transcripts
 * (when there is one) is the test's `why`.
 */
#include "test.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "strbuf.h"
#include "text.h"
#include "transcript.h"

/* The reference's side of one test, cut out of the trusted run. */
typedef struct trusted {
    char *rec;              /* its transcript; NULL when the run gave none */
    int status;             /* the child's wait status; -1 unknown */
} trusted_t;

typedef struct job {
    const plan_t *p;
    const plan_lab_t *pl;
    const lab_bins_t *b;
    lab_result_t *lr;
    const events_t *ev;
    trusted_t *ref;         /* per test, filled by the trusted run */
    sandbox_result_t ref_run;   /* the trusted run itself */
    int ref_rc;             /* its sandbox_run() result */
    sandbox_result_t *cand; /* per test, the candidate's run */
    int *cand_rc;
    pthread_mutex_t lock;   /* guards next, done and event delivery */
    size_t next, done;
} job_t;

/* ---- one run -------------------------------------------------------------------- */

static verdict_t stopped_verdict(const sandbox_result_t *res, int *sig)
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
    return VERDICT_PASS;
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

/* Runs bin --transcript --run NAME --seed S in the sandbox. */
static int run_transcript(const job_t *j, const char *bin, const test_result_t *t,
                          sandbox_result_t *res)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)t->seed);
    const char *argv[] = {bin, "--transcript", "--run", t->name, "--seed", seed, NULL};
    run_env_t env;
    sandbox_spec_t spec = bins_run_spec(j->pl->lab, j->b, argv, &env);
    spec.record = true;
    return sandbox_run(&spec, res);
}

/* True when the reference passed the test: its child exited 0 and wrote a
 * whole transcript. */
static bool trusted_ok(const trusted_t *r)
{
    size_t n = r->rec ? strlen(r->rec) : 0;
    return r->status == 0 && n >= 2 && !strcmp(r->rec + n - 2, "E\n");
}

static void set_why(test_result_t *t, char *why)
{
    free(t->why);
    t->why = why ? text_clean(why, strlen(why)) : NULL;
    free(why);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, f);
    int n = vasprintf(&s, f, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

/* How a stopped run ended, for a person: "it then crashed (SIGSEGV)". */
static const char *stop_note(const test_result_t *t, char *buf, size_t len)
{
    if (t->verdict == VERDICT_CRASH)
        snprintf(buf, len, "; the test then crashed (SIG%s)",
                 sigabbrev_np(t->signal) ? sigabbrev_np(t->signal) : "?");
    else
        snprintf(buf, len, "; the test then hit the %s limit", verdict_name(t->verdict));
    return buf;
}

/* Decides t's verdict from the two runs. A check that gave another value
 * than the reference's is the cause of whatever followed it (code going on
 * after a wrong value often crashes or loops), so a run that differed and
 * then crashed or hit a limit fails, with both in `why`; the sandbox
 * stopping a forbidden call stays a security verdict. */
static void judge(test_result_t *t, const trusted_t *ref, const sandbox_result_t *cand)
{
    t->verdict = stopped_verdict(cand, &t->signal);
    size_t line = 0;
    bool differ = ug_transcript_diff(ref->rec, cand->rec.data ? cand->rec.data : "", &line);
    bool wrong_value = differ && line <= ug_transcript_lines(cand->rec.data ? cand->rec.data : "");
    char note[96] = "";
    if (wrong_value && t->verdict != VERDICT_PASS && t->verdict != VERDICT_SECURITY) {
        stop_note(t, note, sizeof note);
        t->verdict = VERDICT_FAIL;
        t->signal = 0;
    }
    if (t->verdict == VERDICT_PASS && (cand->exit_code != 0 || cand->rec.truncated || differ))
        t->verdict = VERDICT_FAIL;
    if (t->verdict == VERDICT_PASS)
        return;
    if (cand->rec.truncated) {
        set_why(t, fmt("the test's transcript passed its limit (%zu bytes)", cand->rec.len));
    } else if (differ) {
        char *e = ug_transcript_explain(ref->rec, cand->rec.data ? cand->rec.data : "");
        set_why(t, e ? fmt("%s%s", e, note) : NULL);
        free(e);
    } else if (t->verdict == VERDICT_FAIL) {
        set_why(t, fmt("every check agreed, but the test process exited with status %d",
                       cand->exit_code));
    }
}

/* Decides test i once both sides ran. */
static void decide(job_t *j, size_t i)
{
    test_result_t *t = &j->lr->tests[i];
    const trusted_t *ref = &j->ref[i];
    const sandbox_result_t *cand = &j->cand[i];
    if (j->ref_rc || j->cand_rc[i]) {
        int rc = j->ref_rc ? j->ref_rc : j->cand_rc[i];
        t->verdict = VERDICT_INTERNAL_ERROR;
        set_why(t, fmt("grader: cannot run the test in the sandbox: %s", strerror(-rc)));
    } else if (!trusted_ok(ref)) {
        t->verdict = VERDICT_INTERNAL_ERROR;
        set_why(t, fmt("the reference fails this test with seed %llu: a fault of the lab, not "
                       "of the code graded", (unsigned long long)t->seed));
        t->output = joined_output(&j->ref_run);
    } else {
        t->duration_s = cand->wall_s;
        judge(t, ref, cand);
        t->output = joined_output(cand);
    }
}

/* Runs the candidate's side of test i. */
static void run_candidate(job_t *j, size_t i)
{
    j->cand_rc[i] = run_transcript(j, j->b->test, &j->lr->tests[i], &j->cand[i]);
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
        run_candidate(j, i);
        pthread_mutex_lock(&j->lock);
        j->done++;
        events_emit(j->ev, (event_t){.kind = EV_TEST_RAN, .lab = j->pl->lab, .lr = j->lr,
                                     .done = j->done, .total = j->lr->n_tests});
        pthread_mutex_unlock(&j->lock);
    }
}

/* ---- the trusted side: one run for the whole lab ------------------------------ */

/* Cuts the trusted run's fd 3 ("T name", lines, "R status", ...) into
 * j->ref, by test name. */
static int split_trusted(job_t *j, char *all)
{
    trusted_t *cur = NULL;
    strbuf_t sb = STRBUF_INIT;
    for (char *line = all, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!strncmp(line, "T ", 2)) {
            cur = NULL;
            strbuf_release(&sb);
            for (size_t i = 0; i < j->lr->n_tests && !cur; i++)
                if (!strcmp(j->lr->tests[i].name, line + 2))
                    cur = &j->ref[i];
        } else if (!strncmp(line, "R ", 2) && cur) {
            cur->status = atoi(line + 2);
            cur->rec = strbuf_detach(&sb);
            if (!cur->rec && !(cur->rec = strdup("")))
                return -ENOMEM;
            cur = NULL;
        } else if (cur) {
            strbuf_adds(&sb, line);
            strbuf_adds(&sb, "\n");
        }
    }
    strbuf_release(&sb);
    return 0;
}

/* Runs the trusted binary once for every test of the run: `--transcript
 * --seed S --only NAME...`. */
static void *trusted_worker(void *arg)
{
    job_t *j = arg;
    size_t n = j->lr->n_tests;
    const char **argv = calloc(2 * n + 6, sizeof *argv);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)j->p->o.seed);
    if (!argv) {
        j->ref_rc = -ENOMEM;
        return NULL;
    }
    size_t k = 0;
    argv[k++] = j->b->trusted;
    argv[k++] = "--transcript";
    argv[k++] = "--seed";
    argv[k++] = seed;
    for (size_t i = 0; i < n; i++) {
        argv[k++] = "--only";
        argv[k++] = j->lr->tests[i].name;
    }
    run_env_t env;
    sandbox_spec_t spec = bins_run_spec(j->pl->lab, j->b, argv, &env);
    spec.record = true;
    spec.record_cap = 256u << 20;
    double per_test = spec.wall_s > 0 ? spec.wall_s : 10;
    spec.wall_s = spec.cpu_s = per_test * (double)(n ? n : 1) < 900 ? per_test * (double)n : 900;
    j->ref_rc = sandbox_run(&spec, &j->ref_run);
    if (!j->ref_rc && j->ref_run.rec.data)
        j->ref_rc = split_trusted(j, j->ref_run.rec.data);
    free(argv);
    return NULL;
}

/* The trusted run in a thread of its own while the workers run the
 * candidate's tests, --jobs at a time; then every test is decided. */
static int run_all(job_t *j)
{
    size_t n = j->lr->n_tests;
    j->ref = calloc(n + 1, sizeof *j->ref);
    j->cand = calloc(n + 1, sizeof *j->cand);
    j->cand_rc = calloc(n + 1, sizeof *j->cand_rc);
    if (!j->ref || !j->cand || !j->cand_rc)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        j->ref[i].status = -1;
    pthread_mutex_init(&j->lock, NULL);
    pthread_t ref_thread;
    bool ref_started = pthread_create(&ref_thread, NULL, trusted_worker, j) == 0;
    int jobs = j->p->o.jobs > 0 ? j->p->o.jobs : 1;
    if ((size_t)jobs > n)
        jobs = (int)n;
    pthread_t th[64];
    int started = 0;
    for (; started < jobs && started < 64; started++)
        if (pthread_create(&th[started], NULL, test_worker, j) != 0)
            break;
    if (started == 0)
        test_worker(j);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (ref_started)
        pthread_join(ref_thread, NULL);
    else
        trusted_worker(j);
    pthread_mutex_destroy(&j->lock);
    for (size_t i = 0; i < n; i++) {
        decide(j, i);
        events_emit(j->ev, (event_t){.kind = EV_TEST_DONE, .lab = j->pl->lab, .lr = j->lr,
                                     .test = &j->lr->tests[i], .done = i + 1, .total = n});
    }
    return 0;
}

static void job_free(job_t *j)
{
    for (size_t i = 0; j->ref && i < j->lr->n_tests; i++)
        free(j->ref[i].rec);
    for (size_t i = 0; j->cand && i < j->lr->n_tests; i++)
        sandbox_result_free(&j->cand[i]);
    sandbox_result_free(&j->ref_run);
    free(j->ref);
    free(j->cand);
    free(j->cand_rc);
}

/* ---- which tests ------------------------------------------------------------------ */

/* `trusted --list` in the sandbox; the names in *names. Returns 0, 1 with
 * *why set when the trusted binary cannot list (caller frees), or -errno. */
static int list_trusted(const plan_lab_t *pl, const lab_bins_t *b, char **names, char **why)
{
    const char *argv[] = {b->trusted, "--list", NULL};
    run_env_t env;
    sandbox_spec_t spec = bins_run_spec(pl->lab, b, argv, &env);
    sandbox_result_t res;
    int rc = sandbox_run(&spec, &res);
    if (rc)
        return rc;
    if (res.status != SANDBOX_EXITED || res.exit_code != 0) {
        *why = fmt("grader: the reference test binary %s could not list its tests (exit %d, "
                   "signal %d)\n%s", b->trusted, res.exit_code, res.signal,
                   res.err.data ? res.err.data : "");
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

/* The manifest and the trusted binary must agree: a test that is never
 * graded, or a graded test that does not exist, is a lab author's mistake.
 * Returns NULL, or a message (caller frees). */
static char *disagreement(const plan_t *p, const lab_t *lab, const char *names)
{
    for (const char *s = names; *s;) {
        size_t n = strcspn(s, "\n");
        bool found = n == 0;
        for (size_t i = 0; !found && i < lab->n_tests; i++)
            found = strlen(lab->tests[i].name) == n && !memcmp(lab->tests[i].name, s, n);
        if (!found)
            return fmt("%s: test '%.*s' is not listed in the manifest\n", lab->path, (int)n, s);
        s += n + (s[n] == '\n');
    }
    for (size_t i = 0; i < lab->n_tests; i++)
        if (!(p->o.handout && lab->tests[i].hidden) && !listed(names, lab->tests[i].name))
            return fmt("%s: test '%s' is in the manifest but not in the reference's test "
                       "binary\n", lab->path, lab->tests[i].name);
    return NULL;
}

/* The one command that reruns test t alone. */
static char *rerun_command(const plan_t *p, const lab_t *lab, const test_result_t *t)
{
    if (p->o.submission)
        return fmt("grader run %s --submission %s -run '^%s$' --seed %llu", lab->name,
                   p->o.submission, t->name, (unsigned long long)t->seed);
    if (p->o.handout)
        return fmt("%s/bin/%s_test --run %s --seed %llu", p->o.bindir, lab->name, t->name,
                   (unsigned long long)t->seed);
    return fmt("%s/bin/%s_test_%s --run %s --seed %llu", p->o.bindir, lab->name, p->o.variant,
               t->name, (unsigned long long)t->seed);
}

/* Fills lr->tests from the plan. Returns 0 or -ENOMEM. */
static int add_tests(const plan_t *p, const plan_lab_t *pl, lab_result_t *lr)
{
    lab_result_clear_tests(lr);
    lr->tests = calloc(pl->n_tests ? pl->n_tests : 1, sizeof *lr->tests);
    if (!lr->tests)
        return -ENOMEM;
    for (size_t i = 0; i < pl->n_tests; i++) {
        test_result_t *t = &lr->tests[lr->n_tests++];
        t->name = strdup(pl->tests[i]->name);
        t->weight = pl->tests[i]->weight;
        t->hidden = pl->tests[i]->hidden;
        t->seed = p->o.seed;
        t->rerun = t->name ? rerun_command(p, pl->lab, t) : NULL;
        if (!t->name || !t->rerun)
            return -ENOMEM;
    }
    return 0;
}

int test_fail_all(const plan_t *p, const plan_lab_t *pl, verdict_t v, lab_result_t *lr)
{
    int rc = add_tests(p, pl, lr);
    for (size_t i = 0; !rc && i < lr->n_tests; i++)
        lr->tests[i].verdict = v;
    return rc;
}

int test_lab(const plan_t *p, const plan_lab_t *pl, const lab_bins_t *b, lab_result_t *lr,
             const events_t *ev)
{
    char *names = NULL, *why = NULL;
    int rc = list_trusted(pl, b, &names, &why);
    if (rc == 0 && (why = disagreement(p, pl->lab, names)))
        rc = 1;
    free(names);
    if (rc == 1) {
        lr->status = LAB_INTERNAL_ERROR;
        free(lr->build_output);
        lr->build_output = why;
        return 0;
    }
    if (rc == 0)
        rc = add_tests(p, pl, lr);
    if (rc)
        return rc;
    job_t j = {.p = p, .pl = pl, .b = b, .lr = lr, .ev = ev};
    rc = run_all(&j);
    job_free(&j);
    return rc;
}
