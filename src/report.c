/* report.c: counting historical leads against their outcomes, and the report
 * in five shapes (text, markdown, CSV, JSON, HTML). See report.h and docs/report.md.
 *
 * Counting is the only per-lead work (lq_report_add, lq_report_add_fields).
 * Everything derived (rates, lift, bands, the wrong-way and possible-leak
 * flags) is computed when asked, from the counters, by the accessors that
 * both the renderers and the tests use. Rendering is two steps: view_build
 * computes once what the report says (struct view: each rule's statistics,
 * the bands, the orders of owners and dispositions), then each format writes
 * it. JSON writes the view directly; text, markdown, CSV and HTML draw it
 * through one model of the report's tables (struct table), so they always
 * say the same. */
#include "report.h"
#include "hash.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct score_bin { double score; lq_tally t; } score_bin;
typedef struct disp { char *text; lq_tally t; uint64_t *fired; } disp;
/* An owner (the person of `route ... to`): as first seen, text or a number. */
typedef struct owner_stat { char *text; size_t n; bool num; double x; lq_tally t; } owner_stat;

enum { TEAM_KINDS = 3 };

struct lq_report {
  const lq_program *p;
  lq_report_opts o;
  double *edges;
  uint64_t bad;
  lq_tally total;
  lq_tally *ended;      /* per stage, then no stage, then rejected */
  lq_tally *reached;    /* per stage */
  lq_tally *routed;     /* per route, then no route, then rejected */
  lq_tally *graded;     /* per grade: its arms, then no arm; from grade_at[g] */
  int *grade_at;
  lq_tally *fired;      /* per points rule, then per reject */
  double *points_sum;   /* per points rule */
  lq_tally rejected_any;
  lq_tally *team;       /* per team: qualified, routed, rejected */
  bool *team_hit;       /* scratch for one lead */
  lq_id *examples;      /* per reject: LQ_REPORT_EXAMPLES ids, their text malloc'd */
  uint8_t *nexamples;   /* per reject: how many */
  score_bin *bins;      /* in the order first seen */
  size_t nbins, bins_cap;
  lq_hash bin_index;    /* into bins, by the total score */
  disp *disps;          /* in the order first seen */
  int ndisps, other;    /* other: index of "(other)", or -1 */
  lq_hash disp_index;   /* into disps, ignoring case */
  owner_stat *owners;   /* in the order first seen */
  int nowners, owners_cap, other_owners;   /* other_owners: index of "(other owners)", or -1 */
  lq_hash owner_index;  /* into owners, byte for byte */
  lq_tally no_owner;    /* not rejected, and routed to no person */
  const lq_expr **track; /* per tracked field: a PATH from the lead that reads it */
  int *track_field;     /* ... its index in the program's fields */
  lq_tally *present;    /* ... leads that had it */
  int ntrack;
  int *rule_fields;     /* per rule, from rule_at[k] to rule_at[k + 1]: indexes into track */
  int *rule_at;
};


static char *xstrndup(const char *s, size_t n) {
  char *q = lq_mem_alloc(n + 1);
  if (!q) abort();
  memcpy(q, s, n);
  q[n] = '\0';
  return q;
}

double lq_tally_rate(lq_tally t) { return t.leads ? (double)t.outcomes / (double)t.leads : NAN; }

static void tally(lq_tally *t, bool outcome) {
  t->leads++;
  t->outcomes += outcome;
}

static int nkinds(const lq_program *p) { return p->nrules + p->nrejects; }

/* ---- the fields each rule reads, for the possible-leak flag ---- */

static bool same_path(const lq_seg *a, uint32_t an, const lq_seg *b, uint32_t bn) {
  if (an != bn) return false;
  for (uint32_t i = 0; i < an; i++) {
    if (a[i].is_index != b[i].is_index) return false;
    if (a[i].is_index ? a[i].index != b[i].index : a[i].len != b[i].len || memcmp(a[i].key, b[i].key, a[i].len))
      return false;
  }
  return true;
}

typedef struct field_walk {
  lq_report *R;
  int *found;                /* track indexes read by the rule being walked */
  int nfound, cap;
  bool *define_seen;         /* per define: walked already for this rule */
} field_walk;

/* The tracked index of a lead path, tracking it on first sight; -1 when the
 * program does not list it (it always should). */
static int track_index(lq_report *R, const lq_expr *e) {
  const lq_program *p = R->p;
  for (int i = 0; i < R->ntrack; i++)
    if (same_path(R->track[i]->segs, R->track[i]->nsegs, e->segs, e->nsegs)) return i;
  int f = -1;
  for (int i = 0; i < p->nfields && f < 0; i++)
    if (p->fields[i].root == LQ_ROOT_LEAD && same_path(p->fields[i].segs, p->fields[i].nsegs, e->segs, e->nsegs)) f = i;
  if (f < 0) return -1;
  R->track = lq_mem_realloc(R->track, (size_t)(R->ntrack + 1) * sizeof *R->track);
  R->track_field = lq_mem_realloc(R->track_field, (size_t)(R->ntrack + 1) * sizeof *R->track_field);
  if (!R->track || !R->track_field) abort();
  R->track[R->ntrack] = e;
  R->track_field[R->ntrack] = f;
  return R->ntrack++;
}

/* Lead paths read by e, through defines too: a define is where a rules
 * author names a field's test (define won_segment = segment is present). Not
 * through stages, grades or scores: those are rules of their own. */
static void walk_fields(field_walk *w, const lq_expr *e) {
  if (!e) return;
  if (e->op == LQ_OP_PATH && e->root == LQ_ROOT_LEAD) {
    int i = track_index(w->R, e);
    for (int k = 0; k < w->nfound; k++)
      if (w->found[k] == i) i = -1;
    if (i >= 0) {
      if (w->nfound == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 8;
        w->found = lq_mem_realloc(w->found, (size_t)w->cap * sizeof *w->found);
        if (!w->found) abort();
      }
      w->found[w->nfound++] = i;
    }
    return;
  }
  if (e->op == LQ_OP_DEFINE && e->slot >= 0 && e->slot < w->R->p->ndefines) {
    if (w->define_seen[e->slot]) return;
    w->define_seen[e->slot] = true;
    walk_fields(w, w->R->p->defines[e->slot].expr);
    return;
  }
  walk_fields(w, e->a);
  walk_fields(w, e->b);
  walk_fields(w, e->c);
  for (uint32_t i = 0; e->args && i < e->nargs; i++) walk_fields(w, e->args[i]);
}

static void find_rule_fields(lq_report *R) {
  const lq_program *p = R->p;
  int nk = nkinds(p);
  field_walk w = {.R = R, .define_seen = lq_xcalloc((size_t)p->ndefines + 1, sizeof *w.define_seen)};
  R->rule_at = lq_xcalloc((size_t)nk + 1, sizeof *R->rule_at);
  int total = 0, cap = 0;
  for (int k = 0; k < nk; k++) {
    w.nfound = 0;
    memset(w.define_seen, 0, ((size_t)p->ndefines + 1) * sizeof *w.define_seen);
    if (k < p->nrules) {
      walk_fields(&w, p->rules[k].cond);
      walk_fields(&w, p->rules[k].list);
      walk_fields(&w, p->rules[k].points);
    } else {
      walk_fields(&w, p->rejects[k - p->nrules].cond);
    }
    if (total + w.nfound > cap) {
      cap = 2 * (total + w.nfound) + 8;
      R->rule_fields = lq_mem_realloc(R->rule_fields, (size_t)cap * sizeof *R->rule_fields);
      if (!R->rule_fields) abort();
    }
    if (w.nfound) memcpy(R->rule_fields + total, w.found, (size_t)w.nfound * sizeof *w.found);   /* a rule may read no field */
    total += w.nfound;
    R->rule_at[k + 1] = total;
  }
  R->present = lq_xcalloc((size_t)R->ntrack + 1, sizeof *R->present);
  lq_mem_free(w.found);
  lq_mem_free(w.define_seen);
}

lq_report *lq_report_new(const lq_program *p, const lq_report_opts *o) {
  lq_report *R = lq_xcalloc(1, sizeof *R);
  R->p = p;
  R->o = *o;
  if (R->o.min_count <= 0) R->o.min_count = LQ_REPORT_MIN_COUNT;
  if (o->edges && o->nedges > 0) {
    R->edges = lq_xcalloc((size_t)o->nedges, sizeof *R->edges);
    memcpy(R->edges, o->edges, (size_t)o->nedges * sizeof *R->edges);
    R->o.edges = R->edges;
  } else {
    R->o.edges = NULL;
    R->o.nedges = 0;
  }
  R->ended = lq_xcalloc((size_t)p->nstages + 2, sizeof *R->ended);
  R->reached = lq_xcalloc((size_t)p->nstages, sizeof *R->reached);
  R->routed = lq_xcalloc((size_t)p->nroutes + 2, sizeof *R->routed);
  R->grade_at = lq_xcalloc((size_t)p->ngrades + 1, sizeof *R->grade_at);
  for (int g = 0; g < p->ngrades; g++) R->grade_at[g + 1] = R->grade_at[g] + p->grades[g].narms + 1;
  R->graded = lq_xcalloc((size_t)R->grade_at[p->ngrades], sizeof *R->graded);
  R->fired = lq_xcalloc((size_t)nkinds(p), sizeof *R->fired);
  R->points_sum = lq_xcalloc((size_t)p->nrules, sizeof *R->points_sum);
  R->team = lq_xcalloc((size_t)p->nteams * TEAM_KINDS, sizeof *R->team);
  R->team_hit = lq_xcalloc((size_t)p->nteams * TEAM_KINDS, sizeof *R->team_hit);
  R->examples = lq_xcalloc((size_t)p->nrejects * LQ_REPORT_EXAMPLES, sizeof *R->examples);
  R->nexamples = lq_xcalloc((size_t)p->nrejects + 1, sizeof *R->nexamples);
  R->bins_cap = 64;
  R->bins = lq_xcalloc(R->bins_cap, sizeof *R->bins);
  lq_hash_init(&R->bin_index, NULL, 32);
  R->other = -1;
  lq_hash_init(&R->disp_index, NULL, 64);
  R->other_owners = -1;
  lq_hash_init(&R->owner_index, NULL, 32);
  find_rule_fields(R);
  return R;
}

void lq_report_free(lq_report *R) {
  if (!R) return;
  for (int i = 0; i < R->p->nrejects * LQ_REPORT_EXAMPLES; i++) lq_mem_free((char *)R->examples[i].s);
  for (int i = 0; i < R->ndisps; i++) {
    lq_mem_free(R->disps[i].text);
    lq_mem_free(R->disps[i].fired);
  }
  lq_mem_free(R->disps);
  for (int i = 0; i < R->nowners; i++) lq_mem_free(R->owners[i].text);
  lq_mem_free(R->owners);
  lq_mem_free(R->track);
  lq_mem_free(R->track_field);
  lq_mem_free(R->present);
  lq_mem_free(R->rule_fields);
  lq_mem_free(R->rule_at);
  lq_hash_free(&R->owner_index);
  lq_hash_free(&R->disp_index);
  lq_hash_free(&R->bin_index);
  lq_mem_free(R->examples);
  lq_mem_free(R->nexamples);
  lq_mem_free(R->bins);
  lq_mem_free(R->team_hit);
  lq_mem_free(R->team);
  lq_mem_free(R->points_sum);
  lq_mem_free(R->fired);
  lq_mem_free(R->graded);
  lq_mem_free(R->grade_at);
  lq_mem_free(R->routed);
  lq_mem_free(R->reached);
  lq_mem_free(R->ended);
  lq_mem_free(R->edges);
  lq_mem_free(R);
}

void lq_report_bad_lines(lq_report *R, uint64_t n) { R->bad = n; }

