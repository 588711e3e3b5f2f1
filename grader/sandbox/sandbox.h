/*
 * sandbox.h — run one untrusted command with limits; observe what it did.
 *
 * A sandbox spec goes in, a verdict with resource usage comes out. Every
 * compile, test and benchmark of a submission goes through sandbox_run().
 * The caller owns the spec; sandbox_result_free() releases the result.
 *
 * Interface: sandbox_run(&spec, &res) → read res → sandbox_result_free(&res).
 * sandbox_describe() says which isolation mechanisms are active here, for
 * reports and `grader doctor`.
 */
#ifndef UNDERGO_SANDBOX_H
#define UNDERGO_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SANDBOX_PROFILE_TEST = 0,   /* a test or bench binary */
    SANDBOX_PROFILE_COMPILE,    /* the compiler and linker */
} sandbox_profile_t;

typedef enum { SANDBOX_NET_NONE = 0, SANDBOX_NET_LOOPBACK } sandbox_net_t;

typedef struct sandbox_spec {
    const char *const *argv;      /* argv[0] is a path; NULL-terminated */
    const char *const *envp;      /* NULL: a minimal PATH/HOME/LANG environment */
    const char *cwd;              /* working directory (inside scratch_dir usually) */
    const char *scratch_dir;      /* the one writable directory; for PROFILE_TEST a private
                                   * tmpfs at this path, empty, capped like /tmp
                                   * (fsize_bytes), gone after the run */
    const char *const *ro_paths;  /* extra read-only paths to expose; NULL-terminated or NULL */
    sandbox_profile_t profile;
    sandbox_net_t network;
    bool io_uring;                /* allow io_uring_setup */
    double wall_s;                /* wall-clock limit; the whole tree is killed */
    double cpu_s;                 /* CPU limit */
    uint64_t memory_bytes;        /* 0: no limit */
    int pids;                     /* 0: no limit */
    uint64_t fsize_bytes;         /* largest file it may write; 0: default 64 MiB */
    size_t output_cap;            /* bytes kept at each end of stdout and of stderr; 0: 32 KiB */
    bool record;                  /* give the target fd 3, a pipe kept whole in res->rec */
    size_t record_cap;            /* most bytes of fd 3 kept; past it rec.truncated; 0: 16 MiB */
} sandbox_spec_t;

typedef enum {
    SANDBOX_EXITED = 0,     /* exited; see exit_code */
    SANDBOX_SIGNALED,       /* killed by a signal of its own doing; see signal */
    SANDBOX_TIMEOUT_WALL,
    SANDBOX_TIMEOUT_CPU,
    SANDBOX_MEMORY,         /* memory limit hit (OOM kill) */
    SANDBOX_OUTPUT_LIMIT,   /* file-size limit hit (SIGXFSZ) */
    SANDBOX_SECURITY,       /* killed by the seccomp filter */
} sandbox_status_t;

typedef struct sandbox_output {
    char *data;             /* head + tail, NUL-terminated; cut marked in the text */
    size_t len;
    size_t total;           /* bytes the process wrote */
    bool truncated;
} sandbox_output_t;

typedef struct sandbox_result {
    sandbox_status_t status;
    int exit_code;
    int signal;
    double wall_s, cpu_s;
    uint64_t peak_memory;   /* bytes; 0 when unknown */
    sandbox_output_t out;   /* stdout */
    sandbox_output_t err;   /* stderr */
    sandbox_output_t rec;   /* fd 3 with spec.record: whole, or its first record_cap bytes */
} sandbox_result_t;

/* Runs spec->argv to completion under the spec's limits. Returns 0 with *res
 * filled, or a negative errno when the sandbox itself could not be set up
 * (then *res is zeroed). */
int sandbox_run(const sandbox_spec_t *spec, sandbox_result_t *res);

/* Frees the result's buffers. Can't fail. */
void sandbox_result_free(sandbox_result_t *res);

/* One line naming the isolation in force, e.g. "rlimits, setsid, seccomp". */
const char *sandbox_describe(void);

/* Why the last sandbox_run() of this thread returned an error, one line
 * ("mount view: Permission denied"); "" when it did not. Static storage. */
const char *sandbox_last_error(void);

/* `grader doctor`: prints each isolation mechanism and whether it is active
 * on this host. Returns 0 (a missing mechanism is reported, not an error). */
int sandbox_doctor(void);

#endif
