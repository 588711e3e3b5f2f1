/*
 * durability.c — tests of what fsync promises: it covers every earlier
 * write, it reports a writeback error to each handle exactly once, and
 * what it made durable survives the writer being killed.
 *
 * Interface: fix_open → writes → pc_fsync → the disk, read directly.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* The error sequence on its own: each observer learns of an error once;
 * one that starts after the error was seen does not; a new error after
 * that reaches everyone again; an unseen error reaches a new observer. */
static void test_errseq_tells_each_observer_of_each_error_once(void **state)
{
    (void)state;
    pc_errseq_t e = 0;
    pc_errseq_t a = pc_errseq_sample(&e);
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &a));

    pc_errseq_set(&e, -EIO);
    pc_errseq_t b = pc_errseq_sample(&e);   /* unseen: b must still get it */
    assert_int_equal(-EIO, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(-EIO, pc_errseq_check_and_advance(&e, &a));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &a));
    pc_errseq_t c = pc_errseq_sample(&e);   /* seen: c starts clean */
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &c));

    pc_errseq_set(&e, -EIO);                /* the same errno again */
    assert_int_equal(-EIO, pc_errseq_check_and_advance(&e, &a));
    assert_int_equal(-EIO, pc_errseq_check_and_advance(&e, &c));
    pc_errseq_set(&e, -ENOSPC);
    assert_int_equal(-ENOSPC, pc_errseq_check_and_advance(&e, &b));
    assert_int_equal(0, pc_errseq_check_and_advance(&e, &b));
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
    size_t size = 0;
    for (int i = 0; i < 300; i++) {
        size_t len = 1 + ug_rand_below(sizeof(buf));
        size_t off = ug_rand_below(SPAN - len);
        fix_pattern(buf, len, off, (unsigned)i);
        assert_int_equal(len, pc_pwrite(f->h, buf, len, (off_t)off));
        memcpy(model + off, buf, len);
        size = off + len > size ? off + len : size;
        if (i % 50 == 49) {
            f->now += 1000;
            assert_int_equal(0, pc_tick(f->pc, f->now));
        }
    }
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_int_equal(size, fix_disk_size(f));
    fix_assert_disk(f, 0, model, size);
}

/* Fails the first write of page 3 with EIO; f->fault_arg counts. */
static int fail_page_3_once(fix_t *f, pc_io_op_t op, uint64_t index)
{
    int *fired = f->fault_arg;
    if (op == PC_IO_WRITE && index == 3 && !*fired) {
        *fired = 1;
        return -EIO;
    }
    return 0;
}

/* Three handles; one injected EIO during writeback. The next fsync of
 * every handle returns -EIO, the one after returns 0; a handle opened
 * after everyone has seen the error does not get it. */
static void test_injected_eio_reaches_each_handles_next_fsync_exactly_once(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    pc_handle_t *h2, *h3, *late;
    assert_int_equal(0, pc_open(f->pc, &h2));
    assert_int_equal(0, pc_open(f->pc, &h3));
    char page[PS];
    for (int i = 0; i < 8; i++) {
        fix_pattern(page, PS, (uint64_t)i * PS, 11);
        assert_int_equal(PS, pc_pwrite(h2, page, PS, (off_t)i * PS));
    }
    int fired = 0;
    f->fault_arg = &fired;
    f->fault = fail_page_3_once;
    assert_int_equal(-EIO, pc_fsync(f->h));
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(-EIO, pc_fsync(h2));
    assert_int_equal(0, pc_fsync(h2));
    assert_int_equal(-EIO, pc_fsync(h3));
    assert_int_equal(0, pc_fsync(h3));
    assert_int_equal(0, pc_open(f->pc, &late));
    assert_int_equal(0, pc_fsync(late));
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(1, fired);
    f->fault = NULL;
}

/* The child: 64 KiB + 1000 bytes, fsync, report the length; then more
 * bytes further on without fsync, report again, and wait to be killed. */
static void crash_child(const char *path, int wfd)
{
    pc_cache_t *pc;
    pc_handle_t *h;
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = 64;
    static char buf[16 * PS + 1000];
    fix_pattern(buf, sizeof(buf), 0, 12);
    if (pc_cache_open(path, &cfg, &pc) < 0 || pc_open(pc, &h) < 0)
        _exit(1);
    if (pc_pwrite(h, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) || pc_fsync(h) != 0)
        _exit(2);
    if (write(wfd, "1", 1) != 1)
        _exit(3);
    memset(buf, 0x77, sizeof(buf));
    if (pc_pwrite(h, buf, sizeof(buf), 64 * PS) != (ssize_t)sizeof(buf))
        _exit(4);
    if (write(wfd, "2", 1) != 1)
        _exit(5);
    for (;;)
        pause();
}

/* A child writes and fsyncs, then writes more and is SIGKILLed: every
 * byte it fsynced is on disk, in order, and the file is at least that
 * long. */
static void test_fsynced_bytes_survive_sigkill_of_the_writer(void **state)
{
    fix_t *f = *state;
    int p[2];
    assert_int_equal(0, pipe(p));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        crash_child(f->path, p[1]);
    }
    close(p[1]);
    char got[2] = {0};
    ssize_t n = read(p[0], got, 2);
    if (n == 1)
        n += read(p[0], got + 1, 1);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(pid, waitpid(pid, &status, 0));
    close(p[0]);
    assert_int_equal(2, n);
    assert_true(WIFSIGNALED(status));

    static char want[16 * PS + 1000];
    fix_pattern(want, sizeof(want), 0, 12);
    fix_assert_disk(f, 0, want, sizeof(want));
    assert_true(fix_disk_size(f) >= sizeof(want));
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_durability, NULL, NULL,
    cmocka_unit_test(test_errseq_tells_each_observer_of_each_error_once),
    T(test_fsync_covers_every_earlier_write),
    T(test_injected_eio_reaches_each_handles_next_fsync_exactly_once),
    T(test_fsynced_bytes_survive_sigkill_of_the_writer));
