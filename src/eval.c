/* eval.c: evaluates the program model (program.h) against one lead.
 * Nothing a lead contains can make evaluation fail: a wrong type compares
 * false (and is counted), arithmetic on a missing value is missing. */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "json.h"

/* Where a `where` is: the lead path slot of its list (-1: not a lead's list), and the item. */
typedef struct walk_at { int32_t list; uint32_t i, n; const lq_value *items; } walk_at;

/* One field of the items of one lead list, for the lead of seq. */
typedef struct item_memo {
  int32_t list, field;
  uint64_t seq;
  uint32_t n;
  lq_value *vals;
  bool *have;
} item_memo;

struct lq_eval {
  const lq_program *p;
  double now;
  lq_arena scratch;
  const cJSON *lead;
  uint64_t seq;                 /* leads evaluated; marks memo entries and surprises */
  lq_value *define_val;
  uint64_t *define_seq;
  lq_value *path_val;           /* lead paths, walked once per lead */
  uint64_t *path_seq;
  uint64_t *surprise;           /* nsites * KINDS * KINDS */
  uint64_t *surprise_seq;       /* per site: last lead counted */
  lq_owner_misses *owner_misses;   /* per route */
  XXH64_state_t *xxh;           /* pick's hash, fed an identity in pieces */
  /* The `where` walking a lead's list, and the values its items' fields had:
   * rules that walk the same list (`per events where type == "a"`, `any(events
   * where type == "b")`) read each item's field once per lead, not once per rule. */
  walk_at walk;
  item_memo *memo;
  int nmemo, memo_cap;
  lq_result r;
};

enum { K = LQ_V_KINDS };


/* Each thread's evaluator state is in cache lines of its own: two threads
 * writing neighbouring bytes would pass the line back and forth every lead. */
lq_eval *lq_eval_new(const lq_program *p, double now) {
  lq_eval *E = lq_xcalloc_lines(1, sizeof *E);
  E->p = p;
  E->now = now;
  lq_arena_init(&E->scratch, 256 * 1024);
  E->define_val = lq_xcalloc_lines((size_t)p->ndefines, sizeof *E->define_val);
  E->define_seq = lq_xcalloc_lines((size_t)p->ndefines, sizeof *E->define_seq);
  E->path_val = lq_xcalloc_lines((size_t)p->npaths, sizeof *E->path_val);
  E->path_seq = lq_xcalloc_lines((size_t)p->npaths, sizeof *E->path_seq);
  E->surprise = lq_xcalloc_lines((size_t)p->nsites * K * K, sizeof *E->surprise);
  E->surprise_seq = lq_xcalloc_lines((size_t)p->nsites, sizeof *E->surprise_seq);
  E->r.scores = lq_xcalloc_lines((size_t)p->ngroups, sizeof(double));
  E->r.raw = lq_xcalloc_lines((size_t)p->ngroups, sizeof(double));
  E->r.points = lq_xcalloc_lines((size_t)p->nrules, sizeof(double));
  E->r.grades = lq_xcalloc_lines((size_t)p->ngrades, sizeof(int));
  E->r.stages = lq_xcalloc_lines((size_t)p->nstages, sizeof(bool));
  E->r.rejects = lq_xcalloc_lines((size_t)p->nrejects, sizeof(bool));
  E->r.missed = lq_xcalloc_lines((size_t)p->nroutes, sizeof(int));
  E->r.missed_not_text = lq_xcalloc_lines((size_t)p->nroutes, sizeof(bool));
  E->owner_misses = lq_xcalloc_lines((size_t)p->nroutes, sizeof *E->owner_misses);
  E->xxh = XXH64_createState();
  if (!E->xxh) abort();
  E->walk.list = -1;
  return E;
}

void lq_eval_free(lq_eval *E) {
  if (!E) return;
  lq_arena_free(&E->scratch);
  lq_mem_free(E->memo);
  lq_mem_free(E->define_val);
  lq_mem_free(E->define_seq);
  lq_mem_free(E->path_val);
  lq_mem_free(E->path_seq);
  lq_mem_free(E->surprise);
  lq_mem_free(E->surprise_seq);
  lq_mem_free(E->r.scores);
  lq_mem_free(E->r.raw);
  lq_mem_free(E->r.points);
  lq_mem_free(E->r.grades);
  lq_mem_free(E->r.stages);
  lq_mem_free(E->r.rejects);
  lq_mem_free(E->r.missed);
  lq_mem_free(E->r.missed_not_text);
  lq_mem_free(E->owner_misses);
  XXH64_freeState(E->xxh);
  lq_mem_free(E);
}

const lq_program *lq_eval_program(const lq_eval *E) { return E->p; }
double lq_eval_now(const lq_eval *E) { return E->now; }
void lq_eval_set_now(lq_eval *E, double now) { E->now = now; }

lq_arena *lq_eval_scratch(lq_eval *E) { return &E->scratch; }
void lq_eval_reset(lq_eval *E) { lq_arena_reset(&E->scratch); }

uint64_t lq_eval_surprises(const lq_eval *E, int site, int a, int b) {
  return E->surprise[((size_t)site * K + (size_t)a) * K + (size_t)b];
}

void lq_eval_merge_surprises(lq_eval *into, const lq_eval *from) {
  for (size_t i = 0; i < (size_t)into->p->nsites * K * K; i++) into->surprise[i] += from->surprise[i];
  for (int i = 0; i < into->p->nroutes; i++) {
    lq_owner_misses *a = &into->owner_misses[i];
    const lq_owner_misses *b = &from->owner_misses[i];
    a->missing += b->missing;
    a->not_text += b->not_text;
    a->went_on += b->went_on;
    a->unrouted += b->unrouted;
  }
}

