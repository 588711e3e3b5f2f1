/*
 * vr_test.h — helpers of the vrrp tests: configs, the RFC's formulas as an
 * oracle written apart from the code under test, and the LAN's state
 * changes rendered as one line each ("3.250000000 r0 BACKUP>MASTER 192"),
 * so that a test compares its whole expected timeline as one string.
 */
#ifndef VR_TEST_H
#define VR_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>

#include "vrrp.h"

#define CS(x) ((int64_t)(x)*VR_NS_PER_CS)
#define SEC(x) ((int64_t)(x)*VR_NS_PER_S)
#define VIP 0xC0A8000Au /* 192.168.0.10 */

/* A router's config: version, priority, primary IP, interval (cs in v3, s in v2). */
static inline vr_config_t vt_cfg(int version, int prio, uint32_t ip, int adver, uint8_t vrid)
{
    vr_config_t c = {.version = version,
                     .vrid = vrid,
                     .priority = (uint8_t)prio,
                     .adver_int = (uint16_t)adver,
                     .primary_ip = ip,
                     .naddrs = 1};
    c.addrs[0] = VIP;
    return c;
}

/* The oracle: RFC 5798's Skew_Time and Master_Down_Interval in whole
 * centiseconds (returned in ns), RFC 3768's exact. */
static inline int64_t vt_skew3(int prio, int64_t adver_cs)
{
    return CS((256 - prio) * adver_cs / 256);
}
static inline int64_t vt_mdi3(int prio, int64_t adver_cs)
{
    return CS(3 * adver_cs) + vt_skew3(prio, adver_cs);
}
static inline int64_t vt_skew2(int prio)
{
    return (256 - prio) * (int64_t)3906250; /* 10^9 / 256, exact */
}
static inline int64_t vt_mdi2(int prio, int64_t adver_s)
{
    return SEC(3 * adver_s) + vt_skew2(prio);
}

static const char *const vt_names[] = {"INIT", "BACKUP", "MASTER", "FAULT"};

/* Appends one line of a timeline to buf. */
static inline void vt_line(char *buf, size_t cap, int64_t t, int r, int from, int to, int prio)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%lld.%09lld r%d %s>%s %d\n", (long long)(t / VR_NS_PER_S),
             (long long)(t % VR_NS_PER_S), r, vt_names[from & 3], vt_names[to & 3], prio);
}

/* The LAN's timeline, every event, as lines. */
static inline void vt_timeline(const vr_lan_t *lan, char *buf, size_t cap)
{
    const vr_event_t *ev;
    size_t n = vr_lan_events(lan, &ev);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++)
        vt_line(buf, cap, ev[i].t, ev[i].router, ev[i].from, ev[i].to, ev[i].priority);
}

/* Two IPs on 10.0.0.0/24, distinct, drawn from the seed; *lo < *hi. */
static inline void vt_two_ips(uint32_t *lo, uint32_t *hi)
{
    uint32_t a = 1 + (uint32_t)ug_rand_below(120);
    uint32_t b = a + 1 + (uint32_t)ug_rand_below(120);
    *lo = 0x0A000000u | a;
    *hi = 0x0A000000u | b;
}

#define TL_CAP 4096

#endif
