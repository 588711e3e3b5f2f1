/*
 * vr_router.c — the VRRP state machine of RFC 5798 6.4 (and RFC 3768 6.4,
 * which differs only in the units of time and in learning no interval).
 *
 *   Initialize --Startup, priority 255--> Master (advertise, gratuitous ARP)
 *   Initialize --Startup--> Backup (Master_Down_Timer = Master_Down_Interval)
 *   Backup --Master_Down_Timer fires--> Master
 *   Backup: ADVERTISEMENT priority 0 -> Master_Down_Timer = Skew_Time;
 *           nopreempt, or priority >= ours -> learn the interval, reset the timer;
 *           else (we would preempt) -> ignore it, let the timer fire
 *   Master --Adver_Timer fires--> advertise again
 *   Master: ADVERTISEMENT priority 0 -> advertise at once;
 *           higher priority, or equal from a higher primary IP -> Backup
 *   Any --Shutdown--> Initialize (a Master advertises priority 0 first)
 *
 * Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 and
 * Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time, in whole
 * centiseconds for v3; v2's (256 - Priority) / 256 s is exact in ns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vr_internal.h"

const char *vr_state_name(vr_state_t s)
{
    static const char *const names[] = {"INIT", "BACKUP", "MASTER", "FAULT"};
    return (unsigned)s < 4 ? names[s] : "?";
}

#if LAB_SOLUTION

static int64_t adver_int_ns(const vr_router_t *r)
{
    return r->cfg.adver_int * (r->cfg.version == 3 ? VR_NS_PER_CS : VR_NS_PER_S);
}

int64_t vr_skew_time(const vr_router_t *r)
{
    int64_t p = vr__priority(r);
    if (r->cfg.version == 2)
        return (256 - p) * VR_NS_PER_S / 256;
    int64_t mai_cs = r->master_adver_int / VR_NS_PER_CS;
    return (256 - p) * mai_cs / 256 * VR_NS_PER_CS;
}

int64_t vr_master_down_interval(const vr_router_t *r)
{
    return 3 * r->master_adver_int + vr_skew_time(r);
}

static void transition(vr_router_t *r, vr_state_t to)
{
    vr_state_t from = r->state;
    r->state = to;
    if (r->io.notify)
        r->io.notify(r->io.ud, from, to, vr__priority(r));
}

static void advertise(vr_router_t *r, int priority)
{
    vr_adv_t a = {.version = r->cfg.version,
                  .vrid = r->cfg.vrid,
                  .priority = (uint8_t)priority,
                  .count = (uint8_t)r->cfg.naddrs,
                  .adver_int = r->cfg.adver_int};
    memcpy(a.addrs, r->cfg.addrs, sizeof a.addrs);
    uint8_t buf[8 + 4 * VR_MAX_ADDRS + 8];
    int n = vr_encode(&a, r->cfg.primary_ip, buf, sizeof buf);
    if (n > 0 && r->io.send)
        r->io.send(r->io.ud, buf, (size_t)n);
}

static void become_master(vr_router_t *r, int64_t now)
{
    advertise(r, vr__priority(r));
    for (int i = 0; i < r->cfg.naddrs && r->io.frame; i++) {
        uint8_t f[42];
        vr_garp_frame(r->cfg.vrid, r->cfg.addrs[i], f);
        r->io.frame(r->io.ud, f, sizeof f);
    }
    r->adver_timer = now + adver_int_ns(r);
    r->down_timer = -1;
    transition(r, VR_MASTER);
}

static void become_backup(vr_router_t *r, int64_t now)
{
    r->adver_timer = -1;
    r->down_timer = now + vr_master_down_interval(r);
    transition(r, VR_BACKUP);
}

static void enter(vr_router_t *r, int64_t now)
{
    r->master_adver_int = adver_int_ns(r);
    if (vr__faulted(r)) {
        r->adver_timer = r->down_timer = -1;
        transition(r, VR_FAULT);
    } else if (vr__priority(r) == 255) {
        become_master(r, now);
    } else {
        become_backup(r, now);
    }
}

int vr_router_new(const vr_config_t *cfg, const vr_io_t *io, vr_router_t **out)
{
    if ((cfg->version != 2 && cfg->version != 3) || cfg->vrid == 0 || cfg->priority == 0 ||
        cfg->naddrs < 1 || cfg->naddrs > VR_MAX_ADDRS || cfg->adver_int == 0 ||
        cfg->adver_int > (cfg->version == 3 ? 0xfff : 0xff) || cfg->preempt_delay < 0)
        return -EINVAL;
    vr_router_t *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    r->cfg = *cfg;
    if (io)
        r->io = *io;
    r->state = VR_INIT;
    r->adver_timer = r->down_timer = -1;
    r->master_adver_int = adver_int_ns(r);
    *out = r;
    return 0;
}

void vr_router_free(vr_router_t *r)
{
    free(r);
}

int vr_startup(vr_router_t *r, int64_t now)
{
    if (r->state != VR_INIT)
        return -EALREADY;
    r->started = now;
    enter(r, now);
    return 0;
}

int vr_shutdown(vr_router_t *r, int64_t now)
{
    (void)now;
    if (r->state == VR_INIT)
        return -EALREADY;
    if (r->state == VR_MASTER)
        advertise(r, 0); /* the Backup takes over after Skew_Time, not Master_Down_Interval */
    r->adver_timer = r->down_timer = -1;
    transition(r, VR_INIT);
    return 0;
}

