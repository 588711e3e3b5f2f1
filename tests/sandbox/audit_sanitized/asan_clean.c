/* asan_clean.c — an ordinary lab file built with ASan+UBSan: the compiler
 * adds a module constructor, which a sanitized build must accept. */
int asan_clean_sum(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}
