/* asan_ctor.c — a constructor of the candidate's own in a sanitized build:
 * still refused. */
int asan_ctor_ran;

__attribute__((constructor)) static void early(void)
{
    asan_ctor_ran = 1;
}
