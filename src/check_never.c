/* check_never.c: conditions that can never hold, so rules that never fire. */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_pass.h"
#include "json.h"
#include "pattern.h"
#include "value.h"

/* ---- Conditions that can never hold ----
 *
 * A condition is read as a conjunction of tests ("atoms") on operands compared
 * with constants: x > 10, x == "a", x in [...], x is missing, x alone. Atoms on
 * the same operand (the same expression, written the same way in the same
 * scope) can contradict each other, and an atom can contradict what the operand
 * is known to be (a score group is a number, a grade one of its labels). To
 * decide, every atom is evaluated, exactly as eval.c would, on a few candidate
 * values: each constant mentioned, the points between and beyond the numbers,
 * a text, true, false, missing and a list. If no candidate satisfies them all,
 * no value does. Anything not understood is left out, so a warning is sound:
 * it fires only when no lead can make the condition true. */

typedef struct cval { int t; double num; const char *s; size_t n; bool b; } cval;

typedef enum { A_EQ, A_NE, A_LT, A_LE, A_GT, A_GE, A_BETWEEN, A_IN, A_NOT_IN, A_MISSING, A_PRESENT, A_TRUE } atom_op;

typedef struct atom {
  const lq_node *key, *node;   /* the operand, and the whole test (for messages) */
  atom_op op;
  bool neg;                    /* under `not` */
  cval k, k2;                  /* the constants */
  const lq_node *list;         /* A_IN, A_NOT_IN: a LIST of constants */
} atom;

typedef struct why { lq_span span; char reason[512]; char note[400]; } why;

static bool const_val(const lq_node *n, cval *v) {
  *v = (cval){0};
  switch (n->kind) {
  case LQ_NUM: v->t = T_NUM; v->num = n->num; return true;
  case LQ_NEG: if (n->a->kind != LQ_NUM) return false; v->t = T_NUM; v->num = -n->a->num; return true;
  case LQ_STR: v->t = T_TEXT; v->s = n->str.s; v->n = n->str.n; return true;
  case LQ_TRUE: case LQ_FALSE: v->t = T_BOOL; v->b = n->kind == LQ_TRUE; return true;
  case LQ_NULL: v->t = T_MISSING; return true;
  default: return false;
  }
}

/* A list of constants, written out or declared with `list`. */
static const lq_node *const_list(const lq_node *n) {
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_LIST && n->ref) n = n->ref->a;
  if (!n || n->kind != LQ_LIST) return NULL;
  cval v;
  for (const lq_node *k = n->kids; k; k = k->next)
    if (!const_val(k, &v)) return NULL;
  return n;
}

static bool cval_eq(const cval *a, const cval *b) {
  if (a->t == T_MISSING || b->t == T_MISSING) return a->t == b->t;
  if (a->t != b->t) return false;
  switch (a->t) {
  case T_NUM: return a->num == b->num;
  case T_TEXT: return lq_text_eq(a->s, a->n, b->s, b->n);
  case T_BOOL: return a->b == b->b;
  default: return false;   /* a list or object never equals a constant */
  }
}

static bool in_list(const cval *v, const lq_node *list) {
  if (v->t == T_MISSING) return false;
  cval k;
  for (const lq_node *i = list->kids; i; i = i->next)
    if (const_val(i, &k) && cval_eq(v, &k)) return true;
  return false;
}

/* Whether the test holds when its operand is v. Ordering texts is taken to
 * hold for every text (times compare as times): atoms with it are inexact. */
static bool admits(const atom *a, const cval *v) {
  bool r;
  switch (a->op) {
  case A_EQ: r = cval_eq(v, &a->k); break;
  case A_NE: r = !cval_eq(v, &a->k); break;
  case A_LT: case A_LE: case A_GT: case A_GE:
    if (v->t == T_NUM && a->k.t == T_NUM) {
      double x = v->num, k = a->k.num;
      r = a->op == A_LT ? x < k : a->op == A_LE ? x <= k : a->op == A_GT ? x > k : x >= k;
    } else {
      r = v->t == T_TEXT && a->k.t == T_TEXT;
    }
    break;
  case A_BETWEEN:
    if (v->t == T_NUM && a->k.t == T_NUM && a->k2.t == T_NUM) r = a->k.num <= v->num && v->num <= a->k2.num;
    else r = v->t == T_TEXT && a->k.t == T_TEXT && a->k2.t == T_TEXT;
    break;
  case A_IN: r = in_list(v, a->list); break;
  case A_NOT_IN: r = !in_list(v, a->list); break;
  case A_MISSING: r = v->t == T_MISSING; break;
  case A_PRESENT: r = v->t != T_MISSING; break;
  default: r = v->t == T_BOOL && v->b; break;
  }
  return a->neg ? !r : r;
}

