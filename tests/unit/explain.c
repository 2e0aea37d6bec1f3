/* explain.c: lq_explain (text and JSON) and lq_explain_why_not, as README
 * "Authoring tools" and `leadq help explain` describe them. */
#include "explain.h"
#include "helpers.h"

#define XE_RULES                                                       \
  "team sales \"Sam\"\n"                                               \
  "define big = size >= 1000\n"                                        \
  "score fit by sales {\n"                                             \
  "  up to 30\n"                                                       \
  "  +20 \"big company\"    when big\n"                                \
  "  +15 \"vip\"            when vip == true\n"                        \
  "  -5  \"old\"            when age > 10\n"                           \
  "}\n"                                                                \
  "score engagement {\n"                                               \
  "  decay 50% every 10 days since seen\n"                             \
  "  +3 \"click\" per events where type == \"click\" up to 6\n"        \
  "  +30 \"demo\" when demo == true\n"                                 \
  "}\n"                                                                \
  "reject \"spam\" by sales when spam == true\n"                       \
  "grade tier {\n"                                                     \
  "  \"gold\" when fit >= 30\n"                                        \
  "  \"silver\" otherwise\n"                                           \
  "}\n"                                                                \
  "stage MQL when fit + engagement >= 35\n"                            \
  "stage SQL by sales when MQL and budget >= 10000\n"                  \
  "route \"sales\" when SQL\n"                                         \
  "route \"nurture\" otherwise\n"

/* The explanation of one lead, NUL-terminated, in a static buffer. */
static const char *xe_explain(const char *rules, const char *lead, bool json) {
  static char out[16384];
  lqt *t = lqt_new(rules);
  lqt_run(t, lead);
  lq_buf b = {0};
  lq_explain_opts o = {.json = json, .color = false};
  lq_explain(&b, t->E, t->r, T_ID_TEXT("x1", 7), &o);
  cr_assert_lt(b.len, sizeof out);
  memcpy(out, b.data, b.len);
  out[b.len] = '\0';
  lq_buf_free(&b);
  lqt_free(t);
  return out;
}

#define xe_has(text, needle) cr_assert(strstr(text, needle), "no \"%s\" in:\n%s", needle, text)
#define xe_lacks(text, needle) cr_assert_not(strstr(text, needle), "unexpected \"%s\" in:\n%s", needle, text)

/* Asserts a line of text (starting at a line's start) is present exactly. */
static void xe_line(const char *text, const char *want) {
  size_t n = strlen(want);
  for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
    if (!strncmp(s, want, n) && (s[n] == '\n' || s[n] == '\0')) return;
  cr_assert_fail("no line \"%s\" in:\n%s", want, text);
}

#define XE_LEAD_FULL                                                               \
  "{\"id\": \"x1\", \"size\": 5000, \"vip\": true, \"age\": 3, \"demo\": true,"    \
  " \"seen\": \"2026-11-01\", \"budget\": 5000,"                                   \
  " \"events\": [{\"type\": \"click\"}, {\"type\": \"click\"}, {\"type\": \"click\"}, {\"type\": \"view\"}]}"

Test(explain_text, decision_line_groups_cap_and_decay) {
  const char *s = xe_explain(XE_RULES, XE_LEAD_FULL, false);
  /* fit 20 + 15 = 35, capped at 30; engagement (6 + 30) halved twice = 9. */
  xe_line(s, "lead x1 (line 7): stage MQL, route \"nurture\", score 39");
  xe_line(s, "  score fit by sales: 30 (35 points, capped at 30)");
  xe_line(s, "  score engagement: 9; decayed from 36, 50% less every 10 days since \"2026-11-01\"");
  /* The text form ends with a blank line. */
  size_t n = strlen(s);
  cr_assert(n > 2 && s[n - 1] == '\n' && s[n - 2] == '\n');
}

Test(explain_text, rules_fired_not_fired_and_values) {
  const char *s = xe_explain(XE_RULES, XE_LEAD_FULL, false);
  xe_line(s, "    +20   big company               fired        big = true");
  xe_line(s, "    +15   vip                       fired        vip = true");
  xe_line(s, "    -5    old                       not fired    age = 3");
  /* A per rule shows its capped points: 3 clicks x 3 = 9, up to 6. */
  xe_line(s, "    +3    click                     +6           events = [4 items]");
  xe_line(s, "    +30   demo                      fired        demo = true");
}

