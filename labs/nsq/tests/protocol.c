/*
 * protocol.c — protocol V2 on the wire: the magic, frames byte for byte,
 * every error nsqd answers and which of them close the connection.
 */
#include "nsq_world.h"

static frame_t F;

/* A bad magic is answered with E_BAD_PROTOCOL and the end of the stream;
 * PUB's OK is the frame 00 00 00 06 | 00 00 00 00 | "OK"; a message frame
 * is the timestamp, attempts 1, a 16-byte id and the body. */
static void frames(world_t *w)
{
    cl_t *bad = calloc(1, sizeof *bad);
    net_dial("tcp", "s:4150", &bad->c);
    cl_send(bad, "  V1", 4);
    cl_frame(bad, &F);
    w->v[0] = F.type;
    keep(w->s[0], frame_text(&F));
    w->v[1] = cl_frame(bad, &F);
    cl_free(bad);

    cl_t *p = cl_dial();
    char body[64];
    snprintf(body, sizeof body, "hello-%u", (unsigned)ug_rand_below(100000));
    cl_body(p, "PUB t", body, (int32_t)strlen(body));
    /* the raw bytes of the answer */
    while (p->e - p->s < 10)
        cl_fill(p);
    memcpy(w->s[1], p->buf + p->s, 10);
    p->s += 10;
    int64_t pub_at = clock_now();
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", 1);
    keep(w->s[2], frame_text(&F));
    cl_frame(c, &F);
    w->v[2] = F.type;
    w->v[3] = F.len;
    w->v[4] = msg_attempts(&F);
    /* published when the PUB reached s: one latency before its OK came back */
    w->v[5] = msg_ts(&F) == pub_at - w->L;
    keep(w->s[3], frame_text(&F));
    keep(w->s[4], body);
    char id[17];
    msg_id(&F, id);
    w->v[6] = (long)strlen(id);
    cl_free(p);
    cl_free(c);
}

static void test_frames_carry_size_type_and_data_and_a_bad_magic_is_e_bad_protocol(void **state)
{
    (void)state;
    world_t w = {.scenario = frames, .no_disk = true};
    world_run(&w);
    assert_int_equal(NSQ_FRAME_ERROR, w.v[0]);
    assert_string_equal("E_BAD_PROTOCOL", w.s[0]);
    assert_int_equal(-EPIPE, w.v[1]);
    assert_memory_equal("\0\0\0\x06\0\0\0\0OK", w.s[1], 10);
    assert_string_equal("OK", w.s[2]);
    assert_int_equal(NSQ_FRAME_MESSAGE, w.v[2]);
    assert_int_equal(NSQ_MSG_HEADER_LEN + strlen(w.s[4]), w.v[3]);
    assert_int_equal(1, w.v[4]);
    assert_int_equal(1, w.v[5]);
    assert_string_equal(w.s[4], w.s[3]);
    assert_int_equal(16, w.v[6]);
}

/* One command on a fresh connection: its answer, and whether the
 * connection then ends (1) or goes on (0, a NOP and a PUB still work). */
static void one(world_t *w, int i, const char *line, const void *body, int32_t len)
{
    cl_t *c = cl_dial();
    if (body || len)
        cl_body(c, line, body, len);
    else
        cl_line(c, "%s", line);
    snprintf(w->s[i], sizeof w->s[i], "%.*s", (int)sizeof w->s[i] - 1, cl_text(c, &F));
    cl_line(c, "NOP");
    const char *r = cl_pub(c, &F, "alive", "x");
    w->v[i] = strcmp(r, "OK") != 0;
    cl_free(c);
}

static long big_rdy, big_len;

