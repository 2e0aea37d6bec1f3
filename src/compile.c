/* compile.c: lowers the checked syntax tree to the program model (program.h):
 * paths become key arrays, declared names become slots, constant lists become
 * hash sets, regexes are compiled once. */
#include "compile.h"

#include "json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "expect.h"
#include "parse.h"
#include "pattern.h"

/* ---- expressions ---- */

/* Distinct paths by a canonical key, each given the next id on its first use. */
typedef struct path_table {
  lq_hash index;
  lq_str *keys;      /* by id */
  int n, cap;
} path_table;

typedef struct compiler {
  lq_program *p;
  lq_arena *a;
  lq_site *sites;
  int nsites, sites_cap;
  /* Lead paths, so each is walked once per lead: the id is the memo slot. */
  path_table memo;
  /* Every field the rules read (program.h lq_field), found by root, list and path. */
  path_table field_keys;
  lq_field *fields;
  int fields_cap;
  int item_list;     /* inside `where`: the field of the list whose items it reads, or -1 */
  int last_field;    /* the field of the path compiled last, or -1 */
  char *key;         /* the key being built */
  size_t key_len, key_cap;
  /* Each `list` declaration compiled once (by slot): its items and hash set are
   * shared by every rule that names it. */
  lq_expr **lists;
  int lists_cap;
} compiler;

static void key_put(compiler *c, const void *s, size_t n) {
  if (c->key_cap - c->key_len < n) {
    while (c->key_cap - c->key_len < n) c->key_cap = c->key_cap ? 2 * c->key_cap : 256;
    c->key = realloc(c->key, c->key_cap);
    if (!c->key) abort();
  }
  memcpy(c->key + c->key_len, s, n);
  c->key_len += n;
}

/* Appends a path's key: each step as a tag, then a key's length and bytes or
 * an index's value, so a.`[0]` and a[0] differ. */
static void path_key(compiler *c, const lq_seg *segs, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t v = segs[i].is_index ? (uint32_t)segs[i].index : segs[i].len;
    key_put(c, segs[i].is_index ? "i" : "k", 1);
    key_put(c, &v, sizeof v);
    if (!segs[i].is_index) key_put(c, segs[i].key, segs[i].len);
  }
}

/* The id of the key built in c->key: the one it got first, or the next one. */
static int table_id(compiler *c, path_table *t) {
  if (!t->index.slots) lq_hash_init(&t->index, NULL, 32);
  uint64_t h = lq_hash_bytes(c->key, c->key_len);
  uint32_t i;
  for (i = lq_hash_first(&t->index, h); t->index.slots[i].id >= 0; i = lq_hash_next(&t->index, i)) {
    const lq_str *k = &t->keys[t->index.slots[i].id];
    if (lq_hash_hit(&t->index, i, h) && k->n == c->key_len && !memcmp(k->s, c->key, c->key_len)) return t->index.slots[i].id;
  }
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 32;
    t->keys = realloc(t->keys, (size_t)t->cap * sizeof *t->keys);
    if (!t->keys) abort();
  }
  t->keys[t->n] = (lq_str){lq_arena_strndup(c->a, c->key, c->key_len), (uint32_t)c->key_len};
  lq_hash_put(&t->index, i, h, t->n);
  return t->n++;
}

/* The memo slot of a path from the lead, the same for every use of the same path. */
static int path_slot(compiler *c, const lq_seg *segs, uint32_t n) {
  c->key_len = 0;
  path_key(c, segs, n);
  return table_id(c, &c->memo);
}

static const char *source_text(compiler *c, lq_span s) {
  const lq_source *f = &c->p->sources.files[s.file];
  return lq_arena_strndup(c->a, f->text + s.begin, s.end - s.begin);
}

/* Records the field a path reads (the first use of each path gives its text
 * and span); returns its index, or -1 for a path inside `where` whose list is
 * not a field (a define, a literal, a call), whose items cannot be found. */
