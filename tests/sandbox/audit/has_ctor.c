/* has_ctor.c — a constructor would run before any test. */
int audit_ctor_ran;

__attribute__((constructor)) static void early(void)
{
    /* Not a constant store alone: clang would fold that into the
     * variable's initial value and drop the constructor. */
    __asm__ volatile("" ::: "memory");
    audit_ctor_ran = 1;
}
