/*
 * nat-rewrite.c — one request and its reply through an LVS-NAT director.
 *
 * The client sends to the virtual address; the director rewrites the
 * destination to the chosen real server and, on the way back, the reply's
 * source to the virtual address, so the client only ever sees the VIP.
 * Neither checksum is summed again: each is updated by the difference of
 * the words that changed (RFC 1624), the TCP one too since its
 * pseudo-header holds both addresses. The demo sums both from scratch to
 * show they agree. DR, TUN and FULLNAT follow on the same request.
 *
 * Interface: main → lvs_pkt_build → lvs_nat_in / lvs_nat_out / lvs_dr /
 * lvs_tun / lvs_fullnat_in → lvs_pkt_parse, lvs_csum_ip, lvs_csum_tcp.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "lvs.h"

static void ip4(char *out, uint32_t a)
{
    sprintf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/* Prints a frame's headers and whether its checksums match a full sum. */
static void show(demo_t *d, const char *what, const uint8_t *f, size_t len)
{
    lvs_pkt_view_t v;
    if (!demo_ok(d, lvs_pkt_parse(f, len, &v), "lvs_pkt_parse"))
        return;
    char s[16], t[16];
    ip4(s, v.saddr);
    ip4(t, v.daddr);
    printf("  %-8s eth %02x:..:%02x -> %02x:..:%02x  ip %s -> %s  proto %u  len %u  id %u\n", what,
           v.src_mac[0], v.src_mac[5], v.dst_mac[0], v.dst_mac[5], s, t, v.protocol, v.tot_len,
           v.ip_id);
    size_t off = LVS_ETH_HLEN;
    if (v.tunnelled) {
        ip4(s, v.inner_saddr);
        ip4(t, v.inner_daddr);
        printf("  %-8s inner ip %s -> %s\n", "", s, t);
        off = v.inner_off;
    }
    bool ipok = lvs_csum_ip_ok(f, LVS_ETH_HLEN), tcpok = lvs_csum_tcp_ok(f, off);
    printf("  %-8s tcp %u -> %u  flags 0x%02x  options %u bytes  ip csum 0x%04x %s%s%s  tcp csum "
           "0x%04x %s%s%s\n",
           "", v.sport, v.dport, v.flags, (unsigned)(v.doff - 20), v.ip_check,
           demo_c(d, ipok ? DEMO_GREEN : DEMO_RED), ipok ? "ok" : "BAD", demo_c(d, DEMO_RESET),
           v.tcp_check, demo_c(d, tcpok ? DEMO_GREEN : DEMO_RED), tcpok ? "ok" : "BAD",
           demo_c(d, DEMO_RESET));
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "lvs nat-rewrite",
        .about = "a request and its reply through NAT, then DR, TUN, FULLNAT"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    const uint32_t cip = 0x64400007u, vip = 0x0a000064u, rip = 0xc0a8010bu, dip = 0x0a000002u;
    static const uint8_t payload[] = "GET / HTTP/1.1\r\nHost: vip\r\n\r\n";
    lvs_pkt_spec_t s = {.dst_mac = {2, 0, 0, 0, 0, 0xd1},
                        .src_mac = {2, 0, 0, 0, 0, 0xc1},
                        .saddr = cip,
                        .daddr = vip,
                        .sport = 51234,
                        .dport = 80,
                        .ip_id = 4711,
                        .df = true,
                        .seq = 1000,
                        .flags = LVS_TCP_SYN,
                        .payload = payload,
                        .payload_len = sizeof(payload) - 1};
    uint8_t f[256], orig[256];
    int len = lvs_pkt_build(f, sizeof(f), &s);
    if (!demo_ok(&d, len < 0 ? len : 0, "lvs_pkt_build"))
        return demo_end(&d);
    memcpy(orig, f, sizeof(f));

    demo_title(&d,
               "LVS-NAT: client 100.64.0.7 -> VIP 10.0.0.100:80 -> real server 192.168.1.11:8080");
    demo_step(&d, "the client's SYN, and after lvs_nat_in");
    show(&d, "before", f, (size_t)len);
    if (!demo_ok(&d, lvs_nat_in(f, (size_t)len, rip, 8080), "lvs_nat_in"))
        return demo_end(&d);
    show(&d, "after", f, (size_t)len);

    demo_step(&d, "the server's SYN-ACK, and after lvs_nat_out");
    lvs_pkt_spec_t r = s;
    memcpy(r.dst_mac, s.src_mac, 6);
    memcpy(r.src_mac, s.dst_mac, 6);
    r.saddr = rip, r.daddr = cip, r.sport = 8080, r.dport = 51234,
    r.flags = LVS_TCP_SYN | LVS_TCP_ACK;
    r.payload_len = 0;
    uint8_t g[256];
    int glen = lvs_pkt_build(g, sizeof(g), &r);
    show(&d, "before", g, (size_t)glen);
    if (!demo_ok(&d, lvs_nat_out(g, (size_t)glen, vip, 80), "lvs_nat_out"))
        return demo_end(&d);
    show(&d, "after", g, (size_t)glen);

    demo_step(&d, "the same SYN under DR: only the MAC addresses change");
    memcpy(f, orig, sizeof(f));
    static const uint8_t rs_mac[6] = {2, 0, 0, 0, 0, 0x5b}, dir_mac[6] = {2, 0, 0, 0, 0, 0xd1};
    if (demo_ok(&d, lvs_dr(f, (size_t)len, rs_mac, dir_mac), "lvs_dr"))
        show(&d, "DR", f, (size_t)len);

    demo_step(&d, "under TUN: an IP-in-IP header from the director 10.0.0.2 in front");
    memcpy(f, orig, sizeof(f));
    int tl = lvs_tun(f, (size_t)len, sizeof(f), dip, rip);
    if (demo_ok(&d, tl < 0 ? tl : 0, "lvs_tun"))
        show(&d, "TUN", f, (size_t)tl);

    demo_step(&d, "under FULLNAT: both ends rewritten, the client in a TOA option (8 bytes)");
    memcpy(f, orig, sizeof(f));
    int fl = lvs_fullnat_in(f, (size_t)len, sizeof(f), dip, 20001, rip, 8080);
    if (demo_ok(&d, fl < 0 ? fl : 0, "lvs_fullnat_in"))
        show(&d, "FULLNAT", f, (size_t)fl);
    return demo_end(&d);
}
