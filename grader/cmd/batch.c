/*
 * cmd_batch.c — `grader batch <dir> --record <db>`: grade every
 * submission in a folder into the results history, resumably.
 *
 * Each subfolder of dir is one candidate (the folder name is its id). Each
 * is graded by a separate `grader run --submission <sub> --json <tmp>` —
 * this very binary, through /proc/self/exe — so candidates share nothing
 * but the machine; up to --jobs of them at once. The batch process alone
 * writes the history: when a child finishes, its JSON is read back and
 * recorded together with the candidate's "done" in one transaction.
 *
 * Sharding: --shard K/N grades only the candidates whose id falls in
 * slice K of N (history_shard: a hash of the id, so adding a candidate
 * moves no one), typically into a history file of the shard's own, one
 * cluster task each; `grader merge` combines the files afterwards.
 *
 * Resuming: the batch of a folder stays open until every candidate is
 * done. Started again (after a crash, a kill, a failed candidate), it
 * picks the open batch up and grades only the candidates not yet done, so
 * no run is lost or counted twice. A candidate whose id already names
 * another submission in the history is refused, marked failed, and the
 * others go on.
 *
 * Exit codes: 0 every candidate recorded; 1 some could not be graded or
 * recorded, or the database is unusable; 2 usage (missing folder, bad
 * option, unknown lab).
 *
 * Interface: cmd_batch(argc, argv).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "history.h"
#include "plan.h"
#include "progress.h"
#include "report.h"
#include "sandbox.h"

typedef struct batch_args {
    const char *dir, *db, *rounds;
    long long jobs;
    bool bench;
    unsigned shard, shards; /* --shard k/n; shards 0: all candidates */
    char **labs;
    int n_labs;
    cli_args_t cli; /* owns labs */
} batch_args_t;

typedef struct candidate {
    char *id, *path;
    char sha256[PLAN_SHA256_HEX + 1];
    pid_t pid;              /* while its grader run is running */
    bool todo;
} candidate_t;

typedef struct batch {
    batch_args_t a;
    history_t *h;
    int64_t id;
    char work[1024];        /* the children's JSON reports and logs */
    candidate_t *c;
    size_t n, todo, finished, failed, running;
    double start;
    progress_t prog;
} batch_t;

/* ---- arguments and candidates ----------------------------------------------------------- */

/* Parses argv; returns 0, CLI_HELP, or an exit code. */
static int batch_parse(int argc, char **argv, batch_args_t *a)
{
    memset(a, 0, sizeof *a);
    int rc = cli_parse(&cli_batch, argc, argv, &a->cli);
    if (rc)
        return rc;
    const char **v = a->cli.val;
    a->db = v[BATCH_RECORD];
    a->jobs = cli_get_num(&cli_batch, &a->cli, BATCH_JOBS);
    a->rounds = v[BATCH_BENCH_ROUNDS];
    a->bench = !v[BATCH_NO_BENCH];
    if (v[BATCH_SHARD] && !history_parse_shard(v[BATCH_SHARD], &a->shard, &a->shards))
        return cli_usage(&cli_batch,
                         "--shard takes <k>/<n> with 0 <= k < n <= %d, as 0/4; not '%s'",
                         HISTORY_MAX_SHARDS, v[BATCH_SHARD]);
    a->dir = a->cli.n_pos ? a->cli.pos[0] : NULL;
    a->labs = a->cli.pos + (a->dir ? 1 : 0);
    a->n_labs = a->dir ? a->cli.n_pos - 1 : 0;
    if (!a->dir || !a->db)
        return cli_usage(&cli_batch, "%s",
                         a->dir ? "--record <db> is required"
                                : "which folder? name the submissions' folder");
    return 0;
}

static int by_id(const void *x, const void *y)
{
    return strcmp(((const candidate_t *)x)->id, ((const candidate_t *)y)->id);
}

