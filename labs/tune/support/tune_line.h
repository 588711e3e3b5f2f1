/*
 * tune_line.h — the pristine pieces of the service: one log line's fields,
 * the route pattern matcher, and a string-keyed map of tune_stat_t.
 *
 * A line is parsed by feeding each key=value token to tune_line_field()
 * and ending with tune_line_done(); where the tokens live (copies or
 * slices of the batch) is the caller's choice. Route patterns match with
 * tune_match(). The map owns copies of its keys.
 *
 * Interface: tune_line_init → tune_line_field... → tune_line_done;
 * tune_match(pattern, path, n); tune_map_init → tune_map_get → tune_map_sorted
 * → tune_map_free.
 */
#ifndef UNDERGO_TUNE_LINE_H
#define UNDERGO_TUNE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tune.h"

typedef struct tune_line {
    const char *path; /* not copied: points into the token given */
    size_t path_len;
    uint64_t status, bytes, ms;
    unsigned seen; /* bit per known key */
    bool bad;
} tune_line_t;

void tune_line_init(tune_line_t *l);

/* One token, split at its first '=' by the caller (key, value; value may
 * be empty). A token without '=' is given with val == NULL. */
void tune_line_field(tune_line_t *l, const char *key, size_t klen, const char *val, size_t vlen);

/* True when the line is good (required keys there, nothing bad). */
bool tune_line_done(const tune_line_t *l);

/* Adds a good line to a stat. */
void tune_stat_add(tune_stat_t *s, const tune_line_t *l);

/* Adds the totals of src to dst. */
void tune_stat_merge(tune_stat_t *dst, const tune_stat_t *src);

/* True when path (n bytes, not '\0'-terminated) matches the pattern:
 * segment by segment, a '*' segment matching any one non-empty segment. */
bool tune_match(const char *pattern, const char *path, size_t n);

typedef struct tune_map_entry {
    char *key;
    size_t klen;
    uint64_t hash;
    tune_stat_t stat;
    long aux; /* the owner's, zero when made */
} tune_map_entry_t;

typedef struct tune_map {
    tune_map_entry_t *slots;
    size_t cap, len;
} tune_map_t;

void tune_map_init(tune_map_t *m);
void tune_map_free(tune_map_t *m);
void tune_map_clear(tune_map_t *m);

/* The entry for key (klen bytes), made zeroed when create and missing;
 * NULL when missing and !create, or out of memory. Pointers stay valid
 * until the next tune_map_get with create. */
tune_map_entry_t *tune_map_get(tune_map_t *m, const char *key, size_t klen, bool create);

/* A malloc'ed array of the map's entries sorted by key (byte order), in
 * *out (NULL when empty); returns the count or -ENOMEM. */
long tune_map_sorted(const tune_map_t *m, tune_map_entry_t ***out);

/* FNV-1a. */
uint64_t tune_hash(const char *s, size_t n);

#endif
