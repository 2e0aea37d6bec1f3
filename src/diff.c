/* diff.c: two versions of the rules on the same leads (diff.h): matching
 * declarations by name, counting what changed, and the report in three forms. */
#include "diff.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "output.h"


/* How many rules before rule i in its group carry the same label: the k-th
 * "page view" of a group matches the k-th of the same group in the other version. */
static int label_rank(const lq_program *p, int i) {
  const lq_group *g = &p->groups[p->rules[i].group];
  int k = 0;
  for (int j = g->first_rule; j < i; j++) k += !strcmp(p->rules[j].label, p->rules[i].label);
  return k;
}

static int find_rule(const lq_program *p, const char *group, const char *label, int rank) {
  int g = lq_find_group(p, group);
  if (g < 0) return -1;
  for (int j = p->groups[g].first_rule; j < p->groups[g].first_rule + p->groups[g].nrules; j++)
    if (!strcmp(p->rules[j].label, label) && rank-- == 0) return j;
  return -1;
}

static void map_rules(const lq_program *from, const lq_program *to, int *map) {
  for (int i = 0; i < from->nrules; i++)
    map[i] = find_rule(to, from->groups[from->rules[i].group].name, from->rules[i].label, label_rank(from, i));
}

static void map_decls(const lq_cond_decl *from, int nfrom, const lq_cond_decl *to, int nto, int *map) {
  for (int i = 0; i < nfrom; i++) map[i] = lq_find_cond(to, nto, from[i].name);
}

lq_diff *lq_diff_new(const lq_program *old, const lq_program *new, double now, int show) {
  lq_diff *D = lq_xcalloc(1, sizeof *D);
  D->p[0] = old;
  D->p[1] = new;
  D->E[0] = lq_eval_new(old, now);
  D->E[1] = lq_eval_new(new, now);
  lq_arena_init(&D->arena, 64 * 1024);
  lq_hash_init(&D->owner_index, NULL, 64);
  D->show = show > 0 ? show : 0;
  D->shown = lq_xcalloc((size_t)D->show, sizeof *D->shown);
  D->stage_moves = lq_xcalloc((size_t)(old->nstages + 1) * (size_t)(new->nstages + 1), sizeof *D->stage_moves);
  D->route_moves = lq_xcalloc((size_t)(old->nroutes + 1) * (size_t)(new->nroutes + 1), sizeof *D->route_moves);
  D->owners = old->to_people || new->to_people;

  D->grades = lq_xcalloc((size_t)(old->ngrades + new->ngrades), sizeof *D->grades);
  for (int i = 0; i < old->ngrades; i++)
    D->grades[D->ngrades++] = (lq_diff_pair){old->grades[i].name, i, lq_find_grade(new, old->grades[i].name)};
  for (int j = 0; j < new->ngrades; j++)
    if (lq_find_grade(old, new->grades[j].name) < 0) D->grades[D->ngrades++] = (lq_diff_pair){new->grades[j].name, -1, j};
  D->grade_changed = lq_xcalloc((size_t)D->ngrades, sizeof *D->grade_changed);

  D->shifts = lq_xcalloc((size_t)(old->ngroups + new->ngroups + 1), sizeof *D->shifts);
  for (int i = 0; i < old->ngroups; i++)
    D->shifts[D->nshifts++] = (lq_diff_shift){.name = old->groups[i].name, .before = i,
                                              .after = lq_find_group(new, old->groups[i].name)};
  for (int j = 0; j < new->ngroups; j++)
    if (lq_find_group(old, new->groups[j].name) < 0)
      D->shifts[D->nshifts++] = (lq_diff_shift){.name = new->groups[j].name, .before = -1, .after = j};
  D->shifts[D->nshifts++] = (lq_diff_shift){.name = NULL, .before = -1, .after = -1};

  D->rule_to_new = lq_xcalloc((size_t)old->nrules, sizeof(int));
  D->rule_from_old = lq_xcalloc((size_t)new->nrules, sizeof(int));
  map_rules(old, new, D->rule_to_new);
  map_rules(new, old, D->rule_from_old);
  D->reject_to_new = lq_xcalloc((size_t)old->nrejects, sizeof(int));
  D->reject_from_old = lq_xcalloc((size_t)new->nrejects, sizeof(int));
  map_decls(old->rejects, old->nrejects, new->rejects, new->nrejects, D->reject_to_new);
  map_decls(new->rejects, new->nrejects, old->rejects, old->nrejects, D->reject_from_old);
  return D;
}

void lq_diff_free(lq_diff *D) {
  if (!D) return;
  lq_eval_free(D->E[0]);
  lq_eval_free(D->E[1]);
  lq_arena_free(&D->arena);
  lq_mem_free(D->shown);
  lq_mem_free(D->stage_moves);
  lq_mem_free(D->route_moves);
  lq_mem_free(D->owner_moves);
  lq_hash_free(&D->owner_index);
  lq_mem_free(D->grades);
  lq_mem_free(D->grade_changed);
  lq_mem_free(D->shifts);
  lq_mem_free(D->rule_to_new);
  lq_mem_free(D->rule_from_old);
  lq_mem_free(D->reject_to_new);
  lq_mem_free(D->reject_from_old);
  lq_mem_free(D->judged);
  lq_mem_free(D->stage_flow);
  lq_mem_free(D->route_flow);
  lq_mem_free(D);
}

static bool same_name(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

void lq_diff_set_outcome(lq_diff *D, const lq_expr *outcome, const lq_expr *outcome_new) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  D->outcome = outcome;
  D->outcome_new = outcome_new;
  D->judged = lq_xcalloc((size_t)(po->nstages + pn->nstages) + 1, sizeof *D->judged);
  for (int i = 0; i < po->nstages; i++)
    D->judged[D->njudged++] = (lq_diff_judged){.name = po->stages[i].name, .before = i,
                                                .after = lq_find_cond(pn->stages, pn->nstages, po->stages[i].name)};
  for (int j = 0; j < pn->nstages; j++)
    if (lq_find_cond(po->stages, po->nstages, pn->stages[j].name) < 0)
      D->judged[D->njudged++] = (lq_diff_judged){.name = pn->stages[j].name, .before = -1, .after = j};
  D->stage_flow = lq_xcalloc((size_t)(po->nstages + 2) * (size_t)(pn->nstages + 2), sizeof *D->stage_flow);
  D->route_flow = lq_xcalloc((size_t)(po->nroutes + 2) * (size_t)(pn->nroutes + 2), sizeof *D->route_flow);
}

/* A rules text with its spaces and comments dropped, so that reformatting or
 * a new comment is no change; quoted text is kept whole, and a space stays
 * where it parts two words ("1 0" is not "10"). */
static bool word_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.'; }

static void rules_tokens(lq_buf *b, const char *s, size_t n) {
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '#') {
      while (i + 1 < n && s[i + 1] != '\n') i++;
      space = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
    } else {
      if (space && b->len && word_char(b->data[b->len - 1]) && word_char(c)) lq_buf_putc(b, ' ');
      space = false;
      if (c != '"' && c != '`') {
        lq_buf_putc(b, c);
        continue;
      }
      size_t j = i + 1;   /* to the closing quote, or the end of the line */
      while (j < n && s[j] != c && s[j] != '\n') j += s[j] == '\\' && c == '"' ? 2 : 1;
      if (j >= n) j = n - 1;
      lq_buf_put(b, s + i, j - i + 1);
      i = j;
    }
  }
}

/* The text of a program's rules files, as rules_tokens gives it: not its
 * tables (data, changed without a new agreement), its test blocks (they
 * decide nothing) nor a command line's text. */
static void rules_text(lq_buf *b, const lq_program *p) {
  size_t n = p->sources.n - (p->extra_source ? 1 : 0);
  for (size_t i = 0; i < n; i++) {
    bool table = false;
    for (int t = 0; t < p->ntables && !table; t++) table = p->tables[t]->file == i;
    if (table) continue;
    const lq_source *f = &p->sources.files[i];
    uint32_t at = 0;   /* the tests are in file order: the text between them */
    for (const lq_node *d = p->decls; d; d = d->next) {
      if (d->kind != LQ_TEST || d->span.file != i || d->span.begin < at) continue;
      rules_tokens(b, f->text + at, d->span.begin - at);
      at = d->span.end;
    }
    rules_tokens(b, f->text + at, f->len - at);
    lq_buf_putc(b, '\0');   /* where one file ends */
  }
}

