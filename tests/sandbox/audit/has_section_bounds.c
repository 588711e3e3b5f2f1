/* has_section_bounds.c — __start_/__stop_ of the test table would let it
 * point the harness at tests of its own. */
extern const void *const __start_ug_test_groups[];
const void *peek(void) { return __start_ug_test_groups[0]; }
