/*
 * typed-nil.c — an interface holding a nil pointer is not a nil interface.
 *
 * The Go original (typed-nil.go) returns a nil *MyErr through a function
 * whose result type is error; the caller's `err == nil` is false, because
 * the interface's first word (the itab) is set even though its data word is
 * NULL. Here the same two functions build the two words with iface_from and
 * the caller asks iface_is_nil; a method call through the typed nil reaches
 * the method with a NULL receiver, a call through the true nil fails.
 *
 * Interface: main → describe the types → find / find_fixed → look at the words.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "iface.h"

typedef struct my_err {
    const char *msg;
} my_err_t;

/* (*MyErr).Error: like the Go method, it copes with a nil receiver. */
static intptr_t my_err_error(void *recv, intptr_t arg)
{
    (void)arg;
    my_err_t *e = recv;
    return (intptr_t)(e ? e->msg : "<nil *MyErr>");
}

static iface_method_t my_err_methods[] = {{"Error", my_err_error}};
static iface_type_t my_err_ptr = {"*main.MyErr", sizeof(void *), IFACE_KIND_PTR, my_err_methods, 1, 0};
static const char *error_methods[] = {"Error"};
static iface_itype_t error_type = {"error", error_methods, 1, 0};

/* func find(fail bool) error { var p *MyErr; if fail { p = &MyErr{...} }; return p } */
static int find(bool fail, iface_t *out)
{
    static my_err_t not_found = {"not found"};
    my_err_t *p = NULL;
    if (fail)
        p = &not_found;
    return iface_from(&error_type, &my_err_ptr, p, out);   /* the conversion at `return p` */
}

/* func findFixed(fail bool) error { if fail { return &MyErr{...} }; return nil } */
static int find_fixed(bool fail, iface_t *out)
{
    static my_err_t not_found = {"not found"};
    if (fail)
        return iface_from(&error_type, &my_err_ptr, &not_found, out);
    *out = (iface_t){0};
    return 0;
}

static void show_words(demo_t *d, iface_t v)
{
    char data[32] = "NULL";
    if (v.data)
        snprintf(data, sizeof data, "%p", v.data);
    if (v.tab)
        printf("  words: tab -> itab(%s, %s), data = %s%s%s\n", v.tab->inter->name,
               v.tab->type->name, demo_c(d, DEMO_YELLOW), data, demo_c(d, DEMO_RESET));
    else
        printf("  words: tab = NULL, data = %s\n", data);
}

static void show(demo_t *d, const char *expr, iface_t v)
{
    bool nil = iface_is_nil(v);
    printf("%s == nil: %s%s%s\n", expr, demo_c(d, nil ? DEMO_GREEN : DEMO_RED),
           nil ? "true" : "false", demo_c(d, DEMO_RESET));
    show_words(d, v);
    intptr_t ret = 0;
    int rc = iface_call(v, 0, 0, &ret);
    if (rc == 0)
        printf("  %s.Error() = \"%s\"\n", expr, (const char *)ret);
    else if (rc == -EFAULT)
        printf("  %s.Error(): refused (-EFAULT); Go panics: nil pointer dereference\n", expr);
    else
        demo_ok(d, rc, "iface_call");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "iface typed-nil",
                                     .about = "an interface holding a nil pointer is not a nil interface"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A nil *MyErr returned as an error is not a nil error");
    if (!demo_ok(&d, iface_type_seal(&my_err_ptr), "iface_type_seal") ||
        !demo_ok(&d, iface_itype_seal(&error_type), "iface_itype_seal"))
        return demo_end(&d);

    iface_t err, fixed;
    demo_step(&d, "err := find(false)   // returns p, a nil *MyErr, as an error");
    if (!demo_ok(&d, find(false, &err), "iface_from"))
        return demo_end(&d);
    show(&d, "err", err);
    demo_note(&d, "the itab word says \"a *MyErr\": the interface is not empty, only its pointer is");

    demo_step(&d, "err := findFixed(false)   // returns the literal nil");
    if (!demo_ok(&d, find_fixed(false, &fixed), "iface_from"))
        return demo_end(&d);
    show(&d, "err", fixed);

    demo_step(&d, "err := find(true)   // a real error");
    if (!demo_ok(&d, find(true, &err), "iface_from"))
        return demo_end(&d);
    show(&d, "err", err);

    demo_step(&d, "The rule");
    printf("An interface is nil only when both words are: no type and no value.\n"
           "Return the literal nil for \"no error\", never a typed pointer that happens to be nil.\n");
    iface_cache_reset();
    return demo_end(&d);
}
