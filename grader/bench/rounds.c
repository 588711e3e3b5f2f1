/*
 * rounds.c — interleaved benchmark rounds (see rounds.h).
 */
#include "rounds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchstat.h"
#include "sandbox.h"
#include "score.h"
#include "strbuf.h"
#include "text.h"

/* "-bench" regex for the manifest's benchmarks: ^(A|B)$, or "." for all. */
static char *bench_regex(const lab_t *lab)
{
    strbuf_t sb = STRBUF_INIT;
    if (!lab->n_benchmarks)
        strbuf_adds(&sb, ".");
    for (size_t i = 0; i < lab->n_benchmarks; i++)
        strbuf_addf(&sb, "%s%s", i ? "|" : "^(", lab->benchmarks[i]);
    if (lab->n_benchmarks)
        strbuf_adds(&sb, ")$");
    return strbuf_detach(&sb);
}

/* Runs one bench binary once in the sandbox. Returns 0 with *res filled
 * (the caller frees it), or a negative errno. */
static int bench_exec(const plan_t *p, const lab_t *lab, const lab_bins_t *b, bool candidate,
                      sandbox_result_t *res)
{
    char *re = bench_regex(lab);
    const char *argv[] = {candidate ? b->cand_bench : b->ref_bench, "-bench", re, "-benchtime",
                          p->o.benchtime, "-count", "1", "-variant",
                          candidate ? "candidate" : "reference", NULL};
    run_env_t env;
    sandbox_spec_t spec = bins_run_spec(lab, b, argv, &env);
    spec.wall_s = spec.cpu_s = 300;
    int rc = re ? sandbox_run(&spec, res) : -ENOMEM;
    free(re);
    return rc;
}

int rounds_interleave(const plan_t *p, const lab_t *lab, const lab_bins_t *b, int first, int n,
                      int total, rounds_sink_fn sink, void *ctx, const events_t *ev,
                      char **why, bool *cand_failed)
{
    *why = NULL;
    *cand_failed = false;
    int rc = 0;
    for (int round = first; !rc && round < first + n; round++) {
        bool cand_first = round % 2 == 0;
        for (int side = 0; !rc && side < 2; side++) {
            bool cand = (side == 0) == cand_first;
            sandbox_result_t res;
            if ((rc = bench_exec(p, lab, b, cand, &res)) < 0)
                break;
            if (res.status != SANDBOX_EXITED || res.exit_code != 0) {
                strbuf_t sb = STRBUF_INIT;
                strbuf_addf(&sb, "the %s benchmark failed in round %d (exit %d, signal %d):\n%s%s",
                            cand ? "candidate" : "reference", round + 1, res.exit_code,
                            res.signal, res.err.data ? res.err.data : "",
                            res.out.data ? res.out.data : "");
                *why = text_clean(sb.buf, sb.len);
                strbuf_release(&sb);
                *cand_failed = cand;
                rc = 1;
            } else if ((rc = sink(cand, (size_t)round, res.out.data ? res.out.data : "", ctx)) == 1) {
                strbuf_t sb = STRBUF_INIT;
                strbuf_addf(&sb, "the %s benchmark printed no result in Go's benchmark format in "
                            "round %d:\n%s", cand ? "candidate" : "reference", round + 1,
                            res.out.data ? res.out.data : "");
                *why = text_clean(sb.buf, sb.len);
                strbuf_release(&sb);
                *cand_failed = cand;
            }
            sandbox_result_free(&res);
        }
        events_emit(ev, (event_t){.kind = EV_BENCH_ROUND, .lab = lab,
                                  .done = (size_t)round + 1, .total = (size_t)total});
    }
    return rc;
}

/* ---- scoring ------------------------------------------------------------------ */

typedef struct score_ctx {
    lab_result_t *lr;
    size_t rounds;
    char err[256];
} score_ctx_t;

static bench_result_t *bench_slot(lab_result_t *lr, const char *name, size_t rounds)
{
    for (size_t i = 0; i < lr->n_benches; i++)
        if (!strcmp(lr->benches[i].name, name))
            return &lr->benches[i];
    bench_result_t *grown = realloc(lr->benches, (lr->n_benches + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    lr->benches = grown;
    bench_result_t *s = &grown[lr->n_benches];
    memset(s, 0, sizeof *s);
    s->name = strdup(name);
    s->unit = strdup("ns/op");
    s->reference = calloc(rounds, sizeof *s->reference);
    s->candidate = calloc(rounds, sizeof *s->candidate);
    if (!s->name || !s->unit || !s->reference || !s->candidate)
        return NULL;
    lr->n_benches++;
    return s;
}

/* Records the ns/op of each benchmark of one run as its round's sample. */
static int record_run(bool candidate, size_t round, const char *text, void *arg)
{
    score_ctx_t *c = arg;
    benchstat_set_t set = {0};
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int rc = f ? benchstat_parse(f, candidate ? "candidate" : "reference", &set, c->err,
                                 sizeof c->err) : -ENOMEM;
    if (f)
        fclose(f);
    if (rc > 0 || rc == -EINVAL || (!rc && !set.nresults)) {
        /* Output that is not Go's benchmark format is that side's failure. */
        benchstat_set_free(&set);
        return 1;
    }
    for (size_t i = 0; !rc && i < set.nresults; i++) {
        const benchstat_result_t *r = &set.results[i];
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)benchstat_name_base_len(r->name), r->name);
        for (size_t v = 0; !rc && v < r->nvalues; v++) {
            if (strcmp(r->values[v].unit, "ns/op"))
                continue;
            bench_result_t *s = bench_slot(c->lr, name, c->rounds);
            if (!s) {
                rc = -ENOMEM;
                break;
            }
            (candidate ? s->candidate : s->reference)[round] = r->values[v].value;
            if (s->n < round + 1)
                s->n = round + 1;
        }
    }
    benchstat_set_free(&set);
    return rc;
}

int rounds_score(const plan_t *p, const plan_lab_t *pl, const lab_bins_t *b, lab_result_t *lr,
                 const events_t *ev)
{
    int base = p->o.bench_rounds > 0 ? p->o.bench_rounds : 1, most = 3 * base;
    score_ctx_t c = {.lr = lr, .rounds = (size_t)most};
    char *why = NULL;
    bool cand_failed = false;
    int done = 0, step = base, rc = 0;
    for (;;) {
        rc = rounds_interleave(p, pl->lab, b, done, step, done + step, record_run, &c, ev, &why,
                               &cand_failed);
        if (rc)
            break;
        done += step;
        score_lab(lr);
        if (done >= most || !score_needs_rounds(lr))
            break;
        step = most - done < 4 ? most - done : 4;
    }
    if (rc == 1) {
        /* Only the candidate's own failure costs the candidate; the
         * reference's is the grader's. */
        lr->perf_failed = cand_failed;
        lr->perf_internal = !cand_failed;
        free(lr->perf_error);
        lr->perf_error = why;
        why = NULL;
        for (size_t i = 0; i < lr->n_benches; i++)
            lr->benches[i].n = 0;
        rc = 0;
    }
    free(why);
    return rc;
}
