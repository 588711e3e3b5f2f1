/*
 * iface.h — Go's interfaces in C: type descriptors, itabs, the itab cache,
 * type assertions, type switches and the nil-interface gotcha.
 *
 * A concrete type is described by an iface_type_t (name, size, kind and a
 * method table sorted by name); an interface type by an iface_itype_t (the
 * sorted names of the methods it requires). A value of a non-empty interface
 * is two words, (itab, data); a value of the empty interface `any` is two
 * words, (type, data). An itab pairs one interface type with one concrete
 * type and holds, for each interface method in order, the concrete function
 * that implements it. Itabs are built once per pair by merging the two
 * sorted method lists and kept in a global hash table, failures included.
 *
 * Interface: iface_type_seal / iface_itype_seal (once per descriptor)
 *   → iface_from / iface_any_from (convert a value)
 *   → iface_call (dynamic dispatch through the itab)
 *   → iface_assert_* / iface_switch (recover the dynamic type)
 *   → iface_cache_reset (drop every itab; itab pointers become invalid).
 *
 * Every method in this lab has one shape, iface_method_fn: it takes the
 * receiver (the interface's data word) and one word, and returns one word.
 * Not thread-safe: one thread uses the cache at a time.
 */
#ifndef UNDERGO_IFACE_H
#define UNDERGO_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- types ------------------------------------------------------------ */

/* What a concrete type is made of. Only IFACE_KIND_PTR changes behaviour:
 * a pointer fits in the data word, so the data word IS the pointer. */
typedef enum iface_kind {
    IFACE_KIND_INT,
    IFACE_KIND_FLOAT,
    IFACE_KIND_STRING,
    IFACE_KIND_STRUCT,
    IFACE_KIND_PTR,
} iface_kind_t;

/* The one method shape: receiver (the data word) and one argument. */
typedef intptr_t (*iface_method_fn)(void *recv, intptr_t arg);

/* One entry of a concrete type's method table. */
typedef struct iface_method {
    const char *name;
    iface_method_fn fn;
} iface_method_t;

/* A concrete type's descriptor. The caller owns it and its method array;
 * both must outlive every interface value and itab that refers to them.
 * Two descriptors are the same type only if they are the same object. */
typedef struct iface_type {
    /* public: filled in by the caller */
    const char *name;          /* as Go prints it, e.g. "main.File" or "*main.File" */
    size_t size;               /* sizeof the value; sizeof(void *) for IFACE_KIND_PTR */
    iface_kind_t kind;
    iface_method_t *methods;   /* sorted by name by iface_type_seal */
    size_t nmethods;
    /* read-only: set by iface_type_seal */
    uint32_t hash;             /* hash of the name; equal names, equal hashes */
} iface_type_t;

/* An interface type's descriptor: the method names it requires. The caller
 * owns it and the names; same lifetime rule as iface_type_t. */
typedef struct iface_itype {
    /* public: filled in by the caller */
    const char *name;          /* e.g. "io.ReadWriter" */
    const char **methods;      /* sorted by iface_itype_seal */
    size_t nmethods;
    /* read-only: set by iface_itype_seal */
    uint32_t hash;
} iface_itype_t;

/* An itab: how concrete type `type` satisfies interface `inter`. Owned by
 * the itab cache (or by the caller of iface_itab_build). Read-only. */
typedef struct iface_itab {
    const iface_itype_t *inter;
    const iface_type_t *type;
    uint32_t hash;             /* type->hash, copied so switches need not chase type */
    const char *missing;       /* NULL if type implements inter, else the first
                                  interface method (in sorted order) type lacks */
    size_t nfun;               /* inter->nmethods */
    iface_method_fn fun[];     /* fun[i] implements inter->methods[i]; all NULL
                                  when missing != NULL */
} iface_itab_t;

/* A value of a non-empty interface type. The zero value is the nil interface. */
typedef struct iface {
    const iface_itab_t *tab;   /* NULL only for the nil interface */
    void *data;                /* the pointer itself (kind PTR) or a pointer to the value */
} iface_t;

/* A value of the empty interface `any`. The zero value is nil. */
typedef struct iface_any {
    const iface_type_t *type;  /* NULL only for the nil interface */
    void *data;
} iface_any_t;

/* One case of a type switch: exactly one of type/itype is set, or neither
 * for `case nil`. */
typedef struct iface_case {
    const iface_type_t *type;
    const iface_itype_t *itype;
} iface_case_t;

/* Counters of the global itab cache. */
typedef struct iface_cache_stats {
    uint64_t hits;             /* lookups answered from the cache */
    uint64_t misses;           /* lookups that had to build an itab */
    size_t entries;            /* itabs held, negative ones included */
    size_t capacity;           /* slots (or buckets) in the hash table */
} iface_cache_stats_t;

