/*
 * st_internal.h — what the status lab's sources share: the parser's state,
 * the character classes of RFC 9110/9112/3986, and the phase functions.
 *
 * The parser is a state machine over bytes. st_feed hands the input to the
 * function of the current phase group (request line, field lines, body);
 * each takes as many bytes as it can, in runs scanned with the class table
 * rather than byte by byte through a switch, and returns where it stopped.
 * A phase that needs a byte that has not arrived just returns: every bit of
 * state lives in st_parser_t, so a request cut into any pieces parses as
 * one. Head bytes are copied into a fixed arena of max_head + 1 bytes as
 * they are taken; a delimiter that ends a string (the SP after the method
 * and the target, the colon, the CR) becomes its NUL, so the arena never
 * holds more than the head took.
 *
 * Limits are checked before a byte's meaning: once a budget is spent, the
 * next byte is an error of that limit whatever it is, except the delimiter
 * that may end what the budget counts (SP after the target, CR after a
 * field line). The target's budget is checked before the head's.
 *
 * Interface: st_feed → st__line / st__fields / st__body, which call
 * st__fail on the first bad byte; st__field_done and st__head_done (in
 * st_field.c) interpret what the field lines said.
 */
#ifndef ST_INTERNAL_H
#define ST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "status.h"

/* ---- character classes ------------------------------------------------------- */

enum {
    ST_C_TCHAR = 1 << 0,  /* token: ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~ */
    ST_C_VCHAR = 1 << 1,  /* field-vchar: VCHAR and obs-text (0x80-0xff) */
    ST_C_WS = 1 << 2,     /* SP, HTAB */
    ST_C_PCHAR = 1 << 3,  /* path: unreserved sub-delims : @ and / */
    ST_C_QUERY = 1 << 4,  /* query: pchar and / ? */
    ST_C_REG = 1 << 5,    /* reg-name: unreserved and sub-delims */
    ST_C_HEX = 1 << 6,    /* HEXDIG */
    ST_C_SCHEME = 1 << 7, /* after a scheme's first letter: ALPHA DIGIT + - . */
};

extern const uint8_t st__class[256];

static inline bool st__is(uint8_t c, uint8_t cls)
{
    return (st__class[c] & cls) != 0;
}

/* Bytes at s (at most n) of class cls before the first that is not; cls
 * is one bit (the AND of four bytes' classes tests all four at once). */
static inline size_t st__run(const uint8_t *s, size_t n, uint8_t cls)
{
    size_t i = 0;
    while (i + 4 <= n && (st__class[s[i]] & st__class[s[i + 1]] & st__class[s[i + 2]] &
                          st__class[s[i + 3]] & cls))
        i += 4;
    while (i < n && (st__class[s[i]] & cls))
        i++;
    return i;
}

/* Bytes at s (at most n) that may be in a field value (field-vchar, SP,
 * HTAB) before the first that may not: a control byte or DEL. Values are
 * most of a head's bytes, so they go 16 at a time where SSE2 is there. */
static inline size_t st__value_run(const uint8_t *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(0x20), tab = _mm_set1_epi8(9), del = _mm_set1_epi8(0x7f);
    const __m128i neg = _mm_set1_epi8(-1);
    for (; i + 16 <= n; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* Signed compares: obs-text (0x80-0xff) is negative, so allowed. */
        __m128i ctl = _mm_and_si128(_mm_cmplt_epi8(b, sp), _mm_cmpgt_epi8(b, neg));
        __m128i bad = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(b, tab), ctl),
                                   _mm_cmpeq_epi8(b, del));
        unsigned m = (unsigned)_mm_movemask_epi8(bad);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && (st__class[s[i]] & (ST_C_VCHAR | ST_C_WS)))
        i++;
    return i;
}

/* ---- phases -------------------------------------------------------------------------- */

enum st_phase {
    /* the request line (st_line.c) */
    ST_PH_START,    /* empty lines may come before the request line */
    ST_PH_START_LF, /* the CR of such an empty line was taken */
    ST_PH_METHOD,
    ST_PH_TARGET,  /* p->sub: where in the target (st_tsub) */
    ST_PH_VERSION, /* p->sub: the byte of "HTTP/d.d\r\n" expected next */
    /* field lines (st_field.c): the head's, then the trailer section's */
    ST_PH_FIELD_START,
    ST_PH_NAME,
    ST_PH_OWS, /* after the colon, before the value */
    ST_PH_VALUE,
    ST_PH_FIELD_LF,
    ST_PH_END_LF, /* the CR of the empty line was taken */
    /* the body (st_body.c) */
    ST_PH_LENGTH,
    ST_PH_CHUNK, /* p->sub: where in the chunk-size line (st_csub) */
    ST_PH_DATA,
    ST_PH_DATA_CR,
    ST_PH_DATA_LF,
    ST_PH_OVER, /* ST_DONE or ST_ERROR */
};

/* Where in the request-target. */
enum st_tsub {
    ST_T_FIRST, /* its first byte decides the form */
    ST_T_PATH,
    ST_T_QUERY,
    ST_T_STAR,
    ST_T_SCHEME,
    ST_T_SLASH1,
    ST_T_SLASH2,
    ST_T_AUTH,    /* absolute-form's authority: p->host */
    ST_T_CONNECT, /* authority-form: p->host */
};

