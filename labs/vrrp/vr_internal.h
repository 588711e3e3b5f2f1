/*
 * vr_internal.h — the router's state, shared by vr_router.c and vr_track.c.
 *
 * Timers are absolute deadlines in ns; -1 means stopped. Only one of the
 * two runs at a time: adver_timer while Master, down_timer while Backup.
 */
#ifndef VR_INTERNAL_H
#define VR_INTERNAL_H

#include "vrrp.h"

#define VR_MAX_TRACKS 16

typedef struct vr_track {
    int weight;
    bool up;
} vr_track_t;

struct vr_router {
    /* read-only after vr_router_new */
    vr_config_t cfg;
    vr_io_t io;
    /* the state machine */
    vr_state_t state;
    int64_t adver_timer;
    int64_t down_timer;
    int64_t master_adver_int; /* ns: learned from the Master in v3 */
    int64_t started;          /* when vr_startup ran: preempt_delay counts from here */
    /* keepalived's tracking */
    int ntracks;
    vr_track_t tracks[VR_MAX_TRACKS];
};

/* Effective priority from cfg.priority and the tracks (vr_track.c). */
int vr__priority(const vr_router_t *r);
/* True when a weight-0 track is down (vr_track.c). */
bool vr__faulted(const vr_router_t *r);
/* Re-evaluates FAULT after a track changed (vr_router.c). */
void vr__track_changed(vr_router_t *r, int64_t now);

#endif
