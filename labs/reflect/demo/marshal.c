/*
 * marshal.c — the same struct through Go's encoding/json and through this
 * lab's reflection: tags rename and drop fields, omitempty, an embedded
 * struct's fields promoted, a nil slice is null and an empty one [], map
 * keys sorted, <>& escaped, floats in Go's shortest form, and Unmarshal
 * matching keys without case, skipping unknown ones and reporting a type
 * mismatch by its field path while it fills the rest. The Go original,
 * marshal.go, prints the same lines from encoding/json itself.
 *
 * Interface: main → marshal steps → unmarshal step.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "person.h"
#include "reflect.h"

static bool show(demo_t *d, const reflect_type_t *t, const void *p)
{
    reflect_buf_t b = {0};
    reflect_error_t err = {{0}};
    int rc = reflect_json_marshal(t, p, &b, &err);
    if (rc < 0 && rc != -EDOM)
        return demo_ok(d, rc, "reflect_json_marshal"), reflect_buf_free(&b), false;
    printf("%s\n", rc < 0 ? err.msg : reflect_buf_str(&b));
    reflect_buf_free(&b);
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "reflect marshal",
                                     .about = "one struct through Go's encoding/json rules"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "json.Marshal and json.Unmarshal, by reflection");
    if (!demo_ok_ptr(&d, Person_type(), "Person_type (struct registration)"))
        return demo_end(&d);
    reflect_arena_t *a = reflect_arena_new();
    reflect_string_t tags[2] = {reflect_str("admin"), reflect_str("<ops> & dev")};
    reflect_string_t lk[3] = {reflect_str("go"), reflect_str("c"), reflect_str("asm")};
    int64_t lv[3] = {9, 10, 2};
    reflect_map_t *langs = reflect_map_new(a, reflect_map_of(REFLECT_T(STRING), REFLECT_T(INT64)));
    for (int i = 0; langs && i < 3; i++) {
        void *slot;
        if (reflect_map_put(langs, &lk[i], &slot) == 0)
            *(int64_t *)slot = lv[i];
    }
    Person p = {.Address = {reflect_str("Zürich"), reflect_str("")},
                .Name = reflect_str("Ada"),
                .Age = 0,
                .Password = reflect_str("hunter2"),
                .Score = 1e21,
                .Tags = {tags, 2, 2},
                .Langs = langs,
                .ID = 42,
                .secret = 7};

    demo_step(&d, "json.Marshal(p)");
    if (!show(&d, Person_type(), &p))
        goto out;
    demo_note(
        &d,
        "city promoted from the embedded Address; zip and age omitted (empty); Password \"-\";");
    demo_note(&d,
              "secret unexported; id as a string; map keys sorted; <>& escaped; 1e21 in e-form");

    demo_step(&d, "p.Tags = nil, then p.Tags = []string{}");
    p.Tags = (reflect_slice_t){0};
    p.Langs = NULL;
    show(&d, Person_type(), &p);
    reflect_slice_make(a, REFLECT_T(STRING), 0, 0, &p.Tags);
    show(&d, Person_type(), &p);

    demo_step(&d, "floats: 0.1, 100, 1e-7, 123456789.0, float32(0.1)");
    double fs[4] = {0.1, 100, 1e-7, 123456789.0};
    for (int i = 0; i < 4; i++)
        show(&d, REFLECT_T(FLOAT64), &fs[i]);
    float f32 = 0.1f;
    show(&d, REFLECT_T(FLOAT32), &f32);

    demo_step(
        &d, "json.Unmarshal({\"NAME\":\"Bob\",\"age\":\"x\",\"city\":\"Paris\",\"extra\":1}, &q)");
    const char *in = "{\"NAME\":\"Bob\",\"age\":\"x\",\"city\":\"Paris\",\"extra\":1}";
    Person q = {0};
    reflect_error_t err = {{0}};
    rc = reflect_json_unmarshal(in, strlen(in), Person_type(), &q, a, &err);
    if (rc < 0 && rc != -EDOM) {
        demo_ok(&d, rc, "reflect_json_unmarshal");
        goto out;
    }
    printf("error: %s\n", rc ? err.msg : "<nil>");
    show(&d, Person_type(), &q);
    demo_note(&d, "NAME matched name ignoring case, extra was skipped, the bad age was reported "
                  "and the rest filled");
out:
    reflect_arena_free(a);
    return demo_end(&d);
}
