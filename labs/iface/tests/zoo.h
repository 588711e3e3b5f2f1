/*
 * zoo.h — the small set of types every iface test uses.
 *
 * Concrete types: main.Dog and main.Cat (structs with Speak), *main.File
 * (a pointer type with five methods, declared out of order on purpose) and
 * main.Rock (only Read). Interface types: main.Speaker {Speak} and
 * io.ReadWriter {Write, Read} (also declared out of order). Methods encode
 * who ran and on what receiver in their result, so a test can tell a call
 * that reached the right function from one that did not.
 *
 * Interface: zoo_t z; assert_int_equal(0, zoo_init(&z)); ... zoo_type(&z,
 * ZOO_DOG...) to pick a type by number, zoo_fn_name to name an itab slot,
 * zoo_appendf to gather results into one string, and the fixtures zoo_fresh_cache / zoo_drop_cache around each test.
 */
#ifndef IFACE_TESTS_ZOO_H
#define IFACE_TESTS_ZOO_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iface.h"

typedef struct pet {
    intptr_t id;
} pet_t;

static inline intptr_t dog_speak(void *recv, intptr_t arg) { return 1000 + ((pet_t *)recv)->id + arg; }
static inline intptr_t dog_legs(void *recv, intptr_t arg) { (void)recv; return 4 + arg * 0; }
static inline intptr_t dog_fetch(void *recv, intptr_t arg) { return ((pet_t *)recv)->id * arg; }
static inline intptr_t cat_speak(void *recv, intptr_t arg) { return 2000 + ((pet_t *)recv)->id + arg; }
static inline intptr_t cat_legs(void *recv, intptr_t arg) { (void)recv; return 40 + arg * 0; }

/* *main.File methods: a NULL receiver answers the negated result, as a Go
 * method on a nil pointer may do, so a call through a typed-nil interface
 * is observable and still tells which method ran with which argument. */
static inline intptr_t file_close(void *r, intptr_t a)
{
    return r ? 100 + a : -100 - a;
}
static inline intptr_t file_flush(void *r, intptr_t a)
{
    return r ? 200 + a : -200 - a;
}
static inline intptr_t file_read(void *r, intptr_t a)
{
    return r ? 300 + a : -300 - a;
}
static inline intptr_t file_stat(void *r, intptr_t a)
{
    return r ? 400 + a : -400 - a;
}
static inline intptr_t file_write(void *r, intptr_t a)
{
    return r ? 500 + a : -500 - a;
}
static inline intptr_t rock_read(void *r, intptr_t a) { (void)r; return 600 + a; }

/* The name of the zoo method fn is, or "?" for anything else: lets a test
 * check which function an itab slot holds as a value. */
static inline const char *zoo_fn_name(iface_method_fn fn)
{
    static const struct {
        iface_method_fn fn;
        const char *name;
    } all[] = {
        {dog_speak, "Dog.Speak"},   {dog_legs, "Dog.Legs"},   {dog_fetch, "Dog.Fetch"},
        {cat_speak, "Cat.Speak"},   {cat_legs, "Cat.Legs"},   {file_close, "File.Close"},
        {file_flush, "File.Flush"}, {file_read, "File.Read"}, {file_stat, "File.Stat"},
        {file_write, "File.Write"}, {rock_read, "Rock.Read"},
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i].fn == fn)
            return all[i].name;
    return "?";
}

typedef struct zoo {
    iface_method_t dog_m[3], cat_m[2], file_m[5], rock_m[1];
    iface_type_t dog, cat, file, rock;
    const char *speaker_m[1], *rw_m[2];
    iface_itype_t speaker, rw;
} zoo_t;

