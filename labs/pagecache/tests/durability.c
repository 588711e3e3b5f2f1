/*
 * durability.c — tests of what fsync promises: it covers every earlier
 * write, a writeback already in flight included, it reports a writeback
 * error to each handle exactly once, and what it made durable survives the
 * writer being killed.
 *
 * Errnos, pages, lengths, bytes, how many handles and the order they fsync
 * in come from the seed. Threads and hooks make no checks of their own:
 * they record, and the test's thread checks what they recorded.
 *
 * Interface: fix_open → writes → pc_fsync → the disk, read directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* Two different errnos, drawn from the seed (negative). */
static void two_errors(int *e1, int *e2)
{
    static const int errs[] = {EIO, ENOSPC, EDQUOT, EROFS, ENOMEM, EFBIG, ENXIO, ENODEV};
    size_t i = ug_rand_below(8), j = (i + 1 + ug_rand_below(7)) % 8;
    *e1 = -errs[i];
    *e2 = -errs[j];
}

/* The error sequence on its own: each observer learns of an error once;
 * one that starts after the error was seen does not; a new error after
 * that reaches everyone again, the same errno included; an unseen error
 * reaches a new observer. The errnos come from the seed. */
static void test_errseq_tells_each_observer_of_each_error_once(void **state)
{
    (void)state;
    int e1, e2;
    two_errors(&e1, &e2);
    pc_errseq_t e = 0;
    pc_errseq_t a = pc_errseq_sample(&e);
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &a));

    pc_errseq_set(&e, e1);
    pc_errseq_t b = pc_errseq_sample(&e);   /* unseen: b must still get it */
    assert_int_equal(e1, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(e1, pc_errseq_check_and_advance(&e, &a));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &a));
    pc_errseq_t c = pc_errseq_sample(&e);   /* seen: c starts clean */
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &c));

    pc_errseq_set(&e, e1); /* the same errno again */
    assert_int_equal(e1, pc_errseq_check_and_advance(&e, &a));
    assert_int_equal(e1, pc_errseq_check_and_advance(&e, &c));
    pc_errseq_set(&e, e2);
    assert_int_equal(e2, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(e2, pc_errseq_check_and_advance(&e, &a));
}

/* ---- fsync and a writeback already in flight ---------------------------- */

/* The flusher (thread A, pc_tick) writes page `page` back; while that write
 * is in flight, its fault hook starts thread B, which calls pc_fsync and is
 * to wait for that very write. A holds the write until B is asleep (waiting,
 * as it must) or has reached the sync, which it must not before the write
 * lands; the disk as B's sync sees it is recorded. */
typedef struct race {
    fix_t *f;
    uint64_t page;
    unsigned tag;
    pthread_t b;
    _Atomic int b_started, b_tid, at_sync, b_done;
    int tick_rc, fsync_rc;
    char at_sync_disk[PS];         /* page `page` on disk when B reached the sync */
} race_t;

/* True when thread tid of this process sleeps ('S' in /proc). */
static bool thread_sleeps(int tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *end = strrchr(buf, ')');
    return end && end[1] == ' ' && end[2] == 'S';
}

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *race_fsync(void *arg)
{
    race_t *r = arg;
    r->b_tid = (int)gettid();
    r->fsync_rc = pc_fsync(r->f->h);
    r->b_done = 1;
    return NULL;
}

/* A's hook: start B, then hold the write until B sleeps or reached the
 * sync. Without /proc the hold ends after two seconds: a right answer
 * never depends on it, a wrong one is then caught only if B is quick. */
static int race_hook(fix_t *f, pc_io_op_t op, uint64_t index)
{
    race_t *r = f->fault_arg;
    if (op == PC_IO_SYNC && r->b_started && !r->at_sync) {
        /* B's thread: read the disk without cmocka's asserts (they may
         * only fail on the test's own thread). */
        int fd = open(f->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && pread(fd, r->at_sync_disk, PS, (off_t)(r->page * PS)) < 0)
            memset(r->at_sync_disk, 0, PS);
        if (fd >= 0)
            close(fd);
        r->at_sync = 1;
    }
    if (op != PC_IO_WRITE || index != r->page || r->b_started)
        return 0;
    r->b_started = 1;
    if (pthread_create(&r->b, NULL, race_fsync, r) != 0) {
        r->b_started = 0;
        return 0;
    }
    for (uint64_t t0 = monotonic_ms(); monotonic_ms() - t0 < 2000;) {
        if (r->at_sync || r->b_done || (r->b_tid && thread_sleeps(r->b_tid)))
            break;
        sched_yield();
    }
    return 0;
}

