/* diff.h: what a rules change does to a sample of leads. Two versions of the
 * rules run on the same leads in one pass; stages, routes, grades, groups,
 * rules and rejects are matched across versions by name, so a declaration may
 * be added, removed or renamed. Owners (the person a route names) are counted
 * as transitions old owner -> new owner, since a roster change moves leads
 * between people. With an outcome (lq_diff_set_outcome), each stage is also
 * judged as a predictor in both versions (leads reached, outcomes, precision,
 * recall) and the leads each transition moved are counted with how many had
 * the outcome. The counts are read by `leadq diff` and the tests;
 * lq_diff_write renders them as text, JSON or Markdown. */
#ifndef LQ_DIFF_H
#define LQ_DIFF_H
#include "eval.h"
#include "hash.h"
#include "json.h"
#include "output.h"

/* A group, grade or rule matched by name: its index in each version, or -1. */
typedef struct lq_diff_pair { const char *name; int before, after; } lq_diff_pair;

/* Score shift of one group (name NULL: the total), summed over the leads. A
 * group missing from a version scores 0 there. */
typedef struct lq_diff_shift {
  const char *name;
  int before, after;              /* group index, or -1 */
  double sum_old, sum_new;
  unsigned long long up, down;    /* leads whose score went up, down */
} lq_diff_shift;

/* One rule whose outcome differs for a lead: a points rule (group set) or a
 * reject (group NULL). Points, or NAN when it did not fire or does not exist
 * in that version (exists says which: 1 old, 2 new, 3 both); a reject that
 * fired counts 1. */
typedef struct lq_diff_rule {
  const char *group, *name;
  double before, after;
  int exists;
} lq_diff_rule;

/* A lead whose decision changed (stage, route, owner, rejection or a grade). */
typedef struct lq_diff_shown {
  const char *id_json;            /* as decisions print it: "t1", 42, or the line number */
  const char *id_text;            /* as text (lq_id_text): t1, 42, #7 when the lead has no id */
  uint64_t lineno;
  int stage[2], route[2], rejected[2];  /* per version: index, or -1 */
  const char *owner[2];           /* per version: as the decision prints it, or NULL */
  bool owner_bare[2];             /* a number: bare in JSON, not quoted */
  const char **grade[2];          /* per matched grade: the arm's label, or NULL */
  double score[2];
  lq_diff_rule *rules;
  int nrules;
} lq_diff_shown;

/* Leads whose owner went from before (the old rules) to after (the new); NULL: no owner. An owner is the
 * decision's "owner" as it prints it, compared exactly: 42 and "42" are one
 * owner, "Ana@x" and "ana@x" two. bare: the first one seen was a number. */
typedef struct lq_diff_owner_move {
  const char *before, *after;
  size_t before_n, after_n;       /* bytes */
  bool before_bare, after_bare;
  unsigned long long leads, outcomes;
} lq_diff_owner_move;

/* Leads and how many of them had the outcome. */
typedef struct lq_diff_tally { unsigned long long leads, outcomes; } lq_diff_tally;

/* One stage judged against the outcome in each version, matched by name. */
typedef struct lq_diff_judged {
  const char *name;
  int before, after;              /* stage index, or -1 when not in that version */
  lq_diff_tally reached[2];       /* condition held and the lead was not rejected */
} lq_diff_judged;

