/*
 * demo.c — `grader demo`: the labs' demonstrations, listed and run.
 *
 *   grader demo                         every demo of every lab
 *   grader demo <lab>                   a lab's demos
 *   grader demo <lab> <name> [--mine] [--go] [--html FILE] [-- <demo args>]
 *
 * A demo is a program of the lab's demo/ folder (its manifest's `demos:`),
 * built by CMake against the reference as <lab>_demo_<name> and against the
 * stub as <lab>_demo_<name>_stub; a handout builds it against the
 * candidate's own code as <lab>_demo_<name>_mine. Which binary runs: in the
 * project's tree, the reference (--mine: the stub); in a handout, the
 * reference shipped in reference/bin/ (--mine: the candidate's own build).
 * Demos run the tree's own code, never a submission, so they run outside
 * the sandbox, with the terminal as their output.
 *
 * --go builds the Go original with the system's `go` (GO111MODULE=off, no
 * network, caches under the build tree or $TMPDIR, Debian's packaged Go
 * libraries on GOPATH, cgo allowed), runs both programs with
 * their output captured and prints them side by side (one above the other
 * on a narrow terminal). Without Go, the C side runs alone and one line says
 * how to install it.
 *
 * Exit codes: 0 the demo ran; 1 it failed (the code under demonstration
 * failed, a build failed, a crash); 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "proc.h"
#include "strbuf.h"

#define DEMO_TIMEOUT_S 120     /* a captured run (--go) longer than this is stopped */
/* The first `go build` of a Go original compiles its libraries too (Gin and
 * its dependencies: minutes on a loaded 2-core machine); later builds use
 * the cache in demo-go/. */
#define GO_BUILD_TIMEOUT_S 900
#define DEBIAN_GOCODE "/usr/share/gocode" /* where Debian installs Go libraries */

extern char **environ;

typedef struct demo_args {
    const char *lab, *name, *html;
    bool mine, go;
    char **extra;              /* after "--" */
    int n_extra;
} demo_args_t;

/* ---- listing --------------------------------------------------------------------------- */

static void list_lab(const lab_t *l)
{
    printf("%s (exam %s)\n", l->name, l->question);
    if (!l->n_demos)
        printf("  (no demos yet)\n");
    for (size_t i = 0; i < l->n_demos; i++) {
        const lab_demo_t *dm = &l->demos[i];
        printf("  %-16s %-3s %-5s %s\n", dm->name, dm->go ? "go" : "", dm->html ? "html" : "",
               dm->title);
    }
}

static int list_demos(const lab_set_t *set, const lab_t *only)
{
    for (size_t i = 0; i < set->n; i++)
        if (!only || only == &set->labs[i]) {
            list_lab(&set->labs[i]);
            printf("\n");
        }
    printf("run one: grader demo <lab> <name> [--go] [--html <file>] [--mine]\n"
           "  go: --go runs the Go original beside it   html: --html <file> draws a page\n");
    return EXIT_GRADED;
}

/* ---- processes ------------------------------------------------------------------------- */

/* environ with each "KEY=value" of set replacing or adding KEY. Caller frees
 * the array (not the strings). NULL on OOM. */
static char **env_with(const char *const *set)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (set[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < m && !replaced; j++) {
            size_t key = strcspn(set[j], "=");
            replaced = !strncmp(environ[i], set[j], key + 1);
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)set[j];
    return env;
}

/* Forks argv with env in cwd; with out != NULL, stdout and stderr go to a
 * pipe whose fd is stored in *out, and the child leads its own process
 * group (so a timeout can stop all of it). Returns the pid or -errno. */
