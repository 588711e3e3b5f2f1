/*
 * wire.h — protobuf's wire format for messages described by a table, and
 * gRPC's framing over HTTP/2: what makes gRPC smaller and stricter than
 * JSON over REST.
 *
 * Model. A message type is a descriptor table (wt_desc_t): one row per
 * field, with its number, name, type, label (singular or repeated), the
 * packed flag of a repeated number and, for an embedded message, the
 * nested table. A message is generic: wt_msg_t holds, per row of its
 * table, an array of values (0 or 1 for a singular field), plus the bytes
 * of the fields it did not know, kept to be sent on unchanged.
 *
 * Interface (codec):
 *   wt_msg_new(desc) → wt_push / wt_push_msg / wt_value_set_bytes … →
 *   wt_size, wt_encode → bytes;  bytes → wt_decode(msg) (merges) → wt_msg_free.
 *   Varint and friends: wt_varint_put / wt_varint_get, wt_zigzag*.
 * Interface (gRPC):
 *   wt_frame_header / wt_deframer_* (the 5-byte length prefix),
 *   wt_percent_encode / wt_percent_decode (grpc-message),
 *   wt_serve / wt_call_unary / wt_call_stream (calls over libs/h2).
 *
 * Errors: every function returns 0 (or a count) or a negative code: a
 * negative errno (-ENOMEM, -ENOSPC, -EINVAL) or one of WT_E* below, each
 * naming one way a message is malformed.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- descriptors --------------------------------------------------------- */

typedef enum wt_type {
    WT_INT32 = 1,
    WT_INT64,
    WT_UINT32,
    WT_UINT64,
    WT_SINT32,
    WT_SINT64,
    WT_BOOL,
    WT_ENUM,
    WT_FIXED32,
    WT_FIXED64,
    WT_SFIXED32,
    WT_SFIXED64,
    WT_FLOAT,
    WT_DOUBLE,
    WT_STRING,
    WT_BYTES,
    WT_MESSAGE,
} wt_type_t;

typedef enum wt_label { WT_SINGULAR = 0, WT_REPEATED = 1 } wt_label_t;

/* The wire types of a tag's low three bits. */
enum { WT_WIRE_VARINT = 0, WT_WIRE_I64 = 1, WT_WIRE_LEN = 2, WT_WIRE_I32 = 5 };

typedef struct wt_desc wt_desc_t;

typedef struct wt_field_desc {
    uint32_t number; /* 1 .. 2^29-1 */
    const char *name;
    wt_type_t type;
    wt_label_t label;
    bool packed;              /* repeated numbers: one LEN record on encode */
    const wt_desc_t *message; /* WT_MESSAGE: the nested table */
} wt_field_desc_t;

struct wt_desc {
    const char *name;
    const wt_field_desc_t *fields; /* in field-number order: the order of encoding */
    size_t nfields;
};

/* The example schema (tests/conformance.proto) of the tests, the
 * benchmark and the demos: wtc.All has one field of every type, singular
 * and repeated, packed and not; wtc.Inner is embedded in it. */
extern const wt_desc_t wt_schema_all, wt_schema_inner;

/* ---- messages ------------------------------------------------------------ */

typedef struct wt_msg wt_msg_t;

typedef struct wt_bytes {
    uint8_t *data; /* owned by the message (NUL-terminated for convenience) */
    size_t len;
} wt_bytes_t;

/* One value; the field's type says which member holds it:
 * i: int32 int64 sint32 sint64 sfixed32 sfixed64 enum (32-bit types
 *    sign-extended); u: uint32 uint64 fixed32 fixed64; b: bool;
 * f: float; d: double; s: string bytes; m: message. */
typedef union wt_value {
    int64_t i;
    uint64_t u;
    bool b;
    float f;
    double d;
    wt_bytes_t s;
    wt_msg_t *m;
} wt_value_t;

typedef struct wt_values {
    size_t n, cap;
    wt_value_t *v;
} wt_values_t;

struct wt_msg {
    /* read-only */
    const wt_desc_t *desc;
    wt_values_t *fields; /* [desc->nfields], in the table's order */
    uint8_t *unknown;    /* the unknown fields' records (tag and payload), in arrival order */
    size_t unknown_len, unknown_cap;
};

/* An empty message of type d; NULL on no memory. wt_msg_free is NULL-safe. */
wt_msg_t *wt_msg_new(const wt_desc_t *d);
void wt_msg_free(wt_msg_t *m);
/* The row of field `number` in d, or NULL. */
const wt_field_desc_t *wt_field(const wt_desc_t *d, uint32_t number);
/* The values of field `number` of m, or NULL when d has no such field. */
const wt_values_t *wt_get(const wt_msg_t *m, uint32_t number);
/* A zeroed slot for field `number`: appended to a repeated field; a
 * singular field's one slot, cleared of its previous value. NULL when the
 * field is unknown or on no memory. */
wt_value_t *wt_push(wt_msg_t *m, uint32_t number);
/* A new empty embedded message in field `number` (a message field), as
 * wt_push; for a singular field the previous one is freed. */
