/*
 * plan.c — the plan of a grading run (see plan.h).
 *
 * For a submission, every lab's editable files are read here, once, into
 * memory; the build stage compiles these bytes and the history records
 * their hash. A file the submission leaves out is graded as the handout's
 * stub (the pristine file with the reference stripped) and the report says
 * so; a lab with none of its files is not submitted. Other files in the
 * submission's lab folder are not graded: those that differ from the
 * pristine tree are named in the report, so a helpers.c that never reached
 * the compiler does not surface as an unexplained undefined reference.
 *
 * The hash (SHA-256, libmd) covers, lab by lab in exam order, each
 * submitted editable file's path, length (in decimal) and bytes, each of
 * the first two NUL-terminated; for the tree's own sources it is prefixed
 * with the variant, since ref and stub share files. Histories recorded
 * before the plan existed used the same bytes, so their hashes still match.
 */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "proc.h"
#include "strbuf.h"
#include "submission.h"

/* ---- hashing ------------------------------------------------------------------ */

static void hash_file(SHA2_CTX *h, const lab_t *lab, const char *name, const char *data,
                      size_t len)
{
    char rel[1100], size[32];
    int n = snprintf(rel, sizeof rel, "labs/%s/%s", lab->name, name);
    int m = snprintf(size, sizeof size, "%zu", len);
    SHA256Update(h, (const uint8_t *)rel, (size_t)n + 1);
    SHA256Update(h, (const uint8_t *)size, (size_t)m + 1);
    SHA256Update(h, (const uint8_t *)data, len);
}

/* The tree's own editable files of lab. Returns 0 or -errno. */
static int hash_tree_lab(const plan_t *p, const lab_t *lab, SHA2_CTX *h)
{
    for (size_t i = 0; i < lab->n_editable; i++) {
        char path[PATH_MAX], *data;
        size_t len;
        snprintf(path, sizeof path, "%s/%s/%s", p->o.root, lab->dir, lab->editable[i]);
        int rc = fsutil_read(path, &data, &len);
        if (rc == -ENOENT)
            continue;
        if (rc)
            return rc;
        hash_file(h, lab, lab->editable[i], data, len);
        free(data);
    }
    return 0;
}

/* ---- notes -------------------------------------------------------------------- */

static int add_note(plan_lab_t *pl, strbuf_t *sb)
{
    char **grown = realloc(pl->notes, (pl->n_notes + 1) * sizeof *grown);
    if (!grown) {
        strbuf_release(sb);
        return -ENOMEM;
    }
    pl->notes = grown;
    pl->notes[pl->n_notes++] = strbuf_detach(sb);
    return 0;
}

static bool is_editable(const lab_t *lab, const char *name)
{
    for (size_t i = 0; i < lab->n_editable; i++)
        if (!strcmp(lab->editable[i], name))
            return true;
    return false;
}

/* True when the submission's file equals the pristine one (nothing lost by
 * ignoring it: a candidate who hands in the whole lab folder). */
static bool same_as_pristine(const plan_t *p, const lab_t *lab, const char *name)
{
    char path[PATH_MAX], *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    const char *why;
    snprintf(path, sizeof path, "%s/%s/%s", p->o.root, lab->dir, name);
    int fd = submission_open(p->submission_abs, lab, name, &why);
    bool same = fd >= 0 && fsutil_read_fd(fd, &a, &la) == 0 && fsutil_read(path, &b, &lb) == 0 &&
                la == lb && !memcmp(a, b, la);
    if (fd >= 0)
        close(fd);
    free(a);
    free(b);
    return same;
}

/* Notes every file of the submission's lab folder that is not graded. */
static int note_ignored(const plan_t *p, plan_lab_t *pl)
{
    const lab_t *lab = pl->lab;
    char **names;
    int rc = submission_list_lab(p->submission_abs, lab, &names);
    for (size_t i = 0; !rc && names[i]; i++) {
        if (is_editable(lab, names[i]) || same_as_pristine(p, lab, names[i]))
            continue;
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "ignored: labs/%s/%s — not an editable file of %s; editable:", lab->name,
                    names[i], lab->name);
        for (size_t j = 0; j < lab->n_editable; j++)
            strbuf_addf(&sb, "%s %s", j ? "," : "", lab->editable[j]);
        rc = add_note(pl, &sb);
    }
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* ---- staging a submission ----------------------------------------------------- */