static int check_config(const vr_router_t *r, const vr_adv_t *a)
{
    if (a->version != r->cfg.version)
        return VR_EVERSION;
    if (a->vrid != r->cfg.vrid)
        return VR_EVRID;
    if (a->count != r->cfg.naddrs || memcmp(a->addrs, r->cfg.addrs, 4 * (size_t)a->count))
        return VR_EADDRS;
    if (a->adver_int == 0 || (a->version == 2 && a->adver_int != r->cfg.adver_int))
        return VR_EINTERVAL;
    return 0;
}

static void learn_interval(vr_router_t *r, const vr_adv_t *a)
{
    if (r->cfg.version == 3)
        r->master_adver_int = a->adver_int * VR_NS_PER_CS;
}

static void backup_input(vr_router_t *r, const vr_adv_t *a, int64_t now)
{
    if (a->priority == 0) {
        r->down_timer = now + vr_skew_time(r);
        return;
    }
    bool preempt = !r->cfg.nopreempt && now >= r->started + r->cfg.preempt_delay;
    if (!preempt || a->priority >= vr__priority(r)) {
        learn_interval(r, a);
        r->down_timer = now + vr_master_down_interval(r);
    }
}

static void master_input(vr_router_t *r, const vr_adv_t *a, uint32_t src, int64_t now)
{
    int mine = vr__priority(r);
    if (a->priority == 0) {
        advertise(r, mine);
        r->adver_timer = now + adver_int_ns(r);
    } else if (a->priority > mine || (a->priority == mine && src > r->cfg.primary_ip)) {
        learn_interval(r, a);
        become_backup(r, now);
    }
}

int vr_input(vr_router_t *r, const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl, int64_t now)
{
    vr_adv_t a;
    int rc = vr_decode(msg, len, src, ttl, &a);
    if (rc == 0)
        rc = check_config(r, &a);
    if (rc != 0)
        return rc;
    if (r->state == VR_BACKUP)
        backup_input(r, &a, now);
    else if (r->state == VR_MASTER)
        master_input(r, &a, src, now);
    return 0;
}

void vr_tick(vr_router_t *r, int64_t now)
{
    if (r->state == VR_BACKUP && r->down_timer >= 0 && now >= r->down_timer) {
        become_master(r, now);
    } else if (r->state == VR_MASTER && r->adver_timer >= 0 && now >= r->adver_timer) {
        advertise(r, vr__priority(r));
        r->adver_timer = now + adver_int_ns(r);
    }
}

int64_t vr_next_deadline(const vr_router_t *r)
{
    return r->state == VR_MASTER ? r->adver_timer : r->state == VR_BACKUP ? r->down_timer : -1;
}

vr_state_t vr_state(const vr_router_t *r)
{
    return r->state;
}

void vr__track_changed(vr_router_t *r, int64_t now)
{
    bool fault = vr__faulted(r);
    if (fault && (r->state == VR_BACKUP || r->state == VR_MASTER)) {
        if (r->state == VR_MASTER)
            advertise(r, 0); /* hand over at once, as on shutdown */
        r->adver_timer = r->down_timer = -1;
        transition(r, VR_FAULT);
    } else if (!fault && r->state == VR_FAULT) {
        enter(r, now);
    }
}

#else

int64_t vr_skew_time(const vr_router_t *r)
{
    (void)r;
    return -1;
}

int64_t vr_master_down_interval(const vr_router_t *r)
{
    (void)r;
    return -1;
}

int vr_router_new(const vr_config_t *cfg, const vr_io_t *io, vr_router_t **out)
{
    (void)cfg, (void)io, (void)out;
    return -ENOSYS;
}

void vr_router_free(vr_router_t *r)
{
    (void)r;
}

int vr_startup(vr_router_t *r, int64_t now)
{
    (void)r, (void)now;
    return -ENOSYS;
}

int vr_shutdown(vr_router_t *r, int64_t now)
{
    (void)r, (void)now;
    return -ENOSYS;
}

int vr_input(vr_router_t *r, const uint8_t *msg, size_t len, uint32_t src, uint8_t ttl, int64_t now)
{
    (void)r, (void)msg, (void)len, (void)src, (void)ttl, (void)now;
    return -ENOSYS;
}

void vr_tick(vr_router_t *r, int64_t now)
{
    (void)r, (void)now;
}

int64_t vr_next_deadline(const vr_router_t *r)
{
    (void)r;
    return -1;
}

vr_state_t vr_state(const vr_router_t *r)
{
    (void)r;
    return VR_INIT;
}

void vr__track_changed(vr_router_t *r, int64_t now)
{
    (void)r, (void)now;
}

#endif
