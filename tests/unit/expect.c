/* expect.c: test expectations, from `expect` lines (lq_expect_from_words), from
 * the "expect" object of an NDJSON case (lq_expect_from_json), and checked
 * against a decision (lq_expect_check), as docs/language.md "Tests" says. */
#include "expect.h"
#include "helpers.h"

/* The rules every expectation here is read against. */
#define XP_RULES                                      \
  "score fit {\n"                                     \
  "  +20 \"big\" when size >= 1000\n"                 \
  "  +5  \"vip\" when vip == true\n"                  \
  "}\n"                                               \
  "reject \"spam\" when spam == true\n"               \
  "reject \"junk\" when junk == true\n"               \
  "grade tier {\n"                                    \
  "  \"gold\" when fit >= 20\n"                       \
  "  \"silver\" when fit >= 5\n"                      \
  "}\n"                                               \
  "stage MQL when fit >= 20\n"                        \
  "stage SQL when MQL and budget == true\n"           \
  "route \"sales\" when SQL\n"                        \
  "route \"partner\" to partner when MQL\n"            \
  "route \"nurture\" otherwise\n"

/* The rules, compiled clean. */
static lq_program *xp_rules(void) {
  lq_diags d;
  lq_program *p = t_compile(XP_RULES, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "rules should compile: %s", t_diag_all(&d, all, sizeof all));
  lq_diags_free(&d);
  return p;
}

/* Reads one expect line (the text after `expect`) against the rules. The
 * line's syntax tree comes from a separate text holding only the test block,
 * so a line the checker refuses can still be handed to lq_expect_from_words. */
static bool xp_words(const char *line, lq_expect *x, char *why, size_t whylen) {
  lq_program *p = xp_rules();
  char src[512];
  snprintf(src, sizeof src, "test \"t\" {\n  lead {\"id\": 1}\n  expect %s\n}\n", line);
  lq_diags d;
  lq_program *tp = t_compile(src, &d);
  const lq_node *test = NULL, *ex = NULL;
  for (const lq_node *n = tp->decls; n; n = n->next)
    if (n->kind == LQ_TEST) test = n;
  cr_assert_not_null(test, "no LQ_TEST node for: %s", line);
  for (const lq_node *k = test->kids; k; k = k->next)
    if (k->kind == LQ_EXPECT) ex = k;
  cr_assert_not_null(ex, "no LQ_EXPECT node for: %s", line);
  lq_arena a;
  lq_arena_init(&a, 1024);
  why[0] = '\0';
  lq_error err;
  lq_error_clear(&err);
  bool ok = lq_expect_from_words(p, ex, &a, x, &err);
  snprintf(why, whylen, "%s", err.msg);
  /* Strings live in the arena; keep only what the tests compare. */
  static char text_copy[128];
  if (ok && x->text) {
    snprintf(text_copy, sizeof text_copy, "%s", x->text);
    x->text = text_copy;
  }
  lq_arena_free(&a);
  lq_program_free(tp);
  lq_diags_free(&d);
  lq_program_free(p);
  return ok;
}

static int xp_index(const lq_cond_decl *d, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(d[i].name, name)) return i;
  return -2;
}

/* The index of a stage, route or reject in XP_RULES. */
static int xp_stage(const char *name) {
  lq_program *p = xp_rules();
  int i = xp_index(p->stages, p->nstages, name);
  lq_program_free(p);
  return i;
}
static int xp_route(const char *name) {
  lq_program *p = xp_rules();
  int i = xp_index(p->routes, p->nroutes, name);
  lq_program_free(p);
  return i;
}
static int xp_reject(const char *name) {
  lq_program *p = xp_rules();
  int i = xp_index(p->rejects, p->nrejects, name);
  lq_program_free(p);
  return i;
}

#define xp_ok(line, x)                                                               \
  do {                                                                               \
    char why_[512];                                                                  \
    cr_assert(xp_words(line, x, why_, sizeof why_), "`expect %s` should read: %s", line, why_); \
  } while (0)