static int note_field(compiler *c, uint8_t root, const lq_seg *segs, uint32_t n, lq_span span) {
  int32_t list = root == LQ_ROOT_ITEM ? c->item_list : -1;
  if (root == LQ_ROOT_ITEM && list < 0) return -1;
  c->key_len = 0;
  key_put(c, &root, 1);
  key_put(c, &list, sizeof list);
  path_key(c, segs, n);
  int id = table_id(c, &c->field_keys);
  if (id < c->p->nfields) return id;
  if (c->p->nfields == c->fields_cap) {
    c->fields_cap = c->fields_cap ? 2 * c->fields_cap : 16;
    c->fields = realloc(c->fields, (size_t)c->fields_cap * sizeof *c->fields);
    if (!c->fields) abort();
  }
  c->fields[c->p->nfields++] = (lq_field){segs, n, root, list, source_text(c, span), span};
  return id;
}

static lq_expr *new_expr(compiler *c, lq_op op, lq_span span) {
  lq_expr *e = lq_arena_zalloc(c->a, sizeof *e);
  e->op = (uint8_t)op;
  e->span = span;
  e->slot = -1;
  e->site = -1;
  return e;
}

static bool is_const(const lq_expr *e) { return e && e->op == LQ_OP_CONST; }

static int new_site(compiler *c, const lq_expr *x, const lq_expr *y, bool arith) {
  if (c->nsites == c->sites_cap) {
    c->sites_cap = c->sites_cap ? 2 * c->sites_cap : 16;
    c->sites = realloc(c->sites, (size_t)c->sites_cap * sizeof *c->sites);
    if (!c->sites) abort();
  }
  /* Blame the operand that came from the lead; the other, if constant, is the expectation. */
  const lq_expr *blame = is_const(x) && y ? y : x;
  const lq_expr *other = blame == x ? y : x;
  c->sites[c->nsites] = (lq_site){blame->span, source_text(c, blame->span),
                                  other && !is_const(other) ? source_text(c, other->span) : NULL, arith};
  return c->nsites++;
}

static lq_expr *compile(compiler *c, const lq_node *n);

/* A number in the rules as a value: a whole one of more than 15 digits is
 * kept as its digits, as the same number in a lead or a table is, so
 * `accounts[12345678901234567890]` and `id == 12345678901234567890` compare
 * it exactly. neg: it has a minus before it. */
static lq_value num_value(compiler *c, const lq_node *n, bool neg) {
  const lq_source *f = &c->p->sources.files[n->span.file];
  size_t len = n->span.end - n->span.begin;
  if (!lq_long_whole(f->text + n->span.begin, len)) return lq_num(neg ? -n->num : n->num);
  char *s = lq_arena_alloc(c->a, len + 2);
  s[0] = '-';
  memcpy(s + 1, f->text + n->span.begin, len);
  s[len + 1] = '\0';
  return lq_value_digits(NULL, neg ? s : s + 1, len + neg);
}

static lq_value const_value(compiler *c, const lq_node *n, bool *ok) {
  *ok = true;
  switch (n->kind) {
  case LQ_NUM: return num_value(c, n, false);
  case LQ_STR: return lq_strv(n->str.s, n->str.n);
  case LQ_TRUE: return lq_bool(true);
  case LQ_FALSE: return lq_bool(false);
  case LQ_NULL: return LQ_NOVALUE;
  case LQ_NEG: if (n->a->kind == LQ_NUM) return num_value(c, n->a, true); break;
  default: break;
  }
  *ok = false;
  return LQ_NOVALUE;
}