/* ---- counting ---- */

static void count_score(lq_report *R, double score, bool outcome) {
  uint64_t h = lq_hash_num(score);
  lq_hash *t = &R->bin_index;
  uint32_t i;
  for (i = lq_hash_first(t, h); t->slots[i].id >= 0; i = lq_hash_next(t, i))
    if (R->bins[t->slots[i].id].score == score) {
      tally(&R->bins[t->slots[i].id].t, outcome);
      return;
    }
  if (R->nbins == R->bins_cap) {
    R->bins_cap *= 2;
    R->bins = lq_mem_realloc(R->bins, R->bins_cap * sizeof *R->bins);
    if (!R->bins) abort();
  }
  R->bins[R->nbins] = (score_bin){.score = score};
  tally(&R->bins[R->nbins].t, outcome);
  lq_hash_put(t, i, h, (int32_t)R->nbins++);
}

/* A disposition as text: text as is, numbers as leadq prints them. */
static const char *disp_text(lq_value v, char *buf, size_t *n) {
  switch (v.kind) {
  case LQ_V_STR: *n = v.n; return v.str;
  case LQ_V_NUM: *n = (size_t)lq_num_format(v.num, buf); return buf;
  case LQ_V_BOOL: *n = v.b ? 4 : 5; return v.b ? "true" : "false";
  case LQ_V_LIST: *n = 6; return "(list)";
  case LQ_V_OBJ: case LQ_V_ROW: *n = 8; return "(object)";
  default: *n = 6; return "(none)";
  }
}

static int disp_new(lq_report *R, const char *text, size_t n) {
  R->disps = lq_mem_realloc(R->disps, (size_t)(R->ndisps + 1) * sizeof *R->disps);
  if (!R->disps) abort();
  disp *d = &R->disps[R->ndisps];
  d->text = xstrndup(text, n);
  d->t = (lq_tally){0};
  d->fired = lq_xcalloc((size_t)nkinds(R->p), sizeof *d->fired);
  return R->ndisps++;
}

/* Values that differ only in case are one disposition, as in the rules. */
static int disp_index(lq_report *R, lq_value v) {
  char buf[32];
  size_t n;
  const char *text = disp_text(v, buf, &n);
  uint64_t h = lq_hash_text(text, n);
  lq_hash *t = &R->disp_index;
  uint32_t i;
  for (i = lq_hash_first(t, h); t->slots[i].id >= 0; i = lq_hash_next(t, i)) {
    const char *d = R->disps[t->slots[i].id].text;
    if (lq_hash_hit(t, i, h) && lq_text_eq(d, strlen(d), text, n)) return t->slots[i].id;
  }
  if (R->ndisps - (R->other >= 0) >= LQ_REPORT_MAX_DISPOSITIONS) {
    if (R->other < 0) R->other = disp_new(R, "(other)", 7);
    return R->other;
  }
  int id = disp_new(R, text, n);
  lq_hash_put(t, i, h, id);
  return id;
}

static int owner_new(lq_report *R, const char *text, size_t n, lq_value v) {
  if (R->nowners == R->owners_cap) {
    R->owners_cap = R->owners_cap ? 2 * R->owners_cap : 16;
    R->owners = lq_mem_realloc(R->owners, (size_t)R->owners_cap * sizeof *R->owners);
    if (!R->owners) abort();
  }
  R->owners[R->nowners] = (owner_stat){.text = xstrndup(text, n), .n = n, .num = v.kind == LQ_V_NUM, .x = v.num};
  return R->nowners++;
}

/* An owner's counters. Owners compare as decisions print them, as diff and
 * `expect owner` compare them: Ana@acme.example and ana@acme.example are two
 * values in the CRM import, so two rows; 1042 and "1042" are one. */
static int owner_index(lq_report *R, const char *text, size_t n, lq_value v) {
  uint64_t h = lq_hash_bytes(text, n);   /* over the exact bytes, as decisions print them */
  lq_hash *t = &R->owner_index;
  uint32_t i;
  for (i = lq_hash_first(t, h); t->slots[i].id >= 0; i = lq_hash_next(t, i)) {
    const owner_stat *o = &R->owners[t->slots[i].id];
    if (lq_hash_hit(t, i, h) && o->n == n && !memcmp(o->text, text, n)) return t->slots[i].id;
  }
  if (R->nowners - (R->other_owners >= 0) >= LQ_REPORT_MAX_OWNERS) {
    if (R->other_owners < 0) R->other_owners = owner_new(R, "(other owners)", 14, LQ_NOVALUE);
    return R->other_owners;
  }
  int id = owner_new(R, text, n, v);
  lq_hash_put(t, i, h, id);
  return id;
}

static void keep_example(lq_report *R, int reject, const lq_id *id) {
  if (R->nexamples[reject] == LQ_REPORT_EXAMPLES) return;
  lq_id *ex = &R->examples[reject * LQ_REPORT_EXAMPLES + R->nexamples[reject]++];
  *ex = *id;
  ex->s = id->kind == LQ_ID_LINE ? NULL : xstrndup(id->s, id->n);
}

void lq_report_add(lq_report *R, const lq_result *r, bool outcome, lq_value disposition, const lq_id *id) {
  const lq_program *p = R->p;
  bool rejected = r->rejected >= 0;
  tally(&R->total, outcome);
  tally(&R->ended[rejected ? p->nstages + 1 : r->stage >= 0 ? r->stage : p->nstages], outcome);
  tally(&R->routed[rejected ? p->nroutes + 1 : r->route >= 0 ? r->route : p->nroutes], outcome);
  memset(R->team_hit, 0, (size_t)p->nteams * TEAM_KINDS * sizeof *R->team_hit);
  for (int s = 0; s < p->nstages; s++) {
    if (!r->stages[s] || rejected) continue;
    tally(&R->reached[s], outcome);
    if (p->stages[s].owner >= 0) R->team_hit[p->stages[s].owner * TEAM_KINDS] = true;
  }
  if (!rejected && r->route >= 0 && p->routes[r->route].owner >= 0)
    R->team_hit[p->routes[r->route].owner * TEAM_KINDS + 1] = true;
  for (int g = 0; g < p->ngrades; g++)
    tally(&R->graded[R->grade_at[g] + (r->grades[g] >= 0 ? r->grades[g] : p->grades[g].narms)], outcome);
  for (int i = 0; i < p->nrules; i++) {
    if (isnan(r->points[i])) continue;
    tally(&R->fired[i], outcome);
    R->points_sum[i] += r->points[i];
  }
  for (int i = 0; i < p->nrejects; i++) {
    if (!r->rejects[i]) continue;
    tally(&R->fired[p->nrules + i], outcome);
    if (p->rejects[i].owner >= 0) R->team_hit[p->rejects[i].owner * TEAM_KINDS + 2] = true;
    if (outcome && id) keep_example(R, i, id);
  }
  if (rejected) tally(&R->rejected_any, outcome);
  for (int t = 0; t < p->nteams * TEAM_KINDS; t++)
    if (R->team_hit[t]) tally(&R->team[t], outcome);
  count_score(R, r->total, outcome);
  if (!rejected && R->p->to_people) {
    char buf[32];
    const char *s;
    size_t n;
    bool bare;
    if (lq_owner_text(r->owner, buf, &s, &n, &bare)) {
      int oi = owner_index(R, s, n, r->owner);   /* may move R->owners */
      tally(&R->owners[oi].t, outcome);
    } else {
      tally(&R->no_owner, outcome);
    }
  }
  if (R->o.disposition) {
    int di = disp_index(R, disposition);   /* may move R->disps */
    disp *d = &R->disps[di];
    tally(&d->t, outcome);
    for (int k = 0; k < nkinds(p); k++)
      if (k < p->nrules ? !isnan(r->points[k]) : r->rejects[k - p->nrules]) d->fired[k]++;
  }
}

void lq_report_add_fields(lq_report *R, lq_eval *E, bool outcome) {
  for (int i = 0; i < R->ntrack; i++)
    if (lq_eval_expr(E, R->track[i], LQ_NOVALUE).kind != LQ_V_MISSING) tally(&R->present[i], outcome);
}

/* ---- what the counters say ---- */

int lq_report_rule_fields(const lq_report *R, int k, const int **fields) {
  static int none;
  int n = R->rule_at[k + 1] - R->rule_at[k];
  *fields = n ? R->rule_fields + R->rule_at[k] : &none;
  return n;
}

lq_tally lq_report_field_present(const lq_report *R, int i) {
  for (int t = 0; t < R->ntrack; t++)
    if (R->track_field[t] == i) return R->present[t];
  return (lq_tally){0};
}

/* The possible-leak flag of rule k, given its fired tally; see report.h. */
static void find_leak(const lq_report *R, int k, lq_rule_stat *st) {
  uint64_t min = (uint64_t)R->o.min_count;
  double base = lq_tally_rate(R->total);
  st->leak = LQ_LEAK_NONE;
  st->leak_field = -1;
  /* A field first: the flag can name it. The field with the highest share
   * with the outcome is named; on a tie, the one on more leads. */
  double best = -1;
  for (int j = R->rule_at[k]; j < R->rule_at[k + 1]; j++) {
    lq_tally t = R->present[R->rule_fields[j]];
    double share = lq_tally_rate(t);
    if (t.leads < min || !(share >= LQ_REPORT_LEAK_SHARE) || !(base <= LQ_REPORT_LEAK_BASE)) continue;
    if (share > best || (share == best && t.leads > st->leak_t.leads)) {
      best = share;
      st->leak = LQ_LEAK_FIELD;
      st->leak_field = R->track_field[R->rule_fields[j]];
      st->leak_t = t;
    }
  }
  if (st->leak) return;
  /* All or none: chance would have put at least LQ_REPORT_LEAK_EXPECTED of
   * these leads on the other side, so the overall rate is not itself near
   * 100% or 0%. None is no leak for a reject: that is a reject doing its job. */
  lq_tally f = st->fired;
  if (f.leads < min || isnan(base)) return;
  bool reject = k >= R->p->nrules;
  if (f.outcomes == f.leads && (double)f.leads * (1 - base) >= LQ_REPORT_LEAK_EXPECTED) st->leak = LQ_LEAK_ALWAYS;
  else if (!reject && f.outcomes == 0 && (double)f.leads * base >= LQ_REPORT_LEAK_EXPECTED) st->leak = LQ_LEAK_NEVER;
  if (st->leak) st->leak_t = f;
}

lq_tally lq_report_total(const lq_report *R) { return R->total; }

lq_tally lq_report_ended(const lq_report *R, int s) {
  return R->ended[s == -2 ? R->p->nstages + 1 : s < 0 ? R->p->nstages : s];
}

lq_tally lq_report_reached(const lq_report *R, int s) { return R->reached[s]; }

double lq_report_precision(const lq_report *R, int s) { return lq_tally_rate(R->reached[s]); }

double lq_report_recall(const lq_report *R, int s) {
  return R->total.outcomes ? (double)R->reached[s].outcomes / (double)R->total.outcomes : NAN;
}

lq_tally lq_report_routed(const lq_report *R, int i) {
  return R->routed[i == -2 ? R->p->nroutes + 1 : i < 0 ? R->p->nroutes : i];
}

lq_tally lq_report_graded(const lq_report *R, int g, int a) {
  return R->graded[R->grade_at[g] + (a < 0 ? R->p->grades[g].narms : a)];
}

lq_tally lq_report_rejected(const lq_report *R, int i) {
  return i < 0 ? R->rejected_any : R->fired[R->p->nrules + i];
}

int lq_report_examples(const lq_report *R, int i, const lq_id **ids) {
  int n = R->nexamples[i];
  for (int k = 0; k < n; k++) ids[k] = &R->examples[i * LQ_REPORT_EXAMPLES + k];
  return n;
}

