/*
 * types.c — tests of the type registry: built-in and composite descriptors,
 * struct registration and its checks, lookup by name, methods, FieldByName
 * and struct tags (against Go's reflect.StructTag.Lookup).
 *
 * Interface: UG_TEST_GROUP(reflect_types) over zoo.h's structs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "go_fixtures.h"
#include "reflect.h"
#include "zoo.h"

/* Kind names, sizes and alignments of the built-ins, as Go has them on amd64. */
static void test_builtin_types_have_go_names_kinds_sizes_and_alignments(void **state)
{
    (void)state;
    static const char *const names[REFLECT_NKINDS] = {"invalid", "bool",    "int",    "int8",
                                                      "int16",   "int32",   "int64",  "uint",
                                                      "uint8",   "uint16",  "uint32", "uint64",
                                                      "float32", "float64", "string", "ptr",
                                                      "slice",   "map",     "struct", "interface"};
    char got[512] = "";
    for (int k = REFLECT_BOOL; k <= REFLECT_INTERFACE; k++) {
        const reflect_type_t *t = reflect_builtin((reflect_kind_t)k);
        char one[64];
        if (t)
            snprintf(one, sizeof one, "%s/%d/%zu/%zu ", t->name, (int)t->kind == k, t->size,
                     t->align);
        else
            snprintf(one, sizeof one, "- ");
        strcat(got, one);
    }
    assert_string_equal("bool/1/1/1 int/1/8/8 int8/1/1/1 int16/1/2/2 int32/1/4/4 int64/1/8/8 "
                        "uint/1/8/8 uint8/1/1/1 uint16/1/2/2 uint32/1/4/4 uint64/1/8/8 "
                        "float32/1/4/4 float64/1/8/8 string/1/16/8 - - - - interface {}/1/16/8 ",
                        got);
    int k = (int)ug_rand_below(REFLECT_NKINDS);
    assert_string_equal(names[k], reflect_kind_name((reflect_kind_t)k));
    assert_string_equal("invalid",
                        reflect_kind_name((reflect_kind_t)(REFLECT_NKINDS + ug_rand_below(9))));
}

/* A declared struct: every field's name, offset (the C compiler's), type,
 * tag and export flag, in declaration order. */
static void test_declared_struct_lists_fields_with_offsets_types_and_tags(void **state)
{
    (void)state;
    const reflect_type_t *t = User_type();
    assert_non_null(t);
    assert_int_equal(REFLECT_STRUCT, t->kind);
    assert_string_equal("main.User", t->name);
    assert_int_equal(sizeof(User), t->size);
    assert_int_equal(_Alignof(User), t->align);
    assert_int_equal(5, t->nfields);
    static const size_t offs[5] = {offsetof(User, Name), offsetof(User, Age), offsetof(User, Home),
                                   offsetof(User, level), offsetof(User, Score)};
    static const char *const names[5] = {"Name", "Age", "Home", "level", "Score"};
    static const char *const types[5] = {"string", "int64", "main.Point", "uint8", "float64"};
    char got[256] = "";
    for (size_t i = 0; i < 5; i++) {
        const reflect_field_t *f = &t->fields[i];
        char one[64];
        snprintf(one, sizeof one, "%s@%zu:%s:%d:%zu ", f->name, f->offset, f->type->name,
                 f->exported, f->index);
        strcat(got, one);
    }
    assert_string_equal("Name@0:string:1:0 Age@16:int64:1:1 Home@24:main.Point:1:2 "
                        "level@32:uint8:0:3 Score@40:float64:1:4 ",
                        got);
    size_t i = ug_rand_below(5);
    assert_string_equal(names[i], t->fields[i].name);
    assert_int_equal(offs[i], t->fields[i].offset);
    assert_string_equal(types[i], t->fields[i].type->name);
    assert_string_equal("json:\"age,omitempty\" config:\"age\" default:\"18\"", t->fields[1].tag);
    assert_string_equal("", t->fields[3].tag);
    assert_true(Point_type() == t->fields[2].type);
}

