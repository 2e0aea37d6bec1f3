/* builtins.h: the built-in functions, each described once.
 *
 * One row per function: its name, how many arguments it takes, what they are,
 * what it returns, what it does. The evaluator dispatches on lq_fn; the
 * checker takes from the same rows the arity it enforces, the messages that
 * name functions ("lower() takes 1 argument, not 0", the list after "unknown
 * function") and what a call can be when it reasons about conditions. */
#ifndef LQ_BUILTINS_H
#define LQ_BUILTINS_H
#include <stdbool.h>
#include <stddef.h>

/* What a call can return, whatever the lead. */
typedef enum lq_ret {
  LQ_RET_TEXT,    /* text, or missing */
  LQ_RET_NUM,     /* a number, or missing */
  LQ_RET_COUNT,   /* always a number */
  LQ_RET_BOOL,    /* always true or false */
  LQ_RET_ANY,     /* anything, blank text too (coalesce(x, "")) */
} lq_ret;

/* X(name, fewest arguments, most (-1: any), the first may be `LIST where COND`,
 *   returns, arguments as the docs write them, what it does) */
#define LQ_FUNCS(X)                                                                               \
  X(lower, 1, 1, false, TEXT, "t", "the text in lower case (ASCII)")                              \
  X(upper, 1, 1, false, TEXT, "t", "the text in upper case (ASCII)")                              \
  X(trim, 1, 1, false, TEXT, "t", "the text without leading and trailing white space")            \
  X(len, 1, 1, false, NUM, "x", "characters of a text, items of a list, keys of an object")       \
  X(domain, 1, 1, false, TEXT, "x", "the domain of an email or the host of a URL, lower case")    \
  X(number, 1, 1, false, NUM, "x", "a number, or text of digits read as one")                     \
  X(coalesce, 1, -1, false, ANY, "a, b, ...", "the first present argument")                       \
  X(abs, 1, 1, false, NUM, "x", "the absolute value")                                             \
  X(round, 1, 2, false, NUM, "x[, digits]", "rounded half away from zero")                        \
  X(floor, 1, 1, false, NUM, "x", "rounded down")                                                 \
  X(ceil, 1, 1, false, NUM, "x", "rounded up")                                                    \
  X(min, 1, -1, true, NUM, "L or a, b, ...", "the smallest number")                               \
  X(max, 1, -1, true, NUM, "L or a, b, ...", "the largest number")                                \
  X(sum, 1, 1, true, NUM, "L", "the sum of the numbers in L")                                     \
  X(count, 1, 1, true, COUNT, "L", "the items in L")                                              \
  X(any, 1, 1, true, BOOL, "L", "whether some item holds")                                        \
  X(every, 1, 1, true, BOOL, "L", "whether L has items and every one holds")                      \
  X(latest, 1, 1, true, ANY, "L", "the item with the latest time")                                \
  X(earliest, 1, 1, true, ANY, "L", "the item with the earliest time")                            \
  X(days_since, 1, 1, false, NUM, "t", "whole days from t to now")                                \
  X(date, 1, 1, false, TEXT, "t", "t as YYYY-MM-DDTHH:MM:SSZ")                                    \
  X(first, 1, 1, true, ANY, "L", "the first item of L")                                           \
  X(pick, 2, 3, true, ANY, "L, KEY[, WEIGHT]", "one item of L, by stable weighted hashing of KEY")

typedef enum lq_fn {
#define X(name, lo, hi, where, ret, args, doc) LQ_FN_##name,
  LQ_FUNCS(X)
#undef X
  LQ_FN_COUNT
} lq_fn;

typedef struct lq_func {
  const char *name;
  int min_args, max_args;    /* max -1: any number */
  bool takes_where;          /* the first argument may be `LIST where COND` */
  lq_ret ret;
  const char *args, *doc;
} lq_func;
extern const lq_func lq_funcs[LQ_FN_COUNT];

int lq_func_find(const char *name, size_t len);   /* -1 when unknown */

/* The messages that name functions, written into buf (cut to size):
 * "lower() takes 1 argument, not 0" for a call of fn with nargs arguments
 * (NULL when nargs is allowed); every name, space-separated; and the
 * functions that take `LIST where COND`, as a sentence lists them. */
const char *lq_func_arity_error(int fn, int nargs, char *buf, size_t size);
const char *lq_func_names(char *buf, size_t size);
const char *lq_func_where_takers(char *buf, size_t size);

#endif