/* Fills and seals the zoo. Returns 0 or the first seal error. */
static inline int zoo_init(zoo_t *z)
{
    memset(z, 0, sizeof(*z));
    z->dog_m[0] = (iface_method_t){"Speak", dog_speak};
    z->dog_m[1] = (iface_method_t){"Legs", dog_legs};
    z->dog_m[2] = (iface_method_t){"Fetch", dog_fetch};
    z->dog = (iface_type_t){"main.Dog", sizeof(pet_t), IFACE_KIND_STRUCT, z->dog_m, 3, 0};
    z->cat_m[0] = (iface_method_t){"Speak", cat_speak};
    z->cat_m[1] = (iface_method_t){"Legs", cat_legs};
    z->cat = (iface_type_t){"main.Cat", sizeof(pet_t), IFACE_KIND_STRUCT, z->cat_m, 2, 0};
    z->file_m[0] = (iface_method_t){"Write", file_write};
    z->file_m[1] = (iface_method_t){"Close", file_close};
    z->file_m[2] = (iface_method_t){"Stat", file_stat};
    z->file_m[3] = (iface_method_t){"Read", file_read};
    z->file_m[4] = (iface_method_t){"Flush", file_flush};
    z->file = (iface_type_t){"*main.File", sizeof(void *), IFACE_KIND_PTR, z->file_m, 5, 0};
    z->rock_m[0] = (iface_method_t){"Read", rock_read};
    z->rock = (iface_type_t){"main.Rock", sizeof(int), IFACE_KIND_INT, z->rock_m, 1, 0};
    z->speaker_m[0] = "Speak";
    z->speaker = (iface_itype_t){"main.Speaker", z->speaker_m, 1, 0};
    z->rw_m[0] = "Write";
    z->rw_m[1] = "Read";
    z->rw = (iface_itype_t){"io.ReadWriter", z->rw_m, 2, 0};

    int err = 0;
    iface_type_t *types[] = {&z->dog, &z->cat, &z->file, &z->rock};
    for (size_t i = 0; i < 4 && !err; i++)
        err = iface_type_seal(types[i]);
    if (!err)
        err = iface_itype_seal(&z->speaker);
    if (!err)
        err = iface_itype_seal(&z->rw);
    return err;
}

/* Appends printf-style text to the string in buf (of cap bytes): tests
 * gather many results into one string and check it once. */
__attribute__((format(printf, 3, 4))) static inline void zoo_appendf(char *buf, size_t cap,
                                                                     const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    if (len < cap)
        vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* Method names the descriptors a test makes beside the zoo are drawn from,
 * in sorted order. *main.File has five of them: ZOO_FILE_POOL. */
#define ZOO_NPOOL 12
static const char *const zoo_pool[ZOO_NPOOL] = {
    "Close", "Do", "Flush", "Get", "Len", "Next", "Put", "Read", "Reset", "Stat", "String", "Write",
};
#define ZOO_FILE_POOL (1u << 0 | 1u << 2 | 1u << 7 | 1u << 9 | 1u << 11)

/* The zoo's concrete types by number, for tests that pick one by seed. */
enum { ZOO_DOG, ZOO_CAT, ZOO_FILE, ZOO_ROCK, ZOO_NTYPES };

static inline iface_type_t *zoo_type(zoo_t *z, size_t k)
{
    iface_type_t *all[ZOO_NTYPES] = {&z->dog, &z->cat, &z->file, &z->rock};
    return all[k];
}

/* Whether zoo type k implements zoo interface it (z->speaker or z->rw). */
static inline bool zoo_implements(const zoo_t *z, size_t k, const iface_itype_t *it)
{
    return it == &z->speaker ? k == ZOO_DOG || k == ZOO_CAT : k == ZOO_FILE;
}

/* Fixture: every test starts with an empty cache and zero counters. */
static inline int zoo_fresh_cache(void **state)
{
    (void)state;
    iface_cache_reset();
    return 0;
}

/* Fixture: frees every itab the test cached. */
static inline int zoo_drop_cache(void **state)
{
    (void)state;
    iface_cache_reset();
    return 0;
}

#define ZOO_TEST(fn) cmocka_unit_test_setup_teardown(fn, zoo_fresh_cache, zoo_drop_cache)

#endif