/* Where in a host [":" port] (absolute-form, authority-form, Host). */
enum st_hsub {
    ST_H_START,
    ST_H_REG, /* reg-name (IPv4 addresses are reg-names too) */
    ST_H_IP0, /* after "[" */
    ST_H_IP,
    ST_H_IP_END, /* after "]" */
    ST_H_PORT0,  /* after ":" */
    ST_H_PORT,
    ST_H_BAD,
};

/* Where in a chunk-size line: size, then extensions (RFC 9112 §7.1.1). */
enum st_csub {
    ST_CS_SIZE0, /* the first HEXDIG */
    ST_CS_SIZE,
    ST_CS_BWS,     /* whitespace: ";" must follow */
    ST_CS_EXT_PRE, /* after ";": whitespace, then a name */
    ST_CS_EXT_NAME,
    ST_CS_EXT_NAME_BWS, /* whitespace after a name: "=" or ";" must follow */
    ST_CS_VAL_PRE,      /* after "=" */
    ST_CS_VAL_TOKEN,
    ST_CS_VAL_QUOTED,
    ST_CS_VAL_QPAIR,   /* after a backslash in a quoted-string */
    ST_CS_VAL_AFTER_Q, /* after the closing quote */
    ST_CS_LF,          /* the CR was taken */
};

/* ---- the parser ---------------------------------------------------------------------- */

struct st_parser {
    /* read-only: the configuration, limits resolved */
    st_limits_t lim;
    st_body_fn on_body;
    void *ud;
    char *arena;        /* lim.max_head + 1 bytes */
    st_field_t *fields; /* lim.max_fields entries */

    /* progress */
    uint8_t phase; /* enum st_phase */
    uint8_t sub;   /* st_tsub, a version byte index, or st_csub */
    uint8_t host;  /* st_hsub of the target's authority */
    uint8_t pct;   /* HEXDIGs still due after a '%' */
    st_state_t state;
    int status;              /* after ST_ERROR */
    bool head_done, trailer; /* trailer: field lines of the trailer section */
    bool host_named;         /* the authority has a host (not just ":port") */
    size_t used;             /* head (or trailer section) bytes taken */
    size_t lines;            /* field lines of this section */
    size_t line;             /* bytes of this field or chunk-size line */
    size_t alen;             /* arena bytes in use */
    size_t mark;             /* arena offset of the string being read */
    size_t vend;             /* arena offset after the value's last non-OWS byte */
    size_t name_len;

    /* the request line */
    size_t target_off, target_len;
    st_form_t form;
    int major, minor;
    bool connect, options;

    /* what the field lines said */
    size_t nfields;
    unsigned hosts;
    bool has_cl, has_te;
    uint64_t cl;
    bool te_chunked_last; /* the last coding so far is chunked */
    bool te_misplaced;    /* a coding came after chunked (chunked again included) */
    bool te_unknown;      /* a coding other than chunked */
    bool conn_close, conn_keep_alive;

    /* the body */
    st_framing_t framing;
    uint64_t left;  /* Content-Length or chunk bytes still due */
    uint64_t chunk; /* the size being read */
    uint64_t body;  /* body bytes so far */
};

/* Ends the request with status; returns NULL so callers can `return st__fail(...)`. */
const uint8_t *st__fail(st_parser_t *p, int status);

/* Ends the request successfully. */
void st__done(st_parser_t *p);

/* Phase groups: each takes bytes from [s, e) and returns where it stopped
 * (NULL after st__fail). */
const uint8_t *st__line(st_parser_t *p, const uint8_t *s, const uint8_t *e);
const uint8_t *st__fields(st_parser_t *p, const uint8_t *s, const uint8_t *e);
const uint8_t *st__body(st_parser_t *p, const uint8_t *s, const uint8_t *e);

/* One step of the host automaton: the next st_hsub after byte c (ST_H_BAD
 * if c cannot come there); p->pct and p->host_named follow. */
uint8_t st__host_step(st_parser_t *p, uint8_t h, uint8_t c);

/* Whether a host ends well in state h: no '%' pending, a port if one is
 * needed, a host name if one is needed. */
bool st__host_end(const st_parser_t *p, uint8_t h, bool need_host, bool need_port);

/* The field line just ended (name and value in the arena): Host,
 * Content-Length, Transfer-Encoding and Connection are interpreted.
 * Returns 0 or the status of what is wrong. */
int st__field_done(st_parser_t *p, const char *name, size_t nlen, const char *value, size_t vlen);

/* The empty line after the head's fields was taken: the checks of the whole
 * head (Host, framing). Returns 0 or a status; on 0 the body phase is set. */
int st__head_done(st_parser_t *p);

/* Bytes the head (or trailer) budget still allows. */
static inline size_t st__head_left(const st_parser_t *p)
{
    return p->lim.max_head - p->used;
}

static inline size_t st__min(size_t a, size_t b)
{
    return a < b ? a : b;
}

#endif
