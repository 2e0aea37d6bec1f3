/* cli.h: what the subcommands share. Only the CLI prints and picks exit codes. */
#ifndef LQ_CLI_H
#define LQ_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "../compile.h"
#include "../eval.h"

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 2, EXIT_COMPILE = 3, EXIT_IO = 4 };

/* Compiles path, prints its diagnostics to stderr; NULL when it has errors,
 * with *status set to EXIT_IO (unreadable) or EXIT_COMPILE (left alone otherwise). */
lq_program *cli_load(const char *path, bool print_warnings, int *status);
/* The same with a file reader (git show) or extra declarations (--outcome). */
lq_program *cli_load_opts(const char *path, const lq_compile_opts *o, bool print_warnings, int *status);
/* Colour on stderr, on stdout: only on a terminal, never with NO_COLOR set. */
bool cli_color(void);
bool cli_color_out(void);
/* Prints "leadq COMMAND: message" and a hint to run help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The lead's id at the --id-field path; a number comes back as its text in the
 * line (a STR with b set, printed bare), exactly as the lead wrote it. */
lq_value cli_lead_id(lq_eval *E, const cJSON *lead, const lq_seg *segs, uint32_t nsegs);
/* The end-of-run type-surprise warnings: "company.employees was text in 1,203
 * leads; comparisons with a number were false", with the rule's location. */
void cli_print_surprises(const lq_program *p, const lq_eval *E);
/* After getopt_long (optstring starting with ':', opterr = 0) returned '?' or
 * ':': names the option that is unknown or lacks its value; returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);
/* Parses --now: a date or date-time; exits with a usage error when it is not one. */
bool cli_parse_now(const char *text, double *now);
/* Calls read(ctx, fp, name) on each of files[0..n) ("-" is standard input), or on
 * standard input when n is 0; read returns 0 or the errno of a failed read. An
 * input that cannot be opened or read is reported. False when any could not. */
typedef int cli_reader(void *ctx, FILE *fp, const char *name);
bool cli_each_input(const char *cmd, char **files, int n, cli_reader *read, void *ctx);
/* 1234567 as "1,234,567" into buf (at least 32 bytes). */
const char *cli_thousands(unsigned long long n, char *buf);

/* One per subcommand, each in its own file: the entry point and its help text. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
extern const char cmd_run_help[], cmd_check_help[], cmd_fmt_help[], cmd_test_help[],
    cmd_explain_help[], cmd_diff_help[], cmd_report_help[];

#endif