/* [a, b, c]: a constant list when every item is constant, else built per lead. */
static lq_expr *list_literal(compiler *c, const lq_node *n) {
  uint32_t count = 0;
  bool all_const = true, ok;
  for (const lq_node *k = n->kids; k; k = k->next, count++) {
    const_value(c, k, &ok);
    all_const &= ok;
  }
  if (all_const) {
    lq_value *items = lq_arena_alloc(c->a, (count ? count : 1) * sizeof *items);
    uint32_t i = 0;
    for (const lq_node *k = n->kids; k; k = k->next) items[i++] = const_value(c, k, &ok);
    lq_expr *e = new_expr(c, LQ_OP_CONST, n->span);
    e->k = (lq_value){.kind = LQ_V_LIST, .n = count, .items = items};
    e->set = lq_set_build(c->a, items, count);
    return e;
  }
  lq_expr *e = new_expr(c, LQ_OP_LISTLIT, n->span);
  e->nargs = count;
  e->args = lq_arena_alloc(c->a, (count ? count : 1) * sizeof *e->args);
  uint32_t i = 0;
  for (const lq_node *k = n->kids; k; k = k->next) e->args[i++] = compile(c, k);
  return e;
}

/* a.b[0].c: one PATH with the keys resolved now, not per lead. */
static lq_expr *path(compiler *c, const lq_node *n) {
  uint32_t count = 0;
  const lq_node *base = n;
  while (base->kind == LQ_GET || base->kind == LQ_INDEX) { count++; base = base->a; }
  bool base_is_field = (base->kind == LQ_NAME || base->kind == LQ_FIELD) &&
                       (base->ref_kind == LQ_REF_FIELD || base->ref_kind == LQ_REF_ITEM_FIELD);
  if (base_is_field) count++;
  lq_expr *e = new_expr(c, LQ_OP_PATH, n->span);
  lq_seg *segs = lq_arena_zalloc(c->a, (count ? count : 1) * sizeof *segs);
  e->segs = segs;
  e->nsegs = count;
  if (base_is_field) {
    e->root = base->ref_kind == LQ_REF_ITEM_FIELD ? LQ_ROOT_ITEM : LQ_ROOT_LEAD;
    segs[0] = (lq_seg){base->str.s, base->str.n, 0, false};
  } else if (base->kind == LQ_NAME && base->ref_kind == LQ_REF_LEAD) {
    e->root = LQ_ROOT_LEAD;
    if (!count) c->p->reads_lead = true;
  } else {
    e->root = LQ_ROOT_EXPR;
    e->a = compile(c, base);
  }
  uint32_t i = count;
  for (const lq_node *k = n; k != base; k = k->a) {
    i--;
    if (k->kind == LQ_GET) segs[i] = (lq_seg){k->str.s, k->str.n, 0, false};
    else segs[i] = (lq_seg){NULL, 0, (int32_t)k->num, true};
  }
  if (e->root == LQ_ROOT_LEAD && count) e->slot = path_slot(c, segs, count);
  c->last_field = e->root != LQ_ROOT_EXPR && count ? note_field(c, e->root, segs, count, n->span) : -1;
  if (e->root == LQ_ROOT_ITEM) e->slot = c->last_field;   /* items' values are kept per field (eval.c) */
  return e;
}

static lq_expr *name(compiler *c, const lq_node *n) {
  lq_expr *e;
  switch (n->ref_kind) {
  case LQ_REF_LIST: {
    int s = n->ref->slot;
    if (s >= c->lists_cap) {
      int cap = c->lists_cap ? c->lists_cap : 8;
      while (cap <= s) cap *= 2;
      c->lists = realloc(c->lists, (size_t)cap * sizeof *c->lists);
      if (!c->lists) abort();
      memset(c->lists + c->lists_cap, 0, (size_t)(cap - c->lists_cap) * sizeof *c->lists);
      c->lists_cap = cap;
    }
    if (!c->lists[s]) c->lists[s] = list_literal(c, n->ref->a);
    e = lq_arena_alloc(c->a, sizeof *e);
    *e = *c->lists[s];   /* the same items and set, this use's span (for explain) */
    e->span = n->span;
    return e;
  }
  case LQ_REF_DEFINE: e = new_expr(c, LQ_OP_DEFINE, n->span); e->slot = n->ref->slot; return e;
  case LQ_REF_GROUP: e = new_expr(c, LQ_OP_GROUP, n->span); e->slot = n->ref->slot; return e;
  case LQ_REF_GRADE: e = new_expr(c, LQ_OP_GRADE, n->span); e->slot = n->ref->slot; return e;
  case LQ_REF_STAGE: e = new_expr(c, LQ_OP_STAGE, n->span); e->slot = n->ref->slot; return e;
  case LQ_REF_TOTAL: return new_expr(c, LQ_OP_TOTAL, n->span);
  case LQ_REF_TABLE: e = new_expr(c, LQ_OP_TABLE, n->span); e->table = n->ref->table; return e;
  case LQ_REF_REJECTED: return new_expr(c, LQ_OP_REJECTED, n->span);
  default: return path(c, n);
  }
}