int lq_report_nrules(const lq_report *R) { return nkinds(R->p); }

lq_rule_stat lq_report_rule(const lq_report *R, int k) {
  const lq_program *p = R->p;
  lq_rule_stat st = {.fired = R->fired[k]};
  st.not_fired = (lq_tally){R->total.leads - st.fired.leads, R->total.outcomes - st.fired.outcomes};
  double sign;
  if (k < p->nrules) {
    const lq_rule *rule = &p->rules[k];
    st.group = p->groups[rule->group].name;
    st.label = rule->label;
    st.owner = p->groups[rule->group].owner;
    st.points = st.fired.leads ? R->points_sum[k] / (double)st.fired.leads : 0;
    sign = st.points;
  } else {
    st.label = p->rejects[k - p->nrules].name;
    st.owner = p->rejects[k - p->nrules].owner;
    sign = -1;   /* a reject says: this lead will not convert */
  }
  double fired = lq_tally_rate(st.fired), not_fired = lq_tally_rate(st.not_fired);
  st.lift = !isnan(fired) && !isnan(not_fired) && not_fired > 0 ? fired / not_fired : NAN;
  /* Two-proportion z-test with the pooled rate: is the difference more than noise? */
  double pooled = lq_tally_rate(R->total), n1 = (double)st.fired.leads, n2 = (double)st.not_fired.leads;
  double se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  st.z = n1 > 0 && n2 > 0 && se > 0 ? (fired - not_fired) / se : NAN;
  uint64_t min = (uint64_t)R->o.min_count;
  st.wrong_way = !isnan(st.lift) && st.fired.leads >= min && st.not_fired.leads >= min && fabs(st.z) >= LQ_REPORT_Z &&
                 ((sign > 0 && st.lift < 1) || (sign < 0 && st.lift > 1));
  find_leak(R, k, &st);
  return st;
}

static int cmp_bins(const void *a, const void *b) {
  double x = ((const score_bin *)a)->score, y = ((const score_bin *)b)->score;
  return (x > y) - (x < y);
}

/* The distinct totals seen, ascending; the caller frees. */
static score_bin *sorted_bins(const lq_report *R) {
  score_bin *v = lq_xcalloc(R->nbins, sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < R->nbins; i++) v[n++] = R->bins[i];
  qsort(v, n, sizeof *v, cmp_bins);
  return v;
}

int lq_report_bands(const lq_report *R, lq_band *out, int max) {
  if (!R->total.leads) return 0;
  score_bin *v = sorted_bins(R);
  size_t nb = R->nbins;
  double edges[64];
  int ne = 0;
  bool fixed = R->o.nedges > 0;
  if (fixed) {
    edges[ne++] = -INFINITY;
    for (int i = 0; i < R->o.nedges && ne < 63; i++) edges[ne++] = R->o.edges[i];
  } else {
    /* Deciles: the score at ranks 0, n/10, ..., 9n/10; tied edges merge. */
    uint64_t seen = 0;
    size_t at = 0;
    for (int j = 0; j < 10; j++) {
      uint64_t rank = (uint64_t)j * R->total.leads / 10;
      while (seen + v[at].t.leads <= rank) seen += v[at++].t.leads;
      if (!ne || edges[ne - 1] != v[at].score) edges[ne++] = v[at].score;
    }
  }
  edges[ne] = INFINITY;
  int n = 0;
  size_t at = 0;
  for (int i = 0; i < ne; i++) {
    lq_band band = {.from = edges[i], .to = edges[i + 1], .min = NAN, .max = NAN};
    for (; at < nb && v[at].score < band.to; at++) {
      if (isnan(band.min)) band.min = v[at].score;
      band.max = v[at].score;
      band.t.leads += v[at].t.leads;
      band.t.outcomes += v[at].t.outcomes;
    }
    if (fixed && i == 0 && !band.t.leads) continue;   /* nothing below the first edge */
    if (n < max) out[n] = band;
    n++;
  }
  lq_mem_free(v);
  return n;
}

lq_team_stat lq_report_team(const lq_report *R, int t) {
  return (lq_team_stat){R->team[t * TEAM_KINDS], R->team[t * TEAM_KINDS + 1], R->team[t * TEAM_KINDS + 2]};
}

bool lq_report_to_people(const lq_report *R) { return R->p->to_people; }

int lq_report_nowners(const lq_report *R) { return R->nowners; }

const char *lq_report_owner(const lq_report *R, int i, lq_tally *t) {
  if (t) *t = R->owners[i].t;
  return R->owners[i].text;
}

lq_tally lq_report_no_owner(const lq_report *R) { return R->no_owner; }

int lq_report_ndispositions(const lq_report *R) { return R->ndisps; }

const char *lq_report_disposition(const lq_report *R, int i, lq_tally *t) {
  if (t) *t = R->disps[i].t;
  return R->disps[i].text;
}

uint64_t lq_report_disposition_fired(const lq_report *R, int i, int k) { return R->disps[i].fired[k]; }

/* ---- what the report says: computed once, then rendered as text, JSON or HTML ---- */

/* Owner indexes, most leads first, then by name, so the busiest people lead
 * the table and equal counts read in a stable order. */
static int cmp_owner_text(const owner_stat *a, const owner_stat *b) {
  size_t n = a->n < b->n ? a->n : b->n;
  for (size_t i = 0; i < n; i++) {   /* ana before Ben, as a person sorts names */
    int x = (unsigned char)a->text[i], y = (unsigned char)b->text[i];
    x += x >= 'A' && x <= 'Z' ? 32 : 0;   /* ASCII only: the same in every locale */
    y += y >= 'A' && y <= 'Z' ? 32 : 0;
    if (x != y) return x - y;
  }
  if (a->n != b->n) return (a->n > b->n) - (a->n < b->n);
  return memcmp(a->text, b->text, n);   /* Ben before ben */
}

typedef struct owner_ref { const owner_stat *o; int index; bool other; } owner_ref;

static int cmp_owner_ref(const void *x, const void *y) {
  const owner_ref *a = x, *b = y;
  if (a->other != b->other) return a->other ? 1 : -1;   /* "(other owners)" last */
  if (a->o->t.leads != b->o->t.leads) return a->o->t.leads < b->o->t.leads ? 1 : -1;
  int c = cmp_owner_text(a->o, b->o);
  return c ? c : a->index - b->index;
}

static int *owner_order(const lq_report *R) {
  int n = R->nowners, *v = lq_xcalloc((size_t)n + 1, sizeof *v);
  owner_ref *refs = lq_xcalloc((size_t)n + 1, sizeof *refs);
  for (int i = 0; i < n; i++) refs[i] = (owner_ref){&R->owners[i], i, i == R->other_owners};
  qsort(refs, (size_t)n, sizeof *refs, cmp_owner_ref);
  for (int i = 0; i < n; i++) v[i] = refs[i].index;
  lq_mem_free(refs);
  return v;
}

/* Disposition indexes, most leads first (ties: first seen first). */
static int *disp_order(const lq_report *R) {
  int n = R->ndisps, *v = lq_xcalloc((size_t)n, sizeof *v);
  for (int i = 0; i < n; i++) v[i] = i;
  for (int i = 1; i < n; i++)   /* insertion sort: stable, and n is small */
    for (int j = i; j > 0 && R->disps[v[j]].t.leads > R->disps[v[j - 1]].t.leads; j--) {
      int x = v[j];
      v[j] = v[j - 1];
      v[j - 1] = x;
    }
  return v;
}

/* Everything the formats show that is derived from the counters, computed
 * once: each rule's statistics, the score bands, the team totals, and the
 * owners and dispositions in the order they are listed. The renderers read
 * this, and the plain tallies of the accessors; none derives a number of its
 * own, so text, JSON and HTML cannot disagree. */
typedef struct view {
  const lq_report *R;
  const lq_program *p;
  lq_rule_stat *rules;   /* lq_report_nrules of them */
  int nrules, wrong;     /* wrong: how many are flagged wrong way */
  int leaks;             /* how many are flagged possible leak */
  lq_band bands[64];
  int nbands;            /* at most 64 shown */
  lq_team_stat *teams;   /* per team */
  int *owners;           /* owner indexes, most leads first */
  int *disps;            /* disposition indexes, most leads first */
} view;

static void view_build(view *v, const lq_report *R) {
  v->R = R;
  v->p = R->p;
  v->nrules = lq_report_nrules(R);
  v->rules = lq_xcalloc((size_t)v->nrules + 1, sizeof *v->rules);
  v->wrong = v->leaks = 0;
  for (int k = 0; k < v->nrules; k++) {
    v->rules[k] = lq_report_rule(R, k);
    v->wrong += v->rules[k].wrong_way;
    v->leaks += v->rules[k].leak != LQ_LEAK_NONE;
  }
  v->nbands = lq_report_bands(R, v->bands, 64);
  if (v->nbands > 64) v->nbands = 64;
  v->teams = lq_xcalloc((size_t)R->p->nteams + 1, sizeof *v->teams);
  for (int t = 0; t < R->p->nteams; t++) v->teams[t] = lq_report_team(R, t);
  v->owners = owner_order(R);
  v->disps = disp_order(R);
}

static void view_free(view *v) {
  lq_mem_free(v->rules);
  lq_mem_free(v->teams);
  lq_mem_free(v->owners);
  lq_mem_free(v->disps);
}

/* ---- the report's tables, for text and HTML ---- */

enum { ROW_PLAIN = 0, ROW_WRONG = 1, ROW_TOTAL = 2, ROW_LEAK = 3 };

typedef struct table {
  const char *title, *note, *foot;
  int ncols;
  const char *align;           /* 'l' or 'r' per column */
  const char **head;
  const char **cells;          /* row by row */
  uint8_t *flags;              /* per row */
  int nrows, cap;
  int text_only;               /* a column only the text and markdown show (a bar), or -1 */
  int csv_only;                /* a column only the CSV shows (the text says it in the foot), or -1 */
  const char *key;             /* the section's name in CSV: short, lower case */
  const char **csv_head;       /* CSV column names where head is blank, or NULL */
  struct table *next;
} table;

/* The report as tables of text cells, built from the view: what text,
 * markdown, CSV and HTML all draw. */
typedef struct model {
  lq_arena a;
  const lq_report *R;
  const view *v;
  table *first, **tail;
  /* Number cells as CSV writes them (1234, 0.375), by the cell's address:
   * the text cells are for reading, these for a spreadsheet. */
  struct machine { const char *cell, *text; } *machine;
  int nmachine, machine_cap;
} model;

/* 1234567 as "1,234,567". */
static const char *count(lq_arena *a, uint64_t n) {
  char buf[LQ_OUT_COUNT_MAX];
  const char *out = lq_out_count(buf, n);
  return lq_arena_strndup(a, out, strlen(out));
}

static const char *pct(lq_arena *a, double x) { return isnan(x) ? "-" : lq_arena_printf(a, "%.1f%%", 100 * x); }
static const char *lift_text(lq_arena *a, double x) { return isnan(x) ? "-" : lq_arena_printf(a, "%.2f", x); }
static const char *num(lq_arena *a, double x) {
  char buf[32];
  return lq_arena_strndup(a, buf, (size_t)lq_num_human(x, buf));
}