lq_owner_misses lq_eval_owner_misses(const lq_eval *E, int route) { return E->owner_misses[route]; }

/* A comparison met a type it cannot compare: counted once per lead and site. */
static void surprise(lq_eval *E, int site, int ka, int kb) {
  if (site < 0) return;
  if (E->surprise_seq[site] == E->seq) return;
  E->surprise_seq[site] = E->seq;
  E->surprise[((size_t)site * K + (size_t)ka) * K + (size_t)kb]++;
}

static lq_value eval(lq_eval *E, const lq_expr *e, lq_value item);

/* ---- paths ---- */

/* The key is exactly key[0..len): a NUL in s stops at the first byte that differs. */
static inline bool key_is(const char *s, const char *key, uint32_t len) {
  for (uint32_t i = 0; i < len; i++)
    if (s[i] != key[i]) return false;
  return s[len] == '\0';
}

/* A key holding a U+0000 names no field: its C string is only the part before it. */
static const cJSON *object_get(const cJSON *obj, const char *key, uint32_t len) {
  for (const cJSON *c = obj->child; c; c = c->next)
    if (c->string && key_is(c->string, key, len) && !(c->type & LQ_JSON_KEY_NUL)) return c;
  return NULL;
}

static const cJSON *array_at(const cJSON *arr, int32_t index) {
  if (index < 0) {
    int n = 0;
    for (const cJSON *c = arr->child; c; c = c->next) n++;
    index += n;
    if (index < 0) return NULL;
  }
  const cJSON *c = arr->child;
  while (c && index--) c = c->next;
  return c;
}

/* A growable list in scratch memory. */
typedef struct vec { lq_value *items; uint32_t n, cap; } vec;

static void vec_push(lq_eval *E, vec *v, lq_value x) {
  if (v->n == v->cap) {
    uint32_t cap = v->cap ? 2 * v->cap : 8;
    lq_value *items = lq_arena_alloc(&E->scratch, cap * sizeof *items);
    if (v->n) memcpy(items, v->items, v->n * sizeof *items);
    v->items = items;
    v->cap = cap;
  }
  v->items[v->n++] = x;
}

/* Projection collects what each item yields; missing items drop out and a
 * nested projection is flattened one level, so a.b.c is one list. */
static void collect(lq_eval *E, vec *out, lq_value x) {
  if (x.kind == LQ_V_MISSING) return;
  if (x.kind == LQ_V_LIST)
    for (uint32_t i = 0; i < x.n; i++) { if (x.items[i].kind != LQ_V_MISSING) vec_push(E, out, x.items[i]); }
  else
    vec_push(E, out, x);
}

static lq_value as_list(vec v) { return (lq_value){.kind = LQ_V_LIST, .n = v.n, .items = v.items}; }

static lq_value walk_json(lq_eval *E, const cJSON *j, const lq_seg *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (!j) return LQ_NOVALUE;
    int type = j->type & 0xFF;
    if (type == cJSON_Object) {
      if (s[i].is_index) return LQ_NOVALUE;
      j = object_get(j, s[i].key, s[i].len);
    } else if (type == cJSON_Array) {
      if (s[i].is_index) { j = array_at(j, s[i].index); continue; }
      vec out = {0};
      for (const cJSON *c = j->child; c; c = c->next) collect(E, &out, walk_json(E, c, s + i, n - i));
      return as_list(out);
    } else {
      return LQ_NOVALUE;
    }
  }
  return lq_value_from_json(&E->scratch, j);
}

static lq_value walk_value(lq_eval *E, lq_value v, const lq_seg *s, uint32_t n) {
  if (n == 0) return v;
  if (v.kind == LQ_V_OBJ) return walk_json(E, v.obj, s, n);
  if (v.kind == LQ_V_ROW)
    return s[0].is_index ? LQ_NOVALUE : walk_value(E, lq_table_get(v.table, v.n, s[0].key, s[0].len), s + 1, n - 1);
  if (v.kind != LQ_V_LIST) return LQ_NOVALUE;
  if (s[0].is_index) {
    int64_t i = s[0].index < 0 ? (int64_t)v.n + s[0].index : s[0].index;
    return i >= 0 && i < v.n ? walk_value(E, v.items[i], s + 1, n - 1) : LQ_NOVALUE;
  }
  vec out = {0};
  for (uint32_t i = 0; i < v.n; i++) collect(E, &out, walk_value(E, v.items[i], s, n));
  return as_list(out);
}

const cJSON *lq_json_at(const cJSON *j, const lq_seg *s, uint32_t n) {
  for (uint32_t i = 0; i < n && j; i++) {
    int type = j->type & 0xFF;
    if (type == cJSON_Object && !s[i].is_index) j = object_get(j, s[i].key, s[i].len);
    else if (type == cJSON_Array && s[i].is_index) j = array_at(j, s[i].index);
    else j = NULL;
  }
  return j;
}

lq_value lq_eval_path(lq_eval *E, const cJSON *root, const lq_seg *segs, uint32_t n) {
  return walk_json(E, root, segs, n);
}

/* ---- comparisons ---- */

static bool equal(lq_eval *E, const lq_expr *e, lq_value a, lq_value b) {
  if (a.kind == LQ_V_MISSING || b.kind == LQ_V_MISSING) return a.kind == b.kind;
  if (a.kind != b.kind) { surprise(E, e->site, a.kind, b.kind); return false; }
  return lq_value_eq(a, b);
}

/* Orders a and b into *cmp; false when they cannot be ordered (missing or wrong type).
 * Two texts that are both times compare as times, other texts alphabetically. */
