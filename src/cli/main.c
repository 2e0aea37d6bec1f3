/* main.c: the leadq command, dispatching to one file per subcommand. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

#include "../eval.h"
#include "../leadq_internal.h"
#include "../json.h"
#include "cli.h"
/* build/gen/reading.h: docs/reading.md as the C string reading_guide (the Makefile
 * makes it), so `leadq help reading` and the file are one text. */
#include "reading.h"

#define LEADQ_VERSION "0.1.0"

static const char usage[] =
    "usage: leadq COMMAND [OPTIONS] ...\n"
    "\n"
    "leadq applies a written lead-qualification agreement (a rules file) to leads\n"
    "(NDJSON or CSV, plain or gzip).\n"
    "\n"
    "commands:\n"
    "  run RULES [FILE...]      evaluate every lead: one decision per lead on stdout\n"
    "  check RULES...           compile only; report errors and warnings\n"
    "  fmt [-w] RULES...        print the canonical layout; -w rewrites the files\n"
    "  test RULES... [CASES]    run the test blocks (and NDJSON cases): pass or fail\n"
    "  explain RULES [FILE]     every rule, its outcome and points, for each lead\n"
    "  diff OLD NEW [FILE...]   what a rules change does to a sample of leads\n"
    "  report RULES --outcome EXPR [FILE...]\n"
    "                           how the rules' decisions match real outcomes\n"
    "  help [COMMAND]           show help for leadq or for one command\n"
    "\n"
    "topics:\n"
    "  help reading             how to read a rules file: a one-page guide for the\n"
    "                           managers who sign it (docs/reading.md)\n"
    "\n"
    "exit codes: 0 success, 1 some input lines were bad (the rest was processed),\n"
    "            a test failed, or fmt --check / check --strict found something,\n"
    "            2 usage error, 3 the rules do not compile, 4 I/O error (an input\n"
    "            that cannot be read, an output that cannot be written),\n"
    "            130 / 143 stopped by Ctrl-C / SIGTERM (whole lines written)\n"
    "\n"
    "Run 'leadq help COMMAND' for a command's options. The language: man leadq-rules;\n"
    "the command: man leadq (in the source tree: docs/language.md, docs/leadq.1).\n";

/* One row per subcommand: dispatch and help come from the same table. */
static const struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *help;
} commands[] = {
    {"run", cmd_run, cmd_run_help},          {"check", cmd_check, cmd_check_help},
    {"fmt", cmd_fmt, cmd_fmt_help},          {"test", cmd_test, cmd_test_help},
    {"explain", cmd_explain, cmd_explain_help}, {"diff", cmd_diff, cmd_diff_help},
    {"report", cmd_report, cmd_report_help},
};

static const struct command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(commands[i].name, name)) return &commands[i];
  return NULL;
}

/* Guides `leadq help TOPIC` prints, besides the commands' help. */
static const struct topic {
  const char *name, *text;
} topics[] = {
    {"reading", reading_guide},
};

static int help(const char *cmd) {
  if (!cmd) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  const struct command *c = find_command(cmd);
  if (c) {
    fputs(c->help, stdout);
    return EXIT_OK;
  }
  for (size_t i = 0; i < sizeof topics / sizeof *topics; i++)
    if (!strcmp(topics[i].name, cmd)) {
      fputs(topics[i].text, stdout);
      return EXIT_OK;
    }
  return cli_usage_error("help", "no command or topic '%s'", cmd);
}

bool cli_color(void) { return isatty(2) && !getenv("NO_COLOR"); }
bool cli_color_out(void) { return isatty(1) && !getenv("NO_COLOR"); }

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "leadq %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nRun 'leadq help %s' for usage.\n", cmd);
  va_end(ap);
  return EXIT_USAGE;
}