/* What the possible-leak flag says, in every format; NULL without one. */
static const char *leak_message(lq_arena *a, const lq_report *R, const lq_rule_stat *st) {
  switch (st->leak) {
  case LQ_LEAK_FIELD:
    return lq_arena_printf(a, "possible leak: %s is present almost only on leads with the outcome (%s of %s); "
                              "it may be recorded after the outcome",
                           R->p->fields[st->leak_field].text, count(a, st->leak_t.outcomes), count(a, st->leak_t.leads));
  case LQ_LEAK_ALWAYS:
    return lq_arena_printf(a, "possible leak: all %s leads it fired on had the outcome; "
                              "what it reads may be recorded after the outcome", count(a, st->leak_t.leads));
  case LQ_LEAK_NEVER:
    return lq_arena_printf(a, "possible leak: none of the %s leads it fired on had the outcome; "
                              "what it reads may be recorded after the outcome", count(a, st->leak_t.leads));
  default: return NULL;
  }
}

/* A number cell: its text, with its machine form noted for CSV. */
static const char *machine(model *m, const char *cell, const char *text) {
  if (m->nmachine == m->machine_cap) {
    int cap = m->machine_cap ? 2 * m->machine_cap : 256;
    struct machine *grown = lq_arena_alloc(&m->a, (size_t)cap * sizeof *grown);
    if (m->nmachine) memcpy(grown, m->machine, (size_t)m->nmachine * sizeof *grown);
    m->machine = grown;
    m->machine_cap = cap;
  }
  m->machine[m->nmachine++] = (struct machine){cell, text};
  return cell;
}
static const char *mcount(model *m, uint64_t n) {
  return machine(m, count(&m->a, n), lq_arena_printf(&m->a, "%llu", (unsigned long long)n));
}
/* A rate or a lift in CSV: a fraction rounded to 4 decimals, as in JSON; blank when undefined. */
static const char *fraction(model *m, double x) {
  return isnan(x) || isinf(x) ? "" : num(&m->a, round(x * 1e4) / 1e4);
}
static const char *mrate(model *m, double x) {
  return machine(m, isnan(x) ? lq_arena_strndup(&m->a, "-", 1) : pct(&m->a, x), fraction(m, x));
}
static const char *mlift(model *m, double x) {
  return machine(m, isnan(x) ? lq_arena_strndup(&m->a, "-", 1) : lift_text(&m->a, x), fraction(m, x));
}

static const char *team_name(const lq_program *p, int owner) { return owner >= 0 ? p->teams[owner].name : ""; }

/* Text from the leads (an owner, a disposition) as a cell: no control characters. */
static const char *clean(lq_arena *a, const char *s, size_t n) {
  lq_buf b = {0};
  lq_out_text(&b, s, n);
  const char *t = lq_arena_strndup(a, b.data ? b.data : "", b.len);
  lq_buf_free(&b);
  return t;
}

/* A table with one column per character of align ('l' or 'r'), headed by head[]. */
static table *table_new_a(model *m, const char *title, const char *note, const char *align, const char **head) {
  table *t = lq_arena_zalloc(&m->a, sizeof *t);
  t->title = title;
  t->note = note;
  t->align = align;
  t->ncols = (int)strlen(align);
  t->head = lq_arena_zalloc(&m->a, (size_t)t->ncols * sizeof *t->head);
  memcpy(t->head, head, (size_t)t->ncols * sizeof *head);
  t->text_only = -1;
  t->csv_only = -1;
  *m->tail = t;
  m->tail = &t->next;
  return t;
}

/* The same with the column heads as arguments (exactly one per column). */
static table *table_new(model *m, const char *title, const char *note, const char *align, ...) {
  const char *head[16];
  int n = (int)strlen(align);
  va_list ap;
  va_start(ap, align);
  for (int i = 0; i < n && i < 16; i++) head[i] = va_arg(ap, const char *);
  va_end(ap);
  return table_new_a(m, title, note, align, head);
}

/* Adds a row of ncols cells with its flags. */
static void row_cells(model *m, table *t, uint8_t flags, const char **cells) {
  if (t->nrows == t->cap) {
    int cap = t->cap ? 2 * t->cap : 8;
    const char **grown = lq_arena_alloc(&m->a, (size_t)cap * (size_t)t->ncols * sizeof *grown);
    uint8_t *fl = lq_arena_alloc(&m->a, (size_t)cap);
    if (t->nrows) {
      memcpy(grown, t->cells, (size_t)t->nrows * (size_t)t->ncols * sizeof *grown);
      memcpy(fl, t->flags, (size_t)t->nrows);
    }
    t->cells = grown;
    t->flags = fl;
    t->cap = cap;
  }
  memcpy(&t->cells[t->nrows * t->ncols], cells, (size_t)t->ncols * sizeof *cells);
  t->flags[t->nrows++] = flags;
}

/* The same with the cells as arguments (exactly ncols of them). flags is
 * unsigned, not uint8_t: va_start on a promoted parameter is undefined. */
static void row(model *m, table *t, unsigned flags, ...) {
  const char *cells[16];
  va_list ap;
  va_start(ap, flags);
  for (int i = 0; i < t->ncols && i < 16; i++) cells[i] = va_arg(ap, const char *);
  va_end(ap);
  row_cells(m, t, (uint8_t)flags, cells);
}

static const char *bar(lq_arena *a, double x, double max) {
  int n = isnan(x) || max <= 0 ? 0 : (int)lround(20 * x / max);
  char buf[32];
  memset(buf, '#', (size_t)n);
  return lq_arena_strndup(a, buf, (size_t)n);
}

static const char *rule_name(model *m, const lq_rule_stat *st) {
  return st->group ? lq_arena_printf(&m->a, "%s: %s", st->group, st->label) : lq_arena_printf(&m->a, "reject: %s", st->label);
}

static const char *points_text(model *m, int k) {
  const lq_program *p = m->R->p;
  if (k >= p->nrules) return "reject";
  const lq_rule *rule = &p->rules[k];
  if (rule->points->op != LQ_OP_CONST || rule->points->k.kind != LQ_V_NUM) return "computed";
  double x = rule->points->k.num;
  return lq_arena_printf(&m->a, "%s%s%s", x > 0 ? "+" : "", num(&m->a, x), rule->per ? " each" : "");
}

/* A band's name: "40 to <60", "< 0", ">= 80" for fixed edges; the totals seen
 * in it ("12 to 25", "0") for deciles. */
/* One decimal; a total past 1e15 has none to round (and x * 10 could overflow). */
static double tenth(double x) { return fabs(x) < 1e15 ? round(x * 10) / 10 : x; }

static const char *band_name(model *m, const lq_band *b) {
  lq_arena *a = &m->a;
  if (!m->R->o.nedges) {   /* decayed totals have long fractions: one decimal is enough to read */
    double lo = tenth(b->min), hi = tenth(b->max);
    return lo == hi || isnan(lo) ? num(a, lo) : lq_arena_printf(a, "%s to %s", num(a, lo), num(a, hi));
  }
  if (isinf(b->from)) return lq_arena_printf(a, "< %s", num(a, b->to));
  if (isinf(b->to)) return lq_arena_printf(a, ">= %s", num(a, b->from));
  return lq_arena_printf(a, "%s to <%s", num(a, b->from), num(a, b->to));
}

static void stage_tables(model *m) {
  const lq_program *p = m->R->p;
  table *t = table_new(m, "Stages: where each lead ended", NULL, "llrrr", "stage", "owner", "leads", "outcomes", "rate");
  t->key = "stages";
  for (int s = 0; s < p->nstages + 2; s++) {
    int which = s < p->nstages ? s : s == p->nstages ? -1 : -2;
    lq_tally c = lq_report_ended(m->R, which);
    if (which < 0 && !c.leads) continue;
    row(m, t, ROW_PLAIN, which >= 0 ? p->stages[s].name : which == -1 ? "(none)" : "(rejected)",
        which >= 0 ? team_name(p, p->stages[s].owner) : "", mcount(m, c.leads), mcount(m, c.outcomes),
        mrate(m, lq_tally_rate(c)));
  }
  if (!p->nstages) return;
  t = table_new(m, "Stages as predictors of the outcome",
                "reached: the stage's condition held and the lead was not rejected\n"
                "precision: the share of reached leads with the outcome;\n"
                "recall: the share of all leads with the outcome that reached it",
                "lrrrr", "stage", "reached",
                "outcomes", "precision", "recall");
  t->key = "stage predictors";
  for (int s = 0; s < p->nstages; s++) {
    lq_tally c = lq_report_reached(m->R, s);
    row(m, t, ROW_PLAIN, p->stages[s].name, mcount(m, c.leads), mcount(m, c.outcomes),
        mrate(m, lq_report_precision(m->R, s)), mrate(m, lq_report_recall(m->R, s)));
  }
}

static void route_table(model *m) {
  const lq_program *p = m->R->p;
  if (!p->nroutes) return;
  table *t = table_new(m, "Routes", NULL, "llrrr", "route", "owner", "leads", "outcomes", "rate");
  t->key = "routes";
  for (int s = 0; s < p->nroutes + 2; s++) {
    int which = s < p->nroutes ? s : s == p->nroutes ? -1 : -2;
    lq_tally c = lq_report_routed(m->R, which);
    if (which < 0 && !c.leads) continue;
    row(m, t, ROW_PLAIN, which >= 0 ? p->routes[s].name : which == -1 ? "(none)" : "(rejected)",
        which >= 0 ? team_name(p, p->routes[s].owner) : "", mcount(m, c.leads), mcount(m, c.outcomes),
        mrate(m, lq_tally_rate(c)));
  }
}

static void owner_table(model *m) {
  const lq_report *R = m->R;
  lq_arena *a = &m->a;
  if (!R->p->to_people) return;
  table *t = table_new(m, "Owners: the person each lead was routed to",
                       "(no owner): leads that went to no person: their route has no `to`, or no route matched;\n"
                       "(rejected): rejected leads, routed nowhere",
                       "lrrr", "owner", "leads", "outcomes", "rate");
  t->key = "owners";
  for (int i = 0; i < R->nowners; i++) {
    const owner_stat *o = &R->owners[m->v->owners[i]];
    row(m, t, ROW_PLAIN, clean(a, o->text, o->n), mcount(m, o->t.leads), mcount(m, o->t.outcomes),
        mrate(m, lq_tally_rate(o->t)));
  }
  lq_tally none = R->no_owner, rej = lq_report_rejected(R, -1);
  if (none.leads) row(m, t, ROW_PLAIN, "(no owner)", mcount(m, none.leads), mcount(m, none.outcomes), mrate(m, lq_tally_rate(none)));
  if (rej.leads) row(m, t, ROW_PLAIN, "(rejected)", mcount(m, rej.leads), mcount(m, rej.outcomes), mrate(m, lq_tally_rate(rej)));
}

static void grade_tables(model *m) {
  const lq_program *p = m->R->p;
  lq_arena *a = &m->a;
  for (int g = 0; g < p->ngrades; g++) {
    const lq_grade *gr = &p->grades[g];
    table *t = table_new(m, lq_arena_printf(a, "Grade %s%s%s", gr->name, gr->owner >= 0 ? " by " : "", team_name(p, gr->owner)),
                         NULL, "lrrr", "label", "leads", "outcomes", "rate");
    t->key = lq_arena_printf(&m->a, "grade %s", gr->name);
    for (int i = 0; i < gr->narms; i++) {
      lq_tally c = lq_report_graded(m->R, g, i);
      row(m, t, ROW_PLAIN, gr->arms[i].label, mcount(m, c.leads), mcount(m, c.outcomes), mrate(m, lq_tally_rate(c)));
    }
    lq_tally none = lq_report_graded(m->R, g, -1);
    if (none.leads)
      row(m, t, ROW_PLAIN, "(none)", mcount(m, none.leads), mcount(m, none.outcomes), mrate(m, lq_tally_rate(none)));
  }
}

static const char *examples_text(model *m, int i) {
  const lq_id *ids[LQ_REPORT_EXAMPLES];
  int n = lq_report_examples(m->R, i, ids);
  lq_buf b = {0};
  for (int k = 0; k < n; k++) {
    if (k) lq_buf_puts(&b, ", ");
    lq_id_text(&b, ids[k]);
  }
  const char *s = lq_arena_strndup(&m->a, b.data ? b.data : "", b.len);
  lq_buf_free(&b);
  return s;
}


