/* GCC LTO bytecode smuggled in a .gnu.lto_ section: with a linker plugin
 * the linker would compile that instead of the native code audited. */
static void forge_hook(void) {}
__asm__(".pushsection .gnu.lto_.forged,\"e\",@progbits\n"
        ".byte 0\n"
        ".popsection\n");
