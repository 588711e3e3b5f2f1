/*
 * raft-timeline.c — a Raft election and a partition, drawn as a timeline.
 *
 * Three nodes start as followers; the first whose randomized election
 * timeout fires becomes a candidate of term 1 and, with two votes of
 * three, the leader. At 1.5 s the leader is cut off from both others:
 * they stop hearing heartbeats, one times out and wins term 2, while the
 * old leader, alone, still believes it leads term 1 (it can commit
 * nothing: no majority). At 3 s the partition heals; the old leader hears
 * term 2 and steps down. Each column is 50 ms of virtual time: the digit
 * is the node's term, L marks a node that believes it leads. With --html
 * the same timeline is an SVG.
 *
 * Interface: main → run (rt_run) → draw.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "etcd.h"

#define MS 1000000LL
#define STEP (50 * MS)
#define COLS 90
#define CUT 30
#define HEAL 60

static etcd_raft_t *nodes[3];
static int64_t terms[3][COLS];
static bool leads[3][COLS];
static int failed;

static void boot(void *arg)
{
    int id = (int)(intptr_t)arg;
    etcd_raft_config_t cfg = {.id = id, .npeers = 3, .peers = {"n0", "n1", "n2"}, .seed = 42};
    if (etcd_raft_start(&cfg, &nodes[id]))
        failed = 1;
}

static void run(void *arg)
{
    (void)arg;
    simnet_t *net;
    simhost_t *h[3];
    static const char *names[3] = {"n0", "n1", "n2"};
    simnet_new(NULL, &net);
    for (int i = 0; i < 3; i++) {
        simnet_host_add(net, names[i], &h[i]);
        simhost_spawn(h[i], boot, (void *)(intptr_t)i, NULL);
    }
    int cut = -1;
    for (int c = 0; c < COLS && !failed; c++) {
        clock_sleep(STEP);
        for (int i = 0; i < 3; i++)
            terms[i][c] = nodes[i] ? etcd_raft_term(nodes[i], &leads[i][c]) : 0;
        if (c == CUT)
            for (int i = 0; i < 3; i++)
                if (leads[i][c])
                    cut = i;
        if (c == CUT && cut >= 0)
            for (int j = 0; j < 3; j++)
                if (j != cut)
                    simnet_partition(net, names[cut], names[j]);
        if (c == HEAL && cut >= 0)
            for (int j = 0; j < 3; j++)
                if (j != cut)
                    simnet_heal(net, names[cut], names[j]);
    }
    simnet_free(net);
    for (int i = 0; i < 3; i++)
        etcd_raft_free(nodes[i]);
}

static void draw(demo_t *d)
{
    printf("      ");
    for (int c = 0; c < COLS; c++)
        putchar(c == CUT ? '|' : c == HEAL ? '|' : c % 10 == 0 ? '+' : ' ');
    printf("\n");
    for (int i = 0; i < 3; i++) {
        printf("  n%d  ", i);
        for (int c = 0; c < COLS; c++) {
            if (leads[i][c])
                printf("%sL%s", demo_c(d, DEMO_GREEN), demo_c(d, DEMO_RESET));
            else
                printf("%s%lld%s", demo_c(d, DEMO_DIM), (long long)(terms[i][c] % 10),
                       demo_c(d, DEMO_RESET));
        }
        printf("\n");
    }
    printf("      0 s%*s1.5 s cut%*s3 s heal%*s4.5 s\n", CUT - 3, "", HEAL - CUT - 9, "",
           COLS - HEAL - 13, "");
}

static void draw_html(demo_t *d)
{
    FILE *f = demo_html_open(d, "Raft: an election and a partition");
    if (!f)
        return;
    demo_svg_open(f, 60 + COLS * 8, 150);
    for (int i = 0; i < 3; i++) {
        demo_svg_text(f, 10, 40 + i * 30, "start", "#000", "n%d", i);
        for (int c = 0; c < COLS; c++) {
            const char *fill = leads[i][c] ? "#2a2" : terms[i][c] % 2 ? "#ccd" : "#eef";
            demo_svg_rect(f, 40 + c * 8, 25 + i * 30, 8, 20, fill, "none");
        }
    }
    demo_svg_rect(f, 40 + CUT * 8, 15, (HEAL - CUT) * 8, 100, "none", "#c22");
    demo_svg_text(f, 40 + CUT * 8, 145, "start", "#c22", "%s", "leader cut off");
    demo_svg_text(f, 40, 130, "start", "#000", "%s",
                  "green: believes it leads; shade: term parity");
    demo_svg_close(f);
    demo_html_close(d, f);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "etcd raft-timeline",
                                     .about = "an election, then the leader cut off and healed",
                                     .html = true};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Raft: an election and a partition, 50 ms a column");
    rt_config_t cfg = {.seed = 42};
    if (!demo_ok(&d, rt_run(&cfg, run, NULL), "rt_run") || !demo_ok(&d, -failed, "etcd_raft_start"))
        return demo_end(&d);
    draw(&d);
    int64_t t_end = 0;
    int leader = -1;
    for (int i = 0; i < 3; i++)
        if (leads[i][COLS - 1] && terms[i][COLS - 1] >= t_end)
            t_end = terms[i][COLS - 1], leader = i;
    demo_note(&d, "after the heal: n%d leads term %lld; the old leader stepped down", leader,
              (long long)t_end);
    if (d.html)
        draw_html(&d);
    return demo_end(&d);
}
