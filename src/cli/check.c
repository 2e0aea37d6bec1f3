/* check.c: `leadq check RULES...`: compile only, report everything found. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../json.h"
#include "../jsonw.h"
#include "cli.h"

const char cmd_check_help[] =
    "usage: leadq check [--strict] [--format text|json] [--dump-ast] [--sample FILE] RULES...\n"
    "\n"
    "Compiles each rules file and reports every error and warning found, as\n"
    "FILE:LINE:COL: error: message, with the line, a caret and a note saying\n"
    "what to do; then a summary line per file (FILE: N errors, M warnings).\n"
    "\n"
    "Errors: anything that keeps the rules from compiling, and test blocks that\n"
    "expect a stage, route, grade, grade label, score group, reject reason or\n"
    "reason that is not declared, or an expectation of an unknown form.\n"
    "\n"
    "Warnings (the rules still run):\n"
    "  - a rule that can never fire: tests that contradict each other\n"
    "    (x > 10 and x < 5, x == \"a\" and x == \"b\"), between 10 and 5, a score\n"
    "    group, count() or other number compared with text, a grade compared\n"
    "    with a label it does not have, a number used alone as a condition, a\n"
    "    field compared with \"\" (empty text in a lead is missing: use 'is missing').\n"
    "    Only what holds for every lead is reported: a lead field's type is not\n"
    "    known, so comparing a field with text or a number never warns.\n"
    "  - a route, or a grade label, after 'otherwise'\n"
    "  - a define, list or table that no rule uses, directly or through used defines\n"
    "  - a route whose 'to' can never name a person: empty text (\"\"), a table or\n"
    "    its rows, a whole row (the column forgotten), anything never text or a\n"
    "    number; 'to' on 'otherwise' whose owner can be missing\n"
    "  - a pick weight that is never a number, a weight read from a list of text,\n"
    "    or a table's weight cell that is not a number (the text \"2\", \"1,5\"):\n"
    "    that row is never picked\n"
    "  - a team that owns no rule\n"
    "  - the same label twice in a score group\n"
    "  - a field written `name` or lead.name where a declaration has that name\n"
    "  - a stage after the first whose condition names no earlier stage\n"
    "    (directly or through a define): a lead could skip a step\n"
    "Unused defines, lists and teams are reported only for the file named, only\n"
    "when the rules have a rule (shared vocabulary, included or checked alone,\n"
    "does not warn), and only when every name resolves (a typo may be the use).\n"
    "'leadq run' shows warnings only alongside errors that stop it.\n"
    "\n"
    "options:\n"
    "  --strict       warnings fail the check too (exit 1)\n"
    "  --format json  one JSON object per diagnostic on stdout (NDJSON), for CI:\n"
    "                 {\"file\",\"line\",\"column\",\"end_line\",\"end_column\",\n"
    "                  \"severity\":\"error\"|\"warning\",\"message\",\"suggestion\"}\n"
    "                 lines and columns count from 1; end_column is the column just\n"
    "                 after the span; suggestion is the note, or null. A file that\n"
    "                 cannot be read has null positions. Nothing else is written\n"
    "                 to stdout; the summary lines stay on stderr.\n"
    "  --format text  the default: diagnostics on stderr\n"
    "  --dump-ast     print the syntax tree, one declaration per line (not with json)\n"
    "  --sample FILE  also run the rules on the leads in FILE (a CRM export, NDJSON or\n"
    "                 CSV as for run; repeatable) without writing decisions, and\n"
    "                 report what the data would make go wrong: bad records, fields\n"
    "                 the rules read that no lead had (with the column the leads have\n"
    "                 instead), values of the wrong type (a number compared with\n"
    "                 text), an --id-field no lead had; each finding is a warning;\n"
    "                 a bad record is reported as in run, and exits 1\n"
    "  the input options of run for the sample:\n"
    CLI_INPUT_HELP
    "\n"
    "exit: 0 clean (warnings allowed), 1 warnings with --strict, 2 usage error,\n"
    "3 some file does not compile (errors win over warnings), 4 a file cannot be read.\n";

/* A line or column (from 1) of an offset in a file; null for a file that was not read. */
static void json_position(lq_jw *w, const char *key, const lq_sources *src, uint32_t file, uint32_t off,
                          bool col) {
  lq_jw_key(w, key);
  if (file >= src->n) {
    lq_jw_null(w);
    return;
  }
  int line, column;
  lq_sources_position(src, file, off, &line, &column);
  lq_jw_num(w, col ? column : line);
}