typedef struct lq_diff {
  const lq_program *p[2];         /* old, new */
  lq_eval *E[2];
  lq_arena arena;                 /* the changed leads kept for display, owner names */
  unsigned long long leads, bad, changed;
  unsigned long long stage_changed, route_changed, owner_changed, rejection_changed, score_changed;
  /* transitions: [old index (nstages = none)][new index (nstages = none)] */
  unsigned long long *stage_moves, *route_moves;
  /* Owners are data, not declarations, and many: a list of the pairs seen
   * (in the order first seen) with a hash of it, not a matrix. */
  bool owners;                         /* either version has a route with `to` */
  lq_diff_owner_move *owner_moves; size_t nowner_moves, owner_moves_cap;
  lq_hash owner_index;                 /* (old owner, new owner) to its index in owner_moves */
  lq_diff_pair *grades; int ngrades;
  unsigned long long *grade_changed;   /* per matched grade */
  lq_diff_shift *shifts; int nshifts;  /* per matched group, then the total (name NULL) */
  int *rule_to_new;                    /* per old rule: the new rule of the same group and label */
  int *rule_from_old;                  /* per new rule: the old one, or -1 */
  int *reject_to_new, *reject_from_old;
  /* The outcome (NULL: none), an expression of the old program evaluated
   * after its decision: the change must not move the measuring stick. */
  const lq_expr *outcome, *outcome_new;   /* ... and as the new program reads it */
  unsigned long long outcome_differs;  /* leads whose outcome the new program read otherwise */
  lq_diff_tally total;                 /* all leads, and how many had the outcome */
  lq_diff_judged *judged; int njudged; /* per stage of either version */
  /* Transitions with the outcome, by state: a stage or route index, then none,
   * then rejected ([old state][new state], each side n + 2 wide). */
  lq_diff_tally *stage_flow, *route_flow;
  int show;                            /* how many changed leads to keep */
  lq_diff_shown *shown; int nshown;
} lq_diff;

/* Both programs must outlive the diff; now is the clock for both. */
lq_diff *lq_diff_new(const lq_program *before, const lq_program *after, double now, int show);
void lq_diff_free(lq_diff *D);
/* Per lead: reset, parse the lead into lq_diff_scratch (the old evaluator's
 * scratch; the new one reads it and allocates in its own), then lq_diff_lead. */
void lq_diff_reset(lq_diff *D);
lq_arena *lq_diff_scratch(lq_diff *D);
/* Evaluates lead with both versions and counts the differences; id is copied.
 * True when the decision changed. */
bool lq_diff_lead(lq_diff *D, const cJSON *lead, const lq_id *id);
/* Judges both versions against outcome, an expression compiled into the old
 * program (true: the lead converted); outcome_new, the same text compiled into
 * the new one (or NULL), is read too, and leads on which they disagree are
 * counted: the outcome names something the change redefines. Call before the
 * first lead. */
void lq_diff_set_outcome(lq_diff *D, const lq_expr *outcome, const lq_expr *outcome_new);
/* The rules files changed (their text, ignoring spaces and comments; tables
 * are data) and `ruleset NAME version V` did not: decisions would name one
 * version for two sets of rules. False when either has no ruleset line. */
bool lq_diff_version_unchanged(const lq_diff *D);

/* Leads that went from stage (or route) named from to the one named to, NULL
 * meaning none; 0 when a name is not declared in that version. */
unsigned long long lq_diff_stage_moves(const lq_diff *D, const char *from, const char *to);
unsigned long long lq_diff_route_moves(const lq_diff *D, const char *from, const char *to);
/* Leads whose owner went from owner from to owner to (as decisions print
 * them), NULL meaning none; 0 for a pair never seen. */
unsigned long long lq_diff_owner_moves(const lq_diff *D, const char *from, const char *to);

typedef enum { LQ_DIFF_TEXT, LQ_DIFF_JSON, LQ_DIFF_MARKDOWN } lq_diff_format;
typedef struct lq_diff_write_opts {
  lq_diff_format format;
  const char *old_name, *new_name;     /* how the versions were named: a file or REV:PATH */
  int owners;                          /* owner transitions to list, most leads first */
  const char *outcome;                 /* the outcome as written, or NULL */
} lq_diff_write_opts;
/* The whole report; text and Markdown end with a newline, JSON is one line. */
void lq_diff_write(lq_buf *b, const lq_diff *D, const lq_diff_write_opts *o);

#endif
