/* report.c: `leadq report RULES --outcome EXPR [FILE...]`: the closed loop,
 * how the rules' decisions match what really happened to historical leads. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report.h"
#include "cli.h"

const char cmd_report_help[] =
    "usage: leadq report [OPTIONS] RULES --outcome EXPR [FILE...]\n"
    "\n"
    "Reads historical leads (NDJSON or CSV as for run, from the FILEs in order, or\n"
    "stdin; '-' is stdin), decides each with RULES, and reports how the decisions\n"
    "match the outcome: EXPR is a condition in the rules language, true for a lead\n"
    "that converted:\n"
    "  --outcome 'won == true'    --outcome '`Converted` == 1'    --outcome 'deal is present'\n"
    "\n"
    "The report, per section:\n"
    "  stages      leads, outcomes and rate per stage each lead ended at; then each\n"
    "              stage as a predictor: reached (its condition held and the lead was\n"
    "              not rejected), precision and recall\n"
    "  routes, grades   leads, outcomes and rate per route and per grade label\n"
    "  owners      when routes go to people (route ... to): leads, outcomes and rate\n"
    "              per person, most leads first; (no owner) for leads that went to no\n"
    "              person (a route without to, or no route), (rejected) for rejected leads\n"
    "  rejects     how many leads each reject fired on converted anyway, with ids\n"
    "  score       the outcome rate per band of total score: deciles, or --bands\n"
    "  rules       per points rule and reject: how often it fired, the outcome rate\n"
    "              when it fired and when not, and the lift (their ratio). WRONG WAY:\n"
    "              positive points with lift < 1, or negative points or a reject with\n"
    "              lift > 1, when it fired on at least --min-count leads and did not\n"
    "              fire on at least as many. POSSIBLE LEAK: what the rule reads may\n"
    "              be recorded after the outcome: a field it reads is present on at\n"
    "              least --min-count leads, at least 95% of them with the outcome,\n"
    "              while at most half of all leads had the outcome; or all of the at\n"
    "              least --min-count leads it fired on had the outcome, or none did\n"
    "              (not for a reject: rejecting only leads that never convert is its\n"
    "              job)\n"
    "  teams       per team: leads its stages qualified, its routes took, its rejects\n"
    "              rejected, and how they turned out\n"
    "  dispositions  with --disposition: leads per rule that fired and disposition\n"
    "\n"
    "options:\n"
    "  --outcome EXPR       the outcome (required)\n"
    "  --disposition EXPR   e.g. sales' accept/reject reason: its value as text, a\n"
    "                       missing value as (none)\n"
    "  --bands EDGES        fixed score bands, e.g. 0,20,40,60 (a band includes its\n"
    "                       lower edge); default: deciles of the total score\n"
    "  --min-count N        leads needed to flag a rule WRONG WAY (on each side) or\n"
    "                       POSSIBLE LEAK (default 30)\n"
    "  --format FORMAT      text: aligned tables (default); markdown: the same tables\n"
    "                       for a wiki page or a pull request; csv: the tables as one\n"
    "                       CSV for a spreadsheet (a section column first, rates as\n"
    "                       fractions); json: one object\n"
    "  --html FILE          also write one self-contained HTML page (inline CSS and SVG\n"
    "                       charts: stage funnel, conversion by score band, rule lift)\n"
    "  --now TIME           fix the clock (2026-11-22 or 2026-11-22T10:00:00Z)\n"
    "  -q, --quiet          no warnings about the data at the end\n"
    CLI_INPUT_HELP
    "\n"
    "An error in EXPR is reported like one in the rules, as --outcome:1:COL (the\n"
    "expression is compiled as `define __outcome__ = EXPR`), exit 3. A bad record\n"
    "is reported as FILE:LINE: error: ..., left out of the report, and\n"
    "the exit code is 1. No leads: a report that says so, exit 0.\n"
    "The definitions: report.md, installed in share/doc/leadq/ (docs/ in the source).\n";

typedef struct report_state {
  const lq_program *p;
  lq_eval *E;
  lq_report *R;
  cli_input *in;
  const lq_expr *outcome, *disposition;
} report_state;

static lq_arena *report_scratch(void *ctx) {
  report_state *S = ctx;
  lq_eval_reset(S->E);
  return lq_eval_scratch(S->E);
}

static bool report_lead(void *ctx, const char *name, const lq_record *rec, const cJSON *lead) {
  (void)name;
  report_state *S = ctx;
  const lq_result *r = lq_eval_lead(S->E, lead);
  bool outcome = lq_truthy(lq_eval_expr(S->E, S->outcome, LQ_NOVALUE));
  lq_value disposition = S->disposition ? lq_eval_expr(S->E, S->disposition, LQ_NOVALUE) : LQ_NOVALUE;
  lq_id id = cli_input_id(S->in, S->E, lead, rec->line);
  lq_report_add(S->R, r, outcome, disposition, &id);
  lq_report_add_fields(S->R, S->E, outcome);
  return true;
}

/* "0,20,40,60": ascending numbers; false when it is not. */
static bool parse_bands(const char *text, double *edges, int max, int *n) {
  *n = 0;
  const char *s = text;
  for (;;) {
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || errno || !isfinite(x) || *n == max || (*n && x <= edges[*n - 1])) return false;
    edges[(*n)++] = x;
    while (*end == ' ') end++;
    if (!*end) return true;
    if (*end != ',') return false;
    s = end + 1;
  }
}

