/*
 * status.c — tests of the codes' names and of the grpc-timeout codec, held
 * to grpc-go's tables (codes.Code.String, encodeTimeout, decodeTimeout),
 * and of every status reaching a client through the call path.
 *
 * Interface: ic_code_string / ic_code_parse; ic_timeout_encode /
 * ic_timeout_parse; ic_inproc_invoke.
 */
#include <errno.h>

#include "ic_test.h"

__attribute__((unused)) static const char *const strs[17] = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};
static const char *const names[17] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

static void test_the_17_codes_have_grpc_go_s_names_and_others_print_as_code_n(void **state)
{
    (void)state;
    char buf[32];
    for (int c = 0; c < 17; c++) {
        assert_int_equal(strlen(strs[c]), ic_code_string(c, buf, sizeof buf));
        assert_string_equal(strs[c], buf);
        assert_int_equal(c, ic_code_parse(names[c]));
    }
    int other = 17 + (int)ug_rand_below(1000);
    char want[32];
    snprintf(want, sizeof want, "Code(%d)", other);
    ic_code_string(other, buf, sizeof buf);
    assert_string_equal(want, buf);
    assert_int_equal(-EINVAL, ic_code_parse("Canceled")); /* String() is not the name */
    assert_int_equal(-EINVAL, ic_code_parse("CANCELED"));
    assert_int_equal(8, ic_code_string(IC_INTERNAL, buf, 4)); /* snprintf's contract */
    assert_string_equal("Int", buf);
}

static const struct enc {
    int64_t ns;
    const char *want;
} encs[] = {
    {0, "0n"},
    {-5, "0n"},
    {1, "1n"},
    {99999999, "99999999n"},
    {100000000, "100000u"},
    {100000001, "100001u"}, /* rounded up */
    {99999999000LL, "99999999u"},
    {99999999001LL, "100000m"},
    {1500000000LL, "1500000u"},
    {100000000000000LL, "100000S"},
    {100000000000001LL, "100001S"},
    {99999999LL * 1000000000LL + 1, "1666667M"},
    {6000000000000000LL, "6000000S"},
    {5999999940000000000LL, "99999999M"},
    {5999999940000000001LL, "1666667H"},
    {INT64_MAX, "2562048H"},
};

static void test_grpc_timeout_encoding_picks_the_unit_as_grpc_go_does(void **state)
{
    (void)state;
    char buf[16];
    for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
        assert_int_equal(strlen(encs[i].want), ic_timeout_encode(encs[i].ns, buf, sizeof buf));
        assert_string_equal(encs[i].want, buf);
    }
    /* a seeded count of milliseconds below 100 s is sent in microseconds */
    int64_t ms = 1 + (int64_t)ug_rand_below(99999);
    char want[16];
    snprintf(want, sizeof want, "%lldu", (long long)ms * 1000);
    ic_timeout_encode(ms * 1000000, buf, sizeof buf);
    assert_string_equal(want, buf);
    assert_int_equal(-ENOSPC, ic_timeout_encode(1500000000LL, buf, 8)); /* "1500000u" + NUL */
}

static const struct dec {
    const char *s;
    int64_t ns;
} decs[] = {
    {"0n", 0},
    {"1n", 1},
    {"7u", 7000},
    {"12m", 12000000},
    {"3S", 3000000000LL},
    {"2M", 120000000000LL},
    {"1H", 3600000000000LL},
    {"99999999n", 99999999},
    {"00000042S", 42000000000LL},
    {"2562047H", 2562047LL * 3600000000000LL},
    {"2562048H", INT64_MAX}, /* clamped */
    {"99999999H", INT64_MAX},
};

static const char *const rejects[] = {
    "", "1", "n", "100000000n", "1s", "1h", "1x", "-1S", "+1S", " 1S", "1 S", "1.5S", "S1",
};

