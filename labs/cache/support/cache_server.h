/*
 * cache_server.h — the real peer of the cache lab: a redis-server of
 * Debian's package, started on a random free port of 127.0.0.1 in a
 * private temporary directory, persistence off, killed and removed after.
 *
 * Why a launcher process. In the grader's mode the test process closes
 * the door on new executable mappings before any test runs (the harness's
 * second seccomp filter, inherited across execve), so a server exec'd from
 * a test could not even load libc. This file forks a launcher from a
 * constructor, before main and so before that door closes; a test asks it
 * over a socket pair to start or kill a server. It starts nothing else:
 * the binary and its arguments are fixed here, only the port varies. The
 * sandbox's own filter, namespaces and limits still hold for the launcher
 * and every server (docs/security.md); the sandbox's pid namespace ends
 * them with the run, and the launcher kills its servers when the process
 * that forked it goes away.
 * Nor can a client turn the server into a way around the harness: Redis
 * 7.0 refuses MODULE LOAD, DEBUG and CONFIG SET of protected settings
 * (dir, dbfilename) unless its configuration enables them, and these
 * servers keep the defaults.
 *
 * Readiness without sleeps: the launcher reads the server's log on a pipe
 * until "Ready to accept connections" (or until the server exits, and then
 * the log is the error message). A port another process took in the
 * meantime shows as such an exit and is retried with another port.
 *
 * Interface: cache_server_start(&s) → s.port → cache_server_kill(&s)
 * (SIGKILL, reaped) → cache_server_restart(&s) (same port, same dir) →
 * cache_server_stop(&s); cache_server_error() after a failure.
 */
#ifndef CACHE_SERVER_H
#define CACHE_SERVER_H

/* One server. Zero-initialise; fields are read-only for the caller. */
typedef struct cache_server {
    int pid;      /* 0 when not running */
    int port;     /* 127.0.0.1:port */
    char dir[64]; /* its working directory ("" before the first start) */
} cache_server_t;

/* The binary the lab's tests run; Debian's redis-server package. */
#define CACHE_SERVER_BIN "/usr/bin/redis-server"

/* Starts a server on a new random port. 0, or a negative errno with
 * cache_server_error() saying why (-ENOENT: the package is missing). */
int cache_server_start(cache_server_t *s);

/* Starts the server again on its port after cache_server_kill. */
int cache_server_restart(cache_server_t *s);

/* SIGKILL, then reaped: when this returns, the port is closed. */
int cache_server_kill(cache_server_t *s);

/* Kills the server if it runs and removes its directory. */
void cache_server_stop(cache_server_t *s);

/* The last failure, one line. */
const char *cache_server_error(void);

#endif
