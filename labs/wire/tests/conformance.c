/*
 * conformance.c — the codec against protobuf-c, the C implementation
 * protoc-c generates code for, on a seeded corpus of random wtc.All
 * messages (tests/wt_corpus.h): every message encodes to the same bytes,
 * and each side decodes the other's bytes back to the same bytes.
 */
#include <stdio.h>

#include "wt_test.h"
#include "wt_corpus.h"

#define WT_CORPUS_SIZE 200

static void test_random_messages_encode_byte_identical_to_protobuf_c(void **state)
{
    (void)state;
    size_t differ = 0, first = 0, bytes = 0, ours = 0;
    for (size_t k = 0; k < WT_CORPUS_SIZE; k++) {
        Wtc__All p;
        wtc__all__init(&p);
        wt_msg_t *w = wt_msg_new(&wt_schema_all);
        wt_corpus_make(ug_rand, &p, w);
        size_t want_n = wtc__all__get_packed_size(&p);
        uint8_t *want = malloc(want_n + 1), *got = malloc(want_n + 64);
        wtc__all__pack(&p, want);
        long n = wt_t_encode(w, got, want_n + 64);
        bool same = n == (long)want_n && memcmp(want, got, want_n) == 0 && wt_size(w) == want_n;
        if (!same && differ++ == 0)
            first = k + 1;
        bytes += want_n;
        ours += n > 0 ? (size_t)n : 0;
        free(want);
        free(got);
        wt_corpus_free(&p);
        wt_msg_free(w);
    }
    /* The first message that differs (1-based), 0 if none; and how many. */
    assert_int_equal(0, first);
    assert_int_equal(0, differ);
    assert_int_equal(bytes, ours);
}

static void test_each_side_decodes_the_others_output(void **state)
{
    (void)state;
    size_t ours_fail = 0, theirs_fail = 0, first_ours = 0, first_theirs = 0;
    size_t want_r_inner = 0, got_r_inner = 0;
    for (size_t k = 0; k < WT_CORPUS_SIZE; k++) {
        Wtc__All p;
        wtc__all__init(&p);
        wt_msg_t *w = wt_msg_new(&wt_schema_all);
        wt_corpus_make(ug_rand, &p, w);
        size_t n = wtc__all__get_packed_size(&p);
        uint8_t *pc = malloc(n + 1), *out = malloc(n + 64);
        wtc__all__pack(&p, pc);
        /* protobuf-c's bytes through wt_decode and wt_encode. */
        wt_msg_t *back = wt_msg_new(&wt_schema_all);
        long m = -1;
        want_r_inner += p.n_r_inner;
        if (wt_decode(back, pc, n) == 0)
            m = wt_t_encode(back, out, n + 64);
        got_r_inner += wt_get(back, 23)->n;
        if ((m != (long)n || memcmp(out, pc, n) != 0) && ours_fail++ == 0)
            first_ours = k + 1;
        /* Our bytes through protobuf-c's unpack and pack. */
        long ours = wt_t_encode(w, out, n + 64);
        Wtc__All *q = ours < 0 ? NULL : wtc__all__unpack(NULL, (size_t)ours, out);
        bool ok = q != NULL;
        if (q) {
            uint8_t *again = malloc(wtc__all__get_packed_size(q) + 1);
            size_t k2 = wtc__all__pack(q, again);
            ok = k2 == (size_t)ours && memcmp(again, out, k2) == 0;
            free(again);
            wtc__all__free_unpacked(q, NULL);
        }
        if (!ok && theirs_fail++ == 0)
            first_theirs = k + 1;
        free(pc);
        free(out);
        wt_msg_free(back);
        wt_corpus_free(&p);
        wt_msg_free(w);
    }
    assert_int_equal(0, first_ours);
    assert_int_equal(0, first_theirs);
    assert_int_equal(0, ours_fail + theirs_fail);
    assert_int_equal(want_r_inner, got_r_inner);
}

UG_TEST_GROUP(wire_conformance, NULL, NULL,
              cmocka_unit_test(test_random_messages_encode_byte_identical_to_protobuf_c),
              cmocka_unit_test(test_each_side_decodes_the_others_output));
