/* asan_ctor.c — a constructor of the candidate's own in a sanitized build:
 * still refused. */
int asan_ctor_ran;

__attribute__((constructor)) static void early(void)
{
    /* Not a constant store alone: clang would fold that into the
     * variable's initial value and drop the constructor. */
    __asm__ volatile("" ::: "memory");
    asan_ctor_ran = 1;
}
