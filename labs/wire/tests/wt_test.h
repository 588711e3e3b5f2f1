/*
 * wt_test.h — what the wire lab's tests share: encoding a message into a
 * buffer, and building messages of the example schema (wire.h,
 * wt_schema_all) field by field.
 */
#ifndef WT_TEST_H
#define WT_TEST_H

#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "wire.h"

/* Encodes m into buf (cap bytes); the length, or the negative code. */
static inline long wt_t_encode(const wt_msg_t *m, uint8_t *buf, size_t cap)
{
    memset(buf, 0xee, cap);
    return (long)wt_encode(m, buf, cap);
}

/* Checks that m encodes to exactly the bytes of the literal `want`. A
 * macro, so the expected bytes stay on the judging side only. */
#define WT_EXPECT_BYTES(want, m)                                                                   \
    do {                                                                                           \
        uint8_t wt__buf[512];                                                                      \
        long wt__n = wt_t_encode((m), wt__buf, sizeof wt__buf);                                    \
        assert_int_equal((long)(sizeof(want) - 1), wt__n);                                         \
        if (wt__n > 0)                                                                             \
            assert_memory_equal((const uint8_t *)(want), wt__buf, (size_t)wt__n);                  \
    } while (0)

static inline void wt_t_int(wt_msg_t *m, uint32_t num, int64_t v)
{
    wt_push(m, num)->i = v;
}

static inline void wt_t_uint(wt_msg_t *m, uint32_t num, uint64_t v)
{
    wt_push(m, num)->u = v;
}

static inline void wt_t_str(wt_msg_t *m, uint32_t num, const char *s, size_t n)
{
    wt_value_set_bytes(wt_push(m, num), s, n);
}

/* Decodes n bytes into a new message of type d; *rc gets the result. */
static inline wt_msg_t *wt_t_decode(const wt_desc_t *d, const void *buf, size_t n, int *rc)
{
    wt_msg_t *m = wt_msg_new(d);
    *rc = wt_decode(m, (const uint8_t *)buf, n);
    return m;
}

/* A control beside a test's malformed inputs: a seeded uint64 in field 4
 * of wtc.All decodes to itself. Seeds the transcript with a value the
 * decoder computed. */
#define WT_CHECK_CONTROL()                                                                         \
    do {                                                                                           \
        uint64_t wt__v = ug_rand();                                                                \
        uint8_t wt__b[11] = {0x20};                                                                \
        size_t wt__n = 1 + wt_varint_put(wt__b + 1, wt__v);                                        \
        int wt__rc;                                                                                \
        wt_msg_t *wt__m = wt_t_decode(&wt_schema_all, wt__b, wt__n, &wt__rc);                      \
        assert_int_equal(0, wt__rc);                                                               \
        const wt_values_t *wt__vs = wt_get(wt__m, 4);                                              \
        assert_int_equal(wt__v, wt__vs->n ? wt__vs->v[0].u : 0);                                   \
        wt_msg_free(wt__m);                                                                        \
    } while (0)

#endif
