/*
 * audit.c — refuse objects that would take over the run instead of being
 * tested by it.
 *
 * Two tables of an ELF relocatable object tell what it would do once linked:
 * the section headers (code in .init_array, .ctors and their kin runs before
 * main; .fini_array and .dtors after it) and the symbol table (what it
 * defines, what it calls). Global or weak definitions of main, of the exit
 * family or of the test harness's names would replace the real ones; an
 * undefined reference to ug__* would reach into the harness's internals.
 * Local symbols are private to the object, so they are allowed.
 *
 * Calls matter too. Lab code that prints "ok 1 - <test>" and then ends the
 * process itself (exit, _exit, an exec of another program, a raw syscall())
 * would forge a pass, since the test's verdict is what the process printed
 * and its exit status. Lab code never needs to end the process: it returns
 * errors. So references to those functions, and to dlsym (which would find
 * them by name), are refused as well.
 *
 * A verdict no longer depends on what the process prints (the grader
 * compares transcripts outside it), so these rules are a first filter, not
 * the boundary: they refuse, with a clear line, the generic tricks a forger
 * would try first. Any binding but LOCAL counts as global (GNU_UNIQUE
 * too); a global definition must be the lab's own (a name the reference
 * defines, or one with the lab's prefix); versioned names (.symver), IFUNC
 * resolvers (which run before main), __start_/__stop_ section bounds, GCC's
 * LTO bytecode (which a linker plugin would use instead of the audited
 * code) and any section not in the list of what a C compiler emits are
 * refused.
 *
 * Sanitizer builds (CI's ASan+UBSan run) put a module constructor into
 * every object; AUDIT_SANITIZED accepts exactly those, recognised by the
 * priority only the implementation may use (GCC's 99, clang's 1).
 *
 * Interface: audit_object(path, &rules, why, whylen) → 0 | -EPERM | -errno.
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Names an object may not define: they belong to libc or the harness. */
static const char *const banned_names[] = {
    "main", "exit", "_exit", "_Exit", "quick_exit", "atexit", "at_quick_exit", "on_exit",
    "abort", "_fail", "mock_assert", "print_message", "print_error", "cmocka_set_test_filter",
    "cmocka_set_message_output", "_will_return", "_mock", "_check_expected", NULL};

/* Prefixes an object may not define. */
static const char *const banned_prefixes[] = {"_assert_", "_cmocka", "cmocka_", "cm_", "ug_",
                                              "_test_", NULL};

/* Functions lab code may not call: each could end the process after a forged
 * result line, or find such a function at run time. */
static const char *const banned_calls[] = {
    "exit", "_exit", "_Exit", "quick_exit", "syscall", "execve", "execv", "execvp", "execvpe",
    "execl", "execlp", "execle", "fexecve", "execveat", "dlsym", "dlvsym", "dlopen",
    "pthread_exit", "thrd_exit", "pthread_cancel", NULL};

/* The sanitizers register their module constructor and destructor with a
 * priority the compiler reserves for the implementation: 99 with GCC
 * (.init_array.00099), 1 with clang (.init_array.1). Lab code asking for
 * either gets a warning, which -Werror makes an error. A pragma can silence
 * that warning, so sanitizer builds are for CI and for trusted code: grade
 * untrusted submissions with the default build. */
static const char *const sanitizer_sections[] = {".init_array.00099", ".fini_array.00099",
                                                 ".init_array.1", ".fini_array.1", NULL};

/* Sections a C compiler emits (each also with a ".suffix"); anything else
 * is refused. */
static const char *const known_sections[] = {
    ".text", ".data", ".bss", ".rodata", ".tbss", ".tdata", ".comment", ".note.GNU-stack",
    ".note.gnu.property", ".eh_frame", ".symtab", ".strtab", ".shstrtab", ".group",
    ".llvm_addrsig", ".gcc_except_table", ".debug_info", ".debug_abbrev", ".debug_line",
    ".debug_line_str", ".debug_str", ".debug_str_offsets", ".debug_addr", ".debug_aranges",
    ".debug_loclists", ".debug_rnglists", ".debug_frame", ".debug_loc", ".debug_ranges",
    ".debug_macro", NULL};

/* Sections whose code runs outside the tests' control. */
static const char *const banned_sections[] = {".init_array", ".fini_array", ".preinit_array",
                                              ".ctors", ".dtors", ".init", ".fini", NULL};

