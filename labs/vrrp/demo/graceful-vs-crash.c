/*
 * graceful-vs-crash.c — the same pair of routers (192 and 128, 1 s
 * advertisements) lose their Master twice: once by a shutdown, when the
 * Master sends priority 0 and the Backup waits only its Skew_Time
 * (128/256 s), and once by a crash, when the Backup waits a whole
 * Master_Down_Interval (3.5 s) after the last advertisement it heard.
 * (keepalived stopped with SIGTERM and killed with SIGKILL behave so.)
 */
#include <stdio.h>
#include <undergo/demo.h>

#include "vrrp.h"

static int64_t takeover(demo_t *d, vr_action_t act, int64_t at)
{
    vr_lan_t *lan;
    int64_t t = -1;
    if (!demo_ok(&d[0], vr_lan_new(1, &lan), "vr_lan_new"))
        return -1;
    vr_config_t c = {
        .version = 3, .vrid = 7, .adver_int = 100, .naddrs = 1, .addrs = {0xC0A8000Au}};
    c.priority = 192, c.primary_ip = 0x0A000001u;
    bool ok = demo_ok(d, vr_lan_add(lan, &c), "vr_lan_add");
    c.priority = 128, c.primary_ip = 0x0A000002u;
    ok = ok && demo_ok(d, vr_lan_add(lan, &c), "vr_lan_add");
    if (ok) {
        vr_lan_at(lan, 0, VR_ACT_START, 0, 0);
        vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
        vr_lan_at(lan, at, act, 0, 0);
        ok = demo_ok(d, vr_lan_run(lan, at + 10 * VR_NS_PER_S), "vr_lan_run");
    }
    const vr_event_t *ev;
    size_t n = ok ? vr_lan_events(lan, &ev) : 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].router == 1 && ev[i].to == VR_MASTER && t < 0)
            t = ev[i].t;
    vr_lan_free(lan);
    return t;
}

int main(int argc, char **argv)
{
    demo_t d;
    demo_spec_t spec = {.name = "vrrp graceful-vs-crash",
                        .about = "priority 0 on shutdown against a silent crash"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    int64_t at = 8 * VR_NS_PER_S + 40 * VR_NS_PER_CS; /* 8.40 s; last advert at 8.25 s */
    demo_title(&d, "the Master (192) leaves at 8.40 s; its last advertisement was at 8.25 s");
    demo_step(&d, "graceful: shutdown sends an advertisement with priority 0");
    int64_t g = takeover(&d, VR_ACT_SHUTDOWN, at);
    if (g < 0)
        return demo_end(&d);
    printf("  128 is Master at %.3f s: %.3f s after the shutdown (Skew_Time = 128 x 1 s / 256)\n",
           g / 1e9, (g - at) / 1e9);
    demo_step(&d, "crash: the Master just stops");
    int64_t c = takeover(&d, VR_ACT_ISOLATE, at);
    if (c < 0)
        return demo_end(&d);
    printf("  128 is Master at %.3f s: %.3f s after the crash (3 x 1 s + 0.50 s after 8.25 s)\n",
           c / 1e9, (c - at) / 1e9);
    return demo_end(&d);
}