static bool order(lq_eval *E, const lq_expr *e, lq_value a, lq_value b, int *cmp) {
  if (a.kind == LQ_V_MISSING || b.kind == LQ_V_MISSING) return false;
  if (a.kind == LQ_V_NUM && b.kind == LQ_V_NUM) {
    *cmp = (a.num > b.num) - (a.num < b.num);
    return a.num == a.num && b.num == b.num;
  }
  if (a.kind == LQ_V_STR && b.kind == LQ_V_STR) {
    double ta, tb;
    if (lq_time_parse(a.str, a.n, &ta) && lq_time_parse(b.str, b.n, &tb)) *cmp = (ta > tb) - (ta < tb);
    else *cmp = lq_text_cmp(a.str, a.n, b.str, b.n);
    return true;
  }
  surprise(E, e->site, a.kind, b.kind);
  return false;
}

static bool member(lq_eval *E, const lq_expr *e, lq_value a, const lq_expr *list, lq_value item) {
  if (a.kind == LQ_V_MISSING) return false;
  if (e->set) {
    if (e->set->kind >= 0 && e->set->count && (int)a.kind != e->set->kind)
      surprise(E, e->site, a.kind, e->set->kind);
    return lq_set_has(e->set, a);
  }
  lq_value l = eval(E, list, item);
  if (l.kind == LQ_V_MISSING) return false;
  if (l.kind != LQ_V_LIST) { surprise(E, e->site, a.kind, l.kind); return false; }
  for (uint32_t i = 0; i < l.n; i++)
    if (lq_value_eq(a, l.items[i])) return true;
  return false;
}

typedef enum { TEXT_CONTAINS, TEXT_STARTS, TEXT_ENDS } text_test;

static bool text_test_one(lq_eval *E, const lq_expr *e, text_test t, lq_value a, lq_value b) {
  if (a.kind == LQ_V_MISSING || b.kind == LQ_V_MISSING) return false;
  if (t == TEXT_CONTAINS && a.kind == LQ_V_LIST) {
    for (uint32_t i = 0; i < a.n; i++)
      if (lq_value_eq(a.items[i], b)) return true;
    return false;
  }
  if (a.kind != LQ_V_STR || b.kind != LQ_V_STR) { surprise(E, e->site, a.kind, b.kind); return false; }
  if (b.n > a.n) return false;
  switch (t) {
  case TEXT_CONTAINS: return lq_text_find(a.str, a.n, b.str, b.n) != NULL;
  case TEXT_STARTS: return lq_text_eq(a.str, b.n, b.str, b.n);
  default: return lq_text_eq(a.str + a.n - b.n, b.n, b.str, b.n);
  }
}

static bool text_test_any(lq_eval *E, const lq_expr *e, text_test t, lq_value a, lq_value l) {
  if (a.kind == LQ_V_MISSING || l.kind == LQ_V_MISSING) return false;
  if (l.kind != LQ_V_LIST) return text_test_one(E, e, t, a, l);
  for (uint32_t i = 0; i < l.n; i++)
    if (text_test_one(E, e, t, a, l.items[i])) return true;
  return false;
}

/* Docs, "Score groups": a sum is held within +-1e308, so a score is always a
 * number and a decision valid JSON. Not DBL_MAX: printed with 15 digits it
 * reads back as infinity. Both terms are finite, so the sum is never NaN. */
#define SCORE_HELD 1e308

static double add_held(double sum, double x) {
  double s = sum + x;
  return fabs(s) > SCORE_HELD ? copysign(SCORE_HELD, s) : s;
}

static lq_value arith(lq_eval *E, const lq_expr *e, lq_value a, lq_value b) {
  if (a.kind == LQ_V_MISSING || b.kind == LQ_V_MISSING) return LQ_NOVALUE;
  if (a.kind != LQ_V_NUM || b.kind != LQ_V_NUM) { surprise(E, e->site, a.kind, b.kind); return LQ_NOVALUE; }
  double x;
  switch (e->op) {
  case LQ_OP_ADD: x = a.num + b.num; break;
  case LQ_OP_SUB: x = a.num - b.num; break;
  case LQ_OP_MUL: x = a.num * b.num; break;
  default:
    if (b.num == 0) return LQ_NOVALUE;
    x = a.num / b.num;
  }
  return isfinite(x) ? lq_num(x) : LQ_NOVALUE;
}

/* ---- functions ---- */

/* The items a list function works on: `L where C` filtered, a list as is,
 * a single value as a list of one, missing as nothing. */
static lq_value items_of(lq_eval *E, const lq_expr *arg, lq_value item) {
  lq_value l = eval(E, arg, item);
  if (l.kind == LQ_V_LIST) return l;
  if (l.kind == LQ_V_MISSING) return (lq_value){.kind = LQ_V_LIST};
  lq_value *one = lq_arena_alloc(&E->scratch, sizeof *one);
  *one = l;
  return (lq_value){.kind = LQ_V_LIST, .n = 1, .items = one};
}

static lq_value where(lq_eval *E, const lq_expr *e, lq_value item) {
  lq_value l = items_of(E, e->a, item);
  vec out = {0};
  walk_at outer = E->walk;
  /* A lead's list is walked once per lead: the same items every time. */
  bool lead_list = e->a->op == LQ_OP_PATH && e->a->root == LQ_ROOT_LEAD && e->a->slot >= 0;
  E->walk.list = lead_list ? e->a->slot : -1;
  E->walk.n = l.n;
  E->walk.items = l.items;
  for (uint32_t i = 0; i < l.n; i++) {
    E->walk.i = i;
    if (lq_truthy(eval(E, e->b, l.items[i]))) vec_push(E, &out, l.items[i]);
  }
  E->walk = outer;
  return as_list(out);
}

