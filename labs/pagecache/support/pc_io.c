/*
 * pc_io.c — the I/O layer: io_uring batches, preallocation, fault hook.
 * Support code, not part of the exercise (see pc_io.h for the contract).
 *
 * A write batch goes in three steps. First the fault hook is asked about
 * every page, with no lock held, so a test can fail a page or race a write
 * against the writeback. Then the file is preallocated past the batch's
 * end: extending writes then only fill blocks that already exist instead
 * of allocating them one request at a time. Last, every run becomes one
 * IORING_OP_WRITEV; up to PC_IO_DEPTH are in flight, and the call returns
 * when all have completed. A short write is finished with pwritev.
 *
 * Rings are made before main, by this pristine file, and handed out to
 * caches: once tests run, the test harness refuses io_uring_setup, so code
 * under test cannot make a ring of its own, and these are restricted to the
 * file operations the layer uses (a ring could otherwise make sockets that
 * the sandbox's socket rule never sees).
 *
 * Interface: pc_io_open → pc_io_write_runs / pc_io_read_page / pc_io_sync
 * → pc_io_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pc_io.h"

#define PC_IO_DEPTH 256u
#define PC_IO_PREALLOC_MIN (1ull << 20)   /* grow the allocation by >= 1 MiB */
#define PC_IO_PREALLOC_MAX (64ull << 20)  /* and by <= 64 MiB at a time */

struct pc_io {
    int fd;
    bool direct;            /* opened with O_DIRECT */
    bool uring;             /* ring is set up */
    bool no_prealloc;       /* the file system refused fallocate */
    pc_fault_fn fault;
    void *fault_arg;
    pthread_mutex_t lock;   /* guards everything below: one batch at a time */
    struct io_uring *ring;  /* one of the pool's, while uring */
    uint64_t prealloc_end;  /* bytes known to be allocated on disk */
};

/* ---- the ring pool ----------------------------------------------------- */

#define PC_IO_RINGS 4

static struct {
    pthread_mutex_t lock;
    pid_t owner;            /* the process the rings belong to: a fork gets none */
    struct io_uring ring[PC_IO_RINGS];
    bool ready[PC_IO_RINGS], busy[PC_IO_RINGS];   /* guarded by lock */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Makes the rings, disabled until restricted to file I/O, then enabled.
 * A ring that cannot be made is left out: the layer falls back to pwritev. */
__attribute__((constructor)) static void pc_io_make_rings(void)
{
    static const unsigned char ops[] = {IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV,
                                        IORING_OP_READ, IORING_OP_WRITE, IORING_OP_FSYNC};
    struct io_uring_restriction res[sizeof ops];
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < sizeof ops; i++) {
        res[i].opcode = IORING_RESTRICTION_SQE_OP;
        res[i].sqe_op = ops[i];
    }
    pool.owner = getpid();
    for (int i = 0; i < PC_IO_RINGS; i++) {
        struct io_uring_params p = {.flags = IORING_SETUP_R_DISABLED};
        if (io_uring_queue_init_params(PC_IO_DEPTH, &pool.ring[i], &p) < 0)
            return;
        /* The register calls themselves: Debian 12's liburing declares
         * their wrappers but does not export them. */
        int fd = pool.ring[i].ring_fd;
        if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_RESTRICTIONS, res, sizeof ops) < 0 ||
            syscall(__NR_io_uring_register, fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0) {
            io_uring_queue_exit(&pool.ring[i]);
            return;
        }
        pool.ready[i] = true;
    }
}

static struct io_uring *ring_take(void)
{
    struct io_uring *r = NULL;
    pthread_mutex_lock(&pool.lock);
    for (int i = 0; i < PC_IO_RINGS && !r && getpid() == pool.owner; i++)
        if (pool.ready[i] && !pool.busy[i]) {
            pool.busy[i] = true;
            r = &pool.ring[i];
        }
    pthread_mutex_unlock(&pool.lock);
    return r;
}

static void ring_give(struct io_uring *r)
{
    pthread_mutex_lock(&pool.lock);
    pool.busy[r - pool.ring] = false;
    pthread_mutex_unlock(&pool.lock);
}

/* ---- open / close ------------------------------------------------------ */