static lq_op binary_op(lq_kind k) {
  switch (k) {
  case LQ_AND: return LQ_OP_AND;        case LQ_OR: return LQ_OP_OR;
  case LQ_EQ: return LQ_OP_EQ;          case LQ_NE: return LQ_OP_NE;
  case LQ_LT: return LQ_OP_LT;          case LQ_LE: return LQ_OP_LE;
  case LQ_GT: return LQ_OP_GT;          case LQ_GE: return LQ_OP_GE;
  case LQ_ADD: return LQ_OP_ADD;        case LQ_SUB: return LQ_OP_SUB;
  case LQ_MUL: return LQ_OP_MUL;        case LQ_DIV: return LQ_OP_DIV;
  case LQ_IN: return LQ_OP_IN;          case LQ_NOT_IN: return LQ_OP_NOT_IN;
  case LQ_BETWEEN: return LQ_OP_BETWEEN;
  case LQ_CONTAINS: return LQ_OP_CONTAINS;     case LQ_CONTAINS_ANY: return LQ_OP_CONTAINS_ANY;
  case LQ_STARTS: return LQ_OP_STARTS;         case LQ_STARTS_ANY: return LQ_OP_STARTS_ANY;
  case LQ_ENDS: return LQ_OP_ENDS;             case LQ_ENDS_ANY: return LQ_OP_ENDS_ANY;
  case LQ_MATCHES: return LQ_OP_MATCHES;
  case LQ_NOT: return LQ_OP_NOT;        case LQ_NEG: return LQ_OP_NEG;
  case LQ_MISSING: return LQ_OP_MISSING; case LQ_PRESENT: return LQ_OP_PRESENT;
  case LQ_WHERE: return LQ_OP_WHERE;
  default: return LQ_OP_COUNT;
  }
}

