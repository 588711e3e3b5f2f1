/*
 * st_parser.c — the parser's life and its input loop (st_internal.h has the
 * model): new/reset/free, st_feed handing bytes to the phase groups,
 * st_eof, the head once complete, and the character class table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "st_internal.h"

#if LAB_SOLUTION

/* ---- character classes, computed by the compiler --------------------------------- */

#define ST_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define ST_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define ST_HEXC(c) (ST_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
#define ST_UNRESERVED(c)                                                                           \
    (ST_ALPHA(c) || ST_DIGIT(c) || (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~')
#define ST_SUBDELIM(c)                                                                             \
    ((c) == '!' || (c) == '$' || (c) == '&' || (c) == '\'' || (c) == '(' || (c) == ')' ||          \
     (c) == '*' || (c) == '+' || (c) == ',' || (c) == ';' || (c) == '=')
#define ST_TCHARC(c)                                                                               \
    (ST_ALPHA(c) || ST_DIGIT(c) || (c) == '!' || (c) == '#' || (c) == '$' || (c) == '%' ||         \
     (c) == '&' || (c) == '\'' || (c) == '*' || (c) == '+' || (c) == '-' || (c) == '.' ||          \
     (c) == '^' || (c) == '_' || (c) == '`' || (c) == '|' || (c) == '~')
#define ST_PCHARC(c) (ST_UNRESERVED(c) || ST_SUBDELIM(c) || (c) == ':' || (c) == '@' || (c) == '/')

#define ST_CLS(c)                                                                                  \
    ((ST_TCHARC(c) ? ST_C_TCHAR : 0) | (((c) >= 0x21 && (c) != 0x7f) ? ST_C_VCHAR : 0) |           \
     (((c) == ' ' || (c) == '\t') ? ST_C_WS : 0) | (ST_PCHARC(c) ? ST_C_PCHAR : 0) |               \
     ((ST_PCHARC(c) || (c) == '?') ? ST_C_QUERY : 0) |                                             \
     ((ST_UNRESERVED(c) || ST_SUBDELIM(c)) ? ST_C_REG : 0) | (ST_HEXC(c) ? ST_C_HEX : 0) |         \
     ((ST_ALPHA(c) || ST_DIGIT(c) || (c) == '+' || (c) == '-' || (c) == '.') ? ST_C_SCHEME : 0))
#define ST_C4(n) ST_CLS(n), ST_CLS((n) + 1), ST_CLS((n) + 2), ST_CLS((n) + 3)
#define ST_C16(n) ST_C4(n), ST_C4((n) + 4), ST_C4((n) + 8), ST_C4((n) + 12)
#define ST_C64(n) ST_C16(n), ST_C16((n) + 16), ST_C16((n) + 32), ST_C16((n) + 48)

const uint8_t st__class[256] = {ST_C64(0), ST_C64(64), ST_C64(128), ST_C64(192)};

/* ---- life ----------------------------------------------------------------------------- */

static size_t or_default(size_t v, size_t def)
{
    return v ? v : def;
}

int st_parser_new(const st_config_t *cfg, st_parser_t **out)
{
    if (!out)
        return -EINVAL;
    *out = NULL;
    st_config_t c = cfg ? *cfg : (st_config_t){0};
    st_parser_t *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->lim.max_target = or_default(c.limits.max_target, ST_DEFAULT_MAX_TARGET);
    p->lim.max_field = or_default(c.limits.max_field, ST_DEFAULT_MAX_FIELD);
    p->lim.max_head = or_default(c.limits.max_head, ST_DEFAULT_MAX_HEAD);
    p->lim.max_fields = or_default(c.limits.max_fields, ST_DEFAULT_MAX_FIELDS);
    p->lim.max_body = c.limits.max_body ? c.limits.max_body : ST_DEFAULT_MAX_BODY;
    p->on_body = c.on_body;
    p->ud = c.ud;
    if (p->lim.max_head < SIZE_MAX && p->lim.max_fields < SIZE_MAX / sizeof(st_field_t)) {
        p->arena = malloc(p->lim.max_head + 1);
        p->fields = malloc(p->lim.max_fields * sizeof(st_field_t));
    }
    if (!p->arena || !p->fields) {
        st_parser_free(p);
        return -ENOMEM;
    }
    *out = p;
    return 0;
}

void st_parser_free(st_parser_t *p)
{
    if (!p)
        return;
    free(p->arena);
    free(p->fields);
    free(p);
}

void st_parser_reset(st_parser_t *p)
{
    /* Everything from `phase` on is progress; zero is the start of a request. */
    size_t off = offsetof(st_parser_t, phase);
    memset((char *)p + off, 0, sizeof *p - off);
}

/* ---- input ------------------------------------------------------------------------------ */

const uint8_t *st__fail(st_parser_t *p, int status)
{
    p->state = ST_ERROR;
    p->status = status;
    p->phase = ST_PH_OVER;
    return NULL;
}

void st__done(st_parser_t *p)
{
    p->state = ST_DONE;
    p->phase = ST_PH_OVER;
}

st_state_t st_feed(st_parser_t *p, const char *buf, size_t len, size_t *used)
{
    size_t took = 0;
    if (len && p->state == ST_MORE) {
        const uint8_t *s = (const uint8_t *)buf, *e = s + len;
        /* Each group returns at the end of the input or when the phase
         * leaves it; NULL after a failure. */
        while (s && s < e && p->state == ST_MORE) {
            if (p->phase <= ST_PH_VERSION)
                s = st__line(p, s, e);
            else if (p->phase <= ST_PH_END_LF)
                s = st__fields(p, s, e);
            else
                s = st__body(p, s, e);
        }
        took = s ? (size_t)(s - (const uint8_t *)buf) : 0;
    }
    if (used)
        *used = took;
    return p->state;
}

st_state_t st_eof(st_parser_t *p)
{
    if (p->state == ST_MORE)
        st__fail(p, p->head_done ? 400 : 0); /* a head cut short gets no answer */
    return p->state;
}

int st_head(const st_parser_t *p, st_head_t *out)
{
    if (!p->head_done)
        return p->state == ST_ERROR ? -EPROTO : -EAGAIN;
    *out = (st_head_t){
        .method = p->arena,
        .target = p->arena + p->target_off,
        .target_len = p->target_len,
        .form = p->form,
        .version = p->minor,
        .fields = p->fields,
        .nfields = p->nfields,
        .framing = p->framing,
        .content_length = p->framing == ST_BODY_LENGTH ? p->cl : 0,
    };
    return 0;
}

#else

int st_parser_new(const st_config_t *cfg, st_parser_t **out)
{
    (void)cfg;
    if (out)
        *out = NULL;
    return -ENOSYS;
}

void st_parser_free(st_parser_t *p)
{
    free(p);
}

void st_parser_reset(st_parser_t *p)
{
    (void)p;
}

st_state_t st_feed(st_parser_t *p, const char *buf, size_t len, size_t *used)
{
    (void)p, (void)buf, (void)len;
    if (used)
        *used = 0;
    return ST_ERROR;
}

st_state_t st_eof(st_parser_t *p)
{
    (void)p;
    return ST_ERROR;
}

int st_head(const st_parser_t *p, st_head_t *out)
{
    (void)p, (void)out;
    return -ENOSYS;
}

#endif