/* A field of the item `where` is at, read once per lead and list. */
static lq_value item_field(lq_eval *E, const lq_expr *e, lq_value item) {
  item_memo *m = NULL;
  for (int k = 0; k < E->nmemo && !m; k++)
    if (E->memo[k].list == E->walk.list && E->memo[k].field == e->slot) m = &E->memo[k];
  if (!m) {
    if (E->nmemo == E->memo_cap) {
      E->memo_cap = E->memo_cap ? 2 * E->memo_cap : 8;
      E->memo = lq_mem_realloc(E->memo, (size_t)E->memo_cap * sizeof *E->memo);
      if (!E->memo) abort();
    }
    m = &E->memo[E->nmemo++];
    *m = (item_memo){.list = E->walk.list, .field = e->slot};
  }
  if (m->seq != E->seq || m->n != E->walk.n) {
    m->seq = E->seq;
    m->n = E->walk.n;
    m->vals = lq_arena_alloc(&E->scratch, (size_t)(m->n ? m->n : 1) * sizeof *m->vals);
    m->have = lq_arena_zalloc(&E->scratch, (size_t)(m->n ? m->n : 1));
  }
  uint32_t i = E->walk.i;
  if (!m->have[i]) {
    m->vals[i] = walk_value(E, item, e->segs, e->nsegs);
    m->have[i] = true;
  }
  return m->vals[i];
}

static lq_value text_copy(lq_eval *E, const char *s, size_t n) {
  return lq_strv(lq_arena_strndup(&E->scratch, s, n), (uint32_t)n);
}

static lq_value case_map(lq_eval *E, lq_value v, bool up) {
  if (v.kind != LQ_V_STR) return LQ_NOVALUE;
  lq_value out = text_copy(E, v.str, v.n);
  char *s = (char *)out.str;
  for (uint32_t i = 0; i < v.n; i++) {
    if (up && s[i] >= 'a' && s[i] <= 'z') s[i] = (char)(s[i] - 32);
    if (!up && s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] + 32);
  }
  return out;
}

static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Narrows [*s, *end) to its text without the white space around it. */
static void strip(const char **s, const char **end) {
  while (*s < *end && space(**s)) (*s)++;
  while (*end > *s && space((*end)[-1])) (*end)--;
}

static lq_value trim(lq_eval *E, lq_value v) {
  if (v.kind != LQ_V_STR) return LQ_NOVALUE;
  const char *s = v.str, *end = v.str + v.n;
  strip(&s, &end);
  return text_copy(E, s, (size_t)(end - s));
}

/* The part of an email after its last @, or a URL's host; lower case, no "www.". */
static lq_value domain(lq_eval *E, lq_value v) {
  if (v.kind != LQ_V_STR) return LQ_NOVALUE;
  const char *s = v.str, *end = v.str + v.n;
  strip(&s, &end);
  const char *at = NULL;
  for (const char *p = s; p < end; p++) if (*p == '@') at = p;
  if (at) {
    s = at + 1;
  } else {
    for (const char *p = s; p + 2 < end; p++)
      if (p[0] == ':' && p[1] == '/' && p[2] == '/') { s = p + 3; break; }
    for (const char *p = s; p < end; p++)
      if (*p == '/' || *p == '?' || *p == '#' || *p == ':') { end = p; break; }
  }
  if (end - s > 4 && lq_text_eq(s, 4, "www.", 4)) s += 4;
  if (s == end) return LQ_NOVALUE;
  return case_map(E, lq_strv(s, (uint32_t)(end - s)), false);
}

/* "1,200", " 42 ", "3.5" as numbers; anything else (like "Select") is missing. */
static lq_value to_number(lq_value v) {
  if (v.kind == LQ_V_NUM) return v;
  if (v.kind != LQ_V_STR || v.n == 0 || v.n > 64) return LQ_NOVALUE;
  char buf[65];
  size_t n = 0;
  for (uint32_t i = 0; i < v.n; i++)
    if (v.str[i] != ',' && !space(v.str[i])) buf[n++] = v.str[i];
  buf[n] = '\0';
  if (!n) return LQ_NOVALUE;
  char *end;
  double x = strtod(buf, &end);
  if (*end || !isfinite(x)) return LQ_NOVALUE;
  /* strtod also reads hex and "inf"; a CRM number is digits. */
  for (size_t i = 0; i < n; i++)
    if (!strchr("0123456789.+-eE", buf[i])) return LQ_NOVALUE;
  return lq_num(x);
}

static size_t utf8_len(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += ((unsigned char)s[i] & 0xC0) != 0x80;
  return count;
}

static lq_value round_to(lq_value v, lq_value digits) {
  if (v.kind != LQ_V_NUM) return LQ_NOVALUE;
  double d = digits.kind == LQ_V_NUM ? floor(digits.num) : 0;
  if (d > 15 || d < -15) return digits.kind == LQ_V_NUM ? LQ_NOVALUE : v;
  double scale = pow(10, d);
  double x = round(v.num * scale) / scale;
  return isfinite(x) ? lq_num(x) : LQ_NOVALUE;
}

static lq_value extreme_num(lq_value l, bool max) {
  bool any = false;
  double best = 0;
  for (uint32_t i = 0; i < l.n; i++) {
    if (l.items[i].kind != LQ_V_NUM) continue;
    double x = l.items[i].num;
    if (!any || (max ? x > best : x < best)) best = x;
    any = true;
  }
  return any ? lq_num(best) : LQ_NOVALUE;
}

static lq_value extreme_time(lq_value l, bool latest) {
  int best = -1;
  double bt = 0, t;
  for (uint32_t i = 0; i < l.n; i++) {
    if (l.items[i].kind != LQ_V_STR || !lq_time_parse(l.items[i].str, l.items[i].n, &t)) continue;
    if (best < 0 || (latest ? t > bt : t < bt)) { best = (int)i; bt = t; }
  }
  return best < 0 ? LQ_NOVALUE : l.items[best];
}