static lq_expr *compile(compiler *c, const lq_node *n) {
  if (!n) return NULL;
  bool ok;
  lq_value k = const_value(c, n, &ok);
  if (ok) {
    lq_expr *e = new_expr(c, LQ_OP_CONST, n->span);
    e->k = k;
    return e;
  }
  switch (n->kind) {
  case LQ_LIST: return list_literal(c, n);
  case LQ_NAME: case LQ_FIELD: return name(c, n);
  case LQ_GET: case LQ_INDEX: return path(c, n);
  case LQ_WHERE: {
    /* The condition's fields are read from the list's items: name the list for them. */
    lq_expr *e = new_expr(c, LQ_OP_WHERE, n->span);
    e->a = compile(c, n->a);
    int outer = c->item_list;
    c->item_list = e->a && e->a->op == LQ_OP_PATH && e->a->root != LQ_ROOT_EXPR ? c->last_field : -1;
    e->b = compile(c, n->b);
    c->item_list = outer;
    return e;
  }
  case LQ_LOOKUP: {
    lq_expr *e = new_expr(c, LQ_OP_LOOKUP, n->span);
    e->table = n->table;
    for (const lq_node *key = n->kids; key; key = key->next) e->nargs++;
    e->args = lq_arena_alloc(c->a, (e->nargs ? e->nargs : 1) * sizeof *e->args);
    uint32_t i = 0;
    for (const lq_node *key = n->kids; key; key = key->next) e->args[i++] = compile(c, key);
    return e;
  }
  case LQ_CALL: {
    lq_expr *e = new_expr(c, LQ_OP_CALL, n->span);
    e->fn = (uint8_t)n->slot;
    for (const lq_node *a = n->kids; a; a = a->next) e->nargs++;
    e->args = lq_arena_alloc(c->a, (e->nargs ? e->nargs : 1) * sizeof *e->args);
    uint32_t i = 0;
    for (const lq_node *a = n->kids; a; a = a->next) e->args[i++] = compile(c, a);
    return e;
  }
  default: break;
  }
  lq_op op = binary_op(n->kind);
  lq_expr *e = new_expr(c, op, n->span);
  e->a = compile(c, n->a);
  e->b = compile(c, n->b);
  e->c = compile(c, n->c);
  switch (op) {
  case LQ_OP_EQ: case LQ_OP_NE: case LQ_OP_LT: case LQ_OP_LE: case LQ_OP_GT: case LQ_OP_GE:
  case LQ_OP_BETWEEN: case LQ_OP_CONTAINS: case LQ_OP_STARTS: case LQ_OP_ENDS: case LQ_OP_MATCHES:
  case LQ_OP_CONTAINS_ANY: case LQ_OP_STARTS_ANY: case LQ_OP_ENDS_ANY:
    e->site = new_site(c, e->a, e->b, false);
    break;
  case LQ_OP_IN: case LQ_OP_NOT_IN:
    e->site = new_site(c, e->a, e->b, false);
    if (is_const(e->b) && e->b->set) e->set = e->b->set;
    break;
  case LQ_OP_ADD: case LQ_OP_SUB: case LQ_OP_MUL: case LQ_OP_DIV: case LQ_OP_NEG:
    e->site = new_site(c, e->a, e->b, true);
    break;
  default: break;
  }
  if (op == LQ_OP_MATCHES && n->b->kind == LQ_STR) {
    regex_t *re = lq_arena_alloc(c->a, sizeof *re);
    size_t at, len;   /* the checker refused what lq_pattern_check does; a program with errors is never run */
    if (!lq_pattern_check(n->b->str.s, n->b->str.n, &at, &len) && lq_pattern_compile(re, n->b->str.s, n->b->str.n) == 0) {
      e->re = re;
      c->p->regexes = lq_mem_realloc(c->p->regexes, (size_t)(c->p->nregexes + 1) * sizeof *c->p->regexes);
      c->p->regexes[c->p->nregexes++] = re;
    }
  }
  return e;
}

/* ---- declarations ---- */

static int team_index(const lq_program *p, const lq_node *d) {
  if (!d->owner) return -1;
  for (int i = 0; i < p->nteams; i++)
    if (!strcmp(p->teams[i].name, d->owner->str.s)) return i;
  return -1;
}

static void *array(lq_arena *a, int n, size_t size) { return lq_arena_zalloc(a, (size_t)(n ? n : 1) * size); }

