/* program.c: what callers look up in a compiled program: an op's name, a
 * declaration's index by its name. The checker, the compiler, diff, expect
 * and the CLI all ask; none of them owns the answer. */
#include "program.h"

#include <string.h>

static const char *const op_names[] = {
#define X(o) #o,
    LQ_OPS(X)
#undef X
};
_Static_assert(sizeof op_names / sizeof *op_names == LQ_OP_COUNT, "one name per op");

const char *lq_op_name(lq_op op) { return op < LQ_OP_COUNT ? op_names[op] : "?"; }

int lq_find_cond(const lq_cond_decl *d, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(d[i].name, name)) return i;
  return -1;
}

int lq_find_group(const lq_program *p, const char *name) {
  for (int i = 0; i < p->ngroups; i++)
    if (!strcmp(p->groups[i].name, name)) return i;
  return -1;
}

const lq_expr *lq_find_define(const lq_program *p, const char *name) {
  for (int i = p->ndefines - 1; i >= 0; i--)
    if (!strcmp(p->defines[i].name, name)) return p->defines[i].expr;
  return NULL;
}

int lq_find_grade(const lq_program *p, const char *name) {
  for (int i = 0; i < p->ngrades; i++)
    if (!strcmp(p->grades[i].name, name)) return i;
  return -1;
}