/* Counts for any and every: an item holds unless it is false or missing. */
static bool holds(lq_value v) { return v.kind != LQ_V_MISSING && !(v.kind == LQ_V_BOOL && !v.b); }

/* An item's identity for pick, as text in parts (a composite key's, joined
 * by 0x1F when hashed): text or a number itself; a table's row its key (or
 * first column); another object its first field. */
typedef struct ident {
  int n;
  const char *s[LQ_TABLE_MAX_KEYS];
  size_t len[LQ_TABLE_MAX_KEYS];
  char buf[LQ_TABLE_MAX_KEYS][32];
} ident;

static bool item_id(lq_eval *E, lq_value v, ident *id) {
  lq_value parts[LQ_TABLE_MAX_KEYS];
  int n = 1;
  if (v.kind == LQ_V_ROW) {
    n = lq_table_row_id(v.table, v.n, parts);
  } else if (v.kind != LQ_V_OBJ) {
    parts[0] = v;
  } else {
    const cJSON *first = v.obj->child;
    if (!first || cJSON_IsArray(first) || cJSON_IsObject(first)) return false;
    parts[0] = lq_value_from_json(&E->scratch, first);
  }
  for (int i = 0; i < n; i++)
    if (!lq_value_key_text(parts[i], id->buf[i], &id->s[i], &id->len[i])) return false;
  id->n = n;
  return n > 0;
}

/* XXH64 (seed 0) of the bytes K, 0x1F, I. Joined on the stack and hashed in
 * one call when they fit (the usual email or id: paired runs of a pick over
 * six reps took about a quarter longer fed in pieces); otherwise fed in
 * pieces, which is the same hash, so an identity of any length (a key of
 * several long columns) is picked. */
static uint64_t pick_hash(XXH64_state_t *st, const char *k, size_t kn, const ident *id) {
  char buf[256];
  size_t len = kn;
  for (int i = 0; i < id->n; i++) len += 1 + id->len[i];
  if (len <= sizeof buf) {
    memcpy(buf, k, kn);
    size_t w = kn;
    for (int i = 0; i < id->n; i++) {
      buf[w++] = '\x1f';
      memcpy(buf + w, id->s[i], id->len[i]);
      w += id->len[i];
    }
    return XXH64(buf, len, 0);
  }
  XXH64_reset(st, 0);
  XXH64_update(st, k, kn);
  for (int i = 0; i < id->n; i++) {
    XXH64_update(st, "\x1f", 1);
    XXH64_update(st, id->s[i], id->len[i]);
  }
  return XXH64_digest(st);
}

/* The identity's parts joined by 0x1F, in scratch memory: what explain shows. */
static char *ident_text(lq_eval *E, const ident *id, size_t *n) {
  size_t len = 0;
  for (int i = 0; i < id->n; i++) len += id->len[i] + (i > 0);
  char *out = lq_arena_alloc(&E->scratch, len + 1), *w = out;
  for (int i = 0; i < id->n; i++) {
    if (i) *w++ = '\x1f';
    memcpy(w, id->s[i], id->len[i]);
    w += id->len[i];
  }
  *w = '\0';
  *n = len;
  return out;
}

/* Weighted rendezvous hashing, bit for bit as docs/language.md specifies:
 * h = XXH64(key + "\x1f" + identity, seed 0), u = ((h >> 11) + 0.5) / 2^53,
 * score w / -ln(u); the highest score wins, a tie goes to the earlier item.
 * With tr, every item is recorded for explain, which so shows exactly what
 * the decision did. */
static lq_value pick(lq_eval *E, const lq_expr *e, lq_value item, lq_pick_trace *tr) {
  lq_value l = items_of(E, e->args[0], item);
  char kbuf[32];
  const char *ks = NULL;
  size_t kn = 0;
  bool keyed = lq_value_key_text(eval(E, e->args[1], item), kbuf, &ks, &kn);
  if (tr) {
    *tr = (lq_pick_trace){.key = keyed ? lq_arena_strndup(&E->scratch, ks, kn) : NULL, .keyn = kn, .n = l.n,
                          .picked = -1};
    tr->c = lq_arena_alloc(&E->scratch, (l.n ? l.n : 1) * sizeof *tr->c);
  } else if (!l.n || !keyed) {
    return LQ_NOVALUE;
  }
  int best = -1;
  double best_score = 0;
  ident id;
  for (uint32_t i = 0; i < l.n; i++) {
    double w = 1;
    if (e->nargs > 2) {
      lq_value wv = eval(E, e->args[2], l.items[i]);
      w = wv.kind == LQ_V_NUM ? wv.num : NAN;
    }
    bool has_id = (w > 0 || tr) && item_id(E, l.items[i], &id);
    if (tr) {
      size_t idn = 0;
      const char *idt = has_id ? ident_text(E, &id, &idn) : NULL;
      tr->c[i] = (lq_pick_candidate){.item = l.items[i], .id = idt, .idn = idn, .weight = w, .score = NAN};
    }
    if (!keyed || !(w > 0) || !has_id) continue;
    uint64_t h = pick_hash(E->xxh, ks, kn, &id);
    double u = ((double)(h >> 11) + 0.5) / 9007199254740992.0;   /* 2^53 */
    double score = w / -log(u);
    if (tr) tr->c[i].score = score;
    if (best < 0 || score > best_score) {
      best = (int)i;
      best_score = score;
    }
  }
  if (tr) tr->picked = best;
  return best < 0 ? LQ_NOVALUE : l.items[best];
}