/* Builds a random composite type from the seed, returning Go's name for it. */
static const reflect_type_t *random_composite(uint64_t r, char *name, size_t cap)
{
    const reflect_type_t *t = REFLECT_T(INT16);
    snprintf(name, cap, "int16");
    for (int depth = 0; depth < 4; depth++, r /= 3) {
        char prev[200];
        snprintf(prev, sizeof prev, "%s", name);
        switch (r % 3) {
        case 0:
            t = reflect_ptr_to(t);
            snprintf(name, cap, "*%s", prev);
            break;
        case 1:
            t = reflect_slice_of(t);
            snprintf(name, cap, "[]%s", prev);
            break;
        default: t = reflect_map_of(T_STRING, t); snprintf(name, cap, "map[string]%s", prev);
        }
        if (!t)
            return NULL;
    }
    return t;
}

/* *T, []T and map[K]V are built once: asking again gives the same
 * descriptor; names, sizes and the refusal of a slice as map key. */
static void test_composite_types_are_built_once_and_named_as_go_prints_them(void **state)
{
    (void)state;
    const reflect_type_t *pp = reflect_ptr_to(reflect_ptr_to(Record_type()));
    assert_non_null(pp);
    assert_string_equal("**main.Record", pp->name);
    assert_true(pp == reflect_ptr_to(reflect_ptr_to(Record_type())));
    assert_true(pp->elem->elem == Record_type());
    const reflect_type_t *m = reflect_map_of(T_STRING,
                                             reflect_slice_of(reflect_ptr_to(REFLECT_T(INT64))));
    assert_non_null(m);
    assert_string_equal("map[string][]*int64", m->name);
    assert_int_equal(REFLECT_MAP, m->kind);
    assert_true(m->key == T_STRING);
    assert_true(m == reflect_map_of(T_STRING, reflect_slice_of(reflect_ptr_to(REFLECT_T(INT64)))));
    assert_false(m == reflect_map_of(REFLECT_T(INT64), m->elem));
    char sizes[64];
    snprintf(sizes, sizeof sizes, "%zu/%zu %zu/%zu %zu/%zu", pp->size, pp->align, m->size, m->align,
             m->elem->size, m->elem->align);
    assert_string_equal("8/8 8/8 24/8", sizes);
    assert_null(reflect_map_of(reflect_slice_of(T_STRING), T_STRING));
    assert_null(reflect_ptr_to(NULL));

    char name[256];
    uint64_t r = ug_rand();
    const reflect_type_t *t = random_composite(r, name, sizeof name);
    assert_non_null(t);
    assert_string_equal(name, t->name);
    char again[256];
    assert_true(t == random_composite(r, again, sizeof again));
    assert_true(t == reflect_type_by_name(name));
}

/* The registry finds structs, built-ins and the composite types built so
 * far by their Go names, and nothing else. */
static void test_registry_finds_types_by_go_name(void **state)
{
    (void)state;
    assert_non_null(User_type());
    assert_true(User_type() == reflect_type_by_name("main.User"));
    assert_true(REFLECT_T(INT8) == reflect_type_by_name("int8"));
    assert_true(T_ANY == reflect_type_by_name("interface {}"));
    assert_null(reflect_type_by_name("main.Nope"));
    char name[64];
    snprintf(name, sizeof name, "[]main.Point%s", ug_rand_below(2) ? "" : "x");
    const reflect_type_t *s = reflect_slice_of(Point_type());
    assert_non_null(s);
    assert_int_equal(strcmp(name, "[]main.Point") == 0, reflect_type_by_name(name) == s);
    assert_string_equal("User", reflect_type_short_name(User_type()));
    assert_string_equal("int8", reflect_type_short_name(REFLECT_T(INT8)));
    assert_string_equal("", reflect_type_short_name(s));

    /* Seeded composites of built-ins, found by the names Go gives them. */
    static const char *const go_names[] = {"bool",   "int",    "int8",    "int16",  "int32",
                                           "int64",  "uint",   "uint8",   "uint16", "uint32",
                                           "uint64", "float32", "float64", "string"};
    for (int round = 0; round < 3; round++) {
        size_t k = ug_rand_below(14), how = ug_rand_below(3);
        const reflect_type_t *e = reflect_builtin((reflect_kind_t)(REFLECT_BOOL + k));
        const reflect_type_t *c = how == 0   ? reflect_slice_of(e)
                                  : how == 1 ? reflect_ptr_to(e)
                                             : reflect_map_of(REFLECT_T(STRING), e);
        snprintf(name, sizeof name, "%s%s", how == 0 ? "[]" : how == 1 ? "*" : "map[string]",
                 go_names[k]);
        const reflect_type_t *found = reflect_type_by_name(name);
        assert_string_equal(name, found ? found->name : "(none)");
        assert_true(found == c);
    }
}

