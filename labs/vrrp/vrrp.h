/*
 * vrrp.h — a VRRP router (RFC 5798 version 3, RFC 3768 version 2) as a
 * state machine, keepalived's additions to it, and the simulated LAN
 * segment the tests and demos run it on.
 *
 * Model: a router is pure state plus two timers (Adver_Timer while Master,
 * Master_Down_Timer while Backup). It never reads a clock: every call gets
 * `now` (ns of the runtime's virtual clock, or of CLOCK_MONOTONIC on a real
 * socket) and vr_next_deadline says when vr_tick must be called next. What
 * it emits goes through vr_io_t: VRRP messages (the IP payload; the caller
 * sends them from primary_ip to 224.0.0.18 with TTL 255), gratuitous ARP
 * frames, and a notify call on every state change.
 *
 * Interface: vr_router_new → vr_startup → { vr_input | vr_tick at
 * vr_next_deadline | vr_track_set } … → vr_shutdown → vr_router_free.
 * Packets: vr_encode / vr_decode / vr_checksum. LAN (support/vr_lan.c):
 * vr_lan_new → vr_lan_add … → vr_lan_at … → vr_lan_run → vr_lan_events.
 */
#ifndef VRRP_H
#define VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VR_MAX_ADDRS 16
#define VR_PROTO 112         /* IPPROTO_VRRP */
#define VR_GROUP 0xE0000012u /* 224.0.0.18, host order */
#define VR_TTL 255
#define VR_NS_PER_CS 10000000LL /* one centisecond */
#define VR_NS_PER_S 1000000000LL

typedef enum vr_state { VR_INIT, VR_BACKUP, VR_MASTER, VR_FAULT } vr_state_t;

/* Why a packet was rejected: vr_decode and vr_input return these. */
#define VR_ERRORS(X)                                                                               \
    X(VR_ETTL, -1001, "TTL is not 255")                                                            \
    X(VR_ESHORT, -1002, "shorter than a VRRP header")                                              \
    X(VR_EVERSION, -1003, "version is not this router's")                                          \
    X(VR_ETYPE, -1004, "type is not ADVERTISEMENT (1)")                                            \
    X(VR_ELENGTH, -1005, "length does not match the address count")                                \
    X(VR_ECHECKSUM, -1006, "bad checksum")                                                         \
    X(VR_EAUTH, -1007, "v2 authentication type is not 0")                                          \
    X(VR_EVRID, -1008, "VRID is not configured here")                                              \
    X(VR_EADDRS, -1009, "address count or list differs from ours")                                 \
    X(VR_EINTERVAL, -1010, "advertisement interval differs (v2) or is 0")
enum {
#define VR__ENUM(name, value, text) name = value,
    VR_ERRORS(VR__ENUM)
#undef VR__ENUM
};

/* A rejection's text, or "unknown". Can't fail. */
const char *vr_strerror(int err);

/* ---- packets ------------------------------------------------------------------ */

/* An ADVERTISEMENT, decoded. adver_int: centiseconds in v3 (12 bits),
 * seconds in v2 (8 bits). Addresses in host order. */
typedef struct vr_adv {
    int version; /* 2 or 3 */
    uint8_t vrid;
    uint8_t priority;
    uint8_t count;
    uint16_t adver_int;
    uint32_t addrs[VR_MAX_ADDRS];
} vr_adv_t;

/* The Internet checksum of a VRRP message of len bytes (its checksum field
 * taken as 0): v3 over the IPv4 pseudo-header (src, 224.0.0.18, 0, 112,
 * len) and the message, v2 over the message only. Network order result as
 * it goes in bytes 6-7, returned as a host integer (byte 6 high). */
uint16_t vr_checksum(int version, const uint8_t *msg, size_t len, uint32_t src);

/* Writes a's message into buf (v2 with authentication type 0 and eight zero
 * bytes of authentication data). Returns its length, -EINVAL for a version
 * other than 2/3, count over VR_MAX_ADDRS or an interval that does not fit,
 * -ENOSPC when cap is too small. */
int vr_encode(const vr_adv_t *a, uint32_t src, uint8_t *buf, size_t cap);

/* Decodes and validates a message received from src with the IP TTL ttl.
 * Returns 0, or the first failed check of: VR_ETTL, VR_ESHORT, VR_EVERSION,
 * VR_ETYPE, VR_ELENGTH, VR_ECHECKSUM, VR_EAUTH (in that order). */
int vr_decode(const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl, vr_adv_t *out);

/* ---- the router --------------------------------------------------------------- */

typedef struct vr_config {
    int version;           /* 2 or 3 */
    uint8_t vrid;          /* 1..255 */
    uint8_t priority;      /* 1..255; 255: the address owner */
    uint16_t adver_int;    /* v3: centiseconds, 1..4095; v2: seconds, 1..255 */
    bool nopreempt;        /* keep a lower-priority Master */
    int64_t preempt_delay; /* ns after startup during which we do not preempt */
    uint32_t primary_ip;   /* ours, host order: the tie-breaker */
    int naddrs;            /* 1..VR_MAX_ADDRS */
    uint32_t addrs[VR_MAX_ADDRS];
} vr_config_t;

