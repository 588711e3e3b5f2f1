/*
 * leak_report.c — lost chunks grouped into records, as LeakSanitizer prints
 * them: one record per (allocation stack, direct or indirect), with the
 * bytes and objects lost there.
 *
 * Ten thousand leaks from one line are one record "10000 objects", not ten
 * thousand: the stack depot gave every distinct stack one id, so grouping is
 * sorting the lost chunks by (kind, site id). A record is suppressed when a
 * frame of its stack is in a function named in leak_options.suppress.
 *
 * Interface: leak__report_build(snapshot) → leak_report_print →
 * leak_report_free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/leak_impl.h"

void leak_report_free(leak_report_t *r)
{
    if (!r)
        return;
    free(r->records);
    memset(r, 0, sizeof *r);
}

int leak_report_print(const leak_report_t *r, FILE *f)
{
    for (size_t i = 0; i < r->nrecords; i++) {
        const leak_record_t *rec = &r->records[i];
        fprintf(f, "%s leak of %zu byte(s) in %zu object(s) allocated from:\n",
                rec->kind == LEAK_DIRECT ? "Direct" : "Indirect", rec->bytes, rec->objects);
        for (size_t k = 0; k < rec->nframes; k++) {
            char sym[160];
            leak_symbolize((char *)rec->frames[k] - 1, sym, sizeof sym);
            fprintf(f, "    #%zu %p in %s\n", k, rec->frames[k], sym);
        }
        fputc('\n', f);
    }
    if (r->nrecords)
        fprintf(f, "SUMMARY: %zu byte(s) leaked in %zu allocation(s).\n",
                r->direct_bytes + r->indirect_bytes, r->direct_objects + r->indirect_objects);
    return ferror(f) ? -EIO : 0;
}

#if LAB_SOLUTION

typedef struct lost {
    uint32_t kind, site;
    size_t size;
} lost_t;

static int lost_cmp(const void *a, const void *b)
{
    const lost_t *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->site < y->site ? -1 : x->site > y->site;
}

static int record_cmp(const void *a, const void *b)
{
    const leak_record_t *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind == LEAK_DIRECT ? -1 : 1;
    return x->bytes > y->bytes ? -1 : x->bytes < y->bytes;
}

/* True if a frame of rec is in a suppressed function. */
static bool suppressed(const leak_record_t *rec)
{
    const char *const *sup = leak__opts.suppress;
    if (!sup)
        return false;
    for (size_t k = 0; k < rec->nframes; k++) {
        char name[160];
        if (leak__func_name((char *)rec->frames[k] - 1, name, sizeof name) != 0)
            continue;
        for (size_t j = 0; sup[j]; j++)
            if (strcmp(sup[j], name) == 0)
                return true;
    }
    return false;
}

/* Adds one record for lost[a..b) (same kind and site) unless suppressed. */
static void add_record(leak_report_t *out, const lost_t *l, size_t a, size_t b)
{
    leak_record_t *rec = &out->records[out->nrecords];
    memset(rec, 0, sizeof *rec);
    rec->kind = l[a].kind == LEAK_TAG_DIRECT ? LEAK_DIRECT : LEAK_INDIRECT;
    rec->objects = b - a;
    for (size_t i = a; i < b; i++)
        rec->bytes += l[i].size;
    rec->nframes = leak__site_frames(l[a].site, rec->frames);
    if (suppressed(rec)) {
        out->suppressed_objects += rec->objects;
        return;
    }
    if (rec->nframes)
        leak_symbolize((char *)rec->frames[0] - 1, rec->site, sizeof rec->site);
    if (rec->kind == LEAK_DIRECT) {
        out->direct_bytes += rec->bytes;
        out->direct_objects += rec->objects;
    } else {
        out->indirect_bytes += rec->bytes;
        out->indirect_objects += rec->objects;
    }
    out->nrecords++;
}

int leak__report_build(const leak_snap_t *s, leak_report_t *out)
{
    size_t n = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->n; i++)
        n += s->c[i].tag == LEAK_TAG_DIRECT || s->c[i].tag == LEAK_TAG_INDIRECT;
    if (!n)
        return 0;
    lost_t *l = malloc(n * sizeof *l);
    if (!l)
        return -ENOMEM;
    n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i].tag == LEAK_TAG_DIRECT || s->c[i].tag == LEAK_TAG_INDIRECT)
            l[n++] = (lost_t){s->c[i].tag, s->c[i].site, s->c[i].size};
    qsort(l, n, sizeof *l, lost_cmp);
    size_t groups = 1;
    for (size_t i = 1; i < n; i++)
        groups += lost_cmp(&l[i - 1], &l[i]) != 0;
    if (!(out->records = calloc(groups, sizeof *out->records))) {
        free(l);
        return -ENOMEM;
    }
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && lost_cmp(&l[a], &l[b]) == 0; b++)
            ;
        add_record(out, l, a, b);
    }
    free(l);
    qsort(out->records, out->nrecords, sizeof *out->records, record_cmp);
    return 0;
}

#else /* stub */

int leak__report_build(const leak_snap_t *s, leak_report_t *out)
{
    (void)s;
    memset(out, 0, sizeof *out);
    return -ENOSYS;
}

#endif