/* One NDJSON line per diagnostic: file, line, column, end_line, end_column,
 * severity, message, suggestion. */
static void print_json(const lq_diags *d, const lq_sources *src, const char *path, FILE *out) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  for (size_t i = 0; i < d->n; i++) {
    const lq_diag *g = &d->items[i];
    const char *file = g->span.file < src->n ? src->files[g->span.file].path : path;
    uint32_t end = g->span.end > g->span.begin ? g->span.end : g->span.begin;
    lq_jw_object(&w);
    lq_jw_key(&w, "file");
    lq_jw_str(&w, file);
    json_position(&w, "line", src, g->span.file, g->span.begin, false);
    json_position(&w, "column", src, g->span.file, g->span.begin, true);
    json_position(&w, "end_line", src, g->span.file, end, false);
    json_position(&w, "end_column", src, g->span.file, end, true);
    lq_jw_key(&w, "severity");
    lq_jw_str(&w, g->severity == LQ_ERROR ? "error" : "warning");
    lq_jw_key(&w, "message");
    lq_jw_str(&w, g->message);
    lq_jw_key(&w, "suggestion");
    lq_jw_str(&w, g->note);   /* NULL: null */
    lq_jw_end_object(&w);
    lq_buf_putc(&b, '\n');
  }
  lq_buf_flush(&b, out);
  lq_buf_free(&b);
}

/* The rules run on a sample: the findings about the data, counted as warnings. */
typedef struct sample_state { lq_eval *E; cli_input *in; } sample_state;

static lq_arena *sample_scratch(void *ctx) {
  sample_state *S = ctx;
  lq_eval_reset(S->E);
  return lq_eval_scratch(S->E);
}

static bool sample_lead(void *ctx, const char *name, const lq_record *r, const cJSON *lead) {
  (void)name;
  sample_state *S = ctx;
  cli_input_id(S->in, S->E, lead, r->line);   /* read for the warning about ids that are not text or a number */
  lq_eval_lead(S->E, lead);
  return true;
}