static void errors(world_t *w)
{
    char line[128];
    one(w, 0, "BOGUS x", NULL, 0);
    one(w, 1, "RDY 1", NULL, 0);
    one(w, 2, "FIN 0123456789abcdef", NULL, 0);
    one(w, 3, "SUB t", NULL, 0);
    one(w, 4, "SUB bad*topic ch", NULL, 0);
    one(w, 5, "SUB t bad*ch", NULL, 0);
    one(w, 6, "PUB t", "", 0);
    snprintf(line, sizeof line, "PUB %s", "t");
    one(w, 7, line, "0123456789012345678901234567890", (int32_t)big_len); /* > max_msg_size 8 */
    one(w, 8, "PUB", NULL, 0);
    one(w, 9, "CLS", NULL, 0);
    one(w, 10, "MPUB t", "\0\0\0\0", 4);
    /* a second SUB; then after CLS, RDY is ignored and FIN is still allowed */
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", -1);
    cl_line(c, "SUB t ch");
    keep(w->s[11], cl_text(c, &F));
    w->v[11] = cl_frame(c, &F);
    cl_free(c);
    c = cl_dial();
    cl_sub(c, &F, "t", "ch", -1);
    cl_line(c, "CLS");
    keep(w->s[12], cl_text(c, &F));
    snprintf(line, sizeof line, "RDY %ld", big_rdy);
    cl_line(c, "%s", line);
    cl_line(c, "FIN 0123456789abcdef");
    keep(w->s[13], cl_text(c, &F));
    cl_line(c, "FIN short");
    keep(w->s[14], cl_text(c, &F));
    w->v[14] = cl_frame(c, &F);
    cl_free(c);
    one(w, 15, "TOUCH 0123456789abcdef", NULL, 0);
    one(w, 16, "REQ 0123456789abcdef x", NULL, 0);
}

