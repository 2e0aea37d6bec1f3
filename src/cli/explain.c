/* explain.c: `leadq explain RULES [FILE]`: every rule, its outcome and why, per lead. */
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
    "  --lead ID           explain only the lead(s) with this id (repeatable)\n"
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
  const char *name = argc - optind == 2 ? argv[optind + 1] : "-";
  FILE *fp = strcmp(name, "-") ? fopen(name, "rb") : stdin;
  if (!fp) {
    perror(name);
    status = EXIT_IO;
    goto out;
  }
  lq_eval *E = lq_eval_new(p, now);
  lq_explain_opts eo = {json, !json && cli_color_out()};
  lq_buf out = {0};
  lq_reader rd;
  lq_reader_init(&rd, fp);
  char *line, why[160];
  size_t len;
  while (lq_reader_next(&rd, &line, &len)) {
    if (lq_line_blank(line, len)) continue;
    lq_eval_reset(E);
    cJSON *lead = lq_json_parse_lead(lq_eval_scratch(E), line, len, why, sizeof why);
    if (!lead) {
      fprintf(stderr, "%s:%llu: error: %s\n", name, (unsigned long long)rd.lineno, why);
      status = EXIT_BAD_INPUT;
      continue;
    }
    lq_value id = cli_lead_id(E, lead, line, len, segs, nsegs);
    if (!wanted(id, rd.lineno, ids, nids)) continue;
    const lq_result *r = lq_eval_lead(E, lead);
    lq_explain(&out, E, r, id, rd.lineno, &eo);
    if (!lq_buf_flush(&out, stdout)) break;
  }
  if (lq_reader_error(&rd)) {
    perror(name);
    status = EXIT_IO;
  }
  if (fflush(stdout) != 0) status = EXIT_IO;
  lq_reader_free(&rd);
  if (fp != stdin) fclose(fp);
  lq_buf_free(&out);
  lq_eval_free(E);
out:
  lq_arena_free(&pa);
  lq_program_free(p);
  free(ids);
  return status;
}