static char *concat(const char *a, const char *b, const char *c, const char *d) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
  char *s = malloc(n);
  if (!s) abort();
  snprintf(s, n, "%s%s%s%s", a, b, c, d);
  return s;
}

/* RULES, then `define NAME = EXPR`, its errors named after the option. */
static lq_program *load_with(const char *path, const char *option, const char *text, int *status) {
  return cli_load_opts(path, &(lq_compile_opts){.extra_name = option, .extra_text = text}, false, status);
}

/* Compiles RULES with the outcome (and the disposition) as defines after it.
 * Each expression is checked on its own first, so that its errors are named
 * after its option and sit on line 1 (a newline is white space, so a broken
 * expression could otherwise swallow the next one); then both together. */
static lq_program *load(const char *path, const char *outcome, const char *disposition, int *status) {
  char *o = concat("define __outcome__ = ", outcome, "", ""), *both = NULL;
  lq_program *p = load_with(path, "--outcome", o, status);
  if (p && disposition) {
    lq_program_free(p);
    char *d = concat("define __disposition__ = ", disposition, "", "");
    p = load_with(path, "--disposition", d, status);
    free(d);
    if (p) {
      lq_program_free(p);
      both = concat("define __outcome__ = ", outcome, "\ndefine __disposition__ = ", disposition);
      p = load_with(path, "--outcome", both, status);
    }
  }
  free(o);
  free(both);
  return p;
}