#define xp_bad(line, needle)                                                         \
  do {                                                                               \
    lq_expect x_;                                                                    \
    char why_[512];                                                                  \
    cr_assert_not(xp_words(line, &x_, why_, sizeof why_), "`expect %s` should be refused", line); \
    cr_assert(strstr(why_, needle), "`expect %s`: \"%s\" should contain \"%s\"", line, why_, needle); \
  } while (0)

/* ---- from words: each form ---- */

Test(expect_words, stage_name) {
  lq_expect x;
  xp_ok("stage SQL", &x);
  cr_assert_eq(x.kind, LQ_X_STAGE);
  cr_assert_not(x.negated);
  cr_assert_eq(x.index, xp_stage("SQL"));
  cr_assert_geq(x.index, 0);
}

Test(expect_words, stage_none) {
  lq_expect x;
  xp_ok("stage none", &x);
  cr_assert_eq(x.kind, LQ_X_STAGE);
  cr_assert_eq(x.index, -1);
}

Test(expect_words, route_name_and_none) {
  lq_expect x;
  xp_ok("route \"nurture\"", &x);
  cr_assert_eq(x.kind, LQ_X_ROUTE);
  cr_assert_eq(x.index, xp_route("nurture"));
  cr_assert_geq(x.index, 0);
  xp_ok("route none", &x);
  cr_assert_eq(x.kind, LQ_X_ROUTE);
  cr_assert_eq(x.index, -1);
}

Test(expect_words, rejected_reason_and_not_rejected) {
  lq_expect x;
  xp_ok("rejected \"junk\"", &x);
  cr_assert_eq(x.kind, LQ_X_REJECTED);
  cr_assert_not(x.negated);
  cr_assert_eq(x.index, xp_reject("junk"));
  cr_assert_eq(x.index, 1);
  xp_ok("not rejected", &x);
  cr_assert_eq(x.kind, LQ_X_REJECTED);
  cr_assert(x.negated);
}

Test(expect_words, group_and_score_numbers) {
  lq_expect x;
  xp_ok("fit 25", &x);
  cr_assert_eq(x.kind, LQ_X_GROUP);
  cr_assert_eq(x.index, 0);
  assert_num(x.num, 25);
  xp_ok("fit 18.75", &x);
  assert_num(x.num, 18.75);
  xp_ok("score 30", &x);
  cr_assert_eq(x.kind, LQ_X_SCORE);
  assert_num(x.num, 30);
}

Test(expect_words, negative_number) {
  lq_expect x;
  xp_ok("fit -30", &x);
  cr_assert_eq(x.kind, LQ_X_GROUP);
  assert_num(x.num, -30);
}

Test(expect_words, grade_label_and_none) {
  lq_expect x;
  xp_ok("grade tier \"silver\"", &x);
  cr_assert_eq(x.kind, LQ_X_GRADE);
  cr_assert_eq(x.index, 0);
  cr_assert_str_eq(x.text, "silver");
  xp_ok("grade tier none", &x);
  cr_assert_eq(x.kind, LQ_X_GRADE);
  cr_assert_null(x.text);
}

Test(expect_words, reason_and_not_reason) {
  lq_expect x;
  xp_ok("reason \"big\"", &x);
  cr_assert_eq(x.kind, LQ_X_REASON);
  cr_assert_not(x.negated);
  cr_assert_str_eq(x.text, "big");
  xp_ok("not reason \"vip\"", &x);
  cr_assert_eq(x.kind, LQ_X_REASON);
  cr_assert(x.negated);
  cr_assert_str_eq(x.text, "vip");
  /* A reject's reason is a label too. */
  xp_ok("reason \"spam\"", &x);
  cr_assert_eq(x.kind, LQ_X_REASON);
}

