/*
 * disk.c — the disk queue in go-diskqueue's format, byte for byte: file
 * names, records, the rule for starting a new file, the metadata, removed
 * files, syncs by count and by time (proved by crashing the disk), and
 * nsqd's memory queue overflowing into it.
 */
#include "nsq_world.h"

typedef struct dw {
    simnet_t *net;
    simhost_t *h;
    nsq_disk_t *disk;
    nsq_dq_t *q;
    nsq_dq_config_t cfg;
    void (*phase[6])(struct dw *d);
    int phases;
    chan_t *done;
    long v[64];
    char s[8][256];
} dw_t;

static void dw_phase(void *arg)
{
    dw_t *d = arg;
    d->phase[d->phases](d);
    chan_send(d->done, NULL);
}

/* Runs each phase on host "d" with the queue open; between phases the
 * host crashes (unsynced writes are lost) and the queue is opened again. */
static void dw_main(void *arg)
{
    dw_t *d = arg;
    simnet_new(NULL, &d->net);
    simnet_host_add(d->net, "d", &d->h);
    nsq_disk_sim(simhost_disk(d->h), &d->disk);
    chan_make(0, 0, &d->done);
    int n = d->phases;
    for (d->phases = 0; d->phases < n; d->phases++) {
        if (d->phases)
            simhost_restart(d->h, NULL, NULL);
        simhost_spawn(d->h, dw_phase, d, NULL);
        chan_recv(d->done, NULL, NULL);
        simhost_crash(d->h);
        nsq_dq_discard(d->q);
        d->q = NULL;
    }
    simnet_free(d->net);
    nsq_disk_free(d->disk);
    chan_free(d->done);
}

static void dw_run(dw_t *d)
{
    rt_config_t cfg = {.seed = ug_seed(), .tick = RT_TICK_NONE};
    int rc = rt_run(&cfg, dw_main, d);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

static void dw_open(dw_t *d)
{
    if (nsq_dq_open(d->disk, &d->cfg, &d->q))
        d->q = NULL;
}

static void file_bytes(dw_t *d, const char *f, char *out, size_t cap)
{
    ssize_t n = nsq_disk_read(d->disk, f, 0, out, cap - 1);
    out[n > 0 ? n : 0] = 0;
}

static uint8_t bodies[5][20];

static void format_phase(dw_t *d)
{
    dw_open(d);
    if (!d->q)
        return;
    for (int i = 0; i < 5; i++)
        d->v[i] = nsq_dq_put(d->q, bodies[i], 20);
    nsq_dq_sync(d->q);
    d->v[5] = nsq_disk_size(d->disk, "q.diskqueue.000000.dat");
    d->v[6] = nsq_disk_size(d->disk, "q.diskqueue.000001.dat");
    file_bytes(d, "q.diskqueue.meta.dat", d->s[0], sizeof d->s[0]);
    uint8_t f0[96];
    nsq_disk_read(d->disk, "q.diskqueue.000000.dat", 0, f0, 96);
    uint8_t want[96];
    for (int i = 0; i < 4; i++) {
        be32(want + 24 * i, 20);
        memcpy(want + 24 * i + 4, bodies[i], 20);
    }
    d->v[7] = !memcmp(want, f0, 96);
    memcpy(d->s[3], f0, 96);
    /* reading: the first file goes once its last record is consumed */
    int same = 0;
    for (int i = 0; i < 4; i++) {
        const void *b;
        size_t len;
        if (!nsq_dq_peek(d->q, &b, &len) && len == 20 && !memcmp(b, bodies[i], 20))
            same++;
        nsq_dq_next(d->q);
    }
    d->v[8] = same;
    d->v[9] = nsq_disk_size(d->disk, "q.diskqueue.000000.dat");
    nsq_dq_sync(d->q);
    file_bytes(d, "q.diskqueue.meta.dat", d->s[1], sizeof d->s[1]);
    const void *b;
    size_t len;
    nsq_dq_peek(d->q, &b, &len);
    nsq_dq_next(d->q);
    d->v[10] = nsq_dq_peek(d->q, &b, &len);
    d->v[11] = nsq_dq_depth(d->q);
    nsq_dq_sync(d->q);
    file_bytes(d, "q.diskqueue.meta.dat", d->s[2], sizeof d->s[2]);
}

static void test_disk_queue_files_and_metadata_byte_for_byte(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 20; j++)
            bodies[i][j] = (uint8_t)ug_rand();
    dw_t d = {.cfg = {.name = "q", .max_bytes_per_file = 100}, .phases = 1};
    d.phase[0] = format_phase;
    dw_run(&d);
    long zeros[5] = {0}, got[5];
    memcpy(got, d.v, sizeof got);
    assert_memory_equal(zeros, got, sizeof zeros);
    assert_int_equal(96, d.v[5]);
    assert_int_equal(24, d.v[6]);
    assert_string_equal("5\n0,0\n1,24\n", d.s[0]);
    assert_int_equal(1, d.v[7]);
    uint8_t want[96];
    for (int i = 0; i < 4; i++) {
        be32(want + 24 * i, 20);
        memcpy(want + 24 * i + 4, bodies[i], 20);
    }
    assert_memory_equal(want, d.s[3], 96);
    assert_int_equal(4, d.v[8]);
    assert_int_equal(-ENOENT, d.v[9]);
    assert_string_equal("1\n1,0\n1,24\n", d.s[1]);
    assert_int_equal(-EAGAIN, d.v[10]);
    assert_int_equal(0, d.v[11]);
    assert_string_equal("0\n1,24\n1,24\n", d.s[2]);
}

