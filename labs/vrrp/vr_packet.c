/*
 * vr_packet.c — the ADVERTISEMENT on the wire.
 *
 *  v3 (RFC 5798 5.1)                   v2 (RFC 3768 5.1)
 *  0: version 3 | type 1               0: version 2 | type 1
 *  1: VRID   2: priority   3: count    1: VRID   2: priority   3: count
 *  4-5: rsvd(4) | max adver int(12) cs 4: auth type  5: adver int (s)
 *  6-7: checksum                       6-7: checksum
 *  8..: count IPv4 addresses           8..: count addresses, 8 bytes auth data
 *
 * v3's checksum covers an IPv4 pseudo-header (source, 224.0.0.18, zero,
 * protocol 112, the VRRP length) before the message; v2's covers the
 * message alone.
 */
#include <errno.h>
#include <string.h>

#include "vrrp.h"

const char *vr_strerror(int err)
{
    switch (err) {
#define VR__CASE(name, value, text)                                                                \
    case name: return text;
        VR_ERRORS(VR__CASE)
#undef VR__CASE
    }
    return "unknown";
}

#if LAB_SOLUTION

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t vr_checksum(int version, const uint8_t *msg, size_t len, uint32_t src)
{
    uint32_t sum = 0;
    if (version == 3) {
        uint8_t ph[12];
        put32(ph, src);
        put32(ph + 4, VR_GROUP);
        ph[8] = 0, ph[9] = VR_PROTO, ph[10] = len >> 8, ph[11] = len & 0xff;
        sum = sum16(sum, ph, sizeof ph);
    }
    /* the checksum field itself counts as zero */
    sum = sum16(sum, msg, len < 6 ? len : 6);
    if (len > 8)
        sum = sum16(sum, msg + 8, len - 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static size_t msg_len(int version, int count)
{
    return 8 + 4 * (size_t)count + (version == 2 ? 8 : 0);
}

int vr_encode(const vr_adv_t *a, uint32_t src, uint8_t *buf, size_t cap)
{
    if ((a->version != 2 && a->version != 3) || a->count > VR_MAX_ADDRS)
        return -EINVAL;
    if ((a->version == 3 && a->adver_int > 0xfff) || (a->version == 2 && a->adver_int > 0xff))
        return -EINVAL;
    size_t len = msg_len(a->version, a->count);
    if (cap < len)
        return -ENOSPC;
    memset(buf, 0, len);
    buf[0] = (uint8_t)(a->version << 4 | 1);
    buf[1] = a->vrid, buf[2] = a->priority, buf[3] = a->count;
    if (a->version == 3) {
        buf[4] = a->adver_int >> 8, buf[5] = a->adver_int & 0xff;
    } else {
        buf[4] = 0; /* no authentication */
        buf[5] = (uint8_t)a->adver_int;
    }
    for (int i = 0; i < a->count; i++)
        put32(buf + 8 + 4 * i, a->addrs[i]);
    uint16_t ck = vr_checksum(a->version, buf, len, src);
    buf[6] = ck >> 8, buf[7] = ck & 0xff;
    return (int)len;
}

int vr_decode(const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl, vr_adv_t *out)
{
    /* TTL 255 proves the sender is on this segment: no router forwarded it */
    if (ttl != VR_TTL)
        return VR_ETTL;
    if (len < 8)
        return VR_ESHORT;
    int version = msg[0] >> 4;
    if (version != 2 && version != 3)
        return VR_EVERSION;
    if ((msg[0] & 0xf) != 1)
        return VR_ETYPE;
    int count = msg[3];
    if (count > VR_MAX_ADDRS || len != msg_len(version, count))
        return VR_ELENGTH;
    if (vr_checksum(version, msg, len, src) != ((uint16_t)(msg[6] << 8 | msg[7])))
        return VR_ECHECKSUM;
    if (version == 2 && msg[4] != 0)
        return VR_EAUTH;
    out->version = version;
    out->vrid = msg[1], out->priority = msg[2], out->count = (uint8_t)count;
    out->adver_int = version == 3 ? (uint16_t)((msg[4] & 0xf) << 8 | msg[5]) : msg[5];
    for (int i = 0; i < count; i++)
        out->addrs[i] = get32(msg + 8 + 4 * i);
    return 0;
}

#else

uint16_t vr_checksum(int version, const uint8_t *msg, size_t len, uint32_t src)
{
    (void)version, (void)msg, (void)len, (void)src;
    return 0;
}

int vr_encode(const vr_adv_t *a, uint32_t src, uint8_t *buf, size_t cap)
{
    (void)a, (void)src, (void)buf, (void)cap;
    return -ENOSYS;
}

int vr_decode(const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl, vr_adv_t *out)
{
    (void)msg, (void)len, (void)src, (void)ttl, (void)out;
    return -ENOSYS;
}

#endif