/* The handout's stub of an editable file: the pristine file with the
 * reference stripped (unifdef -DLAB_SOLUTION=0). Returns 0 or -errno. */
static int stub_of(const plan_t *p, const lab_t *lab, const char *name, staged_file_t *f)
{
    char in[PATH_MAX], out[] = "/tmp/undergo-stub-XXXXXX";
    snprintf(in, sizeof in, "%s/%s/%s", p->o.root, lab->dir, name);
    int fd = mkstemp(out);
    if (fd < 0)
        return -errno;
    close(fd);
    const char *argv[] = {"unifdef", "-DLAB_SOLUTION=0", "-o", out, in, NULL};
    char *log = NULL;
    int rc = proc_run(argv, NULL, &log);
    free(log);
    /* unifdef: 0 unchanged, 1 changed, 2 trouble */
    rc = rc == 0 || rc == 1 ? fsutil_read(out, &f->data, &f->len) : rc < 0 ? rc : -EIO;
    unlink(out);
    f->from = STAGED_STUB;
    return rc;
}

static int set_status(plan_lab_t *pl, lab_status_t st, strbuf_t *why)
{
    pl->status = st;
    pl->why = strbuf_detach(why);
    return pl->why ? 0 : -ENOMEM;
}

/* Reads lab's editable files from the submission into pl->files and the
 * hash. Returns 0 (pl->status says whether the lab can be graded) or -errno. */
static int stage_lab(const plan_t *p, plan_lab_t *pl, SHA2_CTX *h)
{
    const lab_t *lab = pl->lab;
    strbuf_t why = STRBUF_INIT;
    size_t present = 0;
    pl->files = calloc(lab->n_editable ? lab->n_editable : 1, sizeof *pl->files);
    if (!pl->files)
        return -ENOMEM;
    for (size_t i = 0; i < lab->n_editable; i++) {
        staged_file_t *f = &pl->files[pl->n_files++];
        const char *reason;
        if (!(f->name = strdup(lab->editable[i])))
            return -ENOMEM;
        int fd = submission_open(p->submission_abs, lab, f->name, &reason);
        if (fd == -ENOENT)
            continue;
        present++;
        if (fd < 0) {
            strbuf_addf(&why, "submission file labs/%s/%s %s\n", lab->name, f->name, reason);
            return set_status(pl, LAB_BUILD_ERROR, &why);
        }
        int rc = fsutil_read_fd(fd, &f->data, &f->len);
        close(fd);
        if (rc)
            return rc;
        f->from = STAGED_SUBMITTED;
        hash_file(h, lab, f->name, f->data, f->len);
    }
    if (present == 0) {
        strbuf_addf(&why, "the submission holds no file of lab '%s' (looked for labs/%s/: ",
                    lab->name, lab->name);
        for (size_t i = 0; i < lab->n_editable; i++)
            strbuf_addf(&why, "%s%s", i ? ", " : "", lab->editable[i]);
        strbuf_adds(&why, ")\n");
        return set_status(pl, LAB_NOT_SUBMITTED, &why);
    }
    return 0;
}

/* For a selected lab: stubs for the files left out, and the notes. */
static int complete_lab(const plan_t *p, plan_lab_t *pl)
{
    for (size_t i = 0; i < pl->n_files; i++) {
        staged_file_t *f = &pl->files[i];
        if (f->data)
            continue;
        int rc = stub_of(p, pl->lab, f->name, f);
        if (rc)
            return rc;
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "labs/%s/%s is not in the submission: graded with the handout's stub",
                    pl->lab->name, f->name);
        if ((rc = add_note(pl, &sb)))
            return rc;
    }
    return note_ignored(p, pl);
}

