/*
 * tune.h — a log-aggregation service: the handout is correct but slow.
 *
 * A batch of access-log lines in logfmt, one per line,
 *
 *   method=GET path=/api/users/42 status=200 bytes=512 ms=12
 *
 * is parsed, each line's path is classified into a route by the first
 * matching route pattern ("/api/users/ *", written without the space: a
 * star is one path segment), and
 * per route the service keeps a count, bytes, errors (status >= 500), the
 * total and the maximum of ms. The report lists the routes in byte order.
 *
 * The line rules (support/tune_line.h applies them per field):
 *   - tokens are separated by single or repeated spaces; key=value each;
 *   - path (starting with '/') and status (100..599) are required; bytes
 *     and ms are optional decimal integers (default 0); unknown keys are
 *     ignored; a token without '=', a bad number, a repeated key or a
 *     missing required key makes the line bad;
 *   - empty lines are skipped; the last line may lack its '\n'.
 * With no route patterns set a line's route is its path; with patterns, a
 * path no pattern matches is the route "other".
 *
 * Every function is safe to call from many threads at once on one service.
 *
 * Interface: tune_open → tune_set_routes? → tune_ingest / tune_ingest_parallel
 * → tune_stat / tune_totals / tune_render / tune_write_report → tune_close.
 */
#ifndef UNDERGO_TUNE_H
#define UNDERGO_TUNE_H

#include <stddef.h>
#include <stdint.h>

typedef struct tune tune_t;

typedef struct tune_stat {
    uint64_t count;    /* good lines of this route */
    uint64_t bytes;    /* sum of bytes= */
    uint64_t errors;   /* lines with status >= 500 */
    uint64_t ms_total; /* sum of ms= */
    uint64_t ms_max;   /* largest ms= */
} tune_stat_t;

#define TUNE_MAX_WORKERS 64
#define TUNE_MAX_ROUTE 256 /* bytes of a route name, '\0' included */

/* A new, empty service in *out. 0 or -ENOMEM. */
int tune_open(tune_t **out);

/* Frees the service. NULL is allowed. */
void tune_close(tune_t *t);

/* Replaces the route patterns (copied; n may be 0). Lines ingested from
 * then on are classified by the new patterns; what was aggregated stays.
 * 0, -EINVAL (a pattern not starting with '/' or longer than
 * TUNE_MAX_ROUTE - 1) or -ENOMEM. */
int tune_set_routes(tune_t *t, const char *const *patterns, size_t n);

/* The route of one path, as ingesting a line with that path would
 * classify it, into out (len bytes). 0 or -ENOSPC. */
int tune_route(tune_t *t, const char *path, char *out, size_t len);

/* Parses and aggregates a batch. Returns the number of good lines, or
 * -ENOMEM. */
long tune_ingest(tune_t *t, const char *buf, size_t len);

/* As tune_ingest, spread over `workers` threads (1..TUNE_MAX_WORKERS,
 * else -EINVAL); the result is the same as one tune_ingest of buf. */
long tune_ingest_parallel(tune_t *t, const char *buf, size_t len, int workers);

/* A route's totals into *out: 0, or -ENOENT when no line had that route. */
int tune_stat(tune_t *t, const char *route, tune_stat_t *out);

/* Good and bad lines ingested so far. */
void tune_totals(tune_t *t, uint64_t *good, uint64_t *bad);

/* The report, malloc'ed into *out ('\0'-terminated, *len bytes before it):
 * one line per route in byte order of route names,
 *   <route> count=N bytes=N errors=N ms_avg=N ms_max=N\n
 * (ms_avg = ms_total / count, rounded down), then
 *   total good=N bad=N\n
 * 0 or -ENOMEM. */
int tune_render(tune_t *t, char **out, size_t *len);

/* Writes the same bytes tune_render makes to fd. 0, -ENOMEM, or the
 * negative errno of a failed write. */
int tune_write_report(tune_t *t, int fd);

#endif