Test(explain_text, no_data_when_a_field_is_missing) {
  const char *s = xe_explain(XE_RULES, "{\"size\": 10}", false);
  xe_line(s, "    +15   vip                       no data      vip = missing");
  xe_line(s, "    -5    old                       no data      age = missing");
  xe_line(s, "    +30   demo                      no data      demo = missing");
  xe_line(s, "    \"spam\" by sales                 no data      spam = missing");
  xe_line(s, "  score engagement: 0; no decay: seen is missing");
  xe_line(s, "    +3    click                     0 items      events = missing");
  xe_line(s, "  score fit by sales: 0 (up to 30)");
}

/* A part that is false on data the lead has decides an `and`: SQL is "not
 * reached" when MQL was not, however much else is missing; with MQL reached,
 * the missing budget is what is left, so SQL has "no data". */
Test(explain_text, a_false_part_decides_before_missing_data) {
  const char *s = xe_explain(XE_RULES, "{\"size\": 10}", false);
  xe_line(s, "    SQL by sales                    not reached  MQL = false, budget = missing");
  s = xe_explain(XE_RULES, "{\"size\": 5000, \"demo\": true}", false);
  xe_line(s, "    SQL by sales                    no data      MQL = true, budget = missing");
}

Test(explain_text, text_that_looks_like_a_number_is_flagged) {
  const char *s = xe_explain(XE_RULES, "{\"age\": \"30\"}", false);
  xe_line(s, "    -5    old                       not fired    age = \"30\" (text, not a number)");
}

Test(explain_text, grades_stages_routes) {
  const char *s = xe_explain(XE_RULES, XE_LEAD_FULL, false);
  xe_line(s, "  grade tier: \"gold\"");
  xe_line(s, "    \"gold\"                          chosen       fit = 30");
  xe_line(s, "    \"silver\" otherwise              not tried");
  xe_line(s, "  stages");
  xe_line(s, "    MQL                             reached      fit = 30, engagement = 9");
  xe_line(s, "    SQL by sales                    not reached  MQL = true, budget = 5000");
  xe_line(s, "  routes");
  xe_line(s, "    \"sales\"                         no match     SQL = false");
  xe_line(s, "    \"nurture\"                       chosen");
}

Test(explain_text, why_not_points_short_and_plain_short) {
  const char *s = xe_explain(XE_RULES, XE_LEAD_FULL, false);
  xe_line(s, "  why not");
  /* budget is not a score: no "points". */
  xe_line(s, "    SQL needs budget >= 10000; it has 5000: 5000 short");
  s = xe_explain(XE_RULES, "{\"size\": 5000}", false);
  xe_line(s, "    MQL needs fit + engagement >= 35; it has 20: 15 points short");
  xe_line(s, "    SQL needs MQL, which it did not reach");
  xe_line(s, "    SQL also needs budget >= 10000; budget = missing");
}

Test(explain_text, rejected_lead) {
  const char *s = xe_explain(XE_RULES, "{\"spam\": true, \"size\": 5000}", false);
  xe_line(s, "lead x1 (line 7): rejected \"spam\", score 20");
  xe_line(s, "    \"spam\" by sales                 REJECTED     spam = true");
  xe_line(s, "  routes (none: the lead is rejected)");
  xe_line(s, "    \"nurture\"                       not tried");
  xe_lacks(s, "why not");
}

Test(explain_text, no_colour_codes_without_color) {
  const char *s = xe_explain(XE_RULES, XE_LEAD_FULL, false);
  xe_lacks(s, "\033[");
}

Test(explain_text, colour_when_asked) {
  lqt *t = lqt_new(XE_RULES);
  lqt_run(t, XE_LEAD_FULL);
  lq_buf b = {0};
  lq_explain_opts o = {.json = false, .color = true};
  lq_explain(&b, t->E, t->r, T_ID_LINE(3), &o);
  lq_buf_putc(&b, '\0');
  xe_has(b.data, "\033[");
  /* Without an id the lead is named by its line. */
  xe_has(b.data, "lead #3 (line 3): ");
  lq_buf_free(&b);
  lqt_free(t);
}

Test(explain_text, a_test_lead_has_no_line) {
  lqt *t = lqt_new(XE_RULES);
  lqt_run(t, "{\"size\": 5000}");
  lq_buf b = {0};
  lq_explain_opts o = {0};
  lq_explain(&b, t->E, t->r, T_ID_LINE(0), &o);
  lq_buf_putc(&b, '\0');
  cr_assert(!strncmp(b.data, "decision: stage none, route \"nurture\", score 20\n", 48), "%s", b.data);
  lq_buf_free(&b);
  lqt_free(t);
}

/* BUG: a rule whose condition reads a missing field through a define says
 * "not fired" where the same condition written out says "no data"
 * (tests/golden/bug-explain-no-data-through-define). */
