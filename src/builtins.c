/* builtins.c: the table of built-in functions and the messages made from it. */
#include "builtins.h"

#include <stdio.h>
#include <string.h>

const lq_func lq_funcs[LQ_FN_COUNT] = {
#define X(name, lo, hi, where, ret, args, doc) {#name, lo, hi, where, LQ_RET_##ret, args, doc},
    LQ_FUNCS(X)
#undef X
};

int lq_func_find(const char *name, size_t len) {
  for (int i = 0; i < LQ_FN_COUNT; i++)
    if (strlen(lq_funcs[i].name) == len && !memcmp(lq_funcs[i].name, name, len)) return i;
  return -1;
}

const char *lq_func_arity_error(int fn, int nargs, char *buf, size_t size) {
  const lq_func *f = &lq_funcs[fn];
  if (nargs >= f->min_args && (f->max_args < 0 || nargs <= f->max_args)) return NULL;
  if (f->min_args == f->max_args)
    snprintf(buf, size, "%s() takes %d argument%s, not %d", f->name, f->min_args, f->min_args == 1 ? "" : "s", nargs);
  else if (f->max_args < 0)
    snprintf(buf, size, "%s() takes at least %d argument%s", f->name, f->min_args, f->min_args == 1 ? "" : "s");
  else
    snprintf(buf, size, "%s() takes %d to %d arguments, not %d", f->name, f->min_args, f->max_args, nargs);
  return buf;
}

const char *lq_func_names(char *buf, size_t size) {
  size_t w = 0;
  buf[0] = '\0';
  for (int i = 0; i < LQ_FN_COUNT && w < size; i++)
    w += (size_t)snprintf(buf + w, size - w, "%s%s", i ? " " : "", lq_funcs[i].name);
  return buf;
}

/* The order the sentence has always named them in: those of one list
 * argument, then min and max, which also take several, then the rest. */
const char *lq_func_where_takers(char *buf, size_t size) {
  static const lq_fn order[] = {LQ_FN_sum, LQ_FN_count, LQ_FN_any, LQ_FN_every, LQ_FN_min,
                                LQ_FN_max, LQ_FN_latest, LQ_FN_earliest, LQ_FN_first};
  size_t n = sizeof order / sizeof *order, w = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && w < size; i++)
    w += (size_t)snprintf(buf + w, size - w, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                          lq_funcs[order[i]].name);
  return buf;
}
