/* helpers.h: shared helpers for the Criterion unit tests (static inline only).
 *
 * Two families:
 *  - lqt: a compiled program plus an evaluator, for running whole rule sets
 *    against JSON leads and reading the decision by name;
 *  - ex_*: one expression evaluated against one lead, self-contained
 *    (compile, evaluate, free), for operator and function tests.
 */
#ifndef LQ_TEST_HELPERS_H
#define LQ_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"
#include "eval.h"
#include "feed.h"
#include "json.h"
#include "output.h"
#include "value.h"

/* An fd reading the bytes s[0..n), as a file would give them (for lq_feed_open). */
static inline int t_fd_of(const void *s, size_t n) {
  FILE *fp = tmpfile();
  cr_assert(fp);
  cr_assert_eq(fwrite(s, 1, n, fp), n);
  fflush(fp);
  int fd = dup(fileno(fp));
  fclose(fp);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

/* A lead parsed, and a record decoded, with the reason in a text buffer, as
 * the tests show it (the library fills an lq_error). */
static inline void t_why(char *why, size_t whylen, const lq_error *e) {
  size_t n = strlen(e->msg);
  if (n >= whylen) n = whylen - 1;
  memcpy(why, e->msg, n);
  why[n] = '\0';
}

static inline cJSON *t_parse_lead(lq_arena *a, const char *s, size_t n, char *why, size_t whylen) {
  lq_error e;
  lq_error_clear(&e);
  cJSON *j = lq_json_parse_lead(a, s, n, &e);
  t_why(why, whylen, &e);
  return j;
}

static inline cJSON *t_feed_decode(const lq_feed_schema *schema, lq_arena *a, const char *raw, size_t len, char *why,
                                   size_t whylen, bool *ignored) {
  lq_error e;
  lq_error_clear(&e);
  cJSON *j = lq_feed_decode(schema, a, raw, len, &e, ignored);
  t_why(why, whylen, &e);
  return j;
}

/* 2026-11-22T00:00:00Z: the contract's test date. */
#define T_NOW 1795305600.0

static inline double t_time(const char *s) {
  double t = 0;
  cr_assert(lq_time_parse(s, strlen(s), &t), "'%s' should parse as a time", s);
  return t;
}

/* ---- compiling ---- */

/* Compiles text into p; diags in *d (caller frees both). */
static inline lq_program *t_compile(const char *text, lq_diags *d) {
  lq_diags_init(d);
  return lq_compile_text("t.lq", text, strlen(text), d);
}

/* Index of the first diagnostic whose message contains needle, or -1. */
static inline int t_diag_find(const lq_diags *d, const char *needle) {
  for (size_t i = 0; i < d->n; i++)
    if (strstr(d->items[i].message, needle)) return (int)i;
  return -1;
}

/* Line and column of diagnostic i. */
static inline void t_diag_pos(const lq_program *p, const lq_diags *d, int i, int *line, int *col) {
  lq_sources_position(&p->sources, d->items[i].span.file, d->items[i].span.begin, line, col);
}

/* All messages joined, for assertion failure output. */
static inline const char *t_diag_all(const lq_diags *d, char *buf, size_t size) {
  size_t w = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < d->n && w + 1 < size; i++)
    w += (size_t)snprintf(buf + w, size - w, "[%s] ", d->items[i].message);
  return buf;
}

/* Compiles and returns the number of errors; fills a report of the messages. */
static inline size_t t_errors(const char *text) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  size_t n = d.errors;
  lq_program_free(p);
  lq_diags_free(&d);
  return n;
}

/* Asserts that text compiles with an error whose message contains needle, at
 * line:col (col 0: not checked). */
static inline void t_expect_error(const char *text, const char *needle, int line, int col) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[4096];
  int i = t_diag_find(&d, needle);
  cr_assert(d.errors > 0, "expected an error for:\n%s", text);
  cr_assert(i >= 0, "no diagnostic contains \"%s\"; got %s", needle, t_diag_all(&d, all, sizeof all));
  cr_assert_eq(d.items[i].severity, LQ_ERROR, "\"%s\" should be an error", d.items[i].message);
  if (line > 0) {
    int l, c;
    t_diag_pos(p, &d, i, &l, &c);
    cr_assert_eq(l, line, "\"%s\" at line %d, expected %d", d.items[i].message, l, line);
    if (col > 0) cr_assert_eq(c, col, "\"%s\" at col %d, expected %d", d.items[i].message, c, col);
  }
  lq_program_free(p);
  lq_diags_free(&d);
}

