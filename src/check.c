/* check.c: resolves names in declaration order and reports what is wrong.
 * Everything must be declared before it is used, so one pass in order suffices;
 * a first pass only collects names, to say "declared later" instead of guessing. */
#include "check.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

typedef struct sym {
  const char *name;
  uint32_t len;
  lq_node *decl;
  int order;              /* position of the declaration in the file */
} sym;

typedef struct symtab { sym *slots; uint32_t mask; } symtab;

typedef struct checker {
  lq_diags *d;
  const lq_sources *src;
  symtab names, teams;
  int order;              /* the declaration being checked */
  int where_depth;
  lq_node *last_group, *last_reject;
  int last_group_order, last_reject_order;
} checker;

static uint64_t hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

static void symtab_init(symtab *t, size_t n) {
  uint32_t cap = 16;
  while (cap < 2 * n + 1) cap *= 2;
  t->slots = calloc(cap, sizeof *t->slots);
  if (!t->slots) abort();
  t->mask = cap - 1;
}

static sym *symtab_slot(const symtab *t, const char *s, size_t n) {
  for (uint32_t i = (uint32_t)hash(s, n) & t->mask;; i = (i + 1) & t->mask) {
    sym *e = &t->slots[i];
    if (!e->name || (e->len == n && memcmp(e->name, s, n) == 0)) return e;
  }
}

static int line_of(const checker *c, lq_span at) {
  int line, col;
  lq_sources_position(c->src, at.file, at.begin, &line, &col);
  return line;
}

int lq_edit_distance(const char *a, size_t an, const char *b, size_t bn, int cap) {
  if (an > 64 || bn > 64) return cap + 1;
  int diff = (int)an - (int)bn;
  if (diff > cap || -diff > cap) return cap + 1;
  int row[65];
  for (size_t j = 0; j <= bn; j++) row[j] = (int)j;
  for (size_t i = 1; i <= an; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= bn; j++) {
      int up = row[j];
      int sub = diag + (a[i - 1] != b[j - 1]);
      int ins = row[j - 1] + 1, del = up + 1;
      row[j] = sub < ins ? (sub < del ? sub : del) : (ins < del ? ins : del);
      diag = up;
    }
  }
  return row[bn];
}

/* The name closest to s, if close enough to be a typo: one edit for names of
 * up to four letters, two for longer ones. */
static const char *near_miss(const symtab *t, const char *const *extra, const char *s, size_t n) {
  const char *best = NULL;
  int best_d = 3;
  for (uint32_t i = 0; t && i <= t->mask; i++) {
    const sym *e = &t->slots[i];
    if (!e->name) continue;
    int cap = e->len <= 4 ? 1 : 2;
    int dist = lq_edit_distance(s, n, e->name, e->len, cap);
    if (dist <= cap && dist < best_d) { best = e->name; best_d = dist; }
  }
  for (; extra && *extra; extra++) {
    size_t len = strlen(*extra);
    int cap = len <= 4 ? 1 : 2;
    int dist = lq_edit_distance(s, n, *extra, len, cap);
    if (dist <= cap && dist < best_d) { best = *extra; best_d = dist; }
  }
  return best;
}

static const char *kind_word(lq_kind k) {
  switch (k) {
  case LQ_LISTDECL: return "list";
  case LQ_DEFINE: return "define";
  case LQ_SCORE: return "score group";
  case LQ_GRADE: return "grade";
  case LQ_STAGE: return "stage";
  default: return "name";
  }
}

static bool is(lq_str s, const char *word) { return s.n == strlen(word) && !memcmp(s.s, word, s.n); }

static void expr(checker *c, lq_node *n);