static pid_t spawn(char *const *argv, char *const *env, const char *cwd, int *out)
{
    int p[2] = {-1, -1};
    if (out && pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        if (out) { close(p[0]); close(p[1]); }
        return -e;
    }
    if (pid == 0) {
        if (out) {
            setpgid(0, 0);
            int devnull = open("/dev/null", O_RDONLY);
            dup2(devnull, STDIN_FILENO);
            dup2(p[1], STDOUT_FILENO);
            dup2(p[1], STDERR_FILENO);
        }
        if (cwd && chdir(cwd) < 0)
            _exit(127);
        execve(argv[0], argv, env);
        _exit(127);
    }
    if (out) {
        close(p[1]);
        *out = p[0];
    }
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads fd to EOF into sb, at most limit_s seconds; then kills pgid.
 * Returns true on timeout. */
static bool drain(int fd, pid_t pgid, strbuf_t *sb, int limit_s)
{
    double deadline = now_s() + limit_s;
    char buf[8192];
    for (;;) {
        int left = (int)((deadline - now_s()) * 1000);
        struct pollfd pfd = {fd, POLLIN, 0};
        if (left <= 0 || (poll(&pfd, 1, left) == 0)) {
            kill(-pgid, SIGKILL);
            return true;
        }
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        strbuf_add(sb, buf, (size_t)n);
    }
}

/* Waits for pid; returns its exit status, 128 + signal, or -errno. */
static int reap(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs argv. With sb, captures stdout+stderr there and bounds the time to
 * limit_s; the status is an exit code, 128 + signal, or -errno if it could
 * not start. */
static int run(char *const *argv, char *const *env, const char *cwd, strbuf_t *sb, bool *timed_out,
               int limit_s)
{
    int fd = -1;
    pid_t pid = spawn(argv, env, cwd, sb ? &fd : NULL);
    if (pid < 0)
        return pid;
    if (sb) {
        *timed_out = drain(fd, pid, sb, limit_s);
        close(fd);
    }
    return reap(pid);
}

/* ---- which binary -------------------------------------------------------------------- */

/* The path of the demo binary to run (caller frees), built first when it is
 * the tree's own. NULL after printing why. */
static char *demo_binary(const tree_t *t, const lab_t *lab, const lab_demo_t *dm, bool mine)
{
    strbuf_t target = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&target, "%s_demo_%s%s", lab->name, dm->name,
                !mine ? "" : t->handout ? "_mine" : "_stub");
    if (t->handout && !mine) {
        strbuf_addf(&path, "%s/reference/bin/%s_demo_%s", t->root, lab->name, dm->name);
        strbuf_release(&target);
        if (path.buf && access(path.buf, X_OK) == 0)
            return strbuf_detach(&path);
        cli_error("the handout ships the reference demos in reference/bin/",
                  "cannot run '%s': %s", path.buf ? path.buf : "?", strerror(errno));
        strbuf_release(&path);
        return NULL;
    }
    const char *build[] = {"cmake", "--build", t->bindir, "--target", target.buf, NULL};
    char *log = NULL;
    int rc = target.oom ? -ENOMEM : proc_run(build, NULL, &log);
    if (rc != 0) {
        cli_error(mine ? "--mine builds your code: fix what the compiler says" : NULL,
                  "cannot build '%s' (cmake exit %d):\n%s", target.buf ? target.buf : "?", rc,
                  log ? log : "");
        free(log);
        strbuf_release(&target);
        return NULL;
    }
    free(log);
    strbuf_addf(&path, "%s/bin/%s", t->bindir, target.buf);
    strbuf_release(&target);
    return strbuf_detach(&path);
}

/* argv for the demo: the binary, --html, then the extra arguments. */
static char **demo_argv(char *bin, const demo_args_t *a)
{
    char **argv = calloc((size_t)a->n_extra + 4, sizeof *argv);
    if (!argv)
        return NULL;
    int k = 0;
    argv[k++] = bin;
    if (a->html) {
        argv[k++] = "--html";
        argv[k++] = (char *)a->html;
    }
    for (int i = 0; i < a->n_extra; i++)
        argv[k++] = a->extra[i];
    return argv;
}

/* One line for a status that is not 0, on stderr. */
static int explain_status(const char *what, int st)
{
    if (st == 0)
        return EXIT_GRADED;
    if (st < 0)
        cli_error(NULL, "cannot run %s: %s", what, strerror(-st));
    else if (st > 128)
        cli_error(NULL, "%s was killed by SIG%s", what,
                  sigabbrev_np(st - 128) ? sigabbrev_np(st - 128) : "?");
    else if (st == 2)
        cli_error("'grader demo <lab> <name> -- --help' shows what the demo takes",
                  "%s refused its arguments", what);
    else
        cli_error(NULL, "%s exited with status %d", what, st);
    return st == 2 ? EXIT_USAGE : EXIT_CANNOT_GRADE;
}

/* ---- Go ---------------------------------------------------------------------------------- */

/* The absolute path of `go` in PATH (caller frees), or NULL. */
static char *find_go(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "%.*s/go", (int)n, p);
        if (sb.buf && n && access(sb.buf, X_OK) == 0)
            return strbuf_detach(&sb);
        strbuf_release(&sb);
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* Where Go's caches and the built programs live: the build tree's demo-go/,
 * or $TMPDIR/undergo-demo-go-<uid> when the build tree is not writable. */
static char *go_dir(const tree_t *t)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/demo-go", t->bindir);
    if (sb.buf && fsutil_mkdirs(sb.buf) == 0 && access(sb.buf, W_OK) == 0)
        return strbuf_detach(&sb);
    strbuf_release(&sb);
    const char *tmp = getenv("TMPDIR");
    strbuf_addf(&sb, "%s/undergo-demo-go-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)getuid());
    if (sb.buf && fsutil_mkdirs(sb.buf) == 0)
        return strbuf_detach(&sb);
    strbuf_release(&sb);
    return NULL;
}

/* Builds the Go original into dir; the binary's path in *out (caller
 * frees). Returns 0, or 1 after printing the compiler's words. */
static int go_build(const char *go, const char *dir, const tree_t *t, const lab_t *lab,
                    const lab_demo_t *dm, char **out)
{
    strbuf_t bin = STRBUF_INIT, src = STRBUF_INIT, cache = STRBUF_INIT, gopath = STRBUF_INIT;
    strbuf_addf(&bin, "%s/%s_%s", dir, lab->name, dm->name);
    strbuf_addf(&src, "%s/%s/demo/%s", t->root, lab->dir, dm->go);
    strbuf_addf(&cache, "GOCACHE=%s/cache", dir);
    /* Debian's Go libraries (golang-*-dev) live in /usr/share/gocode; some
     * are cgo bindings (the orm lab's SQLite driver), hence cgo on. */
    strbuf_addf(&gopath, "GOPATH=%s/gopath:%s", dir, DEBIAN_GOCODE);
    const char *set[] = {"GO111MODULE=off",
                         "GOFLAGS=",
                         "GOPROXY=off",
                         "GOTOOLCHAIN=local",
                         "GOTELEMETRY=off",
                         "CGO_ENABLED=1",
                         "GOWORK=off",
                         cache.buf ? cache.buf : "GOCACHE=",
                         gopath.buf ? gopath.buf : "GOPATH=",
                         NULL};
    char *argv[] = {(char *)go, "build", "-trimpath", "-o", bin.buf, src.buf, NULL};
    char **env = env_with(set);
    strbuf_t log = STRBUF_INIT;
    bool timed_out = false;
    int st = env && bin.buf && src.buf ? run(argv, env, dir, &log, &timed_out, GO_BUILD_TIMEOUT_S)
                                       : -ENOMEM;
    free(env);
    strbuf_release(&src);
    strbuf_release(&cache);
    strbuf_release(&gopath);
    if (st != 0) {
        cli_error(NULL, "cannot build the Go original %s/demo/%s (go build: %s):\n%s", lab->dir,
                  dm->go, timed_out ? "timed out" : st < 0 ? strerror(-st) : "failed",
                  log.buf ? log.buf : "");
        strbuf_release(&log);
        strbuf_release(&bin);
        return 1;
    }
    strbuf_release(&log);
    *out = strbuf_detach(&bin);
    return 0;
}

/* ---- side by side -------------------------------------------------------------------------- */

typedef struct column {
    char **lines;
    size_t n, cap;
} column_t;

static void col_push(column_t *c, const char *s, size_t len)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        char **grown = realloc(c->lines, cap * sizeof *grown);
        if (!grown)
            return;
        c->lines = grown;
        c->cap = cap;
    }
    c->lines[c->n] = strndup(s, len);
    if (c->lines[c->n])
        c->n++;
}

