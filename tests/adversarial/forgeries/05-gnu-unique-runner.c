/* cmocka's group runner redefined with STB_GNU_UNIQUE binding, which an
 * audit that looks at GLOBAL and WEAK only would let through. */
static void forge_hook(void) {}
__asm__(".globl _cmocka_run_group_tests\n"
        ".type _cmocka_run_group_tests, @gnu_unique_object\n"
        ".pushsection .data\n"
        "_cmocka_run_group_tests: .quad 0\n"
        ".popsection\n");