/* A bare name: a declaration seen earlier, `lead`, `score`, `rejected`, or a field. */
static void resolve_name(checker *c, lq_node *n) {
  static const char *const builtins[] = {"score", "rejected", "lead", NULL};
  if (is(n->str, "lead")) { n->ref_kind = LQ_REF_LEAD; return; }
  if (is(n->str, "score")) {
    n->ref_kind = LQ_REF_TOTAL;
    if (c->last_group && c->order <= c->last_group_order)
      lq_diag_error(c->d, n->span, "'score' is the total of every score group, so it can only be used after the last one (line %d)",
                    line_of(c, c->last_group->span));
    return;
  }
  if (is(n->str, "rejected")) {
    n->ref_kind = LQ_REF_REJECTED;
    if (c->last_reject && c->order <= c->last_reject_order)
      lq_diag_error(c->d, n->span, "'rejected' depends on every reject rule, so it can only be used after the last one (line %d)",
                    line_of(c, c->last_reject->span));
    return;
  }
  sym *e = symtab_slot(&c->names, n->str.s, n->str.n);
  if (e->name) {
    if (e->order == c->order) {
      lq_diag_error(c->d, n->span, "'%s' is used in its own declaration", e->name);
      lq_diag_note(c->d, "a rule cannot depend on itself; write the condition out, or use a define declared before it");
    } else if (e->order > c->order) {
      lq_diag_error(c->d, n->span, "'%s' is declared later (line %d); declare it before it is used",
                    e->name, line_of(c, e->decl->span));
      lq_diag_note(c->d, "rules are evaluated top to bottom, so move the %s above this line, or write `%s` in backquotes if you mean the lead field",
                   kind_word(e->decl->kind), e->name);
    }
    n->ref = e->decl;
    n->slot = e->decl->slot;
    switch (e->decl->kind) {
    case LQ_LISTDECL: n->ref_kind = LQ_REF_LIST; break;
    case LQ_DEFINE: n->ref_kind = LQ_REF_DEFINE; break;
    case LQ_SCORE: n->ref_kind = LQ_REF_GROUP; break;
    case LQ_GRADE: n->ref_kind = LQ_REF_GRADE; break;
    default: n->ref_kind = LQ_REF_STAGE; break;
    }
    return;
  }
  const char *near = near_miss(&c->names, builtins, n->str.s, n->str.n);
  if (near) {
    lq_diag_error(c->d, n->span, "unknown name '%s'; did you mean '%s'?", n->str.s, near);
    lq_diag_note(c->d, "a name close to a declared one is taken as a typo; write `%s` in backquotes if you mean the lead field",
                 n->str.s);
  }
  n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD;
}

static void call(checker *c, lq_node *n) {
  int fn = lq_func_find(n->str.s, n->str.n);
  int nargs = 0;
  for (lq_node *a = n->kids; a; a = a->next) nargs++;
  if (fn < 0) {
    const char *names[LQ_FN_COUNT + 1];
    for (int i = 0; i < LQ_FN_COUNT; i++) names[i] = lq_funcs[i].name;
    names[LQ_FN_COUNT] = NULL;
    const char *near = near_miss(NULL, names, n->str.s, n->str.n);
    if (near)
      lq_diag_error(c->d, n->name_span, "unknown function '%s'; did you mean '%s'?", n->str.s, near);
    else
      lq_diag_error(c->d, n->name_span, "unknown function '%s'", n->str.s);
    lq_diag_note(c->d, "the functions are lower upper trim len domain number coalesce abs round floor ceil min max sum count any every latest earliest days_since date");
  } else {
    const lq_func *f = &lq_funcs[fn];
    n->slot = fn;
    if (nargs < f->min_args || (f->max_args >= 0 && nargs > f->max_args)) {
      if (f->min_args == f->max_args)
        lq_diag_error(c->d, n->span, "%s() takes %d argument%s, not %d", f->name, f->min_args,
                      f->min_args == 1 ? "" : "s", nargs);
      else if (f->max_args < 0)
        lq_diag_error(c->d, n->span, "%s() takes at least %d argument%s", f->name, f->min_args,
                      f->min_args == 1 ? "" : "s");
      else
        lq_diag_error(c->d, n->span, "%s() takes %d to %d arguments, not %d", f->name, f->min_args,
                      f->max_args, nargs);
    }
  }
  int i = 0;
  for (lq_node *a = n->kids; a; a = a->next, i++) {
    if (a->kind == LQ_WHERE && (fn < 0 || !lq_funcs[fn].takes_where || i > 0 || nargs > 1)) {
      lq_diag_error(c->d, a->span, "'where' filters a list given alone to sum, count, any, every, min, max, latest or earliest");
    }
    expr(c, a);
  }
}