static void col_free(column_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->lines[i]);
    free(c->lines);
}

/* Byte length of the first `width` characters of s (UTF-8). */
static size_t prefix_bytes(const char *s, size_t width)
{
    size_t i = 0;
    for (size_t w = 0; s[i] && w < width; w++)
        for (i++; ((unsigned char)s[i] & 0xc0) == 0x80; i++)
            ;
    return i;
}

static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* Pushes one line, wrapped at a space where one is near the end; the
 * continuation lines are indented by two. */
static void col_wrap(column_t *c, const char *s, size_t width)
{
    bool first = true;
    do {
        size_t w = first || width < 8 ? width : width - 2;
        size_t cut = prefix_bytes(s, w), keep = cut;
        if (s[cut]) {
            size_t sp = cut;
            while (sp > cut / 2 && s[sp] != ' ')
                sp--;
            if (s[sp] == ' ')
                keep = sp, cut = sp + 1;
        }
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s%.*s", first ? "" : "  ", (int)keep, s);
        col_push(c, sb.buf ? sb.buf : "", sb.len);
        strbuf_release(&sb);
        s += cut;
        first = false;
    } while (*s);
}

/* Cuts text into lines of at most width characters: tabs become four
 * spaces, escape sequences and carriage returns are dropped. */
static void col_fill(column_t *c, const char *text, size_t width)
{
    strbuf_t line = STRBUF_INIT;
    for (const char *p = text ? text : "";; p++) {
        if (*p == '\033') {
            while (p[1] && !(p[1] >= '@' && p[1] <= '~' && p[1] != '['))
                p++;
            p += p[1] != '\0';
            continue;
        }
        if (*p == '\t') {
            strbuf_adds(&line, "    ");
            continue;
        }
        if (*p && *p != '\n') {
            if (*p != '\r')
                strbuf_add(&line, p, 1);
            continue;
        }
        col_wrap(c, line.buf ? line.buf : "", width);
        line.len = 0;
        if (line.buf)
            line.buf[0] = '\0';
        if (!*p)
            break;
    }
    while (c->n && !c->lines[c->n - 1][0])
        free(c->lines[--c->n]);   /* trailing blank lines */
    strbuf_release(&line);
}

