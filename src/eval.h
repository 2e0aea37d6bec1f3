/* eval.h: applying a compiled program to one lead at a time. */
#ifndef LQ_EVAL_H
#define LQ_EVAL_H
#include "program.h"

/* One lead's decision, owned by the evaluator and overwritten by the next lead. */
typedef struct lq_result {
  double total;
  double *scores;        /* per group, after cap and decay */
  double *raw;           /* per group, summed before cap and decay */
  double *points;        /* per rule: points given, or NAN when it did not fire */
  int *grades;           /* per grade: the arm chosen, or -1 */
  bool *stages;          /* per stage: its condition held */
  bool *rejects;         /* per reject: it fired */
  int rejected;          /* first reject that fired, or -1 */
  int stage;             /* last stage reached (none when rejected), or -1 */
  int route;             /* first route matched (none when rejected), or -1 */
  lq_value owner;        /* the route's `to`: text or a number; missing when none */
  int nmissed;           /* routes passed over for want of an owner, before route */
  int *missed;
  bool *missed_not_text; /* per missed: its owner was there, but not text or a number */
} lq_result;

typedef struct lq_eval lq_eval;

lq_eval *lq_eval_new(const lq_program *p, double now);
void lq_eval_free(lq_eval *E);
const lq_program *lq_eval_program(const lq_eval *E);
double lq_eval_now(const lq_eval *E);
/* Moves the clock, e.g. for a test's `now`. */
void lq_eval_set_now(lq_eval *E, double now);
/* Scratch memory for the current lead (parse the lead into it); reset per lead. */
lq_arena *lq_eval_scratch(lq_eval *E);
void lq_eval_reset(lq_eval *E);
/* Evaluates every declaration for lead (a JSON object). */
const lq_result *lq_eval_lead(lq_eval *E, const cJSON *lead);
/* One expression against the current lead, e.g. for explain; item is the `where` item. */
lq_value lq_eval_expr(lq_eval *E, const lq_expr *e, lq_value item);
/* A path against a JSON value (for --id-field). */
lq_value lq_eval_path(lq_eval *E, const cJSON *root, const lq_seg *segs, uint32_t n);
/* The node at a path of keys and indexes (no projection through arrays), or NULL. */
const cJSON *lq_json_at(const cJSON *root, const lq_seg *segs, uint32_t n);

/* One item of a pick, as the decision weighed it. */
typedef struct lq_pick_candidate {
  lq_value item;
  const char *id;        /* its identity as hashed, or NULL when it has none */
  size_t idn;
  double weight;         /* NAN when missing or not a number */
  double score;          /* w / -ln(u); NAN when it could not be chosen */
} lq_pick_candidate;

typedef struct lq_pick_trace {
  const char *key;       /* KEY's text as hashed, or NULL when KEY is missing */
  size_t keyn;
  lq_pick_candidate *c;  /* every item of LIST, in order, in the lead's scratch */
  uint32_t n;
  int picked;            /* index into c, or -1 */
} lq_pick_trace;

/* Evaluates a pick call (CALL of pick) against the current lead exactly as
 * the decision did, recording every candidate: for explain. */
void lq_eval_pick_trace(lq_eval *E, const lq_expr *e, lq_value item, lq_pick_trace *tr);

/* Leads that met a route's condition but had no owner there, per route: why,
 * and what became of them, for the warning at the end of a run.
 * missing + not_text == went_on + unrouted. */
typedef struct lq_owner_misses {
  uint64_t missing;      /* the owner was missing: no row, an empty cell, null */
  uint64_t not_text;     /* it was there, but true or false, a list or a whole row */
  uint64_t went_on;      /* a later route took the lead */
  uint64_t unrouted;     /* no later route did: the lead got no route */
} lq_owner_misses;
lq_owner_misses lq_eval_owner_misses(const lq_eval *E, int route);

/* Type surprises: per site and pair of kinds, the number of leads that met them. */
uint64_t lq_eval_surprises(const lq_eval *E, int site, int kind_a, int kind_b);
void lq_eval_merge_surprises(lq_eval *into, const lq_eval *from);

#endif