Test(expect_words, span_is_the_expect_line) {
  lq_expect x;
  xp_ok("stage MQL", &x);
  cr_assert_gt(x.span.end, x.span.begin);
}

Test(expect_words, owner_text_number_and_none) {
  lq_expect x;
  xp_ok("owner \"ana@acme.example\"", &x);
  cr_assert_eq(x.kind, LQ_X_OWNER);
  cr_assert_str_eq(x.text, "ana@acme.example");
  cr_assert_not(x.bare);
  xp_ok("owner 1042", &x);
  cr_assert_eq(x.kind, LQ_X_OWNER);
  cr_assert_str_eq(x.text, "1042", "a number as a decision prints it");
  cr_assert(x.bare);
  xp_ok("owner none", &x);
  cr_assert_eq(x.kind, LQ_X_OWNER);
  cr_assert_null(x.text);
}

/* ---- from words: malformed lines ---- */

Test(expect_words, unknown_names_are_refused) {
  xp_bad("stage SQLL", "there is no stage 'SQLL'");
  xp_bad("route \"east\"", "there is no route \"east\"");
  xp_bad("rejected \"spm\"", "there is no reject reason \"spm\"");
  xp_bad("reason \"bigg\"", "no rule or reject is labelled \"bigg\"");
  xp_bad("not reason \"bigg\"", "no rule or reject is labelled \"bigg\"");
  xp_bad("grade tear \"gold\"", "there is no grade 'tear'");
  xp_bad("grade tier \"bronze\"", "grade tier has no label \"bronze\"");
  xp_bad("fitt 20", "there is no score group 'fitt'");
}

Test(expect_words, wrong_shapes_list_the_forms) {
  xp_bad("stage MQL please", "expected one of: ");
  xp_bad("stage \"MQL\"", "expected one of: ");
  xp_bad("route sales", "expected one of: ");
  xp_bad("not stage MQL", "expected one of: ");
  xp_bad("not rejected \"spam\"", "expected one of: ");
  xp_bad("grade tier", "expected one of: ");
  xp_bad("score", "expected one of: ");
  xp_bad("fit \"20\"", "expected one of: ");
  xp_bad("\"fit\" 20", "expected one of: ");
  xp_bad("stage MQL please", "stage NAME, stage none, route \"NAME\", route none");
}

Test(expect_words, owner_shapes) {
  xp_bad("not owner \"ana\"", "expected one of: ");
  xp_bad("owner ana", "expected one of: ");
  xp_bad("owner", "expected one of: ");
  xp_bad("owner \"  \"", "an owner is never empty; write owner none");
  xp_bad("stage MQL please", "owner \"PERSON\", owner none");
}

Test(expect_words, owner_number_is_a_score_group_named_owner_when_there_is_one) {
  lq_diags d;
  lq_program *p = t_compile("score owner { +5 \"x\" when true }\nroute \"r\" to rep when true\n"
                            "test \"t\" {\n  lead {}\n  expect owner 5\n  expect owner \"5\"\n}\n", &d);
  cr_assert_eq(d.errors, 0);
  lq_diags_free(&d);
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_expect x;
  lq_error why;
  lq_error_clear(&why);
  const lq_node *t = p->decls;
  while (t && t->kind != LQ_TEST) t = t->next;
  cr_assert_not_null(t);
  const lq_node *e = t->kids;
  while (e->kind != LQ_EXPECT) e = e->next;
  cr_assert(lq_expect_from_words(p, e, &a, &x, &why), "%s", why.msg);
  cr_expect_eq(x.kind, LQ_X_GROUP);
  e = e->next;
  cr_assert(lq_expect_from_words(p, e, &a, &x, &why), "%s", why.msg);
  cr_expect_eq(x.kind, LQ_X_OWNER, "text is always the owner");
  lq_arena_free(&a);
  lq_program_free(p);
}

Test(expect_words, too_many_words) {
  xp_bad("grade tier \"gold\" \"silver\" x", "too many words");
}