static size_t terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    long n = cols ? strtol(cols, NULL, 10) : 0;
    return n >= 40 && n <= 1000 ? (size_t)n : 160;
}

static void print_cell(const char *s, size_t width, bool pad)
{
    fputs(s, stdout);
    for (size_t w = text_width(s); pad && w < width; w++)
        fputc(' ', stdout);
}

static void print_rule(size_t width)
{
    for (size_t i = 0; i < width; i++)
        fputs("─", stdout);
}

static const char *status_text(int st, bool timed_out, char *buf, size_t len)
{
    if (timed_out)
        snprintf(buf, len, "stopped after %d s", DEMO_TIMEOUT_S);
    else if (st > 128)
        snprintf(buf, len, "killed by SIG%s", sigabbrev_np(st - 128) ? sigabbrev_np(st - 128) : "?");
    else
        snprintf(buf, len, "exit status %d", st);
    return buf;
}

typedef struct side {
    const char *head;
    const char *text;
    int status;
    bool timed_out;
} side_t;

static void print_stacked(const side_t *const sides[2], const column_t cols[2], const char *bold,
                          const char *reset)
{
    for (int i = 0; i < 2; i++) {
        printf("%s── %s%s\n", bold, sides[i]->head, reset);
        for (size_t j = 0; j < cols[i].n; j++)
            printf("%s\n", cols[i].lines[j]);
        printf("\n");
    }
}