typedef struct vr_io {
    void (*send)(void *ud, const uint8_t *msg, size_t len);
    void (*frame)(void *ud, const uint8_t *frame, size_t len); /* gratuitous ARP */
    void (*notify)(void *ud, vr_state_t from, vr_state_t to, int priority);
    void *ud;
} vr_io_t;

typedef struct vr_router vr_router_t;

/* A router in Initialize. -EINVAL for a bad config, -ENOMEM. */
int vr_router_new(const vr_config_t *cfg, const vr_io_t *io, vr_router_t **out);
void vr_router_free(vr_router_t *r);

/* The Startup event: the owner (255) advertises, sends gratuitous ARP and is
 * Master at once; any other router is Backup with Master_Down_Timer set.
 * -EALREADY unless in Initialize. A weight-0 track down: FAULT instead. */
int vr_startup(vr_router_t *r, int64_t now);

/* The Shutdown event: a Master advertises priority 0; every state goes to
 * Initialize. -EALREADY in Initialize. */
int vr_shutdown(vr_router_t *r, int64_t now);

/* A received message. 0 when it passed every check (it may still be
 * ignored by the state machine), or its rejection (vr_decode's, then
 * VR_EVERSION, VR_EVRID, VR_EADDRS, VR_EINTERVAL against our config). */
int vr_input(vr_router_t *r, const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl,
             int64_t now);

/* Fires the timers due at now. Can't fail. */
void vr_tick(vr_router_t *r, int64_t now);

/* When vr_tick is due next, or -1 when no timer runs. */
int64_t vr_next_deadline(const vr_router_t *r);

vr_state_t vr_state(const vr_router_t *r);
const char *vr_state_name(vr_state_t s);
/* Effective priority: configured, plus tracking weights, clamped to 1..254
 * (the owner's 255 is never changed). */
int vr_priority(const vr_router_t *r);
/* Skew_Time and Master_Down_Interval (ns) from the effective priority and the
 * current Master_Adver_Interval: v3 in whole centiseconds, v2 exact. */
int64_t vr_skew_time(const vr_router_t *r);
int64_t vr_master_down_interval(const vr_router_t *r);

/* keepalived's tracking: a tracked interface or script with a weight. Up,
 * a positive weight adds to the priority; down, a negative one subtracts;
 * weight 0 down means FAULT. Returns the track's id (>= 0), -ENOSPC after 16. */
int vr_track_add(vr_router_t *r, int weight, bool up);
/* A track changed state at now; -EINVAL for an unknown id. */
int vr_track_set(vr_router_t *r, int id, bool up, int64_t now);

/* Writes the gratuitous ARP frame for vip (42 bytes: broadcast, source
 * 00:00:5e:00:01:<vrid>, ARP request with sender = target = vip). */
void vr_garp_frame(uint8_t vrid, uint32_t vip, uint8_t out[42]);

/* ---- the simulated LAN (support/vr_lan.c) ------------------------------------- */

/* One segment: routers on it see each other's messages multicast to
 * 224.0.0.18, delivered at the instant they are sent (after whatever else
 * is due then), each dropped with the loss probability or when the sender
 * or the receiver is isolated. vr_lan_run drives everything from one task
 * on the runtime's virtual clock. */
typedef struct vr_lan vr_lan_t;

typedef enum vr_action {
    VR_ACT_START,    /* vr_startup */
    VR_ACT_SHUTDOWN, /* vr_shutdown */
    VR_ACT_ISOLATE,  /* cut the router off the segment (silenced, deaf) */
    VR_ACT_REJOIN,
    VR_ACT_TRACK_DOWN, /* vr_track_set(arg, false) */
    VR_ACT_TRACK_UP,
    VR_ACT_LOSS, /* loss probability := arg / 1000 */
} vr_action_t;

typedef struct vr_event {
    int64_t t;
    int router;
    vr_state_t from, to;
    int priority;
} vr_event_t;

int vr_lan_new(uint64_t seed, vr_lan_t **out);
void vr_lan_free(vr_lan_t *lan);
/* Adds a router (owned by the LAN); returns its index or a negative errno. */
int vr_lan_add(vr_lan_t *lan, const vr_config_t *cfg);
vr_router_t *vr_lan_router(vr_lan_t *lan, int idx);
/* Schedules an action on router idx at virtual time t (ns). */
int vr_lan_at(vr_lan_t *lan, int64_t t, vr_action_t act, int idx, int arg);
/* Runs until virtual time `until`. 0, or a negative errno. */
int vr_lan_run(vr_lan_t *lan, int64_t until);
/* Every state change so far, in order. */
size_t vr_lan_events(const vr_lan_t *lan, const vr_event_t **out);
/* Messages sent, messages rejected by a receiver, ARP frames sent: per router. */
uint64_t vr_lan_sent(const vr_lan_t *lan, int idx);
uint64_t vr_lan_rejected(const vr_lan_t *lan, int idx);
uint64_t vr_lan_garps(const vr_lan_t *lan, int idx);
/* The priority carried by router idx's last message, -1 if none. */
int vr_lan_last_priority(const vr_lan_t *lan, int idx);

#endif
