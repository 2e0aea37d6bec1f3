/* explain.c: `leadq explain RULES [FILE]`: every rule, its outcome and why, per lead. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../compile.h"
#include "../explain.h"
#include "../ndjson.h"
#include "cli.h"

const char cmd_explain_help[] =
    "usage: leadq explain [OPTIONS] RULES [FILE]\n"
    "\n"
    "For each lead (NDJSON from FILE or stdin), in words: the decision; every score rule\n"
    "in order with its outcome (fired, not fired, or 'no data' when a field it needs is\n"
    "missing), the values it looked at and its points; each group's total with its cap\n"
    "and decay; the rejects; the grade arms; the stages; the routes (the chosen one, why\n"
    "each earlier one did not match). Then 'why not': for each stage the lead did not\n"
    "reach, the conditions that failed and, for a threshold, by how much:\n"
    "  MQL needs fit + engagement >= 50; it has 38: 12 points short\n"
    "\n"
    "options:\n"
    "  --lead ID           explain only the lead(s) with this id (repeatable); when no\n"
    "                      lead has it, a note on stderr says so\n"
    "  --id-field PATH     where the id is, as in the rules (default: id)\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z)\n"
    "  --format text|json  json: one object per lead, with the decision, groups, rules,\n"
    "                      rejects, grades, stages (with why_not) and routes\n"
    "\n"
    "Colour on a terminal; none when piped or when NO_COLOR is set.\n"
    "Exit codes as for run: 1 when some lines were not JSON objects.\n";

static bool wanted(lq_value id, uint64_t lineno, char **ids, int nids) {
  if (!nids) return true;
  char buf[32];
  const char *text = buf;
  size_t n;
  if (id.kind == LQ_V_STR) text = id.str, n = id.n;
  else if (id.kind == LQ_V_NUM) n = (size_t)lq_num_format(id.num, buf);
  else n = (size_t)snprintf(buf, sizeof buf, "%llu", (unsigned long long)lineno);
  for (int i = 0; i < nids; i++)
    if (strlen(ids[i]) == n && !memcmp(ids[i], text, n)) return true;
  return false;
}

typedef struct explain_input {
  lq_eval *E;
  lq_explain_opts eo;
  lq_buf out;
  const lq_seg *segs;
  uint32_t nsegs;
  char **ids;
  int nids;
  bool bad, write_failed;
  unsigned long long explained;
} explain_input;

static int explain_stream(void *ctx, FILE *fp, const char *name) {
  explain_input *X = ctx;
  lq_reader rd;
  lq_reader_init(&rd, fp);
  char *line, why[160];
  size_t len;
  while (lq_reader_next(&rd, &line, &len)) {
    if (lq_line_blank(line, len)) continue;
    lq_eval_reset(X->E);
    cJSON *lead = lq_json_parse_lead(lq_eval_scratch(X->E), line, len, why, sizeof why);
    if (!lead) {
      fprintf(stderr, "%s:%llu: error: %s\n", name, (unsigned long long)rd.lineno, why);
      X->bad = true;
      continue;
    }
    lq_value id = cli_lead_id(X->E, lead, X->segs, X->nsegs);
    if (!wanted(id, rd.lineno, X->ids, X->nids)) continue;
    const lq_result *r = lq_eval_lead(X->E, lead);
    lq_explain(&X->out, X->E, r, id, rd.lineno, &X->eo);
    X->explained++;
    if (!lq_buf_flush(&X->out, stdout)) {
      X->write_failed = true;
      break;
    }
  }
  int err = rd.error;
  lq_reader_free(&rd);
  return err;
}

int cmd_explain(int argc, char **argv) {
  static const struct option opts[] = {
      {"lead", required_argument, NULL, 'l'},   {"id-field", required_argument, NULL, 'i'},
      {"now", required_argument, NULL, 'n'},    {"format", required_argument, NULL, 'f'},
      {0}};
  const char *now_text = NULL, *id_field = "id";
  bool json = false;
  char **ids = calloc((size_t)argc, sizeof *ids);
  int nids = 0, c, status = EXIT_OK;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (c) {
    case 'l': ids[nids++] = optarg; break;
    case 'i': id_field = optarg; break;
    case 'n': now_text = optarg; break;
    case 'f':
      if (!strcmp(optarg, "json")) json = true;
      else if (strcmp(optarg, "text")) status = cli_usage_error("explain", "--format is text or json, not '%s'", optarg);
      break;
    default: status = cli_bad_option("explain", c, argv); break;
    }
    if (status) break;
  }
  double now;
  if (!status && !cli_parse_now(now_text, &now))
    status = cli_usage_error("explain", "--now needs a date or date-time such as 2026-11-22, not '%s'", now_text);
  if (!status && (optind >= argc || argc - optind > 2))
    status = cli_usage_error("explain", "name a rules file and at most one lead file");
  int load_status = status;
  lq_program *p = status ? NULL : cli_load(argv[optind], false, &load_status);
  if (!p) {
    free(ids);
    return load_status;
  }
  lq_arena pa;
  lq_arena_init(&pa, 1024);
  lq_seg *segs;
  uint32_t nsegs;
  if (!lq_path_parse(&pa, id_field, &segs, &nsegs)) {
    status = cli_usage_error("explain", "--id-field '%s' is not a path such as crm.id or `Prospect ID`", id_field);
    goto out;
  }
  explain_input X = {.E = lq_eval_new(p, now), .eo = {json, !json && cli_color_out()}, .segs = segs,
                     .nsegs = nsegs, .ids = ids, .nids = nids};
  if (!cli_each_input("explain", argv + optind + 1, argc - optind - 1, explain_stream, &X)) status = EXIT_IO;
  else if (X.bad) status = EXIT_BAD_INPUT;
  if (X.write_failed || fflush(stdout) != 0) {
    fprintf(stderr, "leadq explain: cannot write the output: %s\n", strerror(errno));
    status = EXIT_IO;
  }
  if (nids && !X.explained)
    fprintf(stderr, "leadq explain: no lead has the id%s given with --lead (ids are read from '%s'; see --id-field)\n",
            nids == 1 ? "" : "s", id_field);
  lq_buf_free(&X.out);
  lq_eval_free(X.E);
out:
  lq_arena_free(&pa);
  lq_program_free(p);
  free(ids);
  return status;
}