bool lq_diff_version_unchanged(const lq_diff *D) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  if (!po->version || !pn->version || !same_name(po->name, pn->name) || strcmp(po->version, pn->version)) return false;
  lq_buf a = {0}, b = {0};
  rules_text(&a, po);
  rules_text(&b, pn);
  bool changed = a.len != b.len || (a.len && memcmp(a.data, b.data, a.len));
  lq_buf_free(&a);
  lq_buf_free(&b);
  return changed;
}

void lq_diff_reset(lq_diff *D) {
  lq_eval_reset(D->E[0]);
  lq_eval_reset(D->E[1]);
}

lq_arena *lq_diff_scratch(lq_diff *D) { return lq_eval_scratch(D->E[0]); }


static const char *name_or_null(const lq_cond_decl *d, int i) { return i >= 0 ? d[i].name : NULL; }


static const char *grade_arm(const lq_program *p, const lq_result *r, int g) {
  if (g < 0 || r->grades[g] < 0) return NULL;
  return p->grades[g].arms[r->grades[g]].label;
}

static bool points_differ(double a, double b) { return isnan(a) != isnan(b) || (!isnan(a) && a != b); }

/* The rules and rejects whose outcome differs, into the diff's arena. */
static void differing_rules(lq_diff *D, const lq_result *a, const lq_result *b, lq_diff_shown *L) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  int cap = po->nrules + pn->nrules + po->nrejects + pn->nrejects, n = 0;
  lq_diff_rule *out = lq_arena_alloc(&D->arena, (size_t)(cap ? cap : 1) * sizeof *out);
  for (int i = 0; i < po->nrules; i++) {
    int j = D->rule_to_new[i];
    double nv = j >= 0 ? b->points[j] : NAN;
    if (points_differ(a->points[i], nv))
      out[n++] = (lq_diff_rule){po->groups[po->rules[i].group].name, po->rules[i].label, a->points[i], nv,
                                j >= 0 ? 3 : 1};
  }
  for (int j = 0; j < pn->nrules; j++)
    if (D->rule_from_old[j] < 0 && !isnan(b->points[j]))
      out[n++] = (lq_diff_rule){pn->groups[pn->rules[j].group].name, pn->rules[j].label, NAN, b->points[j], 2};
  for (int i = 0; i < po->nrejects; i++) {
    int j = D->reject_to_new[i];
    bool nf = j >= 0 && b->rejects[j];
    if (a->rejects[i] != nf)
      out[n++] = (lq_diff_rule){NULL, po->rejects[i].name, a->rejects[i] ? 1 : NAN, nf ? 1 : NAN, j >= 0 ? 3 : 1};
  }
  for (int j = 0; j < pn->nrejects; j++)
    if (D->reject_from_old[j] < 0 && b->rejects[j])
      out[n++] = (lq_diff_rule){NULL, pn->rejects[j].name, NAN, 1, 2};
  L->rules = out;
  L->nrules = n;
}

/* ---- owners ---- */

/* An owner as the decision prints it (s NULL: none). */
typedef struct owner_text {
  const char *s;
  size_t n;
  bool bare;
  char buf[32];
} owner_text;

static void owner_of(const lq_result *r, owner_text *o) { lq_owner_text(r->owner, o->buf, &o->s, &o->n, &o->bare); }

static bool same_owner(const char *a, size_t an, const char *b, size_t bn) {
  return a ? b && an == bn && !memcmp(a, b, an) : !b;
}

/* Over both sides; a side that is none hashes differently from "". */
static uint64_t owner_hash(const char *o, size_t on, const char *n, size_t nn) {
  uint64_t a = o ? lq_hash_bytes(o, on) : 1, b = n ? lq_hash_bytes(n, nn) : 2;
  return (a * 0x9E3779B97F4A7C15ULL) ^ b;
}

/* The move (old owner, new owner): its index, or -1 with *at the slot for it. */
static int32_t owner_find(const lq_diff *D, uint64_t h, const char *o, size_t on, const char *n, size_t nn,
                          uint32_t *at) {
  const lq_hash *t = &D->owner_index;
  uint32_t i;
  for (i = lq_hash_first(t, h); t->slots[i].id >= 0; i = lq_hash_next(t, i)) {
    const lq_diff_owner_move *m = &D->owner_moves[t->slots[i].id];
    if (lq_hash_hit(t, i, h) && same_owner(m->before, m->before_n, o, on) && same_owner(m->after, m->after_n, n, nn))
      return t->slots[i].id;
  }
  *at = i;
  return -1;
}

static char *owner_dup(lq_diff *D, const owner_text *t) { return t->s ? lq_arena_strndup(&D->arena, t->s, t->n) : NULL; }

static void count_owner_move(lq_diff *D, const owner_text *o, const owner_text *n, bool outcome) {
  uint64_t h = owner_hash(o->s, o->n, n->s, n->n);
  uint32_t at;
  int32_t id = owner_find(D, h, o->s, o->n, n->s, n->n, &at);
  if (id < 0) {
    if (D->nowner_moves == D->owner_moves_cap) {
      D->owner_moves_cap = D->owner_moves_cap ? 2 * D->owner_moves_cap : 32;
      D->owner_moves = lq_mem_realloc(D->owner_moves, D->owner_moves_cap * sizeof *D->owner_moves);
      if (!D->owner_moves) abort();
    }
    id = (int32_t)D->nowner_moves++;
    D->owner_moves[id] = (lq_diff_owner_move){owner_dup(D, o), owner_dup(D, n), o->n, n->n, o->bare, n->bare, 0, 0};
    lq_hash_put(&D->owner_index, at, h, id);
  }
  D->owner_moves[id].leads++;
  D->owner_moves[id].outcomes += outcome;
}

unsigned long long lq_diff_owner_moves(const lq_diff *D, const char *from, const char *to) {
  size_t fn = from ? strlen(from) : 0, tn = to ? strlen(to) : 0;
  uint32_t at;
  int32_t id = owner_find(D, owner_hash(from, fn, to, tn), from, fn, to, tn, &at);
  return id >= 0 ? D->owner_moves[id].leads : 0;
}

static void keep_lead(lq_diff *D, const lq_result *a, const lq_result *b, const lq_id *id) {
  lq_diff_shown *L = &D->shown[D->nshown++];
  lq_buf t = {0};
  lq_id_json(&t, id);
  L->id_json = lq_arena_strndup(&D->arena, t.data, t.len);
  t.len = 0;
  lq_id_text(&t, id);
  L->id_text = lq_arena_strndup(&D->arena, t.data ? t.data : "", t.len);
  lq_buf_free(&t);
  L->lineno = id->line;
  const lq_result *r[2] = {a, b};
  for (int v = 0; v < 2; v++) {
    L->stage[v] = r[v]->stage;
    L->route[v] = r[v]->route;
    L->rejected[v] = r[v]->rejected;
    L->score[v] = r[v]->total;
    owner_text ot;
    owner_of(r[v], &ot);
    L->owner[v] = owner_dup(D, &ot);
    L->owner_bare[v] = ot.bare;
    L->grade[v] = lq_arena_alloc(&D->arena, (size_t)(D->ngrades ? D->ngrades : 1) * sizeof(char *));
    for (int g = 0; g < D->ngrades; g++)
      L->grade[v][g] = grade_arm(D->p[v], r[v], v ? D->grades[g].after : D->grades[g].before);
  }
  differing_rules(D, a, b, L);
}

static void tally(lq_diff_tally *t, bool outcome) {
  t->leads++;
  t->outcomes += outcome;
}

