/*
 * call-by-name.c — a command line dispatched to methods found by name at
 * run time, as a framework routes a request to a handler: MethodByName,
 * then each word parsed by the parameter's kind, then Call — here through
 * libffi. A missing method and a wrong argument count are found before any
 * call. The Go original, call-by-name.go, does the same with reflect.
 *
 * Interface: main → for each command: dispatch (lookup, parse, call, print).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/demo.h>

#include "reflect.h"

#define CALC_FIELDS(F, E) F(double, Memory, REFLECT_T(FLOAT64), "")
REFLECT_STRUCT_DECLARE(Calc, CALC_FIELDS);

static double calc_add(Calc *c, double a, double b)
{
    c->Memory = a + b;
    return c->Memory;
}

static int64_t calc_scale(Calc *c, int64_t k)
{
    c->Memory *= (double)k;
    return (int64_t)c->Memory;
}

static reflect_string_t calc_hello(Calc *c, reflect_string_t name)
{
    (void)c;
    static char out[64];
    int n = snprintf(out, sizeof out, "hello, %.*s", (int)name.len, name.ptr);
    return (reflect_string_t){out, (size_t)n};
}

#define CALC_METHODS(M)                                                                            \
    M(Add, calc_add, REFLECT_T(FLOAT64), REFLECT_T(FLOAT64), REFLECT_T(FLOAT64))                   \
    M(Scale, calc_scale, REFLECT_T(INT64), REFLECT_T(INT64))                                       \
    M(Hello, calc_hello, REFLECT_T(STRING), REFLECT_T(STRING))
REFLECT_STRUCT_DEFINE(Calc, "main.Calc", CALC_FIELDS, CALC_METHODS);

/* One argument word as a value of the parameter's type, in storage. */
static int parse(const reflect_type_t *t, const char *word, void *storage)
{
    char *end;
    switch (t->kind) {
    case REFLECT_FLOAT64: *(double *)storage = strtod(word, &end); return *end ? -EINVAL : 0;
    case REFLECT_INT64: *(int64_t *)storage = strtoll(word, &end, 10); return *end ? -EINVAL : 0;
    case REFLECT_STRING: *(reflect_string_t *)storage = reflect_str(word); return 0;
    default: return -EINVAL;
    }
}

static void print_result(const reflect_type_t *t, const void *r)
{
    if (t->kind == REFLECT_FLOAT64)
        printf("%g\n", *(const double *)r);
    else if (t->kind == REFLECT_INT64)
        printf("%lld\n", (long long)*(const int64_t *)r);
    else
        printf("%.*s\n", (int)((const reflect_string_t *)r)->len,
               ((const reflect_string_t *)r)->ptr);
}

static bool dispatch(demo_t *d, Calc *c, char *line)
{
    char *words[8];
    int n = 0;
    for (char *w = strtok(line, " "); w && n < 8; w = strtok(NULL, " "))
        words[n++] = w;
    Calc *pc = c;
    reflect_value_t recv = reflect_value_of(reflect_ptr_to(Calc_type()), &pc);
    reflect_func_t f;
    int rc = reflect_value_method_by_name(recv, words[0], &f);
    if (rc == -ENOENT) {
        printf("no method %s on *main.Calc\n", words[0]);
        return true;
    }
    if (!demo_ok(d, rc, "reflect_value_method_by_name"))
        return false;
    if ((size_t)(n - 1) != f.method->nin) {
        printf("%s is %s: %zu argument(s) needed, %d given\n", words[0], f.method->sig,
               f.method->nin, n - 1);
        return true;
    }
    double storage[8][3];
    reflect_value_t args[8];
    for (int i = 1; i < n; i++) {
        if (parse(f.method->in[i - 1], words[i], storage[i]) < 0) {
            printf("%s: argument %d: %s is not a %s\n", words[0], i, words[i],
                   f.method->in[i - 1]->name);
            return true;
        }
        args[i - 1] = reflect_value_of(f.method->in[i - 1], storage[i]);
    }
    double result[3];
    reflect_error_t err = {{0}};
    if (!demo_ok(d, reflect_func_call(f, args, (size_t)(n - 1), result, &err), "reflect_func_call"))
        return false;
    printf("%s%s = ", words[0], f.method->sig + 4);
    print_result(f.method->out, result);
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "reflect call-by-name",
                                     .about = "commands dispatched to methods found by name"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Calling methods by name: MethodByName, then Call");
    if (!demo_ok_ptr(&d, Calc_type(), "Calc_type (struct registration)"))
        return demo_end(&d);
    demo_step(&d, "the methods of *main.Calc, sorted by name");
    for (size_t i = 0; i < Calc_type()->nmethods; i++)
        printf("  %s %s\n", Calc_type()->methods[i].name, Calc_type()->methods[i].sig);
    static const char *const commands[] = {"Add 2 3.5",  "Scale 3", "Hello gopher",
                                           "Divide 1 2", "Add 1",   "Scale x"};
    Calc c = {0};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "%s", commands[i]);
        demo_step(&d, "%s", commands[i]);
        if (!dispatch(&d, &c, line))
            break;
    }
    demo_step(&d, "the receiver kept its state");
    printf("c.Memory = %g\n", c.Memory);
    return demo_end(&d);
}
