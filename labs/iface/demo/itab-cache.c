/*
 * itab-cache.c — the itab cache counting its hits and misses.
 *
 * Go builds an itab the first time a (interface, concrete type) pair is
 * needed at run time and keeps it in a global table, failures included, so
 * an assertion in a loop costs one lookup. Go does not show the table's
 * counters; the lab's iface_cache_stats does. The steps: a first assertion
 * (a miss that builds), a million more (hits only), a failing assertion
 * repeated (one negative entry, then hits), a reset (the next lookup
 * rebuilds).
 *
 * Interface: main → types → steps, each followed by the counters.
 */
#include <stdint.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "iface.h"

static intptr_t dog_speak(void *r, intptr_t a) { (void)r; return a + 1; }
static intptr_t rock_read(void *r, intptr_t a) { (void)r; return a; }

static iface_method_t dog_m[] = {{"Speak", dog_speak}};
static iface_method_t rock_m[] = {{"Read", rock_read}};
static iface_type_t dog = {"main.Dog", sizeof(int), IFACE_KIND_STRUCT, dog_m, 1, 0};
static iface_type_t rock = {"main.Rock", sizeof(int), IFACE_KIND_INT, rock_m, 1, 0};
static const char *speaker_m[] = {"Speak"};
static iface_itype_t speaker = {"main.Speaker", speaker_m, 1, 0};

static iface_cache_stats_t last;

/* Prints the counters and how they moved since the last call. */
static void counters(demo_t *d)
{
    iface_cache_stats_t s;
    iface_cache_stats(&s);
    printf("  hits %s%-8llu%s (+%llu)  misses %s%-3llu%s (+%llu)  entries %zu  capacity %zu\n",
           demo_c(d, DEMO_GREEN), (unsigned long long)s.hits, demo_c(d, DEMO_RESET),
           (unsigned long long)(s.hits - last.hits), demo_c(d, DEMO_YELLOW),
           (unsigned long long)s.misses, demo_c(d, DEMO_RESET),
           (unsigned long long)(s.misses - last.misses), s.entries, s.capacity);
    last = s;
}

/* n assertions x.(Speaker); returns how many succeeded, or an error. */
static long assert_n(iface_any_t x, long n)
{
    long ok = 0;
    for (long i = 0; i < n; i++) {
        iface_t out;
        ok += iface_assert_iface_ok(x, &speaker, &out);
    }
    return ok;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "iface itab-cache",
                                     .about = "the itab cache: one miss builds, every later lookup hits"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, iface_type_seal(&dog), "iface_type_seal") ||
        !demo_ok(&d, iface_type_seal(&rock), "iface_type_seal") ||
        !demo_ok(&d, iface_itype_seal(&speaker), "iface_itype_seal"))
        return demo_end(&d);
    int v = 0;
    iface_any_t a_dog = iface_any_from(&dog, &v), a_rock = iface_any_from(&rock, &v);

    demo_title(&d, "The itab cache behind x.(Speaker)");
    iface_cache_reset();
    last = (iface_cache_stats_t){0};
    demo_step(&d, "An empty cache");
    counters(&d);

    demo_step(&d, "s, ok := x.(Speaker) with x = Dog{}: the pair is new");
    printf("  ok = %s\n", assert_n(a_dog, 1) == 1 ? "true" : "false");
    counters(&d);
    demo_note(&d, "one miss: the itab (Speaker, Dog) was built by merging the sorted method lists");

    demo_step(&d, "The same assertion 1 000 000 times");
    printf("  %ld succeeded\n", assert_n(a_dog, 1000000));
    counters(&d);
    demo_note(&d, "no more misses: each assertion is one hash lookup");

    demo_step(&d, "x.(Speaker) with x = Rock{}, 1000 times: Rock has no Speak");
    printf("  %ld succeeded\n", assert_n(a_rock, 1000));
    counters(&d);
    const iface_itab_t *neg = NULL;
    rc = iface_getitab(&speaker, &rock, &neg);
    if (neg && neg->missing)
        printf("  the cached negative itab remembers: missing method %s (iface_getitab: %d)\n",
               neg->missing, rc);
    demo_note(&d, "a failure is cached too: one miss, then hits, so a failing loop is as cheap");

    demo_step(&d, "iface_cache_reset(), then x.(Speaker) with x = Dog{} again");
    iface_cache_reset();
    last = (iface_cache_stats_t){0};
    assert_n(a_dog, 1);
    counters(&d);
    demo_note(&d, "the table was emptied: the first lookup builds the itab again");
    iface_cache_reset();
    return demo_end(&d);
}
