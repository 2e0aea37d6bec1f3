/* explain.h: why a lead got its decision, in words a sales manager reads. */
#ifndef LQ_EXPLAIN_H
#define LQ_EXPLAIN_H
#include <stdbool.h>
#include "eval.h"
#include "json.h"
#include "output.h"

typedef struct lq_explain_opts {
  bool json;    /* one JSON object instead of text */
  bool color;   /* ANSI colour in text */
} lq_explain_opts;

/* Writes the trace of the lead last evaluated by E (r is its result, id its
 * id): every rule with its outcome, the values it looked at and its points;
 * each group with cap and decay; rejects, grades, stages with why-not, routes.
 * The text form ends with a blank line, the JSON form with a newline. A lead
 * with no line (id->line 0: a test block's) is headed "decision:". */
void lq_explain(lq_buf *b, lq_eval *E, const lq_result *r, const lq_id *id, const lq_explain_opts *o);

/* Only the why-not lines: for each stage the lead did not reach, what failed
 * and by how much, each line starting with indent. Used by `leadq test`. */
void lq_explain_why_not(lq_buf *b, lq_eval *E, const lq_result *r, const char *indent);

#endif
