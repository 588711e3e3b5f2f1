/*
 * lvs_xmit.c — the four forwarding modes as rewrites of an Ethernet +
 * IPv4 + TCP frame (ip_vs_xmit.c, and FULLNAT's TOA option).
 *
 * NAT and FULLNAT change addresses and ports, so both checksums change; a
 * director does not sum the packet again but updates the stored checksum
 * by the difference of each changed 16-bit word, RFC 1624's
 * HC' = ~(~HC + ~m + m'). The TCP checksum covers the pseudo-header, so an
 * address change updates it too. DR changes only the MAC addresses; TUN
 * puts a new IPv4 header (protocol 4) in front of the untouched packet.
 *
 * Interface: lvs_nat_in, lvs_nat_out, lvs_dr, lvs_tun, lvs_fullnat_in,
 * lvs_fullnat_out.
 */
#include <errno.h>
#include <string.h>

#include "lvs_internal.h"

#if LAB_SOLUTION

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* RFC 1624 eqn. 3 for one 16-bit word: old m becomes m' */
static void csum_replace16(uint8_t *check, uint16_t m, uint16_t m1)
{
    uint32_t s = (uint16_t)~get16(check) + (uint32_t)(uint16_t)~m + m1;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    put16(check, (uint16_t)~s);
}

/* Writes a 16-bit field, updating every checksum that covers it. */
static void set16(uint8_t *field, uint16_t v, uint8_t *check1, uint8_t *check2)
{
    uint16_t old = get16(field);
    put16(field, v);
    if (check1)
        csum_replace16(check1, old, v);
    if (check2)
        csum_replace16(check2, old, v);
}

static void set32(uint8_t *field, uint32_t v, uint8_t *check1, uint8_t *check2)
{
    set16(field, (uint16_t)(v >> 16), check1, check2);
    set16(field + 2, (uint16_t)v, check1, check2);
}

typedef struct {
    uint8_t *ip, *tcp;
    size_t ihl, doff, tot;
} hdrs_t;

/* Finds the IPv4 and TCP headers of a frame; -EINVAL if it has none. */
static int parse(uint8_t *frame, size_t len, hdrs_t *h)
{
    if (!frame || len < LVS_ETH_HLEN + 20 || get16(frame + 12) != 0x0800)
        return -EINVAL;
    h->ip = frame + LVS_ETH_HLEN;
    if (h->ip[0] >> 4 != 4 || h->ip[9] != 6)
        return -EINVAL;
    h->ihl = (size_t)(h->ip[0] & 15) * 4;
    h->tot = get16(h->ip + 2);
    if (h->ihl < 20 || h->tot > len - LVS_ETH_HLEN || h->tot < h->ihl + 20)
        return -EINVAL;
    h->tcp = h->ip + h->ihl;
    h->doff = (size_t)(h->tcp[12] >> 4) * 4;
    if (h->doff < 20 || h->ihl + h->doff > h->tot)
        return -EINVAL;
    return 0;
}

/* saddr (or daddr) and the matching port, with both checksums. */
static void rewrite(hdrs_t *h, bool source, uint32_t addr, uint16_t port)
{
    uint8_t *ipcheck = h->ip + 10, *tcpcheck = h->tcp + 16;
    set32(h->ip + (source ? 12 : 16), addr, ipcheck, tcpcheck);
    set16(h->tcp + (source ? 0 : 2), port, tcpcheck, NULL);
}

int lvs_nat_in(uint8_t *frame, size_t len, uint32_t rip, uint16_t rport)
{
    hdrs_t h;
    int rc = parse(frame, len, &h);
    if (rc)
        return rc;
    rewrite(&h, false, rip, rport);
    return 0;
}

int lvs_nat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport)
{
    hdrs_t h;
    int rc = parse(frame, len, &h);
    if (rc)
        return rc;
    rewrite(&h, true, vip, vport);
    return 0;
}

int lvs_dr(uint8_t *frame, size_t len, const uint8_t dst_mac[6], const uint8_t src_mac[6])
{
    if (!frame || len < LVS_ETH_HLEN || !dst_mac || !src_mac)
        return -EINVAL;
    memcpy(frame, dst_mac, 6);
    memcpy(frame + 6, src_mac, 6);
    return 0;
}