/* Seeded sizes and limits against go-diskqueue's rule, then everything
 * read back after a clean close and a reopen from the metadata. */
enum { NREC = 40 };
static int rec_len[NREC];
static uint8_t rec_body[NREC][64];

static void rotation_write(dw_t *d)
{
    dw_open(d);
    if (!d->q)
        return;
    for (int i = 0; i < NREC; i++)
        nsq_dq_put(d->q, rec_body[i], (size_t)rec_len[i]);
    /* every file's size, as the files are */
    char sizes[256] = "";
    for (int f = 0; f < NREC; f++) {
        char name[64];
        snprintf(name, sizeof name, "q.diskqueue.%06d.dat", f);
        int64_t sz = nsq_disk_size(d->disk, name);
        if (sz < 0)
            break;
        char one[24];
        snprintf(one, sizeof one, "%lld,", (long long)sz);
        strcat(sizes, one);
    }
    keep(d->s[0], sizes);
    nsq_dq_close(d->q);
    d->q = NULL;
    file_bytes(d, "q.diskqueue.meta.dat", d->s[1], sizeof d->s[1]);
}

static void rotation_read(dw_t *d)
{
    dw_open(d);
    if (!d->q)
        return;
    d->v[0] = nsq_dq_depth(d->q);
    int same = 0;
    for (int i = 0; i < NREC; i++) {
        const void *b;
        size_t len;
        if (!nsq_dq_peek(d->q, &b, &len) && (int)len == rec_len[i] && !memcmp(b, rec_body[i], len))
            same++;
        nsq_dq_next(d->q);
    }
    d->v[1] = same;
}

static void test_disk_queue_starts_a_file_where_go_diskqueue_does_and_reopens(void **state)
{
    (void)state;
    int64_t limit = 30 + (int64_t)ug_rand_below(300);
    for (int i = 0; i < NREC; i++) {
        rec_len[i] = 1 + (int)ug_rand_below(60);
        for (int j = 0; j < rec_len[i]; j++)
            rec_body[i][j] = (uint8_t)ug_rand();
    }
    /* go-diskqueue: a record goes to a new file when the file holds bytes
     * and the record would take it past the limit */
    char want[256] = "";
    int64_t pos = 0, file = 0;
    for (int i = 0; i < NREC; i++) {
        int64_t total = 4 + rec_len[i];
        if (pos > 0 && pos + total > limit) {
            char one[24];
            snprintf(one, sizeof one, "%lld,", (long long)pos);
            strcat(want, one);
            file++;
            pos = 0;
        }
        pos += total;
    }
    char one[24];
    snprintf(one, sizeof one, "%lld,", (long long)pos);
    strcat(want, one);
    char meta[64];
    snprintf(meta, sizeof meta, "%d\n0,0\n%lld,%lld\n", NREC, (long long)file, (long long)pos);

    dw_t d = {.cfg = {.name = "q", .max_bytes_per_file = limit}, .phases = 2};
    d.phase[0] = rotation_write;
    d.phase[1] = rotation_read;
    dw_run(&d);
    assert_string_equal(want, d.s[0]);
    assert_string_equal(meta, d.s[1]);
    assert_int_equal(NREC, d.v[0]);
    assert_int_equal(NREC, d.v[1]);
}

