/*
 * vr_track.c — keepalived's additions around the RFC's state machine:
 * tracked interfaces and scripts that move the priority, FAULT, and the
 * gratuitous ARP a new Master broadcasts.
 *
 * A track has a weight and a state. Up with a positive weight, it adds the
 * weight; down with a negative weight, it adds the (negative) weight; a
 * weight-0 track that is down puts the router in FAULT. The sum is clamped
 * to 1..254 — 0 means "resigning" on the wire and 255 "owner", so tracking
 * may produce neither — and the owner's 255 is never moved.
 */
#include <errno.h>
#include <string.h>

#include "vr_internal.h"

#if LAB_SOLUTION

int vr__priority(const vr_router_t *r)
{
    int p = r->cfg.priority;
    if (p == 255)
        return p;
    for (int i = 0; i < r->ntracks; i++) {
        const vr_track_t *t = &r->tracks[i];
        if ((t->up && t->weight > 0) || (!t->up && t->weight < 0))
            p += t->weight;
    }
    return p < 1 ? 1 : p > 254 ? 254 : p;
}

bool vr__faulted(const vr_router_t *r)
{
    for (int i = 0; i < r->ntracks; i++)
        if (r->tracks[i].weight == 0 && !r->tracks[i].up)
            return true;
    return false;
}

int vr_track_add(vr_router_t *r, int weight, bool up)
{
    if (r->ntracks == VR_MAX_TRACKS)
        return -ENOSPC;
    r->tracks[r->ntracks] = (vr_track_t){.weight = weight, .up = up};
    return r->ntracks++;
}

int vr_track_set(vr_router_t *r, int id, bool up, int64_t now)
{
    if (id < 0 || id >= r->ntracks)
        return -EINVAL;
    r->tracks[id].up = up;
    vr__track_changed(r, now);
    return 0;
}

void vr_garp_frame(uint8_t vrid, uint32_t vip, uint8_t out[42])
{
    static const uint8_t head[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* broadcast */
        0x00, 0x00, 0x5e, 0x00, 0x01, 0x00, /* the virtual MAC, VRID last */
        0x08, 0x06,                         /* ARP */
        0x00, 0x01, 0x08, 0x00, 6,    4,    /* Ethernet, IPv4 */
        0x00, 0x01,                         /* request */
    };
    memcpy(out, head, sizeof head);
    out[11] = vrid;
    memcpy(out + 22, out + 6, 6); /* sender MAC */
    uint8_t ip[4] = {vip >> 24, vip >> 16 & 0xff, vip >> 8 & 0xff, vip & 0xff};
    memcpy(out + 28, ip, 4); /* sender IP */
    memset(out + 32, 0, 6);  /* target MAC: unknown */
    memcpy(out + 38, ip, 4); /* target IP = sender IP: gratuitous */
}

#else

int vr__priority(const vr_router_t *r)
{
    return r->cfg.priority;
}

bool vr__faulted(const vr_router_t *r)
{
    (void)r;
    return false;
}

int vr_track_add(vr_router_t *r, int weight, bool up)
{
    (void)r, (void)weight, (void)up;
    return -ENOSYS;
}

int vr_track_set(vr_router_t *r, int id, bool up, int64_t now)
{
    (void)r, (void)id, (void)up, (void)now;
    return -ENOSYS;
}

void vr_garp_frame(uint8_t vrid, uint32_t vip, uint8_t out[42])
{
    (void)vrid, (void)vip;
    memset(out, 0, 42);
}

#endif

int vr_priority(const vr_router_t *r)
{
    return vr__priority(r);
}
