/*
 * recovery.h — Go's panic, defer and recover for C on undergo's runtime,
 * and Gin's Recovery middleware on top of it.
 *
 * A Go function is a call made through rcv_call: it has its own list of
 * deferred calls (rcv_defer), run last-in first-out when it returns and
 * while a panic (rcv_panic) unwinds through it. rcv_recover, called by a
 * deferred call that a panic is running, stops that panic; the function
 * that deferred the call then returns normally to its caller. A panic no
 * deferred call recovers ends the process as Go's does: the chain of
 * panics and the task's stack on stderr, exit status 2. A nil dereference
 * or a division by zero (SIGSEGV, SIGFPE, once rcv_catch_faults ran) is a
 * runtime error panic of the task that faulted.
 *
 * Each task (goroutine) has its own defer and panic records, anchored in
 * the runtime's task_local slot; outside rt_run the thread is one task.
 *
 * The HTTP part is Gin in miniature over libs/http: an engine is a chain
 * of handlers (rcv_next, rcv_abort), rcv_recovery is Gin's Recovery
 * middleware, rcv_serve_http is the engine's ServeHTTP and rcv_invoke is
 * net/http's own recover around every handler (the server logs the panic
 * and drops that one connection).
 *
 * Interface: rcv_call(fn, arg) → inside: rcv_defer / rcv_panic /
 * rcv_recover / rcv_stack. Server: rcv_use(&e, rcv_recovery), rcv_use(&e,
 * handler) → http_server_config_t {.handler = rcv_serve_http, .invoke =
 * rcv_invoke, .ud = &e}.
 */
#ifndef UNDERGO_LAB_RECOVERY_H
#define UNDERGO_LAB_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <undergo/http.h>

typedef void (*rcv_fn)(void *arg);

/* ---- defer, panic, recover ---- */

/* Calls fn(arg) as a Go function: its deferred calls run LIFO when it
 * returns and when a panic passes through it. Returns 0 when fn returned,
 * 1 when a panic was recovered by one of this call's own deferred calls
 * (fn then "returned normally" there, and its remaining defers ran),
 * -EINVAL for a NULL fn. A panic that is not recovered here goes on to the
 * caller's frames: rcv_call does not return then. */
#define rcv_call(fn, arg) rcv__call((fn), (arg), #fn, __FILE__, __LINE__)
int rcv__call(rcv_fn fn, void *arg, const char *name, const char *file, int line);

/* Defers fn(arg) to the end of the innermost rcv_call of this task.
 * Returns 0, -EPERM outside any rcv_call, -EINVAL for a NULL fn, -ENOMEM. */
#define rcv_defer(fn, arg) rcv__defer((fn), (arg), #fn, __FILE__, __LINE__)
int rcv__defer(rcv_fn fn, void *arg, const char *name, const char *file, int line);

/* Go's panic(value): value is the message (not copied: it must outlive the
 * recovery, a literal or the caller's storage). Runs the deferred calls of
 * this task's frames, innermost first; never returns. */
#define rcv_panic(value) rcv__panic((value), NULL, __FILE__, __LINE__)
_Noreturn void rcv__panic(const char *value, const char *detail, const char *file, int line);

/* A runtime error panic raised by a fault: value ("runtime error: ...")
 * as rcv_panic's; detail, Go's "[signal SIGSEGV: ...]" line, is printed
 * under the panic if nothing recovers it. Called by the fault handler. */
_Noreturn void rcv_panic_runtime(const char *value, const char *detail);

/* Go's recover(): the value of the task's current panic, which stops
 * panicking, when called by a deferred call that this panic is running
 * (not from a function that deferred call called through rcv_call, and
 * not twice). NULL otherwise: no panic, not called from such a deferred
 * call, or already recovered. */
const char *rcv_recover(void);