/* Appends a candidate; takes path. Returns 0 or -ENOMEM. */
static int batch_push(candidate_t **c, size_t *n, size_t *cap, const char *id, char *path)
{
    if (*n == *cap) {
        size_t want = *cap ? 2 * *cap : 16;
        candidate_t *grown = reallocarray(*c, want, sizeof **c);
        if (!grown) {
            free(path);
            return -ENOMEM;
        }
        *c = grown;
        *cap = want;
    }
    (*c)[(*n)++] = (candidate_t){.id = strdup(id), .path = path};
    return (*c)[*n - 1].id ? 0 : -ENOMEM;
}

/* Every subfolder of dir (not hidden) in the shard asked for, sorted.
 * Returns an exit code. */
static int batch_scan(const char *dir, const batch_args_t *a, candidate_t **out, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0, seen = 0; /* seen: candidates of the other shards */
    int rc = 0;
    *out = NULL;
    *n = 0;
    if (!d) {
        cli_error(NULL, "cannot open batch folder '%s': %s", dir, strerror(errno));
        return EXIT_USAGE;
    }
    while (!rc && (e = readdir(d)) != NULL) {
        struct stat st;
        char *path;
        if (e->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            continue;
        bool mine = !a->shards || history_shard(e->d_name, a->shards) == a->shard;
        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(path);
        } else if (!mine) {
            seen++;
            free(path);
        } else {
            rc = batch_push(out, n, &cap, e->d_name, path);
        }
    }
    closedir(d);
    if (rc) {
        cli_error(NULL, "out of memory");
        return EXIT_CANNOT_GRADE;
    }
    if (*n == 0 && seen == 0) {
        cli_error("each candidate's submission is a subfolder: <dir>/<id>/labs/<lab>/...",
                  "no submissions in '%s'", dir);
        return EXIT_USAGE;
    }
    if (a->shards)
        fprintf(stderr, "grader: shard %u/%u: %zu of the %zu candidates in '%s'\n", a->shard,
                a->shards, *n, *n + seen, dir);
    if (*n) /* a shard may hold no one: then *out is NULL, which qsort may not take */
        qsort(*out, *n, sizeof **out, by_id);
    return 0;
}

static void batch_free(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->c[i].id);
        free(b->c[i].path);
    }
    free(b->c);
    history_close(b->h);
    cli_args_free(&b->a.cli);
}

/* ---- progress --------------------------------------------------------------------------- */

