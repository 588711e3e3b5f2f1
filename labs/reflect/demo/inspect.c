/*
 * inspect.c — reflect.TypeOf and reflect.ValueOf on one struct: its kind,
 * size and alignment, each field's type, offset and tag (the layout is Go's
 * on amd64 too), a tag read with Tag.Get, and who may set what: a copy
 * cannot be set, the value behind a pointer can, an unexported field never,
 * and a setter of the wrong kind is refused (Go panics; here an error comes
 * back). The Go original, inspect.go, prints the same from Go's reflect.
 *
 * Interface: main → describe the type → settability → setters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "person.h"
#include "reflect.h"

static const char *yes(bool b)
{
    return b ? "true" : "false";
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "reflect inspect",
                                     .about = "TypeOf, ValueOf, fields, tags and CanSet"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "reflect.TypeOf and reflect.ValueOf on a struct");
    const reflect_type_t *t = Person_type();
    if (!demo_ok_ptr(&d, t, "Person_type (struct registration)"))
        return demo_end(&d);

    demo_step(&d, "t := reflect.TypeOf(p)");
    printf("%s: kind %s, size %zu, align %zu, %zu fields\n", t->name, reflect_kind_name(t->kind),
           t->size, t->align, t->nfields);
    for (size_t i = 0; i < t->nfields; i++) {
        const reflect_field_t *f = &t->fields[i];
        printf("  %-9s %-17s offset %2zu size %2zu%s  `%s`\n", f->name, f->type->name, f->offset,
               f->type->size, f->embedded ? " embedded" : "", f->tag);
    }
    char tag[64];
    ssize_t n = reflect_tag_lookup(t->fields[2].tag, "json", tag, sizeof tag);
    if (!demo_ok(&d, n, "reflect_tag_lookup"))
        return demo_end(&d);
    printf("t.Field(2).Tag.Get(\"json\") = \"%s\"\n", tag);
    reflect_field_path_t path;
    if (!demo_ok(&d, reflect_type_field_by_name(t, "City", &path), "reflect_type_field_by_name"))
        return demo_end(&d);
    printf("t.FieldByName(\"City\"): index [%zu %zu], type %s\n", path.index[0], path.index[1],
           path.field->type->name);

    demo_step(&d, "who may set what");
    Person p = {.Name = reflect_str("Ada"), .Age = 36};
    reflect_value_t copy = reflect_value_of(t, &p), at = reflect_value_at(t, &p), f;
    reflect_value_field_by_name(copy, "Age", &f);
    printf("reflect.ValueOf(p).Field(Age).CanSet()        = %s\n", yes(reflect_value_can_set(f)));
    reflect_value_field_by_name(at, "Age", &f);
    printf("reflect.ValueOf(&p).Elem().Field(Age).CanSet() = %s\n", yes(reflect_value_can_set(f)));
    reflect_value_t s;
    reflect_value_field_by_name(at, "secret", &s);
    printf("reflect.ValueOf(&p).Elem().Field(secret).CanSet() = %s\n",
           yes(reflect_value_can_set(s)));

    demo_step(&d, "v.SetInt(42), then v.SetString(\"x\") on the same int64 field");
    if (!demo_ok(&d, reflect_value_set_int(f, 42), "reflect_value_set_int"))
        return demo_end(&d);
    printf("p.Age = %lld\n", (long long)p.Age);
    rc = reflect_value_set_string(f, reflect_str("x"));
    if (rc == -EINVAL)
        printf("refused: reflect: call of reflect.Value.SetString on int64 Value (-EINVAL, p.Age "
               "still %lld)\n",
               (long long)p.Age);
    else
        demo_ok(&d, rc == 0 ? -EPROTO : rc, "reflect_value_set_string of an int64 (should refuse)");
    return demo_end(&d);
}