static int say(char *why, size_t len, int err, const char *fmt, ...)
{
    if (len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return err;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The reason a defined global symbol is refused, or NULL. */
static const char *banned_definition(const char *name)
{
    for (size_t i = 0; banned_names[i]; i++)
        if (!strcmp(name, banned_names[i]))
            return !strcmp(name, "main") ? "the test harness owns main"
                                         : "it belongs to libc or the test harness";
    for (size_t i = 0; banned_prefixes[i]; i++)
        if (has_prefix(name, banned_prefixes[i]))
            return "the prefix belongs to the test harness";
    return NULL;
}

static bool banned_section(const char *name, GElf_Word type)
{
    if (type == SHT_INIT_ARRAY || type == SHT_FINI_ARRAY || type == SHT_PREINIT_ARRAY)
        return true;
    for (size_t i = 0; banned_sections[i]; i++) {
        size_t n = strlen(banned_sections[i]);
        /* .init_array.101 (a prioritized constructor) counts as well;
         * .init and .fini are the legacy code run before and after main. */
        if (!strncmp(name, banned_sections[i], n) && (name[n] == '\0' || name[n] == '.'))
            return true;
    }
    return false;
}

static bool is_sanitizer_section(const char *name)
{
    for (size_t i = 0; sanitizer_sections[i]; i++)
        if (!strcmp(name, sanitizer_sections[i]))
            return true;
    return false;
}

/* name is prefix, or prefix followed by ".anything". */
static bool section_is(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncmp(name, prefix, n) && (name[n] == '\0' || name[n] == '.');
}

static bool known_section(const char *name)
{
    if (!*name)
        return true;
    for (size_t i = 0; known_sections[i]; i++)
        if (section_is(name, known_sections[i]))
            return true;
    return false;
}

static int check_sections(Elf *elf, size_t shstrndx, unsigned flags, const char *path,
                          char *why, size_t len)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            return say(why, len, -EINVAL, "%s: unreadable section header", path);
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name)
            return say(why, len, -EINVAL, "%s: unnamed section", path);
        /* A relocation section is judged by the section it relocates. */
        if (!strncmp(name, ".rela.", 6) || !strncmp(name, ".rel.", 5))
            name += name[4] == 'a' ? 5 : 4;
        bool sanitizer = (flags & AUDIT_SANITIZED) && is_sanitizer_section(name);
        if (!sanitizer && banned_section(name, sh.sh_type))
            return say(why, len, -EPERM,
                       "%s: has a %s section (constructors and destructors are not allowed)",
                       path, name);
        if (!strncmp(name, ".gnu.lto_", 9))
            return say(why, len, -EPERM,
                       "%s: holds LTO bytecode (%s): compile without -flto", path, name);
        if (!sanitizer && !known_section(name))
            return say(why, len, -EPERM, "%s: has a section %s that C code does not need", path,
                       name);
    }
    return 0;
}

/* True when rules let an object define the global name. */
static bool in_api(const audit_rules_t *rules, const char *name)
{
    if (!rules->api)
        return true;
    for (size_t i = 0; rules->api[i]; i++)
        if (!strcmp(rules->api[i], name))
            return true;
    size_t n = rules->prefix ? strlen(rules->prefix) : 0;
    return n && !strncmp(name, rules->prefix, n) && name[n] == '_';
}

static int check_symbol(const GElf_Sym *sym, const char *name, const audit_rules_t *rules,
                        const char *path, char *why, size_t len)
{
    int bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
    if (type == STT_GNU_IFUNC)
        return say(why, len, -EPERM, "%s: %s is an IFUNC (its resolver runs before main)", path,
                   name);
    if (strchr(name, '@'))
        return say(why, len, -EPERM, "%s: uses the versioned symbol %s (.symver)", path, name);
    if (has_prefix(name, "__start_") || has_prefix(name, "__stop_"))
        return say(why, len, -EPERM, "%s: uses %s (the bounds of a linker section)", path, name);
    if (!*name || bind == STB_LOCAL)
        return 0;
    if (sym->st_shndx == SHN_UNDEF) {
        if (has_prefix(name, "ug__"))
            return say(why, len, -EPERM, "%s: refers to %s (the harness's internals)", path,
                       name);
        for (size_t i = 0; i < rules->n_test_only; i++)
            if (has_prefix(name, rules->test_only[i]))
                return say(why, len, -EPERM,
                           "%s: refers to %s, which only the lab's tests may use (the "
                           "anchor they hold your code to)",
                           path, name);
        for (size_t i = 0; banned_calls[i]; i++)
            if (!strcmp(name, banned_calls[i]))
                return say(why, len, -EPERM,
                           "%s: calls %s (lab code returns errors; it never ends the process)",
                           path, name);
        return 0;
    }
    const char *reason = banned_definition(name);
    if (reason)
        return say(why, len, -EPERM, "%s: defines %s (%s)", path, name, reason);
    if (type != STT_FILE && type != STT_SECTION && !in_api(rules, name))
        return say(why, len, -EPERM,
                   "%s: defines %s, which is not part of the lab's API: make it static%s%s%s",
                   path, name, rules->prefix ? " or name it " : "",
                   rules->prefix ? rules->prefix : "", rules->prefix ? "_..." : "");
    return 0;
}

static int check_symbols(Elf *elf, const audit_rules_t *rules, const char *path, char *why,
                         size_t len)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; data && i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                return say(why, len, -EINVAL, "%s: unreadable symbol table", path);
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            int rc = check_symbol(&sym, name ? name : "", rules, path, why, len);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static int audit_elf(Elf *elf, const audit_rules_t *rules, const char *path, char *why,
                     size_t len)
{
    GElf_Ehdr eh;
    size_t shstrndx;
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
        return say(why, len, -EINVAL, "%s: not an ELF object", path);
    if (eh.e_type != ET_REL)
        return say(why, len, -EPERM, "%s: not a relocatable object (.o)", path);
    if (elf_getshdrstrndx(elf, &shstrndx) < 0)
        return say(why, len, -EINVAL, "%s: no section name table", path);
    int rc = check_sections(elf, shstrndx, rules->flags, path, why, len);
    return rc < 0 ? rc : check_symbols(elf, rules, path, why, len);
}

int audit_object(const char *path, const audit_rules_t *rules, char *why, size_t whylen)
{
    static const audit_rules_t none = {0};
    if (!rules)
        rules = &none;
    if (whylen > 0)
        why[0] = '\0';
    if (elf_version(EV_CURRENT) == EV_NONE)
        return say(why, whylen, -ENOSYS, "libelf: %s", elf_errmsg(-1));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return say(why, whylen, -err, "%s: %s", path, strerror(err));
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = elf ? audit_elf(elf, rules, path, why, whylen)
                 : say(why, whylen, -EINVAL, "%s: %s", path, elf_errmsg(-1));
    elf_end(elf);
    close(fd);
    return rc;
}