static void *race_tick(void *arg)
{
    race_t *r = arg;
    r->tick_rc = pc_tick(r->f->pc, r->f->now);
    return NULL;
}

/* fsync must cover a page whose writeback is already in flight when it is
 * called: it waits for that write to complete (it may not start a second
 * write of the page meanwhile) before it syncs and returns, so the sync it
 * issues finds the page on disk. The page and its bytes are seeded. */
static void test_fsync_waits_for_a_writeback_already_in_flight(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    race_t r = {.f = f, .page = ug_rand_below(16), .tag = 50 + (unsigned)ug_rand_below(50)};
    char page[PS];
    fix_pattern(page, PS, r.page * PS, r.tag);
    assert_int_equal(PS, pc_pwrite(f->h, page, PS, (off_t)(r.page * PS)));
    f->fault_arg = &r;
    f->fault = race_hook;
    f->now = f->cfg.expire_ms + f->cfg.writeback_interval_ms;   /* the page has expired */
    pthread_t a;
    assert_int_equal(0, pthread_create(&a, NULL, race_tick, &r));
    assert_int_equal(0, pthread_join(a, NULL));
    assert_int_equal(1, r.b_started);
    assert_int_equal(0, pthread_join(r.b, NULL));
    f->fault = NULL;
    assert_int_equal(0, r.tick_rc);
    assert_int_equal(0, r.fsync_rc);
    assert_int_equal(1, r.at_sync);
    assert_memory_equal(page, r.at_sync_disk, PS);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(0, st.nr_dirty);
    assert_int_equal(0, st.nr_writeback);
}

/* A seeded random mix of writes (odd lengths, odd offsets, overlaps) in a
 * cache much smaller than the file, so pages are throttled, evicted and
 * read back in along the way. After fsync the disk equals a plain
 * in-memory copy of the same writes. */
static void test_fsync_covers_every_earlier_write(void **state)
{
    fix_t *f = *state;
    f->cfg.capacity_pages = 24;
    f->cfg.background_ratio = 0.25;
    f->cfg.dirty_ratio = 0.5;
    fix_open(f);
    enum { SPAN = 64 * PS };
    static char model[SPAN], buf[3 * PS];
    size_t size = 0, short_writes = 0;
    int tick_failed = 0;
    unsigned tag = (unsigned)ug_rand();
    for (int i = 0; i < 300; i++) {
        size_t len = 1 + ug_rand_below(sizeof(buf));
        size_t off = ug_rand_below(SPAN - len);
        fix_pattern(buf, len, off, tag + (unsigned)i);
        short_writes += pc_pwrite(f->h, buf, len, (off_t)off) != (ssize_t)len;
        memcpy(model + off, buf, len);
        size = off + len > size ? off + len : size;
        if (i % 50 == 49) {
            f->now += 1000;
            tick_failed += pc_tick(f->pc, f->now) != 0;
        }
    }
    if (size % PS == 0) { /* end mid-page: fsync must set the size on disk */
        model[size] = 'e';
        short_writes += pc_pwrite(f->h, "e", 1, (off_t)size++) != 1;
    }
    assert_int_equal(0, short_writes);
    assert_int_equal(0, tick_failed);
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_int_equal(size, fix_disk_size(f));
    fix_assert_disk(f, 0, model, size);
}

/* Fails the first write of page f->fault_arg->page with EIO, once. */
typedef struct fail_once {
    uint64_t page;
    int fired;
} fail_once_t;

static int fail_page_once(fix_t *f, pc_io_op_t op, uint64_t index)
{
    fail_once_t *x = f->fault_arg;
    if (op == PC_IO_WRITE && index == x->page && !x->fired) {
        x->fired = 1;
        return -EIO;
    }
    return 0;
}

/* Several handles (how many, and the order they fsync in, seeded); one
 * injected EIO during writeback of a seeded page. The next fsync of every
 * handle returns -EIO, the one after returns 0; a handle opened after
 * everyone has seen the error does not get it. The failed page is left
 * clean, and its bytes stay readable. */
