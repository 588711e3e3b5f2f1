/*
 * config.c — tests of reflect_config_load: keys from `config` tags and
 * lower-cased names, nested structs as dotted keys, defaults, required keys,
 * Go's bool syntax, lists, and errors that name the line and the key.
 *
 * Interface: UG_TEST_GROUP(reflect_config) over Server (zoo.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "reflect.h"
#include "zoo.h"

static int setup(void **state)
{
    *state = reflect_arena_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    reflect_arena_free(*state);
    return 0;
}

static char *str(const reflect_string_t *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.*s", (int)s->len, s->ptr ? s->ptr : "");
    return buf;
}

/* Fills a Server and describes it in one line. */
static int load(reflect_arena_t *a, const char *text, Server *s, char *line, size_t cap,
                reflect_error_t *err)
{
    memset(s, 0, sizeof *s);
    int rc = reflect_config_load(text, strlen(text), Server_type(), s, a, err);
    char addr[64], host[64], peers[128] = "";
    for (size_t i = 0; i < s->Peers.len; i++) {
        char p[64];
        strcat(peers, i ? "," : "");
        strcat(peers, str(&((reflect_string_t *)s->Peers.data)[i], p, sizeof p));
    }
    char ports[128] = "";
    for (size_t i = 0; i < s->Ports.len; i++) {
        char p[16];
        snprintf(p, sizeof p, "%s%d", i ? "," : "", ((int32_t *)s->Ports.data)[i]);
        strcat(ports, p);
    }
    snprintf(line, cap,
             "addr=%s level=%d debug=%d ratio=%g peers=[%s]%s ports=[%s] db=%s:%u max=%llu",
             str(&s->Addr, addr, sizeof addr), s->Level, s->Debug, s->Ratio, peers,
             s->Peers.data ? "" : "nil", ports, str(&s->DB.Host, host, sizeof host), s->DB.Port,
             (unsigned long long)s->MaxBytes);
    return rc;
}

/* Keys from tags and from lower-cased Go names; comments, blank lines,
 * spaces and quotes; defaults for what is not given. */
static void test_config_fills_fields_by_tag_and_takes_defaults(void **state)
{
    Server s;
    char got[512], want[512], text[512];
    reflect_error_t err = {{0}};
    unsigned long long max = ug_rand();
    snprintf(text, sizeof text,
             "# a comment\n\n  db.host = \"db.local\"  \r\nmaxbytes=%llu\npeers = a, b ,c\n"
             "debug = T\n",
             max);
    assert_int_equal(0, load(*state, text, &s, got, sizeof got, &err));
    snprintf(
        want, sizeof want,
        "addr=:8080 level=0 debug=1 ratio=0.5 peers=[a,b,c] ports=[] db=db.local:5432 max=%llu",
        max);
    assert_string_equal(want, got);
}

/* A nested struct's keys take its key as a prefix; tags may hold dots. */
static void test_config_nested_structs_use_dotted_keys(void **state)
{
    Server s;
    char got[512], want[512], text[512];
    reflect_error_t err = {{0}};
    unsigned port = (unsigned)ug_rand_below(65536);
    int level = (int)ug_rand_below(256) - 128;
    snprintf(text, sizeof text,
             "db.port=%u\ndb.host=h\nlog.level=%d\naddr=\"a b\\\"c\"\nports=1, -2,3\n", port,
             level);
    assert_int_equal(0, load(*state, text, &s, got, sizeof got, &err));
    snprintf(want, sizeof want,
             "addr=a b\"c level=%d debug=0 ratio=0.5 peers=[]nil ports=[1,-2,3] db=h:%u max=0",
             level, port);
    assert_string_equal(want, got);
}