static void regex_check(checker *c, lq_node *n) {
  if (n->b->kind != LQ_STR) {
    lq_diag_error(c->d, n->b->span, "'matches' needs a regular expression in quotes here");
    return;
  }
  regex_t re;
  int rc = regcomp(&re, n->b->str.s, REG_EXTENDED | REG_ICASE | REG_NOSUB);
  if (rc) {
    char buf[256];
    regerror(rc, &re, buf, sizeof buf);
    lq_diag_error(c->d, n->b->span, "bad regular expression: %s", buf);
    lq_diag_note(c->d, "patterns are POSIX extended regular expressions, e.g. \"^(vp|chief) \"");
    return;
  }
  regfree(&re);
}

static void expr(checker *c, lq_node *n) {
  if (!n) return;
  switch (n->kind) {
  case LQ_NAME: resolve_name(c, n); return;
  case LQ_FIELD: n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD; return;
  case LQ_CALL: call(c, n); return;
  case LQ_WHERE:
    expr(c, n->a);
    c->where_depth++;
    expr(c, n->b);
    c->where_depth--;
    return;
  case LQ_INDEX:
    if (n->num != floor(n->num) || fabs(n->num) > 1e9)
      lq_diag_error(c->d, n->span, "a list index is a whole number, like [0] for the first item or [-1] for the last");
    expr(c, n->a);
    return;
  case LQ_LIST:
    for (lq_node *k = n->kids; k; k = k->next) expr(c, k);
    return;
  case LQ_MATCHES:
    expr(c, n->a);
    regex_check(c, n);
    return;
  default:
    expr(c, n->a);
    expr(c, n->b);
    expr(c, n->c);
    return;
  }
}

static void owner(checker *c, lq_node *d) {
  if (!d->owner.s) return;
  sym *e = symtab_slot(&c->teams, d->owner.s, d->owner.n);
  if (!e->name) {
    const char *near = near_miss(&c->teams, NULL, d->owner.s, d->owner.n);
    if (near)
      lq_diag_error(c->d, d->owner_span, "unknown team '%s'; did you mean '%s'?", d->owner.s, near);
    else {
      lq_diag_error(c->d, d->owner_span, "unknown team '%s'", d->owner.s);
      lq_diag_note(c->d, "declare it first: team %s \"Name <email>\"", d->owner.s);
    }
  } else if (e->order > c->order) {
    lq_diag_error(c->d, d->owner_span, "team '%s' is declared later (line %d); declare teams first",
                  d->owner.s, line_of(c, e->decl->span));
  }
}

static bool is_constant(const lq_node *n) {
  switch (n->kind) {
  case LQ_NUM: case LQ_STR: case LQ_TRUE: case LQ_FALSE: case LQ_NULL: return true;
  case LQ_NEG: return n->a->kind == LQ_NUM;
  default: return false;
  }
}

static void score_group(checker *c, lq_node *g) {
  lq_node *cap = NULL, *decay = NULL;
  for (lq_node *it = g->kids; it; it = it->next) {
    switch (it->kind) {
    case LQ_CAP:
      if (cap) lq_diag_error(c->d, it->span, "score group '%s' already has a cap (line %d); keep one 'up to'",
                             g->str.s, line_of(c, cap->span));
      cap = it;
      break;
    case LQ_DECAY:
      if (decay) lq_diag_error(c->d, it->span, "score group '%s' already decays (line %d); keep one 'decay'",
                               g->str.s, line_of(c, decay->span));
      decay = it;
      if (it->num <= 0 || it->num > 100)
        lq_diag_error(c->d, it->span, "decay is a percentage above 0 and at most 100");
      if (it->a->num <= 0)
        lq_diag_error(c->d, it->a->span, "decay needs a period of at least one day");
      expr(c, it->b);
      break;
    case LQ_POINTS:
      expr(c, it->a);
      expr(c, it->c);
      if (it->per && it->d && it->d->num < 0)
        lq_diag_error(c->d, it->d->span, "a cap is a number of points, 0 or more");
      break;
    default: break;
    }
  }
}