Test(explain_text, no_data_through_a_define) {
  const char *s = xe_explain(XE_RULES, "{}", false);
  xe_line(s, "    +20   big company               no data      big = false");
}

/* ---- JSON ---- */

/* Parsed with lq_json_parse, which copies the tree into xe_arena: it is freed
 * with it (xe_json_done). */
static lq_arena xe_arena;

static cJSON *xe_json(const char *lead) {
  const char *s = xe_explain(XE_RULES, lead, true);
  size_t n = strlen(s);
  cr_assert(n > 0 && s[n - 1] == '\n', "the JSON form ends with a newline");
  cr_assert_null(memchr(s, '\n', n - 1), "one line per lead");
  lq_arena_init(&xe_arena, 4096);
  cJSON *j = lq_json_parse(&xe_arena, s, n);
  cr_assert_not_null(j, "not JSON: %s", s);
  return j;
}

static void xe_json_done(cJSON *j) {
  (void)j;
  lq_arena_free(&xe_arena);
}

static const cJSON *xe_get(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  cr_assert_not_null(v, "no key \"%s\"", key);
  return v;
}

static const char *xe_str(const cJSON *o, const char *key) {
  const cJSON *v = xe_get(o, key);
  cr_assert(cJSON_IsString(v), "\"%s\" should be text", key);
  return v->valuestring;
}

Test(explain_json, top_level_keys) {
  cJSON *j = xe_json(XE_LEAD_FULL);
  const char *keys[] = {"line", "decision", "groups", "rejects", "grades", "stages", "routes"};
  const cJSON *k = j->child;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++, k = k->next) {
    cr_assert_not_null(k, "missing key %s", keys[i]);
    cr_assert_str_eq(k->string, keys[i]);
  }
  cr_assert_null(k, "extra key %s", k ? k->string : "");
  assert_num(xe_get(j, "line")->valuedouble, 7);
  const cJSON *d = xe_get(j, "decision");
  cr_assert_str_eq(xe_str(d, "id"), "x1");
  cr_assert_str_eq(xe_str(d, "stage"), "MQL");
  cr_assert_str_eq(xe_str(d, "route"), "nurture");
  assert_num(xe_get(d, "score")->valuedouble, 39);
  xe_json_done(j);
}

Test(explain_json, groups_and_rules) {
  cJSON *j = xe_json(XE_LEAD_FULL);
  const cJSON *g = xe_get(j, "groups");
  cr_assert_eq(cJSON_GetArraySize(g), 2);
  const cJSON *fit = cJSON_GetArrayItem(g, 0);
  cr_assert_str_eq(xe_str(fit, "group"), "fit");
  cr_assert_str_eq(xe_str(fit, "owner"), "sales");
  assert_num(xe_get(fit, "score")->valuedouble, 30);
  assert_num(xe_get(fit, "raw")->valuedouble, 35);
  assert_num(xe_get(fit, "cap")->valuedouble, 30);
  const cJSON *rules = xe_get(fit, "rules");
  cr_assert_eq(cJSON_GetArraySize(rules), 3);
  const cJSON *r0 = cJSON_GetArrayItem(rules, 0), *r2 = cJSON_GetArrayItem(rules, 2);
  cr_assert_str_eq(xe_str(r0, "rule"), "big company");
  cr_assert_str_eq(xe_str(r0, "outcome"), "fired");
  cr_assert_str_eq(xe_str(r0, "condition"), "big");
  cr_assert(cJSON_IsTrue(xe_get(xe_get(r0, "values"), "big")));
  assert_num(xe_get(r0, "points")->valuedouble, 20);
  cr_assert_str_eq(xe_str(r2, "outcome"), "not fired");
  cr_assert(cJSON_IsNull(xe_get(r2, "points")));
  const cJSON *eng = cJSON_GetArrayItem(g, 1);
  cr_assert(cJSON_IsNull(xe_get(eng, "cap")));
  const cJSON *click = cJSON_GetArrayItem(xe_get(eng, "rules"), 0);
  assert_num(xe_get(click, "points")->valuedouble, 6);
  assert_num(xe_get(click, "cap")->valuedouble, 6);
  xe_json_done(j);
}

