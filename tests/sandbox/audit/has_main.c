/* has_main.c — defines main: the harness's main would be replaced. */
int main(void)
{
    return 0;
}