int cmd_report(int argc, char **argv) {
  enum { O_OUTCOME = 1000, O_DISPOSITION, O_BANDS, O_MIN, O_FORMAT, O_HTML, O_NOW };
  static const struct option opts[] = {
      {"outcome", required_argument, NULL, O_OUTCOME}, {"disposition", required_argument, NULL, O_DISPOSITION},
      {"bands", required_argument, NULL, O_BANDS},     {"min-count", required_argument, NULL, O_MIN},
      {"format", required_argument, NULL, O_FORMAT},   {"html", required_argument, NULL, O_HTML},
      {"now", required_argument, NULL, O_NOW}, {"quiet", no_argument, NULL, 'q'},         CLI_INPUT_OPTIONS,
      {0}};
  const char *outcome = NULL, *disposition = NULL, *html = NULL, *now_text = NULL;
  cli_input in;
  cli_input_init(&in, "report");
  double edges[32];
  int nedges = 0, min_count = LQ_REPORT_MIN_COUNT, c;
  enum { F_TEXT, F_JSON, F_MARKDOWN, F_CSV } format = F_TEXT;
  optind = 1;
  opterr = 0;
  bool quiet = false;
  while ((c = getopt_long(argc, argv, ":q", opts, NULL)) != -1) {
    char *end;
    switch (c) {
    case O_OUTCOME: outcome = optarg; break;
    case O_DISPOSITION: disposition = optarg; break;
    case O_BANDS:
      if (!parse_bands(optarg, edges, 32, &nedges))
        return cli_usage_error("report", "--bands '%s' is not a list of ascending numbers such as 0,20,40,60",
                               optarg);
      break;
    case O_MIN: {
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 1 || n > 1000000000)
        return cli_usage_error("report", "--min-count needs a whole number of leads of at least 1, not '%s'", optarg);
      min_count = (int)n;
      break;
    }
    case O_FORMAT:
      if (!strcmp(optarg, "json")) format = F_JSON;
      else if (!strcmp(optarg, "text")) format = F_TEXT;
      else if (!strcmp(optarg, "markdown")) format = F_MARKDOWN;
      else if (!strcmp(optarg, "csv")) format = F_CSV;
      else return cli_usage_error("report", "--format is text, markdown, csv or json, not '%s'", optarg);
      break;
    case O_HTML: html = optarg; break;
    case O_NOW: now_text = optarg; break;
    case 'q': quiet = true; break;
    default: {
      int st = cli_input_option(&in, c, optarg);
      if (st) return st < 0 ? cli_bad_option("report", c, argv) : st;
    }
    }
  }
  if (optind >= argc) return cli_usage_error("report", "name a rules file");
  if (!outcome)
    return cli_usage_error("report", "say what a good outcome is, e.g. --outcome 'won == true'");
  double now;
  if (!cli_parse_now(now_text, &now))
    return cli_usage_error("report", "--now '%s' is not a date or time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                           now_text);
  report_state S = {.in = &in};
  int status = EXIT_OK;
  lq_program *p = load(argv[optind], outcome, disposition, &status);
  if (p) {
    cli_input_reads_program(&in, p);
    cli_input_reads_leads(&in, argv + optind + 1, argc - optind - 1);
  }
  if (p && ((status = cli_input_refuse_output(&in, "--html", html)) != EXIT_OK ||
            (status = cli_input_ready(&in)) != EXIT_OK)) {
    lq_program_free(p);
    p = NULL;
  }
  if (!p) {
    cli_input_finish(&in);
    return status;
  }
  S.p = p;
  S.outcome = lq_find_define(p, "__outcome__");
  S.disposition = disposition ? lq_find_define(p, "__disposition__") : NULL;
  S.E = lq_eval_new(p, now);
  lq_report_opts ro = {.rules_path = argv[optind], .outcome = outcome, .disposition = disposition,
                       .edges = nedges ? edges : NULL, .nedges = nedges, .min_count = min_count};
  S.R = lq_report_new(p, &ro);

  cli_input_watch(&in, p);
  in.select = p;   /* the outcome's and disposition's fields are the program's too */
  bool io_error = !cli_each_lead(&in, argv + optind + 1, argc - optind - 1,
                                 &(cli_lead_hooks){report_scratch, report_lead}, &S);
  lq_report_bad_lines(S.R, in.bad);
  if (!quiet && !cli_stop) {
    cli_print_surprises(p, S.E);
    cli_print_field_warnings(&in, p, in.fields);
  }
  if (!cli_input_finish(&in)) io_error = true;

  lq_buf out = {0};
  /* Stopped by a signal: no report of leads only partly read. */
  if (!cli_stop) {
    switch (format) {
    case F_JSON: lq_report_json(&out, S.R); break;
    case F_MARKDOWN: lq_report_markdown(&out, S.R); break;
    case F_CSV: lq_report_csv(&out, S.R); break;
    default: lq_report_text(&out, S.R, cli_color_out());
    }
  }
  lq_buf_flush(&out, stdout);   /* a write error is told at exit (cli_finish) */
  if (html && !cli_stop) {
    lq_report_html(&out, S.R);
    cli_out page;
    if (cli_out_open(&page, html)) lq_buf_flush(&out, page.fp);
    else page.fp = NULL;
    if (!(page.fp && cli_out_close(&page))) {
      fprintf(stderr, "leadq report: cannot write '%s': %s\n", html, strerror(errno));
      io_error = true;
    }
  }
  status = io_error ? EXIT_IO : in.bad || in.bad_inputs ? EXIT_BAD_INPUT : EXIT_OK;
  lq_buf_free(&out);
  lq_report_free(S.R);
  lq_eval_free(S.E);
  lq_program_free(p);
  return status;
}