static void reject_table(model *m) {
  const lq_program *p = m->R->p;
  if (!p->nrejects) return;
  table *t = table_new(m, "Rejects: how many rejected leads converted anyway",
                       
                       "a lead counts under every reject that fired on it;\n"
                       "for example: leads it rejected that converted anyway",
                       "llrrrl", "reason", "owner", "fired",
                       "converted", "rate", "for example");
  t->key = "rejects";
  for (int i = 0; i < p->nrejects; i++) {
    lq_tally c = lq_report_rejected(m->R, i);
    row(m, t, ROW_PLAIN, p->rejects[i].name, team_name(p, p->rejects[i].owner), mcount(m, c.leads),
        mcount(m, c.outcomes), mrate(m, lq_tally_rate(c)), examples_text(m, i));
  }
  lq_tally any = lq_report_rejected(m->R, -1);
  row(m, t, ROW_TOTAL, "(any reject)", "", mcount(m, any.leads), mcount(m, any.outcomes), mrate(m, lq_tally_rate(any)), "");
}

static void band_table(model *m) {
  lq_arena *a = &m->a;
  const lq_band *bands = m->v->bands;
  int n = m->v->nbands;
  table *t = table_new(m, "Conversion by total score",
                       m->R->o.nedges ? "fixed bands (--bands); a band includes its lower edge"
                                      : "deciles of the total score; fewer bands when scores tie",
                       "lrrrl", "score", "leads", "outcomes", "rate", "");
  t->key = "score bands";
  t->text_only = 4;
  double max = 0;
  for (int i = 0; i < n; i++)
    if (lq_tally_rate(bands[i].t) > max) max = lq_tally_rate(bands[i].t);
  for (int i = 0; i < n; i++)
    row(m, t, ROW_PLAIN, band_name(m, &bands[i]), mcount(m, bands[i].t.leads), mcount(m, bands[i].t.outcomes),
        mrate(m, lq_tally_rate(bands[i].t)), bar(a, lq_tally_rate(bands[i].t), max));
}

static void rule_table(model *m) {
  const lq_report *R = m->R;
  lq_arena *a = &m->a;
  if (!lq_report_nrules(R)) return;
  table *t = table_new(m, "Rules: the outcome rate when each fired and when it did not", NULL, "lrrrrrrll", "rule",
                       "points", "fired", "outcomes", "rate fired", "rate not", "lift", "", "leak");
  t->key = "rules";
  t->csv_only = 8;   /* the text tells each leak under the table: too long for a column */
  static const char *csv_head[] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, "flag", NULL};
  t->csv_head = csv_head;
  lq_buf leaks = {0};
  for (int k = 0; k < m->v->nrules; k++) {
    const lq_rule_stat st = m->v->rules[k];
    const char *leak = leak_message(a, R, &st);
    const char *flag = st.wrong_way && leak ? "WRONG WAY, POSSIBLE LEAK" : st.wrong_way ? "WRONG WAY"
                       : leak                ? "POSSIBLE LEAK"
                                             : "";
    row(m, t, st.wrong_way ? ROW_WRONG : leak ? ROW_LEAK : ROW_PLAIN, rule_name(m, &st), points_text(m, k),
        mcount(m, st.fired.leads), mcount(m, st.fired.outcomes), mrate(m, lq_tally_rate(st.fired)),
        mrate(m, lq_tally_rate(st.not_fired)), mlift(m, st.lift), flag, leak ? leak : "");
    if (leak) lq_buf_printf(&leaks, "\n%s: %s", rule_name(m, &st), leak);
  }
  t->foot = lq_arena_printf(a,
                     "lift: rate fired / rate not fired\n"
                     "WRONG WAY: positive points with lift < 1, or negative points or a reject with lift > 1,\n"
                     "when the rule fired on at least %d leads and did not fire on at least %d, and the two\n"
                     "rates differ by more than noise (|z| >= 1.96, a two-proportion z-test): %d flagged\n"
                     "POSSIBLE LEAK: all, or none, of the at least %d leads the rule fired on had the outcome\n"
                     "(none: not for a reject), or a field it reads is present almost only on leads with the\n"
                     "outcome; what it reads may be recorded after the outcome: %d flagged%.*s",
                     R->o.min_count, R->o.min_count, m->v->wrong, R->o.min_count, m->v->leaks, (int)leaks.len,
                     leaks.data ? leaks.data : "");
  lq_buf_free(&leaks);
}

static void team_table(model *m) {
  const lq_program *p = m->R->p;
  if (!p->nteams) return;
  table *t = table_new(m, "Teams: what each team's rules decided, and how it turned out",
                       "qualified: reached a stage the team owns; routed: sent to a route it owns;\n"
                       "rejected: a reject it owns fired (the outcomes converted anyway)",
                       "lrrrrrrrrr", "team", "qualified", "outcomes", "rate", "routed", "outcomes", "rate", "rejected",
                       "outcomes", "rate");
  t->key = "teams";
  for (int i = 0; i < p->nteams; i++) {
    lq_team_stat s = m->v->teams[i];
    row(m, t, ROW_PLAIN, p->teams[i].name, mcount(m, s.qualified.leads), mcount(m, s.qualified.outcomes),
        mrate(m, lq_tally_rate(s.qualified)), mcount(m, s.routed.leads), mcount(m, s.routed.outcomes),
        mrate(m, lq_tally_rate(s.routed)), mcount(m, s.rejected.leads), mcount(m, s.rejected.outcomes),
        mrate(m, lq_tally_rate(s.rejected)));
  }
}

enum { DISP_SHOWN = 8, DISP_WIDTH = 24 };

static const char *short_text(lq_arena *a, const char *s) {
  size_t n = strlen(s), chars = 0, i = 0;
  for (; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > DISP_WIDTH - 3) break;
  if (i >= n) return s;
  return lq_arena_printf(a, "%.*s...", (int)i, s);
}

static void disposition_table(model *m) {
  const lq_report *R = m->R;
  lq_arena *a = &m->a;
  if (!R->o.disposition || !R->ndisps) return;
  const int *order = m->v->disps;
  int shown = R->ndisps > DISP_SHOWN + 1 ? DISP_SHOWN : R->ndisps, ncols = shown + 2 + (shown < R->ndisps);
  char *align = lq_arena_zalloc(a, (size_t)ncols + 1);
  memset(align, 'r', (size_t)ncols);
  align[0] = 'l';
  const char **head = lq_arena_alloc(a, (size_t)ncols * sizeof *head);
  for (int i = 0; i < ncols; i++) {
    const char *d = i >= 2 && i - 2 < shown ? R->disps[order[i - 2]].text : NULL;
    head[i] = i == 0 ? "rule" : i == 1 ? "all" : d ? short_text(a, clean(a, d, strlen(d))) : "(rest)";
  }
  table *t = table_new_a(m, lq_arena_printf(a, "Dispositions: %s", R->o.disposition),
                         "leads per rule that fired, by disposition; a missing value is (none)", align, head);
  t->key = "dispositions";
  /* Rows are assembled cell by cell: the column count varies. */
  int nk = lq_report_nrules(R);
  for (int r = -2; r < nk; r++) {
    const char **cells = lq_arena_alloc(a, (size_t)ncols * sizeof *cells);
    uint64_t all = 0, rest = 0;
    for (int i = 0; i < R->ndisps; i++) {
      const disp *d = &R->disps[order[i]];
      uint64_t v = r == -2 ? d->t.leads : r == -1 ? d->t.outcomes : d->fired[r];
      all += v;
      if (i < shown) cells[i + 2] = mcount(m, v);
      else rest += v;
    }
    if (shown < R->ndisps) cells[ncols - 1] = mcount(m, rest);
    if (r >= 0) {
      cells[0] = rule_name(m, &m->v->rules[r]);
    } else {
      cells[0] = r == -2 ? "(all leads)" : "(with the outcome)";
    }
    cells[1] = mcount(m, all);
    if (r >= 0 && !all) continue;   /* a rule that never fired says nothing here */
    row_cells(m, t, r < 0 ? ROW_TOTAL : ROW_PLAIN, cells);
  }
}

static void build(model *m, const view *v) {
  const lq_report *R = v->R;
  lq_arena_init(&m->a, 16384);
  m->R = R;
  m->v = v;
  m->first = NULL;
  m->tail = &m->first;
  m->machine = NULL;
  m->nmachine = m->machine_cap = 0;
  if (!R->total.leads) return;
  stage_tables(m);
  route_table(m);
  owner_table(m);
  grade_tables(m);
  reject_table(m);
  band_table(m);
  rule_table(m);
  team_table(m);
  disposition_table(m);
}

/* ---- text ---- */

/* Characters, not bytes, so labels in UTF-8 line up. */
static int width(const char *s) {
  int w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
}

static void pad(lq_buf *b, int n) {
  for (int i = 0; i < n; i++) lq_buf_putc(b, ' ');
}

#define BOLD "\033[1m"
#define RED "\033[31m"
#define RESET "\033[0m"

/* A note, each of its lines indented like the table. */
static void text_lines(lq_buf *b, const char *s) {
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    lq_buf_puts(b, "  ");
    lq_buf_put(b, s, n);
    lq_buf_putc(b, '\n');
    s += n + (nl != NULL);
  }
}

static void text_table(lq_buf *b, const table *t, bool color) {
  int w[64] = {0};
  int nc = t->ncols < 64 ? t->ncols : 64;
  for (int c = 0; c < nc; c++) {
    w[c] = width(t->head[c]);
    for (int r = 0; r < t->nrows; r++) {
      int x = width(t->cells[r * t->ncols + c]);
      if (x > w[c]) w[c] = x;
    }
  }
  if (color) lq_buf_puts(b, BOLD);
  lq_buf_puts(b, t->title);
  if (color) lq_buf_puts(b, RESET);
  lq_buf_putc(b, '\n');
  if (t->note) text_lines(b, t->note);
  for (int r = -1; r < t->nrows; r++) {
    const char **cells = r < 0 ? t->head : &t->cells[r * t->ncols];
    bool red = r >= 0 && t->flags[r] == ROW_WRONG && color;
    size_t start = b->len;
    lq_buf_puts(b, "  ");
    if (red) lq_buf_puts(b, RED);
    for (int c = 0; c < nc; c++) {
      if (c == t->csv_only) continue;
      int gap = w[c] - width(cells[c]);
      if (c) lq_buf_puts(b, "  ");
      if (t->align[c] == 'r') pad(b, gap);
      lq_buf_puts(b, cells[c]);
      if (t->align[c] != 'r' && c + 1 < nc) pad(b, gap);
    }
    if (red) lq_buf_puts(b, RESET);
    while (b->len > start && b->data[b->len - 1] == ' ') b->len--;
    lq_buf_putc(b, '\n');
  }
  if (t->foot) text_lines(b, t->foot);
}

static const char *ruleset_name(const lq_program *p) {
  return p->name ? p->name : "";
}

/* "1,000 leads; 87 with the outcome (8.7%)" and the header lines. */
static void text_header(lq_buf *b, const lq_report *R, lq_arena *a) {
  const lq_program *p = R->p;
  lq_buf_printf(b, "leadq report: %s%s%s", ruleset_name(p), p->version ? " " : "", p->version ? p->version : "");
  if (R->o.rules_path) lq_buf_printf(b, " (%s)", R->o.rules_path);
  lq_buf_printf(b, "\noutcome: %s\n", R->o.outcome ? R->o.outcome : "");
  if (R->o.disposition) lq_buf_printf(b, "disposition: %s\n", R->o.disposition);
  if (!R->total.leads) lq_buf_printf(b, "no leads: nothing to report\n");
  else
    lq_buf_printf(b, "%s lead%s; %s with the outcome (%s)\n", count(a, R->total.leads), R->total.leads == 1 ? "" : "s",
          count(a, R->total.outcomes), pct(a, lq_tally_rate(R->total)));
  if (R->bad) lq_buf_printf(b, "%s bad line%s not counted\n", count(a, R->bad), R->bad == 1 ? "" : "s");
}

