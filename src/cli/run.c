/* run.c: `leadq run RULES [FILE...]`: the filter between a lead source and a CRM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../eval.h"
#include "../ndjson.h"
#include "../output.h"
#include "cli.h"

typedef struct run_opts {
  const char *now_text;
  const char *id_field;
  const char *annotate;      /* key, or NULL */
  const char *stage, *route;
  bool rejected_only;
  const char *errors_path;
  bool stats;
} run_opts;

typedef struct run_state {
  const lq_program *p;
  const run_opts *o;
  lq_eval *E;
  lq_seg *id_segs;
  uint32_t id_nsegs;
  int stage_filter, route_filter;
  lq_buf out;
  FILE *errors;
  unsigned long long leads, decisions, bad, printed;
  unsigned long long *stage_count, *route_count, *reject_count;
  unsigned long long no_stage, no_route;
} run_state;

static int find_name(const lq_cond_decl *d, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(d[i].name, name)) return i;
  return -1;
}

static bool keep(const run_state *S, const lq_result *r) {
  if (S->o->stage && r->stage != S->stage_filter) return false;
  if (S->o->route && r->route != S->route_filter) return false;
  if (S->o->rejected_only && r->rejected < 0) return false;
  return true;
}

static void bad_line(run_state *S, const char *name, uint64_t lineno, const char *line, size_t len,
                     const char *why) {
  S->bad++;
  fprintf(stderr, "%s:%llu: error: %s\n", name, (unsigned long long)lineno, why);
  if (S->errors) {
    fwrite(line, 1, len, S->errors);
    fputc('\n', S->errors);
  }
}

static void one_lead(run_state *S, const char *name, uint64_t lineno, char *line, size_t len) {
  char why[160];
  lq_eval_reset(S->E);
  cJSON *lead = lq_json_parse_lead(lq_eval_scratch(S->E), line, len, why, sizeof why);
  S->leads++;
  if (!lead) {
    bad_line(S, name, lineno, line, len, why);
    return;
  }
  const lq_result *r = lq_eval_lead(S->E, lead);
  S->decisions++;
  if (S->o->stats) {
    if (r->stage >= 0) S->stage_count[r->stage]++; else S->no_stage++;
    if (r->route >= 0) S->route_count[r->route]++; else S->no_route++;
    if (r->rejected >= 0) S->reject_count[r->rejected]++;
  }
  if (!keep(S, r)) return;
  S->printed++;
  lq_value id = cli_lead_id(S->E, lead, line, len, S->id_segs, S->id_nsegs);
  bool filtering = S->o->stage || S->o->route || S->o->rejected_only;
  if (S->o->annotate) lq_out_annotated(&S->out, line, len, S->o->annotate, S->p, r, id, lineno);
  else if (filtering) lq_buf_put(&S->out, line, len);
  else lq_out_decision(&S->out, S->p, r, id, lineno);
  lq_buf_putc(&S->out, '\n');
  if (S->out.len > (1 << 20)) lq_buf_flush(&S->out, stdout);
}

/* Returns false on a read error. */
static bool run_stream(run_state *S, FILE *fp, const char *name) {
  lq_reader rd;
  lq_reader_init(&rd, fp);
  char *line;
  size_t len;
  while (lq_reader_next(&rd, &line, &len)) {
    if (lq_line_blank(line, len)) continue;
    one_lead(S, name, rd.lineno, line, len);
  }
  bool ok = !lq_reader_error(&rd);
  lq_reader_free(&rd);
  return ok;
}

static void pct_line(const char *label, int width, unsigned long long n, unsigned long long total) {
  char buf[32];
  fprintf(stderr, "  %-*s %12s  %5.1f%%\n", width, label, cli_thousands(n, buf),
          total ? 100.0 * (double)n / (double)total : 0.0);
}

static int widest(const lq_cond_decl *d, int n, int w) {
  for (int i = 0; i < n; i++)
    if ((int)strlen(d[i].name) > w) w = (int)strlen(d[i].name);
  return w;
}

static void print_stats(const run_state *S) {
  const lq_program *p = S->p;
  char a[32], b[32], c[32];
  fprintf(stderr, "leadq: %s lead%s, %s decision%s, %s bad line%s\n", cli_thousands(S->leads, a),
          S->leads == 1 ? "" : "s", cli_thousands(S->decisions, b), S->decisions == 1 ? "" : "s",
          cli_thousands(S->bad, c), S->bad == 1 ? "" : "s");
  int w = widest(p->stages, p->nstages, widest(p->routes, p->nroutes, widest(p->rejects, p->nrejects, 6)));
  fprintf(stderr, "stage\n");
  for (int i = 0; i < p->nstages; i++) pct_line(p->stages[i].name, w, S->stage_count[i], S->decisions);
  pct_line("(none)", w, S->no_stage, S->decisions);
  fprintf(stderr, "route\n");
  for (int i = 0; i < p->nroutes; i++) pct_line(p->routes[i].name, w, S->route_count[i], S->decisions);
  pct_line("(none)", w, S->no_route, S->decisions);
  fprintf(stderr, "rejected\n");
  for (int i = 0; i < p->nrejects; i++) pct_line(p->rejects[i].name, w, S->reject_count[i], S->decisions);
}

