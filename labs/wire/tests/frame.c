/*
 * frame.c — gRPC's length-prefixed messages reassembled from DATA cut
 * anywhere, the length limit enforced from the prefix alone, and
 * grpc-message's percent-encoding.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wt_test.h"

static void test_the_frame_prefix_is_a_flag_and_a_big_endian_length(void **state)
{
    (void)state;
    uint8_t h[5];
    wt_frame_header(h, false, 0x01020304);
    assert_memory_equal("\x00\x01\x02\x03\x04", h, 5);
    uint32_t len = (uint32_t)ug_rand();
    wt_frame_header(h, true, len);
    uint8_t want[5] = {1, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                       (uint8_t)len};
    assert_memory_equal(want, h, 5);
}

/* A stream of `count` framed messages of random sizes into buf; their
 * total length. Message i is bytes (i + j) & 0xff, flagged compressed when odd. */
static size_t wt_t_stream(uint8_t *buf, size_t count, size_t *sizes)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        sizes[i] = i == 0 ? 0 : ug_rand_below(300);
        wt_frame_header(buf + n, i & 1, (uint32_t)sizes[i]);
        n += 5;
        for (size_t j = 0; j < sizes[i]; j++)
            buf[n++] = (uint8_t)(i + j);
    }
    return n;
}

/* Feeds buf in pieces of `piece` bytes; returns a checksum over every
 * message delivered (size, flag and bytes) and their count in *got. */
static uint64_t wt_t_feed(const uint8_t *buf, size_t n, size_t piece, size_t *got, int *err)
{
    wt_deframer_t d;
    wt_deframer_init(&d, 1000);
    uint64_t sum = 0;
    *got = 0;
    *err = 0;
    for (size_t off = 0; off < n && !*err;) {
        size_t k = piece < n - off ? piece : n - off, used = 0;
        while (k > 0) {
            int rc = wt_deframer_feed(&d, buf + off, k, &used);
            if (rc < 0 || used > k) {
                *err = rc < 0 ? rc : -1;
                break;
            }
            if (rc == 1) {
                sum = sum * 31 + d.len * 7 + d.compressed;
                for (size_t j = 0; j < d.len; j++)
                    sum = sum * 131 + d.msg[j];
                (*got)++;
            } else if (used < k) {
                *err = -2; /* needs more, but left input unread */
                break;
            }
            off += used;
            k -= used;
        }
    }
    if (!*err)
        *err = wt_deframer_end(&d);
    wt_deframer_free(&d);
    return sum;
}

static void test_frames_split_at_every_byte_reassemble(void **state)
{
    (void)state;
    size_t sizes[8];
    uint8_t *buf = malloc(8 * 305);
    size_t n = wt_t_stream(buf, 8, sizes);
    uint64_t want = 0;
    for (size_t i = 0; i < 8; i++) {
        want = want * 31 + sizes[i] * 7 + (i & 1);
        for (size_t j = 0; j < sizes[i]; j++)
            want = want * 131 + (uint8_t)(i + j);
    }
    size_t got;
    int err;
    /* Whole, a byte at a time, and at every piece size up to 40. */
    assert_int_equal(want, wt_t_feed(buf, n, n, &got, &err));
    assert_int_equal(8, got);
    assert_int_equal(0, err);
    size_t bad = 0;
    for (size_t piece = 1; piece <= 40; piece++)
        bad += wt_t_feed(buf, n, piece, &got, &err) != want || got != 8 || err != 0;
    assert_int_equal(0, bad);
    /* And every single split point of the stream into two pieces. */
    bad = 0;
    for (size_t cut = 1; cut < n; cut += 1) {
        wt_deframer_t d;
        wt_deframer_init(&d, 1000);
        size_t off = 0, count = 0, used;
        const size_t ends[2] = {cut, n};
        for (int part = 0; part < 2; part++)
            while (off < ends[part]) {
                int rc = wt_deframer_feed(&d, buf + off, ends[part] - off, &used);
                if (rc < 0 || (rc == 0 && used == 0))
                    break;
                off += used;
                count += rc == 1;
            }
        bad += count != 8 || off != n;
        wt_deframer_free(&d);
    }
    assert_int_equal(0, bad);
    free(buf);
}

