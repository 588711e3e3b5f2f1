/*
 * opts.h — a command's options, declared once: the table that parses argv
 * also prints the command's help, so the two cannot drift.
 *
 * A command is {name, summary, operands, options, example}; an option is
 * {name, argument, help}, a flag when it takes no argument, with an
 * optional second spelling and an optional range of whole numbers that
 * parsing checks. `grader <command> --help` prints, as git does:
 *
 *   usage: grader bench [<options>] <lab>
 *
 *       --submission <dir>  time the candidate's files in <dir>/labs/<lab>/
 *       --count <n>         interleaved rounds (default 6; 1 to 1000)
 *
 *   example: grader bench iface --count 2 --benchtime 20ms -o bench-out
 *
 * Options and operands may come in any order; "--name=value" works too; "-h"
 * and "--help" anywhere print the help. "--" ends the options: what follows
 * is operands, or, for a command with dashdash set, passed on as it is (a
 * demo's own arguments).
 *
 * Interface: cli_parse(cmd, argc, argv, &args) → args.val[i] or cli_get(),
 * cli_get_num(), args.pos → cli_args_free(&args); cli_usage(cmd, ...) for a
 * usage error the command itself finds; cli_help(cmd, f).
 */
#ifndef UNDERGO_OPTS_H
#define UNDERGO_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cli_opt {
    const char *name;  /* "--json", "-o" */
    const char *arg;   /* "<file>"; NULL: a flag */
    const char *help;  /* one line */
    const char *alias; /* another spelling ("--run" for "-run"), or NULL */
    long long lo, hi;  /* lo < hi: the value is a whole number in [lo, hi] */
    const char *dflt;  /* the value when not given (cli_get), or NULL */
} cli_opt_t;

typedef struct cli_command {
    const char *name;                 /* "bench" */
    int (*fn)(int argc, char **argv); /* argv[0] is the command's name */
    const char *summary;              /* one line for `grader help` */
    const char *operands;             /* after "[<options>]", e.g. "<lab>"; "" for none */
    const cli_opt_t *opts;
    size_t n_opts;
    const char *example; /* one command that works as written */
    bool dashdash;       /* what follows "--" is passed on */
} cli_command_t;

/* What cli_parse found. Indexes of val and num are those of the table. */
typedef struct cli_args {
    const char **val; /* an option's last value; "" for a flag given; NULL: absent */
    long long *num;   /* the value of a numeric option that was given */
    char **pos;       /* operands, in order */
    int n_pos;
    char **rest; /* after "--" (dashdash commands) */
    int n_rest;
} cli_args_t;

#define CLI_HELP (-1) /* cli_parse printed the help: exit 0 */

/* Parses argv[1..argc) by c's table into *a. Returns 0; CLI_HELP after
 * printing the help to stdout; or an exit code (2, usage) after printing
 * one line naming the option and the command, with a hint. Call
 * cli_args_free either way. */
int cli_parse(const cli_command_t *c, int argc, char **argv, cli_args_t *a);

/* Option i's value, else its default (NULL when it has none). */
const char *cli_get(const cli_command_t *c, const cli_args_t *a, int i);

/* Numeric option i's value, else its default (0 when it has none). */
long long cli_get_num(const cli_command_t *c, const cli_args_t *a, int i);

/* Frees what cli_parse allocated. Can't fail. */
void cli_args_free(cli_args_t *a);

/* Prints "grader: <msg>" and the hint to c's help; returns EXIT_USAGE. */
int cli_usage(const cli_command_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints c's usage line, one line per option, and its example. Can't fail. */
void cli_help(const cli_command_t *c, FILE *f);

#endif
