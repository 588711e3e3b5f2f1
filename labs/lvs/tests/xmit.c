/*
 * xmit.c — the four forwarding modes on seeded frames: every rewritten
 * frame's IP and TCP checksums are summed again from scratch and must equal
 * the ones the rewrite left in place; every byte a mode must not touch is
 * compared with the original.
 *
 * Interface: lvs_pkt_build → lvs_nat_in / lvs_nat_out / lvs_dr / lvs_tun /
 * lvs_fullnat_in / lvs_fullnat_out → lvs_pkt_parse, lvs_csum_ip, lvs_csum_tcp.
 */
#include "lvs_test.h"

#define CAP 2048

typedef struct {
    uint8_t f[CAP];
    int len;
    lvs_pkt_spec_t s;
    uint8_t opts[40], payload[400];
} frame_t;

/* A seeded client-to-VIP frame: options of `nopt` words, an odd or even
 * payload. */
static void seeded_frame(frame_t *fr, uint8_t flags, size_t nopt)
{
    memset(fr, 0, sizeof(*fr));
    for (size_t i = 0; i < 4 * nopt; i++)
        fr->opts[i] = 1; /* NOP */
    size_t plen = ug_rand_below(300);
    for (size_t i = 0; i < plen; i++)
        fr->payload[i] = (uint8_t)ug_rand();
    fr->s = (lvs_pkt_spec_t){.dst_mac = {2, 0, 0, 0, 0, 1},
                             .src_mac = {2, 0, 0, 0, 0, 2},
                             .saddr = IP4(100, 64, ug_rand_below(256), 1 + ug_rand_below(254)),
                             .daddr = VIP,
                             .sport = (uint16_t)(1024 + ug_rand_below(60000)),
                             .dport = 80,
                             .ttl = (uint8_t)(32 + ug_rand_below(64)),
                             .tos = (uint8_t)(ug_rand_below(4) << 2),
                             .ip_id = (uint16_t)ug_rand(),
                             .df = ug_rand_below(2),
                             .seq = (uint32_t)ug_rand(),
                             .ack = flags & LVS_TCP_ACK ? (uint32_t)ug_rand() : 0,
                             .flags = flags,
                             .window = (uint16_t)(1 + ug_rand_below(65535)),
                             .options = fr->opts,
                             .options_len = 4 * nopt,
                             .payload = fr->payload,
                             .payload_len = plen};
    fr->len = lvs_pkt_build(fr->f, CAP, &fr->s);
    assert_true(fr->len > 0);
}

/* The checksums a frame carries against those summed from scratch. */
#define ASSERT_CHECKSUMS(frame, off)                                                               \
    do {                                                                                           \
        lvs_pkt_view_t v_;                                                                         \
        assert_int_equal(0, lvs_pkt_parse((frame), CAP, &v_));                                     \
        size_t o_ = (off);                                                                         \
        uint16_t ipc_ = (uint16_t)((frame)[o_ + 10] << 8 | (frame)[o_ + 11]);                      \
        size_t ihl_ = (size_t)((frame)[o_] & 15) * 4;                                              \
        uint16_t tcpc_ = (uint16_t)((frame)[o_ + ihl_ + 16] << 8 | (frame)[o_ + ihl_ + 17]);       \
        assert_int_equal(lvs_csum_ip((frame), o_), ipc_);                                          \
        assert_int_equal(lvs_csum_tcp((frame), o_), tcpc_);                                        \
    } while (0)

/* NAT: the request's destination becomes the real server and the reply's
 * source the VIP; both checksums are updated so that they equal a full sum. */
static void
test_nat_rewrites_destination_and_reply_source_with_correct_incremental_checksums(void **state)
{
    (void)state;
    for (int round = 0; round < 8; round++) {
        frame_t fr, orig;
        seeded_frame(&fr, round ? LVS_TCP_ACK : LVS_TCP_SYN, ug_rand_below(6));
        orig = fr;
        uint32_t rip = IP4(192, 168, 1, 10 + ug_rand_below(200));
        uint16_t rport = (uint16_t)(8000 + ug_rand_below(1000));
        assert_int_equal(0, lvs_nat_in(fr.f, (size_t)fr.len, rip, rport));
        lvs_pkt_view_t v;
        assert_int_equal(0, lvs_pkt_parse(fr.f, (size_t)fr.len, &v));
        assert_int_equal(rip, v.daddr);
        assert_int_equal(rport, v.dport);
        assert_int_equal(orig.s.saddr, v.saddr);
        assert_int_equal(orig.s.sport, v.sport);
        ASSERT_CHECKSUMS(fr.f, LVS_ETH_HLEN);
        /* only the two addresses, the port and the checksums changed */
        assert_memory_equal(orig.f + 54, fr.f + 54, (size_t)fr.len - 54);
        assert_memory_equal(orig.f, fr.f, 24);

        /* the server's reply, built from scratch, goes out from the VIP */
        frame_t rep;
        seeded_frame(&rep, LVS_TCP_ACK, ug_rand_below(3));
        rep.s.saddr = rip;
        rep.s.sport = rport;
        rep.s.daddr = orig.s.saddr;
        rep.s.dport = orig.s.sport;
        rep.len = lvs_pkt_build(rep.f, CAP, &rep.s);
        assert_int_equal(0, lvs_nat_out(rep.f, (size_t)rep.len, VIP, 80));
        assert_int_equal(0, lvs_pkt_parse(rep.f, (size_t)rep.len, &v));
        assert_int_equal(VIP, v.saddr);
        assert_int_equal(80, v.sport);
        assert_int_equal(orig.s.saddr, v.daddr);
        ASSERT_CHECKSUMS(rep.f, LVS_ETH_HLEN);
    }
}

