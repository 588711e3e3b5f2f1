/*
 * submission.h — opening a candidate's files safely.
 *
 * A submission is someone else's folder, read by the grader (often as
 * root). Files are opened beneath it without following any symbolic link
 * and only when they are regular files of at most 1 MiB that are not hard
 * links, so the grader can never be made to read a file the submitter
 * could not read themselves.
 *
 * Interface: submission_open(dir, lab, file, &why) → read → close;
 * submission_list_lab(dir, lab, &names) for what else the folder holds.
 */
#ifndef UNDERGO_SUBMISSION_H
#define UNDERGO_SUBMISSION_H

#include <stddef.h>

#include "manifest.h"

#define SUBMISSION_MAX_FILE (1 << 20)   /* a lab source beyond 1 MiB is not a solution */

/* Opens the lab's file `file` of the submission in dir: DIR/labs/<lab>/<file>,
 * else DIR/<lab>/<file>. Returns an fd (caller closes), -ENOENT when absent,
 * or another negative errno with *why set to the reason ("is a hard link"). */
int submission_open(const char *dir, const lab_t *lab, const char *file, const char **why);

/* The names of the regular files directly in the submission's folder of
 * lab (DIR/labs/<lab>/ or else DIR/<lab>/), sorted; a NULL-terminated array
 * (caller frees each and the array). Returns 0 (none: an empty array) or
 * -errno. */
int submission_list_lab(const char *dir, const lab_t *lab, char ***names);

#endif
