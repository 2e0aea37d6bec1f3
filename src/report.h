/* report.h: `leadq report`: how the rules' decisions match real outcomes.
 *
 * The CLI evaluates each historical lead, evaluates the --outcome expression
 * (and --disposition) against it, and hands the result to lq_report_add, which
 * only counts. The renderers (text, markdown, CSV, JSON, HTML) derive rates, lift, precision,
 * recall and score bands from the counters at the end. Decisions and
 * thresholds are documented in docs/report.md. Memory is fixed per rules file,
 * plus one counter per distinct total score and per distinct disposition (at
 * most LQ_REPORT_MAX_DISPOSITIONS). */
#ifndef LQ_REPORT_H
#define LQ_REPORT_H
#include <stdbool.h>
#include <stdint.h>
#include "eval.h"
#include "json.h"
#include "output.h"

#define LQ_REPORT_MIN_COUNT 30           /* default for the wrong-way and possible-leak flags */
#define LQ_REPORT_Z 1.96                 /* ... and a difference of rates significant at 95% */
#define LQ_REPORT_EXAMPLES 3             /* ids kept per reject of leads that converted anyway */
#define LQ_REPORT_MAX_DISPOSITIONS 200   /* distinct values kept; the rest count as "(other)" */
#define LQ_REPORT_MAX_OWNERS 10000       /* distinct owners kept; the rest count as "(other owners)" */
/* The possible-leak flag (docs/report.md): a rule fired on at least min_count
 * leads and all or none of them had the outcome, where chance would have put
 * at least LQ_REPORT_LEAK_EXPECTED leads on the other side; or it reads a
 * field present on at least min_count leads, at least LQ_REPORT_LEAK_SHARE of
 * them with the outcome, while at most LQ_REPORT_LEAK_BASE of all leads had it. */
#define LQ_REPORT_LEAK_EXPECTED 5.0
#define LQ_REPORT_LEAK_SHARE 0.95
#define LQ_REPORT_LEAK_BASE 0.5

typedef struct lq_report_opts {
  const char *rules_path;      /* shown in the header */
  const char *outcome;         /* the --outcome text */
  const char *disposition;     /* the --disposition text, or NULL */
  const double *edges;         /* fixed score band edges, ascending; NULL: deciles */
  int nedges;
  int min_count;               /* leads the flags need (docs/report.md); 0: default */
} lq_report_opts;

typedef struct lq_report lq_report;

/* Leads and how many of them had the outcome. */
typedef struct lq_tally { uint64_t leads, outcomes; } lq_tally;
/* outcomes / leads; NAN when there are no leads. */
double lq_tally_rate(lq_tally t);

lq_report *lq_report_new(const lq_program *p, const lq_report_opts *o);
void lq_report_free(lq_report *R);
/* Counts one lead: its decision, whether the outcome held, its disposition
 * (ignored without opts.disposition) and its id (copied as an example when a
 * rejected lead had the outcome; NULL is fine). */
void lq_report_add(lq_report *R, const lq_result *r, bool outcome, lq_value disposition, const lq_id *id);
/* Counts, for each lead field the points rules and rejects read, whether the
 * lead E evaluated last has it (as `is present` says): for the possible-leak
 * flag. Call after lq_report_add for the same lead. */
void lq_report_add_fields(lq_report *R, lq_eval *E, bool outcome);
/* Input lines that were not leads, mentioned in the header. */
void lq_report_bad_lines(lq_report *R, uint64_t n);

/* ---- what the counters say (the renderers and tests read these) ---- */

lq_tally lq_report_total(const lq_report *R);
/* Leads whose decision ended at stage s; s == -1: no stage (not rejected); s == -2: rejected. */
lq_tally lq_report_ended(const lq_report *R, int s);
/* Leads that reached stage s: its condition held and the lead was not rejected. */
lq_tally lq_report_reached(const lq_report *R, int s);
/* Precision (reached leads with the outcome / reached) and recall (reached
 * leads with the outcome / all leads with the outcome); NAN when undefined. */
double lq_report_precision(const lq_report *R, int s);
double lq_report_recall(const lq_report *R, int s);
/* Leads sent to route i; -1: no route (not rejected); -2: rejected. */
lq_tally lq_report_routed(const lq_report *R, int i);
/* Leads given arm a of grade g; a == -1: no arm matched. */
lq_tally lq_report_graded(const lq_report *R, int g, int a);
/* Leads reject i fired on (i == -1: any reject); outcomes = converted anyway. */
lq_tally lq_report_rejected(const lq_report *R, int i);
/* The ids of up to LQ_REPORT_EXAMPLES leads reject i fired on that had the outcome. */
int lq_report_examples(const lq_report *R, int i, const lq_id **ids);

