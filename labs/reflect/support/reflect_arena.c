/*
 * reflect_arena.c — support code (not part of the answer): the memory the
 * decoders fill values with, and the storage behind Go maps.
 *
 * An arena is a list of blocks handed out by bump allocation and freed all at
 * once: a decoded value is a graph of strings, slices, maps and pointers with
 * no single owner, which Go leaves to its collector and this lab to the
 * arena's owner. A map keeps its entries in one array in insertion order
 * (key bytes, then element bytes, each at its type's alignment) plus an
 * open-addressing index of entry numbers; keys compare by value, strings by
 * their bytes. Go randomizes map iteration; this map iterates in insertion
 * order, so a test that wants sorted output must get it from the encoder.
 *
 * Interface: reflect_arena_new → reflect_arena_alloc / _string /
 * reflect_slice_make / reflect_box / reflect_map_new → reflect_map_put /
 * _find / _entry → reflect_arena_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

/* ---- the arena ---------------------------------------------------------------- */

typedef struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) unsigned char mem[];
} block_t;

struct reflect_arena {
    block_t *head;
};

#define BLOCK_MIN (64 * 1024)

reflect_arena_t *reflect_arena_new(void)
{
    return calloc(1, sizeof(reflect_arena_t));
}

void reflect_arena_free(reflect_arena_t *a)
{
    if (!a)
        return;
    for (block_t *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *reflect_arena_alloc(reflect_arena_t *a, size_t n, size_t align)
{
    if (!a || align == 0 || align > 16 || (align & (align - 1)))
        return NULL;
    if (n == 0)
        n = 1; /* every allocation is a distinct, non-NULL address */
    block_t *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at + n > b->cap) {
        size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
        b = malloc(sizeof(block_t) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        at = 0;
    }
    b->used = at + n;
    return memset(b->mem + at, 0, n);
}

reflect_string_t reflect_arena_string(reflect_arena_t *a, const char *s, size_t n)
{
    if (n == 0)
        return (reflect_string_t){NULL, 0};
    char *p = reflect_arena_alloc(a, n, 1);
    if (!p)
        return (reflect_string_t){NULL, 0};
    memcpy(p, s, n);
    return (reflect_string_t){p, n};
}

int reflect_slice_make(reflect_arena_t *a, const reflect_type_t *elem, size_t len, size_t cap,
                       reflect_slice_t *out)
{
    if (!a || !elem || !out || cap < len || (elem->size && cap > SIZE_MAX / elem->size))
        return -EINVAL;
    void *data = reflect_arena_alloc(a, elem->size * cap, elem->align ? elem->align : 1);
    if (!data)
        return -ENOMEM;
    *out = (reflect_slice_t){data, len, cap};
    return 0;
}

void *reflect_box(reflect_arena_t *a, const reflect_type_t *t, const void *p)
{
    if (!t)
        return NULL;
    void *box = reflect_arena_alloc(a, t->size, t->align ? t->align : 1);
    if (box && p)
        memcpy(box, p, t->size);
    return box;
}

/* ---- maps ------------------------------------------------------------------------ */

struct reflect_map {
    const reflect_type_t *type;
    reflect_arena_t *arena;
    size_t koff, eoff, stride; /* key at koff, element at eoff within an entry */
    unsigned char *entries;    /* stride bytes each, in insertion order */
    size_t len, cap;
    uint32_t *index; /* entry number + 1, 0 = empty; nindex slots */
    size_t nindex;
};

static size_t align_up(size_t n, size_t a)
{
    return a ? (n + a - 1) & ~(a - 1) : n;
}

reflect_map_t *reflect_map_new(reflect_arena_t *a, const reflect_type_t *mt)
{
    if (!a || !mt || mt->kind != REFLECT_MAP || !mt->key || !mt->elem)
        return NULL;
    reflect_map_t *m = reflect_arena_alloc(a, sizeof *m, _Alignof(reflect_map_t));
    if (!m)
        return NULL;
    size_t al = mt->key->align > mt->elem->align ? mt->key->align : mt->elem->align;
    m->type = mt;
    m->arena = a;
    m->koff = 0;
    m->eoff = align_up(mt->key->size, mt->elem->align);
    m->stride = align_up(m->eoff + mt->elem->size, al ? al : 1);
    if (m->stride == 0)
        m->stride = 1;
    return m;
}

const reflect_type_t *reflect_map_type(const reflect_map_t *m)
{
    return m ? m->type : NULL;
}

size_t reflect_map_len(const reflect_map_t *m)
{
    return m ? m->len : 0;
}

static bool key_is_string(const reflect_map_t *m)
{
    return m->type->key->kind == REFLECT_STRING;
}

static uint64_t key_hash(const reflect_map_t *m, const void *key)
{
    const unsigned char *p = key;
    size_t n = m->type->key->size;
    if (key_is_string(m)) {
        const reflect_string_t *s = key;
        p = (const unsigned char *)s->ptr;
        n = s->len;
    }
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool key_equal(const reflect_map_t *m, const void *a, const void *b)
{
    if (key_is_string(m)) {
        const reflect_string_t *x = a, *y = b;
        return x->len == y->len && (x->len == 0 || memcmp(x->ptr, y->ptr, x->len) == 0);
    }
    return memcmp(a, b, m->type->key->size) == 0;
}

static unsigned char *entry_at(const reflect_map_t *m, size_t i)
{
    return m->entries + i * m->stride;
}

/* The index slot holding key, or the empty slot where it would go. */
static size_t slot_of(const reflect_map_t *m, const void *key)
{
    size_t mask = m->nindex - 1;
    for (size_t s = key_hash(m, key) & mask;; s = (s + 1) & mask) {
        uint32_t e = m->index[s];
        if (e == 0 || key_equal(m, entry_at(m, e - 1) + m->koff, key))
            return s;
    }
}

void *reflect_map_find(const reflect_map_t *m, const void *key)
{
    if (!m || !key || m->len == 0)
        return NULL;
    uint32_t e = m->index[slot_of(m, key)];
    return e ? entry_at(m, e - 1) + m->eoff : NULL;
}

/* Grows the entry array and rebuilds the index at twice the entries. */
static int map_grow(reflect_map_t *m)
{
    size_t cap = m->cap ? 2 * m->cap : 8;
    unsigned char *entries = reflect_arena_alloc(m->arena, cap * m->stride, 16);
    uint32_t *index = reflect_arena_alloc(m->arena, 2 * cap * sizeof(uint32_t), 4);
    if (!entries || !index)
        return -ENOMEM;
    if (m->len)
        memcpy(entries, m->entries, m->len * m->stride);
    m->entries = entries;
    m->cap = cap;
    m->index = index;
    m->nindex = 2 * cap;
    for (size_t i = 0; i < m->len; i++)
        m->index[slot_of(m, entry_at(m, i) + m->koff)] = (uint32_t)(i + 1);
    return 0;
}

int reflect_map_put(reflect_map_t *m, const void *key, void **elem)
{
    if (!m || !key || !elem)
        return -EINVAL;
    if (m->len) {
        uint32_t e = m->index[slot_of(m, key)];
        if (e) {
            *elem = entry_at(m, e - 1) + m->eoff;
            return 0;
        }
    }
    if (m->len == m->cap && map_grow(m) < 0)
        return -ENOMEM;
    unsigned char *ent = entry_at(m, m->len);
    memset(ent, 0, m->stride);
    memcpy(ent + m->koff, key, m->type->key->size);
    m->index[slot_of(m, key)] = (uint32_t)(m->len + 1);
    m->len++;
    *elem = ent + m->eoff;
    return 0;
}

int reflect_map_entry(const reflect_map_t *m, size_t i, const void **key, void **elem)
{
    if (!m || i >= m->len)
        return -ERANGE;
    unsigned char *ent = entry_at(m, i);
    if (key)
        *key = ent + m->koff;
    if (elem)
        *elem = ent + m->eoff;
    return 0;
}