int lvs_tun(uint8_t *frame, size_t len, size_t cap, uint32_t dip, uint32_t rip)
{
    hdrs_t h;
    int rc = parse(frame, len, &h);
    if (rc)
        return rc;
    size_t out = LVS_ETH_HLEN + 20 + h.tot;
    if (cap < out)
        return -ENOSPC;
    uint8_t *ip = frame + LVS_ETH_HLEN;
    memmove(ip + 20, ip, h.tot);
    uint8_t *inner = ip + 20;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[1] = inner[1]; /* TOS copied */
    put16(ip + 2, (uint16_t)(h.tot + 20));
    put16(ip + 6, get16(inner + 6) & 0x4000); /* DF copied */
    ip[8] = 64;
    ip[9] = 4; /* IPPROTO_IPIP */
    put16(ip + 12, (uint16_t)(dip >> 16));
    put16(ip + 14, (uint16_t)dip);
    put16(ip + 16, (uint16_t)(rip >> 16));
    put16(ip + 18, (uint16_t)rip);
    /* a new header: its checksum is summed, not updated */
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2)
        s += get16(ip + i);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    put16(ip + 10, (uint16_t)~s);
    return (int)out;
}

int lvs_fullnat_in(uint8_t *frame, size_t len, size_t cap, uint32_t lip, uint16_t lport,
                   uint32_t rip, uint16_t rport)
{
    hdrs_t h;
    int rc = parse(frame, len, &h);
    if (rc)
        return rc;
    uint32_t caddr = get32(h.ip + 12);
    uint16_t cport = get16(h.tcp);
    rewrite(&h, true, lip, lport);
    rewrite(&h, false, rip, rport);
    size_t out = LVS_ETH_HLEN + h.tot;
    if (!(h.tcp[13] & LVS_TCP_SYN) || h.doff + LVS_TOA_LEN > 60)
        return (int)out; /* no TOA: not a SYN, or no room among the options */
    if (cap < out + LVS_TOA_LEN)
        return -ENOSPC;
    uint8_t *opt = h.tcp + h.doff, *ipcheck = h.ip + 10, *tcpcheck = h.tcp + 16;
    size_t rest = h.tot - h.ihl - h.doff;
    memmove(opt + LVS_TOA_LEN, opt, rest);
    /* new words: as if each replaced a zero word */
    uint8_t toa[LVS_TOA_LEN] = {LVS_TOA_KIND,           LVS_TOA_LEN,
                                (uint8_t)(cport >> 8),  (uint8_t)cport,
                                (uint8_t)(caddr >> 24), (uint8_t)(caddr >> 16),
                                (uint8_t)(caddr >> 8),  (uint8_t)caddr};
    memset(opt, 0, LVS_TOA_LEN);
    for (int i = 0; i < LVS_TOA_LEN; i += 2)
        set16(opt + i, get16(toa + i), tcpcheck, NULL);
    /* the data offset grows by two words */
    set16(h.tcp + 12, (uint16_t)(((h.doff + LVS_TOA_LEN) / 4) << 12 | (get16(h.tcp + 12) & 0x0fff)),
          tcpcheck, NULL);
    /* the IP total length, and the TCP length of the pseudo-header */
    set16(h.ip + 2, (uint16_t)(h.tot + LVS_TOA_LEN), ipcheck, NULL);
    csum_replace16(tcpcheck, (uint16_t)(h.tot - h.ihl), (uint16_t)(h.tot - h.ihl + LVS_TOA_LEN));
    return (int)(out + LVS_TOA_LEN);
}

int lvs_fullnat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport, uint32_t cip,
                    uint16_t cport)
{
    hdrs_t h;
    int rc = parse(frame, len, &h);
    if (rc)
        return rc;
    rewrite(&h, true, vip, vport);
    rewrite(&h, false, cip, cport);
    return 0;
}

#else /* stub: every mode fails cleanly */

int lvs_nat_in(uint8_t *frame, size_t len, uint32_t rip, uint16_t rport)
{
    (void)frame, (void)len, (void)rip, (void)rport;
    return -ENOSYS;
}
int lvs_nat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport)
{
    (void)frame, (void)len, (void)vip, (void)vport;
    return -ENOSYS;
}
int lvs_dr(uint8_t *frame, size_t len, const uint8_t dst_mac[6], const uint8_t src_mac[6])
{
    (void)frame, (void)len, (void)dst_mac, (void)src_mac;
    return -ENOSYS;
}
int lvs_tun(uint8_t *frame, size_t len, size_t cap, uint32_t dip, uint32_t rip)
{
    (void)frame, (void)len, (void)cap, (void)dip, (void)rip;
    return -ENOSYS;
}
int lvs_fullnat_in(uint8_t *frame, size_t len, size_t cap, uint32_t lip, uint16_t lport,
                   uint32_t rip, uint16_t rport)
{
    (void)frame, (void)len, (void)cap, (void)lip, (void)lport, (void)rip, (void)rport;
    return -ENOSYS;
}
int lvs_fullnat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport, uint32_t cip,
                    uint16_t cport)
{
    (void)frame, (void)len, (void)vip, (void)vport, (void)cip, (void)cport;
    return -ENOSYS;
}

#endif
