/* explain.c: a lead's decision traced rule by rule, for people and for tools.
 *
 * Nothing here evaluates anew what lq_eval_lead already decided: outcomes come
 * from the result. Only the values shown beside a rule (the fields, defines
 * and scores its condition reads) and the parts of a failed stage condition
 * are evaluated again, against the same lead. */
#include "explain.h"

#include "output.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
  lq_buf *b;
  lq_eval *E;
  const lq_program *p;
  const lq_result *r;
  bool json, color;
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

static void jstr(ctx *c, const char *s) { lq_buf_json_string(c->b, s, strlen(s)); }
static void jkey(ctx *c, const char *k) {
  jstr(c, k);
  lq_buf_putc(c->b, ':');
}

/* The source text of a span, e.g. "company.employees >= 1000". */
static const char *src(const ctx *c, lq_span s, size_t *n) {
  *n = s.end - s.begin;
  return c->p->sources.files[s.file].text + s.begin;
}

static void put_src(ctx *c, lq_span s) {
  size_t n;
  const char *t = src(c, s, &n);
  if (c->json) lq_buf_json_string(c->b, t, n);
  else lq_buf_put(c->b, t, n);
}

static void put_num(ctx *c, double x) {
  if (isnan(x)) puts_(c, c->json ? "null" : "none");
  else lq_buf_num(c->b, x);
}

