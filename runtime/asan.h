/*
 * asan.h — telling AddressSanitizer about stack switches.
 *
 * ASan tracks one stack per thread; before each switch we announce the
 * stack we are going to (start), and after it we confirm arrival (finish),
 * so its checks and fake frames follow the task. Reused and freed stacks
 * are unpoisoned: a task that never returns leaves redzones behind.
 * Without ASan every call compiles to nothing.
 *
 * Interface: asan_start_switch → rt__switch → asan_finish_switch;
 * asan_unpoison(stack) before reuse or munmap.
 */
#ifndef UNDERGO_RT_ASAN_H
#define UNDERGO_RT_ASAN_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif

#define RT_MIN_STACK (16 * 1024)

#ifdef RT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define RT_DEFAULT_STACK (256 * 1024)
static inline void asan_start_switch(void **fake, const void *bottom, size_t size) {
    __sanitizer_start_switch_fiber(fake, bottom, size);
}
static inline void asan_finish_switch(void *fake, const void **bottom, size_t *size) {
    __sanitizer_finish_switch_fiber(fake, bottom, size);
}
static inline void asan_unpoison(void *p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
#else
#define RT_DEFAULT_STACK (64 * 1024)
static inline void asan_start_switch(void **fake, const void *bottom, size_t size) {
    (void)fake, (void)bottom, (void)size;
}
static inline void asan_finish_switch(void *fake, const void **bottom, size_t *size) {
    (void)fake, (void)bottom, (void)size;
}
static inline void asan_unpoison(void *p, size_t n) { (void)p, (void)n; }
#endif

#endif
