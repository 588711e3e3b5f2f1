/* has_symver.c — a versioned alias reaches _exit past the name check. */
__asm__(".symver my_exit, _exit@GLIBC_2.2.5");
extern void my_exit(int);
int leave(void)
{
    my_exit(0);
    return 1;
}
