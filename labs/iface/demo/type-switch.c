/*
 * type-switch.c — a type switch, and the assertions it is made of.
 *
 * The Go original (type-switch.go) passes five values through one
 *   switch v := x.(type) { case nil; case Cat; case Speaker; case int; default }
 * The first matching case wins, so a Cat stops at `case Cat` although it is a
 * Speaker too, and a Dog reaches `case Speaker`. Here the same cases go to
 * iface_switch; then the two assertion forms: `x.(Cat)` with ok, and without
 * ok, whose failure is Go's panic message.
 *
 * Interface: main → types → classify each value → assertions.
 */
#include <stdint.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "iface.h"

typedef struct pet {
    const char *name;
} pet_t;

static intptr_t dog_speak(void *r, intptr_t a) { (void)a; (void)r; return (intptr_t)"Woof"; }
static intptr_t cat_speak(void *r, intptr_t a) { (void)a; (void)r; return (intptr_t)"Meow"; }

static iface_method_t dog_m[] = {{"Speak", dog_speak}};
static iface_method_t cat_m[] = {{"Speak", cat_speak}};
static iface_type_t dog = {"main.Dog", sizeof(pet_t), IFACE_KIND_STRUCT, dog_m, 1, 0};
static iface_type_t cat = {"main.Cat", sizeof(pet_t), IFACE_KIND_STRUCT, cat_m, 1, 0};
static iface_type_t int_type = {"int", sizeof(long), IFACE_KIND_INT, NULL, 0, 0};
static iface_type_t string_type = {"string", sizeof(char *), IFACE_KIND_STRING, NULL, 0, 0};
static const char *speaker_m[] = {"Speak"};
static iface_itype_t speaker = {"main.Speaker", speaker_m, 1, 0};

static const char *const case_names[] = {"case nil", "case Cat", "case Speaker", "case int",
                                         "default"};

static int seal(demo_t *d)
{
    iface_type_t *types[] = {&dog, &cat, &int_type, &string_type};
    for (size_t i = 0; i < 4; i++)
        if (!demo_ok(d, iface_type_seal(types[i]), "iface_type_seal"))
            return -1;
    return demo_ok(d, iface_itype_seal(&speaker), "iface_itype_seal") ? 0 : -1;
}

static void classify(demo_t *d, const char *what, iface_any_t x)
{
    const iface_case_t cases[] = {{NULL, NULL}, {&cat, NULL}, {NULL, &speaker}, {&int_type, NULL}};
    int k = iface_switch(x, cases, 4);
    if (!demo_ok(d, k, "iface_switch"))
        return;
    printf("  %-22s -> %s%s%s", what, demo_c(d, DEMO_CYAN), k <= 4 ? case_names[k] : "?",
           demo_c(d, DEMO_RESET));
    if (k == 2) {
        iface_t s;
        intptr_t said = 0;
        if (iface_assert_iface_ok(x, &speaker, &s) && iface_call(s, 0, 0, &said) == 0)
            printf(": v.Speak() = %s", (const char *)said);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "iface type-switch",
                                     .about = "a type switch picks the first case that matches"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (seal(&d))
        return demo_end(&d);
    pet_t rex = {"Rex"}, tom = {"Tom"};
    long n = 42;
    const char *s = "hello";

    demo_title(&d, "switch v := x.(type) { case nil | Cat | Speaker | int | default }");
    demo_step(&d, "Five values through the same switch");
    classify(&d, "x = nil", (iface_any_t){0});
    classify(&d, "x = Cat{\"Tom\"}", iface_any_from(&cat, &tom));
    classify(&d, "x = Dog{\"Rex\"}", iface_any_from(&dog, &rex));
    classify(&d, "x = 42", iface_any_from(&int_type, &n));
    classify(&d, "x = \"hello\"", iface_any_from(&string_type, &s));
    demo_note(&d, "a Cat is a Speaker too, but `case Cat` comes first and wins");

    demo_step(&d, "Assertions: x.(Cat) on x = Dog{\"Rex\"}");
    iface_any_t x = iface_any_from(&dog, &rex);
    void *data = &rex;
    bool ok = iface_assert_type_ok(x, &cat, &data);
    printf("  c, ok := x.(Cat)   -> ok = %s, c is the zero value (data %s)\n",
           ok ? "true" : "false", data ? "set" : "NULL");
    char msg[160] = "";
    rc = iface_assert_type(x, &cat, &data, msg, sizeof msg);
    printf("  c := x.(Cat)       -> %s%s%s%s\n", demo_c(&d, DEMO_RED), rc ? "panic: " : "no panic",
           msg, demo_c(&d, DEMO_RESET));
    rc = iface_assert_type((iface_any_t){0}, &cat, &data, msg, sizeof msg);
    printf("  on x = nil         -> %s%s%s%s\n", demo_c(&d, DEMO_RED), rc ? "panic: " : "no panic",
           msg, demo_c(&d, DEMO_RESET));
    iface_cache_reset();
    return demo_end(&d);
}