static void print_columns(const side_t *const sides[2], const column_t cols[2], size_t colw,
                          const char *bold, const char *reset)
{
    char head[512];
    snprintf(head, sizeof head, "%.*s", (int)prefix_bytes(sides[0]->head, colw), sides[0]->head);
    fputs(bold, stdout);
    print_cell(head, colw, true);
    printf(" │ %.*s%s\n", (int)prefix_bytes(sides[1]->head, colw), sides[1]->head, reset);
    print_rule(colw);
    fputs("─┼─", stdout);
    print_rule(colw);
    fputc('\n', stdout);
    for (size_t j = 0; j < cols[0].n || j < cols[1].n; j++) {
        print_cell(j < cols[0].n ? cols[0].lines[j] : "", colw, true);
        fputs(" │ ", stdout);
        print_cell(j < cols[1].n ? cols[1].lines[j] : "", colw, false);
        fputc('\n', stdout);
    }
}

/* Prints the two outputs in two columns, or one above the other when the
 * terminal is narrower than 100 columns; each ends with its exit status. */
static void print_sides(const side_t *c, const side_t *g)
{
    size_t width = terminal_width();
    bool stacked = width < 100;
    size_t colw = stacked ? width : (width - 3) / 2;
    bool tty = isatty(STDOUT_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
    const char *bold = tty ? "\033[1m" : "", *reset = tty ? "\033[0m" : "";
    column_t cols[2] = {{0}, {0}};
    const side_t *const sides[2] = {c, g};
    for (int i = 0; i < 2; i++) {
        char st[64];
        col_fill(&cols[i], sides[i]->text, colw);
        col_push(&cols[i], "", 0);
        status_text(sides[i]->status, sides[i]->timed_out, st, sizeof st);
        col_push(&cols[i], st, strlen(st));
    }
    if (stacked)
        print_stacked(sides, cols, bold, reset);
    else
        print_columns(sides, cols, colw, bold, reset);
    col_free(&cols[0]);
    col_free(&cols[1]);
}

/* ---- running ------------------------------------------------------------------------------ */

/* The demo alone, its output on the terminal. */
static int run_alone(char **argv, const lab_demo_t *dm)
{
    fflush(stdout);
    int st = run(argv, environ, NULL, NULL, NULL, 0);
    char what[256];
    snprintf(what, sizeof what, "demo '%s'", dm->name);
    return explain_status(what, st);
}

/* The demo and its Go original, side by side. */
static int run_with_go(const tree_t *t, const lab_t *lab, const lab_demo_t *dm, char **argv,
                       bool mine)
{
    char *go = find_go(), *dir = go ? go_dir(t) : NULL, *gobin = NULL;
    if (!go) {
        int rc = run_alone(argv, dm);
        cli_error("install it: apt-get install golang-go (scripts/setup installs the project's "
                  "packages)", "Go is not installed, so only the C side ran");
        return rc;
    }
    if (!dir || go_build(go, dir, t, lab, dm, &gobin)) {
        if (!dir)
            cli_error(NULL, "no writable folder for Go's build cache");
        free(go);
        free(dir);
        return EXIT_CANNOT_GRADE;
    }
    const char *set[] = {"NO_COLOR=1", NULL};
    char **env = env_with(set);
    strbuf_t c_out = STRBUF_INIT, g_out = STRBUF_INIT;
    side_t c = {.head = !mine ? "C, on the reference" : t->handout ? "C, on your code" : "C, on the stub"};
    side_t g = {.head = "Go"};
    char *gargv[] = {gobin, NULL};
    c.status = env ? run(argv, env, NULL, &c_out, &c.timed_out, DEMO_TIMEOUT_S) : -ENOMEM;
    g.status = env ? run(gargv, env, dir, &g_out, &g.timed_out, DEMO_TIMEOUT_S) : -ENOMEM;
    c.text = c_out.buf;
    g.text = g_out.buf;
    char chead[256], ghead[256];
    snprintf(chead, sizeof chead, "%s: %s/demo/%s.c", c.head, lab->dir, dm->name);
    snprintf(ghead, sizeof ghead, "Go: %s/demo/%s", lab->dir, dm->go);
    c.head = chead;
    g.head = ghead;
    print_sides(&c, &g);
    free(env);
    strbuf_release(&c_out);
    strbuf_release(&g_out);
    free(gobin);
    free(go);
    free(dir);
    char what[256];
    snprintf(what, sizeof what, "demo '%s'", dm->name);
    return c.timed_out ? (cli_error(NULL, "%s did not finish", what), EXIT_CANNOT_GRADE)
                       : explain_status(what, c.status);
}

static int run_demo(const tree_t *t, const lab_t *lab, const demo_args_t *a)
{
    const lab_demo_t *dm = NULL;
    for (size_t i = 0; i < lab->n_demos; i++)
        if (!strcmp(lab->demos[i].name, a->name))
            dm = &lab->demos[i];
    if (!dm) {
        cli_error("'grader demo <lab>' lists a lab's demos", "lab '%s' has no demo '%s'",
                  lab->name, a->name);
        return EXIT_USAGE;
    }
    if (a->html && !dm->html) {
        cli_error(NULL, "demo '%s' draws no picture: it takes no --html", dm->name);
        return EXIT_USAGE;
    }
    if (a->html && fsutil_check_writable(a->html)) {
        cli_error(NULL, "cannot write '%s'", a->html);
        return EXIT_USAGE;
    }
    if (a->go && !dm->go) {
        cli_error(NULL, "demo '%s' has no Go original: run it without --go", dm->name);
        return EXIT_USAGE;
    }
    char *bin = demo_binary(t, lab, dm, a->mine);
    char **argv = bin ? demo_argv(bin, a) : NULL;
    int rc = EXIT_CANNOT_GRADE;
    if (argv)
        rc = a->go ? run_with_go(t, lab, dm, argv, a->mine) : run_alone(argv, dm);
    free(argv);
    free(bin);
    return rc;
}

/* ---- arguments ------------------------------------------------------------------------------ */

/* Parses argv into *a (whose strings point into argv). Returns -1 to go
 * on, or an exit code. */
static int parse_args(int argc, char **argv, demo_args_t *a)
{
    cli_args_t c;
    int rc = cli_parse(&cli_demo, argc, argv, &c);
    if (!rc) {
        a->lab = c.n_pos > 0 ? c.pos[0] : NULL;
        a->name = c.n_pos > 1 ? c.pos[1] : NULL;
        a->html = c.val[DEMO_HTML];
        a->mine = c.val[DEMO_MINE] != NULL;
        a->go = c.val[DEMO_GO] != NULL;
        a->extra = c.rest;
        a->n_extra = c.n_rest;
    }
    if (!rc && c.n_pos > 2)
        rc = cli_usage(&cli_demo, "one demo at a time, not also '%s'", c.pos[2]);
    else if (!rc && !a->name && (a->html || a->mine || a->go || a->n_extra))
        rc = cli_usage(&cli_demo, "which demo? name a lab and one of its demos");
    cli_args_free(&c);
    return rc == CLI_HELP ? EXIT_GRADED : rc ? rc : -1;
}

int cmd_demo(int argc, char **argv)
{
    demo_args_t a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    tree_t t = cli_tree();
    lab_set_t set;
    if (cli_load_labs(&t, &set))
        return EXIT_CANNOT_GRADE;
    const lab_t *lab = a.lab ? manifest_find(&set, a.lab) : NULL;
    if (a.lab && !lab) {
        cli_error("`grader demo` lists every lab's demos", "unknown lab '%s'", a.lab);
        rc = EXIT_USAGE;
    } else if (!a.name) {
        rc = list_demos(&set, lab);
    } else {
        rc = run_demo(&t, lab, &a);
    }
    manifest_set_free(&set);
    return rc;
}
