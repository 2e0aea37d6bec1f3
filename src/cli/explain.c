/* explain.c: `leadq explain RULES [FILE]`: every rule, its outcome and why, per lead. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../compile.h"
#include "../explain.h"
#include "cli.h"

const char cmd_explain_help[] =
    "usage: leadq explain [OPTIONS] RULES [FILE]\n"
    "\n"
    "For each lead (NDJSON or CSV from FILE or stdin, as for run), in words: the decision; every score rule\n"
    "in order with its outcome (fired, not fired, or 'no data' when a field it needs is\n"
    "missing), the values it looked at and its points; each group's total with its cap\n"
    "and decay; the rejects; the grade arms; the stages; the routes (the chosen one, why\n"
    "each earlier one did not match). Then 'why not': for each stage the lead did not\n"
    "reach, the conditions that failed and, for a threshold, by how much:\n"
    "  MQL needs fit + engagement >= 50; it has 38: 12 points short\n"
    "\n"
    "When routes go to people (route ... to), the decision line names the owner, and\n"
    "each route that was tried shows who its 'to' gave, each table lookup with its\n"
    "keys and the row found, and each pick with its candidates and weights:\n"
    "    \"named-account\" by sales        no owner     account = row at tables/accounts.csv:4\n"
    "      to account.owner = missing: no owner, so the lead went on to the next route\n"
    "      accounts[\"initech.com\"] -> row at tables/accounts.csv:4\n"
    "A pick is by stable hashing of its key: the same lead always gets the same person.\n"
    "\n"
    "options:\n"
    "  --lead ID           explain only the lead(s) with this id (repeatable); when no\n"
    "                      lead has it, a note on stderr says so\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z)\n"
    "  --format text|json  json: one object per lead, with the decision, groups, rules,\n"
    "                      rejects, grades, stages (with why_not) and routes (with to,\n"
    "                      lookups and picks)\n"
    CLI_INPUT_HELP    "\n"
    "Colour on a terminal; none when piped or when NO_COLOR is set.\n"
    "Exit codes as for run: 1 when some records were bad.\n";

static bool wanted(const lq_id *id, char **ids, int nids) {
  if (!nids) return true;
  for (int i = 0; i < nids; i++)
    if (lq_id_is(id, ids[i])) return true;
  return false;
}

typedef struct explain_input {
  lq_eval *E;
  cli_input *in;
  lq_explain_opts eo;
  lq_buf out;
  char **ids;
  int nids;
  unsigned long long explained;
} explain_input;

static lq_arena *explain_scratch(void *ctx) {
  explain_input *X = ctx;
  lq_eval_reset(X->E);
  return lq_eval_scratch(X->E);
}

static bool explain_lead(void *ctx, const char *name, const lq_record *r, const cJSON *lead) {
  (void)name;
  explain_input *X = ctx;
  lq_id id = cli_input_id(X->in, X->E, lead, r->line);
  if (!wanted(&id, X->ids, X->nids)) return true;
  const lq_result *res = lq_eval_lead(X->E, lead);
  lq_explain(&X->out, X->E, res, &id, &X->eo);
  X->explained++;
  lq_buf_flush(&X->out, stdout);   /* a write error stops the reading (cli_input_stopping) */
  return true;
}

int cmd_explain(int argc, char **argv) {
  static const struct option opts[] = {
      {"lead", required_argument, NULL, 'l'},   {"now", required_argument, NULL, 'n'},
      {"format", required_argument, NULL, 'f'}, CLI_INPUT_OPTIONS, {0}};
  const char *now_text = NULL;
  cli_input in;
  cli_input_init(&in, "explain");
  bool json = false;
  char **ids = calloc((size_t)argc, sizeof *ids);
  int nids = 0, c, status = EXIT_OK;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (c) {
    case 'l': ids[nids++] = optarg; break;
    case 'n': now_text = optarg; break;
    case 'f':
      if (!strcmp(optarg, "json")) json = true;
      else if (strcmp(optarg, "text")) status = cli_usage_error("explain", "--format is text or json, not '%s'", optarg);
      break;
    default:
      status = cli_input_option(&in, c, optarg);
      if (status < 0) status = cli_bad_option("explain", c, argv);
      break;
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
  if (p) {
    cli_input_reads_program(&in, p);
    cli_input_reads_leads(&in, argv + optind + 1, argc - optind - 1);
  }
  if (p && (status = cli_input_ready(&in)) != EXIT_OK) {
    lq_program_free(p);
    p = NULL;
    load_status = status;
  }
  if (!p) {
    cli_input_finish(&in);
    free(ids);
    return load_status;
  }
  explain_input X = {.E = lq_eval_new(p, now), .in = &in, .eo = {json, !json && cli_color_out()}, .ids = ids,
                     .nids = nids};
  if (!cli_each_lead(&in, argv + optind + 1, argc - optind - 1,
                     &(cli_lead_hooks){explain_scratch, explain_lead}, &X))
    status = EXIT_IO;
  if (!cli_input_finish(&in)) status = EXIT_IO;
  else if (!status && (in.bad || in.bad_inputs)) status = EXIT_BAD_INPUT;
  if (nids && !X.explained && !cli_stop)
    fprintf(stderr, "leadq explain: no lead has the id%s given with --lead (ids are read from '%s'; see --id-field)\n",
            nids == 1 ? "" : "s", in.id_field);
  cli_print_id_warning(&in);
  lq_buf_free(&X.out);
  lq_eval_free(X.E);
  lq_program_free(p);
  free(ids);
  return status;
}
