/*
 * sbtest.c — fixtures and helpers for the sandbox tests (see sbtest.h).
 *
 * Interface: sbt_setup → sbt_spec → sbt_run → sbt_survivors → sbt_teardown.
 */
#include "sbtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int counter;

int sbt_setup(void **state)
{
    sbt_t *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    strcpy(t->scratch, "/tmp/sbtest.XXXXXX");
    if (!mkdtemp(t->scratch)) {
        free(t);
        return -1;
    }
    snprintf(t->token, sizeof(t->token), "sbtoken-%d-%d", (int)getpid(), ++counter);
    *state = t;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int sbt_teardown(void **state)
{
    sbt_t *t = *state;
    nftw(t->scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

sandbox_spec_t sbt_spec(sbt_t *t, const char *prog, const char *arg1, const char *arg2)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", SB_HOSTILE_DIR, prog);
    size_t n = 0;
    t->argv[n++] = path;
    if (arg1)
        t->argv[n++] = arg1;
    if (arg2)
        t->argv[n++] = arg2;
    t->argv[n++] = t->token;
    t->argv[n] = NULL;
    t->ro[0] = SB_HOSTILE_DIR;
    t->ro[1] = NULL;
    return (sandbox_spec_t){
        .argv = t->argv,
        .cwd = t->scratch,
        .scratch_dir = t->scratch,
        .ro_paths = t->ro,
        .wall_s = 10,
        .cpu_s = 5,
        .memory_bytes = 256u << 20,
        .pids = 64,
        .output_cap = 4096,
    };
}

void sbt_run(const sandbox_spec_t *spec, sandbox_result_t *res)
{
    int rc = sandbox_run(spec, res);
    if (rc != 0)
        fail_msg("sandbox_run: %d (%s)", rc, sandbox_last_error());
}

/* True when /proc/<pid>/cmdline holds token as one of its arguments. */
static int carries(const char *pid, const char *token)
{
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
        buf[n] = '\0';
        if (!strcmp(buf + i, token))
            return 1;
    }
    return 0;
}

int sbt_survivors(const sbt_t *t)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
            count += carries(e->d_name, t->token);
    closedir(d);
    return count;
}
