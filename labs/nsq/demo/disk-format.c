/*
 * disk-format.c — what a disk queue leaves on disk, byte for byte, as
 * go-diskqueue writes it. Five 20-byte messages go into a queue whose
 * files may hold 100 bytes: each record is a 4-byte big-endian length and
 * the body (24 bytes), so four fit in the first file (96 bytes) and the
 * fifth would pass 100: it starts the second file. The metadata file says
 * how many messages wait and where reading and writing stand. Reading
 * the first four removes the first file. The Go original
 * (disk-format.go) follows the same rules with the standard library.
 *
 * Interface: main → the queue on a simulated disk → files and metadata.
 */
#include <stdio.h>
#include <string.h>
#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "nsq.h"

static demo_t d;

static void show(nsq_disk_t *disk)
{
    for (int f = 0; f < 3; f++) {
        char name[64];
        snprintf(name, sizeof name, "q.diskqueue.%06d.dat", f);
        long long size = (long long)nsq_disk_size(disk, name);
        if (size >= 0)
            printf("  %s  %lld bytes\n", name, size);
        else
            printf("  %s  %s(none)%s\n", name, demo_c(&d, DEMO_DIM), demo_c(&d, DEMO_RESET));
    }
    char meta[128];
    ssize_t n = nsq_disk_read(disk, "q.diskqueue.meta.dat", 0, meta, sizeof meta - 1);
    meta[n > 0 ? n : 0] = 0;
    printf("  q.diskqueue.meta.dat:");
    for (char *s = meta; *s; s++)
        printf(*s == '\n' ? "\\n" : "%c", *s);
    printf("\n");
}

static void run(void *arg)
{
    (void)arg;
    simdisk_t *sd;
    nsq_disk_t *disk;
    nsq_dq_t *q;
    simdisk_new(&sd);
    nsq_disk_sim(sd, &disk);
    nsq_dq_config_t cfg = {.name = "q", .max_bytes_per_file = 100};
    if (!demo_ok(&d, nsq_dq_open(disk, &cfg, &q), "nsq_dq_open"))
        goto out;
    demo_step(&d, "Five 20-byte messages, files of at most 100 bytes");
    for (int i = 0; i < 5; i++) {
        char body[21];
        snprintf(body, sizeof body, "message number %05d", i);
        if (!demo_ok(&d, nsq_dq_put(q, body, 20), "nsq_dq_put"))
            goto out;
    }
    demo_ok(&d, nsq_dq_sync(q), "nsq_dq_sync");
    show(disk);
    uint8_t head[8];
    nsq_disk_read(disk, "q.diskqueue.000000.dat", 0, head, 8);
    printf(
        "  the first record starts %02x %02x %02x %02x '%c%c%c%c'...: length 20, then the body\n",
        head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7]);
    demo_step(&d, "Four messages read");
    for (int i = 0; i < 4; i++) {
        const void *b;
        size_t len;
        if (!demo_ok(&d, nsq_dq_peek(q, &b, &len), "nsq_dq_peek"))
            goto out;
        printf("  read \"%.*s\"\n", (int)len, (const char *)b);
        nsq_dq_next(q);
    }
    nsq_dq_sync(q);
    show(disk);
    printf("The first file was read to its end and removed; one message waits in the second.\n");
out:
    nsq_dq_close(q);
    nsq_disk_free(disk);
    simdisk_free(sd);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "nsq disk-format",
        .about = "go-diskqueue's files and metadata, byte for byte",
    };
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A disk queue: records, files and metadata");
    rt_config_t cfg = {.tick = RT_TICK_NONE};
    rt_run(&cfg, run, NULL);
    return demo_end(&d);
}