/* ---- selection ---------------------------------------------------------------- */

static bool lab_wanted(const plan_opts_t *o, const lab_t *lab)
{
    if (!o->labs || !o->n_labs)
        return true;
    for (size_t i = 0; i < o->n_labs; i++)
        if (!strcmp(o->labs[i], lab->name))
            return true;
    return false;
}

/* The manifest's tests this run gives: -run's, minus hidden ones a
 * handout does not have (counted, so the report can say so). */
static int select_tests(const plan_t *p, plan_lab_t *pl)
{
    const lab_t *lab = pl->lab;
    pl->tests = calloc(lab->n_tests ? lab->n_tests : 1, sizeof *pl->tests);
    if (!pl->tests)
        return -ENOMEM;
    for (size_t i = 0; i < lab->n_tests; i++) {
        const lab_test_t *t = &lab->tests[i];
        if (p->o.filter && regexec(p->o.filter, t->name, 0, NULL, 0) != 0)
            continue;
        if (p->o.handout && t->hidden) {
            pl->n_absent_hidden++;
            pl->absent_weight += t->weight;
            continue;
        }
        pl->tests[pl->n_tests++] = t;
    }
    return 0;
}

/* ---- the plan ----------------------------------------------------------------- */

int plan_make(const plan_opts_t *o, const lab_set_t *set, plan_t *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->o = *o;
    if (o->submission) {
        if (!(p->submission_abs = realpath(o->submission, NULL))) {
            snprintf(err, errlen, "cannot open submission '%s': %s", o->submission,
                     strerror(errno));
            return -EINVAL;
        }
        p->o.submission = p->submission_abs;
    }
    p->labs = calloc(set->n ? set->n : 1, sizeof *p->labs);
    if (!p->labs)
        return -ENOMEM;
    SHA2_CTX h;
    SHA256Init(&h);
    if (!o->submission && o->variant)
        SHA256Update(&h, (const uint8_t *)o->variant, strlen(o->variant) + 1);
    int rc = 0;
    for (size_t i = 0; !rc && i < set->n; i++) {
        plan_lab_t *pl = &p->labs[p->n_labs++];
        pl->lab = &set->labs[i];
        pl->selected = lab_wanted(o, pl->lab);
        rc = o->submission ? stage_lab(p, pl, &h) : hash_tree_lab(p, pl->lab, &h);
        if (!rc && pl->selected && o->submission && pl->status == LAB_GRADED)
            rc = complete_lab(p, pl);
        if (!rc && pl->selected)
            rc = select_tests(p, pl);
    }
    SHA256End(&h, p->sha256);
    if (rc)
        snprintf(err, errlen, "cannot read the submission: %s", strerror(-rc));
    return rc;
}

int plan_hash_submission(const lab_set_t *set, const char *root, const char *submission,
                         char hex[PLAN_SHA256_HEX + 1])
{
    static const char *const none[] = {""};     /* names no lab: select nothing */
    plan_opts_t o = {.root = root, .submission = submission, .labs = none, .n_labs = 1};
    plan_t p;
    char err[512];
    int rc = plan_make(&o, set, &p, err, sizeof err);
    if (!rc)
        memcpy(hex, p.sha256, PLAN_SHA256_HEX + 1);
    plan_free(&p);
    return rc;
}

void plan_free(plan_t *p)
{
    for (size_t i = 0; i < p->n_labs; i++) {
        plan_lab_t *pl = &p->labs[i];
        for (size_t j = 0; j < pl->n_files; j++) {
            free(pl->files[j].name);
            free(pl->files[j].data);
        }
        free(pl->files);
        for (size_t j = 0; j < pl->n_notes; j++)
            free(pl->notes[j]);
        free(pl->notes);
        free(pl->tests);
        free(pl->why);
    }
    free(p->labs);
    free(p->submission_abs);
    memset(p, 0, sizeof *p);
}

size_t plan_selected(const plan_t *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_labs; i++)
        n += p->labs[i].selected;
    return n;
}
