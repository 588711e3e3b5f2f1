/*
 * config.c — the exam's "dynamic configuration" use of reflection: a
 * key = value file filled into a struct by its `config` tags, with defaults
 * from `default` tags, nested structs as dotted keys, and errors that say
 * which line and which key. Nothing in the loader knows the struct: it
 * walks the descriptor.
 *
 * Interface: main → load a good file → show the struct → load bad ones.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "reflect.h"

#define DB_FIELDS(F, E)                                                                            \
    F(reflect_string_t, Host, REFLECT_T(STRING), "config:\"host,required\"")                       \
    F(uint16_t, Port, REFLECT_T(UINT16), "config:\"port\" default:\"5432\"")
REFLECT_STRUCT_DECLARE(DB, DB_FIELDS);
REFLECT_STRUCT_DEFINE(DB, "main.DB", DB_FIELDS, REFLECT_NO_METHODS);

#define SERVER_FIELDS(F, E)                                                                        \
    F(reflect_string_t, Addr, REFLECT_T(STRING), "config:\"addr\" default:\":8080\"")              \
    F(bool, Debug, REFLECT_T(BOOL), "")                                                            \
    F(int8_t, Level, REFLECT_T(INT8), "config:\"log.level\"")                                      \
    F(reflect_slice_t, Peers, reflect_slice_of(REFLECT_T(STRING)), "config:\"peers\"")             \
    F(DB, DB, DB_type(), "config:\"db\"")
REFLECT_STRUCT_DECLARE(Server, SERVER_FIELDS);
REFLECT_STRUCT_DEFINE(Server, "main.Server", SERVER_FIELDS, REFLECT_NO_METHODS);

static void show(const Server *s)
{
    printf("Addr=%.*s Debug=%s Level=%d DB={%.*s %u} Peers=[", (int)s->Addr.len, s->Addr.ptr,
           s->Debug ? "true" : "false", s->Level, (int)s->DB.Host.len, s->DB.Host.ptr, s->DB.Port);
    for (size_t i = 0; i < s->Peers.len; i++) {
        const reflect_string_t *p = &((const reflect_string_t *)s->Peers.data)[i];
        printf("%s%.*s", i ? " " : "", (int)p->len, p->ptr);
    }
    printf("]\n");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "reflect config",
                                     .about = "a config file filled into a struct by its tags"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A config loader that only knows the struct's descriptor");
    if (!demo_ok_ptr(&d, Server_type(), "Server_type (struct registration)"))
        return demo_end(&d);
    reflect_arena_t *a = reflect_arena_new();
    const char *good = "# server.conf\n"
                       "debug = true\n"
                       "log.level = -2\n"
                       "db.host = \"db.internal\"\n"
                       "peers = a.example, b.example\n";
    demo_step(&d, "server.conf");
    printf("%s", good);
    Server s = {0};
    reflect_error_t err = {{0}};
    if (demo_ok(&d, reflect_config_load(good, strlen(good), Server_type(), &s, a, &err),
                "reflect_config_load")) {
        demo_step(&d, "the struct it filled (addr and db.port from their default tags)");
        show(&s);
    }
    static const char *const bad[] = {"db.host = x\nlog.level = 300\n",
                                      "db.host = x\n\nprot = 80\n", "addr = :9000\n"};
    for (size_t i = 0; i < 3 && !d.failures; i++) {
        demo_step(&d, "%s",
                  i == 0   ? "a value its field cannot hold"
                  : i == 1 ? "a key no field has"
                           : "a required key missing");
        printf("%s", bad[i]);
        Server t = {0};
        rc = reflect_config_load(bad[i], strlen(bad[i]), Server_type(), &t, a, &err);
        if (rc == -EINVAL)
            printf("→ %s\n", err.msg);
        else
            demo_ok(&d, rc == 0 ? -EPROTO : rc, "reflect_config_load (should refuse)");
    }
    reflect_arena_free(a);
    return demo_end(&d);
}