/* Asserts that text compiles without errors. */
static inline void t_expect_clean(const char *text) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "unexpected errors: %s\nin:\n%s", t_diag_all(&d, all, sizeof all), text);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* Ids as lq_id_read gives them (pointers to a temporary, for a call's argument):
 * text, a number's text as written, or none (the lead's line). */
#define T_ID_TEXT(TEXT, LINE) (&(lq_id){.kind = LQ_ID_TEXT, .s = (TEXT), .n = (uint32_t)strlen(TEXT), .line = (LINE)})
#define T_ID_NUMBER(TEXT, LINE) (&(lq_id){.kind = LQ_ID_NUMBER, .s = (TEXT), .n = (uint32_t)strlen(TEXT), .line = (LINE)})
#define T_ID_LINE(LINE) (&(lq_id){.kind = LQ_ID_LINE, .line = (LINE)})

/* ---- running rule sets ---- */

typedef struct lqt {
  lq_program *p;
  lq_eval *E;
  const lq_result *r;
  char why[160];
} lqt;

static inline lqt *lqt_new_at(const char *rules, double now) {
  lqt *t = calloc(1, sizeof *t);
  cr_assert(t);
  lq_diags d;
  t->p = t_compile(rules, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "rules should compile: %s\n%s", t_diag_all(&d, all, sizeof all), rules);
  lq_diags_free(&d);
  t->E = lq_eval_new(t->p, now);
  return t;
}

static inline lqt *lqt_new(const char *rules) { return lqt_new_at(rules, T_NOW); }

/* Evaluates one lead (JSON text); the result stays valid until the next call. */
static inline const lq_result *lqt_run(lqt *t, const char *lead) {
  lq_eval_reset(t->E);
  cJSON *j = t_parse_lead(lq_eval_scratch(t->E), lead, strlen(lead), t->why, sizeof t->why);
  cr_assert(j, "lead should parse: %s (%s)", t->why, lead);
  t->r = lq_eval_lead(t->E, j);
  return t->r;
}

static inline void lqt_free(lqt *t) {
  if (!t) return;
  lq_eval_free(t->E);
  lq_program_free(t->p);
  free(t);
}

static inline int lqt_group_index(const lqt *t, const char *name) {
  for (int i = 0; i < t->p->ngroups; i++)
    if (!strcmp(t->p->groups[i].name, name)) return i;
  cr_assert_fail("no score group '%s'", name);
  return -1;
}

static inline int lqt_grade_index(const lqt *t, const char *name) {
  for (int i = 0; i < t->p->ngrades; i++)
    if (!strcmp(t->p->grades[i].name, name)) return i;
  cr_assert_fail("no grade '%s'", name);
  return -1;
}

static inline int lqt_cond_index(const lq_cond_decl *d, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(d[i].name, name)) return i;
  cr_assert_fail("no declaration '%s'", name);
  return -1;
}

static inline int lqt_rule_index(const lqt *t, const char *label) {
  for (int i = 0; i < t->p->nrules; i++)
    if (!strcmp(t->p->rules[i].label, label)) return i;
  cr_assert_fail("no points rule '%s'", label);
  return -1;
}

/* A group's value after cap and decay. */
static inline double lqt_score(const lqt *t, const char *group) {
  return t->r->scores[lqt_group_index(t, group)];
}
/* A group's raw sum before cap and decay. */
static inline double lqt_raw(const lqt *t, const char *group) {
  return t->r->raw[lqt_group_index(t, group)];
}
/* A rule's points, or NAN when it did not fire. */
static inline double lqt_points(const lqt *t, const char *label) {
  return t->r->points[lqt_rule_index(t, label)];
}
static inline bool lqt_fired(const lqt *t, const char *label) { return !isnan(lqt_points(t, label)); }
/* A grade's label, or NULL. */
static inline const char *lqt_grade(const lqt *t, const char *grade) {
  int g = lqt_grade_index(t, grade), a = t->r->grades[g];
  return a < 0 ? NULL : t->p->grades[g].arms[a].label;
}
static inline const char *lqt_stage(const lqt *t) {
  return t->r->stage < 0 ? NULL : t->p->stages[t->r->stage].name;
}
static inline bool lqt_reached(const lqt *t, const char *stage) {
  return t->r->stages[lqt_cond_index(t->p->stages, t->p->nstages, stage)];
}
static inline const char *lqt_route(const lqt *t) {
  return t->r->route < 0 ? NULL : t->p->routes[t->r->route].name;
}
static inline const char *lqt_rejected(const lqt *t) {
  return t->r->rejected < 0 ? NULL : t->p->rejects[t->r->rejected].name;
}
static inline bool lqt_reject_fired(const lqt *t, const char *reason) {
  return t->r->rejects[lqt_cond_index(t->p->rejects, t->p->nrejects, reason)];
}