static void build(compiler *c, lq_node *decls) {
  lq_program *p = c->p;
  int counts[LQ_KIND_COUNT] = {0}, nrules = 0, nsteps = 0;
  for (lq_node *d = decls; d; d = d->next) {
    counts[d->kind]++;
    if (d->kind == LQ_SCORE)
      for (lq_node *it = d->kids; it; it = it->next) nrules += it->kind == LQ_POINTS;
  }
  p->teams = array(c->a, counts[LQ_TEAM], sizeof *p->teams);
  p->defines = array(c->a, counts[LQ_DEFINE], sizeof *p->defines);
  p->groups = array(c->a, counts[LQ_SCORE], sizeof *p->groups);
  p->rules = array(c->a, nrules, sizeof *p->rules);
  p->grades = array(c->a, counts[LQ_GRADE], sizeof *p->grades);
  p->rejects = array(c->a, counts[LQ_REJECT], sizeof *p->rejects);
  p->stages = array(c->a, counts[LQ_STAGE], sizeof *p->stages);
  p->routes = array(c->a, counts[LQ_ROUTE], sizeof *p->routes);
  p->tables = array(c->a, counts[LQ_TABLE], sizeof *p->tables);
  p->steps = array(c->a, counts[LQ_SCORE] + counts[LQ_GRADE] + counts[LQ_REJECT] +
                             counts[LQ_STAGE] + counts[LQ_ROUTE], sizeof *p->steps);

  for (lq_node *d = decls; d; d = d->next) {
    switch (d->kind) {
    case LQ_RULESET:
      p->name = d->str.s;
      p->version = d->b->str.s;
      p->version_span = d->b->span;
      break;
    case LQ_TEAM: p->teams[p->nteams++] = (lq_team){d->str.s, d->a->str.s, d->span}; break;
    case LQ_DEFINE: p->defines[p->ndefines++] = (lq_define){d->str.s, d->span, compile(c, d->a)}; break;
    case LQ_SCORE: {
      lq_group *g = &p->groups[p->ngroups];
      *g = (lq_group){.name = d->str.s, .span = d->span, .owner = team_index(p, d),
                      .first_rule = p->nrules, .decay_keep = 1};
      for (lq_node *it = d->kids; it; it = it->next) {
        if (it->kind == LQ_CAP) { g->has_cap = true; g->cap = it->num; }
        if (it->kind == LQ_DECAY) {
          g->has_decay = true;
          g->decay_keep = 1 - it->num / 100;
          g->decay_every = it->a->num;
          g->since = compile(c, it->b);
        }
        if (it->kind != LQ_POINTS) continue;
        lq_rule *r = &p->rules[p->nrules++];
        *r = (lq_rule){.label = it->b->str.s, .span = it->span, .group = p->ngroups, .per = it->per,
                       .points = compile(c, it->a)};
        if (it->per) r->list = compile(c, it->c); else r->cond = compile(c, it->c);
        if (it->d) { r->has_cap = true; r->cap = it->d->num; }
        g->nrules++;
      }
      p->steps[nsteps++] = (lq_step){LQ_STEP_GROUP, (uint32_t)p->ngroups++};
      break;
    }
    case LQ_GRADE: {
      lq_grade *g = &p->grades[p->ngrades];
      *g = (lq_grade){.name = d->str.s, .span = d->span, .owner = team_index(p, d)};
      int n = 0;
      for (lq_node *a = d->kids; a; a = a->next) n++;
      g->arms = array(c->a, n, sizeof *g->arms);
      for (lq_node *a = d->kids; a; a = a->next)
        g->arms[g->narms++] = (lq_arm){.label = a->a->str.s, .span = a->span, .cond = a->otherwise ? NULL : compile(c, a->b)};
      p->steps[nsteps++] = (lq_step){LQ_STEP_GRADE, (uint32_t)p->ngrades++};
      break;
    }
    case LQ_REJECT:
      p->rejects[p->nrejects] = (lq_cond_decl){.name = d->a->str.s, .span = d->span, .owner = team_index(p, d),
                                               .cond = compile(c, d->b)};
      p->steps[nsteps++] = (lq_step){LQ_STEP_REJECT, (uint32_t)p->nrejects++};
      break;
    case LQ_STAGE:
      p->stages[p->nstages] = (lq_cond_decl){.name = d->str.s, .span = d->span, .owner = team_index(p, d),
                                             .cond = compile(c, d->b)};
      p->steps[nsteps++] = (lq_step){LQ_STEP_STAGE, (uint32_t)p->nstages++};
      break;
    case LQ_ROUTE:
      p->routes[p->nroutes] = (lq_cond_decl){.name = d->a->str.s, .span = d->span, .owner = team_index(p, d),
                                             .cond = d->otherwise ? NULL : compile(c, d->b), .to = compile(c, d->c)};
      p->to_people |= d->c != NULL;
      p->steps[nsteps++] = (lq_step){LQ_STEP_ROUTE, (uint32_t)p->nroutes++};
      break;
    case LQ_TABLE: p->tables[p->ntables++] = d->table; break;
    default: break;
    }
  }
  p->nsteps = nsteps;
  p->sites = array(c->a, c->nsites, sizeof *p->sites);
  if (c->nsites) memcpy(p->sites, c->sites, (size_t)c->nsites * sizeof *p->sites);
  p->nsites = c->nsites;
  p->npaths = c->memo.n;
  p->fields = array(c->a, p->nfields, sizeof *p->fields);
  if (p->nfields) memcpy(p->fields, c->fields, (size_t)p->nfields * sizeof *p->fields);
  free(c->sites);
  lq_hash_free(&c->memo.index);
  free(c->memo.keys);
  lq_hash_free(&c->field_keys.index);
  free(c->field_keys.keys);
  free(c->fields);
  free(c->key);
  free(c->lists);
}

