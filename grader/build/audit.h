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
 * either. None of this decides a verdict (the transcript does, outside the
 * candidate's process): these are cheap filters that stop the lazy forger
 * early and with a clear message.
 *
 * Interface: audit_object(path, &rules, why, whylen) → 0 | -EPERM (why says why).
 */
#ifndef UNDERGO_AUDIT_H
#define UNDERGO_AUDIT_H

#include <stddef.h>

/* What an object of one lab may define. */
typedef struct audit_rules {
    unsigned flags;             /* AUDIT_* */
    const char *const *api;     /* the global names it may define (the reference's),
                                 * NULL-terminated; NULL: any name not refused otherwise */
    const char *prefix;         /* and any name starting "<prefix>_"; NULL: none */
    char *const *test_only;     /* prefixes of names only the tests link (the manifest's
                                 * test_only): a reference to one is refused */
    size_t n_test_only;
} audit_rules_t;

/* Audits the relocatable object at path. Returns 0 when it may be linked,
 * -EPERM when it may not (why gets one line of reason, NUL-terminated), or
 * another negative errno when it cannot be read as an ELF object (why
 * says so too). why may be NULL when whylen is 0; rules NULL: no api list,
 * no flags. */
int audit_object(const char *path, const audit_rules_t *rules, char *why, size_t whylen);

/* flags: the object comes from a sanitizer build, whose generated module
 * constructors (and only those) are accepted. */
#define AUDIT_SANITIZED 1u

#endif