/* "company.employees was text in 1,203 leads; comparisons with a number were false" */
static void print_surprises(const run_state *S) {
  const lq_program *p = S->p;
  for (int s = 0; s < p->nsites; s++) {
    const lq_site *site = &p->sites[s];
    for (int ka = 0; ka < LQ_V_KINDS; ka++) {
      for (int kb = 0; kb < LQ_V_KINDS; kb++) {
        unsigned long long n = lq_eval_surprises(S->E, s, ka, kb);
        if (!n) continue;
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
}

const char cmd_run_help[] =
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

int cmd_run(int argc, char **argv) {
  enum { O_NOW = 1000, O_ID, O_ANNOTATE, O_STAGE, O_ROUTE, O_REJECTED, O_ERRORS, O_STATS };
  static const struct option opts[] = {
      {"now", required_argument, NULL, O_NOW},         {"id-field", required_argument, NULL, O_ID},
      {"annotate", optional_argument, NULL, O_ANNOTATE}, {"stage", required_argument, NULL, O_STAGE},
      {"route", required_argument, NULL, O_ROUTE},     {"rejected", no_argument, NULL, O_REJECTED},
      {"errors", required_argument, NULL, O_ERRORS},   {"stats", no_argument, NULL, O_STATS},
      {0}};
  run_opts o = {.id_field = "id"};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (c) {
    case O_NOW: o.now_text = optarg; break;
    case O_ID: o.id_field = optarg; break;
    case O_ANNOTATE: o.annotate = optarg && *optarg ? optarg : "qualification"; break;
    case O_STAGE: o.stage = optarg; break;
    case O_ROUTE: o.route = optarg; break;
    case O_REJECTED: o.rejected_only = true; break;
    case O_ERRORS: o.errors_path = optarg; break;
    case O_STATS: o.stats = true; break;
    default:
      return cli_bad_option("run", c, argv);
    }
  }
  if (optind >= argc) return cli_usage_error("run", "name a rules file");
  double now;
  if (!cli_parse_now(o.now_text, &now))
    return cli_usage_error("run", "--now '%s' is not a date or time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                           o.now_text);

  int status;
  lq_program *p = cli_load(argv[optind], false, &status);
  if (!p) return status;

  run_state S = {.p = p, .o = &o, .stage_filter = -1, .route_filter = -1};
  status = EXIT_OK;
  lq_arena opts_arena;
  lq_arena_init(&opts_arena, 4096);
  if (!lq_path_parse(&opts_arena, o.id_field, &S.id_segs, &S.id_nsegs)) {
    status = cli_usage_error("run", "--id-field '%s' is not a field path; write e.g. id, crm.id or '`Prospect ID`'",
                             o.id_field);
    goto out;
  }
  if (o.stage && (S.stage_filter = find_name(p->stages, p->nstages, o.stage)) < 0) {
    status = cli_usage_error("run", "--stage %s: the rules declare no such stage", o.stage);
    goto out;
  }
  if (o.route && (S.route_filter = find_name(p->routes, p->nroutes, o.route)) < 0) {
    status = cli_usage_error("run", "--route %s: the rules declare no such route", o.route);
    goto out;
  }
  if (o.errors_path && !(S.errors = fopen(o.errors_path, "w"))) {
    fprintf(stderr, "leadq run: cannot write '%s': %s\n", o.errors_path, strerror(errno));
    status = EXIT_IO;
    goto out;
  }
  S.E = lq_eval_new(p, now);
  S.stage_count = calloc((size_t)p->nstages + 1, sizeof *S.stage_count);
  S.route_count = calloc((size_t)p->nroutes + 1, sizeof *S.route_count);
  S.reject_count = calloc((size_t)p->nrejects + 1, sizeof *S.reject_count);
  if (!S.stage_count || !S.route_count || !S.reject_count) abort();

  bool io_error = false;
  if (optind + 1 >= argc) {
    io_error |= !run_stream(&S, stdin, "<stdin>");
  } else {
    for (int i = optind + 1; i < argc; i++) {
      if (!strcmp(argv[i], "-")) {
        io_error |= !run_stream(&S, stdin, "<stdin>");
        continue;
      }
      FILE *fp = fopen(argv[i], "rb");
      if (!fp) {
        fprintf(stderr, "leadq run: cannot read '%s': %s\n", argv[i], strerror(errno));
        io_error = true;
        continue;
      }
      io_error |= !run_stream(&S, fp, argv[i]);
      fclose(fp);
    }
  }
  if (!lq_buf_flush(&S.out, stdout) || fflush(stdout) != 0) {
    fprintf(stderr, "leadq run: cannot write the output: %s\n", strerror(errno));
    io_error = true;
  }
  print_surprises(&S);
  if (o.stats) print_stats(&S);
  if (S.errors && fclose(S.errors) != 0) {
    fprintf(stderr, "leadq run: cannot write '%s': %s\n", o.errors_path, strerror(errno));
    io_error = true;
  }
  status = io_error ? EXIT_IO : S.bad ? EXIT_BAD_INPUT : EXIT_OK;
  free(S.stage_count);
  free(S.route_count);
  free(S.reject_count);
  lq_buf_free(&S.out);
  lq_eval_free(S.E);
out:
  lq_arena_free(&opts_arena);
  lq_program_free(p);
  return status;
}