static void test_injected_eio_reaches_each_handles_next_fsync_exactly_once(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    enum { MAXH = 6 };
    size_t nh = 2 + ug_rand_below(MAXH - 1), order[MAXH];
    pc_handle_t *hs[MAXH] = {f->h}, *late;
    for (size_t i = 1; i < nh; i++)
        assert_int_equal(0, pc_open(f->pc, &hs[i]));
    for (size_t i = 0; i < nh; i++)
        order[i] = i;
    for (size_t i = nh; i > 1; i--) {
        size_t j = ug_rand_below(i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    uint64_t pages = 2 + ug_rand_below(11);
    unsigned tag = (unsigned)ug_rand();
    fail_once_t x = {.page = ug_rand_below(pages)};
    pc_handle_t *writer = hs[ug_rand_below(nh)];
    char page[PS];
    uint64_t whole = 0;
    for (uint64_t i = 0; i < pages; i++) {
        fix_pattern(page, PS, i * PS, tag);
        whole += pc_pwrite(writer, page, PS, (off_t)(i * PS)) == PS;
    }
    assert_int_equal(pages, whole);
    f->fault_arg = &x;
    f->fault = fail_page_once;
    for (size_t i = 0; i < nh; i++) {
        assert_int_equal(-EIO, pc_fsync(hs[order[i]]));
        if (i == 0)
            assert_int_equal(0, fix_stats(f).nr_dirty); /* a failed page is left clean */
        assert_int_equal(0, pc_fsync(hs[order[i]]));
    }
    assert_int_equal(0, pc_open(f->pc, &late));
    assert_int_equal(0, pc_fsync(late));
    assert_int_equal(0, pc_fsync(hs[order[0]]));
    assert_int_equal(1, x.fired);
    f->fault = NULL;
    assert_int_equal(0, fix_stats(f).nr_dirty);

    /* Which pages failed with it is the cache's choice (its runs); the
     * bytes are still in the cache. */
    static char all[12 * PS];
    assert_int_equal(pages * PS, pc_pread(late, all, pages * PS, 0));
    assert_memory_equal(fix_want(f, pages * PS, 0, tag), all, pages * PS);
}

/* What the child writes: len bytes of the pattern with tag at 0, synced;
 * then len bytes more at later, not synced. */
typedef struct crash_plan {
    size_t len;
    unsigned tag;
    uint64_t later;
} crash_plan_t;

#define CRASH_MAX (21 * PS)

/* The child: the synced write, report; the unsynced one, report again,
 * and wait to be killed. */
static void crash_child(const char *path, int wfd, const crash_plan_t *plan)
{
    pc_cache_t *pc;
    pc_handle_t *h;
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = 64;
    static char buf[CRASH_MAX];
    fix_pattern(buf, plan->len, 0, plan->tag);
    if (pc_cache_open(path, &cfg, &pc) < 0 || pc_open(pc, &h) < 0)
        _exit(1);
    if (pc_pwrite(h, buf, plan->len, 0) != (ssize_t)plan->len || pc_fsync(h) != 0)
        _exit(2);
    if (write(wfd, "1", 1) != 1)
        _exit(3);
    memset(buf, 0x77, plan->len);
    if (pc_pwrite(h, buf, plan->len, (off_t)plan->later) != (ssize_t)plan->len)
        _exit(4);
    if (write(wfd, "2", 1) != 1)
        _exit(5);
    for (;;)
        pause();
}

/* A child writes and fsyncs (a seeded length of seeded bytes), then writes
 * more further on and is SIGKILLed: every byte it fsynced is on disk, in
 * order, and the file is at least that long. */
static void test_fsynced_bytes_survive_sigkill_of_the_writer(void **state)
{
    fix_t *f = *state;
    crash_plan_t plan = {.len = PS * (1 + ug_rand_below(20)) + ug_rand_below(PS),
                         .tag = (unsigned)ug_rand()};
    plan.later = (plan.len / PS + 1 + ug_rand_below(32)) * PS + ug_rand_below(PS);
    int p[2];
    assert_int_equal(0, pipe(p));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        crash_child(f->path, p[1], &plan);
    }
    close(p[1]);
    char got[2] = {0};
    ssize_t n = read(p[0], got, 2);
    if (n == 1)
        n += read(p[0], got + 1, 1);
    kill(pid, SIGKILL);
    int status;
    assert_true(waitpid(pid, &status, 0) == pid);   /* a pid: an identity, not a value */
    close(p[0]);
    assert_int_equal(2, n);
    assert_memory_equal("12", got, 2);
    assert_true(WIFSIGNALED(status));

    fix_assert_disk_pattern(f, 0, plan.len, plan.tag);
    assert_true(fix_disk_size(f) >= plan.len);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_durability, NULL, NULL,
    cmocka_unit_test(test_errseq_tells_each_observer_of_each_error_once),
    T(test_fsync_covers_every_earlier_write),
    T(test_fsync_waits_for_a_writeback_already_in_flight),
    T(test_injected_eio_reaches_each_handles_next_fsync_exactly_once),
    T(test_fsynced_bytes_survive_sigkill_of_the_writer));