/* ---- test blocks ---- */

/* Each test block as lq_test. A lead that is not JSON was refused before the
 * checker ran (test_lead); the checker refused a block without one lead, a
 * bad `now` or an expectation naming what the rules do not have; what fails
 * here is reported all the same. */
static void lower_tests(lq_program *p, lq_diags *diags) {
  for (const lq_node *t = p->decls; t; t = t->next) p->ntests += t->kind == LQ_TEST;
  p->tests = array(&p->arena, p->ntests, sizeof *p->tests);
  int i = 0;
  for (const lq_node *t = p->decls; t; t = t->next) {
    if (t->kind != LQ_TEST) continue;
    lq_test *x = &p->tests[i++];
    int nx = 0;
    for (const lq_node *k = t->kids; k; k = k->next) nx += k->kind == LQ_EXPECT;
    lq_expect *xs = array(&p->arena, nx, sizeof *xs);
    *x = (lq_test){.name = lq_arena_strndup(&p->arena, t->str.s, t->str.n), .span = t->span, .expects = xs};
    for (const lq_node *k = t->kids; k; k = k->next) {
      if (k->kind == LQ_TEST_NOW) {
        x->has_now = lq_time_parse(k->a->str.s, k->a->str.n, &x->now);
      } else if (k->kind == LQ_TEST_LEAD && !x->lead) {
        x->lead = k->lead;
      } else if (k->kind == LQ_EXPECT) {
        lq_error err;
        lq_error_clear(&err);
        if (lq_expect_from_words(p, k, &p->arena, &xs[x->nexpects], &err)) x->nexpects++;
        else lq_diag_error(diags, k->span, "%s", err.msg);
      }
    }
    if (!x->lead && !diags->errors) lq_diag_error(diags, t->name_span, "test \"%s\" has no lead", x->name);
  }
}

/* Names as decisions print them, escaped once here rather than per lead. */
static lq_str json_text(lq_program *p, const char *s) {
  if (!s) return (lq_str){"null", 4};
  lq_buf b = {0};
  lq_buf_json_string(&b, s, strlen(s));
  lq_str out = {lq_arena_strndup(&p->arena, b.data, b.len), (uint32_t)b.len};
  lq_buf_free(&b);
  return out;
}

static void prepare_output(lq_program *p) {
  p->name_json = json_text(p, p->name);
  p->version_json = json_text(p, p->version);
  for (int i = 0; i < p->nrules; i++) p->rules[i].label_json = json_text(p, p->rules[i].label);
  for (int i = 0; i < p->ngroups; i++) p->groups[i].name_json = json_text(p, p->groups[i].name);
  for (int i = 0; i < p->ngrades; i++) {
    p->grades[i].name_json = json_text(p, p->grades[i].name);
    for (int a = 0; a < p->grades[i].narms; a++)
      p->grades[i].arms[a].label_json = json_text(p, p->grades[i].arms[a].label);
  }
  lq_cond_decl *lists[] = {p->rejects, p->stages, p->routes};
  int counts[] = {p->nrejects, p->nstages, p->nroutes};
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < counts[k]; i++) lists[k][i].name_json = json_text(p, lists[k][i].name);
}

/* A test block's lead as strict JSON, as `run` would read it from a line:
 * parsed once, here, into the program (lower_tests keeps it). */
