/* check.h: name resolution and the checks that make a rules file mean one thing. */
#ifndef LQ_CHECK_H
#define LQ_CHECK_H
#include "ast.h"
#include "diag.h"

/* What a NAME (or backquoted field) refers to, stored in lq_node.ref_kind. */
typedef enum lq_ref {
  LQ_REF_NONE, LQ_REF_FIELD, LQ_REF_ITEM_FIELD, LQ_REF_LEAD, LQ_REF_DEFINE, LQ_REF_LIST,
  LQ_REF_GROUP, LQ_REF_TOTAL, LQ_REF_GRADE, LQ_REF_STAGE, LQ_REF_REJECTED,
  LQ_REF_TABLE
} lq_ref;

/* Resolves every name in decls (setting ref_kind, ref and each declaration's
 * slot) and reports errors and warnings. Returns the number of errors. */
size_t lq_check(lq_node *decls, const lq_sources *src, lq_diags *diags);

#endif