wt_msg_t *wt_push_msg(wt_msg_t *m, uint32_t number);
/* Copies len bytes into v (string or bytes). 0 or -ENOMEM. */
int wt_value_set_bytes(wt_value_t *v, const void *p, size_t len);
/* Appends raw bytes to m's unknown fields. 0 or -ENOMEM. */
int wt_unknown_append(wt_msg_t *m, const uint8_t *p, size_t len);

/* ---- primitives ---------------------------------------------------------- */

/* Writes v as a varint (1..10 bytes) to out; returns its length. */
size_t wt_varint_put(uint8_t out[10], uint64_t v);
/* The length wt_varint_put would write. */
size_t wt_varint_len(uint64_t v);
/* Reads a varint from p[0..len): its length, or WT_ETRUNCATED_VARINT
 * (input ends inside it) or WT_EOVERLONG_VARINT (more than 10 bytes, or a
 * tenth byte with bits beyond the 64th). */
int wt_varint_get(const uint8_t *p, size_t len, uint64_t *v);
uint64_t wt_zigzag64(int64_t v);
int64_t wt_unzigzag64(uint64_t v);
uint32_t wt_zigzag32(int32_t v);
int32_t wt_unzigzag32(uint32_t v);
void wt_put_fixed32(uint8_t out[4], uint32_t v); /* little-endian */
void wt_put_fixed64(uint8_t out[8], uint64_t v);
uint32_t wt_get_fixed32(const uint8_t p[4]);
uint64_t wt_get_fixed64(const uint8_t p[8]);

/* ---- encode and decode --------------------------------------------------- */

/* The bytes wt_encode writes for m. */
size_t wt_size(const wt_msg_t *m);
/* Encodes m into buf: fields in the table's order, proto3 defaults (0,
 * false, 0.0, empty strings and bytes, empty repeated fields) left out,
 * a set embedded message always sent, packed fields as one LEN record,
 * unknown fields last, as received. Returns the length, or -ENOSPC when
 * cap is smaller than wt_size(m) (nothing useful written). */
ssize_t wt_encode(const wt_msg_t *m, uint8_t *buf, size_t cap);
/* Decodes buf into m, merging: a repeated field appends, a singular
 * scalar takes the last value, an embedded message merges into the one
 * present, unknown fields are kept. A repeated number is accepted packed
 * or not, whatever the table says. Returns 0 or one WT_E* code (m may
 * then hold part of the message). */
int wt_decode(wt_msg_t *m, const uint8_t *buf, size_t len);

/* Embedded messages nest at most this deep (as protobuf's recursion limit). */
#define WT_MAX_DEPTH 64

/* The codec's errors: each a distinct negative value, named by wt_strerror. */
#define WT_ERRORS(X)                                                                               \
    X(WT_ETRUNCATED_VARINT, -1001, "the input ends inside a varint")                               \
    X(WT_EOVERLONG_VARINT, -1002, "a varint longer than 10 bytes or 64 bits")                      \
    X(WT_EFIELD_ZERO, -1003, "field number 0")                                                     \
    X(WT_EFIELD_RANGE, -1004, "field number above 2^29-1")                                         \
    X(WT_EBAD_WIRE_TYPE, -1005, "wire type 6 or 7 does not exist")                                 \
    X(WT_EGROUP, -1006, "groups (wire types 3 and 4) are not supported")                           \
    X(WT_EWRONG_WIRE_TYPE, -1007, "a known field with the wrong wire type")                        \
    X(WT_ELENGTH_PAST_END, -1008, "a length-delimited field runs past the end")                    \
    X(WT_ETRUNCATED_FIXED, -1009, "the input ends inside a fixed32 or fixed64")                    \
    X(WT_EPACKED_PARTIAL, -1010, "a packed field ends inside an element")                          \
    X(WT_EBAD_UTF8, -1011, "a string field is not valid UTF-8")                                    \
    X(WT_ETOO_DEEP, -1012, "embedded messages nest too deep")                                      \
    X(WT_EFRAME_TOO_LONG, -1013, "a gRPC message longer than the limit")                           \
    X(WT_EFRAME_FLAG, -1014, "a gRPC frame's flag byte is neither 0 nor 1")                        \
    X(WT_EFRAME_TRUNCATED, -1015, "the stream ends inside a gRPC frame")

enum wt_error {
#define WT__ENUM(name, value, text) name = value,
    WT_ERRORS(WT__ENUM)
#undef WT__ENUM
};

/* "WT_EBAD_UTF8: a string field is not valid UTF-8", or strerror's text for
 * a negative errno. Never NULL. */
const char *wt_strerror(int code);

/* ---- gRPC framing -------------------------------------------------------- */

/* The 5-byte prefix of a gRPC message: flag byte (1: compressed), then the
 * length, big-endian. */
#define WT_FRAME_HEADER 5
void wt_frame_header(uint8_t out[WT_FRAME_HEADER], bool compressed, uint32_t len);