static int sync_n;

static void sync_a(dw_t *d) /* N-1 puts, then the crash */
{
    dw_open(d);
    for (int i = 0; i < sync_n - 1 && d->q; i++)
        nsq_dq_put(d->q, "x", 1);
}
static void sync_b(dw_t *d) /* nothing survived; N puts: the N-th syncs */
{
    dw_open(d);
    if (!d->q)
        return;
    d->v[0] = nsq_dq_depth(d->q);
    for (int i = 0; i < sync_n; i++)
        nsq_dq_put(d->q, "x", 1);
}
static void sync_c(dw_t *d) /* one more, and the crash before the timeout */
{
    dw_open(d);
    if (!d->q)
        return;
    d->v[1] = nsq_dq_depth(d->q);
    nsq_dq_put(d->q, "x", 1);
    clock_sleep(2 * SEC - MS);
}
static void sync_d(dw_t *d) /* one more, and the crash after the timeout */
{
    dw_open(d);
    if (!d->q)
        return;
    d->v[2] = nsq_dq_depth(d->q);
    nsq_dq_put(d->q, "x", 1);
    clock_sleep(2 * SEC + MS);
}
static void sync_e(dw_t *d)
{
    dw_open(d);
    if (d->q)
        d->v[3] = nsq_dq_depth(d->q);
}

static void test_disk_queue_syncs_every_n_and_after_the_timeout(void **state)
{
    (void)state;
    sync_n = 2 + (int)ug_rand_below(20);
    dw_t d = {.cfg = {.name = "q", .sync_every = sync_n, .sync_timeout = 2 * SEC},
              .phases = 5,
              .phase = {sync_a, sync_b, sync_c, sync_d, sync_e}};
    dw_run(&d);
    assert_int_equal(0, d.v[0]);
    assert_int_equal(sync_n, d.v[1]);
    assert_int_equal(sync_n, d.v[2]);
    assert_int_equal(sync_n + 1, d.v[3]);
}

/* nsqd: a topic keeps mem_queue_size messages in memory, the rest on disk;
 * a channel made later gets all of them, in order. */
static int mem_n, disk_n;
static frame_t F_disk;

static void overflow(world_t *w)
{
    cl_t *p = cl_dial();
    char want[4096] = "";
    for (int i = 0; i < mem_n + disk_n; i++) {
        char b[16];
        snprintf(b, sizeof b, "m%03d", i);
        cl_pub(p, &F_disk, "t", b);
        strcat(want, b);
        strcat(want, ",");
    }
    w->v[0] = nsq_server_depth(w->srv, "t", NULL);
    w->v[1] = nsq_disk_size(w->disk, "t.diskqueue.000000.dat");
    cl_t *c = cl_dial();
    cl_sub(c, &F_disk, "t", "ch", 1000);
    char got[4096] = "";
    int n = 0;
    while (!cl_frame_before(c, &F_disk, clock_now() + 5 * SEC)) {
        strcat(got, frame_text(&F_disk));
        strcat(got, ",");
        n++;
    }
    w->v[2] = n;
    w->v[3] = !strcmp(want, got);
    w->v[4] = nsq_server_depth(w->srv, "t", NULL);
    cl_free(c);
    cl_free(p);
}

static void test_memory_queue_overflows_to_disk_and_comes_back_in_order(void **state)
{
    (void)state;
    mem_n = 1 + (int)ug_rand_below(5);
    disk_n = 1 + (int)ug_rand_below(20);
    world_t w = {.scenario = overflow, .cfg = {.mem_queue_size = mem_n}};
    world_run(&w);
    assert_int_equal(mem_n + disk_n, w.v[0]);
    assert_int_equal(disk_n * (4 + NSQ_MSG_HEADER_LEN + 4), w.v[1]);
    assert_int_equal(mem_n + disk_n, w.v[2]);
    assert_int_equal(1, w.v[3]);
    assert_int_equal(0, w.v[4]);
}

UG_TEST_GROUP(nsq_disk, NULL, NULL,
              cmocka_unit_test(test_disk_queue_files_and_metadata_byte_for_byte),
              cmocka_unit_test(test_disk_queue_starts_a_file_where_go_diskqueue_does_and_reopens),
              cmocka_unit_test(test_disk_queue_syncs_every_n_and_after_the_timeout),
              cmocka_unit_test(test_memory_queue_overflows_to_disk_and_comes_back_in_order));