Test(explain_json, rejects_grades_stages_routes) {
  cJSON *j = xe_json("{\"size\": 5000}");
  const cJSON *rej = cJSON_GetArrayItem(xe_get(j, "rejects"), 0);
  cr_assert_str_eq(xe_str(rej, "reason"), "spam");
  cr_assert_str_eq(xe_str(rej, "outcome"), "no data");
  cr_assert(cJSON_IsNull(xe_get(xe_get(rej, "values"), "spam")));
  cr_assert_str_eq(xe_str(rej, "owner"), "sales");
  const cJSON *gr = cJSON_GetArrayItem(xe_get(j, "grades"), 0);
  cr_assert_str_eq(xe_str(gr, "grade"), "tier");
  cr_assert_str_eq(xe_str(gr, "label"), "silver");
  cr_assert_eq(cJSON_GetArraySize(xe_get(gr, "arms")), 2);
  const cJSON *st = xe_get(j, "stages");
  const cJSON *mql = cJSON_GetArrayItem(st, 0), *sql = cJSON_GetArrayItem(st, 1);
  cr_assert_str_eq(xe_str(mql, "stage"), "MQL");
  const cJSON *wn = xe_get(mql, "why_not");
  cr_assert_eq(cJSON_GetArraySize(wn), 1);
  cr_assert_str_eq(cJSON_GetArrayItem(wn, 0)->valuestring,
                   "needs fit + engagement >= 35; it has 20: 15 points short");
  wn = xe_get(sql, "why_not");
  cr_assert_eq(cJSON_GetArraySize(wn), 2);
  cr_assert_str_eq(cJSON_GetArrayItem(wn, 0)->valuestring, "needs MQL, which it did not reach");
  cr_assert_str_eq(cJSON_GetArrayItem(wn, 1)->valuestring, "needs budget >= 10000; budget = missing");
  const cJSON *ro = xe_get(j, "routes");
  cr_assert_eq(cJSON_GetArraySize(ro), 2);
  cr_assert_str_eq(xe_str(cJSON_GetArrayItem(ro, 0), "outcome"), "not fired");
  cr_assert_str_eq(xe_str(cJSON_GetArrayItem(ro, 1), "route"), "nurture");
  cr_assert_str_eq(xe_str(cJSON_GetArrayItem(ro, 1), "outcome"), "fired");
  xe_json_done(j);
}

Test(explain_json, a_reached_stage_has_an_empty_why_not) {
  cJSON *j = xe_json(XE_LEAD_FULL);
  const cJSON *mql = cJSON_GetArrayItem(xe_get(j, "stages"), 0);
  cr_assert_eq(cJSON_GetArraySize(xe_get(mql, "why_not")), 0);
  xe_json_done(j);
}

/* ---- why not alone ---- */

static const char *xe_why_not(const char *rules, const char *lead, const char *indent) {
  static char out[4096];
  lqt *t = lqt_new(rules);
  lqt_run(t, lead);
  lq_buf b = {0};
  lq_explain_why_not(&b, t->E, t->r, indent);
  cr_assert_lt(b.len, sizeof out);
  if (b.len) memcpy(out, b.data, b.len);
  out[b.len] = '\0';
  lq_buf_free(&b);
  lqt_free(t);
  return out;
}

Test(explain_why_not, each_unreached_stage_with_its_indent) {
  const char *s = xe_why_not(XE_RULES, "{\"size\": 5000, \"demo\": true}", "> ");
  /* 20 + 30 = 50 reaches MQL; SQL lacks the budget. */
  cr_assert_str_eq(s, "> SQL needs budget >= 10000; budget = missing\n");
  s = xe_why_not(XE_RULES, "{}", "");
  cr_assert_str_eq(s, "MQL needs fit + engagement >= 35; it has 0: 35 points short\n"
                      "SQL needs MQL, which it did not reach\n"
                      "SQL also needs budget >= 10000; budget = missing\n");
}

Test(explain_why_not, one_point_short_is_singular) {
  const char *s = xe_why_not("score fit { +10 \"big\" when big }\nstage MQL when fit >= 11\n", "{\"big\": true}", "");
  cr_assert_str_eq(s, "MQL needs fit >= 11; it has 10: 1 point short\n");
}

Test(explain_why_not, nothing_when_every_stage_is_reached) {
  const char *s = xe_why_not(XE_RULES, "{\"size\": 5000, \"demo\": true, \"budget\": 20000}", "  ");
  cr_assert_str_eq(s, "");
}

Test(explain_why_not, upper_bounds_say_over) {
  const char *s = xe_why_not("stage MQL when months <= 6\n", "{\"months\": 9}", "");
  cr_assert_str_eq(s, "MQL needs months <= 6; it has 9: 3 over\n");
  s = xe_why_not("score fit {\n  +10 \"a\" when true\n}\nstage MQL when fit > 10\n", "{}", "");
  cr_assert_str_eq(s, "MQL needs fit > 10; it has 10: not above it\n");
}