/* ---- descriptors (iface_value.c) ---------------------------------------- */

/* Sorts t's methods by name and sets t->hash. Returns 0, or -EINVAL for a
 * missing name or fn, a duplicate method name, or a PTR kind whose size is
 * not sizeof(void *). */
int iface_type_seal(iface_type_t *t);

/* Sorts it's method names and sets it->hash. Returns 0, or -EINVAL for a
 * missing or duplicate name. */
int iface_itype_seal(iface_itype_t *it);

/* Index of method `name` in it's sorted list, or -ENOENT. */
int iface_method_index(const iface_itype_t *it, const char *name);

/* ---- itabs and the cache (iface_itab.c) --------------------------------- */

/* Builds a fresh itab for (it, t), bypassing the cache; the caller frees it
 * with iface_itab_free. Returns 0 (the itab may be a negative one: check
 * ->missing), -EINVAL for NULL arguments, or -ENOMEM. */
int iface_itab_build(const iface_itype_t *it, const iface_type_t *t, iface_itab_t **out);

/* Frees an itab from iface_itab_build. NULL is fine. */
void iface_itab_free(iface_itab_t *tab);

/* The cached itab for (it, t), built and cached on the first request.
 * Returns 0 when t implements it, -ENOENT when it does not (*out is then the
 * cached negative itab, whose ->missing names the method), -EINVAL for NULL
 * arguments, -ENOMEM. The itab belongs to the cache. */
int iface_getitab(const iface_itype_t *it, const iface_type_t *t, const iface_itab_t **out);

/* Copies the cache's counters into *out. Can't fail. */
void iface_cache_stats(iface_cache_stats_t *out);

/* Frees every cached itab and zeroes the counters. Every itab pointer and
 * every iface_t obtained before becomes invalid. */
void iface_cache_reset(void);

/* ---- values (iface_value.c) --------------------------------------------- */

/* Converts a concrete value to interface it: *out = (itab, data). Returns 0,
 * -ENOENT if t lacks a method of it (*out is then the nil interface), or the
 * errors of iface_getitab. data is not copied: the caller keeps it alive. */
int iface_from(const iface_itype_t *it, const iface_type_t *t, void *data, iface_t *out);

/* Converts a concrete value to `any`: (t, data). Can't fail. */
iface_any_t iface_any_from(const iface_type_t *t, void *data);

/* Converts a non-empty interface value to `any` (keeps type and data). */
iface_any_t iface_to_any(iface_t v);

/* Calls method number i (index into the interface's sorted names) of v with
 * arg; stores the result in *ret. Returns 0, -EFAULT if v is the nil
 * interface, -EINVAL if i is out of range. */
int iface_call(iface_t v, size_t i, intptr_t arg, intptr_t *ret);

/* True only for the nil interface: no itab. Holding a nil pointer is not nil. */
bool iface_is_nil(iface_t v);

/* True only for the nil `any`: no type. */
bool iface_any_is_nil(iface_any_t v);

/* ---- assertions and switches (iface_value.c) ---------------------------- */

/* v.(T) with ok: true and *data = v.data if v's dynamic type is t, else
 * false and *data = NULL. data may be NULL. */
bool iface_assert_type_ok(iface_any_t v, const iface_type_t *t, void **data);

/* v.(T) without ok. Returns 0 and *data as above, or -EINVAL (Go panics)
 * with msg (if not NULL) holding, truncated to cap bytes,
 *   "interface conversion: interface {} is main.Dog, not main.Cat"
 *   "interface conversion: interface {} is nil, not main.Cat". */
int iface_assert_type(iface_any_t v, const iface_type_t *t, void **data, char *msg, size_t cap);

/* v.(I) with ok: true and *out = (itab, v.data) if v's dynamic type
 * implements it, else false and *out = the nil interface. */
bool iface_assert_iface_ok(iface_any_t v, const iface_itype_t *it, iface_t *out);

/* v.(I) without ok. Returns 0 and *out as above, or -EINVAL (Go panics) with
 *   "interface conversion: main.Rock is not io.Writer: missing method Write"
 *   "interface conversion: interface is nil, not io.Writer",
 * or -ENOMEM. */
int iface_assert_iface(iface_any_t v, const iface_itype_t *it, iface_t *out, char *msg, size_t cap);

/* switch v.(type): the index of the first of the n cases that matches v
 * (a type case by identity, an interface case if v implements it, a nil
 * case if v is nil); n if none does (the default branch). Returns -EINVAL
 * for a case with both type and itype set. */
int iface_switch(iface_any_t v, const iface_case_t *cases, size_t n);

#endif
