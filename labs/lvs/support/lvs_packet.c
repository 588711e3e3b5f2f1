/*
 * lvs_packet.c — building, reading and checking Ethernet + IPv4 + TCP
 * frames (pristine: the tests, the demos and the benchmark use it; the
 * lab's own rewrites do not need it).
 *
 * Checksums here are always summed from scratch over the whole header (IP)
 * or pseudo-header and segment (TCP), which is what a rewritten packet must
 * match.
 *
 * Interface: lvs_pkt_build → (a rewrite) → lvs_pkt_parse, lvs_csum_*_ok.
 */
#include <errno.h>
#include <string.h>

#include "../lvs.h"

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}
static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

static uint32_t sum_bytes(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += rd16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

uint16_t lvs_csum_ip(const uint8_t *frame, size_t off)
{
    const uint8_t *ip = frame + off;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    uint32_t s = sum_bytes(0, ip, 10);
    s = sum_bytes(s, ip + 12, ihl - 12);
    return fold(s);
}

bool lvs_csum_ip_ok(const uint8_t *frame, size_t off)
{
    return lvs_csum_ip(frame, off) == rd16(frame + off + 10);
}

uint16_t lvs_csum_tcp(const uint8_t *frame, size_t off)
{
    const uint8_t *ip = frame + off;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = rd16(ip + 2), tl = tot - ihl;
    const uint8_t *tcp = ip + ihl;
    uint32_t s = sum_bytes(0, ip + 12, 8); /* saddr, daddr */
    s += 6 + (uint32_t)tl;                 /* zero, protocol, TCP length */
    s = sum_bytes(s, tcp, 16);
    s = sum_bytes(s, tcp + 18, tl - 18);
    return fold(s);
}

bool lvs_csum_tcp_ok(const uint8_t *frame, size_t off)
{
    size_t ihl = (size_t)(frame[off] & 15) * 4;
    return lvs_csum_tcp(frame, off) == rd16(frame + off + ihl + 16);
}

int lvs_pkt_build(uint8_t *frame, size_t cap, const lvs_pkt_spec_t *s)
{
    if (!frame || !s || s->options_len % 4 || s->options_len > 40)
        return -EINVAL;
    size_t doff = 20 + s->options_len, tot = 20 + doff + s->payload_len;
    if (tot > 0xffff || cap < LVS_ETH_HLEN + tot)
        return -ENOSPC;
    memset(frame, 0, LVS_ETH_HLEN + tot);
    memcpy(frame, s->dst_mac, 6);
    memcpy(frame + 6, s->src_mac, 6);
    wr16(frame + 12, 0x0800);
    uint8_t *ip = frame + LVS_ETH_HLEN, *tcp = ip + 20;
    ip[0] = 0x45;
    ip[1] = s->tos;
    wr16(ip + 2, (uint16_t)tot);
    wr16(ip + 4, s->ip_id);
    wr16(ip + 6, s->df ? 0x4000 : 0);
    ip[8] = s->ttl ? s->ttl : 64;
    ip[9] = 6;
    wr32(ip + 12, s->saddr);
    wr32(ip + 16, s->daddr);
    wr16(ip + 10, lvs_csum_ip(frame, LVS_ETH_HLEN));
    wr16(tcp, s->sport);
    wr16(tcp + 2, s->dport);
    wr32(tcp + 4, s->seq);
    wr32(tcp + 8, s->ack);
    tcp[12] = (uint8_t)((doff / 4) << 4);
    tcp[13] = s->flags;
    wr16(tcp + 14, s->window ? s->window : 65535);
    if (s->options_len)
        memcpy(tcp + 20, s->options, s->options_len);
    if (s->payload_len)
        memcpy(tcp + doff, s->payload, s->payload_len);
    wr16(tcp + 16, lvs_csum_tcp(frame, LVS_ETH_HLEN));
    return (int)(LVS_ETH_HLEN + tot);
}

int lvs_pkt_parse(const uint8_t *frame, size_t len, lvs_pkt_view_t *v)
{
    if (!frame || !v || len < LVS_ETH_HLEN + 20 || rd16(frame + 12) != 0x0800)
        return -EINVAL;
    memset(v, 0, sizeof(*v));
    memcpy(v->dst_mac, frame, 6);
    memcpy(v->src_mac, frame + 6, 6);
    const uint8_t *ip = frame + LVS_ETH_HLEN;
    v->ihl = (uint8_t)((ip[0] & 15) * 4);
    v->tot_len = rd16(ip + 2);
    v->ip_id = rd16(ip + 4);
    v->df = (rd16(ip + 6) & 0x4000) != 0;
    v->ttl = ip[8];
    v->protocol = ip[9];
    v->ip_check = rd16(ip + 10);
    v->saddr = rd32(ip + 12);
    v->daddr = rd32(ip + 16);
    if (v->ihl < 20 || LVS_ETH_HLEN + (size_t)v->tot_len > len)
        return -EINVAL;
    size_t off = LVS_ETH_HLEN;
    if (v->protocol == 4) {
        v->tunnelled = true;
        off += v->ihl;
        v->inner_off = off;
        ip = frame + off;
        if (off + 20 > len || ip[9] != 6)
            return -EINVAL;
        v->inner_saddr = rd32(ip + 12);
        v->inner_daddr = rd32(ip + 16);
    } else if (v->protocol != 6) {
        return -EINVAL;
    }
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = rd16(ip + 2);
    const uint8_t *tcp = ip + ihl;
    if (off + ihl + 20 > len || off + tot > len)
        return -EINVAL;
    v->sport = rd16(tcp);
    v->dport = rd16(tcp + 2);
    v->seq = rd32(tcp + 4);
    v->doff = (uint8_t)((tcp[12] >> 4) * 4);
    v->flags = tcp[13];
    v->tcp_check = rd16(tcp + 16);
    v->options_off = off + ihl + 20;
    v->payload_off = off + ihl + v->doff;
    v->payload_len = tot - ihl - v->doff;
    return 0;
}