/* Every form but JSON renders the tables made of the counters' view: made
 * here once for each, and freed after. arg: the form's own option. */
static void render(lq_buf *b, const lq_report *R, void (*body)(lq_buf *, const lq_report *, model *, const void *),
                   const void *arg) {
  view v;
  view_build(&v, R);
  model m;
  build(&m, &v);
  body(b, R, &m, arg);
  lq_arena_free(&m.a);
  view_free(&v);
}

static void text_body(lq_buf *b, const lq_report *R, model *m, const void *arg) {
  bool color = *(const bool *)arg;
  text_header(b, R, &m->a);
  for (const table *t = m->first; t; t = t->next) {
    lq_buf_putc(b, '\n');
    text_table(b, t, color);
  }
}

void lq_report_text(lq_buf *b, const lq_report *R, bool color) {
  render(b, R, text_body, &color);
}

/* ---- markdown ---- */

static bool md_word(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/* Text in a markdown paragraph or table cell, escaped only where a character
 * would start markup, so the pasted text stays readable: emphasis, code,
 * links, HTML tags and entities, strikethrough; a cell's pipe; at a
 * paragraph line's start a heading, list or quote. A line break becomes <br>
 * in a cell (a cell is one line), a hard break (\ at the end) elsewhere. */
static void md_text(lq_buf *b, const char *s, bool cell) {
  bool line_start = true;
  char prev = ' ';
  for (; *s; prev = *s++) {
    char c = *s, next = s[1];
    if (c == '\n') {
      lq_buf_puts(b, cell ? "<br>" : "\\\n");
      line_start = true;
      continue;
    }
    bool esc = strchr("\\`*[]~", c) != NULL || (c == '_' && !(md_word(prev) && md_word(next))) ||
               (c == '<' && (md_word(next) || next == '/' || next == '!' || next == '?')) ||
               (c == '&' && (md_word(next) || next == '#')) || (c == '|' && cell) ||
               (!cell && line_start && strchr("#+-=>", c));
    if (esc) lq_buf_putc(b, '\\');
    lq_buf_putc(b, c);
    line_start = false;
  }
}

static void md_table(lq_buf *b, const table *t) {
  lq_buf_puts(b, "\n## ");
  md_text(b, t->title, true);
  lq_buf_puts(b, "\n\n");
  if (t->note) {
    md_text(b, t->note, false);
    lq_buf_puts(b, "\n\n");
  }
  for (int r = -2; r < t->nrows; r++) {
    const char **cells = r == -1 ? NULL : r < 0 ? t->head : &t->cells[r * t->ncols];
    lq_buf_putc(b, '|');
    for (int c = 0; c < t->ncols; c++) {
      if (c == t->text_only || c == t->csv_only) continue;
      if (!cells) {
        lq_buf_puts(b, t->align[c] == 'r' ? " ---: |" : " --- |");
        continue;
      }
      lq_buf_putc(b, ' ');
      md_text(b, cells[c], true);
      lq_buf_puts(b, " |");
    }
    lq_buf_putc(b, '\n');
  }
  if (t->foot) {
    lq_buf_putc(b, '\n');
    md_text(b, t->foot, false);
    lq_buf_putc(b, '\n');
  }
}

static void markdown_body(lq_buf *b, const lq_report *R, model *m, const void *arg) {
  (void)arg;
  const lq_program *p = R->p;
  lq_arena *a = &m->a;
  lq_buf_puts(b, "# ");
  md_text(b, lq_arena_printf(a, "leadq report: %s%s%s", ruleset_name(p), p->version ? " " : "",
                             p->version ? p->version : ""), true);
  lq_buf_puts(b, "\n\n");
  if (R->o.rules_path) {
    lq_buf_puts(b, "- rules: ");
    lq_out_md_code(b, R->o.rules_path);
    lq_buf_putc(b, '\n');
  }
  lq_buf_puts(b, "- outcome: ");
  lq_out_md_code(b, R->o.outcome ? R->o.outcome : "");
  lq_buf_putc(b, '\n');
  if (R->o.disposition) {
    lq_buf_puts(b, "- disposition: ");
    lq_out_md_code(b, R->o.disposition);
    lq_buf_putc(b, '\n');
  }
  if (!R->total.leads) lq_buf_puts(b, "- no leads: nothing to report\n");
  else
    lq_buf_printf(b, "- %s lead%s; %s with the outcome (%s)\n", count(a, R->total.leads), R->total.leads == 1 ? "" : "s",
                  count(a, R->total.outcomes), pct(a, lq_tally_rate(R->total)));
  if (R->bad) lq_buf_printf(b, "- %s bad line%s not counted\n", count(a, R->bad), R->bad == 1 ? "" : "s");
  for (const table *t = m->first; t; t = t->next) md_table(b, t);
}

void lq_report_markdown(lq_buf *b, const lq_report *R) {
  render(b, R, markdown_body, NULL);
}

/* ---- CSV ---- */

static int cmp_machine(const void *x, const void *y) {
  uintptr_t a = (uintptr_t)((const struct machine *)x)->cell, b = (uintptr_t)((const struct machine *)y)->cell;
  return (a > b) - (a < b);
}

/* A cell as CSV writes it: a number's machine form, else its text. */
static const char *csv_value(const model *m, const char *cell) {
  struct machine key = {cell, NULL};
  const struct machine *hit = bsearch(&key, m->machine, (size_t)m->nmachine, sizeof key, cmp_machine);
  return hit ? hit->text : cell;
}

static int csv_ncols(const table *t) { return t->ncols - (t->text_only >= 0); }

/* A text cell a spreadsheet would run as a formula (=, +, -, @ first: "+2
 * each", or an owner's name from the data such as "=1+2") gets a ' before it,
 * which spreadsheets take as "this is text"; a number is left as it is. */
static void csv_cell(lq_buf *b, const char *s) {
  size_t n = strlen(s);
  /* A number as the report writes one: [-+]digits[.digits] (strtod would take
   * -inf and hex too, which a spreadsheet shows as #NAME?). */
  size_t i = n && (s[0] == '-' || s[0] == '+'), digits = strspn(s + i, "0123456789");
  i += digits;
  if (digits && s[i] == '.') i += 1 + strspn(s + i + 1, "0123456789");
  if (n && strchr("=+-@\t\r", s[0]) && !(digits && i == n)) lq_buf_putc(b, '\'');
  lq_out_csv_cell(b, s, n, ',');
}

/* One record: the section, the cells, blanks up to width (every record has
 * as many fields, as RFC 4180 asks and leadq's own CSV reader requires). */
static void csv_record(lq_buf *b, const char *section, const char **cells, int n, int width) {
  csv_cell(b, section);
  for (int i = 0; i < width; i++) {
    lq_buf_putc(b, ',');
    if (i < n && cells[i]) csv_cell(b, cells[i]);
  }
  lq_buf_putc(b, '\n');
}

static void csv_body(lq_buf *b, const lq_report *R, model *m, const void *arg) {
  (void)arg;
  const lq_program *p = R->p;
  lq_arena *a = &m->a;
  qsort(m->machine, (size_t)m->nmachine, sizeof *m->machine, cmp_machine);
  int width = 9;   /* the summary's */
  for (const table *t = m->first; t; t = t->next)
    if (csv_ncols(t) > width) width = csv_ncols(t);
  const char *head[] = {"ruleset", "version", "rules", "outcome", "disposition", "leads", "outcomes", "rate", "bad lines"};
  double rate = lq_tally_rate(R->total);
  const char *summary[] = {ruleset_name(p), p->version ? p->version : "", R->o.rules_path ? R->o.rules_path : "",
                           R->o.outcome ? R->o.outcome : "", R->o.disposition ? R->o.disposition : "",
                           lq_arena_printf(a, "%llu", (unsigned long long)R->total.leads),
                           lq_arena_printf(a, "%llu", (unsigned long long)R->total.outcomes),
                           fraction(m, rate), lq_arena_printf(a, "%llu", (unsigned long long)R->bad)};
  lq_buf_puts(b, "section");
  /* Only the section column has one name: each section's first record names its own columns. */
  for (int i = 0; i < width; i++) lq_buf_putc(b, ',');
  lq_buf_putc(b, '\n');
  csv_record(b, "summary", head, 9, width);
  csv_record(b, "summary", summary, 9, width);
  const char **cells = lq_arena_alloc(a, (size_t)(width + 1) * sizeof *cells);
  for (const table *t = m->first; t; t = t->next) {
    for (int r = -1; r < t->nrows; r++) {
      const char **from = r < 0 ? t->head : &t->cells[r * t->ncols];
      int n = 0;
      for (int c = 0; c < t->ncols; c++) {
        if (c == t->text_only) continue;
        cells[n++] = r < 0 ? (t->csv_head && t->csv_head[c] ? t->csv_head[c] : from[c]) : csv_value(m, from[c]);
      }
      csv_record(b, t->key ? t->key : t->title, cells, n, width);
    }
  }
}

void lq_report_csv(lq_buf *b, const lq_report *R) {
  render(b, R, csv_body, NULL);
}

/* ---- JSON ---- */

/* Rates rounded to four decimals; null when undefined. */
static void jrate(lq_jw *j, double x) {
  if (isnan(x) || isinf(x)) lq_jw_null(j);
  else lq_jw_num(j, round(x * 1e4) / 1e4);
}
/* A tally's members, in the object being written. */
static void jtally(lq_jw *j, lq_tally t) {
  lq_jw_key(j, "leads");
  lq_jw_uint(j, t.leads);
  lq_jw_key(j, "outcomes");
  lq_jw_uint(j, t.outcomes);
  lq_jw_key(j, "rate");
  jrate(j, lq_tally_rate(t));
}
/* "key":{"leads":..,"outcomes":..,"rate":..} */
static void jtally_at(lq_jw *j, const char *key, lq_tally t) {
  lq_jw_key(j, key);
  lq_jw_object(j);
  jtally(j, t);
  lq_jw_end_object(j);
}
static void jowner(lq_jw *j, const lq_program *p, int owner) {
  lq_jw_key(j, "owner");
  lq_jw_str(j, owner >= 0 ? p->teams[owner].name : NULL);
}
/* Opens the object of a named, owned declaration: {"KEY":"name","owner":... */
static void jdecl(lq_jw *j, const lq_program *p, const char *key, const char *name, int owner) {
  lq_jw_object(j);
  lq_jw_key(j, key);
  lq_jw_str(j, name);
  jowner(j, p, owner);
}
static void jedge(lq_jw *j, const char *key, double x) {
  lq_jw_key(j, key);
  if (isinf(x) || isnan(x)) lq_jw_null(j);
  else lq_jw_num(j, x);
}

/* "group: label" or "reject: reason" as a JSON key. */
static void rule_key(lq_jw *j, const lq_rule_stat *st) {
  size_t n = strlen(st->group ? st->group : "reject") + strlen(st->label) + 3;
  char *k = lq_mem_alloc(n);
  if (!k) abort();
  snprintf(k, n, "%s: %s", st->group ? st->group : "reject", st->label);
  lq_jw_key(j, k);
  lq_mem_free(k);
}

static void json_stages(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "stages");
  lq_jw_array(j);
  for (int s = 0; s < p->nstages; s++) {
    jdecl(j, p, "stage", p->stages[s].name, p->stages[s].owner);
    jtally_at(j, "ended", lq_report_ended(R, s));
    jtally_at(j, "reached", lq_report_reached(R, s));
    lq_jw_key(j, "precision");
    jrate(j, lq_report_precision(R, s));
    lq_jw_key(j, "recall");
    jrate(j, lq_report_recall(R, s));
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  jtally_at(j, "no_stage", lq_report_ended(R, -1));
  jtally_at(j, "rejected", lq_report_rejected(R, -1));
}

static void json_routes(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "routes");
  lq_jw_array(j);
  for (int i = 0; i < p->nroutes; i++) {
    jdecl(j, p, "route", p->routes[i].name, p->routes[i].owner);
    jtally(j, lq_report_routed(R, i));
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  jtally_at(j, "no_route", lq_report_routed(R, -1));
  if (!R->p->to_people) return;
  lq_jw_key(j, "owners");
  lq_jw_array(j);
  for (int i = 0; i < R->nowners; i++) {
    const owner_stat *o = &R->owners[v->owners[i]];
    lq_jw_object(j);
    lq_jw_key(j, "owner");
    if (o->num) lq_jw_num(j, o->x);
    else lq_jw_string(j, o->text, o->n);
    jtally(j, o->t);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  jtally_at(j, "no_owner", R->no_owner);
}

static void json_grades(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "grades");
  lq_jw_array(j);
  for (int g = 0; g < p->ngrades; g++) {
    jdecl(j, p, "grade", p->grades[g].name, p->grades[g].owner);
    lq_jw_key(j, "labels");
    lq_jw_array(j);
    for (int i = 0; i < p->grades[g].narms; i++) {
      lq_jw_object(j);
      lq_jw_key(j, "label");
      lq_jw_str(j, p->grades[g].arms[i].label);
      jtally(j, lq_report_graded(R, g, i));
      lq_jw_end_object(j);
    }
    lq_jw_end_array(j);
    jtally_at(j, "none", lq_report_graded(R, g, -1));
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
}

static void json_rejects(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "rejects");
  lq_jw_array(j);
  for (int i = 0; i < p->nrejects; i++) {
    jdecl(j, p, "reason", p->rejects[i].name, p->rejects[i].owner);
    jtally(j, lq_report_rejected(R, i));
    lq_jw_key(j, "examples");
    lq_jw_array(j);
    const lq_id *ids[LQ_REPORT_EXAMPLES];
    int n = lq_report_examples(R, i, ids);
    for (int k = 0; k < n; k++) lq_id_json(lq_jw_value(j), ids[k]);
    lq_jw_end_array(j);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
}

static void json_bands(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  lq_jw_key(j, "bands");
  lq_jw_object(j);
  lq_jw_key(j, "kind");
  lq_jw_str(j, R->o.nedges ? "fixed" : "deciles");
  lq_jw_key(j, "bands");
  lq_jw_array(j);
  const lq_band *bands = v->bands;
  for (int i = 0; i < v->nbands; i++) {
    lq_jw_object(j);
    jedge(j, "from", bands[i].from);
    jedge(j, "to", bands[i].to);
    jedge(j, "min", bands[i].min);
    jedge(j, "max", bands[i].max);
    jtally(j, bands[i].t);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

static void json_rules(lq_jw *j, const view *v, lq_arena *a) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "rules");
  lq_jw_array(j);
  for (int k = 0; k < v->nrules; k++) {
    const lq_rule_stat st = v->rules[k];
    lq_jw_object(j);
    lq_jw_key(j, "rule");
    lq_jw_str(j, st.label);
    if (st.group) {
      lq_jw_key(j, "group");
      lq_jw_str(j, st.group);
      const lq_rule *rule = &p->rules[k];
      lq_jw_key(j, "points");
      if (rule->points->op == LQ_OP_CONST && rule->points->k.kind == LQ_V_NUM) lq_jw_num(j, rule->points->k.num);
      else lq_jw_null(j);
      lq_jw_key(j, "per");
      lq_jw_bool(j, rule->per);
      lq_jw_key(j, "mean_points");
      jrate(j, st.points);
    } else {
      lq_jw_key(j, "reject");
      lq_jw_bool(j, true);
    }
    jowner(j, p, st.owner);
    jtally_at(j, "fired", st.fired);
    jtally_at(j, "not_fired", st.not_fired);
    lq_jw_key(j, "lift");
    jrate(j, st.lift);
    lq_jw_key(j, "z");
    jrate(j, st.z);
    lq_jw_key(j, "wrong_way");
    lq_jw_bool(j, st.wrong_way);
    lq_jw_key(j, "leak");
    if (st.leak == LQ_LEAK_NONE) {
      lq_jw_null(j);
    } else {
      static const char *const reasons[] = {"", "always", "never", "field"};
      lq_jw_object(j);
      lq_jw_key(j, "reason");
      lq_jw_str(j, reasons[st.leak]);
      lq_jw_key(j, "field");
      lq_jw_str(j, st.leak == LQ_LEAK_FIELD ? p->fields[st.leak_field].text : NULL);
      jtally(j, st.leak_t);
      lq_jw_key(j, "message");
      lq_jw_str(j, leak_message(a, R, &st));
      lq_jw_end_object(j);
    }
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
}

static void json_teams(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  const lq_program *p = R->p;
  lq_jw_key(j, "teams");
  lq_jw_array(j);
  for (int i = 0; i < p->nteams; i++) {
    lq_team_stat s = v->teams[i];
    lq_jw_object(j);
    lq_jw_key(j, "team");
    lq_jw_str(j, p->teams[i].name);
    jtally_at(j, "qualified", s.qualified);
    jtally_at(j, "routed", s.routed);
    jtally_at(j, "rejected", s.rejected);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
}

static void json_dispositions(lq_jw *j, const view *v) {
  const lq_report *R = v->R;
  if (!R->o.disposition) return;
  lq_jw_key(j, "disposition");
  lq_jw_object(j);
  lq_jw_key(j, "expression");
  lq_jw_str(j, R->o.disposition);
  lq_jw_key(j, "values");
  lq_jw_array(j);
  for (int i = 0; i < R->ndisps; i++) {
    const disp *d = &R->disps[v->disps[i]];
    lq_jw_object(j);
    lq_jw_key(j, "value");
    lq_jw_str(j, d->text);
    jtally(j, d->t);
    lq_jw_key(j, "fired");
    lq_jw_object(j);
    for (int k = 0; k < v->nrules; k++) {
      if (!d->fired[k]) continue;
      rule_key(j, &v->rules[k]);
      lq_jw_uint(j, d->fired[k]);
    }
    lq_jw_end_object(j);
    lq_jw_end_object(j);
  }
  lq_jw_end_array(j);
  lq_jw_end_object(j);
}

void lq_report_json(lq_buf *b, const lq_report *R) {
  const lq_program *p = R->p;
  view v;
  view_build(&v, R);
  lq_jw jw = lq_jw_on(b), *j = &jw;
  lq_jw_object(j);
  lq_jw_key(j, "ruleset");
  lq_jw_str(j, ruleset_name(p));
  lq_jw_key(j, "version");
  lq_jw_str(j, p->version);
  lq_jw_key(j, "outcome");
  lq_jw_str(j, R->o.outcome ? R->o.outcome : "");
  lq_jw_key(j, "bad_lines");
  lq_jw_uint(j, R->bad);
  jtally(j, R->total);
  json_stages(j, &v);
  json_routes(j, &v);
  json_grades(j, &v);
  json_rejects(j, &v);
  json_bands(j, &v);
  lq_jw_key(j, "min_count");
  lq_jw_num(j, R->o.min_count);
  lq_arena a;
  lq_arena_init(&a, 1024);
  json_rules(j, &v, &a);
  lq_arena_free(&a);
  json_teams(j, &v);
  json_dispositions(j, &v);
  lq_jw_end_object(j);
  lq_buf_putc(b, '\n');
  view_free(&v);
}

/* ---- HTML ---- */

static void html_text(lq_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': lq_buf_puts(b, "&amp;"); break;
    case '<': lq_buf_puts(b, "&lt;"); break;
    case '>': lq_buf_puts(b, "&gt;"); break;
    case '"': lq_buf_puts(b, "&quot;"); break;
    case '\'': lq_buf_puts(b, "&#39;"); break;
    default: lq_buf_putc(b, *s);
    }
  }
}

/* Text whose line breaks become <br>. */
static void html_lines(lq_buf *b, const char *s) {
  lq_arena a;
  lq_arena_init(&a, 256);
  for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
    html_text(b, lq_arena_strndup(&a, s, (size_t)(nl - s)));
    lq_buf_puts(b, "<br>");
  }
  html_text(b, s);
  lq_arena_free(&a);
}

static const char html_style[] =
    "body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#222;max-width:64rem;"
    "margin:2rem auto;padding:0 1rem}\n"
    "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:2rem 0 .3rem;border-bottom:1px solid #ddd}\n"
    "p.summary{margin:.2rem 0;color:#444}p.note,p.foot{color:#666;font-size:.85rem;margin:.2rem 0}\n"
    "code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}\n"
    "table{border-collapse:collapse;margin:.4rem 0;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:right}th{border-bottom:2px solid #ccc}\n"
    "th.l,td.l{text-align:left}tr.total td{font-style:italic;color:#555}tr.wrong td{color:#b03a2e;font-weight:600}\n"
    "tr.leak td{color:#975a16;font-weight:600}\n"
    "svg{display:block;max-width:100%;height:auto;margin:.5rem 0}svg text{font:12px system-ui,sans-serif;fill:#333}\n"
    "svg .leads{fill:#9ec5e8}svg .won{fill:#2b6cb0}svg .agree{fill:#2f855a}svg .wrong{fill:#c53030}"
    "svg .weak{fill:#a0aec0}svg .axis{stroke:#888;stroke-width:1}svg .grid{stroke:#e2e2e2;stroke-width:1}"
    "svg .avg{stroke:#c05621;stroke-width:1.5;stroke-dasharray:5 4}\n"
    "@media print{body{margin:0}h2{break-after:avoid}svg,table{break-inside:avoid}}\n";

/* The funnel: all leads, then each stage's reached leads; the dark part has the outcome. */
static void svg_funnel(lq_buf *b, const lq_report *R, lq_arena *a) {
  const lq_program *p = R->p;
  int n = p->nstages + 1, rowh = 34, left = 150, barw = 300, h = n * rowh + 10;
  lq_buf_printf(b, "<svg data-chart=\"funnel\" viewBox=\"0 0 760 %d\" width=\"760\" height=\"%d\" role=\"img\" "
           "aria-label=\"stage funnel\">\n", h, h);
  double total = (double)R->total.leads;
  for (int i = 0; i < n; i++) {
    lq_tally t = i == 0 ? R->total : lq_report_reached(R, i - 1);
    double y = 5 + i * rowh, w = total > 0 ? barw * (double)t.leads / total : 0,
           wo = total > 0 ? barw * (double)t.outcomes / total : 0;
    lq_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left - 8, y + 19);
    html_text(b, i == 0 ? "all leads" : p->stages[i - 1].name);
    lq_buf_puts(b, "</text>");
    if (t.leads)
      lq_buf_printf(b, "<rect class=\"leads\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"24\"><title>%s leads</title></rect>",
            left, y + 4, w < 1 ? 1 : w, count(a, t.leads));
    if (t.outcomes)
      lq_buf_printf(b, "<rect class=\"won\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"24\"><title>%s with the outcome</title></rect>",
            left, y + 4, wo < 1 ? 1 : wo, count(a, t.outcomes));
    lq_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s lead%s, %s with the outcome (%s)</text>\n", left + w + 8, y + 19,
          count(a, t.leads), t.leads == 1 ? "" : "s", count(a, t.outcomes), pct(a, lq_tally_rate(t)));
  }
  lq_buf_puts(b, "</svg>\n");
}

