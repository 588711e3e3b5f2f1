/*
 * wt_frame.c — gRPC's message framing and its status message encoding.
 *
 * On an HTTP/2 stream's DATA, each gRPC message is a 5-byte prefix — a
 * flag byte (1: compressed with the call's grpc-encoding) and the length
 * as a 32-bit big-endian number — then that many bytes. DATA frames cut
 * the stream wherever flow control likes, so the reader reassembles: it
 * takes the prefix a byte at a time if need be, refuses a length over its
 * limit as soon as the prefix is whole (before buffering a byte of it),
 * then collects the body.
 *
 * grpc-message travels in a trailer, where only printable ASCII is safe:
 * gRPC percent-encodes every byte outside 0x20..0x7E, and '%' itself, as
 * %XX; a decoder never fails, it keeps a malformed %-sequence as it is.
 *
 * Interface: wt_frame_header; wt_deframer_init → wt_deframer_feed… →
 * wt_deframer_end → wt_deframer_free; wt_percent_encode / _decode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#if LAB_SOLUTION

void wt_frame_header(uint8_t out[WT_FRAME_HEADER], bool compressed, uint32_t len)
{
    out[0] = compressed ? 1 : 0;
    out[1] = (uint8_t)(len >> 24);
    out[2] = (uint8_t)(len >> 16);
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
}

void wt_deframer_init(wt_deframer_t *d, size_t max_len)
{
    memset(d, 0, sizeof *d);
    d->max = max_len;
}

/* The prefix is whole: check it and make room for the body. */
static int wt__begin(wt_deframer_t *d)
{
    if (d->hdr[0] > 1)
        return WT_EFRAME_FLAG;
    uint32_t len = (uint32_t)d->hdr[1] << 24 | (uint32_t)d->hdr[2] << 16 |
                   (uint32_t)d->hdr[3] << 8 | d->hdr[4];
    if (len > d->max)
        return WT_EFRAME_TOO_LONG;
    if (len + 1 > d->cap) {
        uint8_t *p = realloc(d->msg, len + 1);
        if (!p)
            return -ENOMEM;
        d->msg = p;
        d->cap = len + 1;
    }
    d->len = len;
    d->compressed = d->hdr[0] == 1;
    d->have = 0;
    return 0;
}

int wt_deframer_feed(wt_deframer_t *d, const uint8_t *buf, size_t len, size_t *used)
{
    /* have_hdr: 0..4 collecting the prefix, 5 collecting the body,
     * 6 a message was handed out and the next byte starts a prefix. */
    size_t i = 0;
    if (d->have_hdr == WT_FRAME_HEADER + 1)
        d->have_hdr = 0;
    while (d->have_hdr < WT_FRAME_HEADER && i < len) {
        d->hdr[d->have_hdr++] = buf[i++];
        if (d->have_hdr == WT_FRAME_HEADER) {
            int rc = wt__begin(d);
            if (rc < 0) {
                *used = i;
                return rc;
            }
        }
    }
    *used = i;
    if (d->have_hdr < WT_FRAME_HEADER)
        return 0;
    size_t take = d->len - d->have;
    if (take > len - i)
        take = len - i;
    if (take)
        memcpy(d->msg + d->have, buf + i, take);
    d->have += take;
    *used = i + take;
    if (d->have < d->len)
        return 0;
    d->msg[d->len] = 0;
    d->have_hdr = WT_FRAME_HEADER + 1;
    return 1;
}

int wt_deframer_end(const wt_deframer_t *d)
{
    if (d->have_hdr == 0 || d->have_hdr == WT_FRAME_HEADER + 1)
        return 0;
    return WT_EFRAME_TRUNCATED;
}

void wt_deframer_free(wt_deframer_t *d)
{
    free(d->msg);
    d->msg = NULL;
    d->cap = 0;
}

static void wt__out(char *out, size_t cap, size_t at, char c)
{
    if (at + 1 < cap)
        out[at] = c;
}

size_t wt_percent_encode(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p >= 0x20 && *p <= 0x7e && *p != '%') {
            wt__out(out, cap, n++, (char)*p);
            continue;
        }
        wt__out(out, cap, n++, '%');
        wt__out(out, cap, n++, hex[*p >> 4]);
        wt__out(out, cap, n++, hex[*p & 15]);
    }
    if (cap)
        out[n < cap ? n : cap - 1] = 0;
    return n;
}

static int wt__hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t wt_percent_decode(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        int hi, lo;
        if (*p == '%' && (hi = wt__hex(p[1])) >= 0 && (lo = wt__hex(p[2])) >= 0) {
            wt__out(out, cap, n++, (char)(hi << 4 | lo));
            p += 2;
            continue;
        }
        wt__out(out, cap, n++, *p);
    }
    if (cap)
        out[n < cap ? n : cap - 1] = 0;
    return n;
}

#else

void wt_frame_header(uint8_t out[WT_FRAME_HEADER], bool compressed, uint32_t len)
{
    (void)compressed;
    (void)len;
    memset(out, 0, WT_FRAME_HEADER);
}
void wt_deframer_init(wt_deframer_t *d, size_t max_len)
{
    memset(d, 0, sizeof *d);
    d->max = max_len;
}
int wt_deframer_feed(wt_deframer_t *d, const uint8_t *buf, size_t len, size_t *used)
{
    (void)d;
    (void)buf;
    (void)len;
    *used = 0;
    return -ENOSYS;
}
int wt_deframer_end(const wt_deframer_t *d)
{
    (void)d;
    return -ENOSYS;
}
void wt_deframer_free(wt_deframer_t *d)
{
    (void)d;
}
size_t wt_percent_encode(const char *in, char *out, size_t cap)
{
    (void)in;
    if (cap)
        out[0] = 0;
    return 0;
}
size_t wt_percent_decode(const char *in, char *out, size_t cap)
{
    (void)in;
    if (cap)
        out[0] = 0;
    return 0;
}

#endif
