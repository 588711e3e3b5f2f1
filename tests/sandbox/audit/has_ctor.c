/* has_ctor.c — a constructor would run before any test. */
int audit_ctor_ran;

__attribute__((constructor)) static void early(void)
{
    audit_ctor_ran = 1;
}