/* A lead's object as JSON text (numbers as leadq prints them). */
static void put_json(ctx *c, const cJSON *j) {
  if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
    bool obj = cJSON_IsObject(j);
    lq_buf_putc(c->b, obj ? '{' : '[');
    for (const cJSON *k = j->child; k; k = k->next) {
      if (k != j->child) lq_buf_putc(c->b, ',');
      if (obj) jkey(c, k->string);
      put_json(c, k);
    }
    lq_buf_putc(c->b, obj ? '}' : ']');
  } else if (cJSON_IsString(j)) {
    jstr(c, j->valuestring);
  } else if (cJSON_IsNumber(j)) {
    lq_buf_num(c->b, j->valuedouble);
  } else {
    puts_(c, cJSON_IsTrue(j) ? "true" : cJSON_IsFalse(j) ? "false" : "null");
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
  case LQ_V_MISSING: puts_(c, c->json ? "null" : "missing"); return;
  case LQ_V_BOOL: puts_(c, v.b ? "true" : "false"); return;
  case LQ_V_NUM: lq_buf_num(c->b, v.num); return;
  case LQ_V_STR: {
    if (v.b) {   /* a number kept as its digits (an id): bare, as a decision prints it */
      lq_buf_put(c->b, v.str, v.n);
      return;
    }
    size_t at = c->b->len;
    if (c->json || v.n <= SHOW_TEXT) {
      lq_buf_json_string(c->b, v.str, v.n);
    } else {
      size_t cut = SHOW_TEXT;
      while (cut > 0 && ((unsigned char)v.str[cut] & 0xC0) == 0x80) cut--;
      lq_buf_json_string(c->b, v.str, cut);
      puts_(c, "...");
    }
    if (!c->json) lq_out_text_fix(c->b, at);   /* the escapes left DEL and C1 as they were */
    return;
  }
  case LQ_V_LIST: {
    bool flat = v.n <= 3;
    for (uint32_t i = 0; i < v.n && flat; i++) flat = v.items[i].kind < LQ_V_LIST;
    if (c->json || flat) {
      lq_buf_putc(c->b, '[');
      for (uint32_t i = 0; i < v.n; i++) {
        if (i) puts_(c, c->json ? "," : ", ");
        put_value(c, v.items[i]);
      }
      lq_buf_putc(c->b, ']');
    } else {
      printf_(c, "[%u item%s]", v.n, v.n == 1 ? "" : "s");
    }
    return;
  }
  case LQ_V_ROW: {
    if (!c->json) {   /* where the row is says more than its cells */
      puts_(c, "row at ");
      put_row_at(c, v.table, v.n);
      return;
    }
    lq_buf_putc(c->b, '{');
    bool first = true;
    for (int col = 0; col < v.table->ncols; col++) {
      lq_value cell = lq_table_cell(v.table, v.n, col);
      if (cell.kind == LQ_V_MISSING) continue;
      if (!first) lq_buf_putc(c->b, ',');
      first = false;
      lq_buf_json_string(c->b, v.table->cols[col], v.table->col_lens[col]);
      lq_buf_putc(c->b, ':');
      put_value(c, cell);
    }
    lq_buf_putc(c->b, '}');
    return;
  }
  default:
    if (c->json) put_json(c, v.obj);
    else puts_(c, "{...}");
    return;
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

static void put_refs(ctx *c, const refs *R) {
  if (c->json) {
    lq_buf_putc(c->b, '{');
    for (int i = 0; i < R->n; i++) {
      if (i) lq_buf_putc(c->b, ',');
      put_src(c, R->e[i]->span);
      lq_buf_putc(c->b, ':');
      put_value(c, value_of(c, R->e[i]));
    }
    lq_buf_putc(c->b, '}');
    return;
  }
  for (int i = 0; i < R->n; i++) {
    if (i) puts_(c, ", ");
    put_src(c, R->e[i]->span);
    puts_(c, " = ");
    lq_value v = value_of(c, R->e[i]);
    put_value(c, v);
    /* The usual surprise in CRM data: a number stored as text never compares as one. */
    char *end;
    if (v.kind == LQ_V_STR && v.n && (strtod(v.str, &end), end == v.str + v.n)) puts_(c, " (text, not a number)");
  }
}

/* NO_OWNER: a route whose condition held but whose `to` gave nobody. */
typedef enum { FIRED, NOT_FIRED, NO_DATA, NOT_TRIED, NO_OWNER } outcome;
static const char *const outcome_word[] = {"fired", "not fired", "no data", "not tried", "no owner"};

static outcome outcome_of(ctx *c, bool held, const lq_expr *cond) {
  return held ? FIRED : lacks_data(c, cond) ? NO_DATA : NOT_FIRED;
}

/* A text line: "    <head padded>  <outcome padded>  <values>". */
static void line(ctx *c, const char *indent, const char *head, int width, outcome o,
                 const char *word, const lq_expr *cond) {
  printf_(c, "%s%-*s  ", indent, width, head);
  paint(c, o == FIRED ? GREEN : o == NO_DATA || o == NO_OWNER ? RED : DIM);
  refs R = {0};
  collect(c, cond, &R);
  printf_(c, R.n ? "%-11s" : "%s", word ? word : outcome_word[o]);
  paint(c, RESET);
  if (R.n) {
    puts_(c, "  ");
    put_refs(c, &R);
  }
  lq_buf_putc(c->b, '\n');
}

static void json_item(ctx *c, const char *name_key, const char *name, outcome o, const lq_expr *cond) {
  lq_buf_putc(c->b, '{');
  jkey(c, name_key);
  jstr(c, name);
  puts_(c, ",\"outcome\":");
  jstr(c, outcome_word[o]);
  if (cond) {
    puts_(c, ",\"condition\":");
    put_src(c, cond->span);
    puts_(c, ",\"values\":");
    refs R = {0};
    collect(c, cond, &R);
    put_refs(c, &R);
  }
}

static const char *owner_name(const ctx *c, int owner) {
  return owner >= 0 ? c->p->teams[owner].name : NULL;
}

static void by(ctx *c, int owner) {
  if (owner < 0) return;
  if (c->json) {
    puts_(c, ",\"owner\":");
    jstr(c, owner_name(c, owner));
  } else {
    printf_(c, " by %s", owner_name(c, owner));
  }
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

/* One failed conjunct, as a sentence: "needs fit + engagement >= 50; it has 38: 12 points short". */
static void why_text(ctx *c, const lq_expr *e) {
  puts_(c, "needs ");
  put_src(c, e->span);
  lq_op op = (lq_op)e->op;
  bool ordered = op >= LQ_OP_LT && op <= LQ_OP_GE;
  lq_value a = ordered ? value_of(c, e->a) : LQ_NOVALUE;
  lq_value b = ordered ? value_of(c, e->b) : LQ_NOVALUE;
  if (a.kind == LQ_V_NUM && b.kind == LQ_V_NUM) {
    bool floor_ = op == LQ_OP_GE || op == LQ_OP_GT;
    double gap = floor_ ? b.num - a.num : a.num - b.num;
    puts_(c, "; it has ");
    lq_buf_num(c->b, a.num);
    puts_(c, ": ");
    if (gap > 0) {
      lq_buf_num(c->b, gap);
      printf_(c, "%s %s", !mentions_score(e) ? "" : gap == 1 ? " point" : " points", floor_ ? "short" : "over");
    } else {
      puts_(c, floor_ ? "not above it" : "not below it");   /* equal to a strict bound */
    }
  } else if (op == LQ_OP_STAGE) {
    puts_(c, ", which it did not reach");
  } else {
    refs R = {0};
    collect(c, e, &R);
    if (R.n) {
      puts_(c, "; ");
      put_refs(c, &R);
    }
  }
}

static void why_part(ctx *c, const lq_expr *e) {
  if (!c->json) {
    why_text(c, e);
    return;
  }
  /* The same sentence, as a JSON string. */
  lq_buf tmp = {0}, *out = c->b;
  c->b = &tmp;
  c->json = false;
  why_text(c, e);
  c->b = out;
  c->json = true;
  lq_buf_json_string(out, tmp.data, tmp.len);
  lq_buf_free(&tmp);
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

/* ---- the sections ---- */

static void rule_line(ctx *c, int i) {
  const lq_rule *ru = &c->p->rules[i];
  double pts = c->r->points[i];
  lq_value want = value_of(c, ru->points);
  char head[96], word[48];
  char ptxt[32] = "?";
  if (want.kind == LQ_V_NUM) {
    ptxt[0] = want.num >= 0 ? '+' : '-';
    lq_num_format(fabs(want.num), ptxt + 1);
  }
  snprintf(head, sizeof head, "%-5s %s", ptxt, ru->label);
  const lq_expr *cond = ru->per ? ru->list : ru->cond;
  outcome o;
  const char *w = NULL;
  if (ru->per) {
    lq_value l = value_of(c, ru->list);
    uint32_t n = l.kind == LQ_V_LIST ? l.n : l.kind == LQ_V_MISSING ? 0 : 1;
    o = isnan(pts) ? NOT_FIRED : FIRED;
    if (n == 0) snprintf(word, sizeof word, "0 items");
    else snprintf(word, sizeof word, "%u item%s", n, n == 1 ? "" : "s");
    w = word;
  } else {
    o = outcome_of(c, !isnan(pts), cond);
  }
  if (c->json) {
    json_item(c, "rule", ru->label, o, cond);
    puts_(c, ",\"points\":");
    put_num(c, pts);
    if (ru->per && ru->has_cap) {
      puts_(c, ",\"cap\":");
      lq_buf_num(c->b, ru->cap);
    }
    lq_buf_putc(c->b, '}');
    return;
  }
  if (!isnan(pts) && (ru->per || pts != want.num)) {
    char n[32];
    lq_num_format(pts, n);
    snprintf(word, sizeof word, "%s%s", pts >= 0 ? "+" : "", n);
    w = word;
  }
  line(c, "    ", head, 30, o, w, cond);
}

static void group_section(ctx *c, int gi) {
  const lq_group *g = &c->p->groups[gi];
  double raw = c->r->raw[gi], score = c->r->scores[gi];
  if (c->json) {
    lq_buf_putc(c->b, '{');
    jkey(c, "group");
    jstr(c, g->name);
    by(c, g->owner);
    puts_(c, ",\"score\":");
    lq_buf_num(c->b, score);
    puts_(c, ",\"raw\":");
    lq_buf_num(c->b, raw);
    puts_(c, ",\"cap\":");
    if (g->has_cap) lq_buf_num(c->b, g->cap);
    else puts_(c, "null");
    puts_(c, ",\"decay\":");
    if (g->has_decay) {
      puts_(c, "{\"percent\":");
      lq_buf_num(c->b, 100 * (1 - g->decay_keep));
      puts_(c, ",\"every_days\":");
      lq_buf_num(c->b, g->decay_every);
      puts_(c, ",\"since\":");
      put_value(c, value_of(c, g->since));
      puts_(c, ",\"from\":");
      lq_buf_num(c->b, g->has_cap && raw > g->cap ? g->cap : raw);
      lq_buf_putc(c->b, '}');
    } else {
      puts_(c, "null");
    }
    puts_(c, ",\"rules\":[");
    for (int i = g->first_rule; i < g->first_rule + g->nrules; i++) {
      if (i > g->first_rule) lq_buf_putc(c->b, ',');
      rule_line(c, i);
    }
    puts_(c, "]}");
    return;
  }
  paint(c, BOLD);
  printf_(c, "  score %s", g->name);
  by(c, g->owner);
  puts_(c, ": ");
  lq_buf_num(c->b, score);
  paint(c, RESET);
  double capped = g->has_cap && raw > g->cap ? g->cap : raw;
  if (g->has_cap && raw > g->cap) {
    puts_(c, " (");
    lq_buf_num(c->b, raw);
    puts_(c, " points, capped at ");
    lq_buf_num(c->b, g->cap);
    puts_(c, ")");
  } else if (g->has_cap) {
    puts_(c, " (up to ");
    lq_buf_num(c->b, g->cap);
    puts_(c, ")");
  }
  if (g->has_decay) {
    lq_value since = value_of(c, g->since);
    if (since.kind == LQ_V_MISSING) {
      puts_(c, "; no decay: ");
      put_src(c, g->since->span);
      puts_(c, " is missing");
    } else if (capped != score) {
      printf_(c, "; decayed from ");
      lq_buf_num(c->b, capped);
      printf_(c, ", %g%% less every %g days since ", 100 * (1 - g->decay_keep), g->decay_every);
      put_value(c, since);
    } else {
      puts_(c, "; no decay yet since ");
      put_value(c, since);
    }
  }
  lq_buf_putc(c->b, '\n');
  for (int i = g->first_rule; i < g->first_rule + g->nrules; i++) rule_line(c, i);
}

static void grade_section(ctx *c, int gi) {
  const lq_grade *g = &c->p->grades[gi];
  int chosen = c->r->grades[gi];
  if (c->json) {
    lq_buf_putc(c->b, '{');
    jkey(c, "grade");
    jstr(c, g->name);
    by(c, g->owner);
    puts_(c, ",\"label\":");
    if (chosen >= 0) jstr(c, g->arms[chosen].label);
    else puts_(c, "null");
    puts_(c, ",\"arms\":[");
  } else {
    paint(c, BOLD);
    printf_(c, "  grade %s", g->name);
    by(c, g->owner);
    printf_(c, ": %s%s%s\n", chosen >= 0 ? "\"" : "", chosen >= 0 ? g->arms[chosen].label : "none",
            chosen >= 0 ? "\"" : "");
    paint(c, RESET);
  }
  for (int a = 0; a < g->narms; a++) {
    const lq_arm *arm = &g->arms[a];
    outcome o = chosen >= 0 && a > chosen ? NOT_TRIED : outcome_of(c, a == chosen, arm->cond);
    const char *w = o == FIRED ? "chosen" : o == NOT_FIRED ? "not met" : NULL;
    if (c->json) {
      if (a) lq_buf_putc(c->b, ',');
      json_item(c, "label", arm->label, o, arm->cond);
      lq_buf_putc(c->b, '}');
      continue;
    }
    char head[80];
    snprintf(head, sizeof head, "\"%s\"%s", arm->label, arm->cond ? "" : " otherwise");
    line(c, "    ", head, 30, o, w, arm->cond);
  }
  if (c->json) puts_(c, "]}");
}

static void cond_item(ctx *c, const lq_cond_decl *d, const char *key, outcome o, const char *word,
                      bool quote) {
  if (c->json) {
    json_item(c, key, d->name, o, d->cond);
    by(c, d->owner);
    lq_buf_putc(c->b, '}');
    return;
  }
  char head[96];
  snprintf(head, sizeof head, quote ? "\"%s\"%s%s" : "%s%s%s", d->name, d->owner >= 0 ? " by " : "",
           d->owner >= 0 ? owner_name(c, d->owner) : "");
  line(c, "    ", head, 30, o, word, d->cond);
}

static void why_not_stage(ctx *c, int s, const char *indent) {
  const lq_cond_decl *st = &c->p->stages[s];
  const lq_expr *parts[MAX_PARTS];
  int n = failed_parts(c, st->cond, parts, MAX_PARTS, 0);
  for (int i = 0; i < n; i++) {
    if (c->json) {
      if (i) lq_buf_putc(c->b, ',');
      why_part(c, parts[i]);
      continue;
    }
    printf_(c, "%s%s %s", indent, st->name, i ? "also " : "");
    why_part(c, parts[i]);
    lq_buf_putc(c->b, '\n');
  }
}

static void stages_section(ctx *c) {
  const lq_program *p = c->p;
  const lq_result *r = c->r;
  if (!p->nstages) return;
  if (!c->json) {
    heading(c, "stages", "");
  }
  for (int s = 0; s < p->nstages; s++) {
    bool held = r->stages[s];
    outcome o = outcome_of(c, held, p->stages[s].cond);
    const char *w = held ? (r->rejected >= 0 ? "met, but rejected" : "reached") : o == NO_DATA ? NULL : "not reached";
    if (c->json) {
      if (s) lq_buf_putc(c->b, ',');
      json_item(c, "stage", p->stages[s].name, o, p->stages[s].cond);
      by(c, p->stages[s].owner);
      puts_(c, ",\"why_not\":[");
      if (!held) why_not_stage(c, s, "");
      puts_(c, "]}");
    } else {
      cond_item(c, &p->stages[s], "stage", o, w, false);
    }
  }
}

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

/* accounts["acme.com"] -> row at tables/accounts.csv:2, or -> no row. */
static void lookup_find(ctx *c, const lq_expr *e) {
  const lq_table *t = e->table;
  lq_value keys[LQ_TABLE_MAX_KEYS];
  for (uint32_t i = 0; i < e->nargs && i < LQ_TABLE_MAX_KEYS; i++) keys[i] = value_of(c, e->args[i]);
  int64_t row = lq_table_find(t, keys);
  if (c->json) {
    puts_(c, "{\"lookup\":");
    put_src(c, e->span);
    puts_(c, ",\"table\":");
    jstr(c, t->name);
    puts_(c, ",\"keys\":[");
    for (uint32_t i = 0; i < e->nargs; i++) {
      if (i) lq_buf_putc(c->b, ',');
      put_value(c, keys[i]);
    }
    puts_(c, "],\"file\":");
    jstr(c, c->p->sources.files[t->file].path);
    puts_(c, ",\"line\":");
    if (row >= 0) printf_(c, "%u", t->lines[row]);
    else puts_(c, "null");
    lq_buf_putc(c->b, '}');
    return;
  }
  printf_(c, "      %s[", t->name);
  for (uint32_t i = 0; i < e->nargs; i++) {
    if (i) puts_(c, ", ");
    put_value(c, keys[i]);
  }
  puts_(c, "] -> ");
  if (row >= 0) {
    puts_(c, "row at ");
    put_row_at(c, t, row);
  } else {
    puts_(c, "no row");
  }
  lq_buf_putc(c->b, '\n');
}

/* Characters, not bytes, so that names in UTF-8 line up. */
static int chars(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* A candidate as the reader knows it: the item itself, or a row's identity. */
static void put_candidate(ctx *c, const lq_pick_candidate *k) {
  if (k->item.kind != LQ_V_OBJ && k->item.kind != LQ_V_ROW) put_value(c, k->item);
  else if (k->id) put_value(c, lq_strv(k->id, (uint32_t)k->idn));
  else puts_(c, c->json ? "null" : "(a row with no identity)");
}

static void pick_find(ctx *c, const lq_expr *e) {
  lq_pick_trace tr;
  lq_eval_pick_trace(c->E, e, LQ_NOVALUE, &tr);
  if (c->json) {
    puts_(c, "{\"pick\":");
    put_src(c, e->span);
    puts_(c, ",\"key\":");
    if (tr.key) lq_buf_json_string(c->b, tr.key, tr.keyn);
    else puts_(c, "null");
    puts_(c, ",\"candidates\":[");
    for (uint32_t i = 0; i < tr.n; i++) {
      const lq_pick_candidate *k = &tr.c[i];
      if (i) lq_buf_putc(c->b, ',');
      puts_(c, "{\"id\":");
      if (k->id) lq_buf_json_string(c->b, k->id, k->idn);
      else puts_(c, "null");
      puts_(c, ",\"weight\":");
      put_num(c, k->weight);
      puts_(c, ",\"score\":");
      put_num(c, k->score);
      printf_(c, ",\"picked\":%s}", (int)i == tr.picked ? "true" : "false");
    }
    puts_(c, "],\"picked\":");
    if (tr.picked >= 0) put_candidate(c, &tr.c[tr.picked]);
    else puts_(c, "null");
    lq_buf_putc(c->b, '}');
    return;
  }
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
    int w = chars(cell[shown]);
    if (w > width) width = w;
    which[shown++] = i;
  }
  char weight[SHOW_CANDIDATES + 1][32];
  int wwidth = 0;
  for (uint32_t s = 0; s < shown; s++) {
    double w = tr.c[which[s]].weight;
    if (isnan(w)) snprintf(weight[s], sizeof weight[s], "missing");
    else lq_num_format(w, weight[s]);
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
    printf_(c, "%*s  weight %-*s  %s", width - chars(cell[s]), "", wwidth, weight[s], note);
    while (c->b->len && c->b->data[c->b->len - 1] == ' ') c->b->len--;
    lq_buf_putc(c->b, '\n');
  }
  if (shown < tr.n) printf_(c, "        ... and %u more\n", tr.n - shown);
}

/* The value of a route's `to`, then each lookup and pick behind it and its
 * condition: why the lead went to this person, or to nobody. */
static void route_finds(ctx *c, const lq_cond_decl *d, outcome o, bool last) {
  finds F = {0};
  if (o != NOT_TRIED) gather(c, d->cond, &F);
  bool owner_tried = d->to && (o == FIRED || o == NO_OWNER);
  if (owner_tried) gather(c, d->to, &F);
  if (c->json) {
    if (d->to) {
      puts_(c, ",\"to\":{\"expression\":");
      put_src(c, d->to->span);
      puts_(c, ",\"value\":");
      put_value(c, owner_tried ? value_of(c, d->to) : LQ_NOVALUE);
      lq_buf_putc(c->b, '}');
    }
    /* The keys are there for every route that goes to people or reads a
     * table, whatever this lead did, so that tools find them. */
    finds all = {0};
    gather(c, d->cond, &all);
    if (!d->to && !all.n) return;
    for (int pass = 0; pass < 2; pass++) {
      puts_(c, pass ? ",\"picks\":[" : ",\"lookups\":[");
      int n = 0;
      for (int i = 0; i < F.n; i++) {
        if ((F.e[i]->op == LQ_OP_LOOKUP) == pass) continue;
        if (n++) lq_buf_putc(c->b, ',');
        if (pass) pick_find(c, F.e[i]);
        else lookup_find(c, F.e[i]);
      }
      lq_buf_putc(c->b, ']');
    }
    return;
  }
  if (o == NOT_TRIED) return;
  if (owner_tried) {
    puts_(c, "      to ");
    put_src(c, d->to->span);
    puts_(c, " = ");
    put_value(c, value_of(c, d->to));
    if (o == NO_OWNER)
      puts_(c, last ? ": no owner, and no route is left" : ": no owner, so the lead went on to the next route");
    lq_buf_putc(c->b, '\n');
  }
  for (int i = 0; i < F.n; i++) {
    if (F.e[i]->op == LQ_OP_LOOKUP) lookup_find(c, F.e[i]);
    else pick_find(c, F.e[i]);
  }
}

static bool missed(const lq_result *r, int route) {
  for (int i = 0; i < r->nmissed; i++)
    if (r->missed[i] == route) return true;
  return false;
}

static void routes_section(ctx *c) {
  const lq_program *p = c->p;
  const lq_result *r = c->r;
  if (!p->nroutes) return;
  if (!c->json) {
    heading(c, "routes", r->rejected >= 0 ? " (none: the lead is rejected)" : "");
  }
  for (int i = 0; i < p->nroutes; i++) {
    const lq_cond_decl *d = &p->routes[i];
    outcome o;
    const char *w = NULL;
    if (r->route >= 0 && i > r->route) o = NOT_TRIED;
    else if (i == r->route) o = FIRED, w = "chosen";
    else if (r->rejected >= 0) o = NOT_TRIED;
    else if (missed(r, i)) o = NO_OWNER;
    else o = outcome_of(c, false, d->cond), w = o == NOT_FIRED ? "no match" : NULL;
    if (c->json) {
      if (i) lq_buf_putc(c->b, ',');
      json_item(c, "route", d->name, o, d->cond);
      by(c, d->owner);
      route_finds(c, d, o, i == p->nroutes - 1);
      lq_buf_putc(c->b, '}');
      continue;
    }
    cond_item(c, d, "route", o, w, true);
    route_finds(c, d, o, i == p->nroutes - 1);
  }
}

static void rejects_section(ctx *c) {
  const lq_program *p = c->p;
  if (!p->nrejects) return;
  if (!c->json) {
    heading(c, "rejects", "");
  }
  for (int i = 0; i < p->nrejects; i++) {
    if (c->json && i) lq_buf_putc(c->b, ',');
    bool fired = c->r->rejects[i];
    outcome o = outcome_of(c, fired, p->rejects[i].cond);
    cond_item(c, &p->rejects[i], "reason", o, fired && i == c->r->rejected ? "REJECTED" : NULL, true);
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
  lq_buf_num(c->b, r->total);
  paint(c, RESET);
  lq_buf_putc(c->b, '\n');
}

void lq_explain(lq_buf *b, lq_eval *E, const lq_result *r, const lq_id *id, const lq_explain_opts *o) {
  ctx c = {b, E, lq_eval_program(E), r, o->json, o->color && !o->json};
  const lq_program *p = c.p;
  if (c.json) {
    puts_(&c, "{\"line\":");
    lq_buf_num(b, (double)id->line);
    puts_(&c, ",\"decision\":");
    lq_out_decision(b, p, r, id);
    puts_(&c, ",\"groups\":[");
  } else {
    summary(&c, id);
  }
  /* Sections in the order the rules file declares them. */
  int ng = 0, ngr = 0;
  for (int s = 0; s < p->nsteps; s++) {
    const lq_step *st = &p->steps[s];
    if (st->kind == LQ_STEP_GROUP) {
      if (c.json && ng++) lq_buf_putc(b, ',');
      group_section(&c, (int)st->index);
    }
  }
  if (c.json) puts_(&c, "],\"rejects\":[");
  rejects_section(&c);
  if (c.json) puts_(&c, "],\"grades\":[");
  for (int g = 0; g < p->ngrades; g++) {
    if (c.json && ngr++) lq_buf_putc(b, ',');
    grade_section(&c, g);
  }
  if (c.json) puts_(&c, "],\"stages\":[");
  stages_section(&c);
  if (c.json) puts_(&c, "],\"routes\":[");
  routes_section(&c);
  if (c.json) {
    puts_(&c, "]}\n");
    return;
  }
  if (r->rejected < 0) {
    bool any = false;
    for (int s = 0; s < p->nstages; s++) {
      if (r->stages[s]) continue;
      if (!any) {
        heading(&c, "why not", "");
      }
      any = true;
      why_not_stage(&c, s, "    ");
    }
  }
  lq_buf_putc(b, '\n');
}

void lq_explain_why_not(lq_buf *b, lq_eval *E, const lq_result *r, const char *indent) {
  ctx c = {b, E, lq_eval_program(E), r, false, false};
  for (int s = 0; s < c.p->nstages; s++)
    if (!r->stages[s]) why_not_stage(&c, s, indent);
}
