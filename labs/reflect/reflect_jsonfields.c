/*
 * reflect_jsonfields.c — which fields of a struct encoding/json sees, and
 * under which names: Go's typeFields.
 *
 * The walk is breadth first over the struct and the structs it embeds
 * (directly or through pointers), each embedded struct type visited once.
 * A field is skipped when unexported (an embedded unexported struct is still
 * walked: its exported fields are promoted) or tagged "-". Its JSON name is
 * the tag's name when that is a valid key, else the Go name. An embedded
 * struct with no tag name is not a field itself: its fields join the next
 * level. Then Go's dominance rule per name: the shallowest field wins; among
 * several at that depth, the one with a tag name wins; two equals (both
 * tagged or neither) cancel each other and the name disappears. An embedded
 * type reached twice at one depth counts as two. The survivors are ordered by
 * index path, which is the order Marshal writes them.
 *
 * Interface: reflect_json_fields (computed once per type, cached in it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

typedef struct list {
    reflect_json_field_t *v;
    size_t n, cap;
} list_t;

static reflect_json_field_t *list_push(list_t *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        reflect_json_field_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

/* Go's isValidTag: letters, digits and the punctuation Go allows; a byte
 * outside ASCII counts as part of a letter. */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            continue;
        if (!c || !strchr("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c))
            return false;
    }
    return true;
}