void lq_eval_pick_trace(lq_eval *E, const lq_expr *e, lq_value item, lq_pick_trace *tr) { pick(E, e, item, tr); }

static lq_value call(lq_eval *E, const lq_expr *e, lq_value item) {
  const lq_expr *const *args = e->args;
  switch ((lq_fn)e->fn) {
  case LQ_FN_lower: return case_map(E, eval(E, args[0], item), false);
  case LQ_FN_upper: return case_map(E, eval(E, args[0], item), true);
  case LQ_FN_trim: return trim(E, eval(E, args[0], item));
  case LQ_FN_len: {
    lq_value v = eval(E, args[0], item);
    if (v.kind == LQ_V_STR) return lq_num((double)utf8_len(v.str, v.n));
    if (v.kind == LQ_V_LIST) return lq_num(v.n);
    if (v.kind == LQ_V_OBJ) return lq_num(cJSON_GetArraySize(v.obj));
    if (v.kind == LQ_V_ROW) return lq_num(lq_table_row_len(v.table, v.n));
    return LQ_NOVALUE;
  }
  case LQ_FN_domain: return domain(E, eval(E, args[0], item));
  case LQ_FN_number: return to_number(eval(E, args[0], item));
  case LQ_FN_coalesce:
    for (uint32_t i = 0; i < e->nargs; i++) {
      lq_value v = eval(E, args[i], item);
      if (v.kind != LQ_V_MISSING) return v;
    }
    return LQ_NOVALUE;
  case LQ_FN_abs: {
    lq_value v = eval(E, args[0], item);
    return v.kind == LQ_V_NUM ? lq_num(fabs(v.num)) : LQ_NOVALUE;
  }
  case LQ_FN_round:
    return round_to(eval(E, args[0], item), e->nargs > 1 ? eval(E, args[1], item) : LQ_NOVALUE);
  case LQ_FN_floor: case LQ_FN_ceil: {
    lq_value v = eval(E, args[0], item);
    if (v.kind != LQ_V_NUM) return LQ_NOVALUE;
    return lq_num(e->fn == LQ_FN_floor ? floor(v.num) : ceil(v.num));
  }
  case LQ_FN_min: case LQ_FN_max: {
    lq_value l;
    if (e->nargs == 1) {
      l = items_of(E, args[0], item);
    } else {
      lq_value *vals = lq_arena_alloc(&E->scratch, e->nargs * sizeof *vals);
      for (uint32_t i = 0; i < e->nargs; i++) vals[i] = eval(E, args[i], item);
      l = (lq_value){.kind = LQ_V_LIST, .n = e->nargs, .items = vals};
    }
    return extreme_num(l, e->fn == LQ_FN_max);
  }
  case LQ_FN_sum: {
    lq_value l = eval(E, args[0], item);
    if (l.kind == LQ_V_MISSING) return LQ_NOVALUE;
    if (l.kind == LQ_V_NUM) return l;
    if (l.kind != LQ_V_LIST) return LQ_NOVALUE;
    double s = 0;
    for (uint32_t i = 0; i < l.n; i++)
      if (l.items[i].kind == LQ_V_NUM) s += l.items[i].num;
    return isfinite(s) ? lq_num(s) : LQ_NOVALUE;
  }
  case LQ_FN_count: {
    lq_value l = items_of(E, args[0], item);
    return lq_num(l.n);
  }
  case LQ_FN_any: case LQ_FN_every: {
    bool every = e->fn == LQ_FN_every;
    if (every && args[0]->op == LQ_OP_WHERE) {
      /* every(L where C) reads "C holds for every item of L", not "every
       * item that passed the filter holds", which would mean any(). */
      lq_value l = items_of(E, args[0]->a, item);
      for (uint32_t i = 0; i < l.n; i++)
        if (!lq_truthy(eval(E, args[0]->b, l.items[i]))) return lq_bool(false);
      return lq_bool(l.n > 0);
    }
    lq_value l = items_of(E, args[0], item);
    if (every && l.n == 0) return lq_bool(false);
    for (uint32_t i = 0; i < l.n; i++)
      if (holds(l.items[i]) != every) return lq_bool(!every);
    return lq_bool(every);
  }
  case LQ_FN_first: {
    lq_value l = items_of(E, args[0], item);
    return l.n ? l.items[0] : LQ_NOVALUE;
  }
  case LQ_FN_pick: return pick(E, e, item, NULL);
  case LQ_FN_latest: case LQ_FN_earliest:
    return extreme_time(items_of(E, args[0], item), e->fn == LQ_FN_latest);
  case LQ_FN_days_since: {
    lq_value v = eval(E, args[0], item);
    double t;
    if (v.kind != LQ_V_STR || !lq_time_parse(v.str, v.n, &t)) return LQ_NOVALUE;
    return lq_num(floor((E->now - t) / 86400.0));
  }
  case LQ_FN_date: {
    lq_value v = eval(E, args[0], item);
    double t;
    if (v.kind != LQ_V_STR || !lq_time_parse(v.str, v.n, &t)) return LQ_NOVALUE;
    char *buf = lq_arena_alloc(&E->scratch, 24);
    lq_time_format(t, buf);
    return lq_strv(buf, (uint32_t)strlen(buf));
  }
  default: return LQ_NOVALUE;
  }
}

/* ---- expressions ---- */