/* Go's ParseBool words; integers checked against their type's range. */
static void test_config_parses_go_bools_and_checks_integer_ranges(void **state)
{
    static const char *const words[] = {"1", "t", "T",     "TRUE",  "true",  "True", "0",
                                        "f", "F", "FALSE", "false", "False", "yes",  "on"};
    Server s;
    char got[512], text[128];
    reflect_error_t err = {{0}};
    size_t w = ug_rand_below(14);
    snprintf(text, sizeof text, "db.host=h\ndebug=%s\n", words[w]);
    int rc = load(*state, text, &s, got, sizeof got, &err);
    char want[300], have[300];
    if (w < 12)
        snprintf(want, sizeof want, "0 %d", w < 6);
    else
        snprintf(want, sizeof want, "-22 config: line 2: key \"debug\": invalid bool value \"%s\"",
                 words[w]);
    if (rc == 0)
        snprintf(have, sizeof have, "0 %d", s.Debug);
    else
        snprintf(have, sizeof have, "%d %s", rc, err.msg);
    assert_string_equal(want, have);
    int lvl = (int)ug_rand_below(1000) - 500;
    snprintf(text, sizeof text, "db.host=h\nlog.level=%d\n", lvl);
    rc = load(*state, text, &s, got, sizeof got, &err);
    if (lvl >= -128 && lvl <= 127)
        snprintf(want, sizeof want, "0 %d", lvl);
    else
        snprintf(want, sizeof want,
                 "-22 config: line 2: key \"log.level\": invalid int8 value \"%d\"", lvl);
    if (rc == 0)
        snprintf(have, sizeof have, "0 %d", s.Level);
    else
        snprintf(have, sizeof have, "%d %s", rc, err.msg);
    assert_string_equal(want, have);
    assert_int_equal(-EINVAL, load(*state, "db.host=h\ndb.port=-1\n", &s, got, sizeof got, &err));
    assert_string_equal("config: line 2: key \"db.port\": invalid uint16 value \"-1\"", err.msg);
    assert_int_equal(-EINVAL, load(*state, "db.host=h\nratio=1e999\n", &s, got, sizeof got, &err));
    assert_int_equal(-EINVAL, load(*state, "db.host=h\nports=1,x\n", &s, got, sizeof got, &err));
    assert_string_equal("config: line 2: key \"ports\": invalid []int32 value \"1,x\"", err.msg);
}

/* Unknown keys, repeats, lines without '=', bad quotes: the first error
 * names its line (counting blank and comment lines) and its key. */
static void test_config_errors_name_the_line_and_the_key(void **state)
{
    Server s;
    char got[512], text[512] = "", want[128];
    reflect_error_t err = {{0}};
    size_t pad = ug_rand_below(5);
    for (size_t i = 0; i < pad; i++)
        strcat(text, i % 2 ? "# note\n" : "\n");
    static const char *const bad[] = {"prot = 80",     "addr = x\naddr = y", "just words",
                                      "addr = \"open", "secret = s",         "internal = 1",
                                      " = 3"};
    static const char *const msg[] = {"line %zu: unknown key \"prot\"",
                                      "line %zu: duplicate key \"addr\"",
                                      "line %zu: expected key = value",
                                      "line %zu: key \"addr\": invalid string value \"\"open\"",
                                      "line %zu: unknown key \"secret\"",
                                      "line %zu: unknown key \"internal\"",
                                      "line %zu: expected key = value"};
    size_t k = ug_rand_below(7);
    strcat(text, bad[k]);
    assert_int_equal(-EINVAL, load(*state, text, &s, got, sizeof got, &err));
    char tail[100];
    snprintf(tail, sizeof tail, msg[k], pad + 1 + (k == 1));
    snprintf(want, sizeof want, "config: %s", tail);
    assert_string_equal(want, err.msg);
}

/* A required key that no line gives is an error after the last line; a
 * default that does not parse is one too. */
static void test_config_missing_required_key_is_an_error(void **state)
{
    Server s;
    char got[512], text[64];
    reflect_error_t err = {{0}};
    unsigned port = (unsigned)ug_rand_below(65536);
    snprintf(text, sizeof text, "addr = :%u\n", port);
    assert_int_equal(-EINVAL, load(*state, text, &s, got, sizeof got, &err));
    assert_string_equal("config: missing required key \"db.host\"", err.msg);
    char want[32], addr[32];
    snprintf(want, sizeof want, ":%u", port);
    assert_string_equal(want, str(&s.Addr, addr, sizeof addr));
    User u = {0};
    const char *ok = "name = zed";
    assert_int_equal(0, reflect_config_load(ok, strlen(ok), User_type(), &u, *state, &err));
    assert_int_equal(18, u.Age);
    assert_int_equal(-EINVAL, reflect_config_load("", 0, User_type(), &u, *state, &err));
    assert_string_equal("config: missing required key \"name\"", err.msg);
    assert_int_equal(-EINVAL, reflect_config_load("x=1", 3, REFLECT_T(INT64), &u, *state, &err));
}

UG_TEST_GROUP(reflect_config, setup, teardown,
              cmocka_unit_test(test_config_fills_fields_by_tag_and_takes_defaults),
              cmocka_unit_test(test_config_nested_structs_use_dotted_keys),
              cmocka_unit_test(test_config_parses_go_bools_and_checks_integer_ranges),
              cmocka_unit_test(test_config_errors_name_the_line_and_the_key),
              cmocka_unit_test(test_config_missing_required_key_is_an_error));
