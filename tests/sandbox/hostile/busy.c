/* busy.c — burns CPU forever: the CPU limit must stop it. */
int main(void)
{
    for (volatile unsigned long i = 0;; i++)
        ;
}