static void test_a_frame_longer_than_the_limit_is_refused_from_its_prefix(void **state)
{
    (void)state;
    size_t max = 16 + ug_rand_below(1000);
    uint8_t h[5];
    wt_deframer_t d;
    size_t used;
    /* Exactly the limit is accepted. */
    uint8_t *buf = calloc(1, max + 5);
    wt_frame_header(buf, false, (uint32_t)max);
    wt_deframer_init(&d, max);
    assert_int_equal(1, wt_deframer_feed(&d, buf, max + 5, &used));
    assert_int_equal(max, d.len);
    /* One byte over: refused once the prefix is whole, with no body sent. */
    wt_frame_header(h, false, (uint32_t)max + 1);
    assert_int_equal(WT_EFRAME_TOO_LONG, wt_deframer_feed(&d, h, 5, &used));
    wt_deframer_free(&d);
    wt_deframer_init(&d, max);
    wt_frame_header(h, false, 0xffffffffu);
    assert_int_equal(0, wt_deframer_feed(&d, h, 4, &used));
    assert_int_equal(WT_EFRAME_TOO_LONG, wt_deframer_feed(&d, h + 4, 1, &used));
    wt_deframer_free(&d);
    /* A flag byte that is neither 0 nor 1. */
    wt_deframer_init(&d, max);
    h[0] = (uint8_t)(2 + ug_rand_below(254));
    h[1] = h[2] = h[3] = 0;
    h[4] = 1;
    assert_int_equal(WT_EFRAME_FLAG, wt_deframer_feed(&d, h, 5, &used));
    wt_deframer_free(&d);
    free(buf);
}

static void test_a_stream_ending_inside_a_frame_is_truncated(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t body = 1 + ug_rand_below(50), used;
    wt_frame_header(buf, false, (uint32_t)body);
    memset(buf + 5, 'm', body);
    wt_deframer_t d;
    wt_deframer_init(&d, 100);
    assert_int_equal(0, wt_deframer_end(&d));
    size_t cut = 1 + ug_rand_below(body + 4); /* inside the prefix or the body */
    assert_int_equal(0, wt_deframer_feed(&d, buf, cut, &used));
    assert_int_equal(cut, used);
    assert_int_equal(WT_EFRAME_TRUNCATED, wt_deframer_end(&d));
    assert_int_equal(1, wt_deframer_feed(&d, buf + cut, body + 5 - cut, &used));
    assert_int_equal(0, wt_deframer_end(&d));
    wt_deframer_free(&d);
}

static void test_grpc_message_is_percent_encoded_outside_printable_ascii(void **state)
{
    (void)state;
    char out[128], back[128];
    assert_int_equal(7, wt_percent_encode("a b%c", out, sizeof out));
    assert_string_equal("a b%25c", out); /* '%' itself, spaces kept */
    wt_percent_encode("caf\xc3\xa9\n~", out, sizeof out);
    assert_string_equal("caf%C3%A9%0A~", out);
    /* Random bytes 1..255 round trip, and the encoding is printable ASCII. */
    char in[40];
    for (int i = 0; i < 39; i++)
        in[i] = (char)(1 + ug_rand_below(255));
    in[39] = 0;
    size_t n = wt_percent_encode(in, out, sizeof out);
    int unprintable = 0;
    for (size_t i = 0; i < n && i < sizeof out; i++)
        unprintable += out[i] < 0x20 || out[i] > 0x7e;
    assert_int_equal(0, unprintable);
    wt_percent_decode(out, back, sizeof back);
    assert_string_equal(in, back);
    /* A short buffer gets a NUL-terminated prefix and the whole length. */
    assert_int_equal(6, wt_percent_encode("\x01\x02", out, 4));
    assert_string_equal("%01", out);
}

static void test_a_bad_percent_sequence_is_kept_as_it_is(void **state)
{
    (void)state;
    char out[64];
    wt_percent_decode("100%", out, sizeof out);
    assert_string_equal("100%", out);
    wt_percent_decode("%zz%4", out, sizeof out);
    assert_string_equal("%zz%4", out);
    wt_percent_decode("%41%e2%82%ac%", out, sizeof out);
    assert_string_equal("A\xe2\x82\xac%", out);
    char in[8];
    unsigned v = 0x20 + (unsigned)ug_rand_below(0x5f);
    snprintf(in, sizeof in, "%%%02X!", v);
    wt_percent_decode(in, out, sizeof out);
    assert_int_equal((int)v, (unsigned char)out[0]);
    assert_string_equal("!", out + 1);
}

UG_TEST_GROUP(wire_frame, NULL, NULL,
              cmocka_unit_test(test_the_frame_prefix_is_a_flag_and_a_big_endian_length),
              cmocka_unit_test(test_frames_split_at_every_byte_reassemble),
              cmocka_unit_test(test_a_frame_longer_than_the_limit_is_refused_from_its_prefix),
              cmocka_unit_test(test_a_stream_ending_inside_a_frame_is_truncated),
              cmocka_unit_test(test_grpc_message_is_percent_encoded_outside_printable_ascii),
              cmocka_unit_test(test_a_bad_percent_sequence_is_kept_as_it_is));