/* What a compiler would refuse, the registry refuses, and a refused field
 * leaves the struct as it was. */
static void test_registration_refuses_bad_layouts_and_duplicate_names(void **state)
{
    (void)state;
    const reflect_type_t *i64 = REFLECT_T(INT64), *i32 = REFLECT_T(INT32);
    reflect_type_t *st = NULL;
    char name[64];
    snprintf(name, sizeof name, "main.Bad%llu", (unsigned long long)ug_rand_below(1000000));
    assert_int_equal(-EINVAL, reflect_struct_begin(name, 24, 3, &st));
    assert_int_equal(-EINVAL, reflect_struct_begin(name, 20, 8, &st));
    assert_int_equal(-EINVAL, reflect_struct_begin("", 24, 8, &st));
    assert_int_equal(0, reflect_struct_begin(name, 24, 8, &st));
    assert_non_null(st);
    assert_string_equal(name, st->name);
    size_t mis = 8 + 1 + ug_rand_below(7);
    assert_int_equal(-EINVAL, reflect_struct_field(st, "A", mis, 8, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_field(st, "A", 0, 4, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_field(st, "A", 24, 8, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_field(st, "A", 0, 8, NULL, "", false));
    assert_int_equal(0, reflect_struct_field(st, "A", 0, 8, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_field(st, "B", 4, 4, i32, "", false));
    assert_int_equal(-EEXIST, reflect_struct_field(st, "A", 8, 8, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_field(st, "C", 8, 8, i64, "", true));
    assert_int_equal(1, st->nfields);
    assert_int_equal(0, reflect_struct_field(st, "B", 8, 4, i32, "x:\"y\"", false));
    assert_int_equal(-EEXIST,
                     reflect_struct_method(st, "B", (reflect_fn_t)user_secret, NULL, NULL, 0));
    assert_int_equal(0, reflect_struct_method(st, "M", (reflect_fn_t)user_secret, NULL, NULL, 0));
    assert_int_equal(-EEXIST, reflect_struct_field(st, "M", 16, 8, i64, "", false));
    assert_int_equal(-EEXIST,
                     reflect_struct_method(st, "M", (reflect_fn_t)user_secret, NULL, NULL, 0));
    assert_int_equal(0, reflect_struct_end(st));
    assert_true(st->complete);
    assert_int_equal(2, st->nfields);
    assert_int_equal(-EINVAL, reflect_struct_field(st, "D", 16, 8, i64, "", false));
    assert_int_equal(-EINVAL, reflect_struct_end(st));
    reflect_type_t *again = NULL;
    assert_int_equal(-EEXIST, reflect_struct_begin(name, 24, 8, &again));
    assert_int_equal(-EEXIST, reflect_struct_begin("int64", 8, 8, &again));
}

/* Methods are listed by name, unexported ones left out, each with Go's
 * signature of its type (receiver excluded). */
static void test_methods_are_sorted_by_name_with_go_signatures(void **state)
{
    (void)state;
    const reflect_type_t *t = User_type();
    assert_non_null(t);
    char got[512] = "";
    for (size_t i = 0; i < t->nmethods; i++) {
        char one[96];
        snprintf(one, sizeof one, "%zu:%s %s; ", t->methods[i].index, t->methods[i].name,
                 t->methods[i].sig);
        strcat(got, one);
    }
    assert_string_equal("0:AddAge func(int64) int64; 1:Describe func(interface {}) string; "
                        "2:Greet func(string) string; 3:IsAdult func() bool; "
                        "4:LevelDown func(int8) int8; 5:Move func(main.Point, int64) main.Point; "
                        "6:Rename func(string); 7:Scale func(float64, float32, int8) float64; "
                        "8:Sum func([]int64) int64; ",
                        got);
    static const char *const names[] = {"AddAge", "Describe", "Greet", "IsAdult", "LevelDown",
                                        "Move",   "Rename",   "Scale", "Sum"};
    const reflect_method_t *m = NULL;
    char want[64] = "", idx[64] = "";
    for (int i = 0; i < 6; i++) {
        size_t k = ug_rand_below(9);
        int rc = reflect_type_method_by_name(i % 2 ? t : reflect_ptr_to(t), names[k], &m);
        snprintf(want + strlen(want), sizeof want - strlen(want), "%zu ", k);
        snprintf(idx + strlen(idx), sizeof idx - strlen(idx), "%zu ", rc == 0 ? m->index : 99);
    }
    assert_string_equal(want, idx);
    assert_int_equal(-ENOENT, reflect_type_method_by_name(t, "secret", &m));
    assert_int_equal(-ENOENT, reflect_type_method_by_name(t, "Fly", &m));
    assert_int_equal(-EINVAL, reflect_type_method_by_name(REFLECT_T(INT64), "Greet", &m));
}

/* Tag lookups on seeded tags, well-formed and broken, agree with Go's
 * reflect.StructTag.Lookup. */
static void test_struct_tag_lookup_agrees_with_go(void **state)
{
    (void)state;
    for (int n = 0; n < 40; n++) {
        size_t i = ug_rand_below(GO_NTAG);
        char value[300] = "1";
        ssize_t len = reflect_tag_lookup(go_tag_in[i], go_tag_key[i], value + 1, sizeof value - 1);
        if (len < 0)
            snprintf(value, sizeof value, "0");
        assert_string_equal(go_tag_out[i], value);
    }
    char small[3];
    assert_int_equal(-ERANGE, reflect_tag_lookup("json:\"long\"", "json", small, sizeof small));
    assert_int_equal(2, reflect_tag_lookup("json:\"ab\"", "json", small, sizeof small));
    assert_string_equal("ab", small);
}

/* Go's selector rules: the shallowest match wins, two at one depth are
 * ambiguous, embedded pointers are followed, unexported names count. */
static void test_field_by_name_follows_go_selector_rules(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *want;
    } cases[] = {
        {"ID", "0 [3]"},       {"Name", "-ENOTUNIQ"}, {"Only", "0 [1 2]"},
        {"Deep", "0 [0 1 0]"}, {"Shown", "0 [2 0]"},  {"kept", "0 [2 1]"},
        {"Nope", "-ENOENT"},   {"Left", "0 [0]"},     {"Leaf", "0 [0 1]"},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    const reflect_type_t *t = Outer_type();
    assert_non_null(t);
    char want[512] = "", got[512] = "";
    for (size_t k = 0; k < 12; k++) {
        size_t c = ug_rand_below(n);
        reflect_field_path_t p;
        int rc = reflect_type_field_by_name(t, cases[c].name, &p);
        char one[64];
        if (rc == -ENOTUNIQ)
            snprintf(one, sizeof one, "-ENOTUNIQ");
        else if (rc == -ENOENT)
            snprintf(one, sizeof one, "-ENOENT");
        else if (rc < 0)
            snprintf(one, sizeof one, "%d", rc);
        else {
            int w = snprintf(one, sizeof one, "0 [");
            for (size_t d = 0; d < p.depth && d < 4; d++)
                w += snprintf(one + w, sizeof one - (size_t)w, "%s%zu", d ? " " : "", p.index[d]);
            snprintf(one + w, sizeof one - (size_t)w, "]");
        }
        strcat(got, one);
        strcat(got, "; ");
        strcat(want, cases[c].want);
        strcat(want, "; ");
    }
    assert_string_equal(want, got);
    reflect_field_path_t p;
    assert_int_equal(0, reflect_type_field_by_name(t, "Deep", &p));
    assert_string_equal("Deep", p.field->name);
    assert_int_equal(-EINVAL, reflect_type_field_by_name(REFLECT_T(INT64), "X", &p));
}

UG_TEST_GROUP(reflect_types, NULL, NULL,
              cmocka_unit_test(test_builtin_types_have_go_names_kinds_sizes_and_alignments),
              cmocka_unit_test(test_declared_struct_lists_fields_with_offsets_types_and_tags),
              cmocka_unit_test(test_composite_types_are_built_once_and_named_as_go_prints_them),
              cmocka_unit_test(test_registry_finds_types_by_go_name),
              cmocka_unit_test(test_registration_refuses_bad_layouts_and_duplicate_names),
              cmocka_unit_test(test_methods_are_sorted_by_name_with_go_signatures),
              cmocka_unit_test(test_struct_tag_lookup_agrees_with_go),
              cmocka_unit_test(test_field_by_name_follows_go_selector_rules));
