/* has_exit.c — its own _exit would replace libc's. */
void _exit(int code)
{
    for (;;)
        (void)code;
}