static bool exact(const atom *a) {
  bool ordering = (a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN;
  return !(ordering && (a->k.t == T_TEXT || a->k2.t == T_TEXT));
}

/* An operand: anything that yields a value rather than a condition. */
static bool is_operand(const lq_node *n) {
  switch (n->kind) {
  case LQ_NAME: case LQ_FIELD: case LQ_GET: case LQ_INDEX: case LQ_CALL:
  case LQ_ADD: case LQ_SUB: case LQ_MUL: case LQ_DIV: case LQ_NEG:
    return !(n->kind == LQ_NEG && n->a->kind == LQ_NUM);
  default: return false;
  }
}

static atom_op flip(atom_op op) {
  switch (op) {
  case A_LT: return A_GT; case A_LE: return A_GE;
  case A_GT: return A_LT; case A_GE: return A_LE;
  default: return op;
  }
}

static bool atom_of(const lq_node *n, atom *a) {
  *a = (atom){.node = n};
  cval k;
  switch (n->kind) {
  case LQ_NOT:
    if (!atom_of(n->a, a) || !exact(a)) return false;
    a->neg = !a->neg;
    a->node = n;
    return true;
  case LQ_EQ: case LQ_NE: case LQ_LT: case LQ_LE: case LQ_GT: case LQ_GE: {
    static const atom_op ops[] = {[LQ_EQ] = A_EQ, [LQ_NE] = A_NE, [LQ_LT] = A_LT,
                                  [LQ_LE] = A_LE, [LQ_GT] = A_GT, [LQ_GE] = A_GE};
    if (is_operand(n->a) && const_val(n->b, &k)) { a->key = n->a; a->op = ops[n->kind]; }
    else if (is_operand(n->b) && const_val(n->a, &k)) { a->key = n->b; a->op = flip(ops[n->kind]); }
    else return false;
    a->k = k;
    return true;
  }
  case LQ_BETWEEN:
    if (!is_operand(n->a) || !const_val(n->b, &a->k) || !const_val(n->c, &a->k2)) return false;
    a->key = n->a;
    a->op = A_BETWEEN;
    return true;
  case LQ_IN: case LQ_NOT_IN:
    if (!is_operand(n->a) || !(a->list = const_list(n->b))) return false;
    a->key = n->a;
    a->op = n->kind == LQ_IN ? A_IN : A_NOT_IN;
    return true;
  case LQ_MISSING: case LQ_PRESENT:
    if (!is_operand(n->a)) return false;
    a->key = n->a;
    a->op = n->kind == LQ_MISSING ? A_MISSING : A_PRESENT;
    return true;
  default:
    if (!is_operand(n)) return false;
    a->key = n;
    a->op = A_TRUE;
    return true;
  }
}

/* The same expression, written the same way: it has the same value in one scope. */
static bool same_expr(const lq_node *x, const lq_node *y) {
  if (x == y) return true;
  if (!x || !y || x->kind != y->kind || x->ref_kind != y->ref_kind || x->ref != y->ref) return false;
  if (x->str.n != y->str.n || (x->str.n && memcmp(x->str.s, y->str.s, x->str.n))) return false;
  if (x->num != y->num || x->slot != y->slot) return false;
  if (!same_expr(x->a, y->a) || !same_expr(x->b, y->b) || !same_expr(x->c, y->c) || !same_expr(x->d, y->d))
    return false;
  const lq_node *i = x->kids, *j = y->kids;
  for (; i && j; i = i->next, j = j->next)
    if (!same_expr(i, j)) return false;
  return !i && !j;
}

/* The kinds of value an expression can have, whatever the lead. */
int lq_check_value_types(const lq_node *n, int depth) {
  switch (n->kind) {
  case LQ_NUM: return T_NUM;
  case LQ_STR: return T_TEXT | (lq_text_blank(n->str.s, n->str.n) ? T_BLANK : 0);
  case LQ_TRUE: case LQ_FALSE: return T_BOOL;
  case LQ_NULL: return T_MISSING;
  case LQ_LIST: case LQ_WHERE: return T_OTHER;
  case LQ_NEG: case LQ_ADD: case LQ_SUB: case LQ_MUL: case LQ_DIV: return T_NUM | T_MISSING;
  case LQ_CALL: {
    static const int ret_types[] = {[LQ_RET_TEXT] = T_TEXT | T_MISSING, [LQ_RET_NUM] = T_NUM | T_MISSING,
                                    [LQ_RET_COUNT] = T_NUM, [LQ_RET_BOOL] = T_BOOL, [LQ_RET_ANY] = T_ANY | T_BLANK};
    return n->slot >= 0 && n->slot < LQ_FN_COUNT ? ret_types[lq_funcs[n->slot].ret] : T_ANY | T_BLANK;
  }
  case LQ_NAME:
    switch (n->ref_kind) {
    case LQ_REF_DEFINE: return n->ref && depth < MAX_DEPTH ? lq_check_value_types(n->ref->a, depth + 1) : T_ANY | T_BLANK;
    case LQ_REF_LIST: case LQ_REF_LEAD: case LQ_REF_TABLE: return T_OTHER;
    case LQ_REF_GROUP: case LQ_REF_TOTAL: return T_NUM;
    case LQ_REF_GRADE: return T_TEXT | T_MISSING;
    case LQ_REF_STAGE: case LQ_REF_REJECTED: return T_BOOL;
    case LQ_REF_FIELD: case LQ_REF_ITEM_FIELD: return T_ANY;
    default: return T_ANY | T_BLANK;
    }
  case LQ_FIELD: case LQ_GET: case LQ_INDEX: return T_ANY;
  case LQ_LOOKUP: return T_OTHER | T_MISSING;
  default: return T_BOOL;   /* and, or, not and every comparison */
  }
}

/* The grade an operand names, if it is one: its value is one of the labels. */
static const lq_node *grade_of(const lq_node *key) {
  return key->kind == LQ_NAME && key->ref_kind == LQ_REF_GRADE && key->ref ? key->ref : NULL;
}

/* Candidate values; the first few live in the struct, since every rule of a
 * 10,000-rule file is tried and most need only a handful. */
typedef struct cands { cval *v; size_t n, cap; cval local[16]; } cands;
#define CANDS_INIT(c) ((c).v = (c).local, (c).n = 0, (c).cap = 16)

static void cand_add(cands *c, cval v) {
  if (c->n == c->cap) {
    c->cap *= 2;
    cval *grown = c->v == c->local ? malloc(c->cap * sizeof *grown) : realloc(c->v, c->cap * sizeof *grown);
    if (!grown) abort();
    if (c->v == c->local) memcpy(grown, c->local, sizeof c->local);
    c->v = grown;
  }
  c->v[c->n++] = v;
}

static void cands_free(cands *c) {
  if (c->v != c->local) free(c->v);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void cand_const(cands *c, cands *nums, const cval *k) {
  if (k->t == T_NUM) cand_add(nums, *k);
  else if (k->t == T_TEXT) cand_add(c, *k);
}

/* Can one value of the operand satisfy every atom in set (indices into atoms)?
 * types: what the operand can be (T_ANY to ignore what is known about it). */
static bool satisfiable(const atom *atoms, const size_t *set, size_t n, int types, const lq_node *grade) {
  cands c, nums;
  CANDS_INIT(c);
  CANDS_INIT(nums);
  for (size_t i = 0; i < n; i++) {
    const atom *a = &atoms[set[i]];
    cand_const(&c, &nums, &a->k);
    cand_const(&c, &nums, &a->k2);
    if (a->list) {
      cval k;
      for (const lq_node *it = a->list->kids; it; it = it->next)
        if (const_val(it, &k)) cand_const(&c, &nums, &k);
    }
  }
  if (grade)
    for (const lq_node *arm = grade->kids; arm; arm = arm->next)
      cand_add(&c, (cval){.t = T_TEXT, .s = arm->a->str.s, .n = arm->a->str.n});
  cand_add(&c, (cval){.t = T_TEXT, .s = "\x01", .n = 1});   /* a text equal to no constant */
  cand_add(&c, (cval){.t = T_BOOL, .b = true});
  cand_add(&c, (cval){.t = T_BOOL, .b = false});
  cand_add(&c, (cval){.t = T_MISSING});
  cand_add(&c, (cval){.t = T_OTHER});
  /* Numbers: each constant, the points between neighbours, and beyond both ends. */
  double *x = malloc((nums.n + 1) * sizeof *x);
  if (!x) abort();
  for (size_t i = 0; i < nums.n; i++) x[i] = nums.v[i].num;
  qsort(x, nums.n, sizeof *x, cmp_double);
  if (!nums.n) cand_add(&c, (cval){.t = T_NUM, .num = 0});
  for (size_t i = 0; i < nums.n; i++) {
    cand_add(&c, (cval){.t = T_NUM, .num = x[i]});
    if (i + 1 < nums.n && x[i + 1] != x[i]) cand_add(&c, (cval){.t = T_NUM, .num = x[i] / 2 + x[i + 1] / 2});
  }
  if (nums.n) {
    cand_add(&c, (cval){.t = T_NUM, .num = x[0] - fabs(x[0]) - 1});
    cand_add(&c, (cval){.t = T_NUM, .num = x[nums.n - 1] + fabs(x[nums.n - 1]) + 1});
  }
  free(x);
  cands_free(&nums);
  bool ok = false;
  for (size_t i = 0; i < c.n && !ok; i++) {
    const cval *v = &c.v[i];
    if (!(v->t & types)) continue;
    if (v->t == T_TEXT && !(types & T_BLANK) && lq_text_blank(v->s, v->n)) continue;
    if (grade && v->t == T_TEXT) {
      bool label = false;
      for (const lq_node *arm = grade->kids; arm && !label; arm = arm->next)
        label = lq_text_eq(v->s, v->n, arm->a->str.s, arm->a->str.n);
      if (!label) continue;
    }
    ok = true;
    for (size_t j = 0; j < n && ok; j++) ok = admits(&atoms[set[j]], v);
  }
  cands_free(&c);
  return ok;
}

static const char *type_phrase(int types) {
  switch (types & ~(T_MISSING | T_BLANK)) {
  case T_NUM: return "a number";
  case T_TEXT: return "text";
  case T_BOOL: return "true or false";
  case T_OTHER: return "a list";
  default: return NULL;
  }
}

/* One atom that holds for no value: say why as precisely as we can. */
static void explain_atom(const checker *c, const atom *atoms, size_t idx, int types, const lq_node *grade, why *w) {
  const atom *a = &atoms[idx];
  char t1[72], t2[72];
  w->span = a->node->span;
  lq_check_excerpt(c, a->node->span, t1, sizeof t1);
  lq_check_excerpt(c, a->key->span, t2, sizeof t2);
  const char *phrase = type_phrase(types);
  if (!(types & T_BLANK) && satisfiable(atoms, &idx, 1, T_ANY | T_BLANK, NULL) &&
      !satisfiable(atoms, &idx, 1, T_ANY, NULL)) {
    snprintf(w->reason, sizeof w->reason, "'%s' is never true: empty text in a lead is a missing value", t1);
    snprintf(w->note, sizeof w->note, "to test for an empty field, write '%s is missing'", t2);
    return;
  }
  if (satisfiable(atoms, &idx, 1, T_ANY, NULL)) {
    if (grade && satisfiable(atoms, &idx, 1, types, NULL)) {
      char labels[300] = "";
      size_t len = 0;
      for (const lq_node *arm = grade->kids; arm && len < sizeof labels; arm = arm->next)
        len += (size_t)snprintf(labels + len, sizeof labels - len, "%s\"%s\"", len ? ", " : "", arm->a->str.s);
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: grade %s has no such label", t1, grade->str.s);
      snprintf(w->note, sizeof w->note, "its labels are %s (text compares ignoring case)", labels);
    } else if (a->op == A_TRUE) {
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: it is %s, and a condition holds only when it is true",
               t1, phrase ? phrase : "not true or false");
      snprintf(w->note, sizeof w->note, "compare it with something, e.g. '%s > 0' or '%s is present'", t2, t2);
    } else {
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: %s is %s", t1, t2, phrase ? phrase : "of another type");
      snprintf(w->note, sizeof w->note,
               "values of different types are never equal or in order; compare it with %s",
               phrase ? phrase : "a value of its own type");
    }
    return;
  }
  snprintf(w->reason, sizeof w->reason, "'%s' is never true", t1);
  if (a->op == A_BETWEEN && a->k.t == T_NUM && a->k2.t == T_NUM && a->k.num > a->k2.num)
  {
    char lo[32], hi[32];
    lq_num_human(a->k2.num, lo);
    lq_num_human(a->k.num, hi);
    snprintf(w->note, sizeof w->note, "between takes the lower limit first: between %s and %s", lo, hi);
  }
  else if (((a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN) &&
           (a->k.t == T_MISSING || a->k2.t == T_MISSING))
    snprintf(w->note, sizeof w->note, "null is the missing value, which is never in order; use 'is missing' or 'is present'");
  else if ((a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN)
    snprintf(w->note, sizeof w->note, "only numbers, or texts, are in order; compare it with a number");
  else if (a->op == A_IN && !a->list->kids)
    snprintf(w->note, sizeof w->note, "nothing is in an empty list");
  else
    snprintf(w->note, sizeof w->note, "no value satisfies it; check the constants");
}

/* The tests of one conjunction, defines written out in place. */
typedef struct conj { const lq_node **v; size_t n, cap; } conj;

static void flatten(const checker *c, const lq_node *n, conj *out, int depth) {
  if (n->kind == LQ_AND) {
    flatten(c, n->a, out, depth);
    flatten(c, n->b, out, depth);
    return;
  }
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_DEFINE && n->ref && n->ref->a && depth < MAX_DEPTH &&
      !(n->ref->slot >= 0 && c->define_never[n->ref->slot])) {
    flatten(c, n->ref->a, out, depth + 1);
    return;
  }
  if (out->n == out->cap) {
    out->cap = out->cap ? 2 * out->cap : 16;
    out->v = realloc(out->v, out->cap * sizeof *out->v);
    if (!out->v) abort();
  }
  out->v[out->n++] = n;
}

static bool never_true(const checker *c, const lq_node *n, why *w, int depth);

/* The atoms on one operand that cannot all hold: the smallest story we can tell. */
static void explain_group(const checker *c, const atom *atoms, const size_t *set, size_t n, int types,
                          const lq_node *grade, why *w) {
  for (size_t i = 0; i < n; i++)
    if (!satisfiable(atoms, &set[i], 1, types, grade)) {
      explain_atom(c, atoms, set[i], types, grade, w);
      return;
    }
  size_t m = 1;
  while (m < n && satisfiable(atoms, set, m + 1, types, grade)) m++;
  const atom *later = &atoms[set[m]];
  char t1[72], t2[72];
  lq_check_excerpt(c, later->node->span, t1, sizeof t1);
  w->span = later->node->span;
  snprintf(w->note, sizeof w->note, "no lead satisfies both; correct the limits, or use 'or' if either should do");
  for (size_t i = 0; i < m; i++) {
    size_t pair[2] = {set[i], set[m]};
    if (satisfiable(atoms, pair, 2, types, grade)) continue;
    const atom *earlier = &atoms[set[i]];
    int l1 = lq_check_line(c, earlier->node->span), l2 = lq_check_line(c, later->node->span);
    char where[40] = "";
    if (l1 != l2 || earlier->node->span.file != later->node->span.file) snprintf(where, sizeof where, " (line %d)", l1);
    snprintf(w->reason, sizeof w->reason, "'%s' contradicts '%s'%s", t1,
             lq_check_excerpt(c, earlier->node->span, t2, sizeof t2), where);
    return;
  }
  snprintf(w->reason, sizeof w->reason, "'%s' contradicts the tests of %s before it", t1,
           lq_check_excerpt(c, later->key->span, t2, sizeof t2));
  snprintf(w->note, sizeof w->note, "no lead satisfies them all; correct the limits, or use 'or' if either should do");
}

static bool never_true(const checker *c, const lq_node *n, why *w, int depth) {
  if (!n || depth > MAX_DEPTH) return false;
  char t[72];
  switch (n->kind) {
  case LQ_TRUE: return false;
  case LQ_FALSE: case LQ_NULL: case LQ_NUM: case LQ_STR: case LQ_LIST:
    w->span = n->span;
    snprintf(w->reason, sizeof w->reason, "'%s' is never true", lq_check_excerpt(c, n->span, t, sizeof t));
    snprintf(w->note, sizeof w->note, "a condition holds only when it is true; remove the rule, or write its condition");
    return true;
  case LQ_OR: {
    why other;
    return never_true(c, n->a, w, depth + 1) && never_true(c, n->b, &other, depth + 1);
  }
  case LQ_CALL:
    /* any(L where C) and every(L where C) hold for no lead when C holds for no item. */
    if ((n->slot == LQ_FN_any || n->slot == LQ_FN_every) && n->kids && n->kids->kind == LQ_WHERE)
      return never_true(c, n->kids->b, w, depth + 1);
    break;
  default: break;
  }
  conj parts = {0};
  flatten(c, n, &parts, depth);
  atom *atoms = malloc((parts.n + 1) * sizeof *atoms);
  size_t *set = malloc((parts.n + 1) * sizeof *set);
  bool *done = calloc(parts.n + 1, sizeof *done);
  if (!atoms || !set || !done) abort();
  size_t na = 0;
  bool found = false;
  for (size_t i = 0; i < parts.n && !found; i++) {
    const lq_node *p = parts.v[i];
    /* Whatever is not a test of an operand may still be false on its own. */
    if (p != n && !is_operand(p) && p->kind != LQ_NOT) found = never_true(c, p, w, depth + 1);
    else if (p != n && p->kind == LQ_CALL) found = never_true(c, p, w, depth + 1);
    if (!found && atom_of(p, &atoms[na])) na++;
  }
  for (size_t i = 0; i < na && !found; i++) {
    if (done[i]) continue;
    size_t m = 0;
    for (size_t j = i; j < na; j++)
      if (!done[j] && same_expr(atoms[i].key, atoms[j].key)) { set[m++] = j; done[j] = true; }
    const lq_node *grade = grade_of(atoms[i].key);
    int types = lq_check_value_types(atoms[i].key, 0);
    if (!satisfiable(atoms, set, m, types, grade)) {
      explain_group(c, atoms, set, m, types, grade, w);
      found = true;
    }
  }
  free(atoms);
  free(set);
  free(done);
  free(parts.v);
  return found;
}

static bool is_condition(const lq_node *n) {
  return n && (lq_check_value_types(n, MAX_DEPTH) == T_BOOL) && !is_operand(n) && n->kind != LQ_TRUE && n->kind != LQ_FALSE;
}

/* Warns when a declaration's condition can never hold. */
void lq_check_never(checker *c, lq_node *d) {
  why w = {0};
  char what[200];
  switch (d->kind) {
  case LQ_DEFINE:
    if (!is_condition(d->a) || !never_true(c, d->a, &w, 0)) return;
    if (d->slot >= 0) c->define_never[d->slot] = true;
    snprintf(what, sizeof what, "define '%s' is never true", d->str.s);
    break;
  case LQ_REJECT:
    if (!never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "reject \"%s\" can never fire", d->a->str.s);
    break;
  case LQ_STAGE:
    if (!never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "stage %s can never be reached", d->str.s);
    break;
  case LQ_ROUTE:
    if (d->otherwise || !never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "route \"%s\" can never be chosen", d->a->str.s);
    break;
  default: return;
  }
  lq_diag_warning(c->d, w.span, "%s: %s", what, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

void lq_check_never_points(checker *c, lq_node *it) {
  why w = {0};
  const lq_node *cond = it->per ? (it->c && it->c->kind == LQ_WHERE ? it->c->b : NULL) : it->c;
  if (!cond || !never_true(c, cond, &w, 0)) return;
  lq_diag_warning(c->d, w.span, "rule \"%s\" can never fire: %s", it->b->str.s, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

void lq_check_never_arm(checker *c, lq_node *g, lq_node *arm) {
  why w = {0};
  if (arm->otherwise || !never_true(c, arm->b, &w, 0)) return;
  lq_diag_warning(c->d, w.span, "grade %s can never be \"%s\": %s", g->str.s, arm->a->str.s, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

