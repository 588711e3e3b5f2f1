/*
 * assert.c — tests of type assertions (to a concrete type and to an
 * interface, with and without ok) and of type switches.
 *
 * Which zoo types a test asserts or switches on, the receivers, the
 * arguments and the case lists come from the seed; the cases a test is
 * named for are also checked once, fixed, under every seed.
 *
 * Interface: zoo_init → iface_any_from → iface_assert_* / iface_switch.
 */
#include <errno.h>
#include <stdio.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

/* A seeded zoo type other than k. */
static size_t other_than(size_t k)
{
    return (k + 1 + ug_rand_below(ZOO_NTYPES - 1)) % ZOO_NTYPES;
}

/* The id of the pet p points at, or -1 for NULL. */
static intptr_t id_at(const void *p)
{
    return p ? ((const pet_t *)p)->id : -1;
}

/* x.(T) with ok: true with the data on a T, false and NULL on any other
 * type or on nil. T and the other type come from the seed. */
static void test_concrete_assertion_ok_form_reports_match_and_mismatch(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t objs[ZOO_NTYPES];
    for (size_t k = 0; k < ZOO_NTYPES; k++)
        objs[k].id = (intptr_t)ug_rand_below(1000);
    size_t h = ug_rand_below(ZOO_NTYPES), o = other_than(h);
    iface_any_t a = iface_any_from(zoo_type(&z, h), &objs[h]);
    void *p = NULL;

    assert_true(iface_assert_type_ok(a, zoo_type(&z, h), &p));
    assert_ptr_equal(&objs[h], p);
    assert_int_equal(objs[h].id, id_at(p));

    p = &objs[h];
    assert_false(iface_assert_type_ok(a, zoo_type(&z, o), &p));
    assert_null(p);

    p = &objs[h];
    assert_false(iface_assert_type_ok((iface_any_t){0}, zoo_type(&z, h), &p));
    assert_null(p);
}

/* x.(T) without ok on a value of another type fails the way Go panics,
 * naming the dynamic type, then the asserted one: main.Dog against
 * main.Cat, then a seeded pair, then nil against a seeded type. */
static void test_failed_concrete_assertion_names_the_dynamic_and_the_asserted_type(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {(intptr_t)ug_rand_below(1000)};
    iface_any_t a = iface_any_from(&z.dog, &rex);
    char msg[128] = "", want[128];
    void *p = NULL;

    assert_int_equal(0, iface_assert_type(a, &z.dog, &p, msg, sizeof(msg)));
    assert_ptr_equal(&rex, p);
    assert_int_equal(rex.id, id_at(p));

    assert_int_equal(-EINVAL, iface_assert_type(a, &z.cat, &p, msg, sizeof(msg)));
    assert_string_equal("interface conversion: interface {} is main.Dog, not main.Cat", msg);
    assert_null(p);

    size_t d = ug_rand_below(ZOO_NTYPES), t = other_than(d);
    a = iface_any_from(zoo_type(&z, d), &rex);
    assert_int_equal(-EINVAL, iface_assert_type(a, zoo_type(&z, t), &p, msg, sizeof(msg)));
    snprintf(want, sizeof want, "interface conversion: interface {} is %s, not %s",
             zoo_type(&z, d)->name, zoo_type(&z, t)->name);
    assert_string_equal(want, msg);

    t = ug_rand_below(ZOO_NTYPES);
    assert_int_equal(-EINVAL,
                     iface_assert_type((iface_any_t){0}, zoo_type(&z, t), &p, msg, sizeof(msg)));
    snprintf(want, sizeof want, "interface conversion: interface {} is nil, not %s",
             zoo_type(&z, t)->name);
    assert_string_equal(want, msg);
}

/* x.(io.ReadWriter) on a *main.File gives an interface value whose calls
 * reach File's methods; x.(main.Speaker) on a seeded pet reaches its Speak. */
