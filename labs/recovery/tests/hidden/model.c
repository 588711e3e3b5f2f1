/*
 * model.c — random nests of frames, each with a random list of deferred
 * calls, some of which recover; the innermost frame panics. The order in
 * which deferred calls run, what each recover returns and where execution
 * resumes must agree with a model of Go's rules.
 */
#include <stdlib.h>

#include "../rcv_test.h"

#define MAXD 6
#define MAXK 5

typedef struct {
    int depth;
    int k[MAXD + 1];
    bool rec[MAXD + 1][MAXK];
    trace_t t;
    char value[32];
} prog_t;

typedef struct {
    prog_t *p;
    int level, j;
} slot_t;

static slot_t slots[MAXD + 1][MAXK];

static void deferred(void *arg)
{
    slot_t *s = arg;
    if (s->p->rec[s->level][s->j]) {
        const char *r = rcv_recover();
        trace_add(&s->p->t, "R%d.%d=%s ", s->level, s->j, r ? "v" : "nil");
    } else {
        trace_add(&s->p->t, "D%d.%d ", s->level, s->j);
    }
}

static int cur;

static void frame(void *arg)
{
    prog_t *p = arg;
    int level = ++cur;
    for (int j = 0; j < p->k[level]; j++) {
        slots[level][j] = (slot_t){p, level, j};
        rcv_defer(deferred, &slots[level][j]);
    }
    if (level == p->depth)
        rcv_panic(p->value);
    int rc = rcv_call(frame, p);
    trace_add(&p->t, "rc%d=%d ", level + 1, rc);
}

/* Go's order, computed without the code under test. */
static void model(const prog_t *p, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
#define OUT(...) (len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__))
    int stop_level = 0, stop_j = -1;
    for (int i = p->depth; i >= 1 && !stop_level; i--)
        for (int j = p->k[i] - 1; j >= 0; j--) {
            if (p->rec[i][j]) {
                OUT("R%d.%d=v ", i, j);
                stop_level = i, stop_j = j;
                break;
            }
            OUT("D%d.%d ", i, j);
        }
    for (int j = stop_j - 1; j >= 0; j--)
        OUT(p->rec[stop_level][j] ? "R%d.%d=nil " : "D%d.%d ", stop_level, j);
    for (int i = stop_level - 1; i >= 1; i--) {
        OUT("rc%d=%d ", i + 1, i + 1 == stop_level ? 1 : 0);
        for (int j = p->k[i] - 1; j >= 0; j--)
            OUT(p->rec[i][j] ? "R%d.%d=nil " : "D%d.%d ", i, j);
    }
    OUT("top=%d", stop_level == 1 ? 1 : 0);
#undef OUT
}

static void
test_random_programs_of_calls_defers_panics_and_recovers_agree_with_a_model(void **state)
{
    (void)state;
    static char got[64][2100], want[64][2100];
    for (int round = 0; round < 64; round++) {
        prog_t *p = calloc(1, sizeof *p);
        p->depth = 1 + (int)ug_rand_below(MAXD);
        snprintf(p->value, sizeof p->value, "p%d", round);
        for (int i = 1; i <= p->depth; i++) {
            p->k[i] = (int)ug_rand_below(MAXK + 1);
            for (int j = 0; j < p->k[i]; j++)
                p->rec[i][j] = ug_rand_below(4) == 0;
        }
        if (p->k[1] == 0)
            p->k[1] = 1;
        p->rec[1][0] = true; /* the outermost frame always recovers */
        cur = 0;
        int rc = rcv_call(frame, p);
        snprintf(got[round], sizeof got[round], "%stop=%d", p->t.buf, rc);
        model(p, want[round], sizeof want[round]);
        free(p);
    }
    static char all_got[140000], all_want[140000];
    all_got[0] = all_want[0] = 0;
    for (int r = 0; r < 64; r++) {
        strcat(all_got, got[r]), strcat(all_got, "\n");
        strcat(all_want, want[r]), strcat(all_want, "\n");
    }
    assert_string_equal(all_want, all_got);
}

UG_TEST_GROUP(
    recovery_model, NULL, NULL,
    cmocka_unit_test(test_random_programs_of_calls_defers_panics_and_recovers_agree_with_a_model));