/* NULL-safe string equality for decisions. */
#define assert_name(got, want)                                                   \
  do {                                                                           \
    const char *g_ = (got), *w_ = (want);                                        \
    if (!w_) cr_assert_null(g_, "expected none, got '%s'", g_ ? g_ : "");        \
    else {                                                                       \
      cr_assert_not_null(g_, "expected '%s', got none", w_);                     \
      cr_assert_str_eq(g_, w_);                                                  \
    }                                                                            \
  } while (0)

#define assert_num(got, want) cr_assert_float_eq((double)(got), (double)(want), 1e-9)

/* ---- one expression against one lead ---- */

/* Evaluates EXPR (after the declarations decls, which may be "") against the
 * lead, with now fixed, and hands the value to fn. Everything is freed after. */
typedef struct ex_out {
  int kind;
  bool truthy;
  double num;
  char text[512];
  uint32_t n;       /* text bytes or list items */
} ex_out;

static inline ex_out ex_eval_at(const char *decls, const char *expr, const char *lead, double now) {
  size_t len = strlen(decls) + strlen(expr) + 64;
  char *src = malloc(len);
  cr_assert(src);
  snprintf(src, len, "%s\ndefine zz_value = %s\n", decls, expr);
  lqt *t = lqt_new_at(src, now);
  free(src);
  lqt_run(t, lead);
  lq_value v = lq_eval_expr(t->E, t->p->defines[t->p->ndefines - 1].expr, LQ_NOVALUE);
  ex_out o = {.kind = v.kind, .truthy = lq_truthy(v)};
  if (v.kind == LQ_V_NUM) o.num = v.num;
  if (v.kind == LQ_V_STR) {
    cr_assert(v.n < sizeof o.text);
    memcpy(o.text, v.str, v.n);
    o.text[v.n] = '\0';
    o.n = v.n;
  }
  if (v.kind == LQ_V_LIST) o.n = v.n;
  lqt_free(t);
  return o;
}

static inline ex_out ex_eval(const char *expr, const char *lead) { return ex_eval_at("", expr, lead, T_NOW); }

/* True when the condition holds (is JSON true) for the lead. */
static inline bool ex_holds(const char *cond, const char *lead) { return ex_eval(cond, lead).truthy; }
static inline bool ex_holds_with(const char *decls, const char *cond, const char *lead) {
  return ex_eval_at(decls, cond, lead, T_NOW).truthy;
}
static inline bool ex_missing(const char *expr, const char *lead) {
  return ex_eval(expr, lead).kind == LQ_V_MISSING;
}

#define assert_holds(cond, lead) cr_assert(ex_holds(cond, lead), "expected `%s` to hold for %s", cond, lead)
#define assert_fails(cond, lead) cr_assert(!ex_holds(cond, lead), "expected `%s` not to hold for %s", cond, lead)

#define assert_ex_num(expr, lead, want)                                              \
  do {                                                                               \
    ex_out o_ = ex_eval(expr, lead);                                                 \
    cr_assert_eq(o_.kind, LQ_V_NUM, "`%s` should be a number (kind %d)", expr, o_.kind); \
    cr_assert_float_eq(o_.num, (double)(want), 1e-9, "`%s` = %.17g, expected %.17g", expr, o_.num, (double)(want)); \
  } while (0)

#define assert_ex_text(expr, lead, want)                                             \
  do {                                                                               \
    ex_out o_ = ex_eval(expr, lead);                                                 \
    cr_assert_eq(o_.kind, LQ_V_STR, "`%s` should be text (kind %d)", expr, o_.kind); \
    cr_assert_str_eq(o_.text, (want), "`%s`", expr);                                 \
  } while (0)

