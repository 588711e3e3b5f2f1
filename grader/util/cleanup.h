/*
 * cleanup.h — scratch folders removed however the grader ends.
 *
 * A grading run works in $TMPDIR/undergo-<lab>-XXXXXX folders. A normal end
 * removes them where they were made; cleanup_install() makes SIGINT,
 * SIGTERM and SIGHUP (Ctrl-C, a kill, a closed terminal, a batch that
 * stops) remove every folder still registered, then end the process with
 * that signal as before. The handler uses system calls only.
 *
 * Interface: cleanup_install() once in main → cleanup_add(dir) when a
 * folder is made → cleanup_remove(dir) once it is gone.
 */
#ifndef UNDERGO_CLEANUP_H
#define UNDERGO_CLEANUP_H

/* Installs the signal handlers. Can't fail (a handler that cannot be
 * installed leaves the default). */
void cleanup_install(void);

/* Registers dir (an absolute path) for removal on a signal. Returns 0 or
 * -ENOSPC when too many are registered (the folder is then only removed
 * by a normal end). */
int cleanup_add(const char *dir);

/* Forgets dir. Can't fail. */
void cleanup_remove(const char *dir);

#endif
