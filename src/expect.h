/* expect.h: what a test expects of a decision, from a test block or a JSON case. */
#ifndef LQ_EXPECT_H
#define LQ_EXPECT_H
#include <stdbool.h>
#include "eval.h"
#include "json.h"

typedef enum {
  LQ_X_STAGE,     /* expect stage NAME | stage none */
  LQ_X_ROUTE,     /* expect route "X" | route none */
  LQ_X_OWNER,     /* expect owner "X" | owner N | owner none */
  LQ_X_REJECTED,  /* expect rejected "reason" | rejected | not rejected */
  LQ_X_GROUP,     /* expect GROUP N */
  LQ_X_SCORE,     /* expect score N */
  LQ_X_GRADE,     /* expect grade NAME "X" | grade NAME none */
  LQ_X_REASON,    /* expect reason "label" | not reason "label" */
} lq_expect_kind;

typedef struct lq_expect {
  lq_expect_kind kind;
  bool negated;
  int index;          /* the stage, route, reject, group or grade meant; -1 for none
                         (REJECTED: -1 is any reason) */
  const char *text;   /* GRADE: the label (NULL: none); REASON: the label;
                         OWNER: the owner as a decision prints it (NULL: none) */
  bool bare;          /* OWNER: written as a number, so described without quotes */
  double num;         /* GROUP, SCORE */
  lq_span span;       /* the expect line, for messages */
} lq_expect;

/* The forms, for messages: "stage NAME, stage none, route \"X\", ...". */
extern const char lq_expect_forms[];

/* From the words of an `expect` line. On a malformed line returns false and
 * writes why (naming what was expected) into why. Strings live in a. */
bool lq_expect_from_words(const lq_program *p, const lq_node *expect, lq_arena *a, lq_expect *x,
                          char *why, size_t whylen);

/* From the "expect" object of a JSON case; *n expectations into an arena array. */
bool lq_expect_from_json(const lq_program *p, const cJSON *expect, lq_arena *a, lq_expect **xs,
                         int *n, char *why, size_t whylen);

/* x as an expect line would say it: `stage MQL`, `fit 25`, `not reason "x"`. */
void lq_expect_describe(const lq_program *p, const lq_expect *x, lq_buf *b);

/* Whether r meets x. The expected and actual values, as they are written in
 * an expect line, go to want and got. */
bool lq_expect_check(const lq_program *p, const lq_result *r, const lq_expect *x, lq_buf *want,
                     lq_buf *got);

#endif
