/*
 * preemption.c — 128 is Master alone; at 6.30 s a router at 192 joins.
 * With preemption (VRRP's default) it takes over when its own
 * Master_Down_Timer fires, 3.25 s later, ignoring the lower priority's
 * advertisements. With nopreempt it stays Backup as long as 128 is heard.
 * With keepalived's preempt_delay of 10 s it behaves as nopreempt until
 * 16.30 s, then preempts one Master_Down_Interval after the last
 * advertisement it accepted.
 */
#include <stdio.h>
#include <undergo/demo.h>

#include "vrrp.h"

static void run(demo_t *d, const char *label, bool nopreempt, int64_t delay)
{
    vr_lan_t *lan;
    if (!demo_ok(d, vr_lan_new(1, &lan), "vr_lan_new"))
        return;
    vr_config_t c = {
        .version = 3, .vrid = 7, .adver_int = 100, .naddrs = 1, .addrs = {0xC0A8000Au}};
    c.priority = 192, c.primary_ip = 0x0A000001u, c.nopreempt = nopreempt, c.preempt_delay = delay;
    bool ok = demo_ok(d, vr_lan_add(lan, &c), "vr_lan_add 192");
    c.priority = 128, c.primary_ip = 0x0A000002u, c.nopreempt = false, c.preempt_delay = 0;
    ok = ok && demo_ok(d, vr_lan_add(lan, &c), "vr_lan_add 128");
    if (ok) {
        vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
        vr_lan_at(lan, 6 * VR_NS_PER_S + 30 * VR_NS_PER_CS, VR_ACT_START, 0, 0);
        ok = demo_ok(d, vr_lan_run(lan, 30 * VR_NS_PER_S), "vr_lan_run");
    }
    if (ok) {
        demo_step(d, "%s", label);
        const vr_event_t *ev;
        size_t n = vr_lan_events(lan, &ev);
        for (size_t i = 0; i < n; i++)
            printf("  %8.3f s  r%d %-7s -> %s\n", ev[i].t / 1e9, ev[i].router == 0 ? 192 : 128,
                   vr_state_name(ev[i].from), vr_state_name(ev[i].to));
    }
    vr_lan_free(lan);
}

int main(int argc, char **argv)
{
    demo_t d;
    demo_spec_t spec = {.name = "vrrp preemption",
                        .about = "preempt, nopreempt and preempt_delay when a better router joins"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "128 alone from 0 s (Master at 3.50 s); 192 joins at 6.30 s");
    run(&d, "preempt (the default)", false, 0);
    if (d.failures == 0)
        run(&d, "nopreempt", true, 0);
    if (d.failures == 0)
        run(&d, "preempt_delay 10 s", false, 10 * VR_NS_PER_S);
    return demo_end(&d);
}
