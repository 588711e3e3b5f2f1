/* An IFUNC resolver runs while the program is loaded, before main and
 * before anything of the harness: it could install handlers or patch. */
static void forge_hook(void) {}
static int real_thing(void) { return 0; }
static int (*resolve_thing(void))(void) { return real_thing; }
int forged_thing(void) __attribute__((ifunc("resolve_thing")));