/* Estimated width in pixels of text in the chart's font at size px: wide
 * enough for digits and capitals, so labels judged apart do not touch. */
static double text_px(const char *s, double px) { return 0.62 * px * width(s); }

/* The conversion curve: one bar per score band, its height the outcome rate.
 * Band labels that fit their slot sit level under it, with the leads below;
 * longer ones (decimals, many bands) are turned 45 degrees, as many as fit
 * without touching (every 2nd, 3rd... band), and the chart grows to hold
 * them. The rate over a bar is shown when it fits too. Every bar's tooltip
 * has its band, rate and leads. */
static void svg_bands(lq_buf *b, const lq_report *R, model *m) {
  lq_arena *a = &m->a;
  const lq_band *bands = m->v->bands;
  int n = m->v->nbands;
  int left = 50, top = 20, plot_h = 200, plot_w = 620;
  double slot = n ? (double)plot_w / n : plot_w;
  double label_w = 0, rate_w = text_px("100.0%", 12);
  for (int i = 0; i < n; i++) {
    double w = text_px(band_name(m, &bands[i]), 10), wl = text_px(lq_arena_printf(a, "%s leads", count(a, bands[i].t.leads)), 10);
    if (w > label_w) label_w = w;
    if (wl > label_w) label_w = wl;
  }
  bool turned = label_w + 4 > slot;
  /* Turned labels stand 45 degrees apart: a 10px line needs about 15px across. */
  int step = turned ? (int)ceil(15 / slot) : 1, rate_step = (int)ceil((rate_w + 4) / slot);
  int below = turned ? (int)ceil(label_w * 0.7072) + 24 : 40;
  int H = top + plot_h + below + 10;
  double max = lq_tally_rate(R->total);
  for (int i = 0; i < n; i++)
    if (lq_tally_rate(bands[i].t) > max) max = lq_tally_rate(bands[i].t);
  if (!(max > 0)) max = 1;
  lq_buf_printf(b, "<svg data-chart=\"bands\" viewBox=\"0 0 760 %d\" width=\"760\" height=\"%d\" role=\"img\" "
           "aria-label=\"conversion by score band\">\n", H, H);
  for (int g = 0; g <= 4; g++) {
    double y = top + plot_h - plot_h * g / 4.0;
    lq_buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", left, y, left + plot_w, y);
    lq_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, y + 4, pct(a, max * g / 4.0));
  }
  lq_buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left, top + plot_h, left + plot_w,
        top + plot_h);
  for (int i = 0; i < n; i++) {
    double rate = lq_tally_rate(bands[i].t), hh = isnan(rate) ? 0 : plot_h * rate / max;
    double x = left + i * slot + slot * 0.15, w = slot * 0.7, y = top + plot_h - hh, cx = x + w / 2;
    const char *name = band_name(m, &bands[i]);
    if (hh > 0) {
      lq_buf_printf(b, "<rect class=\"won\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", x, y, w, hh);
      html_text(b, name);
      lq_buf_printf(b, ": %s of %s leads</title></rect>", pct(a, rate), count(a, bands[i].t.leads));
    }
    if (i % rate_step == 0)
      lq_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", cx, y - 4, pct(a, rate));
    if (i % step) {
      lq_buf_putc(b, '\n');
      continue;
    }
    if (turned) {
      double ty = top + plot_h + 12;
      lq_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-45 %.1f %.1f)\">",
                    cx, ty, cx, ty);
      html_text(b, name);
      lq_buf_puts(b, "</text>\n");
      continue;
    }
    lq_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">", cx, top + plot_h + 16);
    html_text(b, name);
    lq_buf_printf(b, "</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s lead%s</text>\n", cx,
          top + plot_h + 30, count(a, bands[i].t.leads), bands[i].t.leads == 1 ? "" : "s");
  }
  double avg = lq_tally_rate(R->total);
  if (!isnan(avg)) {
    double y = top + plot_h - plot_h * avg / max;
    lq_buf_printf(b, "<line class=\"avg\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", left, y, left + plot_w, y);
    lq_buf_printf(b, "<text x=\"%d\" y=\"%.1f\">all leads</text><text x=\"%d\" y=\"%.1f\">%s</text>\n", left + plot_w + 6,
          y - 2, left + plot_w + 6, y + 12, pct(a, avg));
  }
  lq_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">total score%s</text>\n", left + plot_w / 2, H - 4,
                step > 1 ? lq_arena_printf(a, " (every %s band labelled; each bar's tooltip names its band)",
                                           step == 2 ? "2nd" : step == 3 ? "3rd" : lq_arena_printf(a, "%dth", step))
                         : turned ? " (leads per band: each bar's tooltip)" : "");
  lq_buf_puts(b, "</svg>\n");
}