/* `expect rejected` (rejected for any reason): the checker and the compiler
 * read expect lines by the same list of forms (tests/golden/bug-test-bare-rejected). */
Test(expect_words, bare_rejected_is_a_form) {
  t_expect_clean(XP_RULES "test \"t\" {\n  lead {\"spam\": true}\n  expect rejected\n}\n");
  lq_expect x;
  xp_ok("rejected", &x);
  cr_assert_eq(x.kind, LQ_X_REJECTED);
}

/* ---- from JSON ---- */

typedef struct xp_json {
  lq_program *p;
  lq_arena a;
  lq_expect *xs;
  int n;
  char why[512];
  bool ok;
} xp_json;

static xp_json *xp_from_json(const char *json) {
  xp_json *j = calloc(1, sizeof *j);
  cr_assert(j);
  j->p = xp_rules();
  lq_arena_init(&j->a, 1024);
  const cJSON *c = lq_json_parse(&j->a, json, strlen(json));
  cr_assert_not_null(c, "test JSON should parse: %s", json);
  lq_error err;
  lq_error_clear(&err);
  j->ok = lq_expect_from_json(j->p, c, &j->a, &j->xs, &j->n, &err);
  snprintf(j->why, sizeof j->why, "%s", err.msg);
  return j;
}

static void xp_json_free(xp_json *j) {
  lq_arena_free(&j->a);
  lq_program_free(j->p);
  free(j);
}

static void xp_json_bad(const char *json, const char *needle) {
  xp_json *j = xp_from_json(json);
  cr_assert_not(j->ok, "%s should be refused", json);
  cr_assert(strstr(j->why, needle), "%s: \"%s\" should contain \"%s\"", json, j->why, needle);
  xp_json_free(j);
}