/* A decision's place in a flow matrix: its stage (or route), none, rejected. */
static int state(int i, int n, const lq_result *r) { return r->rejected >= 0 ? n + 1 : i >= 0 ? i : n; }

static void judge(lq_diff *D, const lq_result *a, const lq_result *b, bool outcome) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  const lq_result *r[2] = {a, b};
  tally(&D->total, outcome);
  for (int k = 0; k < D->njudged; k++) {
    lq_diff_judged *J = &D->judged[k];
    for (int v = 0; v < 2; v++) {
      int s = v ? J->after : J->before;
      if (s >= 0 && r[v]->stages[s] && r[v]->rejected < 0) tally(&J->reached[v], outcome);
    }
  }
  size_t so = (size_t)state(a->stage, po->nstages, a), sn = (size_t)state(b->stage, pn->nstages, b);
  tally(&D->stage_flow[so * (size_t)(pn->nstages + 2) + sn], outcome);
  size_t ro = (size_t)state(a->route, po->nroutes, a), rn = (size_t)state(b->route, pn->nroutes, b);
  tally(&D->route_flow[ro * (size_t)(pn->nroutes + 2) + rn], outcome);
}

bool lq_diff_lead(lq_diff *D, const cJSON *lead, const lq_id *id) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  const lq_result *a = lq_eval_lead(D->E[0], lead);
  const lq_result *b = lq_eval_lead(D->E[1], lead);
  D->leads++;
  bool changed = false;
  bool outcome = D->outcome && lq_truthy(lq_eval_expr(D->E[0], D->outcome, LQ_NOVALUE));
  if (D->outcome_new && outcome != lq_truthy(lq_eval_expr(D->E[1], D->outcome_new, LQ_NOVALUE))) D->outcome_differs++;
  if (D->outcome) judge(D, a, b, outcome);

  int so = a->stage >= 0 ? a->stage : po->nstages, sn = b->stage >= 0 ? b->stage : pn->nstages;
  D->stage_moves[(size_t)so * (size_t)(pn->nstages + 1) + (size_t)sn]++;
  if (!same_name(name_or_null(po->stages, a->stage), name_or_null(pn->stages, b->stage))) {
    D->stage_changed++;
    changed = true;
  }
  int ro = a->route >= 0 ? a->route : po->nroutes, rn = b->route >= 0 ? b->route : pn->nroutes;
  D->route_moves[(size_t)ro * (size_t)(pn->nroutes + 1) + (size_t)rn]++;
  if (!same_name(name_or_null(po->routes, a->route), name_or_null(pn->routes, b->route))) {
    D->route_changed++;
    changed = true;
  }
  owner_text oo, on;
  owner_of(a, &oo);
  owner_of(b, &on);
  if (!same_owner(oo.s, oo.n, on.s, on.n)) {
    D->owner_changed++;
    count_owner_move(D, &oo, &on, outcome);
    changed = true;
  }
  if (!same_name(name_or_null(po->rejects, a->rejected), name_or_null(pn->rejects, b->rejected))) {
    D->rejection_changed++;
    changed = true;
  }
  for (int g = 0; g < D->ngrades; g++) {
    if (!same_name(grade_arm(po, a, D->grades[g].before), grade_arm(pn, b, D->grades[g].after))) {
      D->grade_changed[g]++;
      changed = true;
    }
  }
  for (int s = 0; s < D->nshifts; s++) {
    lq_diff_shift *S = &D->shifts[s];
    double o = S->name ? (S->before >= 0 ? a->scores[S->before] : 0) : a->total;
    double n = S->name ? (S->after >= 0 ? b->scores[S->after] : 0) : b->total;
    S->sum_old += o;
    S->sum_new += n;
    if (n > o) S->up++;
    else if (n < o) S->down++;
  }
  if (a->total != b->total) D->score_changed++;
  if (changed) {
    D->changed++;
    if (D->nshown < D->show) keep_lead(D, a, b, id);
  }
  return changed;
}

static unsigned long long moves(const unsigned long long *m, const lq_cond_decl *od, int on,
                                const lq_cond_decl *nd, int nn, const char *from, const char *to) {
  int i = from ? lq_find_cond(od, on, from) : on, j = to ? lq_find_cond(nd, nn, to) : nn;
  if (i < 0 || j < 0) return 0;
  return m[(size_t)i * (size_t)(nn + 1) + (size_t)j];
}

unsigned long long lq_diff_stage_moves(const lq_diff *D, const char *from, const char *to) {
  return moves(D->stage_moves, D->p[0]->stages, D->p[0]->nstages, D->p[1]->stages, D->p[1]->nstages, from, to);
}

unsigned long long lq_diff_route_moves(const lq_diff *D, const char *from, const char *to) {
  return moves(D->route_moves, D->p[0]->routes, D->p[0]->nroutes, D->p[1]->routes, D->p[1]->nroutes, from, to);
}

/* ---- writing ------------------------------------------------------------ */

typedef struct writer {
  lq_buf *b;
  const lq_diff *D;
  const lq_diff_write_opts *o;
  bool md;
} writer;

static void pad(lq_buf *b, int n) {
  while (n-- > 0) lq_buf_putc(b, ' ');
}

/* Text from names and ids: control characters become spaces (lq_out_text); in
 * Markdown, the characters that would start markup are escaped. */
static void put_name(const writer *w, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t k = lq_out_control(s + i, n - i);
    if (k) {
      lq_buf_putc(w->b, ' ');
      i += k;
      continue;
    }
    if (w->md && strchr("\\`*_[]<>|~&#!", s[i])) lq_buf_putc(w->b, '\\');
    lq_buf_putc(w->b, s[i++]);
  }
}

/* Terminal columns, so that names in any script line up. */
static int text_width(const char *s) { return lq_out_width(s, strlen(s)); }

static double mean(double sum, unsigned long long n) { return n ? sum / (double)n : 0; }

/* A count as text and Markdown print it: 8,000 (JSON has plain numbers). */
#define COUNT(n) lq_out_count((char[LQ_OUT_COUNT_MAX]){0}, (n))

/* "33.3%", or "-" over no leads, into buf (16 bytes). */
static const char *rate_text(char *buf, unsigned long long n, unsigned long long of) {
  if (!of) snprintf(buf, 16, "-");
  else snprintf(buf, 16, "%.1f%%", 100.0 * (double)n / (double)of);
  return buf;
}
#define RATE(n, of) rate_text((char[16]){0}, (n), (of))

static const char *arrow(const writer *w) { return w->md ? " \xe2\x86\x92 " : " -> "; }

/* ---- JSON ---- */

static void json_side(lq_jw *j, const lq_program *p, const char *file) {
  lq_jw_object(j);
  lq_jw_key(j, "rules");
  lq_jw_str(j, file);
  lq_jw_key(j, "ruleset");
  lq_jw_str(j, p->name);
  lq_jw_key(j, "version");
  lq_jw_str(j, p->version);
  lq_jw_end_object(j);
}

/* The names of a matrix's rows or columns, then null for none. */
static void json_names(lq_jw *j, const lq_cond_decl *d, int n) {
  lq_jw_array(j);
  for (int i = 0; i <= n; i++) lq_jw_str(j, i < n ? d[i].name : NULL);
  lq_jw_end_array(j);
}