static void test_every_command_error_is_nsqds_and_fatal_ones_close(void **state)
{
    (void)state;
    world_t w = {.scenario = errors, .no_disk = true, .cfg = {.max_msg_size = 8}};
    big_rdy = 2501 + (long)ug_rand_below(1000);
    big_len = 9 + (long)ug_rand_below(20);
    world_run(&w);
    assert_string_equal("E_INVALID invalid command BOGUS", w.s[0]);
    assert_string_equal("E_INVALID cannot RDY in current state", w.s[1]);
    assert_string_equal("E_INVALID cannot FIN in current state", w.s[2]);
    assert_string_equal("E_INVALID SUB insufficient number of parameters", w.s[3]);
    assert_string_equal("E_BAD_TOPIC SUB topic name \"bad*topic\" is not valid", w.s[4]);
    assert_string_equal("E_BAD_CHANNEL SUB channel name \"bad*ch\" is not valid", w.s[5]);
    assert_string_equal("E_BAD_MESSAGE PUB invalid message body size 0", w.s[6]);
    char want[128];
    snprintf(want, sizeof want, "E_BAD_MESSAGE PUB message too big %ld > 8", big_len);
    assert_string_equal(want, w.s[7]);
    assert_string_equal("E_INVALID PUB insufficient number of parameters", w.s[8]);
    assert_string_equal("E_INVALID cannot CLS in current state", w.s[9]);
    assert_string_equal("E_BAD_BODY MPUB invalid message count 0", w.s[10]);
    assert_string_equal("E_INVALID cannot SUB in current state", w.s[11]);
    assert_int_equal(-EPIPE, w.v[11]);
    assert_string_equal("CLOSE_WAIT", w.s[12]);
    assert_string_equal("E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight", w.s[13]);
    assert_string_equal("E_INVALID Invalid Message ID", w.s[14]);
    assert_int_equal(-EPIPE, w.v[14]);
    assert_string_equal("E_INVALID cannot TOUCH in current state", w.s[15]);
    assert_string_equal("E_INVALID cannot REQ in current state", w.s[16]);
    long closed[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    long got[11];
    for (int i = 0; i < 11; i++)
        got[i] = w.v[i];
    assert_memory_equal(closed, got, sizeof closed);
}

/* IDENTIFY with a message timeout: in range it is this connection's;
 * out of range it is E_BAD_BODY; with feature_negotiation the answer is
 * the server's settings in JSON. */
static long ident_ms;

static void identify(world_t *w)
{
    cl_t *c = cl_dial();
    char body[128];
    int n = snprintf(body, sizeof body, "{\"msg_timeout\":%ld,\"feature_negotiation\":true}",
                     ident_ms);
    cl_body(c, "IDENTIFY", body, n);
    keep(w->s[0], cl_text(c, &F));
    cl_t *p = cl_dial();
    cl_pub(p, &F, "t", "m");
    cl_sub(c, &F, "t", "ch", 1);
    cl_frame(c, &F);
    int64_t first = F.at;
    cl_frame(c, &F); /* the same message again, after the timeout */
    w->t[0] = F.at - first;
    w->v[0] = msg_attempts(&F);
    cl_free(c);
    c = cl_dial();
    n = snprintf(body, sizeof body, "{\"msg_timeout\":999}");
    cl_body(c, "IDENTIFY", body, n);
    keep(w->s[1], cl_text(c, &F));
    w->v[1] = cl_frame(c, &F);
    cl_free(c);
    c = cl_dial();
    cl_body(c, "IDENTIFY", "{}", 2);
    keep(w->s[2], cl_text(c, &F));
    cl_free(c);
    cl_free(p);
}

static void test_identify_sets_the_message_timeout_and_negotiates(void **state)
{
    (void)state;
    world_t w = {.scenario = identify, .no_disk = true};
    ident_ms = 1000 + (long)ug_rand_below(100000);
    world_run(&w);
    char want[256];
    snprintf(want, sizeof want,
             "{\"max_rdy_count\":2500,\"version\":\"1.2.1\",\"max_msg_timeout\":900000,"
             "\"msg_timeout\":%ld,\"tls_v1\":false,\"deflate\":false,\"snappy\":false,"
             "\"auth_required\":false}",
             ident_ms);
    assert_string_equal(want, w.s[0]);
    assert_int_equal(ident_ms * MS, w.t[0]);
    assert_int_equal(2, w.v[0]);
    assert_string_equal("E_BAD_BODY IDENTIFY msg timeout (999) is invalid", w.s[1]);
    assert_int_equal(-EPIPE, w.v[1]);
    assert_string_equal("OK", w.s[2]);
}

/* MPUB: every message, in order; one bad size rejects the whole batch. */
static int mpub_n;

static void mpub(world_t *w)
{
    uint8_t body[4096];
    size_t off = 4;
    be32(body, (uint32_t)mpub_n);
    for (int i = 0; i < mpub_n; i++) {
        char m[32];
        int len = snprintf(m, sizeof m, "m%d-%u", i, (unsigned)ug_rand_below(1000));
        be32(body + off, (uint32_t)len);
        memcpy(body + off + 4, m, (size_t)len);
        off += 4 + (size_t)len;
    }
    cl_t *p = cl_dial();
    cl_body(p, "MPUB t", body, (int32_t)off);
    keep(w->s[0], cl_text(p, &F));
    /* a batch whose second message claims 0 bytes */
    uint8_t bad[32];
    be32(bad, 2);
    be32(bad + 4, 1);
    bad[8] = 'x';
    be32(bad + 9, 0);
    cl_t *q = cl_dial();
    cl_body(q, "MPUB t", bad, 13);
    keep(w->s[1], cl_text(q, &F));
    cl_t *c = cl_dial();
    cl_sub(c, &F, "t", "ch", mpub_n + 5);
    char got[4096] = "";
    int count = 0;
    while (!cl_frame_before(c, &F, clock_now() + 10 * SEC)) {
        strcat(got, frame_text(&F));
        strcat(got, ",");
        count++;
    }
    w->v[0] = count;
    keep(w->s[2], got);
    /* what was published, in order */
    char want[4096] = "";
    off = 4;
    for (int i = 0; i < mpub_n; i++) {
        uint32_t len = get32(body + off);
        strncat(want, (char *)body + off + 4, len);
        strcat(want, ",");
        off += 4 + len;
    }
    keep(w->s[3], want);
    cl_free(p);
    cl_free(q);
    cl_free(c);
}

static void test_mpub_publishes_every_message_in_order_or_none(void **state)
{
    (void)state;
    world_t w = {.scenario = mpub, .no_disk = true};
    mpub_n = 2 + (int)ug_rand_below(20);
    world_run(&w);
    assert_string_equal("OK", w.s[0]);
    assert_string_equal("E_BAD_MESSAGE MPUB invalid message(1) body size 0", w.s[1]);
    assert_int_equal(mpub_n, w.v[0]);
    assert_string_equal(w.s[3], w.s[2]);
}

UG_TEST_GROUP(
    nsq_protocol, NULL, NULL,
    cmocka_unit_test(test_frames_carry_size_type_and_data_and_a_bad_magic_is_e_bad_protocol),
    cmocka_unit_test(test_every_command_error_is_nsqds_and_fatal_ones_close),
    cmocka_unit_test(test_identify_sets_the_message_timeout_and_negotiates),
    cmocka_unit_test(test_mpub_publishes_every_message_in_order_or_none));