/* Why a rule may read data recorded after the outcome (docs/report.md). */
typedef enum lq_leak {
  LQ_LEAK_NONE,
  LQ_LEAK_ALWAYS,    /* every lead it fired on had the outcome */
  LQ_LEAK_NEVER,     /* no lead it fired on had the outcome (points rules only) */
  LQ_LEAK_FIELD      /* it reads a field present almost only on leads with the outcome */
} lq_leak;

/* The lead fields the rules read directly or through a define, by index in
 * the program's fields; rule k (as in lq_report_rule) reads the n of them at
 * *fields. The tally of field i: leads that had it, and their outcomes. */
int lq_report_rule_fields(const lq_report *R, int k, const int **fields);
lq_tally lq_report_field_present(const lq_report *R, int i);

/* A rule: points rules k < nrules, then the rejects (k - nrules). */
typedef struct lq_rule_stat {
  const char *group;           /* NULL for a reject */
  const char *label;
  int owner;
  lq_tally fired, not_fired;
  double points;               /* mean points given when fired (0 when it never fired); rejects: 0 */
  double lift;                 /* rate fired / rate not fired; NAN when either is undefined or the latter is 0 */
  double z;                    /* two-proportion z statistic of rate fired against rate not fired */
  bool wrong_way;              /* points against the data: see docs/report.md */
  lq_leak leak;                /* possible leak: see docs/report.md */
  int leak_field;              /* LQ_LEAK_FIELD: the field's index in the program's fields; else -1 */
  lq_tally leak_t;             /* the leads the flag rests on: fired, or where the field was present */
} lq_rule_stat;
int lq_report_nrules(const lq_report *R);
lq_rule_stat lq_report_rule(const lq_report *R, int k);

/* A score band: totals from <= score < to (from -INFINITY / to INFINITY at
 * the open ends); min and max are the lowest and highest totals seen in it. */
typedef struct lq_band { double from, to, min, max; lq_tally t; } lq_band;
/* The bands (deciles, or the fixed edges), at most max of them written; returns how many there are. */
int lq_report_bands(const lq_report *R, lq_band *out, int max);

/* What team t's rules did: leads that reached a stage it owns, were sent to a
 * route it owns, or were rejected by a reject it owns (outcomes: converted anyway). */
typedef struct lq_team_stat { lq_tally qualified, routed, rejected; } lq_team_stat;
lq_team_stat lq_report_team(const lq_report *R, int t);

/* Owners, the people of `route ... to` (only counted when some route has
 * one): in the order first seen, owner i's text (a number as leadq prints
 * it; "(other owners)" past the limit) and its leads; owners compare as
 * decisions print them, case and all. No owner: leads not rejected whose decision has no owner
 * (a route without `to`, or no route); rejected leads are lq_report_rejected(R, -1). */
bool lq_report_to_people(const lq_report *R);
int lq_report_nowners(const lq_report *R);
const char *lq_report_owner(const lq_report *R, int i, lq_tally *t);
lq_tally lq_report_no_owner(const lq_report *R);

/* Dispositions, most leads first: value i's text ("(none)" when missing,
 * "(other)" past the limit) and its leads; the leads where rule k (as in
 * lq_report_rule) fired and the disposition was value i. */
int lq_report_ndispositions(const lq_report *R);
const char *lq_report_disposition(const lq_report *R, int i, lq_tally *t);
uint64_t lq_report_disposition_fired(const lq_report *R, int i, int k);

/* ---- rendering ---- */

/* Aligned tables for a terminal; color: mark wrong-way rules in red. */
void lq_report_text(lq_buf *b, const lq_report *R, bool color);
/* The same sections and tables as GitHub-flavoured markdown. */
void lq_report_markdown(lq_buf *b, const lq_report *R);
/* The tables as one CSV (RFC 4180 quoting, LF line ends as run writes): a section column first,
 * each section's header row first, numbers without separators, rates as fractions. */
void lq_report_csv(lq_buf *b, const lq_report *R);
/* One JSON object, with a newline. */
void lq_report_json(lq_buf *b, const lq_report *R);
/* One self-contained HTML page: inline CSS and SVG charts (svg data-chart="funnel",
 * "bands", "lift"); no scripts, nothing fetched. */
void lq_report_html(lq_buf *b, const lq_report *R);

#endif