static void test_assertion_to_interface_yields_a_callable_interface_value(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int fd = 3;
    intptr_t w = (intptr_t)ug_rand_below(1000), rd = (intptr_t)ug_rand_below(1000);
    iface_any_t a = iface_any_from(&z.file, &fd);
    iface_t v;
    intptr_t r = 0;

    assert_true(iface_assert_iface_ok(a, &z.rw, &v));
    assert_ptr_equal(&z.file, v.tab->type);
    assert_ptr_equal(&fd, v.data);
    assert_int_equal(0, iface_call(v, (size_t)iface_method_index(&z.rw, "Write"), w, &r));
    assert_int_equal(500 + w, r);

    char msg[128] = "";
    v = (iface_t){0};
    assert_int_equal(0, iface_assert_iface(a, &z.rw, &v, msg, sizeof(msg)));
    assert_int_equal(0, iface_call(v, (size_t)iface_method_index(&z.rw, "Read"), rd, &r));
    assert_int_equal(300 + rd, r);

    size_t k = ug_rand_below(2) ? ZOO_CAT : ZOO_DOG;
    pet_t pet = {(intptr_t)ug_rand_below(1000)};
    v = (iface_t){0};
    assert_int_equal(0, iface_assert_iface(iface_any_from(zoo_type(&z, k), &pet), &z.speaker, &v,
                                           msg, sizeof(msg)));
    assert_ptr_equal(&pet, v.data);
    assert_int_equal(0, iface_call(v, 0, w, &r));
    assert_int_equal((k == ZOO_CAT ? 2000 : 1000) + pet.id + w, r);
}

/* A seeded interface of pool names, at least one of which *main.File lacks,
 * declared in a seeded order. Returns the pool index of the first name, in
 * sorted order, File lacks. */
static size_t seeded_iface_file_lacks(iface_itype_t *it, const char **names, char *name, size_t cap)
{
    unsigned mask = 1 + (unsigned)ug_rand_below((1u << ZOO_NPOOL) - 1);
    if (!(mask & ~ZOO_FILE_POOL)) {
        static const size_t lacking[] = {1, 3, 4, 5, 6, 8, 10};
        mask |= 1u << lacking[ug_rand_below(7)];
    }
    size_t n = 0;
    for (size_t k = 0; k < ZOO_NPOOL; k++)
        if (mask >> k & 1)
            names[n++] = zoo_pool[k];
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates: a seeded declaration order */
        size_t j = ug_rand_below(i);
        const char *t = names[i - 1];
        names[i - 1] = names[j];
        names[j] = t;
    }
    snprintf(name, cap, "pkg.I%u", (unsigned)ug_rand_below(1000));
    *it = (iface_itype_t){name, names, n, 0};
    return (size_t)__builtin_ctz(mask & ~ZOO_FILE_POOL);
}

/* A type lacking a method fails the interface assertion; the message names
 * the first missing method in sorted order: fixed pairs, then *main.File
 * against a seeded interface. */
static void test_missing_method_fails_the_interface_assertion_naming_the_method(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int stone = 0;
    pet_t rex = {1};
    char msg[128] = "", want[128];
    iface_t v = {.data = &stone};

    assert_false(iface_assert_iface_ok(iface_any_from(&z.rock, &stone), &z.rw, &v));
    assert_true(iface_is_nil(v));

    assert_int_equal(-EINVAL, iface_assert_iface(iface_any_from(&z.rock, &stone), &z.rw, &v,
                                                 msg, sizeof(msg)));
    assert_string_equal("interface conversion: main.Rock is not io.ReadWriter: missing method Write",
                        msg);

    assert_int_equal(-EINVAL, iface_assert_iface(iface_any_from(&z.dog, &rex), &z.rw, &v,
                                                 msg, sizeof(msg)));
    assert_string_equal("interface conversion: main.Dog is not io.ReadWriter: missing method Read",
                        msg);

    assert_int_equal(-EINVAL, iface_assert_iface((iface_any_t){0}, &z.rw, &v, msg, sizeof(msg)));
    assert_string_equal("interface conversion: interface is nil, not io.ReadWriter", msg);

    /* Converting the Rock directly is refused as well, leaving a nil value. */
    assert_int_equal(-ENOENT, iface_from(&z.rw, &z.rock, &stone, &v));
    assert_true(iface_is_nil(v));

    iface_itype_t it;
    const char *names[ZOO_NPOOL];
    char iname[32];
    size_t first = seeded_iface_file_lacks(&it, names, iname, sizeof iname);
    assert_int_equal(0, iface_itype_seal(&it));
    int fd = 3;
    v = (iface_t){.data = &fd};
    assert_false(iface_assert_iface_ok(iface_any_from(&z.file, &fd), &it, &v));
    assert_true(iface_is_nil(v));
    assert_int_equal(-EINVAL,
                     iface_assert_iface(iface_any_from(&z.file, &fd), &it, &v, msg, sizeof(msg)));
    snprintf(want, sizeof want, "interface conversion: *main.File is not %s: missing method %s",
             iname, zoo_pool[first]);
    assert_string_equal(want, msg);
}

/* What a switch on a value of zoo type k (ZOO_NTYPES: the nil value) must
 * answer: the first case that matches, else n. */