static void json_matrix(lq_jw *j, const unsigned long long *m, const lq_cond_decl *od, int on,
                        const lq_cond_decl *nd, int nn) {
  lq_jw_object(j);
  lq_jw_key(j, "old");
  json_names(j, od, on);
  lq_jw_key(j, "new");
  json_names(j, nd, nn);
  lq_jw_key(j, "counts");
  lq_jw_array(j);
  for (int i = 0; i <= on; i++) {
    lq_jw_array(j);
    for (int k = 0; k <= nn; k++) lq_jw_uint(j, m[(size_t)i * (size_t)(nn + 1) + (size_t)k]);
    lq_jw_end_array(j);
  }
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

static void json_pair(lq_jw *j, const char *key, const char *o, const char *n) {
  lq_jw_key(j, key);
  lq_jw_object(j);
  lq_jw_key(j, "old");
  lq_jw_str(j, o);
  lq_jw_key(j, "new");
  lq_jw_str(j, n);
  lq_jw_end_object(j);
}

/* The owner as a decision prints it: text quoted, a number bare, or null. */
static void json_owner(lq_jw *j, const char *s, bool bare) {
  if (s && bare) lq_jw_raw(j, s, strlen(s));
  else lq_jw_str(j, s);
}

static void json_owner_pair(lq_jw *j, const char *o, bool ob, const char *n, bool nb) {
  lq_jw_object(j);
  lq_jw_key(j, "old");
  json_owner(j, o, ob);
  lq_jw_key(j, "new");
  json_owner(j, n, nb);
  lq_jw_end_object(j);
}

/* none sorts after every owner */
static int owner_cmp(const char *a, const char *b) {
  if (!a || !b) return (a == NULL) - (b == NULL);
  return strcmp(a, b);
}

static int by_leads(const void *x, const void *y) {
  const lq_diff_owner_move *a = *(const lq_diff_owner_move *const *)x, *b = *(const lq_diff_owner_move *const *)y;
  if (a->leads != b->leads) return a->leads < b->leads ? 1 : -1;
  int c = owner_cmp(a->before, b->before);
  return c ? c : owner_cmp(a->after, b->after);
}

/* The owner transitions to list: the top of the list, most leads first (ties
 * by old owner, then new, as bytes), and what is left over. */
typedef struct owner_top {
  const lq_diff_owner_move **m;   /* all of them, sorted; caller frees */
  size_t n;                       /* how many to list */
  size_t more;                    /* transitions not listed */
  unsigned long long more_leads;  /* their leads */
} owner_top;

static owner_top owners_top(const writer *w) {
  const lq_diff *D = w->D;
  owner_top t = {lq_xcalloc(D->nowner_moves + 1, sizeof *t.m), 0, 0, 0};
  for (size_t k = 0; k < D->nowner_moves; k++) t.m[k] = &D->owner_moves[k];
  qsort(t.m, D->nowner_moves, sizeof *t.m, by_leads);
  size_t want = w->o->owners > 0 ? (size_t)w->o->owners : 0;
  t.n = want < D->nowner_moves ? want : D->nowner_moves;
  t.more = D->nowner_moves - t.n;
  for (size_t k = t.n; k < D->nowner_moves; k++) t.more_leads += t.m[k]->leads;
  return t;
}

static void json_points(lq_jw *j, double x) {
  if (isnan(x)) lq_jw_null(j);
  else lq_jw_num(j, x);
}

/* Two decimals at most. */
static void json_round(lq_jw *j, double x) {
  double r = round(x * 100) / 100;
  lq_jw_num(j, r == 0 ? 0 : r);
}

static void json_rule(lq_jw *j, const lq_diff_rule *R) {
  lq_jw_object(j);
  if (R->group) {
    lq_jw_key(j, "group");
    lq_jw_str(j, R->group);
    lq_jw_key(j, "rule");
    lq_jw_str(j, R->name);
    lq_jw_key(j, "old");
    json_points(j, R->before);
    lq_jw_key(j, "new");
    json_points(j, R->after);
  } else {
    lq_jw_key(j, "reject");
    lq_jw_str(j, R->name);
    lq_jw_key(j, "old");
    lq_jw_bool(j, !isnan(R->before));
    lq_jw_key(j, "new");
    lq_jw_bool(j, !isnan(R->after));
  }
  lq_jw_key(j, "in");
  lq_jw_str(j, R->exists == 3 ? "both" : R->exists == 1 ? "old" : "new");
  lq_jw_end_object(j);
}

static void json_lead(lq_jw *j, const lq_diff *D, const lq_diff_shown *L) {
  const lq_program *po = D->p[0], *pn = D->p[1];
  lq_jw_object(j);
  lq_jw_key(j, "id");
  lq_jw_raw(j, L->id_json, strlen(L->id_json));
  lq_jw_key(j, "line");
  lq_jw_uint(j, L->lineno);
  json_pair(j, "stage", name_or_null(po->stages, L->stage[0]), name_or_null(pn->stages, L->stage[1]));
  json_pair(j, "route", name_or_null(po->routes, L->route[0]), name_or_null(pn->routes, L->route[1]));
  lq_jw_key(j, "owner");
  json_owner_pair(j, L->owner[0], L->owner_bare[0], L->owner[1], L->owner_bare[1]);
  json_pair(j, "rejected", name_or_null(po->rejects, L->rejected[0]), name_or_null(pn->rejects, L->rejected[1]));
  lq_jw_key(j, "grades");
  lq_jw_object(j);
  for (int g = 0; g < D->ngrades; g++) json_pair(j, D->grades[g].name, L->grade[0][g], L->grade[1][g]);
  lq_jw_end_object(j);
  lq_jw_key(j, "score");
  lq_jw_object(j);
  lq_jw_key(j, "old");
  lq_jw_num(j, L->score[0]);
  lq_jw_key(j, "new");
  lq_jw_num(j, L->score[1]);
  lq_jw_end_object(j);
  lq_jw_key(j, "rules");
  lq_jw_array(j);
  for (int i = 0; i < L->nrules; i++) json_rule(j, &L->rules[i]);
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

/* A rate as a fraction rounded to 4 decimals, as report writes it; null over no leads. */
static void json_rate(lq_jw *j, unsigned long long n, unsigned long long of) {
  if (!of) lq_jw_null(j);
  else lq_jw_num(j, round(10000.0 * (double)n / (double)of) / 10000);
}

/* The leads (under leads_key; NULL: not written), "outcomes", and their
 * rate (under rate_key) into the open object. */
static void json_tally(lq_jw *j, const char *leads_key, lq_diff_tally t, const char *rate_key) {
  if (leads_key) {
    lq_jw_key(j, leads_key);
    lq_jw_uint(j, t.leads);
  }
  lq_jw_key(j, "outcomes");
  lq_jw_uint(j, t.outcomes);
  lq_jw_key(j, rate_key);
  json_rate(j, t.outcomes, t.leads);
}

/* One side of a move: the name, null for none; rejected says which kind of none. */
static void json_state(lq_jw *j, const char *key, const lq_cond_decl *d, int n, int i) {
  lq_jw_key(j, key);
  lq_jw_str(j, i < n ? d[i].name : NULL);
  char k[32];
  snprintf(k, sizeof k, "%s_rejected", key);
  lq_jw_key(j, k);
  lq_jw_bool(j, i == n + 1);
}

static void json_flow(lq_jw *j, const lq_diff_tally *f, const lq_cond_decl *od, int on, const lq_cond_decl *nd,
                      int nn) {
  lq_jw_array(j);
  for (int i = 0; i < on + 2; i++)
    for (int k = 0; k < nn + 2; k++) {
      lq_diff_tally t = f[(size_t)i * (size_t)(nn + 2) + (size_t)k];
      if (!t.leads) continue;
      lq_jw_object(j);
      json_state(j, "old", od, on, i);
      json_state(j, "new", nd, nn, k);
      lq_jw_key(j, "moved");
      lq_jw_bool(j, !(i < on ? k < nn && !strcmp(od[i].name, nd[k].name) : i - on == k - nn));
      json_tally(j, "leads", t, "rate");
      lq_jw_end_object(j);
    }
  lq_jw_end_array(j);
}

static void json_outcome(lq_jw *j, const writer *w) {
  const lq_diff *D = w->D;
  const lq_program *po = D->p[0], *pn = D->p[1];
  lq_jw_key(j, "outcome");
  lq_jw_object(j);
  lq_jw_key(j, "expression");
  lq_jw_str(j, w->o->outcome);
  json_tally(j, "leads", D->total, "rate");
  lq_jw_key(j, "read_otherwise_by_new");
  lq_jw_uint(j, D->outcome_differs);
  lq_jw_key(j, "stages");
  lq_jw_array(j);
  for (int k = 0; k < D->njudged; k++) {
    const lq_diff_judged *J = &D->judged[k];
    lq_jw_object(j);
    lq_jw_key(j, "stage");
    lq_jw_str(j, J->name);
    for (int v = 0; v < 2; v++) {
      lq_jw_key(j, v ? "new" : "old");
      if ((v ? J->after : J->before) < 0) {
        lq_jw_null(j);
        continue;
      }
      lq_diff_tally t = J->reached[v];
      lq_jw_object(j);
      json_tally(j, "reached", t, "precision");
      lq_jw_key(j, "recall");
      json_rate(j, t.outcomes, D->total.outcomes);
      lq_jw_end_object(j);
    }
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_key(j, "stage_moves");
  json_flow(j, D->stage_flow, po->stages, po->nstages, pn->stages, pn->nstages);
  lq_jw_key(j, "route_moves");
  json_flow(j, D->route_flow, po->routes, po->nroutes, pn->routes, pn->nroutes);
  lq_jw_end_object(j);
}

static void write_json(const writer *w) {
  lq_jw jw = lq_jw_on(w->b), *j = &jw;
  const lq_diff *D = w->D;
  const lq_program *po = D->p[0], *pn = D->p[1];
  lq_jw_object(j);
  lq_jw_key(j, "old");
  json_side(j, po, w->o->old_name);
  lq_jw_key(j, "new");
  json_side(j, pn, w->o->new_name);
  lq_jw_key(j, "version_not_raised");
  lq_jw_bool(j, lq_diff_version_unchanged(D));
  const struct { const char *key; unsigned long long n; } counts[] = {
      {"leads", D->leads},
      {"bad_lines", D->bad},
      {"changed", D->changed},
      {"stage_changed", D->stage_changed},
      {"route_changed", D->route_changed},
      {"owner_changed", D->owner_changed},
      {"rejection_changed", D->rejection_changed},
  };
  for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
    lq_jw_key(j, counts[k].key);
    lq_jw_uint(j, counts[k].n);
  }
  lq_jw_key(j, "grade_changed");
  lq_jw_object(j);
  for (int g = 0; g < D->ngrades; g++) {
    lq_jw_key(j, D->grades[g].name);
    lq_jw_uint(j, D->grade_changed[g]);
  }
  lq_jw_end_object(j);
  lq_jw_key(j, "score_changed");
  lq_jw_uint(j, D->score_changed);
  lq_jw_key(j, "stages");
  json_matrix(j, D->stage_moves, po->stages, po->nstages, pn->stages, pn->nstages);
  lq_jw_key(j, "routes");
  json_matrix(j, D->route_moves, po->routes, po->nroutes, pn->routes, pn->nroutes);
  lq_jw_key(j, "owners");
  lq_jw_object(j);
  lq_jw_key(j, "transitions");
  lq_jw_array(j);
  owner_top top = owners_top(w);
  for (size_t k = 0; k < top.n; k++) {
    const lq_diff_owner_move *m = top.m[k];
    lq_jw_object(j);
    lq_jw_key(j, "old");
    json_owner(j, m->before, m->before_bare);
    lq_jw_key(j, "new");
    json_owner(j, m->after, m->after_bare);
    lq_jw_key(j, "leads");
    lq_jw_uint(j, m->leads);
    if (D->outcome) json_tally(j, NULL, (lq_diff_tally){m->leads, m->outcomes}, "rate");
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_key(j, "more_transitions");
  lq_jw_uint(j, top.more);
  lq_jw_key(j, "more_leads");
  lq_jw_uint(j, top.more_leads);
  lq_jw_end_object(j);
  lq_mem_free(top.m);
  lq_jw_key(j, "scores");
  lq_jw_array(j);
  for (int s = 0; s < D->nshifts; s++) {
    const lq_diff_shift *S = &D->shifts[s];
    lq_jw_object(j);
    lq_jw_key(j, "group");
    lq_jw_str(j, S->name);
    lq_jw_key(j, "old_mean");
    if (S->name && S->before < 0) lq_jw_null(j);
    else json_round(j, mean(S->sum_old, D->leads));
    lq_jw_key(j, "new_mean");
    if (S->name && S->after < 0) lq_jw_null(j);
    else json_round(j, mean(S->sum_new, D->leads));
    lq_jw_key(j, "shift");
    json_round(j, mean(S->sum_new, D->leads) - mean(S->sum_old, D->leads));
    lq_jw_key(j, "up");
    lq_jw_uint(j, S->up);
    lq_jw_key(j, "down");
    lq_jw_uint(j, S->down);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  if (D->outcome) json_outcome(j, w);
  lq_jw_key(j, "changed_leads");
  lq_jw_array(j);
  for (int k = 0; k < D->nshown; k++) json_lead(j, D, &D->shown[k]);
  lq_jw_end_array(j);
  lq_jw_end_object(j);
  lq_buf_putc(w->b, '\n');
}

/* ---- text and Markdown ---- */

static const char *none_label(const writer *w) {
  (void)w;
  return "(none)";
}

static void heading(const writer *w, const char *title) {
  if (w->md) lq_buf_printf(w->b, "\n#### %c%s\n\n", title[0] >= 'a' && title[0] <= 'z' ? title[0] - 'a' + 'A' : title[0],
                     title + 1);
  else lq_buf_printf(w->b, "\n%s\n", title);
}

/* A transition matrix: old versions down, new across; a name only in one
 * version is listed under it. */
static void matrix(const writer *w, const char *what, const unsigned long long *m, const lq_cond_decl *od, int on,
                   const lq_cond_decl *nd, int nn) {
  lq_buf *b = w->b;
  char title[64];
  snprintf(title, sizeof title, "%s transitions (old down, new across)", what);
  heading(w, title);
  const char *corner = "old \\ new";
  if (w->md) {
    lq_buf_puts(b, "| old \\\\ new |");
    for (int j = 0; j <= nn; j++) {
      lq_buf_putc(b, ' ');
      put_name(w, j < nn ? nd[j].name : none_label(w));
      lq_buf_puts(b, " |");
    }
    lq_buf_puts(b, "\n|---|");
    for (int j = 0; j <= nn; j++) lq_buf_puts(b, "--:|");
    lq_buf_putc(b, '\n');
    for (int i = 0; i <= on; i++) {
      lq_buf_puts(b, "| ");
      put_name(w, i < on ? od[i].name : none_label(w));
      lq_buf_puts(b, " |");
      for (int j = 0; j <= nn; j++) {
        unsigned long long c = m[(size_t)i * (size_t)(nn + 1) + (size_t)j];
        bool moved = c && !same_name(i < on ? od[i].name : NULL, j < nn ? nd[j].name : NULL);
        lq_buf_printf(b, moved ? " **%s** |" : " %s |", COUNT(c));
      }
      lq_buf_putc(b, '\n');
    }
  } else {
    int w0 = text_width(corner);
    for (int i = 0; i < on; i++)
      if (text_width(od[i].name) > w0) w0 = text_width(od[i].name);
    lq_buf_puts(b, "  ");
    lq_buf_puts(b, corner);
    pad(b, w0 - text_width(corner));
    int *cw = lq_xcalloc((size_t)nn + 1, sizeof *cw);
    for (int j = 0; j <= nn; j++) {
      const char *name = j < nn ? nd[j].name : none_label(w);
      cw[j] = text_width(name) > 6 ? text_width(name) : 6;
      lq_buf_puts(b, "  ");
      pad(b, cw[j] - text_width(name));
      put_name(w, name);
    }
    lq_buf_putc(b, '\n');
    for (int i = 0; i <= on; i++) {
      const char *name = i < on ? od[i].name : none_label(w);
      lq_buf_puts(b, "  ");
      put_name(w, name);
      pad(b, w0 - text_width(name));
      for (int j = 0; j <= nn; j++) {
        const char *num = COUNT(m[(size_t)i * (size_t)(nn + 1) + (size_t)j]);
        lq_buf_puts(b, "  ");
        pad(b, cw[j] - (int)strlen(num));
        lq_buf_puts(b, num);
      }
      lq_buf_putc(b, '\n');
    }
    lq_mem_free(cw);
  }
  /* added, removed (or renamed) */
  bool any = false;
  for (int side = 0; side < 2; side++) {
    const lq_cond_decl *d = side ? nd : od, *other = side ? od : nd;
    int n = side ? nn : on, no = side ? on : nn, k = 0;
    for (int i = 0; i < n; i++) {
      if (lq_find_cond(other, no, d[i].name) >= 0) continue;
      if (k++ == 0) {
        if (w->md) lq_buf_puts(b, any ? "; o" : "\nO");
        else lq_buf_puts(b, "  o");
        lq_buf_printf(b, "nly in %s: ", side ? "new" : "old");
      } else {
        lq_buf_puts(b, ", ");
      }
      put_name(w, d[i].name);
    }
    if (k && !w->md) lq_buf_putc(b, '\n');
    any |= k > 0;
  }
  if (any && w->md) lq_buf_puts(b, "\n");
}

static void put_decl(const writer *w, const lq_cond_decl *d, int i, bool quote) {
  if (i < 0) {
    lq_buf_puts(w->b, "none");
    return;
  }
  if (quote) lq_buf_putc(w->b, '"');
  put_name(w, d[i].name);
  if (quote) lq_buf_putc(w->b, '"');
}

static void put_points(lq_buf *b, double x, bool exists) {
  if (!exists) lq_buf_puts(b, "(no rule)");
  else if (isnan(x)) lq_buf_puts(b, "not fired");
  else {
    if (x > 0) lq_buf_putc(b, '+');
    lq_buf_num_human(b, x);
  }
}

static void put_fired(lq_buf *b, double x, bool exists) {
  lq_buf_puts(b, !exists ? "(no reject)" : isnan(x) ? "not fired" : "fired");
}

/* An owner in a lead's line as the decision has it: "ana@acme.example", 42, none. */
static void put_owner(const writer *w, const char *s, bool bare) {
  if (!s) {
    lq_buf_puts(w->b, "none");
    return;
  }
  if (!bare) lq_buf_putc(w->b, '"');
  put_name(w, s);
  if (!bare) lq_buf_putc(w->b, '"');
}

/* "stage MQL -> SQL" or "stage MQL" when it did not change. */
static void lead_field(const writer *w, const char *label, const lq_cond_decl *od, const lq_cond_decl *nd,
                       const int v[2], bool quote) {
  lq_buf_puts(w->b, label);
  put_decl(w, od, v[0], quote);
  if (!same_name(name_or_null(od, v[0]), name_or_null(nd, v[1]))) {
    lq_buf_puts(w->b, arrow(w));
    put_decl(w, nd, v[1], quote);
  }
}

static void put_arm(const writer *w, const char *arm) {
  if (!arm) {
    lq_buf_puts(w->b, "none");
    return;
  }
  lq_buf_putc(w->b, '"');
  put_name(w, arm);
  lq_buf_putc(w->b, '"');
}

static void write_lead(const writer *w, const lq_diff_shown *L) {
  lq_buf *b = w->b;
  const lq_program *po = w->D->p[0], *pn = w->D->p[1];
  const char *sep = w->md ? "; " : "\n    ";
  lq_buf_puts(b, w->md ? "- **" : "  lead ");
  put_name(w, L->id_text);
  lq_buf_printf(b, "%s (line %llu)%s", w->md ? "**" : "", (unsigned long long)L->lineno, w->md ? ": " : "\n    ");
  lead_field(w, "stage ", po->stages, pn->stages, L->stage, false);
  lq_buf_puts(b, sep);
  lead_field(w, "route ", po->routes, pn->routes, L->route, true);
  if (L->owner[0] || L->owner[1]) {
    lq_buf_puts(b, sep);
    lq_buf_puts(b, "owner ");
    put_owner(w, L->owner[0], L->owner_bare[0]);
    if (!same_name(L->owner[0], L->owner[1])) {
      lq_buf_puts(b, arrow(w));
      put_owner(w, L->owner[1], L->owner_bare[1]);
    }
  }
  if (L->rejected[0] >= 0 || L->rejected[1] >= 0) {
    lq_buf_puts(b, sep);
    lead_field(w, "rejected ", po->rejects, pn->rejects, L->rejected, true);
  }
  for (int g = 0; g < w->D->ngrades; g++) {
    if (same_name(L->grade[0][g], L->grade[1][g])) continue;
    lq_buf_puts(b, sep);
    lq_buf_puts(b, "grade ");
    put_name(w, w->D->grades[g].name);
    lq_buf_putc(b, ' ');
    put_arm(w, L->grade[0][g]);
    lq_buf_puts(b, arrow(w));
    put_arm(w, L->grade[1][g]);
  }
  lq_buf_puts(b, sep);
  lq_buf_puts(b, "score ");
  lq_buf_num_human(b, L->score[0]);
  if (L->score[0] != L->score[1]) {
    lq_buf_puts(b, arrow(w));
    lq_buf_num_human(b, L->score[1]);
  }
  lq_buf_putc(b, '\n');
  for (int i = 0; i < L->nrules; i++) {
    const lq_diff_rule *R = &L->rules[i];
    lq_buf_puts(b, w->md ? "  - " : "      ");
    if (R->group) {
      put_name(w, R->group);
      lq_buf_puts(b, " \"");
    } else {
      lq_buf_puts(b, "reject \"");
    }
    put_name(w, R->name);
    lq_buf_puts(b, "\": ");
    void (*put)(lq_buf *, double, bool) = R->group ? put_points : put_fired;
    put(b, R->before, R->exists & 1);
    lq_buf_puts(b, arrow(w));
    put(b, R->after, R->exists & 2);
    lq_buf_putc(b, '\n');
  }
}


/* Owners are many, so not a matrix: the most common moves, the rest summed. */
static void write_owners(const writer *w) {
  lq_buf *b = w->b;
  const lq_diff *D = w->D;
  bool judged = D->outcome != NULL;
  heading(w, "owner transitions (most leads first)");
  if (!D->nowner_moves) {
    lq_buf_puts(b, w->md ? "No lead changed owner.\n" : "  no lead changed owner\n");
    return;
  }
  owner_top t = owners_top(w);
  unsigned long long more_outcomes = 0;
  for (size_t k = t.n; k < D->nowner_moves; k++) more_outcomes += t.m[k]->outcomes;
  const char *none = none_label(w);
  char more[64];
  snprintf(more, sizeof more, "%s%zu %stransition%s", t.n ? "and " : "", t.more, t.n ? "more " : "",
           t.more == 1 ? "" : "s");
  if (w->md) {
    lq_buf_puts(b, judged ? "| old owner | new owner | leads | outcomes | rate |\n|---|---|--:|--:|--:|\n"
                          : "| old owner | new owner | leads |\n|---|---|--:|\n");
    for (size_t k = 0; k <= t.n; k++) {
      if (k == t.n && !t.more) break;
      unsigned long long leads = k < t.n ? t.m[k]->leads : t.more_leads;
      unsigned long long won = k < t.n ? t.m[k]->outcomes : more_outcomes;
      if (k < t.n) {
        lq_buf_puts(b, "| ");
        put_name(w, t.m[k]->before ? t.m[k]->before : none);
        lq_buf_puts(b, " | ");
        put_name(w, t.m[k]->after ? t.m[k]->after : none);
      } else {
        lq_buf_printf(b, "| *%s* |", more);
      }
      lq_buf_printf(b, " | %s |", COUNT(leads));
      if (judged) lq_buf_printf(b, " %s | %s |", COUNT(won), RATE(won, leads));
      lq_buf_putc(b, '\n');
    }
  } else {
    int wo = 0, wn = 0, wc = 1, ww = 1;
    for (size_t k = 0; k <= t.n; k++) {
      if (k == t.n && !t.more) break;
      if (k < t.n) {
        int o = text_width(t.m[k]->before ? t.m[k]->before : none), n = text_width(t.m[k]->after ? t.m[k]->after : none);
        wo = o > wo ? o : wo;
        wn = n > wn ? n : wn;
      }
      int c = (int)strlen(COUNT(k < t.n ? t.m[k]->leads : t.more_leads));
      int o = (int)strlen(COUNT(k < t.n ? t.m[k]->outcomes : more_outcomes));
      wc = c > wc ? c : wc;
      ww = o > ww ? o : ww;
    }
    for (size_t k = 0; k <= t.n; k++) {
      if (k == t.n && !t.more) break;
      unsigned long long leads = k < t.n ? t.m[k]->leads : t.more_leads;
      unsigned long long won = k < t.n ? t.m[k]->outcomes : more_outcomes;
      if (k < t.n) {
        const char *o = t.m[k]->before ? t.m[k]->before : none, *n = t.m[k]->after ? t.m[k]->after : none;
        lq_buf_puts(b, "  ");
        put_name(w, o);
        pad(b, wo - text_width(o));
        lq_buf_puts(b, " -> ");
        put_name(w, n);
        pad(b, wn - text_width(n));
      } else {
        lq_buf_printf(b, "  %s", more);
        pad(b, (t.n ? wo + 4 + wn : 0) - text_width(more));
      }
      lq_buf_printf(b, "  %*s lead%s", wc, COUNT(leads), leads == 1 ? "" : "s");
      if (judged) lq_buf_printf(b, ",%s %*s with the outcome (%s)", leads == 1 ? " " : "", ww, COUNT(won), RATE(won, leads));
      lq_buf_putc(b, '\n');
    }
  }
  lq_mem_free(t.m);
}

/* ---- against the outcome ---- */

/* One metric of a stage in both versions: "1,200 -> 1,420", each side
 * right-aligned to its column so that the arrows line up. */
typedef struct judged_cells { char v[4][2][LQ_OUT_COUNT_MAX]; } judged_cells;

static void judged_fill(const lq_diff *D, const lq_diff_judged *J, judged_cells *c) {
  for (int v = 0; v < 2; v++) {
    if ((v ? J->after : J->before) < 0) {
      for (int m = 0; m < 4; m++) snprintf(c->v[m][v], sizeof c->v[m][v], "-");
      continue;
    }
    lq_diff_tally t = J->reached[v];
    lq_out_count(c->v[0][v], t.leads);
    lq_out_count(c->v[1][v], t.outcomes);
    rate_text(c->v[2][v], t.outcomes, t.leads);
    rate_text(c->v[3][v], t.outcomes, D->total.outcomes);
  }
}

static void write_judged(const writer *w) {
  lq_buf *b = w->b;
  const lq_diff *D = w->D;
  static const char *const head[4] = {"reached", "outcomes", "precision", "recall"};
  if (w->md) {
    lq_buf_puts(b, "\n**Outcome:** ");
    lq_out_md_code(b, w->o->outcome ? w->o->outcome : "");
    lq_buf_printf(b, " (%s of %s leads, %s).\n", COUNT(D->total.outcomes), COUNT(D->total.leads),
                  RATE(D->total.outcomes, D->total.leads));
  } else {
    lq_buf_puts(b, "\noutcome: ");
    put_name(w, w->o->outcome ? w->o->outcome : "");
    lq_buf_printf(b, "\n  %s of %s leads had it (%s)\n", COUNT(D->total.outcomes), COUNT(D->total.leads),
                  RATE(D->total.outcomes, D->total.leads));
  }
  heading(w, w->md ? "stages against the outcome (old \xe2\x86\x92 new)" : "stages against the outcome (old -> new)");
  if (!D->njudged) {
    lq_buf_puts(b, w->md ? "No stages in either version.\n" : "  no stages in either version\n");
    return;
  }
  judged_cells *cells = lq_xcalloc((size_t)D->njudged, sizeof *cells);
  int wname = 5, wv[4][2] = {{0}};
  for (int k = 0; k < D->njudged; k++) {
    judged_fill(D, &D->judged[k], &cells[k]);
    if (text_width(D->judged[k].name) > wname) wname = text_width(D->judged[k].name);
    for (int m = 0; m < 4; m++)
      for (int v = 0; v < 2; v++)
        if ((int)strlen(cells[k].v[m][v]) > wv[m][v]) wv[m][v] = (int)strlen(cells[k].v[m][v]);
  }
  if (w->md) {
    lq_buf_puts(b, "| stage | reached | outcomes | precision | recall |\n|---|--:|--:|--:|--:|\n");
  } else {
    lq_buf_puts(b, "  stage");
    pad(b, wname - 5);
    for (int m = 0; m < 4; m++) {
      int cw = wv[m][0] + 4 + wv[m][1];
      if (cw < (int)strlen(head[m])) cw = wv[m][0] = (int)strlen(head[m]) - 4 - wv[m][1];
      lq_buf_puts(b, "  ");
      pad(b, cw - (int)strlen(head[m]));
      lq_buf_puts(b, head[m]);
    }
    lq_buf_putc(b, '\n');
  }
  for (int k = 0; k < D->njudged; k++) {
    const char *name = D->judged[k].name;
    lq_buf_puts(b, w->md ? "| " : "  ");
    put_name(w, name);
    if (!w->md) pad(b, wname - text_width(name));
    for (int m = 0; m < 4; m++) {
      const char *o = cells[k].v[m][0], *n = cells[k].v[m][1];
      if (w->md) {
        lq_buf_printf(b, " | %s%s%s", o, arrow(w), n);
      } else {
        lq_buf_puts(b, "  ");
        pad(b, wv[m][0] - (int)strlen(o));
        lq_buf_printf(b, "%s -> ", o);
        pad(b, wv[m][1] - (int)strlen(n));
        lq_buf_puts(b, n);
      }
    }
    lq_buf_puts(b, w->md ? " |\n" : "\n");
  }
  lq_mem_free(cells);
}

/* A state of a flow matrix by name: a declaration, (none) or (rejected). */
static const char *state_name(const lq_cond_decl *d, int n, int i) {
  return i < n ? d[i].name : i == n ? "(none)" : "(rejected)";
}

/* The leads each transition moved (states whose names differ), in the
 * matrix's order, with how many had the outcome: did the leads a change
 * promotes convert? */
static void write_flow(const writer *w, const char *what, const lq_diff_tally *f, const lq_cond_decl *od, int on,
                       const lq_cond_decl *nd, int nn) {
  lq_buf *b = w->b;
  char title[64];
  snprintf(title, sizeof title, "%s moves against the outcome", what);
  heading(w, title);
  int wo = 3, wn = 3, wl = 5, ww = 8, rows = 0;
  bool rejected = false;
  for (int pass = 0; pass < 2; pass++) {
    if (pass && !rows) {
      lq_buf_printf(b, w->md ? "No lead changed %s.\n" : "  no lead changed %s\n", what);
      return;
    }
    if (pass && w->md) lq_buf_puts(b, "| old | new | leads | outcomes | rate |\n|---|---|--:|--:|--:|\n");
    if (pass && !w->md) {
      lq_buf_puts(b, "  old");
      pad(b, wo - 3);
      lq_buf_puts(b, "    new");
      pad(b, wn - 3);
      lq_buf_printf(b, "  %*s  %*s    rate\n", wl, "leads", ww, "outcomes");
    }
    for (int i = 0; i < on + 2; i++)
      for (int j = 0; j < nn + 2; j++) {
        lq_diff_tally t = f[(size_t)i * (size_t)(nn + 2) + (size_t)j];
        const char *o = state_name(od, on, i), *n = state_name(nd, nn, j);
        if (!t.leads || (!strcmp(o, n) && (i < on) == (j < nn))) continue;
        if (!pass) {
          rows++;
          rejected |= i == on + 1 || j == nn + 1;
          wo = text_width(o) > wo ? text_width(o) : wo;
          wn = text_width(n) > wn ? text_width(n) : wn;
          wl = (int)strlen(COUNT(t.leads)) > wl ? (int)strlen(COUNT(t.leads)) : wl;
          ww = (int)strlen(COUNT(t.outcomes)) > ww ? (int)strlen(COUNT(t.outcomes)) : ww;
        } else if (w->md) {
          lq_buf_puts(b, "| ");
          put_name(w, o);
          lq_buf_puts(b, " | ");
          put_name(w, n);
          lq_buf_printf(b, " | %s | %s | %s |\n", COUNT(t.leads), COUNT(t.outcomes), RATE(t.outcomes, t.leads));
        } else {
          lq_buf_puts(b, "  ");
          put_name(w, o);
          pad(b, wo - text_width(o));
          lq_buf_puts(b, " -> ");
          put_name(w, n);
          pad(b, wn - text_width(n));
          lq_buf_printf(b, "  %*s  %*s  %6s\n", wl, COUNT(t.leads), ww, COUNT(t.outcomes), RATE(t.outcomes, t.leads));
        }
      }
  }
  /* The matrix above has no row for them: a rejected lead has no stage nor route. */
  if (rejected)
    lq_buf_printf(b, w->md ? "\n(rejected): the leads a reject took, counted under (none) in the %s transitions.\n"
                           : "  (rejected): the leads a reject took, counted under (none) in the %s transitions\n",
                  what);
}

static void count_row(const writer *w, const char *label, const char *name, unsigned long long n) {
  if (w->md) {
    lq_buf_printf(w->b, "| %s", label);
    if (name) put_name(w, name);
    lq_buf_printf(w->b, " | %s |\n", COUNT(n));
  } else {
    int used = text_width(label) + (name ? text_width(name) : 0);
    lq_buf_printf(w->b, "  %s", label);
    if (name) put_name(w, name);
    pad(w->b, 18 - used);
    lq_buf_printf(w->b, "%8s\n", COUNT(n));
  }
}

static void write_scores(const writer *w) {
  lq_buf *b = w->b;
  const lq_diff *D = w->D;
  heading(w, "score per group (mean over the leads)");
  int w0 = 5;
  for (int s = 0; s < D->nshifts; s++)
    if (D->shifts[s].name && text_width(D->shifts[s].name) > w0) w0 = text_width(D->shifts[s].name);
  if (w->md) lq_buf_puts(b, "| group | old mean | new mean | shift | up | down |\n|---|--:|--:|--:|--:|--:|\n");
  else {
    lq_buf_puts(b, "  group");
    pad(b, w0 - 5);
    lq_buf_puts(b, "  old mean  new mean    shift        up      down\n");
  }
  for (int s = 0; s < D->nshifts; s++) {
    const lq_diff_shift *S = &D->shifts[s];
    const char *name = S->name ? S->name : "total";
    double mo = mean(S->sum_old, D->leads), mn = mean(S->sum_new, D->leads);
    char cells[3][32];
    for (int k = 0; k < 3; k++) {
      double x = k == 0 ? mo : k == 1 ? mn : mn - mo;
      if (fabs(x) < 0.05) x = 0;
      bool sign = k == 2 && x != 0;
      if ((k == 0 && S->name && S->before < 0) || (k == 1 && S->name && S->after < 0)) snprintf(cells[k], 32, "-");
      else snprintf(cells[k], 32, sign ? "%+.1f" : "%.1f", x);
    }
    if (w->md) {
      lq_buf_puts(b, S->name ? "| " : "| **");
      put_name(w, name);
      lq_buf_printf(b, "%s | %s | %s | %s | %s | %s |\n", S->name ? "" : "**", cells[0], cells[1], cells[2], COUNT(S->up),
                    COUNT(S->down));
    } else {
      lq_buf_puts(b, "  ");
      put_name(w, name);
      pad(b, w0 - text_width(name));
      lq_buf_printf(b, "  %8s  %8s  %7s  %8s  %8s\n", cells[0], cells[1], cells[2], COUNT(S->up), COUNT(S->down));
    }
  }
}

static void write_readable(const writer *w) {
  lq_buf *b = w->b;
  const lq_diff *D = w->D;
  const lq_program *po = D->p[0], *pn = D->p[1];
  if (w->md) {
    lq_buf_puts(b, "### leadq diff: `");
    put_name(&(writer){.b = b}, w->o->old_name ? w->o->old_name : "old");
    lq_buf_puts(b, "` \xe2\x86\x92 `");
    put_name(&(writer){.b = b}, w->o->new_name ? w->o->new_name : "new");
    lq_buf_puts(b, "`\n\n");
    if (D->changed) {
      lq_buf_printf(b, "**%s of %s leads change** (", COUNT(D->changed), COUNT(D->leads));
      lq_buf_puts(b, RATE(D->changed, D->leads));
      lq_buf_putc(b, ')');
    } else {
      lq_buf_printf(b, "**No lead changes** (%s lead%s)", COUNT(D->leads), D->leads == 1 ? "" : "s");
    }
    lq_buf_printf(b, "; %s bad line%s.\n\n", COUNT(D->bad), D->bad == 1 ? "" : "s");
    if (lq_diff_version_unchanged(D)) {
      lq_buf_puts(b, "> **Warning:** the rules changed but their version did not (both say `");
      put_name(&(writer){.b = b}, pn->version);
      lq_buf_puts(b, "`). Raise the version so that each decision names the rules that made it.\n\n");
    }
    lq_buf_puts(b, "| what changed | leads |\n|---|--:|\n");
  } else {
    lq_buf_puts(b, "old: ");
    put_name(w, w->o->old_name ? w->o->old_name : "-");
    lq_buf_printf(b, " (%s %s)\nnew: ", po->name ? po->name : "-", po->version ? po->version : "-");
    put_name(w, w->o->new_name ? w->o->new_name : "-");
    lq_buf_printf(b, " (%s %s)\n", pn->name ? pn->name : "-", pn->version ? pn->version : "-");
    lq_buf_printf(b, "%s lead%s, %s changed (", COUNT(D->leads), D->leads == 1 ? "" : "s", COUNT(D->changed));
    lq_buf_puts(b, RATE(D->changed, D->leads));
    lq_buf_printf(b, "), %s bad line%s\n\n", COUNT(D->bad), D->bad == 1 ? "" : "s");
  }
  count_row(w, "stage", NULL, D->stage_changed);
  count_row(w, "route", NULL, D->route_changed);
  if (D->owners) count_row(w, "owner", NULL, D->owner_changed);
  count_row(w, "rejection", NULL, D->rejection_changed);
  for (int g = 0; g < D->ngrades; g++) count_row(w, "grade ", D->grades[g].name, D->grade_changed[g]);
  count_row(w, "score", NULL, D->score_changed);
  if (D->outcome) write_judged(w);
  matrix(w, "stage", D->stage_moves, po->stages, po->nstages, pn->stages, pn->nstages);
  if (D->outcome) write_flow(w, "stage", D->stage_flow, po->stages, po->nstages, pn->stages, pn->nstages);
  matrix(w, "route", D->route_moves, po->routes, po->nroutes, pn->routes, pn->nroutes);
  if (D->outcome) write_flow(w, "route", D->route_flow, po->routes, po->nroutes, pn->routes, pn->nroutes);
  if (D->owners) write_owners(w);
  write_scores(w);
  if (!D->changed) return;
  char title[96];
  if ((unsigned long long)D->nshown < D->changed)
    snprintf(title, sizeof title, "first %s of %s changed leads", COUNT((unsigned long long)D->nshown), COUNT(D->changed));
  else snprintf(title, sizeof title, "changed leads (%s)", COUNT(D->changed));
  if (!D->nshown) return;
  if (w->md) {
    title[0] = (char)(title[0] - 'a' + 'A');
    lq_buf_printf(b, "\n<details>\n<summary>%s</summary>\n\n", title);
  } else {
    heading(w, title);
  }
  for (int k = 0; k < D->nshown; k++) write_lead(w, &D->shown[k]);
  if (w->md) lq_buf_puts(b, "\n</details>\n");
}

void lq_diff_write(lq_buf *b, const lq_diff *D, const lq_diff_write_opts *o) {
  writer w = {b, D, o, o->format == LQ_DIFF_MARKDOWN};
  if (o->format == LQ_DIFF_JSON) write_json(&w);
  else write_readable(&w);
}