int pc_io_open(const char *path, pc_fault_fn fault, void *fault_arg, pc_io_t **out)
{
    pc_io_t *io = calloc(1, sizeof(*io));
    if (!io)
        return -ENOMEM;
    io->fault = fault;
    io->fault_arg = fault_arg;
    io->direct = true;
    io->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_DIRECT, 0644);
    if (io->fd < 0 && errno == EINVAL) {
        /* This file system has no direct I/O: double caching, but correct. */
        io->direct = false;
        io->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }
    if (io->fd < 0) {
        int err = -errno;
        free(io);
        return err;
    }
    struct stat st;
    if (fstat(io->fd, &st) == 0)
        io->prealloc_end = (uint64_t)st.st_size;
    /* No ring (io_uring disabled by sysctl or seccomp, every ring taken,
     * or a forked child): the batch is written with pwritev, one run after
     * another. */
    io->ring = ring_take();
    io->uring = io->ring != NULL;
    pthread_mutex_init(&io->lock, NULL);
    *out = io;
    return 0;
}

int pc_io_close(pc_io_t *io)
{
    if (!io)
        return 0;
    if (io->uring)
        ring_give(io->ring);
    int rc = close(io->fd) == 0 ? 0 : -errno;
    pthread_mutex_destroy(&io->lock);
    free(io);
    return rc;
}

bool pc_io_uses_uring(const pc_io_t *io) { return io->uring; }

bool pc_io_is_direct(const pc_io_t *io) { return io->direct; }

int pc_io_size(pc_io_t *io, uint64_t *out)
{
    struct stat st;
    if (fstat(io->fd, &st) != 0)
        return -errno;
    *out = (uint64_t)st.st_size;
    return 0;
}

/* ---- read, size, sync -------------------------------------------------- */