static int first_match(zoo_t *z, size_t k, const iface_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const iface_case_t *c = &cases[i];
        bool nil = k == ZOO_NTYPES;
        if (c->type    ? !nil && c->type == zoo_type(z, k)
            : c->itype ? !nil && zoo_implements(z, k, c->itype)
                       : nil)
            return (int)i;
    }
    return (int)n;
}

/* A case of kind c: 0..3 a zoo type, 4 Speaker, 5 ReadWriter, 6 nil. */
static iface_case_t zoo_case(zoo_t *z, size_t c)
{
    if (c < ZOO_NTYPES)
        return (iface_case_t){.type = zoo_type(z, c)};
    if (c < ZOO_NTYPES + 2)
        return (iface_case_t){.itype = c == ZOO_NTYPES ? &z->speaker : &z->rw};
    return (iface_case_t){0};
}

/* Cases are tried in order: a Dog matches `case Speaker` before the later,
 * exact `case Dog`; a nil value matches `case nil`. Then a seeded case list,
 * switched on every zoo type and on nil. */
static void test_type_switch_picks_the_first_matching_case(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {1}, tom = {2};
    iface_case_t cases[] = {{.type = &z.cat}, {.itype = &z.speaker}, {.type = &z.dog}, {0}};

    assert_int_equal(1, iface_switch(iface_any_from(&z.dog, &rex), cases, 4));
    assert_int_equal(0, iface_switch(iface_any_from(&z.cat, &tom), cases, 4));
    assert_int_equal(3, iface_switch((iface_any_t){0}, cases, 4));

    iface_case_t exact_first[] = {{.type = &z.dog}, {.itype = &z.speaker}};
    assert_int_equal(0, iface_switch(iface_any_from(&z.dog, &rex), exact_first, 2));

    iface_case_t seeded[8];
    size_t n = 3 + ug_rand_below(6);
    for (size_t i = 0; i < n; i++)
        seeded[i] = zoo_case(&z, ug_rand_below(ZOO_NTYPES + 3));
    for (size_t k = 0; k <= ZOO_NTYPES; k++) {
        iface_any_t v = k < ZOO_NTYPES ? iface_any_from(zoo_type(&z, k), &rex) : (iface_any_t){0};
        assert_int_equal(first_match(&z, k, seeded, n), iface_switch(v, seeded, n));
    }
}

/* No matching case: the result is n, the default branch. Then, four
 * times, a seeded value against a seeded list of cases none of which it
 * matches. */
static void test_type_switch_falls_to_default_when_no_case_matches(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int stone = 0;
    iface_case_t cases[] = {{.type = &z.dog}, {.itype = &z.speaker}, {.itype = &z.rw}, {.type = &z.cat}};

    assert_int_equal(4, iface_switch(iface_any_from(&z.rock, &stone), cases, 4));
    assert_int_equal(4, iface_switch((iface_any_t){0}, cases, 4));
    assert_int_equal(0, iface_switch(iface_any_from(&z.rock, &stone), cases, 0));

    iface_case_t both[] = {{.type = &z.dog, .itype = &z.speaker}};
    assert_int_equal(-EINVAL, iface_switch(iface_any_from(&z.rock, &stone), both, 1));

    for (int round = 0; round < 4; round++) {
        size_t k = ug_rand_below(ZOO_NTYPES + 1); /* ZOO_NTYPES: nil */
        iface_any_t v = k < ZOO_NTYPES ? iface_any_from(zoo_type(&z, k), &stone) : (iface_any_t){0};
        iface_case_t seeded[8];
        size_t n = 1 + ug_rand_below(8);
        for (size_t i = 0; i < n;) {
            seeded[i] = zoo_case(&z, ug_rand_below(ZOO_NTYPES + 3));
            i += first_match(&z, k, &seeded[i], 1) == 1; /* keep only cases v misses */
        }
        assert_int_equal(n, iface_switch(v, seeded, n));
    }
}

UG_TEST_GROUP(iface_assert, NULL, NULL,
    ZOO_TEST(test_concrete_assertion_ok_form_reports_match_and_mismatch),
    ZOO_TEST(test_failed_concrete_assertion_names_the_dynamic_and_the_asserted_type),
    ZOO_TEST(test_assertion_to_interface_yields_a_callable_interface_value),
    ZOO_TEST(test_missing_method_fails_the_interface_assertion_naming_the_method),
    ZOO_TEST(test_type_switch_picks_the_first_matching_case),
    ZOO_TEST(test_type_switch_falls_to_default_when_no_case_matches));