/* "company.employees was text in 1,203 leads; comparisons with a number were false" */
int cli_print_surprises(const lq_program *p, const lq_eval *E) {
  int printed = 0;
  for (int s = 0; s < p->nsites; s++) {
    const lq_site *site = &p->sites[s];
    for (int ka = 0; ka < LQ_V_KINDS; ka++) {
      for (int kb = 0; kb < LQ_V_KINDS; kb++) {
        unsigned long long n = lq_eval_surprises(E, s, ka, kb);
        if (!n) continue;
        printed++;
        int line, col;
        lq_sources_position(&p->sources, site->span.file, site->span.begin, &line, &col);
        char count[32];
        cli_thousands(n, count);
        fprintf(stderr, "%s:%d:%d: warning: ", p->sources.files[site->span.file].path, line, col);
        if (site->other)
          fprintf(stderr, "%s was %s and %s was %s in %s lead%s; %s\n", site->what, lq_vkind_phrase(ka),
                  site->other, lq_vkind_phrase(kb), count, n == 1 ? "" : "s",
                  site->arith ? "the arithmetic gave no value" : "the comparison was false");
        else
          fprintf(stderr, "%s was %s in %s lead%s; %s %s %s\n", site->what, lq_vkind_phrase(ka), count,
                  n == 1 ? "" : "s", site->arith ? "arithmetic with" : "comparisons with",
                  lq_vkind_phrase(kb), site->arith ? "gave no value" : "were false");
      }
    }
  }
  /* A gap in the roster: leads that met a route's condition and had no owner
   * there. Why (nothing there, or something that is no person), and what
   * became of them: a later route took them, or they got none. */
  for (int i = 0; i < p->nroutes; i++) {
    lq_owner_misses m = lq_eval_owner_misses(E, i);
    unsigned long long n = m.missing + m.not_text;
    const lq_expr *to = p->routes[i].to;
    if (!n || !to) continue;
    printed++;
    int line, col;
    lq_sources_position(&p->sources, to->span.file, to->span.begin, &line, &col);
    char count[32], a[32], b[32];
    cli_thousands(n, count);
    const lq_source *f = &p->sources.files[to->span.file];
    int len = (int)(to->span.end - to->span.begin);
    len = len > 80 ? 80 : len;
    const char *they = n == 1 ? "it" : "they", *them = n == 1 ? "it" : "them";
    fprintf(stderr, "%s:%d:%d: warning: route \"%s\" matched %s lead%s with no owner (%.*s ", f->path, line, col,
            p->routes[i].name, count, n == 1 ? "" : "s", len, f->text + to->span.begin);
    if (!m.not_text) fputs("was missing", stderr);
    else if (!m.missing) fputs("was not text or a number", stderr);
    else fprintf(stderr, "was missing in %s of them, and not text or a number in %s", cli_thousands(m.missing, a),
                 cli_thousands(m.not_text, b));
    if (!m.unrouted) fprintf(stderr, "); %s went on to a later route\n", they);
    else if (i == p->nroutes - 1) fprintf(stderr, "); it is the last route, so %s got no route\n", they);
    else if (!m.went_on) fprintf(stderr, "); no later route took %s, so %s got no route\n", them, they);
    else fprintf(stderr, "); %s went on to a later route, %s got no route\n", cli_thousands(m.went_on, a),
                 cli_thousands(m.unrouted, b));
  }
  return printed;
}

int cli_bad_option(const char *cmd, int c, char **argv) {
  const char *opt = argv[optind - 1];
  if (c == ':') return cli_usage_error(cmd, "option '%s' needs a value", opt);
  return cli_usage_error(cmd, "unknown option '%s'", opt);
}

bool cli_parse_now(const char *text, double *now) {
  if (!text) {
    *now = (double)time(NULL);
    return true;
  }
  return lq_time_parse(text, strlen(text), now);
}

const char *cli_thousands(unsigned long long n, char *buf) { return lq_out_count(buf, n); }

lq_program *cli_load(const char *path, bool print_warnings, int *status) {
  return cli_load_opts(path, &(lq_compile_opts){0}, print_warnings, status);
}

lq_program *cli_load_opts(const char *path, const lq_compile_opts *o, bool print_warnings, int *status) {
  leadq_program *prog;
  leadq_diagnostics *diags;
  leadq_status st = lq_api_compile(path, o, &prog, &diags);
  size_t errors = leadq_diagnostics_errors(diags), len;
  const char *text = leadq_diagnostics_text(diags, cli_color(), &len);
  if (errors || print_warnings) fwrite(text, 1, len, stderr);
  if (errors) *status = st == LEADQ_ERR_IO ? EXIT_IO : EXIT_COMPILE;
  /* Name what is wrong: the rules, or an expression given on the command line. */
  bool extra_only = o->extra_name && errors;
  leadq_diagnostic g;
  for (size_t i = 0; extra_only && leadq_diagnostics_get(diags, i, &g); i++)
    extra_only = g.severity != LEADQ_SEVERITY_ERROR || (g.file && !strcmp(g.file, o->extra_name));
  if (errors && st != LEADQ_ERR_IO)
    fprintf(stderr, "%s: %zu error%s; nothing was evaluated\n", extra_only ? o->extra_name : path, errors,
            errors == 1 ? "" : "s");
  leadq_diagnostics_free(diags);
  return prog ? lq_api_take(prog) : NULL;
}

/* The command's status; what it wrote to stdout is checked by main after. */
static int dispatch(int argc, char **argv) {
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
  const struct command *c = find_command(cmd);
  if (c) return c->run(argc - 1, argv + 1);
  fprintf(stderr, "leadq: '%s' is not a command. Run 'leadq --help' for the list.\n", cmd);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  /* Before anything is opened: a file must never take a closed stdout's number. */
  if (!cli_std_open()) return EXIT_IO;
  int status = dispatch(argc, argv);
  const struct command *c = argc >= 2 ? find_command(argv[1]) : NULL;
  return cli_finish(c ? c->name : NULL, status);
}