static lq_value eval(lq_eval *E, const lq_expr *e, lq_value item) {
  lq_value a, b;
  int c1, c2;
  switch ((lq_op)e->op) {
  case LQ_OP_CONST: return e->k;
  case LQ_OP_PATH:
    switch (e->root) {
    case LQ_ROOT_LEAD:
      if (e->slot < 0) return walk_json(E, E->lead, e->segs, e->nsegs);
      if (E->path_seq[e->slot] != E->seq) {
        E->path_val[e->slot] = walk_json(E, E->lead, e->segs, e->nsegs);
        E->path_seq[e->slot] = E->seq;
      }
      return E->path_val[e->slot];
    case LQ_ROOT_ITEM:
      /* The item `where` is at (not one a builtin iterates itself): its field once per lead. */
      if (E->walk.list >= 0 && e->slot >= 0 && item.kind == LQ_V_OBJ && E->walk.i < E->walk.n &&
          E->walk.items[E->walk.i].kind == LQ_V_OBJ && E->walk.items[E->walk.i].obj == item.obj)
        return item_field(E, e, item);
      return walk_value(E, item, e->segs, e->nsegs);
    default: return walk_value(E, eval(E, e->a, item), e->segs, e->nsegs);
    }
  case LQ_OP_LISTLIT: {
    lq_value *items = lq_arena_alloc(&E->scratch, (e->nargs ? e->nargs : 1) * sizeof *items);
    for (uint32_t i = 0; i < e->nargs; i++) items[i] = eval(E, e->args[i], item);
    return (lq_value){.kind = LQ_V_LIST, .n = e->nargs, .items = items};
  }
  case LQ_OP_DEFINE:
    /* Defines are evaluated on first use per lead, then remembered. */
    if (E->define_seq[e->slot] != E->seq) {
      E->define_val[e->slot] = eval(E, E->p->defines[e->slot].expr, LQ_NOVALUE);
      E->define_seq[e->slot] = E->seq;
    }
    return E->define_val[e->slot];
  case LQ_OP_GROUP: return lq_num(E->r.scores[e->slot]);
  case LQ_OP_TOTAL: {
    double t = 0;
    for (int i = 0; i < E->p->ngroups; i++) t = add_held(t, E->r.scores[i]);
    return lq_num(t);
  }
  case LQ_OP_GRADE: {
    int arm = E->r.grades[e->slot];
    if (arm < 0) return LQ_NOVALUE;
    const char *label = E->p->grades[e->slot].arms[arm].label;
    return lq_strv(label, (uint32_t)strlen(label));
  }
  case LQ_OP_STAGE: return lq_bool(E->r.stages[e->slot]);
  case LQ_OP_REJECTED:
    for (int i = 0; i < E->p->nrejects; i++)
      if (E->r.rejects[i]) return lq_bool(true);
    return lq_bool(false);
  case LQ_OP_NOT: return lq_bool(!lq_truthy(eval(E, e->a, item)));
  case LQ_OP_AND: return lq_bool(lq_truthy(eval(E, e->a, item)) && lq_truthy(eval(E, e->b, item)));
  case LQ_OP_OR: return lq_bool(lq_truthy(eval(E, e->a, item)) || lq_truthy(eval(E, e->b, item)));
  case LQ_OP_NEG:
    a = eval(E, e->a, item);
    if (a.kind == LQ_V_NUM) return lq_num(-a.num);
    if (a.kind != LQ_V_MISSING) surprise(E, e->site, a.kind, LQ_V_NUM);
    return LQ_NOVALUE;
  case LQ_OP_EQ: case LQ_OP_NE:
    a = eval(E, e->a, item);
    b = eval(E, e->b, item);
    return lq_bool(equal(E, e, a, b) == (e->op == LQ_OP_EQ));
  case LQ_OP_LT: case LQ_OP_LE: case LQ_OP_GT: case LQ_OP_GE:
    a = eval(E, e->a, item);
    b = eval(E, e->b, item);
    if (!order(E, e, a, b, &c1)) return lq_bool(false);
    switch (e->op) {
    case LQ_OP_LT: return lq_bool(c1 < 0);
    case LQ_OP_LE: return lq_bool(c1 <= 0);
    case LQ_OP_GT: return lq_bool(c1 > 0);
    default: return lq_bool(c1 >= 0);
    }
  case LQ_OP_BETWEEN:
    a = eval(E, e->a, item);
    if (!order(E, e, a, eval(E, e->b, item), &c1)) return lq_bool(false);
    if (!order(E, e, a, eval(E, e->c, item), &c2)) return lq_bool(false);
    return lq_bool(c1 >= 0 && c2 <= 0);
  case LQ_OP_ADD: case LQ_OP_SUB: case LQ_OP_MUL: case LQ_OP_DIV:
    return arith(E, e, eval(E, e->a, item), eval(E, e->b, item));
  case LQ_OP_IN: return lq_bool(member(E, e, eval(E, e->a, item), e->b, item));
  case LQ_OP_NOT_IN: return lq_bool(!member(E, e, eval(E, e->a, item), e->b, item));
  case LQ_OP_CONTAINS: return lq_bool(text_test_one(E, e, TEXT_CONTAINS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_STARTS: return lq_bool(text_test_one(E, e, TEXT_STARTS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_ENDS: return lq_bool(text_test_one(E, e, TEXT_ENDS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_CONTAINS_ANY: return lq_bool(text_test_any(E, e, TEXT_CONTAINS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_STARTS_ANY: return lq_bool(text_test_any(E, e, TEXT_STARTS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_ENDS_ANY: return lq_bool(text_test_any(E, e, TEXT_ENDS, eval(E, e->a, item), eval(E, e->b, item)));
  case LQ_OP_MATCHES:
    a = eval(E, e->a, item);
    if (a.kind == LQ_V_MISSING || !e->re) return lq_bool(false);
    if (a.kind != LQ_V_STR) { surprise(E, e->site, a.kind, LQ_V_STR); return lq_bool(false); }
    {
      /* The whole text, also past a \u0000 in it. */
      regmatch_t whole = {0, (regoff_t)a.n};
      return lq_bool(regexec(e->re, a.str, 1, &whole, REG_STARTEND) == 0);
    }
  case LQ_OP_MISSING: return lq_bool(eval(E, e->a, item).kind == LQ_V_MISSING);
  case LQ_OP_PRESENT: return lq_bool(eval(E, e->a, item).kind != LQ_V_MISSING);
  case LQ_OP_CALL: return call(E, e, item);
  case LQ_OP_WHERE: return where(E, e, item);
  case LQ_OP_TABLE: return (lq_value){.kind = LQ_V_LIST, .n = e->table->nrows, .items = e->table->rows};
  case LQ_OP_LOOKUP: {
    lq_value keys[LQ_TABLE_MAX_KEYS];
    for (uint32_t i = 0; i < e->nargs; i++) keys[i] = eval(E, e->args[i], item);
    int64_t row = lq_table_find(e->table, keys);
    return row < 0 ? LQ_NOVALUE : e->table->rows[row];
  }
  default: return LQ_NOVALUE;
  }
}

lq_value lq_eval_expr(lq_eval *E, const lq_expr *e, lq_value item) { return eval(E, e, item); }

/* ---- declarations ---- */

/* The condition (or the per list) first: the points of a rule that does not
 * apply are never computed, nor counted in the type-surprise warnings. */
static double rule_points(lq_eval *E, const lq_rule *r) {
  uint32_t n = 1;
  if (!r->per) {
    if (!lq_truthy(eval(E, r->cond, LQ_NOVALUE))) return NAN;
  } else if ((n = items_of(E, r->list, LQ_NOVALUE).n) == 0) {
    return NAN;
  }
  lq_value pts = eval(E, r->points, LQ_NOVALUE);
  if (pts.kind != LQ_V_NUM) return NAN;   /* missing points give no points */
  double total = pts.num * n;
  if (!isfinite(total)) return NAN;   /* huge points times many items: no points, as overflow */
  if (r->per && r->has_cap) {
    /* A cap bounds the rule's effect either way: `-5 per x up to 20` takes at most 20. */
    if (total > r->cap) total = r->cap;
    if (total < -r->cap) total = -r->cap;
  }
  return total;
}

static void group(lq_eval *E, int gi) {
  const lq_group *g = &E->p->groups[gi];
  double sum = 0;
  for (int i = g->first_rule; i < g->first_rule + g->nrules; i++) {
    double pts = rule_points(E, &E->p->rules[i]);
    E->r.points[i] = pts;
    if (pts == pts) sum = add_held(sum, pts);
  }
  E->r.raw[gi] = sum;
  if (g->has_cap && sum > g->cap) sum = g->cap;
  if (g->has_decay) {
    lq_value since = eval(E, g->since, LQ_NOVALUE);
    double t;
    if (since.kind == LQ_V_STR && lq_time_parse(since.str, since.n, &t)) {
      double days = (E->now - t) / 86400.0;
      double periods = days > 0 ? floor(days / g->decay_every) : 0;
      sum *= pow(g->decay_keep, periods);
    }
  }
  E->r.scores[gi] = sum;
}

static bool cond(lq_eval *E, const lq_expr *c) { return !c || lq_truthy(eval(E, c, LQ_NOVALUE)); }

const lq_result *lq_eval_lead(lq_eval *E, const cJSON *lead) {
  const lq_program *p = E->p;
  lq_result *r = &E->r;
  E->lead = lead;
  E->seq++;
  r->rejected = r->stage = r->route = -1;
  r->owner = LQ_NOVALUE;
  r->nmissed = 0;
  for (int i = 0; i < p->nsteps; i++) {
    uint32_t x = p->steps[i].index;
    switch (p->steps[i].kind) {
    case LQ_STEP_GROUP: group(E, (int)x); break;
    case LQ_STEP_GRADE: {
      const lq_grade *g = &p->grades[x];
      r->grades[x] = -1;
      for (int a = 0; a < g->narms; a++)
        if (cond(E, g->arms[a].cond)) { r->grades[x] = a; break; }
      break;
    }
    case LQ_STEP_REJECT:
      r->rejects[x] = cond(E, p->rejects[x].cond);
      if (r->rejects[x] && r->rejected < 0) r->rejected = (int)x;
      break;
    case LQ_STEP_STAGE:
      r->stages[x] = cond(E, p->stages[x].cond);
      if (r->stages[x]) r->stage = (int)x;
      break;
    case LQ_STEP_ROUTE:
      if (r->route >= 0 || !cond(E, p->routes[x].cond)) break;
      if (p->routes[x].to) {
        /* No owner, no route: the next one is tried, and the gap counted. */
        lq_value o = eval(E, p->routes[x].to, LQ_NOVALUE);
        if (!(o.kind == LQ_V_NUM || (o.kind == LQ_V_STR && !lq_text_blank(o.str, o.n)))) {
          r->missed_not_text[r->nmissed] = o.kind != LQ_V_MISSING && o.kind != LQ_V_STR;
          r->missed[r->nmissed++] = (int)x;
          break;
        }
        r->owner = o;
      }
      r->route = (int)x;
      break;
    }
  }
  r->total = 0;
  for (int i = 0; i < p->ngroups; i++) r->total = add_held(r->total, r->scores[i]);
  if (r->rejected >= 0) {
    r->stage = r->route = -1;
    r->owner = LQ_NOVALUE;
    r->nmissed = 0;   /* a rejected lead is routed nowhere, so no owner was missed */
  }
  for (int i = 0; i < r->nmissed; i++) {
    lq_owner_misses *m = &E->owner_misses[r->missed[i]];
    if (r->missed_not_text[i]) m->not_text++;
    else m->missing++;
    if (r->route >= 0) m->went_on++;
    else m->unrouted++;
  }
  return r;
}