static size_t check_sample(const lq_program *p, cli_input *in, char **samples, int n, int *status,
                           unsigned long long *bad_records) {
  sample_state S = {lq_eval_new(p, (double)time(NULL)), in};
  cli_input_watch(in, p);
  in->select = p;
  unsigned long long bad = in->bad, bad_inputs = in->bad_inputs, ignored = in->ignored_cells, odd = in->odd_ids;
  if (!cli_each_lead(in, samples, n, &(cli_lead_hooks){sample_scratch, sample_lead}, &S)) *status = EXIT_IO;
  size_t found = (size_t)cli_print_surprises(p, S.E) + (size_t)cli_print_field_warnings(in, p, in->fields);
  /* A bad record is bad input, as in every command that reads leads: exit 1. */
  if ((in->bad > bad || in->bad_inputs > bad_inputs) && *status == EXIT_OK) *status = EXIT_BAD_INPUT;
  in->quiet_bad = true;   /* the next rules file reads the same sample: its bad records are said once */
  *bad_records = in->bad - bad + in->bad_inputs - bad_inputs;
  in->ignored_cells = ignored;
  in->odd_ids = odd;
  lq_fields_free(in->fields);
  in->fields = NULL;
  lq_eval_free(S.E);
  return found;
}

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"dump-ast", no_argument, NULL, 'a'},
                                       {"strict", no_argument, NULL, 's'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"sample", required_argument, NULL, 'S'},
                                       CLI_INPUT_OPTIONS,
                                       {0}};
  bool dump_ast = false, strict = false, json = false;
  int c, nsamples = 0;
  char **samples = calloc((size_t)argc, sizeof *samples);
  cli_input in;
  cli_input_init(&in, "check");
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    int st = cli_input_option(&in, c, optarg);   /* -1: not an input option */
    if (st > 0) {
      free(samples);
      lq_arena_free(&in.arena);
      return st;
    }
    if (st == EXIT_OK) continue;
    if (c == 'S') samples[nsamples++] = optarg;
    else if (c == 'a') dump_ast = true;
    else if (c == 's') strict = true;
    else if (c == 'f' && !strcmp(optarg, "json")) json = true;
    else if (c == 'f' && !strcmp(optarg, "text")) json = false;
    else {
      free(samples);
      lq_arena_free(&in.arena);
      if (c == 'f') return cli_usage_error("check", "--format is text or json, not '%s'", optarg);
      if (c == ':' && optopt == 'f') return cli_usage_error("check", "--format needs a value: text or json");
      return cli_bad_option("check", c, argv);
    }
  }
  int status = EXIT_OK;
  if (optind >= argc) status = cli_usage_error("check", "name at least one rules file");
  else if (json && dump_ast)
    status = cli_usage_error("check", "--dump-ast and --format json both write to stdout; use one");
  else if (!nsamples && in.given)
    /* Said, not ignored: --errors with no sample would leave no file and no word. */
    status = cli_usage_error("check", "%s is about the leads check reads, and it reads leads only with --sample FILE: "
                                      "give a sample, or leave %s out", in.given, in.given);
  else if (nsamples) {
    cli_input_reads_leads(&in, samples, nsamples);
    for (int i = optind; i < argc && in.errors_path; i++) cli_input_reads_rules(&in, argv[i]);   /* includes, tables */
    status = cli_input_ready(&in);
  }
  if (status) {
    free(samples);
    cli_input_finish(&in);
    return status;
  }
  for (int i = optind; i < argc && !cli_stop; i++) {
    lq_diags d;
    lq_diags_init(&d);
    lq_program *p = lq_compile_file(argv[i], &d);
    if (d.n > 1) lq_diags_sort(&d);   /* qsort(NULL, 0) is undefined */
    if (json) {
      print_json(&d, &p->sources, argv[i], stdout);   /* a write error is told at exit (cli_finish) */
      if (d.errors > d.max_errors)
        fprintf(stderr, "leadq: %zu more errors not shown\n", d.errors - d.max_errors);
    } else {
      lq_diags_print(&d, &p->sources, stderr, cli_color());
    }
    if (dump_ast) lq_ast_dump(stdout, p->decls);
    /* The sample findings come after the rules' own, counted with them. */
    unsigned long long bad_records = 0;
    if (nsamples && p->sources.n && !d.errors)
      d.warnings += check_sample(p, &in, samples, nsamples, &status, &bad_records);
    if (p->sources.n == 0) status = EXIT_IO > status ? EXIT_IO : status;
    else if (d.errors) status = status == EXIT_IO ? status : EXIT_COMPILE;
    else if (strict && d.warnings && status == EXIT_OK) status = EXIT_BAD_INPUT;
    lq_buf sum = {0};
    lq_buf_printf(&sum, "%s: %zu error%s, %zu warning%s", argv[i], d.errors, d.errors == 1 ? "" : "s",
                  d.warnings, d.warnings == 1 ? "" : "s");
    char n[32];
    if (bad_records)
      lq_buf_printf(&sum, "; %s bad record%s in the sample", cli_thousands(bad_records, n), bad_records == 1 ? "" : "s");
    lq_buf_putc(&sum, '\n');
    cli_say(&sum);
    lq_diags_free(&d);
    lq_program_free(p);
  }
  if (!cli_input_finish(&in)) status = EXIT_IO;
  free(samples);
  return status;
}
