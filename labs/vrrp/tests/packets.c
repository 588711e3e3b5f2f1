/*
 * packets.c — the ADVERTISEMENT on the wire: byte vectors with checksums
 * computed apart (by hand, then by the oracle below), and every reason a
 * message is refused, by the decoder and by a router's configuration.
 */
#include "vr_test.h"

#define SRC 0x0A000001u /* 10.0.0.1 */

/* RFC 1071 over the pseudo-header (v3) and the message: the oracle. */
static uint16_t oracle_sum(int version, const uint8_t *m, size_t len, uint32_t src)
{
    uint8_t b[12 + 128] = {0};
    size_t n = 0;
    if (version == 3) {
        uint8_t ph[12] = {
            src >> 24, src >> 16 & 255,     src >> 8 & 255, src & 255, 224, 0, 0, 18, 0,
            112,       (uint8_t)(len >> 8), (uint8_t)len};
        memcpy(b, ph, 12);
        n = 12;
    }
    memcpy(b + n, m, len);
    b[n + 6] = b[n + 7] = 0;
    n += len;
    uint32_t s = 0;
    for (size_t i = 0; i < n; i += 2)
        s += (uint32_t)b[i] << 8 | (i + 1 < n ? b[i + 1] : 0);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static vr_adv_t seeded_adv(int version)
{
    vr_adv_t a = {.version = version,
                  .vrid = (uint8_t)(1 + ug_rand_below(255)),
                  .priority = (uint8_t)(1 + ug_rand_below(254)),
                  .count = (uint8_t)(1 + ug_rand_below(VR_MAX_ADDRS)),
                  .adver_int = (uint16_t)(1 + ug_rand_below(version == 3 ? 4095 : 255))};
    for (int i = 0; i < a.count; i++)
        a.addrs[i] = (uint32_t)ug_rand();
    return a;
}

static void test_v3_checksum_covers_the_ipv4_pseudo_header(void **state)
{
    (void)state;
    vr_adv_t a = {
        .version = 3, .vrid = 51, .priority = 192, .count = 1, .adver_int = 100, .addrs = {VIP}};
    uint8_t buf[128];
    static const uint8_t want[] = {0x31, 51, 192, 1, 0, 100, 0x63, 0x24, 192, 168, 0, 10};
    assert_int_equal(12, vr_encode(&a, SRC, buf, sizeof buf));
    assert_memory_equal(want, buf, sizeof want);

    vr_adv_t s = seeded_adv(3), d;
    uint32_t src = (uint32_t)ug_rand();
    int n = vr_encode(&s, src, buf, sizeof buf);
    assert_int_equal(8 + 4 * s.count, n);
    assert_int_equal(oracle_sum(3, buf, (size_t)n, src), buf[6] << 8 | buf[7]);
    assert_int_equal(oracle_sum(3, buf, (size_t)n, src), vr_checksum(3, buf, (size_t)n, src));
    assert_int_equal(0, vr_decode(buf, (size_t)n, src, 255, &d));
    /* the same bytes from another source fail: the source is summed */
    assert_int_equal(VR_ECHECKSUM, vr_decode(buf, (size_t)n, src ^ 0x100, 255, &d));
}

static void test_v2_checksum_covers_the_message_alone_with_eight_bytes_of_auth_data(void **state)
{
    (void)state;
    vr_adv_t a = {
        .version = 2, .vrid = 51, .priority = 192, .count = 1, .adver_int = 1, .addrs = {VIP}};
    uint8_t buf[128];
    static const uint8_t want[20] = {0x21, 51, 192, 1, 0, 1, 0x5e, 0x17, 192, 168, 0, 10};
    assert_int_equal(20, vr_encode(&a, SRC, buf, sizeof buf));
    assert_memory_equal(want, buf, sizeof want);

    vr_adv_t s = seeded_adv(2), d;
    int n = vr_encode(&s, SRC, buf, sizeof buf);
    assert_int_equal(16 + 4 * s.count, n);
    assert_int_equal(oracle_sum(2, buf, (size_t)n, 0), buf[6] << 8 | buf[7]);
    /* any source: v2 sums no pseudo-header */
    assert_int_equal(0, vr_decode(buf, (size_t)n, (uint32_t)ug_rand(), 255, &d));
}

static void test_decode_round_trips_every_field_and_encode_refuses_what_does_not_fit(void **state)
{
    (void)state;
    int version = 2 + (int)ug_rand_below(2);
    vr_adv_t s = seeded_adv(version), d;
    memset(&d, 0, sizeof d);
    uint8_t buf[128];
    int n = vr_encode(&s, SRC, buf, sizeof buf);
    assert_int_equal(0, vr_decode(buf, (size_t)n, SRC, 255, &d));
    assert_int_equal(s.version, d.version);
    assert_int_equal(s.vrid, d.vrid);
    assert_int_equal(s.priority, d.priority);
    assert_int_equal(s.count, d.count);
    assert_int_equal(s.adver_int, d.adver_int);
    assert_memory_equal(s.addrs, d.addrs, 4 * (size_t)s.count);
    assert_int_equal(-ENOSPC, vr_encode(&s, SRC, buf, (size_t)n - 1));
    vr_adv_t bad = s;
    bad.adver_int = version == 3 ? 4096 : 256;
    assert_int_equal(-EINVAL, vr_encode(&bad, SRC, buf, sizeof buf));
    bad = s, bad.version = 4;
    assert_int_equal(-EINVAL, vr_encode(&bad, SRC, buf, sizeof buf));
    bad = s, bad.count = VR_MAX_ADDRS + 1;
    assert_int_equal(-EINVAL, vr_encode(&bad, SRC, buf, sizeof buf));
}

/* Rewrites the checksum after a change, so that only the change is wrong. */
static void refresh(int version, uint8_t *m, size_t len, uint32_t src)
{
    uint16_t c = oracle_sum(version, m, len, src);
    m[6] = c >> 8, m[7] = c & 255;
}

static void test_decode_rejects_each_malformed_message_with_its_reason(void **state)
{
    (void)state;
    vr_adv_t s = seeded_adv(3), d;
    uint8_t ok[128], m[128];
    int n = vr_encode(&s, SRC, ok, sizeof ok);
    assert_int_equal(8 + 4 * s.count, n);
    size_t len = (size_t)n;
    char got[256] = "";
#define TRY(ttl_, l_)                                                                              \
    do {                                                                                           \
        size_t k = strlen(got);                                                                    \
        snprintf(got + k, sizeof got - k, "%d ", vr_decode(m, l_, SRC, ttl_, &d));                 \
    } while (0)
    memcpy(m, ok, len);
    TRY((uint8_t)ug_rand_below(255), len); /* any TTL but 255: it was routed */
    TRY(255, 7);
    m[0] = (uint8_t)((4 + ug_rand_below(12)) << 4 | 1), refresh(3, m, len, SRC);
    TRY(255, len);
    memcpy(m, ok, len), m[0] = (uint8_t)(3 << 4 | (2 + ug_rand_below(14))), refresh(3, m, len, SRC);
    TRY(255, len);
    memcpy(m, ok, len), m[3] = (uint8_t)(s.count - 1), refresh(3, m, len, SRC);
    TRY(255, len);
    memcpy(m, ok, len);
    TRY(255, len - 1);
    memcpy(m, ok, len), m[8 + ug_rand_below(4 * s.count)] ^= (uint8_t)(1 << ug_rand_below(8));
    TRY(255, len);
    vr_adv_t s2 = seeded_adv(2);
    int n2 = vr_encode(&s2, SRC, m, sizeof m);
    m[4] = (uint8_t)(1 + ug_rand_below(2)), refresh(2, m, (size_t)n2, 0);
    TRY(255, (size_t)n2);
    memcpy(m, ok, len);
    TRY(255, len);
#undef TRY
    char want[256];
    snprintf(want, sizeof want, "%d %d %d %d %d %d %d %d %d ", VR_ETTL, VR_ESHORT, VR_EVERSION,
             VR_ETYPE, VR_ELENGTH, VR_ELENGTH, VR_ECHECKSUM, VR_EAUTH, 0);
    assert_string_equal(want, got);
}

typedef struct sink {
    int sent;
} sink_t;

static void sink_send(void *ud, const uint8_t *m, size_t len)
{
    (void)m, (void)len;
    ((sink_t *)ud)->sent++;
}

/* A message that decodes may still not be for us: another VRID, another
 * address list, another version, or (v2) another interval; none of them
 * resets the Backup's timer. */
static void check_router_rejects(int version)
{
    int adver = version == 3 ? 100 : 1;
    uint8_t vrid = (uint8_t)(1 + ug_rand_below(254));
    vr_config_t c = vt_cfg(version, 100, SRC, adver, vrid);
    c.naddrs = 2, c.addrs[1] = VIP + 1;
    sink_t sk = {0};
    vr_io_t io = {.send = sink_send, .ud = &sk};
    vr_router_t *r;
    assert_int_equal(0, vr_router_new(&c, &io, &r));
    int64_t t0 = CS(ug_rand_below(1000));
    assert_int_equal(0, vr_startup(r, t0));
    vr_adv_t good = {.version = version,
                     .vrid = vrid,
                     .priority = 200,
                     .count = 2,
                     .adver_int = (uint16_t)adver,
                     .addrs = {VIP, VIP + 1}};
    uint8_t m[128];
    char got[256] = "";
    uint32_t peer = SRC + 1;
#define FEED(adv)                                                                                  \
    do {                                                                                           \
        vr_adv_t x_ = (adv);                                                                       \
        int n_ = vr_encode(&x_, peer, m, sizeof m);                                                \
        size_t k = strlen(got);                                                                    \
        snprintf(got + k, sizeof got - k, "%d ",                                                   \
                 vr_input(r, m, (size_t)n_, peer, 255, t0 + CS(10)));                              \
    } while (0)
    vr_adv_t a = good;
    a.vrid = (uint8_t)(vrid + 1);
    FEED(a);
    a = good, a.count = 1;
    FEED(a);
    a = good, a.addrs[1] = VIP + 2;
    FEED(a);
    a = good, a.version = 5 - version, a.adver_int = 1;
    FEED(a);
    a = good, a.adver_int = version == 2 ? (uint16_t)(2 + ug_rand_below(200)) : 0;
    FEED(a);
    char want[256];
    snprintf(want, sizeof want, "%d %d %d %d %d ", VR_EVRID, VR_EADDRS, VR_EADDRS, VR_EVERSION,
             VR_EINTERVAL);
    assert_string_equal(want, got);
    int64_t mdi = version == 3 ? vt_mdi3(100, 100) : vt_mdi2(100, 1);
    assert_int_equal(t0 + mdi, vr_next_deadline(r));
    got[0] = 0;
    FEED(good);
    assert_string_equal("0 ", got);
    assert_int_equal(t0 + CS(10) + mdi, vr_next_deadline(r));
#undef FEED
    vr_router_free(r);
}

static void test_router_rejects_another_vrid_address_list_version_or_v2_interval(void **state)
{
    (void)state;
    check_router_rejects(2);
    check_router_rejects(3);
}

UG_TEST_GROUP(
    vrrp_packets, NULL, NULL, cmocka_unit_test(test_v3_checksum_covers_the_ipv4_pseudo_header),
    cmocka_unit_test(test_v2_checksum_covers_the_message_alone_with_eight_bytes_of_auth_data),
    cmocka_unit_test(test_decode_round_trips_every_field_and_encode_refuses_what_does_not_fit),
    cmocka_unit_test(test_decode_rejects_each_malformed_message_with_its_reason),
    cmocka_unit_test(test_router_rejects_another_vrid_address_list_version_or_v2_interval));