/* DR changes the two MAC addresses and not one byte of the IP packet. */
static void test_dr_rewrites_only_the_mac_addresses(void **state)
{
    (void)state;
    frame_t fr, orig;
    seeded_frame(&fr, LVS_TCP_SYN, ug_rand_below(5));
    orig = fr;
    uint8_t rs[6] = {2, 0x42, 0, 0, 0, (uint8_t)ug_rand()}, dir[6] = {2, 0x42, 0, 0, 1, 1};
    assert_int_equal(0, lvs_dr(fr.f, (size_t)fr.len, rs, dir));
    assert_memory_equal(rs, fr.f, 6);
    assert_memory_equal(dir, fr.f + 6, 6);
    assert_memory_equal(orig.f + 12, fr.f + 12, (size_t)fr.len - 12);
    ASSERT_CHECKSUMS(fr.f, LVS_ETH_HLEN);
}

/* TUN puts an IPv4 header of protocol 4 from the director to the real
 * server in front of the packet, which stays byte for byte as it was. */
static void
test_tun_wraps_the_untouched_packet_in_an_ipip_header_with_a_valid_checksum(void **state)
{
    (void)state;
    frame_t fr, orig;
    seeded_frame(&fr, LVS_TCP_SYN, ug_rand_below(5));
    orig = fr;
    uint32_t dip = IP4(10, 0, 0, 2), rip = IP4(10, 1, 0, 10 + ug_rand_below(100));
    assert_int_equal(-ENOSPC, lvs_tun(fr.f, (size_t)fr.len, (size_t)fr.len + 19, dip, rip));
    assert_memory_equal(orig.f, fr.f, (size_t)fr.len);
    int n = lvs_tun(fr.f, (size_t)fr.len, CAP, dip, rip);
    assert_int_equal(fr.len + 20, n);
    lvs_pkt_view_t v;
    assert_int_equal(0, lvs_pkt_parse(fr.f, (size_t)n, &v));
    assert_int_equal(4, v.protocol);
    assert_int_equal(dip, v.saddr);
    assert_int_equal(rip, v.daddr);
    assert_int_equal(fr.len - LVS_ETH_HLEN + 20, v.tot_len);
    assert_int_equal(orig.s.df, v.df);
    assert_int_equal(lvs_csum_ip(fr.f, LVS_ETH_HLEN), v.ip_check);
    assert_memory_equal(orig.f, fr.f, LVS_ETH_HLEN);
    assert_memory_equal(orig.f + LVS_ETH_HLEN, fr.f + LVS_ETH_HLEN + 20,
                        (size_t)fr.len - LVS_ETH_HLEN);
}

/* FULLNAT rewrites both ends; a SYN carries the client's address and port
 * to the server in a TOA option appended to its options, if they have room. */
