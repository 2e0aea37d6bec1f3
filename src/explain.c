/* explain.c: a lead's decision traced rule by rule, for people and for tools.
 *
 * Nothing here evaluates anew what lq_eval_lead already decided: outcomes come
 * from the result. Only the values shown beside a rule (the fields, defines
 * and scores its condition reads) and the parts of a failed stage condition
 * are evaluated again, against the same lead.
 *
 * Two steps: explanation_of builds the model of what is said about the lead
 * (struct explanation: each section's items, their outcomes and the values
 * they looked at, the why-not sentences, a route's lookups and picks), then
 * explain_text or explain_json renders it. */
#include "explain.h"

#include "output.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
  lq_buf *b;
  lq_jw *j;   /* the JSON form's writer (over b); NULL in text */
  lq_eval *E;
  const lq_program *p;
  const lq_result *r;
  bool color;
} ctx;

enum { MAX_REFS = 6, SHOW_TEXT = 60 };

/* ---- small writers ---- */

static void puts_(ctx *c, const char *s) { lq_buf_puts(c->b, s); }

static void printf_(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(ctx *c, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) lq_buf_put(c->b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void paint(ctx *c, const char *ansi) {
  if (c->color) puts_(c, ansi);
}
#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RED "\033[31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* A section title in text: "  stages". */
static void heading(ctx *c, const char *title, const char *tail) {
  paint(c, BOLD);
  printf_(c, "  %s%s\n", title, tail);
  paint(c, RESET);
}

/* The source text of a span, e.g. "company.employees >= 1000". */
static const char *src(const ctx *c, lq_span s, size_t *n) {
  *n = s.end - s.begin;
  return c->p->sources.files[s.file].text + s.begin;
}

static void put_src(ctx *c, lq_span s) {
  size_t n;
  const char *t = src(c, s, &n);
  lq_buf_put(c->b, t, n);
}

/* The same as a JSON string, and as a JSON key. */
static void json_src(ctx *c, lq_span s) {
  size_t n;
  const char *t = src(c, s, &n);
  lq_jw_string(c->j, t, n);
}
static void json_src_key(ctx *c, lq_span s) {
  size_t n;
  const char *t = src(c, s, &n);
  lq_jw_key_n(c->j, t, n);
}

/* A lead's object as JSON (numbers as leadq prints them, not as written). */
static void json_lead(lq_jw *j, const cJSON *v) {
  if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
    bool obj = cJSON_IsObject(v);
    if (obj) lq_jw_object(j);
    else lq_jw_array(j);
    for (const cJSON *k = v->child; k; k = k->next) {
      if (obj) lq_jw_key(j, k->string);
      json_lead(j, k);
    }
    if (obj) lq_jw_end_object(j);
    else lq_jw_end_array(j);
  } else if (cJSON_IsString(v)) {
    lq_jw_str(j, v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    lq_jw_num(j, v->valuedouble);
  } else if (cJSON_IsTrue(v) || cJSON_IsFalse(v)) {
    lq_jw_bool(j, cJSON_IsTrue(v));
  } else {
    lq_jw_null(j);
  }
}

/* "tables/accounts.csv:4": where a table's row is, as error messages name it. */
static void put_row_at(ctx *c, const lq_table *t, int64_t row) {
  printf_(c, "%s:%u", c->p->sources.files[t->file].path, t->lines[row]);
}

/* A value as a person reads it: text quoted and shortened, lists counted, a
 * table's row by its place in the table file. */
static void put_value(ctx *c, lq_value v) {
  switch (v.kind) {
  case LQ_V_MISSING: puts_(c, "missing"); return;
  case LQ_V_BOOL: puts_(c, v.b ? "true" : "false"); return;
  case LQ_V_NUM: lq_buf_num_human(c->b, v.num); return;
  case LQ_V_STR: {
    if (v.b) {   /* a number kept as its digits (an id): bare, as a decision prints it */
      lq_buf_put(c->b, v.str, v.n);
      return;
    }
    size_t at = c->b->len;
    if (v.n <= SHOW_TEXT) {
      lq_buf_json_string(c->b, v.str, v.n);
    } else {
      size_t cut = SHOW_TEXT;
      while (cut > 0 && ((unsigned char)v.str[cut] & 0xC0) == 0x80) cut--;
      lq_buf_json_string(c->b, v.str, cut);
      puts_(c, "...");
    }
    lq_out_text_fix(c->b, at);   /* the escapes left DEL and C1 as they were */
    return;
  }
  case LQ_V_LIST: {
    bool flat = v.n <= 3;
    for (uint32_t i = 0; i < v.n && flat; i++) flat = v.items[i].kind < LQ_V_LIST;
    if (flat) {
      lq_buf_putc(c->b, '[');
      for (uint32_t i = 0; i < v.n; i++) {
        if (i) puts_(c, ", ");
        put_value(c, v.items[i]);
      }
      lq_buf_putc(c->b, ']');
    } else {
      printf_(c, "[%u item%s]", v.n, v.n == 1 ? "" : "s");
    }
    return;
  }
  case LQ_V_ROW:   /* where the row is says more than its cells */
    puts_(c, "row at ");
    put_row_at(c, v.table, v.n);
    return;
  default: puts_(c, "{...}"); return;
  }
}

/* The same value whole, for tools: text in full, lists item by item, a row's cells. */
static void json_value(ctx *c, lq_value v) {
  lq_jw *j = c->j;
  switch (v.kind) {
  case LQ_V_MISSING: lq_jw_null(j); return;
  case LQ_V_BOOL: lq_jw_bool(j, v.b); return;
  case LQ_V_NUM: lq_jw_num(j, v.num); return;
  case LQ_V_STR:
    if (v.b) lq_jw_raw(j, v.str, v.n);   /* a number kept as its digits (an id): bare */
    else lq_jw_string(j, v.str, v.n);
    return;
  case LQ_V_LIST:
    lq_jw_array(j);
    for (uint32_t i = 0; i < v.n; i++) json_value(c, v.items[i]);
    lq_jw_end_array(j);
    return;
  case LQ_V_ROW:
    lq_jw_object(j);
    for (int col = 0; col < v.table->ncols; col++) {
      lq_value cell = lq_table_cell(v.table, v.n, col);
      if (cell.kind == LQ_V_MISSING) continue;
      lq_jw_key_n(j, v.table->cols[col], v.table->col_lens[col]);
      json_value(c, cell);
    }
    lq_jw_end_object(j);
    return;
  default: json_lead(j, v.obj); return;
  }
}

/* ---- what a condition looked at ---- */

typedef struct refs { const lq_expr *e[MAX_REFS]; int n; } refs;

static bool same_text(const ctx *c, const lq_expr *x, const lq_expr *y) {
  size_t xn, yn;
  const char *xs = src(c, x->span, &xn), *ys = src(c, y->span, &yn);
  return xn == yn && !memcmp(xs, ys, xn);
}

static void add_ref(const ctx *c, refs *R, const lq_expr *e) {
  for (int i = 0; i < R->n; i++)
    if (same_text(c, R->e[i], e)) return;
  if (R->n < MAX_REFS) R->e[R->n++] = e;
}

/* The lead fields and declared names an expression reads; not what a `where`
 * reads of each item, which has no single value. */
static void collect(const ctx *c, const lq_expr *e, refs *R) {
  if (!e) return;
  switch ((lq_op)e->op) {
  case LQ_OP_CONST: return;
  case LQ_OP_PATH:
    if (e->root == LQ_ROOT_LEAD) add_ref(c, R, e);
    else if (e->root == LQ_ROOT_EXPR) collect(c, e->a, R);
    return;
  case LQ_OP_DEFINE: case LQ_OP_GROUP: case LQ_OP_TOTAL: case LQ_OP_GRADE:
  case LQ_OP_STAGE: case LQ_OP_REJECTED:
    add_ref(c, R, e);
    return;
  case LQ_OP_CALL: case LQ_OP_LISTLIT:
    for (uint32_t i = 0; i < e->nargs; i++) collect(c, e->args[i], R);
    return;
  case LQ_OP_WHERE: collect(c, e->a, R); return;
  default:
    collect(c, e->a, R);
    collect(c, e->b, R);
    collect(c, e->c, R);
  }
}

static lq_value value_of(ctx *c, const lq_expr *e) { return lq_eval_expr(c->E, e, LQ_NOVALUE); }

/* A lead field the condition needed was absent: "no data" rather than "not
 * fired". A field only tested with `is missing` / `is present` was not needed. */
static bool lacks_data(ctx *c, const lq_expr *e) {
  if (!e) return false;
  switch ((lq_op)e->op) {
  case LQ_OP_MISSING: case LQ_OP_PRESENT: case LQ_OP_CONST: return false;
  case LQ_OP_PATH:
    if (e->root == LQ_ROOT_LEAD) return value_of(c, e).kind == LQ_V_MISSING;
    return e->root == LQ_ROOT_EXPR && lacks_data(c, e->a);
  case LQ_OP_CALL: case LQ_OP_LISTLIT:
    for (uint32_t i = 0; i < e->nargs; i++)
      if (lacks_data(c, e->args[i])) return true;
    return false;
  case LQ_OP_WHERE: return lacks_data(c, e->a);
  case LQ_OP_DEFINE: return lacks_data(c, c->p->defines[e->slot].expr);   /* defines are acyclic */
  case LQ_OP_AND:
    /* A part that is false on data the lead has decides it: `MQL and x > 5` is
     * not reached, not "no data", when MQL was not reached, whatever x is. */
    if (!lq_truthy(value_of(c, e->a)) && !lacks_data(c, e->a)) return false;
    if (!lq_truthy(value_of(c, e->b)) && !lacks_data(c, e->b)) return false;
    return lacks_data(c, e->a) || lacks_data(c, e->b);
  default: return lacks_data(c, e->a) || lacks_data(c, e->b) || lacks_data(c, e->c);
  }
}

/* NO_OWNER: a route whose condition held but whose `to` gave nobody. */
typedef enum { FIRED, NOT_FIRED, NO_DATA, NOT_TRIED, NO_OWNER } outcome;
static const char *const outcome_word[] = {"fired", "not fired", "no data", "not tried", "no owner"};

static outcome outcome_of(ctx *c, bool held, const lq_expr *cond) {
  return held ? FIRED : lacks_data(c, cond) ? NO_DATA : NOT_FIRED;
}

/* ---- why not: the failing parts of a condition, and by how much ---- */

static bool mentions_score(const lq_expr *e) {
  if (!e) return false;
  if (e->op == LQ_OP_GROUP || e->op == LQ_OP_TOTAL) return true;
  if (e->op == LQ_OP_CALL || e->op == LQ_OP_LISTLIT) {
    for (uint32_t i = 0; i < e->nargs; i++)
      if (mentions_score(e->args[i])) return true;
    return false;
  }
  return e->op != LQ_OP_PATH && (mentions_score(e->a) || mentions_score(e->b) || mentions_score(e->c));
}

/* Calls emit for every failed conjunct of an `and` chain (or the whole condition). */
static int failed_parts(ctx *c, const lq_expr *e, const lq_expr **out, int max, int n) {
  if (e->op == LQ_OP_AND) {
    n = failed_parts(c, e->a, out, max, n);
    return failed_parts(c, e->b, out, max, n);
  }
  if (!lq_truthy(value_of(c, e)) && n < max) out[n++] = e;
  return n;
}

enum { MAX_PARTS = 8 };

/* ---- owners: what a route's `to` found ---- */

enum { MAX_FINDS = 16, SHOW_CANDIDATES = 10 };

/* The lookups and picks an expression makes for the lead, innermost first, each
 * once; not those made per item of a list (inside `where`, a pick's weight),
 * which have no single value to show. */
typedef struct finds { const lq_expr *e[MAX_FINDS]; int n; } finds;

static void add_find(finds *F, const lq_expr *e) {
  for (int i = 0; i < F->n; i++)
    if (F->e[i] == e) return;
  if (F->n < MAX_FINDS) F->e[F->n++] = e;
}

static void gather(const ctx *c, const lq_expr *e, finds *F) {
  if (!e) return;
  switch ((lq_op)e->op) {
  case LQ_OP_CONST: case LQ_OP_TABLE: case LQ_OP_GROUP: case LQ_OP_TOTAL: case LQ_OP_GRADE:
  case LQ_OP_STAGE: case LQ_OP_REJECTED:
    return;
  case LQ_OP_PATH:
    if (e->root == LQ_ROOT_EXPR) gather(c, e->a, F);
    return;
  case LQ_OP_DEFINE: gather(c, c->p->defines[e->slot].expr, F); return;   /* defines are acyclic */
  case LQ_OP_WHERE: gather(c, e->a, F); return;
  case LQ_OP_LOOKUP:
    for (uint32_t i = 0; i < e->nargs; i++) gather(c, e->args[i], F);
    add_find(F, e);
    return;
  case LQ_OP_CALL:
    if (e->fn == LQ_FN_pick) {
      gather(c, e->args[0], F);
      gather(c, e->args[1], F);
      add_find(F, e);
      return;
    }
    for (uint32_t i = 0; i < e->nargs; i++) gather(c, e->args[i], F);
    return;
  case LQ_OP_LISTLIT:
    for (uint32_t i = 0; i < e->nargs; i++) gather(c, e->args[i], F);
    return;
  default:
    gather(c, e->a, F);
    gather(c, e->b, F);
    gather(c, e->c, F);
  }
}

static bool missed(const lq_result *r, int route) {
  for (int i = 0; i < r->nmissed; i++)
    if (r->missed[i] == route) return true;
  return false;
}

/* ---- the model: what the explanation says about this lead ----
 *
 * Built once per lead, in the evaluator's scratch memory, by the functions
 * below; the text and JSON writers further down only render it. Values are
 * evaluated here, so both forms show the same ones. */

/* What a condition looked at: the lead fields and declared names it reads, with their values. */
typedef struct looked { refs R; lq_value v[MAX_REFS]; } looked;

/* One line of a section: a rule, a reject, a grade's arm, a stage or a route. */
typedef struct item {
  const char *name;
  int owner;              /* team, or -1 */
  outcome o;
  char word[48];          /* what the text says in place of the outcome's word ("chosen", "3 items"), or "" */
  const lq_expr *cond;    /* NULL: `otherwise` */
  looked seen;
} item;

typedef struct rule_item {
  item it;
  const lq_rule *ru;
  double points;          /* given; NAN when it did not fire */
  lq_value want;          /* the value of its points expression, which heads its text line */
} rule_item;

typedef struct group_item {
  const lq_group *g;
  double score, raw;
  lq_value since;         /* with decay: the value it decays since */
  rule_item *rules;       /* g->nrules */
} group_item;

typedef struct grade_item { const lq_grade *g; int chosen; item *arms; } grade_item;

typedef struct stage_item {
  item it;
  bool held;
  const char *why[MAX_PARTS];   /* not reached: each failed part, as a sentence */
  int nwhy;
} stage_item;

/* A table lookup or a pick behind a route, with what it found. */
typedef struct find {
  const lq_expr *e;
  lq_value keys[LQ_TABLE_MAX_KEYS];   /* a lookup's keys, and the row found or -1 */
  int64_t row;
  lq_pick_trace tr;                   /* a pick's candidates */
} find;

typedef struct route_item {
  item it;
  const lq_cond_decl *d;
  bool owner_tried;       /* its `to` was evaluated: the condition held */
  lq_value to;            /* its value then, else missing */
  bool listed;            /* JSON lists lookups and picks: it goes to people or reads a table */
  find *finds;
  int nfinds;
} route_item;

typedef struct explanation {
  group_item *groups;     /* in the order the rules declare them */
  int ngroups;
  item *rejects;          /* per reject */
  grade_item *grades;     /* per grade */
  stage_item *stages;     /* per stage */
  route_item *routes;     /* per route */
} explanation;

static looked look(ctx *c, const lq_expr *cond) {
  looked L = {0};
  collect(c, cond, &L.R);
  for (int i = 0; i < L.R.n; i++) L.v[i] = value_of(c, L.R.e[i]);
  return L;
}

static item item_of(ctx *c, const char *name, int owner, outcome o, const char *word, const lq_expr *cond) {
  item it = {.name = name, .owner = owner, .o = o, .cond = cond};
  if (word) snprintf(it.word, sizeof it.word, "%s", word);
  it.seen = look(c, cond);
  return it;
}

static void put_looked(ctx *c, const looked *L);

/* One failed conjunct, as a sentence: "needs fit + engagement >= 50; it has 38: 12 points short". */
static void why_text(ctx *c, const lq_expr *e) {
  puts_(c, "needs ");
  put_src(c, e->span);
  lq_op op = (lq_op)e->op;
  bool ordered = op >= LQ_OP_LT && op <= LQ_OP_GE, equal = op == LQ_OP_EQ;
  lq_value a = ordered || equal ? value_of(c, e->a) : LQ_NOVALUE;
  lq_value b = ordered || equal ? value_of(c, e->b) : LQ_NOVALUE;
  bool numbers = a.kind == LQ_V_NUM && b.kind == LQ_V_NUM;
  if (numbers && (ordered || a.num != b.num)) {
    bool floor_ = op == LQ_OP_GE || op == LQ_OP_GT;
    double gap = equal ? fabs(a.num - b.num) : floor_ ? b.num - a.num : a.num - b.num;
    char shown[32];
    lq_num_human(gap, shown);
    if (gap > 0 && !strcmp(shown, "0")) {
      /* Rounded as everywhere, it would read "it has 0.8: 0 points short". */
      char exact[40];
      for (int digits = 15; digits <= 17; digits++)   /* the shortest that reads back as a.num */
        if (snprintf(exact, sizeof exact, "%.*g", digits, a.num) && strtod(exact, NULL) == a.num) break;
      printf_(c, "; it has %s: %s by a rounding error, as numbers with decimals do not add up exactly (0.1 + 0.2 "
                 "is 0.30000000000000004); compare with a margin, or use whole points",
              exact, equal ? "off" : floor_ ? "short" : "over");
      return;
    }
  }
  if (numbers && ordered) {
    bool floor_ = op == LQ_OP_GE || op == LQ_OP_GT;
    double gap = floor_ ? b.num - a.num : a.num - b.num;
    puts_(c, "; it has ");
    lq_buf_num_human(c->b, a.num);
    puts_(c, ": ");
    if (gap > 0) {
      lq_buf_num_human(c->b, gap);
      printf_(c, "%s %s", !mentions_score(e) ? "" : gap == 1 ? " point" : " points", floor_ ? "short" : "over");
    } else {
      puts_(c, floor_ ? "not above it" : "not below it");   /* equal to a strict bound */
    }
  } else if (op == LQ_OP_STAGE) {
    puts_(c, ", which it did not reach");
  } else {
    looked L = look(c, e);
    if (L.R.n) {
      puts_(c, "; ");
      put_looked(c, &L);
    }
  }
}

/* The sentence, kept in the scratch memory: both forms show it as it is. */
static const char *why_sentence(ctx *c, const lq_expr *e) {
  lq_buf tmp = {0}, *out = c->b;
  c->b = &tmp;
  why_text(c, e);
  c->b = out;
  const char *s = lq_arena_strndup(lq_eval_scratch(c->E), tmp.data ? tmp.data : "", tmp.len);
  lq_buf_free(&tmp);
  return s;
}

static rule_item rule_of(ctx *c, int i) {
  const lq_rule *ru = &c->p->rules[i];
  rule_item R = {.ru = ru, .points = c->r->points[i], .want = value_of(c, ru->points)};
  double pts = R.points;
  const lq_expr *cond = ru->per ? ru->list : ru->cond;
  char word[48] = "";
  outcome o;
  if (ru->per) {
    lq_value l = value_of(c, ru->list);
    uint32_t n = l.kind == LQ_V_LIST ? l.n : l.kind == LQ_V_MISSING ? 0 : 1;
    o = isnan(pts) ? NOT_FIRED : FIRED;
    if (n == 0) snprintf(word, sizeof word, "0 items");
    else snprintf(word, sizeof word, "%u item%s", n, n == 1 ? "" : "s");
  } else {
    o = outcome_of(c, !isnan(pts), cond);
  }
  /* Points other than the rule says (a computed amount, a per rule's sum) take the word's place. */
  if (!isnan(pts) && (ru->per || pts != R.want.num)) {
    char n[32];
    lq_num_human(pts, n);
    snprintf(word, sizeof word, "%s%s", pts >= 0 ? "+" : "", n);
  }
  R.it = item_of(c, ru->label, -1, o, word[0] ? word : NULL, cond);
  return R;
}

static group_item group_of(ctx *c, int gi) {
  const lq_group *g = &c->p->groups[gi];
  group_item G = {.g = g, .score = c->r->scores[gi], .raw = c->r->raw[gi], .since = LQ_NOVALUE};
  if (g->has_decay) G.since = value_of(c, g->since);
  G.rules = lq_arena_zalloc(lq_eval_scratch(c->E), (size_t)(g->nrules ? g->nrules : 1) * sizeof *G.rules);
  for (int i = 0; i < g->nrules; i++) G.rules[i] = rule_of(c, g->first_rule + i);
  return G;
}

static grade_item grade_of(ctx *c, int gi) {
  const lq_grade *g = &c->p->grades[gi];
  grade_item G = {.g = g, .chosen = c->r->grades[gi]};
  G.arms = lq_arena_zalloc(lq_eval_scratch(c->E), (size_t)(g->narms ? g->narms : 1) * sizeof *G.arms);
  for (int a = 0; a < g->narms; a++) {
    const lq_arm *arm = &g->arms[a];
    outcome o = G.chosen >= 0 && a > G.chosen ? NOT_TRIED : outcome_of(c, a == G.chosen, arm->cond);
    const char *w = o == FIRED ? "chosen" : o == NOT_FIRED ? "not met" : NULL;
    G.arms[a] = item_of(c, arm->label, -1, o, w, arm->cond);
  }
  return G;
}

/* A stage not reached: each failed part of its condition, as a sentence. */
static void why_not(ctx *c, int s, stage_item *S) {
  const lq_expr *parts[MAX_PARTS];
  S->nwhy = failed_parts(c, c->p->stages[s].cond, parts, MAX_PARTS, 0);
  for (int i = 0; i < S->nwhy; i++) S->why[i] = why_sentence(c, parts[i]);
}

static stage_item stage_of(ctx *c, int s) {
  const lq_cond_decl *st = &c->p->stages[s];
  stage_item S = {.held = c->r->stages[s]};
  outcome o = outcome_of(c, S.held, st->cond);
  const char *w = S.held ? (c->r->rejected >= 0 ? "met, but rejected" : "reached") : o == NO_DATA ? NULL : "not reached";
  S.it = item_of(c, st->name, st->owner, o, w, st->cond);
  if (!S.held) why_not(c, s, &S);
  return S;
}

static find find_of(ctx *c, const lq_expr *e) {
  find f = {.e = e, .row = -1};
  if (e->op == LQ_OP_LOOKUP) {
    for (uint32_t i = 0; i < e->nargs && i < LQ_TABLE_MAX_KEYS; i++) f.keys[i] = value_of(c, e->args[i]);
    f.row = lq_table_find(e->table, f.keys);
  } else {
    lq_eval_pick_trace(c->E, e, LQ_NOVALUE, &f.tr);
  }
  return f;
}

static route_item route_of(ctx *c, int i) {
  const lq_result *r = c->r;
  const lq_cond_decl *d = &c->p->routes[i];
  outcome o;
  const char *w = NULL;
  if (r->route >= 0 && i > r->route) o = NOT_TRIED;
  else if (i == r->route) o = FIRED, w = "chosen";
  else if (r->rejected >= 0) o = NOT_TRIED;
  else if (missed(r, i)) o = NO_OWNER;
  else o = outcome_of(c, false, d->cond), w = o == NOT_FIRED ? "no match" : NULL;
  route_item R = {.it = item_of(c, d->name, d->owner, o, w, d->cond), .d = d, .to = LQ_NOVALUE};
  /* Why the lead went to this person, or to nobody: its `to`, and each lookup
   * and pick behind it and behind the condition. */
  finds F = {0}, all = {0};
  if (o != NOT_TRIED) gather(c, d->cond, &F);
  R.owner_tried = d->to && (o == FIRED || o == NO_OWNER);
  if (R.owner_tried) {
    gather(c, d->to, &F);
    R.to = value_of(c, d->to);
  }
  gather(c, d->cond, &all);
  R.listed = d->to || all.n;
  R.finds = lq_arena_zalloc(lq_eval_scratch(c->E), (size_t)(F.n ? F.n : 1) * sizeof *R.finds);
  for (int k = 0; k < F.n; k++) R.finds[R.nfinds++] = find_of(c, F.e[k]);
  return R;
}

static void explanation_of(ctx *c, explanation *X) {
  const lq_program *p = c->p;
  lq_arena *a = lq_eval_scratch(c->E);
  *X = (explanation){0};
  X->groups = lq_arena_zalloc(a, (size_t)(p->ngroups + 1) * sizeof *X->groups);
  for (int s = 0; s < p->nsteps; s++)
    if (p->steps[s].kind == LQ_STEP_GROUP) X->groups[X->ngroups++] = group_of(c, (int)p->steps[s].index);
  X->rejects = lq_arena_zalloc(a, (size_t)(p->nrejects + 1) * sizeof *X->rejects);
  for (int i = 0; i < p->nrejects; i++) {
    bool fired = c->r->rejects[i];
    outcome o = outcome_of(c, fired, p->rejects[i].cond);
    X->rejects[i] = item_of(c, p->rejects[i].name, p->rejects[i].owner, o,
                            fired && i == c->r->rejected ? "REJECTED" : NULL, p->rejects[i].cond);
  }
  X->grades = lq_arena_zalloc(a, (size_t)(p->ngrades + 1) * sizeof *X->grades);
  for (int g = 0; g < p->ngrades; g++) X->grades[g] = grade_of(c, g);
  X->stages = lq_arena_zalloc(a, (size_t)(p->nstages + 1) * sizeof *X->stages);
  for (int s = 0; s < p->nstages; s++) X->stages[s] = stage_of(c, s);
  X->routes = lq_arena_zalloc(a, (size_t)(p->nroutes + 1) * sizeof *X->routes);
  for (int i = 0; i < p->nroutes; i++) X->routes[i] = route_of(c, i);
}

/* ---- text ---- */

static const char *owner_name(const ctx *c, int owner) {
  return owner >= 0 ? c->p->teams[owner].name : NULL;
}

static void put_looked(ctx *c, const looked *L) {
  for (int i = 0; i < L->R.n; i++) {
    if (i) puts_(c, ", ");
    put_src(c, L->R.e[i]->span);
    puts_(c, " = ");
    lq_value v = L->v[i];
    put_value(c, v);
    /* The usual surprise in CRM data: a number stored as text never compares as one. */
    char *end;
    if (v.kind == LQ_V_STR && v.n && (strtod(v.str, &end), end == v.str + v.n)) puts_(c, " (text, not a number)");
  }
}

/* Columns are measured in what a terminal shows (lq_out_width), not bytes. */
static int text_width(const char *s) { return lq_out_width(s, strlen(s)); }

static void pad(ctx *c, int n) {
  for (; n > 0; n--) lq_buf_putc(c->b, ' ');
}

/* The widths of one table (a group's rules, the rejects, a grade's arms, the
 * stages, the routes): each column as wide as its widest cell, so long labels
 * push the next column out in step rather than out of line; at least the
 * usual widths, so that tables of short names line up with each other. */
typedef struct cols { int head, word; } cols;
enum { HEAD_MIN = 30, WORD_MIN = 11, POINTS_MIN = 5 };

static const char *word_of(const item *it) { return it->word[0] ? it->word : outcome_word[it->o]; }

static void fit(cols *w, const char *head, const item *it) {
  if (text_width(head) > w->head) w->head = text_width(head);
  /* The word is padded only where values follow it. */
  if (it->seen.R.n && text_width(word_of(it)) > w->word) w->word = text_width(word_of(it));
}

/* A text line: "    <head padded>  <outcome padded>  <values>". */
static void line(ctx *c, const char *head, const item *it, const cols *w) {
  puts_(c, "    ");
  puts_(c, head);
  pad(c, w->head - text_width(head) + 2);
  paint(c, it->o == FIRED ? GREEN : it->o == NO_DATA || it->o == NO_OWNER ? RED : DIM);
  puts_(c, word_of(it));
  if (it->seen.R.n) pad(c, w->word - text_width(word_of(it)));
  paint(c, RESET);
  if (it->seen.R.n) {
    puts_(c, "  ");
    put_looked(c, &it->seen);
  }
  lq_buf_putc(c->b, '\n');
}

static void by_text(ctx *c, int owner) {
  if (owner >= 0) printf_(c, " by %s", owner_name(c, owner));
}

/* A reject, stage or route: its name (quoted for a reject or route) and owner,
 * in the scratch memory (a label has no length limit). */
static const char *decl_head(ctx *c, const item *it, bool quote) {
  return lq_arena_printf(lq_eval_scratch(c->E), quote ? "\"%s\"%s%s" : "%s%s%s", it->name,
                         it->owner >= 0 ? " by " : "", it->owner >= 0 ? owner_name(c, it->owner) : "");
}

/* The widths of a table of rejects, stages or routes: its is the first one's
 * item, stride the size of what holds each (an item leads stage_item and
 * route_item), so one walk serves the three. */
static cols decl_cols(ctx *c, const item *its, size_t stride, int n, bool quote) {
  cols w = {HEAD_MIN, WORD_MIN};
  for (int i = 0; i < n; i++) {
    const item *it = (const item *)((const char *)its + (size_t)i * stride);
    fit(&w, decl_head(c, it, quote), it);
  }
  return w;
}

/* A rule's points as it heads its line: "+20", "-30", "?" when computed from the lead. */
static void points_text(const rule_item *R, char ptxt[32]) {
  strcpy(ptxt, "?");
  if (R->want.kind == LQ_V_NUM) {
    ptxt[0] = R->want.num >= 0 ? '+' : '-';
    lq_num_human(fabs(R->want.num), ptxt + 1);
  }
}

/* "+20   enterprise size": the points padded to the group's widest. */
static const char *rule_head(ctx *c, const rule_item *R, int pwidth) {
  char ptxt[32];
  points_text(R, ptxt);
  return lq_arena_printf(lq_eval_scratch(c->E), "%-*s %s", pwidth, ptxt, R->ru->label);
}

static void group_text(ctx *c, const group_item *G) {
  const lq_group *g = G->g;
  double raw = G->raw, score = G->score;
  paint(c, BOLD);
  printf_(c, "  score %s", g->name);
  by_text(c, g->owner);
  puts_(c, ": ");
  lq_buf_num_human(c->b, score);
  paint(c, RESET);
  double capped = g->has_cap && raw > g->cap ? g->cap : raw;
  if (g->has_cap && raw > g->cap) {
    puts_(c, " (");
    lq_buf_num_human(c->b, raw);
    puts_(c, " points, capped at ");
    lq_buf_num_human(c->b, g->cap);
    puts_(c, ")");
  } else if (g->has_cap) {
    puts_(c, " (up to ");
    lq_buf_num_human(c->b, g->cap);
    puts_(c, ")");
  }
  if (g->has_decay) {
    if (G->since.kind == LQ_V_MISSING) {
      puts_(c, "; no decay: ");
      put_src(c, g->since->span);
      puts_(c, " is missing");
    } else if (capped != score) {
      printf_(c, "; decayed from ");
      lq_buf_num_human(c->b, capped);
      puts_(c, ", ");
      lq_buf_num_human(c->b, 100 * (1 - g->decay_keep));
      puts_(c, "% less every ");
      lq_buf_num_human(c->b, g->decay_every);
      puts_(c, " days since ");
      put_value(c, G->since);
    } else {
      puts_(c, "; no decay yet since ");
      put_value(c, G->since);
    }
  }
  lq_buf_putc(c->b, '\n');
  int pwidth = POINTS_MIN;
  for (int i = 0; i < g->nrules; i++) {
    char ptxt[32];
    points_text(&G->rules[i], ptxt);
    if ((int)strlen(ptxt) > pwidth) pwidth = (int)strlen(ptxt);
  }
  cols w = {HEAD_MIN, WORD_MIN};
  for (int i = 0; i < g->nrules; i++) fit(&w, rule_head(c, &G->rules[i], pwidth), &G->rules[i].it);
  for (int i = 0; i < g->nrules; i++) line(c, rule_head(c, &G->rules[i], pwidth), &G->rules[i].it, &w);
}

static void grade_text(ctx *c, const grade_item *G) {
  const lq_grade *g = G->g;
  int chosen = G->chosen;
  paint(c, BOLD);
  printf_(c, "  grade %s", g->name);
  by_text(c, g->owner);
  printf_(c, ": %s%s%s\n", chosen >= 0 ? "\"" : "", chosen >= 0 ? g->arms[chosen].label : "none",
          chosen >= 0 ? "\"" : "");
  paint(c, RESET);
  cols w = {HEAD_MIN, WORD_MIN};
  for (int pass = 0; pass < 2; pass++) {
    for (int a = 0; a < g->narms; a++) {
      const char *head = lq_arena_printf(lq_eval_scratch(c->E), "\"%s\"%s", g->arms[a].label,
                                         g->arms[a].cond ? "" : " otherwise");
      if (pass) line(c, head, &G->arms[a], &w);
      else fit(&w, head, &G->arms[a]);
    }
  }
}

static void why_not_text(ctx *c, const stage_item *S, const char *indent) {
  for (int i = 0; i < S->nwhy; i++) {
    printf_(c, "%s%s %s", indent, S->it.name, i ? "also " : "");
    puts_(c, S->why[i]);   /* not through printf_: a sentence may be longer than its buffer */
    lq_buf_putc(c->b, '\n');
  }
}

/* accounts["acme.com"] -> row at tables/accounts.csv:2, or -> no row. */
static void lookup_text(ctx *c, const find *f) {
  const lq_table *t = f->e->table;
  printf_(c, "      %s[", t->name);
  for (uint32_t i = 0; i < f->e->nargs; i++) {
    if (i) puts_(c, ", ");
    put_value(c, f->keys[i]);
  }
  puts_(c, "] -> ");
  if (f->row >= 0) {
    puts_(c, "row at ");
    put_row_at(c, t, f->row);
  } else {
    puts_(c, "no row");
  }
  lq_buf_putc(c->b, '\n');
}

/* A candidate as the reader knows it: the item itself, or a row's identity. */
static void put_candidate(ctx *c, const lq_pick_candidate *k) {
  if (k->item.kind != LQ_V_OBJ && k->item.kind != LQ_V_ROW) put_value(c, k->item);
  else if (k->id) put_value(c, lq_strv(k->id, (uint32_t)k->idn));
  else puts_(c, "(a row with no identity)");
}

static void pick_text(ctx *c, const find *f) {
  const lq_expr *e = f->e;
  const lq_pick_trace tr = f->tr;
  if (tr.n) printf_(c, "      pick from %u candidate%s", tr.n, tr.n == 1 ? "" : "s");
  else puts_(c, "      pick from no candidates");
  if (!tr.key) {
    puts_(c, ": none picked, ");
    put_src(c, e->args[1]->span);
    puts_(c, " is missing\n");
    return;
  }
  puts_(c, " by stable hashing of ");
  put_src(c, e->args[1]->span);
  puts_(c, " = ");
  lq_buf_json_string(c->b, tr.key, tr.keyn);
  puts_(c, tr.n ? ":\n" : "\n");
  /* The first few, and the one picked wherever it is: a pool can be long. */
  uint32_t shown = 0;
  int width = 0;
  char cell[SHOW_CANDIDATES + 1][8 * SHOW_TEXT];   /* room for escapes */
  uint32_t which[SHOW_CANDIDATES + 1];
  for (uint32_t i = 0; i < tr.n; i++) {
    if (i >= SHOW_CANDIDATES && (int)i != tr.picked) continue;
    lq_buf tmp = {0}, *out = c->b;
    c->b = &tmp;
    put_candidate(c, &tr.c[i]);
    c->b = out;
    snprintf(cell[shown], sizeof cell[shown], "%.*s", (int)tmp.len, tmp.data ? tmp.data : "");
    lq_buf_free(&tmp);
    int w = text_width(cell[shown]);
    if (w > width) width = w;
    which[shown++] = i;
  }
  char weight[SHOW_CANDIDATES + 1][32];
  int wwidth = 0;
  for (uint32_t s = 0; s < shown; s++) {
    double w = tr.c[which[s]].weight;
    if (isnan(w)) snprintf(weight[s], sizeof weight[s], "missing");
    else lq_num_human(w, weight[s]);
    if ((int)strlen(weight[s]) > wwidth) wwidth = (int)strlen(weight[s]);
  }
  for (uint32_t s = 0; s < shown; s++) {
    const lq_pick_candidate *k = &tr.c[which[s]];
    const char *note = (int)which[s] == tr.picked ? "picked"
                       : isnan(k->weight)         ? "never picked: no weight"
                       : !(k->weight > 0)         ? "never picked: weight not above 0"
                       : !k->id                   ? "never picked: nothing to hash it by"
                                                  : "";
    puts_(c, "        ");
    puts_(c, cell[s]);   /* not through printf_: a cell may be longer than its buffer */
    printf_(c, "%*s  weight %-*s  %s", width - text_width(cell[s]), "", wwidth, weight[s], note);
    while (c->b->len && c->b->data[c->b->len - 1] == ' ') c->b->len--;
    lq_buf_putc(c->b, '\n');
  }
  if (shown < tr.n) printf_(c, "        ... and %u more\n", tr.n - shown);
}

static void route_text(ctx *c, const route_item *R, bool last, const cols *w) {
  line(c, decl_head(c, &R->it, true), &R->it, w);
  if (R->it.o == NOT_TRIED) return;
  if (R->owner_tried) {
    puts_(c, "      to ");
    put_src(c, R->d->to->span);
    puts_(c, " = ");
    put_value(c, R->to);
    if (R->it.o == NO_OWNER)
      puts_(c, last ? ": no owner, and no route is left" : ": no owner, so the lead went on to the next route");
    lq_buf_putc(c->b, '\n');
  }
  for (int i = 0; i < R->nfinds; i++) {
    if (R->finds[i].e->op == LQ_OP_LOOKUP) lookup_text(c, &R->finds[i]);
    else pick_text(c, &R->finds[i]);
  }
}

static void summary(ctx *c, const lq_id *id) {
  const lq_program *p = c->p;
  const lq_result *r = c->r;
  paint(c, BOLD);
  if (id->line == 0) {
    puts_(c, "decision: ");   /* a test's lead: it has no line */
  } else {
    puts_(c, "lead ");
    lq_id_text(c->b, id);
    printf_(c, " (line %llu): ", (unsigned long long)id->line);
  }
  if (r->rejected >= 0) printf_(c, "rejected \"%s\"", p->rejects[r->rejected].name);
  else printf_(c, "stage %s, route %s%s%s", r->stage >= 0 ? p->stages[r->stage].name : "none",
               r->route >= 0 ? "\"" : "", r->route >= 0 ? p->routes[r->route].name : "none",
               r->route >= 0 ? "\"" : "");
  /* The person, when the rules route to people at all: "owner none" would be
   * noise in rules that only name queues. */
  if (r->rejected < 0 && p->to_people) {
    puts_(c, ", owner ");
    if (r->owner.kind == LQ_V_MISSING) puts_(c, "none");
    else put_value(c, r->owner);
  }
  puts_(c, ", score ");
  lq_buf_num_human(c->b, r->total);
  paint(c, RESET);
  lq_buf_putc(c->b, '\n');
}

static void explain_text(ctx *c, const explanation *X, const lq_id *id) {
  const lq_program *p = c->p;
  const lq_result *r = c->r;
  summary(c, id);
  /* Sections in the order the rules file declares them. */
  for (int g = 0; g < X->ngroups; g++) group_text(c, &X->groups[g]);
  if (p->nrejects) heading(c, "rejects", "");
  cols w = decl_cols(c, X->rejects, sizeof *X->rejects, p->nrejects, true);
  for (int i = 0; i < p->nrejects; i++) line(c, decl_head(c, &X->rejects[i], true), &X->rejects[i], &w);
  for (int g = 0; g < p->ngrades; g++) grade_text(c, &X->grades[g]);
  if (p->nstages) heading(c, "stages", "");
  w = decl_cols(c, &X->stages->it, sizeof *X->stages, p->nstages, false);
  for (int s = 0; s < p->nstages; s++) line(c, decl_head(c, &X->stages[s].it, false), &X->stages[s].it, &w);
  if (p->nroutes) heading(c, "routes", r->rejected >= 0 ? " (none: the lead is rejected)" : "");
  w = decl_cols(c, &X->routes->it, sizeof *X->routes, p->nroutes, true);
  for (int i = 0; i < p->nroutes; i++) route_text(c, &X->routes[i], i == p->nroutes - 1, &w);
  if (r->rejected < 0) {
    bool any = false;
    for (int s = 0; s < p->nstages; s++) {
      if (X->stages[s].held) continue;
      if (!any) heading(c, "why not", "");
      any = true;
      why_not_text(c, &X->stages[s], "    ");
    }
  }
  lq_buf_putc(c->b, '\n');
}

/* ---- JSON ---- */

static void json_looked(ctx *c, const looked *L) {
  lq_jw_object(c->j);
  for (int i = 0; i < L->R.n; i++) {
    json_src_key(c, L->R.e[i]->span);
    json_value(c, L->v[i]);
  }
  lq_jw_end_object(c->j);
}

/* Opens an item's object: {"NAME_KEY":name,"outcome":...,"condition":...,"values":{...},"owner":... */
static void json_item(ctx *c, const char *name_key, const item *it) {
  lq_jw *j = c->j;
  lq_jw_object(j);
  lq_jw_key(j, name_key);
  lq_jw_str(j, it->name);
  lq_jw_key(j, "outcome");
  lq_jw_str(j, outcome_word[it->o]);
  if (it->cond) {
    lq_jw_key(j, "condition");
    json_src(c, it->cond->span);
    lq_jw_key(j, "values");
    json_looked(c, &it->seen);
  }
  if (it->owner >= 0) {
    lq_jw_key(j, "owner");
    lq_jw_str(j, owner_name(c, it->owner));
  }
}

static void json_owner(ctx *c, int owner) {
  if (owner < 0) return;
  lq_jw_key(c->j, "owner");
  lq_jw_str(c->j, owner_name(c, owner));
}

static void rule_json(ctx *c, const rule_item *R) {
  lq_jw *j = c->j;
  json_item(c, "rule", &R->it);
  lq_jw_key(j, "points");
  lq_jw_score(j, R->points);   /* null when it did not fire */
  if (R->ru->per && R->ru->has_cap) {
    lq_jw_key(j, "cap");
    lq_jw_num(j, R->ru->cap);
  }
  lq_jw_end_object(j);
}

static void group_json(ctx *c, const group_item *G) {
  lq_jw *j = c->j;
  const lq_group *g = G->g;
  lq_jw_object(j);
  lq_jw_key(j, "group");
  lq_jw_str(j, g->name);
  json_owner(c, g->owner);
  lq_jw_key(j, "score");
  lq_jw_score(j, G->score);
  lq_jw_key(j, "raw");
  lq_jw_score(j, G->raw);
  lq_jw_key(j, "cap");
  if (g->has_cap) lq_jw_num(j, g->cap);
  else lq_jw_null(j);
  lq_jw_key(j, "decay");
  if (g->has_decay) {
    lq_jw_object(j);
    lq_jw_key(j, "percent");
    lq_jw_num(j, 100 * (1 - g->decay_keep));
    lq_jw_key(j, "every_days");
    lq_jw_num(j, g->decay_every);
    lq_jw_key(j, "since");
    json_value(c, G->since);
    lq_jw_key(j, "from");
    lq_jw_score(j, g->has_cap && G->raw > g->cap ? g->cap : G->raw);
    lq_jw_end_object(j);
  } else {
    lq_jw_null(j);
  }
  lq_jw_key(j, "rules");
  lq_jw_array(j);
  for (int i = 0; i < g->nrules; i++) rule_json(c, &G->rules[i]);
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

static void grade_json(ctx *c, const grade_item *G) {
  lq_jw *j = c->j;
  const lq_grade *g = G->g;
  lq_jw_object(j);
  lq_jw_key(j, "grade");
  lq_jw_str(j, g->name);
  json_owner(c, g->owner);
  lq_jw_key(j, "label");
  lq_jw_str(j, G->chosen >= 0 ? g->arms[G->chosen].label : NULL);
  lq_jw_key(j, "arms");
  lq_jw_array(j);
  for (int a = 0; a < g->narms; a++) {
    json_item(c, "label", &G->arms[a]);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

static void stage_json(ctx *c, const stage_item *S) {
  lq_jw *j = c->j;
  json_item(c, "stage", &S->it);
  lq_jw_key(j, "why_not");
  lq_jw_array(j);
  for (int i = 0; i < S->nwhy; i++) lq_jw_str(j, S->why[i]);
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

static void lookup_json(ctx *c, const find *f) {
  lq_jw *j = c->j;
  const lq_table *t = f->e->table;
  lq_jw_object(j);
  lq_jw_key(j, "lookup");
  json_src(c, f->e->span);
  lq_jw_key(j, "table");
  lq_jw_str(j, t->name);
  lq_jw_key(j, "keys");
  lq_jw_array(j);
  for (uint32_t i = 0; i < f->e->nargs; i++) json_value(c, f->keys[i]);
  lq_jw_end_array(j);
  lq_jw_key(j, "file");
  lq_jw_str(j, c->p->sources.files[t->file].path);
  lq_jw_key(j, "line");
  if (f->row >= 0) lq_jw_uint(j, t->lines[f->row]);
  else lq_jw_null(j);
  lq_jw_end_object(j);
}

static void json_candidate(ctx *c, const lq_pick_candidate *k) {
  if (k->item.kind != LQ_V_OBJ && k->item.kind != LQ_V_ROW) json_value(c, k->item);
  else if (k->id) json_value(c, lq_strv(k->id, (uint32_t)k->idn));
  else lq_jw_null(c->j);
}

static void pick_json(ctx *c, const find *f) {
  lq_jw *j = c->j;
  const lq_pick_trace *tr = &f->tr;
  lq_jw_object(j);
  lq_jw_key(j, "pick");
  json_src(c, f->e->span);
  lq_jw_key(j, "key");
  if (tr->key) lq_jw_string(j, tr->key, tr->keyn);
  else lq_jw_null(j);
  lq_jw_key(j, "candidates");
  lq_jw_array(j);
  for (uint32_t i = 0; i < tr->n; i++) {
    const lq_pick_candidate *k = &tr->c[i];
    lq_jw_object(j);
    lq_jw_key(j, "id");
    if (k->id) lq_jw_string(j, k->id, k->idn);
    else lq_jw_null(j);
    lq_jw_key(j, "weight");
    lq_jw_num(j, k->weight);   /* null when missing */
    lq_jw_key(j, "score");
    lq_jw_num(j, k->score);
    lq_jw_key(j, "picked");
    lq_jw_bool(j, (int)i == tr->picked);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_key(j, "picked");
  if (tr->picked >= 0) json_candidate(c, &tr->c[tr->picked]);
  else lq_jw_null(j);
  lq_jw_end_object(j);
}

static void route_json(ctx *c, const route_item *R) {
  lq_jw *j = c->j;
  json_item(c, "route", &R->it);
  if (R->d->to) {
    lq_jw_key(j, "to");
    lq_jw_object(j);
    lq_jw_key(j, "expression");
    json_src(c, R->d->to->span);
    lq_jw_key(j, "value");
    json_value(c, R->to);
    lq_jw_end_object(j);
  }
  /* The keys are there for every route that goes to people or reads a
   * table, whatever this lead did, so that tools find them. */
  if (R->listed) {
    for (int pass = 0; pass < 2; pass++) {
      lq_jw_key(j, pass ? "picks" : "lookups");
      lq_jw_array(j);
      for (int i = 0; i < R->nfinds; i++) {
        if ((R->finds[i].e->op == LQ_OP_LOOKUP) == pass) continue;
        if (pass) pick_json(c, &R->finds[i]);
        else lookup_json(c, &R->finds[i]);
      }
      lq_jw_end_array(j);
    }
  }
  lq_jw_end_object(j);
}

/* The decision, then each section as an array, in the order the rules file declares them. */
static void explain_json(ctx *c, const explanation *X, const lq_id *id) {
  const lq_program *p = c->p;
  lq_jw *j = c->j;
  lq_jw_object(j);
  lq_jw_key(j, "line");
  lq_jw_uint(j, id->line);
  lq_jw_key(j, "decision");
  lq_out_decision_jw(j, p, c->r, id);
  lq_jw_key(j, "groups");
  lq_jw_array(j);
  for (int g = 0; g < X->ngroups; g++) group_json(c, &X->groups[g]);
  lq_jw_end_array(j);
  lq_jw_key(j, "rejects");
  lq_jw_array(j);
  for (int i = 0; i < p->nrejects; i++) {
    json_item(c, "reason", &X->rejects[i]);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_key(j, "grades");
  lq_jw_array(j);
  for (int g = 0; g < p->ngrades; g++) grade_json(c, &X->grades[g]);
  lq_jw_end_array(j);
  lq_jw_key(j, "stages");
  lq_jw_array(j);
  for (int s = 0; s < p->nstages; s++) stage_json(c, &X->stages[s]);
  lq_jw_end_array(j);
  lq_jw_key(j, "routes");
  lq_jw_array(j);
  for (int i = 0; i < p->nroutes; i++) route_json(c, &X->routes[i]);
  lq_jw_end_array(j);
  lq_jw_end_object(j);
  lq_buf_putc(c->b, '\n');
}

void lq_explain(lq_buf *b, lq_eval *E, const lq_result *r, const lq_id *id, const lq_explain_opts *o) {
  lq_jw j = lq_jw_on(b);
  ctx c = {b, o->json ? &j : NULL, E, lq_eval_program(E), r, o->color && !o->json};
  explanation X;
  explanation_of(&c, &X);
  if (o->json) explain_json(&c, &X, id);
  else explain_text(&c, &X, id);
}

void lq_explain_why_not(lq_buf *b, lq_eval *E, const lq_result *r, const char *indent) {
  ctx c = {b, NULL, E, lq_eval_program(E), r, false};
  for (int s = 0; s < c.p->nstages; s++) {
    if (r->stages[s]) continue;
    stage_item S = {.it.name = c.p->stages[s].name};
    why_not(&c, s, &S);
    why_not_text(&c, &S, indent);
  }
}
