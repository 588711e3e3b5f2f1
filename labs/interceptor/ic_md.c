/*
 * ic_md.c — metadata: lowercase keys, values in append order, and the wire
 * form of binary values.
 *
 * Keys are lowercased on the way in, as metadata.Pairs does, and checked
 * against HTTP/2's header name rules as grpc-go's (0-9 a-z - _ .). A key
 * ending in "-bin" holds bytes, sent as standard base64 without padding
 * (grpc-go's encodeBinHeader); the receiver accepts it padded or not
 * (decodeBinHeader tries both).
 *
 * Interface: ic_md_append → ic_md_get / ic_md_count; ic_md_value_to_wire →
 * ic_md_append_wire on the other side.
 */
#include <errno.h>
#include <string.h>

#include "interceptor.h"

#if LAB_SOLUTION

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static bool md_is_bin(const char *key)
{
    size_t n = strlen(key);
    return n >= 4 && strcmp(key + n - 4, "-bin") == 0;
}

/* Lowercases key into out; returns 0 or -EINVAL. */
static int md_key(const char *key, char out[IC_MD_KEY])
{
    size_t n = strlen(key);
    if (n == 0 || n >= IC_MD_KEY)
        return -EINVAL;
    for (size_t i = 0; i <= n; i++) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (i < n &&
            !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return -EINVAL;
        out[i] = c;
    }
    return 0;
}

int ic_md_append(ic_md_t *md, const char *key, const void *value, size_t len)
{
    char k[IC_MD_KEY];
    if (!md || !key || (!value && len) || md_key(key, k))
        return -EINVAL;
    if (!md_is_bin(k))
        for (size_t i = 0; i < len; i++) {
            uint8_t c = ((const uint8_t *)value)[i];
            if (c < 0x20 || c > 0x7e)
                return -EINVAL;
        }
    if (md->n == IC_MD_MAX || len > IC_MD_VALUE)
        return -ENOSPC;
    ic_md_entry_t *e = &md->e[md->n++];
    memcpy(e->key, k, sizeof k);
    if (len)
        memcpy(e->value, value, len);
    e->len = len;
    return 0;
}

const void *ic_md_get(const ic_md_t *md, const char *key, size_t idx, size_t *len)
{
    char k[IC_MD_KEY];
    if (!md || !key || md_key(key, k))
        return NULL;
    for (size_t i = 0; i < md->n; i++)
        if (strcmp(md->e[i].key, k) == 0 && idx-- == 0) {
            if (len)
                *len = md->e[i].len;
            return md->e[i].value;
        }
    return NULL;
}

size_t ic_md_count(const ic_md_t *md, const char *key)
{
    size_t n = 0;
    while (ic_md_get(md, key, n, NULL))
        n++;
    return n;
}

int ic_md_value_to_wire(const ic_md_t *md, size_t i, char *buf, size_t cap)
{
    if (!md || i >= md->n || !buf)
        return -EINVAL;
    const ic_md_entry_t *e = &md->e[i];
    if (!md_is_bin(e->key)) {
        if (e->len + 1 > cap)
            return -ENOSPC;
        memcpy(buf, e->value, e->len);
        buf[e->len] = '\0';
        return (int)e->len;
    }
    size_t out = (e->len * 4 + 2) / 3; /* unpadded */
    if (out + 1 > cap)
        return -ENOSPC;
    size_t o = 0;
    for (size_t j = 0; j < e->len; j += 3) {
        uint32_t v = (uint32_t)e->value[j] << 16;
        size_t left = e->len - j;
        if (left > 1)
            v |= (uint32_t)e->value[j + 1] << 8;
        if (left > 2)
            v |= e->value[j + 2];
        buf[o++] = b64[v >> 18 & 63];
        buf[o++] = b64[v >> 12 & 63];
        if (left > 1)
            buf[o++] = b64[v >> 6 & 63];
        if (left > 2)
            buf[o++] = b64[v & 63];
    }
    buf[o] = '\0';
    return (int)o;
}

static int b64_val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

/* Decodes s (padded or not) into out; returns the length or -EINVAL. */
static int b64_decode(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n % 4 == 0 && n >= 2 && s[n - 1] == '=')
        n -= s[n - 2] == '=' ? 2 : 1; /* padded: the padding must complete a quantum */
    if (n % 4 == 1)
        return -EINVAL;
    size_t o = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val(s[i]);
        if (v < 0)
            return -EINVAL;
        acc = acc << 6 | (uint32_t)v;
        if (i % 4 == 3) {
            if (o + 3 > cap)
                return -ENOSPC;
            out[o++] = (uint8_t)(acc >> 16), out[o++] = (uint8_t)(acc >> 8),
            out[o++] = (uint8_t)acc;
            acc = 0;
        }
    }
    size_t tail = n % 4;
    if (tail && o + tail - 1 > cap)
        return -ENOSPC;
    if (tail == 2)
        out[o++] = (uint8_t)(acc >> 4);
    else if (tail == 3)
        out[o++] = (uint8_t)(acc >> 10), out[o++] = (uint8_t)(acc >> 2);
    return (int)o;
}

int ic_md_append_wire(ic_md_t *md, const char *key, const char *value)
{
    char k[IC_MD_KEY];
    if (!md || !key || !value || md_key(key, k))
        return -EINVAL;
    if (!md_is_bin(k))
        return ic_md_append(md, k, value, strlen(value));
    uint8_t raw[IC_MD_VALUE];
    int n = b64_decode(value, raw, sizeof raw);
    if (n < 0)
        return n;
    return ic_md_append(md, k, raw, (size_t)n);
}

#else

int ic_md_append(ic_md_t *md, const char *key, const void *value, size_t len)
{
    (void)md, (void)key, (void)value, (void)len;
    return -ENOSYS;
}

const void *ic_md_get(const ic_md_t *md, const char *key, size_t idx, size_t *len)
{
    (void)md, (void)key, (void)idx, (void)len;
    return NULL;
}

size_t ic_md_count(const ic_md_t *md, const char *key)
{
    (void)md, (void)key;
    return 0;
}

int ic_md_value_to_wire(const ic_md_t *md, size_t i, char *buf, size_t cap)
{
    (void)md, (void)i, (void)buf, (void)cap;
    return -ENOSYS;
}

int ic_md_append_wire(ic_md_t *md, const char *key, const char *value)
{
    (void)md, (void)key, (void)value;
    return -ENOSYS;
}

#endif
