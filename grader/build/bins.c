/*
 * bins.c — a lab's binaries and the sandbox spec of one run (see bins.h).
 */
#include "bins.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fsutil.h"

int bins_init(const lab_t *lab, lab_bins_t *b)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    memset(b, 0, sizeof *b);
    if ((size_t)snprintf(b->work, sizeof b->work, "%s/undergo-%s-XXXXXX", tmp, lab->name) >=
        sizeof b->work)
        return -ENAMETOOLONG;
    if (!mkdtemp(b->work)) {
        b->work[0] = '\0';
        return -errno;
    }
    cleanup_add(b->work);
    snprintf(b->build, sizeof b->build, "%s/build", b->work);
    snprintf(b->scratch, sizeof b->scratch, "%s/run", b->work);
    if (chmod(b->work, 0711) < 0 || mkdir(b->build, 0755) < 0 || mkdir(b->scratch, 0755) < 0)
        return -errno;
    return 0;
}

void bins_free(lab_bins_t *b)
{
    if (b->work[0] && strstr(b->work, "undergo-")) {
        fsutil_remove_tree(b->work);
        cleanup_remove(b->work);
    }
    free(b->test);
    free(b->trusted);
    free(b->cand_bench);
    free(b->ref_bench);
    memset(b, 0, sizeof *b);
}

sandbox_spec_t bins_run_spec(const lab_t *lab, const lab_bins_t *b, const char *const *argv,
                             run_env_t *env)
{
    snprintf(env->home, sizeof env->home, "HOME=%s", b->scratch);
    snprintf(env->tmp, sizeof env->tmp, "TMPDIR=%s", b->scratch);
    size_t n = 0;
    env->envp[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
    env->envp[n++] = env->home;
    env->envp[n++] = env->tmp;
    env->envp[n++] = "LANG=C.UTF-8";
    /* In sanitizer builds: LeakSanitizer stops the world with ptrace, which
     * the sandbox forbids; leaks are not what the grader judges. */
    env->envp[n++] = "ASAN_OPTIONS=detect_leaks=0";
    env->envp[n] = NULL;
    return (sandbox_spec_t){
        .argv = argv, .envp = env->envp, .cwd = b->scratch, .scratch_dir = b->scratch,
        .profile = SANDBOX_PROFILE_TEST,
        .network = lab->policy.loopback ? SANDBOX_NET_LOOPBACK : SANDBOX_NET_NONE,
        .io_uring = lab->policy.io_uring, .wall_s = lab->policy.wall_s,
        .cpu_s = lab->policy.cpu_s, .memory_bytes = lab->policy.memory_mb << 20,
        .pids = lab->policy.pids, .fsize_bytes = 256ULL << 20, .output_cap = 32 << 10,
    };
}
