/*
 * loadgen.h — an HTTP/1.1 keep-alive load generator (loadgen.c).
 *
 * Interface: loadgen_run(addr, port, conns, total): GET / on `conns`
 * connections until `total` responses arrived. Returns 0 or -1.
 */
#ifndef UNDERGO_BENCH_LOADGEN_H
#define UNDERGO_BENCH_LOADGEN_H

#include <stdint.h>

int loadgen_run(const char *addr, int port, int conns, uint64_t total);

#endif
