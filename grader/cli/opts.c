/*
 * opts.c — parsing argv and printing help from a command's table (see
 * opts.h).
 */
#include "opts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage(const cli_command_t *c, const char *fmt, ...)
{
    va_list ap;
    fputs("grader: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nhint: `grader %s --help` lists its options\n", c->name);
    return EXIT_USAGE;
}

/* The option arg names ("--json", "--json=x.json"), or -1; *eq points
 * after '=' when the value is attached. */
static int find_opt(const cli_command_t *c, const char *arg, const char **eq)
{
    size_t n = strcspn(arg, "=");
    *eq = arg[n] ? arg + n + 1 : NULL;
    for (size_t i = 0; i < c->n_opts; i++) {
        const cli_opt_t *o = &c->opts[i];
        if ((strlen(o->name) == n && !strncmp(arg, o->name, n)) ||
            (o->alias && strlen(o->alias) == n && !strncmp(arg, o->alias, n)))
            return (int)i;
    }
    return -1;
}

/* Takes option i's value from argv (at *k, or attached). Returns 0 or an exit code. */
static int take_value(const cli_command_t *c, int i, const char *eq, int argc, char **argv, int *k,
                      cli_args_t *a)
{
    const cli_opt_t *o = &c->opts[i];
    if (!o->arg) {
        if (eq)
            return cli_usage(c, "option '%s' of 'grader %s' takes no value", o->name, c->name);
        a->val[i] = "";
        return 0;
    }
    if (!eq && *k + 1 >= argc)
        return cli_usage(c, "option '%s' of 'grader %s' needs a value %s", o->name, c->name,
                         o->arg);
    a->val[i] = eq ? eq : argv[++*k];
    if (o->lo < o->hi && cli_number(o->name, a->val[i], o->lo, o->hi, &a->num[i])) {
        fprintf(stderr, "hint: `grader %s --help` lists its options\n", c->name);
        return EXIT_USAGE;
    }
    return 0;
}

static bool is_help(const char *s)
{
    return !strcmp(s, "-h") || !strcmp(s, "--help");
}

int cli_parse(const cli_command_t *c, int argc, char **argv, cli_args_t *a)
{
    size_t n = c->n_opts ? c->n_opts : 1;
    memset(a, 0, sizeof *a);
    a->val = calloc(n, sizeof *a->val);
    a->num = calloc(n, sizeof *a->num);
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    if (!a->val || !a->num || !a->pos) {
        cli_error(NULL, "out of memory");
        return EXIT_CANNOT_GRADE;
    }
    for (int k = 1; k < argc; k++) {
        const char *arg = argv[k], *eq;
        if (!strcmp(arg, "--")) {
            /* The end of the options: the rest is passed on, or operands. */
            for (int j = k + 1; !c->dashdash && j < argc; j++)
                a->pos[a->n_pos++] = argv[j];
            a->rest = c->dashdash ? argv + k + 1 : NULL;
            a->n_rest = c->dashdash ? argc - k - 1 : 0;
            break;
        }
        if (is_help(arg)) {
            cli_help(c, stdout);
            return CLI_HELP;
        }
        if (arg[0] != '-' || !arg[1]) {
            a->pos[a->n_pos++] = argv[k];
            continue;
        }
        int i = find_opt(c, arg, &eq);
        if (i < 0)
            return cli_usage(c, "unknown option '%.*s' for 'grader %s'", (int)strcspn(arg, "="),
                             arg, c->name);
        int rc = take_value(c, i, eq, argc, argv, &k, a);
        if (rc)
            return rc;
    }
    return 0;
}

const char *cli_get(const cli_command_t *c, const cli_args_t *a, int i)
{
    return a->val[i] ? a->val[i] : c->opts[i].dflt;
}

long long cli_get_num(const cli_command_t *c, const cli_args_t *a, int i)
{
    return a->val[i] ? a->num[i] : c->opts[i].dflt ? strtoll(c->opts[i].dflt, NULL, 10) : 0;
}

void cli_args_free(cli_args_t *a)
{
    free(a->val);
    free(a->num);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

/* ---- help ------------------------------------------------------------------------------ */

static int opt_width(const cli_opt_t *o)
{
    return (int)(strlen(o->name) + (o->alias ? strlen(o->alias) + 2 : 0) +
                 (o->arg ? strlen(o->arg) + 1 : 0));
}

void cli_help(const cli_command_t *c, FILE *f)
{
    int w = 0;
    for (size_t i = 0; i < c->n_opts; i++)
        w = opt_width(&c->opts[i]) > w ? opt_width(&c->opts[i]) : w;
    fprintf(f, "usage: grader %s%s%s%s\n", c->name, c->n_opts ? " [<options>]" : "",
            *c->operands ? " " : "", c->operands);
    fprintf(f, "\n%s\n", c->summary);
    if (c->n_opts)
        fputc('\n', f);
    for (size_t i = 0; i < c->n_opts; i++) {
        const cli_opt_t *o = &c->opts[i];
        int used = fprintf(f, "    %s%s%s%s%s", o->name, o->alias ? ", " : "",
                           o->alias ? o->alias : "", o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "%*s  %s", w + 4 - used, "", o->help);
        bool range = o->lo < o->hi && o->hi < 1000000;
        if (o->dflt)
            fprintf(f, " (default %s%s", o->dflt, range ? "; " : ")");
        if (range)
            fprintf(f, "%s%lld to %lld)", o->dflt ? "" : " (", o->lo, o->hi);
        fputc('\n', f);
    }
    fprintf(f, "\nexample: %s\n", c->example);
}
