/*
 * fsutil.h — the few file-system chores the grader needs.
 *
 * Reports are written whole or not at all: fsutil_write_atomic() writes a
 * temporary file beside the target (O_EXCL|O_NOFOLLOW, relative to the
 * directory's fd) and renames it over the target, so an interrupted run
 * never leaves a half report, and a symlink planted at the target is
 * replaced, never written through.
 */
#ifndef UNDERGO_FSUTIL_H
#define UNDERGO_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Writes len bytes to path atomically. Returns 0 or a negative errno. */
int fsutil_write_atomic(const char *path, const char *data, size_t len);

/* Checks that a report can be written at path (its folder exists and is
 * writable, path is not a folder). Returns 0 or a negative errno. */
int fsutil_check_writable(const char *path);

/* Reads what remains of the open file fd (NUL-terminated; caller frees).
 * Returns 0 or -errno; fd stays open. */
int fsutil_read_fd(int fd, char **data, size_t *len);

/* Reads a whole file (NUL-terminated; caller frees). Returns 0 or -errno. */
int fsutil_read(const char *path, char **data, size_t *len);

/* Creates dir and its parents (mode 0755). Returns 0 or a negative errno. */
int fsutil_mkdirs(const char *dir);

/* Copies what remains of the open file in to a new file `to` (0644).
 * Returns 0 or -errno; in stays open. */
int fsutil_copy_fd(int in, const char *to);

/* Copies a regular file, keeping its mode bits. Returns 0 or -errno. */
int fsutil_copy(const char *from, const char *to);

/* Copies a tree; skip(relpath) == true leaves an entry out. Symlinks are
 * not followed and not copied. Returns 0 or a negative errno. */
int fsutil_copy_tree(const char *from, const char *to, bool (*skip)(const char *rel));

/* Removes a tree; missing is fine. Returns 0 or a negative errno. */
int fsutil_remove_tree(const char *path);

/* True when path exists (any type, without following a final symlink). */
bool fsutil_exists(const char *path);

/* True when dir is missing or an empty folder. */
bool fsutil_dir_is_empty(const char *dir);

#endif