static void batch_progress(batch_t *b, const candidate_t *c, const char *what)
{
    double el = progress_clock() - b->start;
    size_t left = b->todo - b->finished - b->failed, n = b->finished + b->failed, w = 24;
    size_t fill = b->todo ? w * n / b->todo : w;
    char bar[32], eta[32] = "--:--";
    memset(bar, '#', fill);
    memset(bar + fill, '.', w - fill);
    bar[w] = '\0';
    if (n > 0) {
        long s = (long)(el / (double)n * (double)left + 0.5);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    fprintf(b->prog.f, "%s[%s] %zu/%zu  ETA %s  %s%s%s%s", b->prog.tty ? "\r\033[K" : "", bar,
            n, b->todo, eta, c ? c->id : "", c ? " " : "", what, b->prog.tty ? "" : "\n");
    fflush(b->prog.f);
}

/* ---- running one candidate -------------------------------------------------------------- */

static void child_exec(const batch_t *b, const candidate_t *c)
{
    const char *argv[80];
    char json[PATH_MAX], log[PATH_MAX];
    int n = 0;
    snprintf(json, sizeof json, "%s/%.255s.json", b->work, c->id);
    snprintf(log, sizeof log, "%s/%.255s.log", b->work, c->id);
    argv[n++] = "grader";
    argv[n++] = "run";
    argv[n++] = "--submission";
    argv[n++] = c->path;
    argv[n++] = "--json";
    argv[n++] = json;
    if (!b->a.bench)
        argv[n++] = "--no-bench";
    if (b->a.rounds) {
        argv[n++] = "--bench-rounds";
        argv[n++] = b->a.rounds;
    }
    for (int i = 0; i < b->a.n_labs && n < 78; i++)
        argv[n++] = b->a.labs[i];
    argv[n] = NULL;
    /* The child dies with the batch, so a killed batch leaves no stray run;
     * SIGTERM, so the child removes its scratch folders first. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
    }
    execv("/proc/self/exe", (char **)argv);
    dprintf(STDERR_FILENO, "grader: cannot run /proc/self/exe: %s\n", strerror(errno));
    _exit(127);
}

static int batch_spawn(batch_t *b, candidate_t *c)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0)
        child_exec(b, c);
    c->pid = pid;
    b->running++;
    return 0;
}

static void batch_failed(batch_t *b, candidate_t *c, const char *why)
{
    b->failed++;
    history_batch_fail(b->h, b->id, c->id, why);
    if (b->prog.tty)
        fputs("\r\033[K", b->prog.f);
    cli_error(NULL, "candidate '%s': %s", c->id, why);
}

/* A child has finished: record its run, or say why not. */
static void batch_collect(batch_t *b, candidate_t *c, int status)
{
    char json[PATH_MAX], why[PATH_MAX + 128], err[1024];
    run_result_t r;
    int64_t run_id;
    snprintf(json, sizeof json, "%s/%.255s.json", b->work, c->id);
    c->pid = 0;
    b->running--;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, sizeof why, "grader run %s %d; its output is in %s/%s.log",
                 WIFEXITED(status) ? "exited with" : "was killed by signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), b->work, c->id);
        batch_failed(b, c, why);
        return;
    }
    if (report_read_json(json, &r, err, sizeof err)) {
        batch_failed(b, c, err);
        return;
    }
    int rc = history_record(b->h, c->id, c->sha256, &r, b->id, &run_id);
    if (rc) {
        batch_failed(b, c, history_error(b->h));
    } else {
        char what[96];
        b->finished++;
        snprintf(what, sizeof what, "%.2f / %.2f (run %lld)", r.score, r.max, (long long)run_id);
        batch_progress(b, c, what);
        unlink(json);
        snprintf(json, sizeof json, "%s/%.255s.log", b->work, c->id);
        unlink(json);
    }
    run_result_free(&r);
}

static candidate_t *find_pid(batch_t *b, pid_t pid)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->c[i].pid == pid)
            return &b->c[i];
    return NULL;
}

/* Runs the candidates still to do, jobs at a time. */
static void batch_loop(batch_t *b)
{
    size_t next = 0;
    for (;;) {
        while (b->running < (size_t)b->a.jobs && next < b->n) {
            candidate_t *c = &b->c[next++];
            if (c->todo && batch_spawn(b, c) < 0)
                batch_failed(b, c, "cannot start grader run");
        }
        if (b->running == 0)
            return;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            return;     /* ECHILD: nothing left to wait for */
        candidate_t *c = find_pid(b, pid);
        if (c)
            batch_collect(b, c, status);
    }
}

/* ---- the batch -------------------------------------------------------------------------- */

/* Decides who is to be graded: not done in this batch, and an id that is
 * not already another submission's. Returns 0 or -errno. */
static int batch_plan(batch_t *b, const tree_t *t, const lab_set_t *set)
{
    for (size_t i = 0; i < b->n; i++) {
        candidate_t *c = &b->c[i];
        int rc = history_batch_add(b->h, b->id, c->id);
        int done = rc ? rc : history_batch_is_done(b->h, b->id, c->id);
        if (done < 0)
            return done;
        if (done)
            continue;
        rc = plan_hash_submission(set, t->root, c->path, c->sha256);
        if (!rc)
            rc = history_check_candidate(b->h, c->id, c->sha256);
        if (rc == -EEXIST) {
            b->todo++;
            batch_failed(b, c, history_error(b->h));
            continue;
        }
        if (rc)
            return rc;
        c->todo = true;
        b->todo++;
    }
    return 0;
}

