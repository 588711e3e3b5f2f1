/*
 * audit.h — check a candidate's object file before it is linked.
 *
 * A submission is compiled to an object and linked with the pristine tests
 * and the harness. Some symbols would let it take over the run instead of
 * being tested by it: its own main, a constructor that runs first, an exit()
 * or a cmocka assertion of its own that reports success, or a call into the
 * harness's internals (ug__*). The audit reads the ELF symbol and section
 * tables (libelf) and refuses such an object with one line saying why.
 *
 * Lab code may not call the exit or exec families, syscall() or dlsym()
 * either: ending the process after printing a fake result would forge it.
 *
 * Interface: audit_object(path, flags, why, whylen) → 0 | -EPERM (why says why).
 */
#ifndef UNDERGO_AUDIT_H
#define UNDERGO_AUDIT_H

#include <stddef.h>

/* Audits the relocatable object at path (flags: AUDIT_*). Returns 0 when it may be linked,
 * -EPERM when it may not (why gets one line of reason, NUL-terminated), or
 * another negative errno when it cannot be read as an ELF object (why
 * says so too). why may be NULL when whylen is 0. */
int audit_object(const char *path, unsigned flags, char *why, size_t whylen);

/* flags: the object comes from a sanitizer build, whose generated module
 * constructors (and only those) are accepted. */
#define AUDIT_SANITIZED 1u

#endif