static const cJSON *test_lead(lq_program *p, const lq_node *lead, lq_diags *diags) {
  char *text = lq_arena_strndup(&p->arena, lead->str.s, lead->str.n);
  lq_error e;
  const cJSON *j = lq_json_parse_lead_at(&p->arena, text, lead->str.n, &e);
  if (!j) {
    uint32_t off = lead->span.begin + (uint32_t)(e.at < lead->str.n ? e.at : lead->str.n - 1);
    lq_diag_error(diags, (lq_span){off, off + 1, lead->span.file}, "the test's lead: %s", e.msg);
    lq_diag_note(diags, "write the lead as one line of the feed would hold it: keys in double quotes, no trailing commas");
  }
  return j;
}

static lq_program *finish(lq_program *p, lq_diags *diags, const char *path) {
  if (!p->decls && diags->errors) return p;
  /* Tables first: their columns are names the checker must know. Test leads
   * too, so each is read once. */
  for (lq_node *d = p->decls; d; d = d->next) {
    if (d->kind == LQ_TABLE && d->b) d->table = lq_table_load(&p->arena, &p->sources, diags, d, d->b->span.file);
    if (d->kind == LQ_TEST)
      for (lq_node *k = d->kids; k; k = k->next)
        if (k->kind == LQ_TEST_LEAD) k->lead = test_lead(p, k, diags);
  }
  if (lq_check(p->decls, &p->sources, diags) == 0 && diags->errors == 0) {
    compiler c = {.p = p, .a = &p->arena, .item_list = -1, .last_field = -1};
    build(&c, p->decls);
    lower_tests(p, diags);
  }
  if (!p->name) {
    /* No ruleset line: the file's name stands in, so decisions still say where they came from. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && !strcmp(base + n - 3, ".lq")) n -= 3;
    p->name = lq_arena_strndup(&p->arena, base, n);
  }
  prepare_output(p);
  return p;
}

static lq_program *new_program(void) {
  lq_program *p = lq_xcalloc(1, sizeof *p);
  lq_arena_init(&p->arena, 64 * 1024);
  lq_sources_init(&p->sources);
  return p;
}

lq_program *lq_compile_file(const char *path, lq_diags *diags) {
  return lq_compile_file_opts(path, &(lq_compile_opts){0}, diags);
}

lq_program *lq_compile_file_opts(const char *path, const lq_compile_opts *o, lq_diags *diags) {
  lq_program *p = new_program();
  p->decls = lq_parse_load(&p->arena, &p->sources, diags, path, o->reader);
  if (o->extra_text && p->sources.n) {
    lq_node *extra = lq_parse_load_text(&p->arena, &p->sources, diags, o->extra_name ? o->extra_name : "(extra)",
                                        o->extra_text, strlen(o->extra_text));
    /* An expression from a command line, not more rules: text after it that
     * parses as a declaration (a stage, say) would change the rules themselves. */
    for (const lq_node *d = extra; d; d = d->next)
      if (d->kind != LQ_DEFINE || strncmp(d->str.s, "__", 2)) {
        lq_diag_error(diags, d->span, "%s holds more than one expression; give it one condition, such as "
                      "won == true", o->extra_name ? o->extra_name : "the expression");
        break;
      }
    lq_node **tail = &p->decls;
    while (*tail) tail = &(*tail)->next;
    *tail = extra;
    p->extra_source = true;
  }
  return finish(p, diags, path);
}

lq_program *lq_compile_text(const char *name, const char *text, size_t len, lq_diags *diags) {
  lq_program *p = new_program();
  p->decls = lq_parse_load_text(&p->arena, &p->sources, diags, name, text, len);
  return finish(p, diags, name);
}

void lq_program_free(lq_program *p) {
  if (!p) return;
  for (int i = 0; i < p->nregexes; i++) regfree(p->regexes[i]);
  lq_mem_free(p->regexes);
  lq_sources_free(&p->sources);
  lq_arena_free(&p->arena);
  lq_mem_free(p);
}
