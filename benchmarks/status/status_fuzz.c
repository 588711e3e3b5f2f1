/*
 * status_fuzz.c — the libFuzzer target of the status lab's reference
 * parser. One input is a request and the sizes of the pieces it arrives
 * in: the first byte seeds the piece sizes, the rest is the connection's
 * bytes. The target feeds them whole and in pieces, and checks what must
 * hold whatever the bytes are (a check that fails aborts, which libFuzzer
 * reports as a crash):
 *   - both runs end in the same state with the same status and head;
 *   - ST_DONE took no more than it was given, ST_ERROR's status is one of
 *     the lab's, st_head's strings are NUL-terminated where it says;
 *   - after ST_DONE the rest parses as the next request (pipelining).
 * ASan and UBSan watch every byte the parser touches.
 *
 * Interface: LLVMFuzzerTestOneInput → run(whole) / run(pieces) → compare.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

typedef struct outcome {
    st_state_t state;
    int status;
    size_t took;
    uint64_t body;
    char head[512]; /* a digest of st_head */
} outcome_t;

static void count_body(void *ud, const char *data, size_t len)
{
    (void)data;
    *(uint64_t *)ud += len;
}

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "status_fuzz: %s\n", what);
        abort();
    }
}

static void digest(const st_parser_t *p, outcome_t *o)
{
    st_head_t h;
    if (st_head(p, &h) != 0)
        return;
    must(strlen(h.target) == h.target_len, "target_len");
    int n = snprintf(o->head, sizeof o->head, "%s %s %d %d %zu %d %llu;", h.method, h.target,
                     (int)h.form, h.version, h.nfields, (int)h.framing,
                     (unsigned long long)h.content_length);
    for (size_t i = 0; i < h.nfields && n > 0 && (size_t)n < sizeof o->head; i++) {
        must(strlen(h.fields[i].name) == h.fields[i].name_len, "name_len");
        must(strlen(h.fields[i].value) == h.fields[i].value_len, "value_len");
        n += snprintf(o->head + n, sizeof o->head - (size_t)n, "%s=%s;", h.fields[i].name,
                      h.fields[i].value);
    }
}

/* Parses data in pieces drawn from seed (0: one piece). */
static void run(const uint8_t *data, size_t len, unsigned seed, outcome_t *o)
{
    memset(o, 0, sizeof *o);
    st_config_t cfg = {.limits = {.max_target = 64,
                                  .max_field = 128,
                                  .max_head = 1024,
                                  .max_fields = 8,
                                  .max_body = 2048},
                       .on_body = count_body,
                       .ud = &o->body};
    st_parser_t *p = NULL;
    must(st_parser_new(&cfg, &p) == 0, "st_parser_new");
    size_t off = 0;
    st_state_t st = ST_MORE;
    while (off < len && st == ST_MORE) {
        size_t k = seed ? 1 + (seed = seed * 1103515245u + 12345u) % 7 : len;
        if (k > len - off)
            k = len - off;
        size_t used = 0;
        st = st_feed(p, (const char *)data + off, k, &used);
        must(st != ST_DONE || used <= k, "used beyond the piece");
        off += st == ST_DONE ? used : k;
    }
    if (st == ST_MORE)
        st = st_eof(p);
    o->state = st;
    o->status = st_status(p, 0);
    o->took = st == ST_DONE ? off : 0; /* ST_DONE says where it stopped; ST_ERROR does not */
    digest(p, o);
    int s = o->status;
    must(s == 0 || s == 200 || s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505,
         "a status outside the lab's");
    /* The next request on the connection starts after ST_DONE's bytes. */
    if (st == ST_DONE && off < len) {
        st_parser_reset(p);
        size_t used = 0;
        st_state_t again = st_feed(p, (const char *)data + off, len - off, &used);
        must(again != ST_DONE || used <= len - off, "used beyond the rest");
    }
    st_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned seed = 1u + data[0];
    outcome_t whole, pieces;
    run(data + 1, size - 1, 0, &whole);
    run(data + 1, size - 1, seed, &pieces);
    must(whole.state == pieces.state, "state differs between one piece and pieces");
    must(whole.status == pieces.status, "status differs between one piece and pieces");
    must(whole.took == pieces.took, "bytes taken differ between one piece and pieces");
    must(whole.body == pieces.body, "body bytes differ between one piece and pieces");
    must(!strcmp(whole.head, pieces.head), "head differs between one piece and pieces");
    return 0;
}