Test(expect_json, every_key_in_order) {
  xp_json *j = xp_from_json("{\"stage\": \"SQL\", \"route\": null, \"rejected\": false, \"score\": 70,"
                            " \"scores\": {\"fit\": 45}, \"grades\": {\"tier\": \"gold\"},"
                            " \"reasons\": [\"big\", \"spam\"], \"not_reasons\": [\"vip\"]}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->n, 9);
  cr_assert_eq(j->xs[0].kind, LQ_X_STAGE);
  cr_assert_eq(j->xs[0].index, xp_index(j->p->stages, j->p->nstages, "SQL"));
  cr_assert_eq(j->xs[1].kind, LQ_X_ROUTE);
  cr_assert_eq(j->xs[1].index, -1);
  cr_assert_eq(j->xs[2].kind, LQ_X_REJECTED);
  cr_assert(j->xs[2].negated);
  cr_assert_eq(j->xs[3].kind, LQ_X_SCORE);
  assert_num(j->xs[3].num, 70);
  cr_assert_eq(j->xs[4].kind, LQ_X_GROUP);
  cr_assert_eq(j->xs[4].index, 0);
  assert_num(j->xs[4].num, 45);
  cr_assert_eq(j->xs[5].kind, LQ_X_GRADE);
  cr_assert_eq(j->xs[5].index, 0);
  cr_assert_str_eq(j->xs[5].text, "gold");
  cr_assert_eq(j->xs[6].kind, LQ_X_REASON);
  cr_assert_not(j->xs[6].negated);
  cr_assert_str_eq(j->xs[6].text, "big");
  cr_assert_str_eq(j->xs[7].text, "spam");
  cr_assert_eq(j->xs[8].kind, LQ_X_REASON);
  cr_assert(j->xs[8].negated);
  cr_assert_str_eq(j->xs[8].text, "vip");
  xp_json_free(j);
}

Test(expect_json, stage_null_route_name_rejected_reason_or_null) {
  xp_json *j = xp_from_json("{\"stage\": null, \"route\": \"sales\", \"rejected\": \"junk\"}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->n, 3);
  cr_assert_eq(j->xs[0].index, -1);
  cr_assert_eq(j->xs[1].index, xp_index(j->p->routes, j->p->nroutes, "sales"));
  cr_assert_eq(j->xs[2].kind, LQ_X_REJECTED);
  cr_assert_not(j->xs[2].negated);
  cr_assert_eq(j->xs[2].index, 1);
  xp_json_free(j);
  j = xp_from_json("{\"rejected\": null}");
  cr_assert(j->ok);
  cr_assert(j->xs[0].negated);
  xp_json_free(j);
}

Test(expect_json, grade_null_is_none) {
  xp_json *j = xp_from_json("{\"grades\": {\"tier\": null}}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->n, 1);
  cr_assert_eq(j->xs[0].kind, LQ_X_GRADE);
  cr_assert_null(j->xs[0].text);
  xp_json_free(j);
}

Test(expect_json, owner_text_number_or_null) {
  xp_json *j = xp_from_json("{\"owner\": \"ana@acme.example\", \"route\": \"partner\"}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->n, 2);
  cr_assert_eq(j->xs[0].kind, LQ_X_OWNER);
  cr_assert_str_eq(j->xs[0].text, "ana@acme.example");
  xp_json_free(j);
  j = xp_from_json("{\"owner\": 1042}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_str_eq(j->xs[0].text, "1042");
  cr_assert(j->xs[0].bare);
  xp_json_free(j);
  j = xp_from_json("{\"owner\": null}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->xs[0].kind, LQ_X_OWNER);
  cr_assert_null(j->xs[0].text);
  xp_json_free(j);
  xp_json_bad("{\"owner\": true}", "\"owner\" must be the person as text, a number, or null");
  xp_json_bad("{\"owner\": \"\"}", "\"owner\" is never empty; write null");
}

Test(expect_json, empty_object_expects_nothing) {
  xp_json *j = xp_from_json("{}");
  cr_assert(j->ok, "%s", j->why);
  cr_assert_eq(j->n, 0);
  xp_json_free(j);
}

Test(expect_json, errors) {
  xp_json_bad("[1]", "\"expect\" must be an object");
  xp_json_bad("\"SQL\"", "\"expect\" must be an object");
  xp_json_bad("{\"stag\": \"SQL\"}", "unknown expectation \"stag\"; use stage, route, owner, rejected");
  xp_json_bad("{\"stage\": \"SQLL\"}", "there is no stage \"SQLL\"");
  xp_json_bad("{\"stage\": 1}", "\"stage\" must be a name or null");
  xp_json_bad("{\"route\": \"east\"}", "there is no route \"east\"");
  xp_json_bad("{\"rejected\": \"spm\"}", "there is no reject reason \"spm\"");
  xp_json_bad("{\"rejected\": true}", "\"reject reason\" must be a name or null");
  xp_json_bad("{\"score\": \"70\"}", "\"score\" must be a number");
  xp_json_bad("{\"scores\": [45]}", "\"scores\" must be an object");
  xp_json_bad("{\"scores\": {\"fitt\": 45}}", "there is no score group 'fitt'");
  xp_json_bad("{\"scores\": {\"fit\": \"45\"}}", "scores.fit must be a number");
  xp_json_bad("{\"grades\": {\"tear\": \"gold\"}}", "there is no grade 'tear'");
  xp_json_bad("{\"grades\": {\"tier\": 1}}", "grades.tier must be a label or null");
  xp_json_bad("{\"reasons\": \"big\"}", "\"reasons\" must be a list of rule labels");
  xp_json_bad("{\"not_reasons\": \"big\"}", "\"not_reasons\" must be a list of rule labels");
  xp_json_bad("{\"reasons\": [1]}", "rule labels are text");
  xp_json_bad("{\"not_reasons\": [\"bigg\"]}", "no rule or reject is labelled \"bigg\"");
}

/* ---- checking against a decision ---- */

typedef struct xp_check {
  bool held;
  char want[128], got[128];
} xp_check;

/* Runs lead through XP_RULES and checks the expect line against it. */
static xp_check xp_run(const char *lead, const char *line) {
  lq_expect x;
  char why[512];
  cr_assert(xp_words(line, &x, why, sizeof why), "`expect %s`: %s", line, why);
  lqt *t = lqt_new(XP_RULES);
  lqt_run(t, lead);
  lq_buf want = {0}, got = {0};
  xp_check c = {0};
  c.held = lq_expect_check(t->p, t->r, &x, &want, &got);
  snprintf(c.want, sizeof c.want, "%.*s", (int)want.len, want.data ? want.data : "");
  snprintf(c.got, sizeof c.got, "%.*s", (int)got.len, got.data ? got.data : "");
  lq_buf_free(&want);
  lq_buf_free(&got);
  lqt_free(t);
  return c;
}

#define xp_holds(lead, line, w, g)                                                   \
  do {                                                                               \
    xp_check c_ = xp_run(lead, line);                                                \
    cr_assert(c_.held, "`expect %s` should hold for %s (want %s, got %s)", line, lead, c_.want, c_.got); \
    cr_assert_str_eq(c_.want, w, "`expect %s`: want", line);                         \
    cr_assert_str_eq(c_.got, g, "`expect %s`: got", line);                           \
  } while (0)

#define xp_fails(lead, line, w, g)                                                   \
  do {                                                                               \
    xp_check c_ = xp_run(lead, line);                                                \
    cr_assert_not(c_.held, "`expect %s` should fail for %s", line, lead);            \
    cr_assert_str_eq(c_.want, w, "`expect %s`: want", line);                         \
    cr_assert_str_eq(c_.got, g, "`expect %s`: got", line);                           \
  } while (0)

#define XP_SQL "{\"size\": 5000, \"budget\": true}"
#define XP_MQL "{\"size\": 5000, \"vip\": true}"
#define XP_NOTHING "{\"size\": 1}"
#define XP_BOTH_REJECTS "{\"size\": 5000, \"budget\": true, \"spam\": true, \"junk\": true}"

Test(expect_check, stage) {
  xp_holds(XP_SQL, "stage SQL", "SQL", "SQL");
  xp_fails(XP_MQL, "stage SQL", "SQL", "MQL");
  xp_holds(XP_NOTHING, "stage none", "none", "none");
  xp_fails(XP_MQL, "stage none", "none", "MQL");
  /* A rejected lead has no stage; the actual value says why. */
  xp_fails(XP_BOTH_REJECTS, "stage SQL", "SQL", "none (rejected: spam)");
  xp_holds(XP_BOTH_REJECTS, "stage none", "none", "none");
}

Test(expect_check, route) {
  xp_holds(XP_SQL, "route \"sales\"", "\"sales\"", "\"sales\"");
  xp_fails(XP_MQL, "route \"sales\"", "\"sales\"", "\"nurture\"");
  xp_fails(XP_MQL, "route none", "none", "\"nurture\"");
  xp_holds(XP_BOTH_REJECTS, "route none", "none", "none");
  xp_fails(XP_BOTH_REJECTS, "route \"nurture\"", "\"nurture\"", "none");
}

#define XP_PARTNER(who) "{\"size\": 5000, \"vip\": true, \"partner\": " who "}"

Test(expect_check, owner) {
  xp_holds(XP_PARTNER("\"ana@acme.example\""), "owner \"ana@acme.example\"", "\"ana@acme.example\"", "\"ana@acme.example\"");
  xp_fails(XP_PARTNER("\"ben@acme.example\""), "owner \"ana@acme.example\"", "\"ana@acme.example\"", "\"ben@acme.example\"");
  /* exactly, case and all, as names are */
  xp_fails(XP_PARTNER("\"Ana@acme.example\""), "owner \"ana@acme.example\"", "\"ana@acme.example\"", "\"Ana@acme.example\"");
  /* a number as a decision prints it: 1042 and "1042" are the same owner */
  xp_holds(XP_PARTNER("1042"), "owner 1042", "1042", "1042");
  xp_holds(XP_PARTNER("1042"), "owner \"1042\"", "\"1042\"", "1042");
  xp_holds(XP_PARTNER("\"1042\""), "owner 1042", "1042", "\"1042\"");
  xp_fails(XP_PARTNER("1042.5"), "owner 1042", "1042", "1042.5");
  /* no owner: the partner route is passed over for want of one, or not reached */
  xp_holds(XP_MQL, "owner none", "none", "none");
  xp_fails(XP_MQL, "owner \"ana@acme.example\"", "\"ana@acme.example\"", "none");
  xp_fails(XP_PARTNER("\"ana@acme.example\""), "owner none", "none", "\"ana@acme.example\"");
  xp_holds(XP_SQL, "owner none", "none", "none");
}

Test(expect_check, rejected_any_firing_reason) {
  xp_holds(XP_BOTH_REJECTS, "rejected \"spam\"", "\"spam\"", "\"spam\"");
  /* Not only the first: junk fired too, though spam decided. */
  xp_holds(XP_BOTH_REJECTS, "rejected \"junk\"", "\"junk\"", "\"spam\"");
  xp_fails(XP_SQL, "rejected \"junk\"", "\"junk\"", "not rejected");
  xp_fails("{\"spam\": true}", "rejected \"junk\"", "\"junk\"", "\"spam\"");
  xp_holds(XP_SQL, "not rejected", "not rejected", "not rejected");
  xp_fails(XP_BOTH_REJECTS, "not rejected", "not rejected", "\"spam\"");
}

Test(expect_check, group_and_score) {
  xp_holds(XP_MQL, "fit 25", "25", "25");
  xp_fails(XP_MQL, "fit 20", "20", "25");
  xp_holds(XP_MQL, "score 25", "25", "25");
  xp_fails(XP_NOTHING, "score 1.5", "1.5", "0");
}

Test(expect_check, numbers_match_within_a_billionth) {
  lqt *t = lqt_new("score g {\n  +(x) \"x\" when true\n}\n");
  lqt_run(t, "{\"x\": 0.30000000000000004}");
  lq_expect x = {.kind = LQ_X_GROUP, .index = 0, .num = 0.3};
  lq_buf want = {0}, got = {0};
  cr_assert(lq_expect_check(t->p, t->r, &x, &want, &got));
  x.num = 0.3001;
  cr_assert_not(lq_expect_check(t->p, t->r, &x, &want, &got));
  x.kind = LQ_X_SCORE;
  x.num = 0.3 + 1e-12;
  cr_assert(lq_expect_check(t->p, t->r, &x, &want, &got));
  lq_buf_free(&want);
  lq_buf_free(&got);
  lqt_free(t);
}

Test(expect_check, grade) {
  xp_holds(XP_MQL, "grade tier \"gold\"", "\"gold\"", "\"gold\"");
  xp_fails(XP_MQL, "grade tier \"silver\"", "\"silver\"", "\"gold\"");
  xp_holds(XP_NOTHING, "grade tier none", "none", "none");
  xp_fails(XP_NOTHING, "grade tier \"gold\"", "\"gold\"", "none");
  xp_fails(XP_MQL, "grade tier none", "none", "\"gold\"");
}

Test(expect_check, reason_and_not_reason) {
  xp_holds(XP_MQL, "reason \"vip\"", "fired", "fired");
  xp_fails(XP_SQL, "reason \"vip\"", "fired", "not fired");
  xp_holds(XP_SQL, "not reason \"vip\"", "not fired", "not fired");
  xp_fails(XP_MQL, "not reason \"vip\"", "not fired", "fired");
  /* A reject that fired is a reason too. */
  xp_holds(XP_BOTH_REJECTS, "reason \"junk\"", "fired", "fired");
  xp_fails(XP_SQL, "reason \"junk\"", "fired", "not fired");
}

Test(expect_check, names_match_exactly) {
  /* Case matters in a label: from JSON "Big" is not a label of the rules. */
  xp_json_bad("{\"reasons\": [\"Big\"]}", "no rule or reject is labelled \"Big\"");
  lq_expect x;
  char why[512];
  cr_assert_not(xp_words("route \"Sales\"", &x, why, sizeof why));
}

Test(expect_check, json_and_words_mean_the_same) {
  xp_json *j = xp_from_json("{\"stage\": \"MQL\", \"scores\": {\"fit\": 25}, \"grades\": {\"tier\": \"gold\"}}");
  cr_assert(j->ok, "%s", j->why);
  lqt *t = lqt_new(XP_RULES);
  lqt_run(t, XP_MQL);
  lq_buf want = {0}, got = {0};
  for (int i = 0; i < j->n; i++) {
    want.len = got.len = 0;
    cr_assert(lq_expect_check(t->p, t->r, &j->xs[i], &want, &got), "expectation %d", i);
  }
  lqt_run(t, XP_SQL);
  want.len = got.len = 0;
  cr_assert_not(lq_expect_check(t->p, t->r, &j->xs[0], &want, &got));
  lq_buf_putc(&want, '\0');
  lq_buf_putc(&got, '\0');
  cr_assert_str_eq(want.data, "MQL");
  cr_assert_str_eq(got.data, "SQL");
  lq_buf_free(&want);
  lq_buf_free(&got);
  lqt_free(t);
  xp_json_free(j);
}

/* The checker and the lowering read expect lines by one list of forms: every
 * form the checker's note lists is one lq_expect_parse reads. */
Test(expect_words, one_list_of_forms) {
  char forms[600];
  cr_assert_str_eq(lq_expect_forms(forms, sizeof forms),
                   "stage NAME, stage none, route \"NAME\", route none, owner \"PERSON\", owner none, rejected, "
                   "rejected \"REASON\", not rejected, reason \"LABEL\", not reason \"LABEL\", GROUP N (a score "
                   "group's points), score N (the total), grade NAME \"LABEL\", grade NAME none");
  const char *lines[] = {"stage MQL", "stage none", "route \"east\"", "route none", "owner \"ana\"", "owner none",
                         "rejected", "rejected \"spam\"", "not rejected", "reason \"x\"", "not reason \"x\"",
                         "fit 20", "score 20", "grade tier \"gold\"", "grade tier none", "owner 1042"};
  lq_expect_kind kinds[] = {LQ_X_STAGE, LQ_X_STAGE, LQ_X_ROUTE, LQ_X_ROUTE, LQ_X_OWNER, LQ_X_OWNER,
                            LQ_X_REJECTED, LQ_X_REJECTED, LQ_X_REJECTED, LQ_X_REASON, LQ_X_REASON,
                            LQ_X_GROUP, LQ_X_SCORE, LQ_X_GRADE, LQ_X_GRADE, LQ_X_OWNER};
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    char src[256];
    snprintf(src, sizeof src, "test \"t\" {\n  lead {\"id\": 1}\n  expect %s\n}\n", lines[i]);
    lq_diags d;
    lq_program *tp = t_compile(src, &d);
    const lq_node *test = tp->decls, *ex = NULL;
    while (test && test->kind != LQ_TEST) test = test->next;
    cr_assert_not_null(test);
    for (const lq_node *k = test->kids; k; k = k->next)
      if (k->kind == LQ_EXPECT) ex = k;
    lq_expect_words w;
    int n;
    cr_assert(lq_expect_parse(ex, false, &w, &n), "%s", lines[i]);
    cr_expect_eq(w.kind, kinds[i], "%s", lines[i]);
    lq_program_free(tp);
    lq_diags_free(&d);
  }
}
