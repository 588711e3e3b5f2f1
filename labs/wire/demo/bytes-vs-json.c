/*
 * bytes-vs-json.c — one message two ways. The protobuf bytes, record by
 * record: the tag (field number and wire type), then the payload; the
 * same message as the JSON a REST API would send; and both sizes. JSON
 * repeats every field name and spells every number in decimal; protobuf
 * sends a number for the name and skips the fields at their default.
 *
 * Interface: main → build → annotate(bytes) → json(message).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "wire.h"

static const char *const wire_names[] = {"varint", "i64", "len", "sgroup", "egroup", "i32"};

/* Prints one message's records, indented, recursing into messages. */
static void annotate(demo_t *d, const wt_desc_t *desc, const uint8_t *p, size_t n, int depth)
{
    size_t off = 0;
    while (off < n) {
        uint64_t key, v;
        int k = wt_varint_get(p + off, n - off, &key);
        if (!demo_ok(d, k, "wt_varint_get"))
            return;
        const wt_field_desc_t *f = wt_field(desc, (uint32_t)(key >> 3));
        int wt = (int)(key & 7);
        printf("%*s%s", 2 + 2 * depth, "", demo_c(d, DEMO_YELLOW));
        for (int i = 0; i < k; i++)
            printf("%02x ", p[off + (size_t)i]);
        printf("%s field %" PRIu64 " %s (%s)\n", demo_c(d, DEMO_RESET), key >> 3, f ? f->name : "?",
               wire_names[wt < 6 ? wt : 0]);
        off += (size_t)k;
        size_t len = wt == WT_WIRE_I64 ? 8 : wt == WT_WIRE_I32 ? 4 : 0, hdr = 0;
        if (wt == WT_WIRE_VARINT) {
            int m = wt_varint_get(p + off, n - off, &v);
            len = m > 0 ? (size_t)m : 1;
        } else if (wt == WT_WIRE_LEN) {
            int m = wt_varint_get(p + off, n - off, &v);
            hdr = m > 0 ? (size_t)m : 1;
            len = hdr + (size_t)v;
        }
        printf("%*s", 4 + 2 * depth, "");
        if (f && f->type == WT_MESSAGE) {
            printf("%02x   length %zu\n", p[off], len - hdr);
            annotate(d, f->message, p + off + hdr, len - hdr, depth + 2);
        } else {
            for (size_t i = 0; i < len && i < 24; i++)
                printf("%02x ", p[off + i]);
            printf("%s\n", len > 24 ? "..." : "");
        }
        off += len;
    }
}

static void json_str(const uint8_t *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++)
        putchar(s[i]);
    putchar('"');
}

/* The message as compact JSON (64-bit integers as strings, as protobuf's
 * JSON mapping does); returns its length. */
static size_t json(const wt_msg_t *m)
{
    char buf[64];
    size_t len = 1;
    putchar('{');
    bool first = true;
    for (size_t i = 0; i < m->desc->nfields; i++) {
        const wt_field_desc_t *f = &m->desc->fields[i];
        const wt_values_t *vs = &m->fields[i];
        if (!vs->n)
            continue;
        len += (size_t)printf("%s\"%s\":", first ? "" : ",", f->name);
        first = false;
        if (f->label == WT_REPEATED)
            len += (size_t)printf("[");
        for (size_t j = 0; j < vs->n; j++) {
            const wt_value_t *v = &vs->v[j];
            if (j)
                len += (size_t)printf(",");
            if (f->type == WT_STRING) {
                json_str(v->s.data, v->s.len);
                len += v->s.len + 2;
            } else if (f->type == WT_MESSAGE) {
                len += json(v->m);
            } else if (f->type == WT_INT64 || f->type == WT_SINT64) {
                len += (size_t)printf("\"%" PRId64 "\"", v->i);
            } else if (f->type == WT_BOOL) {
                len += (size_t)printf("%s", v->b ? "true" : "false");
            } else if (f->type == WT_DOUBLE) {
                snprintf(buf, sizeof buf, "%g", v->d);
                len += (size_t)printf("%s", buf);
            } else if (f->type == WT_UINT32 || f->type == WT_UINT64 || f->type == WT_FIXED32) {
                len += (size_t)printf("%" PRIu64, v->u);
            } else {
                len += (size_t)printf("%" PRId64, v->i);
            }
        }
        if (f->label == WT_REPEATED)
            len += (size_t)printf("]");
    }
    putchar('}');
    return len + 1;
}

int main(int argc, char **argv)
{
    demo_t d;
    static const demo_spec_t spec = {.name = "wire bytes-vs-json",
                                     .about = "one message as protobuf bytes and as JSON"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_push(m, 1)->i = 150;
    wt_push(m, 2)->i = 1733212800123;
    wt_push(m, 5)->i = -2;
    wt_push(m, 7)->b = true;
    wt_push(m, 14)->d = 0.25;
    wt_value_set_bytes(wt_push(m, 15), "gRPC over HTTP/2", 16);
    wt_push(m, 3)->u = 0; /* a default: protobuf leaves it out, this JSON does not */
    wt_msg_t *in = wt_push_msg(m, 17);
    wt_push(in, 1)->i = 7;
    wt_value_set_bytes(wt_push(in, 2), "inner", 5);
    for (int i = 1; i <= 5; i++)
        wt_push(m, 18)->i = i * i;
    uint8_t buf[256];
    ssize_t n = wt_encode(m, buf, sizeof buf);
    if (demo_ok(&d, n, "wt_encode")) {
        demo_title(&d, "protobuf: %zd bytes, record by record (tag, then payload)", n);
        annotate(&d, &wt_schema_all, buf, (size_t)n, 0);
        demo_title(&d, "JSON");
        printf("  ");
        size_t j = json(m);
        printf("\n");
        demo_title(&d, "sizes");
        printf("  protobuf %zd bytes, JSON %zu bytes: JSON is %.1fx larger\n", n, j,
               (double)j / (double)n);
        demo_note(&d, "field names travel once, in the .proto, never on the wire");
    }
    wt_msg_free(m);
    return demo_end(&d);
}