/* Opens the history and the folder's batch. Returns an exit code. */
static int batch_open(batch_t *b, const tree_t *t, const lab_set_t *set)
{
    char err[512], dir[PATH_MAX], key[PATH_MAX + 32];
    bool resumed;
    int rc = history_open(b->a.db, true, &b->h, err, sizeof err);
    if (rc) {
        cli_error(NULL, "%s", err);
        return EXIT_CANNOT_GRADE;
    }
    bool found = realpath(b->a.dir, dir) != NULL;
    /* A shard is its own batch, should two shards share a file. */
    if (found && b->a.shards)
        snprintf(key, sizeof key, "%s (shard %u/%u)", dir, b->a.shard, b->a.shards);
    else if (found)
        snprintf(key, sizeof key, "%s", dir);
    if (!found || (rc = history_batch_open(b->h, key, &b->id, &resumed)) ||
        (rc = batch_plan(b, t, set))) {
        cli_error(NULL, "%s", rc ? history_error(b->h) : strerror(errno));
        return EXIT_CANNOT_GRADE;
    }
    if (resumed)
        fprintf(stderr,
                "grader: resuming batch %lld of '%s': %zu of %zu candidates already "
                "recorded\n",
                (long long)b->id, key, b->n - b->todo, b->n);
    return 0;
}

static int batch_check_labs(const batch_args_t *a, const lab_set_t *set)
{
    for (int i = 0; i < a->n_labs; i++)
        if (!manifest_find(set, a->labs[i])) {
            cli_error("`grader list` shows the labs", "unknown lab '%s'", a->labs[i]);
            return EXIT_USAGE;
        }
    return 0;
}

/* Grades what is left and closes the batch when all is done. */
static int batch_run(batch_t *b)
{
    size_t done, total;
    const char *tmp = getenv("TMPDIR");
    snprintf(b->work, sizeof b->work, "%s/grader-batch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b->work)) {
        cli_error(NULL, "cannot make a work folder: %s", strerror(errno));
        return EXIT_CANNOT_GRADE;
    }
    cleanup_add(b->work);
    /* Probe the sandbox before the children exist: in a delegated cgroup v2
     * the grader then moves into its leaf, and each child, started there,
     * uses the same cgroup below it (sandbox_cgroup.c). Children forked
     * first would share the cgroup with us and get none. */
    (void)sandbox_describe();
    progress_init(&b->prog, stderr);
    b->start = progress_clock();
    if (b->todo > b->failed)
        batch_progress(b, NULL, "starting");
    batch_loop(b);
    if (b->prog.tty)
        fputc('\n', b->prog.f);
    if (history_batch_finish(b->h, b->id, &done, &total)) {
        cli_error(NULL, "%s", history_error(b->h));
        return EXIT_CANNOT_GRADE;
    }
    fprintf(stderr, "grader: batch %lld: %zu of %zu candidates recorded (%zu this time)\n",
            (long long)b->id, done, total, b->finished);
    if (done < total) {
        rmdir(b->work);   /* kept only when it holds a failed run's log */
        fprintf(stderr, "hint: fix what is reported above and run the same `grader batch` again;"
                        " it grades only the candidates not yet recorded\n");
        return EXIT_CANNOT_GRADE;
    }
    fsutil_remove_tree(b->work);
    cleanup_remove(b->work);
    return EXIT_GRADED;
}

int cmd_batch(int argc, char **argv)
{
    batch_t b = {0};
    lab_set_t set = {0};
    tree_t t = cli_tree();
    int rc = batch_parse(argc, argv, &b.a);
    if (!rc)
        rc = batch_scan(b.a.dir, &b.a, &b.c, &b.n);
    if (!rc)
        rc = cli_load_labs(&t, &set) ? EXIT_CANNOT_GRADE : batch_check_labs(&b.a, &set);
    if (!rc)
        rc = batch_open(&b, &t, &set);
    if (!rc)
        rc = batch_run(&b);
    manifest_set_free(&set);
    batch_free(&b);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
