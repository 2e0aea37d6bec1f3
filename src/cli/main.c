/* main.c: the leadq command, dispatching to one file per subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../json.h"
#include "cli.h"

#define LEADQ_VERSION "0.1.0"

static const char usage[] =
    "usage: leadq COMMAND [OPTIONS] ...\n"
    "\n"
    "leadq applies a written lead-qualification agreement (a rules file) to NDJSON leads.\n"
    "\n"
    "commands:\n"
    "  run RULES [FILE...]      evaluate every lead: one decision per lead on stdout\n"
    "  check RULES...           compile only; report errors and warnings\n"
    "  help [COMMAND]           show help for leadq or for one command\n"
    "\n"
    "exit codes: 0 success, 1 some input lines were bad (the rest was processed),\n"
    "            2 usage error, 3 the rules do not compile, 4 I/O error\n"
    "\n"
    "Run 'leadq help run' for the run options. The language: docs/language.md; man leadq.\n";

static const char run_help[] =
    "usage: leadq run [OPTIONS] RULES [FILE...]\n"
    "\n"
    "Reads NDJSON leads (one JSON object per line) from the FILEs in order, or stdin\n"
    "('-' is stdin), and writes one decision per lead to stdout:\n"
    "  {\"id\":...,\"ruleset\":...,\"version\":...,\"stage\":...,\"rejected\":...,\"route\":...,\n"
    "   \"score\":...,\"scores\":{...},\"grades\":{...},\"reasons\":[...]}\n"
    "\n"
    "options:\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z); default: now\n"
    "  --id-field PATH     where the lead's id is, as in the rules: crm.id, `Prospect ID`\n"
    "                      (default: id); a lead without one is identified by its line number\n"
    "  --annotate[=KEY]    print each lead as it came in with its decision added under KEY\n"
    "                      (default: qualification)\n"
    "  --stage NAME        print only leads whose stage is NAME, as they came in\n"
    "  --route NAME        print only leads routed to NAME, as they came in\n"
    "  --rejected          print only rejected leads, as they came in\n"
    "  --errors FILE       write every line that is not a JSON object to FILE, unchanged\n"
    "  --stats             print counts per stage, route and reject reason to stderr\n"
    "\n"
    "Filters combine: --stage SQL --route sdr prints leads matching both. With --annotate,\n"
    "filtered leads are printed annotated. Blank lines are skipped; CRLF line ends and a\n"
    "UTF-8 byte order mark are accepted; output lines end in LF.\n"
    "\n"
    "A bad line is reported on stderr as FILE:LINE: error: ..., the run goes on, and the\n"
    "exit code is 1. Input leads = decisions + bad lines, always. At the end, values of\n"
    "the wrong type (text where a number was compared...) are summarised as warnings.\n";

static const char check_help[] =
    "usage: leadq check [--dump-ast] RULES...\n"
    "\n"
    "Compiles each rules file and reports every error and warning found, as\n"
    "FILE:LINE:COL: error: message, with the line and a caret. Exit 3 on errors.\n"
    "  --dump-ast    print the syntax tree, one declaration per line\n";

static int help(const char *cmd) {
  if (!cmd) fputs(usage, stdout);
  else if (!strcmp(cmd, "run")) fputs(run_help, stdout);
  else if (!strcmp(cmd, "check")) fputs(check_help, stdout);
  else return cli_usage_error("help", "no command '%s'", cmd);
  return EXIT_OK;
}

bool cli_color(void) { return isatty(2) && !getenv("NO_COLOR"); }

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "leadq %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nRun 'leadq help %s' for usage.\n", cmd);
  va_end(ap);
  return EXIT_USAGE;
}

bool cli_parse_now(const char *text, double *now) {
  if (!text) {
    *now = (double)time(NULL);
    return true;
  }
  return lq_time_parse(text, strlen(text), now);
}

const char *cli_thousands(unsigned long long n, char *buf) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%llu", n), o = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
  return buf;
}

lq_program *cli_load(const char *path, bool print_warnings, int *status) {
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(path, &d);
  lq_diags_sort(&d);
  if (d.errors || print_warnings) lq_diags_print(&d, &p->sources, stderr, cli_color());
  size_t errors = d.errors;
  *status = p->sources.n == 0 ? EXIT_IO : EXIT_COMPILE;
  if (errors && p->sources.n)
    fprintf(stderr, "%s: %zu error%s; nothing was evaluated\n", path, errors, errors == 1 ? "" : "s");
  lq_diags_free(&d);
  if (errors) {
    lq_program_free(p);
    return NULL;
  }
  return p;
}

int main(int argc, char **argv) {
  lq_json_init();
  if (argc < 2) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return help(NULL);
  if (!strcmp(cmd, "--version")) {
    puts("leadq " LEADQ_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "help")) return help(argc > 2 ? argv[2] : NULL);
  /* `leadq COMMAND --help` works like `leadq help COMMAND`. */
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return help(cmd);
  if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
  fprintf(stderr, "leadq: '%s' is not a command. Run 'leadq --help' for the list.\n", cmd);
  return EXIT_USAGE;
}
