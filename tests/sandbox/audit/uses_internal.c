/* uses_internal.c — calls into the harness's internals. */
extern void ug__force_pass(void);

void audit_cheat(void)
{
    ug__force_pass();
}
