/*
 * workload.h — the two workloads of the leak benchmark, written once and
 * compiled three ways: in the bench binary against the lab's allocator
 * and against glibc's, and in the stand-alone workers built with clang,
 * with and without LeakSanitizer.
 *
 * Churn: a window of 1024 slots; each step frees one slot and allocates a
 * new chunk of a seeded size from 16 to 272 bytes into it.
 * Heap: `live` objects of 48 bytes, each pointing to the one before and
 * held by one array reachable from a global, with `lost` objects of the
 * same shape interleaved among them and dropped.
 *
 * Interface: WL_CHURN(name, malloc, free) defines void name(steps);
 * WL_HEAP(name, malloc) defines void name(live, lost) and its root global.
 */
#ifndef LEAK_BENCH_WORKLOAD_H
#define LEAK_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define WL_WINDOW 1024
#define WL_SIZES 4096

typedef struct wl_obj {
    struct wl_obj *prev;
    uint64_t payload[5];
} wl_obj_t;

static inline uint64_t wl_lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Runs `steps` free+malloc pairs over the window; frees the window after. */
#define WL_CHURN(name, MALLOC, FREE)                                   \
    static void name(uint64_t steps)                                  \
    {                                                                 \
        static void *slot[WL_WINDOW];                                 \
        static size_t size[WL_SIZES];                                 \
        uint64_t s = 1;                                               \
        for (size_t i = 0; i < WL_SIZES; i++)                         \
            size[i] = 16 + wl_lcg(&s) % 257;                          \
        for (uint64_t i = 0; i < steps; i++) {                        \
            size_t j = i & (WL_WINDOW - 1);                           \
            FREE(slot[j]);                                            \
            slot[j] = MALLOC(size[i & (WL_SIZES - 1)]);               \
        }                                                             \
        for (size_t j = 0; j < WL_WINDOW; j++) {                      \
            FREE(slot[j]);                                            \
            slot[j] = NULL;                                           \
        }                                                             \
    }

/* Builds the heap; the lost objects come from a helper that is not
 * inlined, so no copy of their address stays in the builder's frame. The
 * root and the masked sink are external: a compiler that sees an
 * allocation nobody can observe may delete it (clang does). */
#define WL_MASK ((uintptr_t)0x5a5a5a5a5a5a5a5aull)
#define WL_HEAP(name, MALLOC)                                                  \
    wl_obj_t **name##_root;                                                   \
    volatile uintptr_t name##_sink;                                           \
    __attribute__((noinline)) static void name##_lose(wl_obj_t *near, size_t i) \
    {                                                                         \
        wl_obj_t *o = MALLOC(sizeof *o);                                      \
        o->prev = near;                                                       \
        o->payload[0] = i;                                                    \
        name##_sink = (uintptr_t)o ^ WL_MASK;                                 \
    }                                                                         \
    __attribute__((noinline)) static void name(size_t live, size_t lost)      \
    {                                                                         \
        uint64_t s = 7;                                                       \
        size_t every = lost ? live / lost : live + 1;                         \
        name##_root = MALLOC(live * sizeof *name##_root);                     \
        for (size_t i = 0; i < live; i++) {                                   \
            wl_obj_t *o = MALLOC(sizeof *o);                                  \
            o->prev = i ? name##_root[i - 1] : NULL;                          \
            for (int k = 0; k < 5; k++)                                       \
                o->payload[k] = wl_lcg(&s) << (k * 8);                        \
            name##_root[i] = o;                                               \
            if (i % every == 0 && i / every < lost)                           \
                name##_lose(o, i);                                            \
        }                                                                     \
    }

#endif
