/*
 * objcache.h — object files of a submission's build, kept across builds.
 *
 * A lab's mutants (and a batch's candidates) differ from each other in one
 * or two editable files; the lab's other sources compile to the same
 * objects every time. The cache keeps each object under the SHA-256 of
 * everything its compile read:
 *
 *   manifest key  M = H(version, the compiler's path, size and mtime, the
 *                       compile's arguments, the source's path and bytes,
 *                       the names of the staged lab's files)
 *   object key    K = H(M, for each file the compiler read, as its -MD
 *                       depfile lists them: path and H(bytes))
 *
 * <bindir>/objcache/<M>.m holds the depfile's list of files, <K>.o the
 * object. Every entry starts with a line "ugoc1 <sha256 of the rest>
 * <length>": an entry that does not match it is damaged, removed, and the
 * source compiled again; an entry is never trusted for what it claims.
 *
 * Who writes: only a trusted compile, one whose submission is the tree's
 * own code (`grader mutants` says so to its `grader run` children with
 * UNDERGO_OBJCACHE_TRUSTED=1). A candidate's build reads the cache and
 * never writes it (docs/security.md says why). UNDERGO_OBJCACHE=0 turns
 * the cache off.
 *
 * Interface: objcache_open → per source: objcache_lookup → (miss: compile
 * with objcache_depfile's -MD -MF) → objcache_store.
 */
#ifndef UNDERGO_OBJCACHE_H
#define UNDERGO_OBJCACHE_H

#include <stdbool.h>
#include <stddef.h>

#define OBJCACHE_HEX 64

typedef struct objcache {
    bool on;        /* lookups are made */
    bool write;     /* stores are made: a trusted compile */
    char dir[4096]; /* <bindir>/objcache */
} objcache_t;

typedef struct objcache_key {
    char m[OBJCACHE_HEX + 1]; /* the manifest key; "" when it could not be made */
} objcache_key_t;

/* Sets c from the environment (UNDERGO_OBJCACHE, UNDERGO_OBJCACHE_TRUSTED)
 * for the build tree bindir. Can't fail: a cache that cannot be made is
 * off. */
void objcache_open(objcache_t *c, const char *bindir);

/* Looks the compile up: build is the compiler's working directory, args
 * the arguments that decide the object (none naming build or the object),
 * src the source relative to build, labdir the staged lab folder relative
 * to build. On a hit, writes the object to obj and returns 1; returns 0 on
 * a miss (k is set for objcache_store either way). Never fails: a cache
 * that cannot be read is a miss. */
int objcache_lookup(const objcache_t *c, const char *build, const char *const *args, size_t nargs,
                    const char *src, const char *labdir, const char *obj, objcache_key_t *k);

/* After a successful compile whose depfile is at dep: stores the object at
 * obj under k, when c may write. Returns 0, or a negative errno (the
 * build goes on without the entry). */
int objcache_store(const objcache_t *c, const char *build, const objcache_key_t *k, const char *obj,
                   const char *dep);

/* Removes a cache entry file that failed its check. Exposed for tests: the
 * path of the object entry of key k, given the current dependency bytes.
 * Returns 0 and fills path, or -ENOENT when there is no manifest. */
int objcache_entry_path(const objcache_t *c, const char *build, const objcache_key_t *k, char *path,
                        size_t len);

#endif
