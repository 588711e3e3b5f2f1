/* has_assert.c — its own cmocka assertion would always pass. */
void _assert_true(unsigned long result, const char *expr, const char *file, int line)
{
    (void)result, (void)expr, (void)file, (void)line;
}