/* Lift per rule on a log scale around 1: right of the line converts better. */
static void svg_lift(lq_buf *b, const lq_report *R, model *m) {
  lq_arena *a = &m->a;
  int nk = m->v->nrules, shown = 0;
  for (int k = 0; k < nk; k++) shown += !isnan(m->v->rules[k].lift);
  int rowh = 24, left = 230, half = 200, mid = left + 45 + half, top = 24, H = top + shown * rowh + 10;
  lq_buf_printf(b, "<svg data-chart=\"lift\" viewBox=\"0 0 760 %d\" width=\"760\" height=\"%d\" role=\"img\" "
           "aria-label=\"rule lift\">\n", H, H);
  static const double ticks[] = {0.125, 0.25, 0.5, 1, 2, 4, 8};
  for (int i = 0; i < 7; i++) {
    double x = mid + half * log2(ticks[i]) / 3;
    lq_buf_printf(b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", ticks[i] == 1 ? "axis" : "grid", x,
          top - 4, x, top + shown * rowh);
    lq_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s&#215;</text>\n", x, top - 8, num(a, ticks[i]));
  }
  int row_i = 0;
  for (int k = 0; k < nk; k++) {
    const lq_rule_stat st = m->v->rules[k];
    if (isnan(st.lift)) continue;
    double l = log2(st.lift) / 3;
    if (l > 1) l = 1;
    if (l < -1) l = -1;
    double y = top + row_i++ * rowh, x0 = mid, x1 = mid + half * l, w = fabs(x1 - x0);
    bool agree = st.group ? (st.points > 0) == (st.lift > 1) && st.points != 0 : st.lift < 1;
    const char *cls = st.wrong_way ? "wrong" : st.fired.leads < (uint64_t)R->o.min_count ||
                                                       st.not_fired.leads < (uint64_t)R->o.min_count
                                                   ? "weak"
                                               : agree ? "agree" : "weak";
    lq_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left - 8, y + 16);
    html_text(b, short_text(a, rule_name(m, &st)));
    lq_buf_puts(b, "</text>");
    lq_buf_printf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\"><title>", cls, x1 < x0 ? x1 : x0,
          y + 4, w < 1.5 ? 1.5 : w);
    html_text(b, rule_name(m, &st));
    lq_buf_printf(b, ": lift %s, fired on %s leads%s</title></rect>", lift_text(a, st.lift), count(a, st.fired.leads),
          st.wrong_way ? " (wrong way)" : "");
    lq_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s%s</text>\n", x1 < x0 ? x1 - 4 : x1 + 4, y + 16,
          x1 < x0 ? "end" : "start", lift_text(a, st.lift), st.wrong_way ? " wrong way" : "");
  }
  lq_buf_puts(b, "</svg>\n");
}

static void html_table(lq_buf *b, const table *t) {
  lq_buf_puts(b, "<h2>");
  html_text(b, t->title);
  lq_buf_puts(b, "</h2>\n");
  if (t->note) {
    lq_buf_puts(b, "<p class=\"note\">");
    html_lines(b, t->note);
    lq_buf_puts(b, "</p>\n");
  }
  lq_buf_puts(b, "<table>\n<tr>");
  for (int c = 0; c < t->ncols; c++) {
    if (c == t->text_only || c == t->csv_only) continue;
    lq_buf_printf(b, "<th class=\"%c\">", t->align[c]);
    html_text(b, t->head[c]);
    lq_buf_puts(b, "</th>");
  }
  lq_buf_puts(b, "</tr>\n");
  for (int r = 0; r < t->nrows; r++) {
    lq_buf_puts(b, t->flags[r] == ROW_WRONG   ? "<tr class=\"wrong\">"
                   : t->flags[r] == ROW_LEAK  ? "<tr class=\"leak\">"
                   : t->flags[r] == ROW_TOTAL ? "<tr class=\"total\">"
                                              : "<tr>");
    for (int c = 0; c < t->ncols; c++) {
      if (c == t->text_only || c == t->csv_only) continue;
      lq_buf_printf(b, "<td class=\"%c\">", t->align[c]);
      html_text(b, t->cells[r * t->ncols + c]);
      lq_buf_puts(b, "</td>");
    }
    lq_buf_puts(b, "</tr>\n");
  }
  lq_buf_puts(b, "</table>\n");
  if (t->foot) {
    lq_buf_puts(b, "<p class=\"foot\">");
    html_lines(b, t->foot);
    lq_buf_puts(b, "</p>\n");
  }
}

static void html_body(lq_buf *b, const lq_report *R, model *m, const void *arg) {
  (void)arg;
  const lq_program *p = R->p;
  lq_arena *a = &m->a;
  const char *title = lq_arena_printf(a, "leadq report: %s%s%s", ruleset_name(p), p->version ? " " : "",
                               p->version ? p->version : "");
  lq_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  html_text(b, title);
  lq_buf_puts(b, "</title>\n<style>\n");
  lq_buf_puts(b, html_style);
  lq_buf_puts(b, "</style>\n</head>\n<body>\n<h1>");
  html_text(b, title);
  lq_buf_puts(b, "</h1>\n<p class=\"summary\">");
  if (R->o.rules_path) {
    lq_buf_puts(b, "rules <code>");
    html_text(b, R->o.rules_path);
    lq_buf_puts(b, "</code>; ");
  }
  lq_buf_puts(b, "outcome <code>");
  html_text(b, R->o.outcome ? R->o.outcome : "");
  lq_buf_puts(b, "</code></p>\n<p class=\"summary\">");
  if (!R->total.leads) lq_buf_puts(b, "No leads: nothing to report.");
  else
    lq_buf_printf(b, "%s lead%s; %s with the outcome (%s).", count(a, R->total.leads), R->total.leads == 1 ? "" : "s",
          count(a, R->total.outcomes), pct(a, lq_tally_rate(R->total)));
  if (R->bad) lq_buf_printf(b, " %s bad line%s not counted.", count(a, R->bad), R->bad == 1 ? "" : "s");
  lq_buf_puts(b, "</p>\n");
  if (R->total.leads) {
    lq_buf_puts(b, "<h2>Stage funnel</h2>\n<p class=\"note\">leads that reached each stage (its condition held, "
                   "not rejected); the dark part had the outcome</p>\n");
    svg_funnel(b, R, a);
    lq_buf_puts(b, "<h2>Conversion by score band</h2>\n");
    svg_bands(b, R, m);
    lq_buf_puts(b, "<h2>Rule lift</h2>\n");
    lq_buf_puts(b, "<p class=\"note\">the outcome rate when the rule fired / when it did not, on a log scale; "
                   "green: agrees with its points, red: wrong way, grey: too few leads or no direction</p>\n");
    svg_lift(b, R, m);
  }
  for (const table *t = m->first; t; t = t->next) html_table(b, t);
  lq_buf_puts(b, "</body>\n</html>\n");
}

void lq_report_html(lq_buf *b, const lq_report *R) {
  render(b, R, html_body, NULL);
}
