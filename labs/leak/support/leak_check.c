/*
 * leak_check.c — one leak check from start to end, and the optional check at
 * exit.
 *
 * The order matters. Stack bounds are looked up first (that may call
 * malloc). Then the lock is taken before the world stops, so no stopped
 * thread can be holding it; the registry is snapshotted only once every
 * other thread is stopped (they update it without locking), roots are
 * scanned, the world restarts, chunks are classified; the lock is dropped
 * before the report is built, because building it allocates and
 * symbolizes.
 *
 * The caller's own frames count from leak_check's frame up, and its
 * callee-saved registers are saved first: a pointer the caller keeps in a
 * register is a root. Deeper, dead frames are not scanned: their leftovers
 * would hide real leaks.
 *
 * Interface: leak_check(&report) → leak_report_free; leak_init with
 * report_at_exit → atexit → leak_check → print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "leak_impl.h"


static void scan_cb(uintptr_t lo, uintptr_t hi, void *ud)
{
    leak__scan_root(ud, lo, hi);
}

/* The mark phase: stop the world, snapshot the registry, scan the roots,
 * restart, classify. Returns 0 or -errno. Lock held. */
static int mark_all(leak_snap_t *s, uintptr_t from, const uintptr_t *regs)
{
    memset(s, 0, sizeof *s);
    int rc = leak__stop_world();
    if (rc)
        return rc;
    rc = leak__snap_build(s);
    if (rc == 0) {
        leak__roots_globals(scan_cb, s);
        leak__roots_threads(scan_cb, s, from, regs, 6);
    }
    leak__start_world();
    if (rc == 0)
        leak__classify(s);
    return rc;
}

__attribute__((noinline)) int leak_check(leak_report_t *out)
{
    uintptr_t regs[6], lo, hi;
    leak_snap_t s;
    memset(out, 0, sizeof *out);
    leak__save_regs(regs);
    leak__self_stack(&lo, &hi);
    leak__lock();
    int rc = mark_all(&s, (uintptr_t)__builtin_frame_address(0), regs);
    leak__unlock();
    if (rc == 0)
        rc = leak__report_build(&s, out);
    leak__snap_free(&s);
    return rc;
}

/* At exit: print what leaked and, if asked, exit with exit_code. */
static void at_exit(void)
{
    leak_report_t r;
    if (!leak__opts.report_at_exit || leak_check(&r) != 0)
        return;
    bool leaked = r.nrecords > 0;
    fflush(NULL);                    /* _exit below skips stdio's own flush */
    leak_report_print(&r, stderr);
    leak_report_free(&r);
    if (leaked && leak__opts.exit_code)
        _exit(leak__opts.exit_code);
}

__attribute__((constructor)) static void leak_check_install(void)
{
    atexit(at_exit);
}
