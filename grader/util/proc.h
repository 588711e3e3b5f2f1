/*
 * proc.h — run a trusted helper program (cmake, unifdef, strip) and collect
 * what it printed. Untrusted code never goes through here: it goes through
 * sandbox_run().
 */
#ifndef UNDERGO_PROC_H
#define UNDERGO_PROC_H

/* Runs argv[0] (searched in PATH) with stdout and stderr captured together
 * into *output (caller frees; may be NULL). Returns the exit status (0..255),
 * 128 + signal when killed, or a negative errno when it could not start. */
int proc_run(const char *const *argv, const char *cwd, char **output);

#endif
