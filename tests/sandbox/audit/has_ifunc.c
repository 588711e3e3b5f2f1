/* has_ifunc.c — an IFUNC resolver runs while the program is loaded, before main. */
static int real(void) { return 1; }
static int (*resolve(void))(void) { return real; }
int lab_thing(void) __attribute__((ifunc("resolve")));