#define assert_ex_missing(expr, lead)                                                \
  cr_assert(ex_missing(expr, lead), "`%s` should be missing for %s", expr, lead)

/* The contract's whole rules file (shared/design/language.md), exactly. */
#define ACME_RULES \
  "# rules/acme.lq: the qualified-lead agreement between Acme Sales and Acme Marketing\n" \
  "ruleset \"acme\" version \"2026.4\"\n" \
  "\n" \
  "team sales     \"Mandy Ortiz <mandy@acme.example>\"\n" \
  "team marketing \"Jack Higgs <jack@acme.example>\"\n" \
  "\n" \
  "list free_email  = [\"gmail.com\", \"yahoo.com\", \"hotmail.com\", \"outlook.com\"]\n" \
  "list competitors = [\"rivalco.com\", \"copycat.io\"]\n" \
  "\n" \
  "# The shared vocabulary: named conditions both sides agree on\n" \
  "define work_email     = email is present and domain(email) not in free_email\n" \
  "define enterprise     = company.employees >= 1000\n" \
  "define decision_maker = title contains any [\"vp\", \"chief\", \"director\", \"head of\"]\n" \
  "\n" \
  "score fit by marketing {\n" \
  "  up to 60\n" \
  "  +20 \"enterprise size\"     when enterprise\n" \
  "  +10 \"mid-market\"          when company.employees between 200 and 999\n" \
  "  +15 \"target industry\"     when company.industry in [\"energy\", \"manufacturing\", \"utilities\"]\n" \
  "  +10 \"decision maker\"      when decision_maker\n" \
  "  -30 \"free email provider\" when not work_email\n" \
  "}\n" \
  "\n" \
  "score engagement by marketing {\n" \
  "  up to 60\n" \
  "  decay 25% every 30 days since latest(events.at)\n" \
  "  +2  \"page view\"          per events where type == \"page_view\" up to 20\n" \
  "  +5  \"email click\"        per events where type == \"email_click\" up to 15\n" \
  "  +25 \"asked for a demo\"   when any(events where type == \"demo_request\")\n" \
  "  +10 \"attended a webinar\" when any(events where type == \"webinar_attended\")\n" \
  "}\n" \
  "\n" \
  "reject \"no way to contact\" by sales when email is missing and phone is missing\n" \
  "reject \"no consent\"        by marketing when consent.email == false\n" \
  "reject \"competitor\"        by sales when domain(email) in competitors\n" \
  "\n" \
  "grade priority by marketing {\n" \
  "  \"A\" when fit >= 40 and engagement >= 40\n" \
  "  \"B\" when fit >= 20\n" \
  "  \"C\" otherwise\n" \
  "}\n" \
  "\n" \
  "stage MQL by marketing when fit + engagement >= 50\n" \
  "stage SQL by sales     when MQL and budget.confirmed and timeline_months <= 6\n" \
  "\n" \
  "route \"enterprise-east\" by sales when SQL and enterprise and company.region == \"east\"\n" \
  "route \"enterprise-west\" by sales when SQL and enterprise\n" \
  "route \"inside-sales\"    by sales when SQL\n" \
  "route \"sdr\"             by sales when MQL\n" \
  "route \"nurture\"         otherwise\n" \
  "\n" \
  "test \"a big energy company asking for a demo goes to the east team\" {\n" \
  "  now \"2026-11-22\"\n" \
  "  lead {\"id\": \"t1\", \"email\": \"ana@gridco.com\", \"title\": \"VP Operations\",\n" \
  "        \"company\": {\"employees\": 5000, \"industry\": \"Energy\", \"region\": \"east\"},\n" \
  "        \"budget\": {\"confirmed\": true}, \"timeline_months\": 3,\n" \
  "        \"events\": [{\"type\": \"demo_request\", \"at\": \"2026-11-20T10:00:00Z\"}]}\n" \
  "  expect stage SQL\n" \
  "  expect route \"enterprise-east\"\n" \
  "  expect fit 45\n" \
  "  expect engagement 25\n" \
  "  expect grade priority \"B\"\n" \
  "}\n" \
  "\n" \
  "test \"a gmail address with no consent is rejected\" {\n" \
  "  lead {\"id\": \"t2\", \"email\": \"bob@gmail.com\", \"consent\": {\"email\": false}}\n" \
  "  expect rejected \"no consent\"\n" \
  "  expect route none\n" \
  "}\n" \
  "\n" \
  ""

#endif