/* Reassembles gRPC messages from DATA in pieces of any size. */
typedef struct wt_deframer {
    /* public, read-only after wt_deframer_feed returned 1 */
    uint8_t *msg; /* the message (owned; valid until the next feed) */
    size_t len;
    bool compressed;
    /* private */
    size_t max; /* longest message accepted */
    uint8_t hdr[WT_FRAME_HEADER];
    size_t have_hdr, have, cap;
} wt_deframer_t;

void wt_deframer_init(wt_deframer_t *d, size_t max_len);
/* Consumes bytes of buf up to the end of one message (*used says how
 * many). Returns 1 when a message is complete (d->msg, d->len), 0 when it
 * needs more, WT_EFRAME_TOO_LONG as soon as a prefix announces more than
 * the limit, WT_EFRAME_FLAG for a flag byte other than 0 or 1, -ENOMEM. */
int wt_deframer_feed(wt_deframer_t *d, const uint8_t *buf, size_t len, size_t *used);
/* At the end of the stream: 0 if no frame was begun, else WT_EFRAME_TRUNCATED. */
int wt_deframer_end(const wt_deframer_t *d);
void wt_deframer_free(wt_deframer_t *d);

/* grpc-message: bytes outside printable ASCII (0x20..0x7E) and '%' become
 * %XX (uppercase hex). Writes at most cap-1 bytes and a NUL; returns the
 * length the whole encoding needs (as snprintf). */
size_t wt_percent_encode(const char *in, char *out, size_t cap);
/* Decodes %XX; a '%' not followed by two hex digits is kept as it is
 * (gRPC: never fail on a bad message). Same return as above. */
size_t wt_percent_decode(const char *in, char *out, size_t cap);

/* gRPC status codes. */
enum {
    WT_OK = 0,
    WT_CANCELLED = 1,
    WT_UNKNOWN = 2,
    WT_INVALID_ARGUMENT = 3,
    WT_DEADLINE_EXCEEDED = 4,
    WT_NOT_FOUND = 5,
    WT_ALREADY_EXISTS = 6,
    WT_PERMISSION_DENIED = 7,
    WT_RESOURCE_EXHAUSTED = 8,
    WT_FAILED_PRECONDITION = 9,
    WT_ABORTED = 10,
    WT_OUT_OF_RANGE = 11,
    WT_UNIMPLEMENTED = 12,
    WT_INTERNAL = 13,
    WT_UNAVAILABLE = 14,
    WT_DATA_LOSS = 15,
    WT_UNAUTHENTICATED = 16,
};

/* ---- gRPC calls over HTTP/2 (libs/h2) ------------------------------------ */

/* The largest message a call accepts (grpc-go's default: 4 MiB). */
#define WT_MAX_MESSAGE (4u << 20)

typedef struct wt_status {
    int code;          /* grpc-status */
    char message[256]; /* grpc-message, decoded */
} wt_status_t;

struct conn;
struct h2_conn;
typedef struct wt_sender wt_sender_t;

/* A unary handler fills resp and returns a status code (WT_OK, or an
 * error with msg: a message for grpc-message, may be NULL). */
typedef int (*wt_unary_fn)(const wt_msg_t *req, wt_msg_t *resp, const char **msg, void *arg);
/* A server-streaming handler sends any number of messages, then returns
 * a status code as above. */
typedef int (*wt_stream_fn)(const wt_msg_t *req, wt_sender_t *out, const char **msg, void *arg);

typedef struct wt_method {
    const char *path; /* "/pkg.Service/Method" */
    const wt_desc_t *req, *resp;
    wt_unary_fn unary; /* one of the two */
    wt_stream_fn stream;
    void *arg;
} wt_method_t;

typedef struct wt_service {
    const wt_method_t *methods;
    size_t nmethods;
} wt_service_t;

/* Sends one message of a server-streaming call. 0 or -error. */
int wt_send(wt_sender_t *out, const wt_msg_t *m);
/* Serves gRPC on c (owned) until the peer closes it: each request's path
 * picks a method (none: UNIMPLEMENTED), its one message is decoded
 * (malformed: INTERNAL), the handler runs, and the response goes back as
 * HEADERS (:status 200, content-type application/grpc), DATA (5-byte
 * framed messages) and trailers (grpc-status, grpc-message percent-
 * encoded). Returns as h2_serve. */
int wt_serve(struct conn *c, const wt_service_t *svc);

/* A unary call on h: sends req, reads one response into resp (of its
 * type), fills st from the trailers (or the headers of a trailers-only
 * answer). Returns 0 when the call completed (st says how; resp is
 * meaningful only with WT_OK), or -error when the transport failed. */
int wt_call_unary(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_msg_t *resp,
                  wt_status_t *st);

typedef struct wt_call wt_call_t;
/* Opens a server-streaming call: sends req and half-closes. */
int wt_call_stream(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_call_t **out);
/* Parks for the next message into m (of the response type; merged, so
 * pass an empty one): 1 with a message, 0 at the end of the stream (then
 * st is filled), or a negative code. */
int wt_call_recv(wt_call_t *c, wt_msg_t *m, wt_status_t *st);
void wt_call_free(wt_call_t *c); /* NULL-safe */

#endif