static void
test_grpc_timeout_parsing_takes_8_digits_and_six_units_and_rejects_the_rest(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof decs / sizeof decs[0]; i++) {
        int64_t ns = -1;
        assert_int_equal(0, ic_timeout_parse(decs[i].s, &ns));
        assert_int_equal(decs[i].ns, ns);
    }
    for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
        int64_t ns = 0;
        assert_int_equal(-EINVAL, ic_timeout_parse(rejects[i], &ns));
    }
    /* a seeded value in a seeded unit */
    static const char units[] = "HMSmun";
    static const int64_t per[] = {3600000000000LL, 60000000000LL, 1000000000LL, 1000000, 1000, 1};
    size_t u = ug_rand_below(6);
    int64_t v = (int64_t)ug_rand_below(100000), got = -1;
    char s[16];
    snprintf(s, sizeof s, "%lld%c", (long long)v, units[u]);
    assert_int_equal(0, ic_timeout_parse(s, &got));
    assert_int_equal(v * per[u], got);
    /* round trip: what is parsed is never less than what was encoded */
    int64_t ns = 1 + (int64_t)(ug_rand() % 4000000000000000LL), back = 0;
    char buf[16];
    assert_true(ic_timeout_encode(ns, buf, sizeof buf) > 0);
    assert_int_equal(0, ic_timeout_parse(buf, &back));
    assert_true(back >= ns);
    assert_int_equal(1, back - ns < ns / 99999 + 1); /* under one unit */
}

typedef struct code_world {
    ic_server_t srv;
    int code[17], got[17];
    char msg[17][IC_STATUS_MSG];
    int seed;
} code_world_t;

static int coded_handler(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    code_world_t *w = ud;
    *resp = *req;
    int c = req->data[0];
    if (c == IC_OK)
        return IC_OK;
    return ic_error(call, c, "code %d of run %d", c, w->seed);
}

static void code_body(void *arg)
{
    code_world_t *w = arg;
    for (int c = 0; c < 17; c++) {
        ic_call_t call;
        ic_call_init(&call, ctx_background());
        ic_buf_t req = {.data = {(uint8_t)c}, .len = 1}, resp = {.len = 0};
        w->got[c] = ic_inproc_invoke(&call, "/svc/Coded", &req, &resp, NULL, &w->srv);
        memcpy(w->msg[c], call.msg, IC_STATUS_MSG);
    }
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    ic_buf_t req = {.len = 0}, resp;
    w->got[0] |= ic_inproc_invoke(&call, "/svc/Nope", &req, &resp, NULL, &w->srv) << 8;
    memcpy(w->msg[0], call.msg, IC_STATUS_MSG);
}

/* Every code a handler returns, with its message, is what the client gets;
 * an unknown method is UNIMPLEMENTED. */
static void
test_every_status_code_and_message_returned_by_a_handler_reaches_the_client(void **state)
{
    (void)state;
    code_world_t w = {.seed = (int)ug_rand_below(10000)};
    w.srv.methods[0] = (ic_method_t){"/svc/Coded", {coded_handler, &w}};
    w.srv.nmethods = 1;
    ic_test_run(code_body, &w);
    assert_int_equal(IC_UNIMPLEMENTED << 8, w.got[0]);
    assert_string_equal("unknown method /svc/Nope", w.msg[0]);
    for (int c = 1; c < 17; c++) {
        char want[IC_STATUS_MSG];
        snprintf(want, sizeof want, "code %d of run %d", c, w.seed);
        assert_int_equal(c, w.got[c]);
        assert_string_equal(want, w.msg[c]);
    }
}

UG_TEST_GROUP(
    interceptor_status, NULL, NULL,
    cmocka_unit_test(test_the_17_codes_have_grpc_go_s_names_and_others_print_as_code_n),
    cmocka_unit_test(test_grpc_timeout_encoding_picks_the_unit_as_grpc_go_does),
    cmocka_unit_test(test_grpc_timeout_parsing_takes_8_digits_and_six_units_and_rejects_the_rest),
    cmocka_unit_test(test_every_status_code_and_message_returned_by_a_handler_reaches_the_client));
