/*
 * fixture.c — the shared test fixture (see fixture.h).
 *
 * The directory comes from mkdtemp under $TMPDIR (the grader's private
 * scratch directory) or /tmp. The disk is read with plain buffered I/O,
 * which Linux keeps coherent with the cache's direct I/O. Helpers that a
 * test calls in loops or from another thread make no checks.
 *
 * Interface: fix_setup → fix_open → fix_* helpers → fix_teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <undergo/labtest.h>

#include "fixture.h"

static uint64_t fix_clock(void *arg)
{
    return ((fix_t *)arg)->now;
}

static int fix_fault(void *arg, pc_io_op_t op, uint64_t index)
{
    fix_t *f = arg;
    if (op == PC_IO_WRITE)
        f->writes_seen++;
    if (op == PC_IO_READ)
        f->reads_seen++;
    if (op == PC_IO_SYNC)
        f->syncs_seen++;
    return f->fault ? f->fault(f, op, index) : 0;
}

int fix_setup(void **state)
{
    fix_t *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/pagecache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/file", f->dir);
    f->cfg = (pc_config_t)PC_CONFIG_INIT;
    f->cfg.capacity_pages = 64;
    f->cfg.clock = fix_clock;
    f->cfg.clock_arg = f;
    f->cfg.fault = fix_fault;
    f->cfg.fault_arg = f;
    *state = f;
    return 0;
}

int fix_teardown(void **state)
{
    fix_t *f = *state;
    f->fault = NULL;
    if (f->pc)
        pc_cache_close(f->pc);
    unlink(f->path);
    rmdir(f->dir);
    free(f->got);
    free(f->want);
    free(f);
    return 0;
}

void fix_open(fix_t *f)
{
    assert_int_equal(0, pc_cache_open(f->path, &f->cfg, &f->pc));
    assert_non_null(f->pc);
    assert_int_equal(0, pc_open(f->pc, &f->h));
}

pc_stats_t fix_stats(fix_t *f)
{
    pc_stats_t st;
    memset(&st, 0, sizeof(st));
    assert_int_equal(0, pc_cache_stats(f->pc, &st));
    return st;
}

void fix_disk_write(fix_t *f, uint64_t off, const void *buf, size_t len)
{
    int fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal((ssize_t)len, pwrite(fd, buf, len, (off_t)off));
    assert_int_equal(0, close(fd));
}

ssize_t fix_disk_read(fix_t *f, uint64_t off, void *buf, size_t len)
{
    memset(buf, 0, len);
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = -errno;
            close(fd);
            return err;
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    return (ssize_t)done;
}

uint64_t fix_disk_size(fix_t *f)
{
    struct stat st;
    assert_int_equal(0, stat(f->path, &st));
    return (uint64_t)st.st_size;
}

void fix_pattern(void *buf, size_t len, uint64_t off, unsigned tag)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 0x9E3779B97F4A7C15ull + tag * 0xBF58476D1CE4E5B9ull;
        p[i] = (unsigned char)(x >> 56);
    }
}

/* Grows *buf to at least len bytes; aborts the test if memory runs out. */
static void *scratch(void **buf, size_t *cap, size_t len)
{
    if (len > *cap || !*buf) {
        free(*buf);
        *cap = len > *cap ? len : *cap;
        *buf = malloc(*cap ? *cap : 1);
        if (!*buf)
            fail_msg("fixture: out of memory for %zu bytes", len);
    }
    return *buf;
}

void *fix_got(fix_t *f, size_t len)
{
    return scratch(&f->got, &f->got_cap, len);
}

const void *fix_want(fix_t *f, size_t len, uint64_t off, unsigned tag)
{
    void *p = scratch(&f->want, &f->want_cap, len);
    fix_pattern(p, len, off, tag);
    return p;
}

uint64_t fix_write_pages(fix_t *f, uint64_t from, uint64_t to, unsigned tag)
{
    char page[PS];
    uint64_t whole = 0;
    for (uint64_t i = from; i < to; i++) {
        fix_pattern(page, PS, i * PS, tag);
        whole += pc_pwrite(f->h, page, PS, (off_t)(i * PS)) == PS;
    }
    return whole;
}