static void arms(checker *c, lq_node *g) {
  lq_node *other = NULL;
  int n = 0;
  for (lq_node *a = g->kids; a; a = a->next, n++) {
    if (other)
      lq_diag_warning(c->d, a->span, "grade '%s' never reaches this label: 'otherwise' (line %d) comes first",
                      g->str.s, line_of(c, other->span));
    if (a->otherwise && !other) other = a;
    expr(c, a->b);
  }
  if (!n) lq_diag_error(c->d, g->span, "grade '%s' has no labels; add lines like \"A\" when COND", g->str.s);
}

size_t lq_check(lq_node *decls, const lq_sources *src, lq_diags *diags) {
  size_t errors_before = diags->errors;
  checker c = {0};
  c.d = diags;
  c.src = src;
  size_t ndecls = 0;
  for (lq_node *d = decls; d; d = d->next) ndecls++;
  symtab_init(&c.names, ndecls);
  symtab_init(&c.teams, ndecls);

  /* Pass 1: names, slots and where the aggregates end. */
  int slots[LQ_KIND_COUNT] = {0};
  int order = 0;
  lq_node *ruleset = NULL;
  for (lq_node *d = decls; d; d = d->next, order++) {
    d->slot = slots[d->kind]++;
    switch (d->kind) {
    case LQ_RULESET:
      if (ruleset)
        lq_diag_error(diags, d->span, "the ruleset is already named (line %d); a rules file has one 'ruleset' line",
                      line_of(&c, ruleset->span));
      ruleset = d;
      break;
    case LQ_TEAM: {
      sym *e = symtab_slot(&c.teams, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "team '%s' is already declared (line %d)", d->str.s,
                      line_of(&c, e->decl->span));
      else
        *e = (sym){d->str.s, d->str.n, d, order};
      break;
    }
    case LQ_SCORE: c.last_group = d; c.last_group_order = order; goto named;
    case LQ_LISTDECL: case LQ_DEFINE: case LQ_GRADE: case LQ_STAGE:
    named: {
      if (is(d->str, "score") || is(d->str, "rejected") || is(d->str, "lead")) {
        lq_diag_error(diags, d->name_span, "'%s' is a reserved name; choose another", d->str.s);
        break;
      }
      sym *e = symtab_slot(&c.names, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "'%s' is already declared as a %s (line %d); names must be unique",
                      d->str.s, kind_word(e->decl->kind), line_of(&c, e->decl->span));
      else
        *e = (sym){d->str.s, d->str.n, d, order};
      break;
    }
    case LQ_REJECT: c.last_reject = d; c.last_reject_order = order; break;
    default: break;
    }
  }

  /* Pass 2: every declaration in order. */
  order = 0;
  lq_node *route_otherwise = NULL;
  for (lq_node *d = decls; d; d = d->next, order++) {
    c.order = order;
    owner(&c, d);
    switch (d->kind) {
    case LQ_LISTDECL:
      for (lq_node *k = d->a->kids; k; k = k->next)
        if (!is_constant(k))
          lq_diag_error(diags, k->span, "a list holds constants: quoted text, numbers, true, false or null");
      break;
    case LQ_DEFINE: expr(&c, d->a); break;
    case LQ_SCORE: score_group(&c, d); break;
    case LQ_GRADE: arms(&c, d); break;
    case LQ_REJECT: case LQ_STAGE: expr(&c, d->b); break;
    case LQ_ROUTE:
      if (route_otherwise)
        lq_diag_warning(diags, d->span, "route \"%s\" can never be chosen: 'otherwise' (line %d) comes first",
                        d->a->str.s, line_of(&c, route_otherwise->span));
      if (d->otherwise && !route_otherwise) route_otherwise = d;
      expr(&c, d->b);
      break;
    default: break;
    }
  }
  free(c.names.slots);
  free(c.teams.slots);
  return diags->errors - errors_before;
}
