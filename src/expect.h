/* expect.h: what a test expects of a decision, from a test block or a JSON case. */
#ifndef LQ_EXPECT_H
#define LQ_EXPECT_H
#include <stdbool.h>
#include "error.h"
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

/* The words of an `expect` line, read by the one list of forms: which form
 * they take and its words. The checker (which reports what the rules do not
 * declare, with did-you-mean) and the compiler (which lowers a test block to
 * lq_test) both read a line with it. */
typedef struct lq_expect_words {
  lq_expect_kind kind;
  bool negated;          /* written after `not` */
  bool none;             /* the value is `none` (stage, route, owner, grade) */
  const lq_node *head;   /* the first word: GROUP: the group's name */
  const lq_node *arg;    /* the value; GRADE: the grade's name; NULL: none, or `rejected` alone */
  const lq_node *label;  /* GRADE: the label (NULL: none) */
} lq_expect_words;

/* Which form the words of expect (an LQ_EXPECT node) take; false when none.
 * owner_is_group: the rules have a score group named owner, so `owner 5` is
 * its points. words: how many words there are, `not` aside. */
bool lq_expect_parse(const lq_node *expect, bool owner_is_group, lq_expect_words *w, int *words);
/* The forms, as messages list them: "stage NAME, stage none, route \"NAME\", ...". */
const char *lq_expect_forms(char *buf, size_t size);

/* From the words of an `expect` line, against the compiled rules. On a line
 * no form reads, or that names what the rules do not have, returns false with
 * err saying what (at the line's first byte). Strings live in a. */
bool lq_expect_from_words(const lq_program *p, const lq_node *expect, lq_arena *a, lq_expect *x, lq_error *err);

/* From the "expect" object of a JSON case; *n expectations into an arena array. */
bool lq_expect_from_json(const lq_program *p, const cJSON *expect, lq_arena *a, lq_expect **xs, int *n,
                         lq_error *err);

/* x as an expect line would say it: `stage MQL`, `fit 25`, `not reason "x"`. */
void lq_expect_describe(const lq_program *p, const lq_expect *x, lq_buf *b);

/* Whether r meets x. The expected and actual values, as they are written in
 * an expect line, go to want and got. */
bool lq_expect_check(const lq_program *p, const lq_result *r, const lq_expect *x, lq_buf *want,
                     lq_buf *got);

#endif