static void test_fullnat_rewrites_both_addresses_and_a_syn_carries_the_client_in_toa(void **state)
{
    (void)state;
    uint32_t lip = IP4(10, 0, 0, 3), rip = IP4(192, 168, 1, 10 + ug_rand_below(100));
    uint16_t lport = (uint16_t)(5000 + ug_rand_below(5000)), rport = 8080;
    int sizes[3], want_sizes[3];
    for (int kind = 0; kind < 3; kind++) { /* SYN with room, ACK, SYN with 40 bytes of options */
        frame_t fr, orig;
        size_t nopt = kind == 2 ? 10 : ug_rand_below(6);
        seeded_frame(&fr, kind == 1 ? LVS_TCP_ACK : LVS_TCP_SYN, nopt);
        orig = fr;
        int n = lvs_fullnat_in(fr.f, (size_t)fr.len, CAP, lip, lport, rip, rport);
        sizes[kind] = n - orig.len;
        want_sizes[kind] = kind == 0 ? LVS_TOA_LEN : 0;
        lvs_pkt_view_t v;
        assert_int_equal(0, lvs_pkt_parse(fr.f, (size_t)n, &v));
        assert_int_equal(lip, v.saddr);
        assert_int_equal(lport, v.sport);
        assert_int_equal(rip, v.daddr);
        assert_int_equal(rport, v.dport);
        ASSERT_CHECKSUMS(fr.f, LVS_ETH_HLEN);
        assert_int_equal(orig.s.payload_len, v.payload_len);
        assert_memory_equal(orig.payload, fr.f + v.payload_off, orig.s.payload_len);
        if (kind == 0) {
            const uint8_t *toa = fr.f + v.options_off + 4 * nopt;
            uint8_t want[8] = {LVS_TOA_KIND,
                               LVS_TOA_LEN,
                               (uint8_t)(orig.s.sport >> 8),
                               (uint8_t)orig.s.sport,
                               (uint8_t)(orig.s.saddr >> 24),
                               (uint8_t)(orig.s.saddr >> 16),
                               (uint8_t)(orig.s.saddr >> 8),
                               (uint8_t)orig.s.saddr};
            assert_memory_equal(want, toa, 8);
            assert_int_equal(20 + 4 * nopt + 8, v.doff);
        }
    }
    assert_memory_equal(want_sizes, sizes, sizeof(sizes));

    /* the reply: from the VIP to the client again */
    frame_t rep;
    seeded_frame(&rep, LVS_TCP_ACK, 0);
    uint32_t cip = rep.s.saddr;
    uint16_t cport = rep.s.sport;
    rep.s.saddr = rip;
    rep.s.sport = rport;
    rep.s.daddr = lip;
    rep.s.dport = lport;
    rep.len = lvs_pkt_build(rep.f, CAP, &rep.s);
    assert_int_equal(0, lvs_fullnat_out(rep.f, (size_t)rep.len, VIP, 80, cip, cport));
    lvs_pkt_view_t v;
    assert_int_equal(0, lvs_pkt_parse(rep.f, (size_t)rep.len, &v));
    assert_int_equal(VIP, v.saddr);
    assert_int_equal(80, v.sport);
    assert_int_equal(cip, v.daddr);
    assert_int_equal(cport, v.dport);
    ASSERT_CHECKSUMS(rep.f, LVS_ETH_HLEN);
}

/* What is not IPv4 + TCP, or is cut short, is refused and left alone. */
static void test_rewrites_refuse_frames_that_are_not_whole_ipv4_tcp(void **state)
{
    (void)state;
    frame_t fr;
    seeded_frame(&fr, LVS_TCP_ACK, 0);
    int rc[5];
    frame_t udp = fr;
    udp.f[LVS_ETH_HLEN + 9] = 17;
    rc[0] = lvs_nat_in(udp.f, (size_t)udp.len, 1, 1);
    frame_t arp = fr;
    arp.f[12] = 0x08, arp.f[13] = 0x06;
    rc[1] = lvs_nat_out(arp.f, (size_t)arp.len, 1, 1);
    rc[2] = lvs_nat_in(fr.f, LVS_ETH_HLEN + 30, 1, 1);
    rc[3] = lvs_tun(fr.f, 20, CAP, 1, 2);
    rc[4] = lvs_fullnat_in(fr.f, (size_t)fr.len - 1 - ug_rand_below(10), CAP, 1, 1, 1, 1);
    assert_memory_equal(((int[]){-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL}), rc, sizeof(rc));
    /* and left the frame as it was: it still rewrites */
    uint32_t rip = IP4(192, 168, 2, ug_rand_below(256));
    assert_int_equal(0, lvs_nat_in(fr.f, (size_t)fr.len, rip, 80));
    lvs_pkt_view_t v;
    assert_int_equal(0, lvs_pkt_parse(fr.f, (size_t)fr.len, &v));
    assert_int_equal(rip, v.daddr);
    ASSERT_CHECKSUMS(fr.f, LVS_ETH_HLEN);
}

UG_TEST_GROUP(
    lvs_xmit, NULL, NULL,
    cmocka_unit_test(
        test_nat_rewrites_destination_and_reply_source_with_correct_incremental_checksums),
    cmocka_unit_test(test_dr_rewrites_only_the_mac_addresses),
    cmocka_unit_test(test_tun_wraps_the_untouched_packet_in_an_ipip_header_with_a_valid_checksum),
    cmocka_unit_test(test_fullnat_rewrites_both_addresses_and_a_syn_carries_the_client_in_toa),
    cmocka_unit_test(test_rewrites_refuse_frames_that_are_not_whole_ipv4_tcp));