int pc_io_read_page(pc_io_t *io, uint64_t index, void *page)
{
    if (io->fault) {
        int rc = io->fault(io->fault_arg, PC_IO_READ, index);
        if (rc < 0)
            return rc;
    }
    size_t done = 0;
    while (done < PC_PAGE_SIZE) {
        /* O_DIRECT reads must stay block-aligned, so read the whole page
         * and let the end of the file make it short. */
        ssize_t n = pread(io->fd, (char *)page + done, PC_PAGE_SIZE - done,
                          (off_t)(index * PC_PAGE_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        done += (size_t)n;
        if (io->direct)
            break;   /* a short direct read means end of file */
    }
    memset((char *)page + done, 0, PC_PAGE_SIZE - done);
    return 0;
}

int pc_io_set_size(pc_io_t *io, uint64_t size)
{
    pthread_mutex_lock(&io->lock);
    int rc = ftruncate(io->fd, (off_t)size) == 0 ? 0 : -errno;
    /* Shrinking drops blocks past the new end, preallocated ones too. */
    if (rc == 0 && io->prealloc_end > size)
        io->prealloc_end = size;
    pthread_mutex_unlock(&io->lock);
    return rc;
}

int pc_io_sync(pc_io_t *io)
{
    if (io->fault) {
        int rc = io->fault(io->fault_arg, PC_IO_SYNC, 0);
        if (rc < 0)
            return rc;
    }
    return fdatasync(io->fd) == 0 ? 0 : -errno;
}

/* ---- write batches ----------------------------------------------------- */

/* Asks the fault hook about every page; a refused page fails its run. */
static void io_ask_fault_hook(pc_io_t *io, pc_io_run_t *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++) {
        runs[i].res = 0;
        for (uint32_t p = 0; io->fault && p < runs[i].npages; p++) {
            int rc = io->fault(io->fault_arg, PC_IO_WRITE, runs[i].index + p);
            if (rc < 0 && runs[i].res == 0)
                runs[i].res = rc;
        }
    }
}

/* Allocates disk blocks up to the batch's end and some way beyond, so the
 * next batches extend the file into blocks that already exist. Caller
 * holds io->lock. Failure only costs speed. */
static void io_preallocate(pc_io_t *io, const pc_io_run_t *runs, size_t nruns)
{
    uint64_t end = 0;
    for (size_t i = 0; i < nruns; i++) {
        uint64_t e = (runs[i].index + runs[i].npages) * PC_PAGE_SIZE;
        if (runs[i].res == 0 && e > end)
            end = e;
    }
    if (io->no_prealloc || end <= io->prealloc_end)
        return;
    uint64_t grow = io->prealloc_end;
    grow = grow < PC_IO_PREALLOC_MIN ? PC_IO_PREALLOC_MIN : grow;
    grow = grow > PC_IO_PREALLOC_MAX ? PC_IO_PREALLOC_MAX : grow;
    uint64_t target = end > io->prealloc_end + grow ? end : io->prealloc_end + grow;
    if (fallocate(io->fd, FALLOC_FL_KEEP_SIZE, (off_t)io->prealloc_end,
                  (off_t)(target - io->prealloc_end)) == 0)
        io->prealloc_end = target;
    else if (errno == EOPNOTSUPP)
        io->no_prealloc = true;
}

/* Fills iov with the run's pages. */
static void io_run_iov(const pc_io_run_t *run, struct iovec *iov)
{
    for (uint32_t p = 0; p < run->npages; p++) {
        iov[p].iov_base = run->pages[p];
        iov[p].iov_len = PC_PAGE_SIZE;
    }
}

/* Writes what is left of a run after `done` bytes, synchronously. */
static int io_finish_run(pc_io_t *io, const pc_io_run_t *run, size_t done)
{
    struct iovec iov[PC_IO_MAX_RUN];
    size_t total = (size_t)run->npages * PC_PAGE_SIZE;
    while (done < total) {
        size_t first = done / PC_PAGE_SIZE;
        io_run_iov(run, iov);
        /* Only whole pages are ever left over with O_DIRECT; without it a
         * partial page is fine. */
        iov[first].iov_base = (char *)iov[first].iov_base + done % PC_PAGE_SIZE;
        iov[first].iov_len -= done % PC_PAGE_SIZE;
        ssize_t n = pwritev(io->fd, iov + first, (int)(run->npages - first),
                            (off_t)(run->index * PC_PAGE_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        done += (size_t)n;
    }
    return 0;
}

/* Handles one completion: a short write is finished by hand. */
static void io_complete(pc_io_t *io, pc_io_run_t *runs, struct io_uring_cqe *cqe)
{
    pc_io_run_t *run = &runs[io_uring_cqe_get_data64(cqe)];
    if (cqe->res < 0)
        run->res = cqe->res;
    else if ((size_t)cqe->res < (size_t)run->npages * PC_PAGE_SIZE)
        run->res = io_finish_run(io, run, (size_t)cqe->res);
    io_uring_cqe_seen(io->ring, cqe);
}

/* Waits for one completion. Returns 0 or -errno. */
static int io_reap_one(pc_io_t *io, pc_io_run_t *runs)
{
    struct io_uring_cqe *cqe;
    int rc;
    do
        rc = io_uring_wait_cqe(io->ring, &cqe);
    while (rc == -EINTR);
    if (rc < 0)
        return rc;
    io_complete(io, runs, cqe);
    return 0;
}

/* The io_uring path: keeps up to PC_IO_DEPTH runs in flight. */
static int io_write_uring(pc_io_t *io, pc_io_run_t *runs, size_t nruns)
{
    struct iovec *iov = malloc(nruns * PC_IO_MAX_RUN * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    size_t inflight = 0;
    int rc = 0;
    for (size_t i = 0; i < nruns && rc == 0; i++) {
        if (runs[i].res < 0)
            continue;
        if (inflight == PC_IO_DEPTH) {
            rc = io_reap_one(io, runs);
            inflight--;
        }
        struct io_uring_sqe *sqe = io_uring_get_sqe(io->ring);
        if (!sqe) {   /* the ring is full of unsubmitted entries */
            io_uring_submit(io->ring);
            sqe = io_uring_get_sqe(io->ring);
        }
        io_run_iov(&runs[i], iov + i * PC_IO_MAX_RUN);
        io_uring_prep_writev(sqe, io->fd, iov + i * PC_IO_MAX_RUN, runs[i].npages,
                             runs[i].index * PC_PAGE_SIZE);
        io_uring_sqe_set_data64(sqe, i);
        inflight++;
        io_uring_submit(io->ring);
    }
    while (inflight > 0) {
        int r = io_reap_one(io, runs);
        if (r < 0 && rc == 0)
            rc = r;
        inflight--;
    }
    free(iov);
    return rc;
}

int pc_io_write_runs(pc_io_t *io, pc_io_run_t *runs, size_t nruns)
{
    /* The hook runs unlocked: it may write to the cache, which may start
     * writeback of its own. */
    io_ask_fault_hook(io, runs, nruns);
    pthread_mutex_lock(&io->lock);
    io_preallocate(io, runs, nruns);
    int rc = 0;
    if (io->uring) {
        rc = io_write_uring(io, runs, nruns);
    } else {
        for (size_t i = 0; i < nruns; i++)
            if (runs[i].res == 0)
                runs[i].res = io_finish_run(io, &runs[i], 0);
    }
    pthread_mutex_unlock(&io->lock);
    return rc;
}
