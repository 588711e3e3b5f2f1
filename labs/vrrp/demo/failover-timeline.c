/*
 * failover-timeline.c — two VRRPv3 routers on one segment, priorities 192
 * and 128, Advertisement_Interval 1 s, started together. 192 wins after its
 * own Master_Down_Interval (3 s + 64/256 s = 3.25 s). At 10 s it goes
 * silent (a cable pulled: no priority 0); 128 takes over 3.5 s after the
 * last advertisement it heard. At 20 s 192 is heard again and its first
 * advertisement sends 128 back to Backup. Every instant is virtual.
 */
#include <stdio.h>
#include <undergo/demo.h>

#include "vrrp.h"

static void timeline(demo_t *d, const vr_lan_t *lan, const char *const *names)
{
    const vr_event_t *ev;
    size_t n = vr_lan_events(lan, &ev);
    for (size_t i = 0; i < n; i++) {
        const char *c = ev[i].to == VR_MASTER ? demo_c(d, DEMO_GREEN) : demo_c(d, DEMO_YELLOW);
        printf("  %8.3f s  %-8s %-7s -> %s%-7s%s (priority %d)\n", ev[i].t / 1e9,
               names[ev[i].router], vr_state_name(ev[i].from), c, vr_state_name(ev[i].to),
               demo_c(d, DEMO_RESET), ev[i].priority);
    }
}

/* One lane per router, a bar per state held, on a 30 s axis. */
static void page(demo_t *d, const vr_lan_t *lan, const char *const *names, int64_t end)
{
    FILE *f = demo_html_open(d, "VRRP failover: the Master silenced, then heard again");
    if (!f)
        return;
    const vr_event_t *ev;
    size_t n = vr_lan_events(lan, &ev);
    const double x0 = 70, w = 900, scale = w / (double)end;
    demo_svg_open(f, 1000, 150);
    for (int r = 0; r < 2; r++) {
        double y = 20 + 50 * r;
        demo_svg_text(f, 10, y + 22, "start", "#000", "%s", names[r]);
        int64_t from = 0;
        vr_state_t st = VR_INIT;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && ev[i].router != r)
                continue;
            int64_t to = i < n ? ev[i].t : end;
            const char *fill = st == VR_MASTER ? "#6c6" : st == VR_BACKUP ? "#fd6" : "#ccc";
            if (to > from)
                demo_svg_rect(f, x0 + from * scale, y, (to - from) * scale, 30, fill, "#555");
            if (i < n)
                from = to, st = ev[i].to;
        }
    }
    for (int s = 0; s <= 30; s += 5)
        demo_svg_text(f, x0 + s * VR_NS_PER_S * scale, 135, "middle", "#000", "%d s", s);
    demo_svg_close(f);
    fprintf(f, "<p>green: MASTER, yellow: BACKUP, grey: INIT. r192 is cut off from 10.00 s to "
               "20.50 s; r128 takes over at 12.75 s and yields at 21.25 s.</p>\n");
    demo_html_close(d, f);
}

int main(int argc, char **argv)
{
    demo_t d;
    demo_spec_t spec = {.name = "vrrp failover-timeline",
                        .about =
                            "the Master goes silent and comes back; every transition's instant",
                        .html = true};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static const char *const names[] = {"r192", "r128"};
    vr_lan_t *lan;
    if (!demo_ok(&d, vr_lan_new(1, &lan), "vr_lan_new"))
        return demo_end(&d);
    vr_config_t c = {
        .version = 3, .vrid = 51, .adver_int = 100, .naddrs = 1, .addrs = {0xC0A8000Au}};
    c.priority = 192, c.primary_ip = 0x0A000001u;
    if (!demo_ok(&d, vr_lan_add(lan, &c), "vr_lan_add r192"))
        goto out;
    c.priority = 128, c.primary_ip = 0x0A000002u;
    if (!demo_ok(&d, vr_lan_add(lan, &c), "vr_lan_add r128"))
        goto out;
    demo_title(&d, "VRRPv3, VRID 51, VIP 192.168.0.10, advertisements every 1 s");
    printf("  Master_Down_Interval: r192 %.2f s, r128 %.2f s\n",
           vr_master_down_interval(vr_lan_router(lan, 0)) / 1e9,
           vr_master_down_interval(vr_lan_router(lan, 1)) / 1e9);
    vr_lan_at(lan, 0, VR_ACT_START, 0, 0);
    vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
    vr_lan_at(lan, 10 * VR_NS_PER_S, VR_ACT_ISOLATE, 0, 0);
    vr_lan_at(lan, 20 * VR_NS_PER_S + 50 * VR_NS_PER_CS, VR_ACT_REJOIN, 0, 0);
    demo_step(&d, "both start at 0 s; r192 is cut off at 10.00 s and back at 20.50 s");
    if (!demo_ok(&d, vr_lan_run(lan, 30 * VR_NS_PER_S), "vr_lan_run"))
        goto out;
    timeline(&d, lan, names);
    if (d.html)
        page(&d, lan, names, 30 * VR_NS_PER_S);
    demo_note(&d, "r192's last advertisement before the cut was at 9.25 s: 9.25 + 3.50 = 12.75 s");
    demo_note(&d, "from 12.75 s to 21.25 s both were Master: split brain while r192 was cut off");
out:
    vr_lan_free(lan);
    return demo_end(&d);
}