/* Whether the comma-separated options after the name hold opt. */
static bool has_option(const char *opts, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = opts; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, opt, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static bool quotable(const reflect_type_t *t)
{
    if (t->kind == REFLECT_PTR)
        t = t->elem;
    return (t->kind >= REFLECT_BOOL && t->kind <= REFLECT_FLOAT64) || t->kind == REFLECT_STRING;
}

/* A struct to walk at some depth, reached through index[0..depth). */
typedef struct todo {
    const reflect_type_t *type;
    size_t depth;
    size_t index[REFLECT_MAX_DEPTH];
    int count;
} todo_t;

typedef struct todos {
    todo_t *v;
    size_t n, cap;
} todos_t;

static int todo_push(todos_t *l, const todo_t *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        todo_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *t;
    return 0;
}

/* Adds the fields of one struct at one depth to out, and its embedded
 * structs without a tag name to next. */
static int walk_struct(const todo_t *cur, list_t *out, todos_t *next)
{
    char tag[256];
    for (size_t i = 0; i < cur->type->nfields; i++) {
        const reflect_field_t *f = &cur->type->fields[i];
        const reflect_type_t *ft = f->type->kind == REFLECT_PTR ? f->type->elem : f->type;
        if (f->embedded ? (!f->exported && ft->kind != REFLECT_STRUCT) : !f->exported)
            continue;
        ssize_t len = reflect_tag_lookup(f->tag, "json", tag, sizeof tag);
        if (len < 0)
            tag[0] = '\0';
        if (strcmp(tag, "-") == 0)
            continue;
        char *comma = strchr(tag, ',');
        size_t nlen = comma ? (size_t)(comma - tag) : strlen(tag);
        const char *opts = comma ? comma + 1 : NULL;
        bool tagged = valid_name(tag, nlen);
        if (cur->depth + 1 > REFLECT_MAX_DEPTH)
            return -ENOMEM;
        if (tagged || !f->embedded || ft->kind != REFLECT_STRUCT) {
            for (int copies = cur->count > 1 ? 2 : 1; copies > 0; copies--) {
                reflect_json_field_t *jf = list_push(out);
                if (!jf)
                    return -ENOMEM;
                jf->name = tagged ? strndup(tag, nlen) : f->name;
                if (!jf->name)
                    return -ENOMEM;
                jf->field = f;
                jf->depth = cur->depth + 1;
                memcpy(jf->index, cur->index, cur->depth * sizeof(size_t));
                jf->index[cur->depth] = i;
                jf->tagged = tagged;
                jf->omitempty = has_option(opts, "omitempty");
                jf->quoted = has_option(opts, "string") && quotable(f->type);
            }
            continue;
        }
        /* An embedded struct to explore at the next depth (once per type). */
        bool queued = false;
        for (size_t k = 0; k < next->n; k++)
            if (next->v[k].type == ft) {
                next->v[k].count = 2;
                queued = true;
            }
        if (queued)
            continue;
        todo_t t = {.type = ft, .depth = cur->depth + 1, .count = 1};
        memcpy(t.index, cur->index, cur->depth * sizeof(size_t));
        t.index[cur->depth] = i;
        if (todo_push(next, &t) < 0)
            return -ENOMEM;
    }
    return 0;
}

static int index_cmp(const reflect_json_field_t *a, const reflect_json_field_t *b)
{
    for (size_t i = 0; i < a->depth && i < b->depth; i++)
        if (a->index[i] != b->index[i])
            return a->index[i] < b->index[i] ? -1 : 1;
    return a->depth < b->depth ? -1 : a->depth > b->depth;
}

/* By name, then depth, then tagged first, then index path. */
static int by_name(const void *x, const void *y)
{
    const reflect_json_field_t *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    if (a->depth != b->depth)
        return a->depth < b->depth ? -1 : 1;
    if (a->tagged != b->tagged)
        return a->tagged ? -1 : 1;
    return index_cmp(a, b);
}

static int by_index(const void *x, const void *y)
{
    return index_cmp(x, y);
}

/* Keeps, per name, the dominant field (see the top); drops the rest. */
static size_t dominate(reflect_json_field_t *v, size_t n)
{
    size_t out = 0;
    for (size_t i = 0, run; i < n; i += run) {
        for (run = 1; i + run < n && strcmp(v[i + run].name, v[i].name) == 0; run++)
            ;
        if (run > 1 && v[i].depth == v[i + 1].depth && v[i].tagged == v[i + 1].tagged)
            continue;
        v[out++] = v[i];
    }
    return out;
}

static int compute(const reflect_type_t *t, list_t *out)
{
    todos_t cur = {0}, next = {0}, visited = {0};
    int rc = todo_push(&next, &(todo_t){.type = t, .count = 1});
    while (rc == 0 && next.n) {
        todos_t swap = cur;
        cur = next;
        next = swap;
        next.n = 0;
        for (size_t i = 0; i < cur.n && rc == 0; i++) {
            bool seen = false;
            for (size_t k = 0; k < visited.n; k++)
                seen |= visited.v[k].type == cur.v[i].type;
            if (seen)
                continue;
            rc = todo_push(&visited, &cur.v[i]);
            if (rc == 0)
                rc = walk_struct(&cur.v[i], out, &next);
        }
    }
    free(cur.v);
    free(next.v);
    free(visited.v);
    return rc;
}

int reflect_json_fields(const reflect_type_t *t, const reflect_json_field_t **out, size_t *n)
{
    if (!t || t->kind != REFLECT_STRUCT || !out || !n)
        return -EINVAL;
    typedef struct cached {
        reflect_json_field_t *v;
        size_t n;
    } cached_t;
    cached_t *c = t->json_cache;
    if (!c) {
        list_t l = {0};
        int rc = compute(t, &l);
        if (rc == 0 && !(c = malloc(sizeof *c)))
            rc = -ENOMEM;
        if (rc < 0) {
            free(l.v); /* names copied from tags stay: they are a few bytes per type */
            return rc;
        }
        if (l.n > 1)
            qsort(l.v, l.n, sizeof *l.v, by_name);
        l.n = dominate(l.v, l.n);
        if (l.n > 1)
            qsort(l.v, l.n, sizeof *l.v, by_index);
        *c = (cached_t){l.v, l.n};
        ((reflect_type_t *)t)->json_cache = c;
    }
    *out = c->v;
    *n = c->n;
    return 0;
}

#else /* the stub */

int reflect_json_fields(const reflect_type_t *t, const reflect_json_field_t **out, size_t *n)
{
    (void)t, (void)out, (void)n;
    return -ENOSYS;
}

#endif