/* This task's stack in Go's traceback format ("goroutine 1 [running]:",
 * the rcv_call frames innermost first, each with its current file:line,
 * a "panic(...)" line under a deferred call a panic runs, "created by"
 * for a spawned task) into buf, NUL-terminated. Returns the length it
 * needed (as snprintf). */
#define rcv_stack(buf, cap) rcv__stack((buf), (cap), __FILE__, __LINE__)
size_t rcv__stack(char *buf, size_t cap, const char *file, int line);

/* Installs the handlers that make SIGSEGV and SIGFPE runtime error
 * panics, on an alternate signal stack (support code). Returns 0 or a
 * negative errno. */
int rcv_catch_faults(void);

/* Writes text to stderr and ends the process with status 2, as Go's
 * unrecovered panic does (support code: lab code may not exit). */
_Noreturn void rcv_die(const char *text);

/* ---- Gin's chain and its Recovery middleware ---- */

#define RCV_MAX_HANDLERS 16
#define RCV_ABORT_INDEX 63 /* Gin's abortIndex */

typedef struct rcv_ctx rcv_ctx_t;
typedef void (*rcv_handler_fn)(rcv_ctx_t *c);
/* CustomRecovery's handle(c, err). */
typedef void (*rcv_recovery_fn)(rcv_ctx_t *c, const char *err);

typedef struct rcv_engine {
    rcv_handler_fn handlers[RCV_MAX_HANDLERS];
    const char *names[RCV_MAX_HANDLERS];
    size_t nhandlers;
    rcv_recovery_fn recovery; /* NULL: AbortWithStatus(500), Gin's default */
    /* Gin's DefaultErrorWriter and net/http's ErrorLog: one call per
     * message; NULL: stderr */
    void (*log)(void *ud, const char *text);
    void *log_ud;
    void *ud; /* the application's */
} rcv_engine_t;

/* Appends h to the chain (Gin's Use / a route's handlers). Returns 0,
 * -ENOSPC, -EINVAL. */
#define rcv_use(e, h) rcv__use((e), (h), #h)
int rcv__use(rcv_engine_t *e, rcv_handler_fn h, const char *name);

/* http_server_config_t.handler with ud = the engine: Gin's ServeHTTP. */
void rcv_serve_http(http_response_t *w, http_request_t *r, void *ud);
/* http_server_config_t.invoke with ud = the engine: net/http's recover
 * around the handler. Returns 0, or 1 after a panic the handler did not
 * recover (logged "http: panic serving ADDR: VALUE" and the stack). */
int rcv_invoke(http_handler_fn h, http_response_t *w, http_request_t *r, void *ud);

/* Gin's Recovery() middleware, with the engine's recovery handle. */
void rcv_recovery(rcv_ctx_t *c);

void rcv_next(rcv_ctx_t *c);
void rcv_abort(rcv_ctx_t *c);
bool rcv_is_aborted(const rcv_ctx_t *c);
/* c.Status: ignored (a warning logged) once the head is written. */
void rcv_status(rcv_ctx_t *c, int code);
void rcv_abort_with_status(rcv_ctx_t *c, int code);
/* c.Writer.Write: 0 or the connection's error. */
int rcv_write(rcv_ctx_t *c, const void *buf, size_t len);
/* c.String(code, s): panics with Go's *net.OpError text on a write error
 * ("write tcp A->B: write: broken pipe"), as Gin's Render does. */
void rcv_string(rcv_ctx_t *c, int code, const char *s);
/* c.Writer.Flush. Returns 0 or the connection's error. */
int rcv_flush(rcv_ctx_t *c);
/* c.Writer.Status(), c.Writer.Written(). */
int rcv_writer_status(const rcv_ctx_t *c);
bool rcv_written(const rcv_ctx_t *c);
/* The last c.Error(err) recorded, or NULL. */
const char *rcv_last_error(const rcv_ctx_t *c);
http_request_t *rcv_request(rcv_ctx_t *c);
rcv_engine_t *rcv_engine(rcv_ctx_t *c);

#endif
