/* has_unique.c — a definition with GNU_UNIQUE binding (not GLOBAL, not
 * WEAK) of a cmocka name would still replace it. */
__asm__(".globl _cmocka_run_group_tests\n"
        ".type _cmocka_run_group_tests, @gnu_unique_object\n"
        ".section .data\n"
        "_cmocka_run_group_tests: .quad 0\n"
        ".text\n");
