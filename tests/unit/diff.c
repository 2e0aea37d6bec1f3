/* diff.c: lq_diff (src/diff.h): two versions on the same leads, matched by
 * name; counts, transition matrices, score shifts, the rules that differ, and
 * the three report forms, as `leadq help diff` describes them. */
#include "diff.h"
#include "helpers.h"

#define DF_OLD                                                   \
  "ruleset \"t\" version \"1\"\n"                                \
  "score fit {\n"                                                \
  "  +20 \"work email\" when email ends with \"@acme.com\"\n"    \
  "  +10 \"big\"        when size >= 100\n"                      \
  "  +5  \"click\"      per events up to 10\n"                   \
  "}\n"                                                          \
  "reject \"spam\" when spam == true\n"                          \
  "grade tier {\n"                                               \
  "  \"A\" when fit >= 30\n"                                     \
  "  \"B\" otherwise\n"                                          \
  "}\n"                                                          \
  "stage MQL when fit >= 30\n"                                   \
  "route \"sales\" when MQL\n"                                   \
  "route \"nurture\" otherwise\n"

static lq_program *df_compile(const char *text) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[2048];
  cr_assert_eq(d.errors, 0, "rules should compile: %s", t_diag_all(&d, all, sizeof all));
  lq_diags_free(&d);
  return p;
}

typedef struct df_case {
  lq_program *before, *after;
  lq_diff *D;
  uint64_t lineno;
} df_case;

static df_case df_new(const char *old_rules, const char *new_rules, int show) {
  df_case c = {df_compile(old_rules), df_compile(new_rules), NULL, 0};
  c.D = lq_diff_new(c.before, c.after, T_NOW, show);
  return c;
}

static bool df_lead(df_case *c, const char *id, const char *lead) {
  char why[160];
  lq_diff_reset(c->D);
  cJSON *j = t_parse_lead(lq_diff_scratch(c->D), lead, strlen(lead), why, sizeof why);
  cr_assert(j, "lead should parse: %s", why);
  ++c->lineno;
  lq_id lid = id ? *T_ID_TEXT(id, c->lineno) : *T_ID_LINE(c->lineno);
  return lq_diff_lead(c->D, j, &lid);
}

static void df_free(df_case *c) {
  lq_diff_free(c->D);
  lq_program_free(c->before);
  lq_program_free(c->after);
}

/* The report as a NUL-terminated string (caller frees). */
static char *df_write(df_case *c, lq_diff_format f) {
  lq_buf b = {0};
  lq_diff_write(&b, c->D, &(lq_diff_write_opts){f, "old.lq", "new.lq", 10, NULL});
  lq_buf_putc(&b, '\0');
  return b.data;
}

/* Replaces the first occurrence of from in s (one of four static buffers, in turn). */
static const char *df_edit(const char *s, const char *from, const char *to) {
  static char bufs[4][4096];
  static int next;
  char *out = bufs[next++ % 4];
  const char *at = strstr(s, from);
  cr_assert(at, "'%s' should be in the rules", from);
  snprintf(out, sizeof bufs[0], "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
  return out;
}

Test(diff, same_rules_change_nothing) {
  df_case c = df_new(DF_OLD, DF_OLD, 10);
  cr_expect(!df_lead(&c, "a", "{\"email\":\"x@acme.com\",\"size\":500}"));
  cr_expect(!df_lead(&c, "b", "{\"email\":\"x@gmail.com\",\"spam\":true}"));
  cr_expect(!df_lead(&c, "c", "{}"));
  lq_diff *D = c.D;
  cr_expect_eq(D->leads, 3);
  cr_expect_eq(D->changed, 0);
  cr_expect_eq(D->stage_changed + D->route_changed + D->rejection_changed + D->score_changed, 0);
  cr_expect_eq(lq_diff_stage_moves(D, "MQL", "MQL"), 1);
  cr_expect_eq(lq_diff_stage_moves(D, NULL, NULL), 2);
  cr_expect_eq(lq_diff_route_moves(D, "sales", "sales"), 1);
  cr_expect_eq(lq_diff_route_moves(D, "nurture", "nurture"), 1);
  cr_expect_eq(lq_diff_route_moves(D, NULL, NULL), 1, "the rejected lead has no route in both");
  cr_expect_eq(D->nshown, 0);
  df_free(&c);
}

Test(diff, threshold_moves_leads_between_stages) {
  df_case c = df_new(DF_OLD, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 20"), 10);
  cr_expect(df_lead(&c, "a", "{\"email\":\"x@acme.com\"}"));              /* fit 20: none -> MQL */
  cr_expect(!df_lead(&c, "b", "{\"email\":\"x@acme.com\",\"size\":500}")); /* fit 30: MQL both */
  cr_expect(!df_lead(&c, "c", "{\"size\":500}"));                         /* fit 10: none both */
  lq_diff *D = c.D;
  cr_expect_eq(D->changed, 1);
  cr_expect_eq(D->stage_changed, 1);
  cr_expect_eq(D->route_changed, 1);
  cr_expect_eq(D->score_changed, 0);
  cr_expect_eq(lq_diff_stage_moves(D, NULL, "MQL"), 1);
  cr_expect_eq(lq_diff_stage_moves(D, "MQL", "MQL"), 1);
  cr_expect_eq(lq_diff_stage_moves(D, NULL, NULL), 1);
  cr_expect_eq(lq_diff_stage_moves(D, "MQL", NULL), 0);
  cr_expect_eq(lq_diff_route_moves(D, "nurture", "sales"), 1);
  cr_expect_eq(D->nshown, 1);
  cr_expect_str_eq(D->shown[0].id_text, "a");
  cr_expect_eq(D->shown[0].stage[0], -1);
  cr_expect_eq(D->shown[0].stage[1], 0);
  cr_expect_eq(D->shown[0].nrules, 0, "a threshold is not a rule: no rule differs");
  df_free(&c);
}

Test(diff, renamed_and_added_routes_match_by_name) {
  const char *nr = df_edit(DF_OLD, "route \"sales\" when MQL", "route \"sales-dev\" when MQL\nroute \"partner\" when partner == true");
  df_case c = df_new(DF_OLD, nr, 10);
  cr_expect(df_lead(&c, "a", "{\"email\":\"x@acme.com\",\"size\":500}"));   /* sales -> sales-dev */
  cr_expect(df_lead(&c, "b", "{\"partner\":true}"));                      /* nurture -> partner */
  cr_expect(!df_lead(&c, "c", "{}"));
  lq_diff *D = c.D;
  cr_expect_eq(D->route_changed, 2);
  cr_expect_eq(D->stage_changed, 0);
  cr_expect_eq(lq_diff_route_moves(D, "sales", "sales-dev"), 1);
  cr_expect_eq(lq_diff_route_moves(D, "nurture", "partner"), 1);
  cr_expect_eq(lq_diff_route_moves(D, "nurture", "nurture"), 1);
  cr_expect_eq(lq_diff_route_moves(D, "sales", "sales"), 0, "sales is not in the new version");
  char *text = df_write(&c, LQ_DIFF_TEXT);
  cr_expect(strstr(text, "only in old: sales\n"), "%s", text);
  cr_expect(strstr(text, "only in new: sales-dev, partner\n"), "%s", text);
  free(text);
  df_free(&c);
}

Test(diff, added_reject_counts_and_names_the_reject) {
  const char *nr = df_edit(DF_OLD, "reject \"spam\" when spam == true",
                           "reject \"spam\" when spam == true\nreject \"student\" when title contains \"student\"");
  df_case c = df_new(DF_OLD, nr, 10);
  cr_expect(df_lead(&c, "s1", "{\"email\":\"x@acme.com\",\"size\":500,\"title\":\"PhD student\"}"));
  cr_expect(!df_lead(&c, "s2", "{\"spam\":true,\"title\":\"student\"}"), "rejected as spam in both");
  lq_diff *D = c.D;
  cr_expect_eq(D->rejection_changed, 1);
  cr_expect_eq(D->stage_changed, 1);
  cr_expect_eq(lq_diff_stage_moves(D, "MQL", NULL), 1);
  cr_expect_eq(lq_diff_route_moves(D, "sales", NULL), 1);
  const lq_diff_shown *L = &D->shown[0];
  cr_expect_eq(L->rejected[0], -1);
  cr_expect_str_eq(c.after->rejects[L->rejected[1]].name, "student");
  cr_assert_eq(L->nrules, 1);
  cr_expect_null(L->rules[0].group);
  cr_expect_str_eq(L->rules[0].name, "student");
  cr_expect_eq(L->rules[0].exists, 2);
  cr_expect(isnan(L->rules[0].before));
  cr_expect_eq(L->rules[0].after, 1);
  df_free(&c);
}

Test(diff, rules_that_differ_by_label_within_group) {
  const char *nr = df_edit(df_edit(DF_OLD, "+10 \"big\"        when size >= 100", "+15 \"big\" when size >= 100"),
                           "+5  \"click\"      per events up to 10", "+5 \"demo\" when demo == true");
  df_case c = df_new(DF_OLD, nr, 10);
  /* old: 20 + 10 + 5 = 35 (A, MQL); new: 20 + 15 = 35: no decision change */
  cr_expect(!df_lead(&c, "a", "{\"email\":\"x@acme.com\",\"size\":500,\"events\":[1]}"));
  /* old: 10 (B); new: 15 + 5 = 20 (B) */
  cr_expect(!df_lead(&c, "b", "{\"size\":500,\"demo\":true}"));
  /* old: 20 + 5 + 5 = 30 (A, MQL); new: 20 (B, none) */
  cr_expect(df_lead(&c, "c", "{\"email\":\"x@acme.com\",\"events\":[1,2]}"));
  lq_diff *D = c.D;
  cr_expect_eq(D->score_changed, 2);
  cr_expect_eq(D->ngrades, 1);
  cr_expect_eq(D->grade_changed[0], 1);
  cr_assert_eq(D->nshown, 1);
  const lq_diff_shown *L = &D->shown[0];
  cr_expect_str_eq(L->grade[0][0], "A");
  cr_expect_str_eq(L->grade[1][0], "B");
  cr_assert_eq(L->nrules, 1, "only the click rule differs for c");
  cr_expect_str_eq(L->rules[0].group, "fit");
  cr_expect_str_eq(L->rules[0].name, "click");
  cr_expect_eq(L->rules[0].before, 10);
  cr_expect(isnan(L->rules[0].after));
  cr_expect_eq(L->rules[0].exists, 1);
  df_free(&c);
}

Test(diff, score_shift_per_group_and_total) {
  const char *nr = df_edit(DF_OLD, "}\nreject", "}\nscore engagement {\n  +7 \"demo\" when demo == true\n}\nreject");
  df_case c = df_new(df_edit(DF_OLD, "+10 \"big\"        when size >= 100", "+12 \"big\" when size >= 100"), nr, 0);
  df_lead(&c, "a", "{\"size\":500,\"demo\":true}");   /* fit 12 -> 10, engagement - -> 7, total 12 -> 17 */
  df_lead(&c, "b", "{\"size\":500}");                 /* fit 12 -> 10, total 12 -> 10 */
  df_lead(&c, "c", "{}");                             /* nothing */
  lq_diff *D = c.D;
  cr_assert_eq(D->nshifts, 3);
  const lq_diff_shift *fit = &D->shifts[0], *eng = &D->shifts[1], *tot = &D->shifts[2];
  cr_expect_str_eq(fit->name, "fit");
  cr_expect_eq(fit->sum_old, 24);
  cr_expect_eq(fit->sum_new, 20);
  cr_expect_eq(fit->up, 0);
  cr_expect_eq(fit->down, 2);
  cr_expect_str_eq(eng->name, "engagement");
  cr_expect_eq(eng->before, -1, "engagement is only in the new version");
  cr_expect_eq(eng->sum_new, 7);
  cr_expect_eq(eng->up, 1);
  cr_expect_null(tot->name);
  cr_expect_eq(tot->sum_old, 24);
  cr_expect_eq(tot->sum_new, 27);
  cr_expect_eq(tot->up, 1);
  cr_expect_eq(tot->down, 1);
  cr_expect_eq(D->nshown, 0, "show 0 keeps no lead");
  char *json = df_write(&c, LQ_DIFF_JSON);
  cr_expect(strstr(json, "{\"group\":\"fit\",\"old_mean\":8,\"new_mean\":6.67,\"shift\":-1.33,\"up\":0,\"down\":2}"),
            "%s", json);
  cr_expect(strstr(json, "{\"group\":\"engagement\",\"old_mean\":null,\"new_mean\":2.33,\"shift\":2.33"), "%s", json);
  free(json);
  df_free(&c);
}

Test(diff, show_keeps_the_first_n_changed_leads) {
  df_case c = df_new(DF_OLD, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 5"), 2);
  df_lead(&c, "a", "{\"size\":500}");
  df_lead(&c, NULL, "{\"size\":500}");
  df_lead(&c, "c", "{\"size\":500}");
  cr_expect_eq(c.D->changed, 3);
  cr_assert_eq(c.D->nshown, 2);
  cr_expect_str_eq(c.D->shown[1].id_text, "#2", "no id: the line number");
  cr_expect_str_eq(c.D->shown[1].id_json, "2");
  char *text = df_write(&c, LQ_DIFF_TEXT);
  cr_expect(strstr(text, "first 2 of 3 changed leads\n"), "%s", text);
  free(text);
  char *md = df_write(&c, LQ_DIFF_MARKDOWN);
  cr_expect(strstr(md, "<summary>First 2 of 3 changed leads</summary>"), "%s", md);
  cr_expect(strstr(md, "| (none) | **3** | 0 |"), "%s", md);
  free(md);
  df_free(&c);
}

Test(diff, markdown_escapes_names) {
  df_case c = df_new(DF_OLD, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 5"), 1);
  df_lead(&c, "<b>|*x*", "{\"size\":500}");
  char *md = df_write(&c, LQ_DIFF_MARKDOWN);
  cr_expect(strstr(md, "- **\\<b\\>\\|\\*x\\*** (line 1)"), "%s", md);
  free(md);
  df_free(&c);
}

Test(diff, duplicate_labels_match_in_order) {
  const char *r1 = "score fit {\n  +1 \"x\" when a == 1\n  +2 \"x\" when b == 1\n}\nstage S when fit >= 2\n";
  const char *r2 = "score fit {\n  +1 \"x\" when a == 1\n  +3 \"x\" when b == 1\n}\nstage S when fit >= 2\n";
  df_case c = df_new(r1, r2, 5);
  cr_expect(!df_lead(&c, "a", "{\"b\":1}"));
  cr_expect_eq(c.D->rule_to_new[0], 0);
  cr_expect_eq(c.D->rule_to_new[1], 1);
  cr_expect_eq(c.D->score_changed, 1);
  df_free(&c);
}

/* ---- owners: who a lead goes to, as transitions old owner -> new owner ---- */

#define OW_OLD "stage MQL when x >= 1\nroute \"sales\" to a when MQL\nroute \"nurture\" otherwise\n"
#define OW_NEW "stage MQL when x >= 1\nroute \"sales\" to b when MQL\nroute \"nurture\" otherwise\n"

Test(diff, owner_changes_count_as_changes_per_pair) {
  df_case c = df_new(OW_OLD, OW_NEW, 10);
  for (int i = 0; i < 3; i++) cr_expect(df_lead(&c, "ab", "{\"x\":1,\"a\":\"ana\",\"b\":\"ben\"}"));
  cr_expect(df_lead(&c, "ac", "{\"x\":1,\"a\":\"ana\",\"b\":\"cy\"}"));
  cr_expect(!df_lead(&c, "aa", "{\"x\":1,\"a\":\"ana\",\"b\":\"ana\"}"));
  cr_expect(!df_lead(&c, "42", "{\"x\":1,\"a\":42,\"b\":\"42\"}"), "a number and its digits as text are one owner");
  cr_expect(df_lead(&c, "case", "{\"x\":1,\"a\":\"Ana\",\"b\":\"ana\"}"), "owners compare exactly, case and all");
  cr_expect(df_lead(&c, "gone", "{\"x\":1,\"a\":\"ana\"}"), "no new owner: the route is passed over");
  cr_expect(df_lead(&c, "num", "{\"x\":1,\"a\":7,\"b\":8}"));
  cr_expect(!df_lead(&c, "cold", "{\"x\":0,\"a\":\"ana\",\"b\":\"ben\"}"), "nurture has no owner in both");
  lq_diff *D = c.D;
  cr_expect(D->owners);
  cr_expect_eq(D->owner_changed, 7);
  cr_expect_eq(D->changed, 7);
  cr_expect_eq(D->route_changed, 1);
  cr_expect_eq(D->stage_changed, 0);
  cr_expect_eq(lq_diff_owner_moves(D, "ana", "ben"), 3);
  cr_expect_eq(lq_diff_owner_moves(D, "ana", "cy"), 1);
  cr_expect_eq(lq_diff_owner_moves(D, "Ana", "ana"), 1);
  cr_expect_eq(lq_diff_owner_moves(D, "ana", NULL), 1);
  cr_expect_eq(lq_diff_owner_moves(D, "7", "8"), 1);
  cr_expect_eq(lq_diff_owner_moves(D, "ana", "ana"), 0);
  cr_expect_eq(lq_diff_owner_moves(D, NULL, "ana"), 0);
  cr_expect_eq(D->nowner_moves, 5);
  cr_assert_eq(D->nshown, 7);
  cr_expect_str_eq(D->shown[0].owner[0], "ana");
  cr_expect_str_eq(D->shown[0].owner[1], "ben");
  cr_expect_null(D->shown[5].owner[1]);
  cr_expect(D->shown[6].owner_bare[0] && D->shown[6].owner_bare[1]);
  df_free(&c);
}

Test(diff, owner_transitions_top_n_and_the_rest_in_every_format) {
  df_case c = df_new(OW_OLD, OW_NEW, 10);
  for (int i = 0; i < 3; i++) df_lead(&c, "ab", "{\"x\":1,\"a\":\"ana\",\"b\":\"ben\"}");
  df_lead(&c, "ac", "{\"x\":1,\"a\":\"ana\",\"b\":\"cy\"}");
  df_lead(&c, "case", "{\"x\":1,\"a\":\"Ana\",\"b\":\"ana\"}");
  df_lead(&c, "gone", "{\"x\":1,\"a\":\"ana\"}");
  df_lead(&c, "num", "{\"x\":1,\"a\":7,\"b\":8}");
  lq_buf b = {0};
  /* most leads first, ties by old owner then new as bytes: "7" < "Ana" < "ana" */
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_TEXT, "old.lq", "new.lq", 2, NULL});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "  owner                    7\n"), "%s", b.data);
  cr_expect(strstr(b.data, "owner transitions (most leads first)\n"
                           "  ana -> ben  3 leads\n"
                           "  7   -> 8    1 lead\n"
                           "  and 3 more transitions  3 leads\n\n"), "%s", b.data);
  cr_expect(strstr(b.data, "  lead ab (line 1)\n    stage MQL\n    route \"sales\"\n    owner \"ana\" -> \"ben\"\n"), "%s", b.data);
  cr_expect(strstr(b.data, "    route \"sales\" -> \"nurture\"\n    owner \"ana\" -> none\n"), "%s", b.data);
  cr_expect(strstr(b.data, "    owner 7 -> 8\n"), "%s", b.data);
  b.len = 0;
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_JSON, "old.lq", "new.lq", 2, NULL});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "\"route_changed\":1,\"owner_changed\":7,"), "%s", b.data);
  cr_expect(strstr(b.data, "\"owners\":{\"transitions\":[{\"old\":\"ana\",\"new\":\"ben\",\"leads\":3},"
                           "{\"old\":7,\"new\":8,\"leads\":1}],\"more_transitions\":3,\"more_leads\":3}"), "%s", b.data);
  cr_expect(strstr(b.data, "\"owner\":{\"old\":\"ana\",\"new\":null}"), "%s", b.data);
  b.len = 0;
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_MARKDOWN, "old.lq", "new.lq", 0, NULL});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "| owner | 7 |\n"), "%s", b.data);
  cr_expect(strstr(b.data, "#### Owner transitions (most leads first)\n\n| old owner | new owner | leads |\n"
                           "|---|---|--:|\n| *5 transitions* | | 7 |\n"), "%s", b.data);
  cr_expect(strstr(b.data, "; owner \"ana\" \xe2\x86\x92 \"cy\";"), "%s", b.data);
  lq_buf_free(&b);
  df_free(&c);
}

Test(diff, no_owner_lines_when_neither_version_routes_to_people) {
  df_case c = df_new(DF_OLD, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 20"), 10);
  cr_expect(df_lead(&c, "a", "{\"email\":\"x@acme.com\"}"));
  cr_expect(!c.D->owners);
  char *text = df_write(&c, LQ_DIFF_TEXT);
  cr_expect_null(strstr(text, "owner"), "%s", text);
  free(text);
  char *json = df_write(&c, LQ_DIFF_JSON);
  cr_expect(strstr(json, "\"owner_changed\":0,"), "%s", json);
  cr_expect(strstr(json, "\"owners\":{\"transitions\":[],\"more_transitions\":0,\"more_leads\":0}"), "%s", json);
  free(json);
  df_free(&c);
}

Test(diff, many_owner_pairs_are_all_counted) {
  df_case c = df_new(OW_OLD, OW_NEW, 0);
  char lead[128];
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 500; i++) {
      snprintf(lead, sizeof lead, "{\"x\":1,\"a\":\"o%d\",\"b\":\"n%d\"}", i, i % 7);
      df_lead(&c, NULL, lead);
    }
  cr_expect_eq(c.D->nowner_moves, 500);
  cr_expect_eq(c.D->owner_changed, 1000);
  cr_expect_eq(lq_diff_owner_moves(c.D, "o0", "n0"), 2);
  cr_expect_eq(lq_diff_owner_moves(c.D, "o499", "n2"), 2);
  cr_expect_eq(lq_diff_owner_moves(c.D, "o499", "n3"), 0);
  df_free(&c);
}

/* The version check looks at the rules' words, not their layout. */
static bool df_version_unchanged(const char *old_rules, const char *new_rules) {
  df_case c = df_new(old_rules, new_rules, 0);
  bool r = lq_diff_version_unchanged(c.D);
  df_free(&c);
  return r;
}

Test(diff, version_unchanged_only_when_the_words_changed) {
  cr_expect(!df_version_unchanged(DF_OLD, DF_OLD));
  cr_expect(df_version_unchanged(DF_OLD, df_edit(DF_OLD, "fit >= 30\nroute", "fit >= 25\nroute")));
  /* raised: no warning */
  const char *raised = df_edit(df_edit(DF_OLD, "fit >= 30\nroute", "fit >= 25\nroute"), "version \"1\"", "version \"2\"");
  cr_expect(!df_version_unchanged(DF_OLD, raised));
  /* spaces, line breaks and comments are not a change */
  cr_expect(!df_version_unchanged(DF_OLD, df_edit(df_edit(DF_OLD, "stage MQL when fit >= 30", "stage  MQL\n  when fit>=30 # agreed"),
                                                  "score fit {", "# fit\nscore fit {")));
  /* a space that parts two words or numbers is: "10" is not "1 0" */
  cr_expect(df_version_unchanged(DF_OLD, df_edit(DF_OLD, "+10 \"big\"", "+1 \"big\" when x == 0\n  +0 \"b\"")));
  /* a space inside quotes is text */
  cr_expect(df_version_unchanged(DF_OLD, df_edit(DF_OLD, "\"@acme.com\"", "\"@acme .com\"")));
  /* a test block decides nothing */
  char tested[2048];
  snprintf(tested, sizeof tested, "%stest \"big\" {\n  lead {\"size\": 500}\n  expect stage none\n}\n", DF_OLD);
  cr_expect(!df_version_unchanged(DF_OLD, tested));
  cr_expect(df_version_unchanged(DF_OLD, df_edit(tested, "fit >= 30\nroute", "fit >= 25\nroute")));
  /* without a ruleset line there is no version to raise */
  const char *bare = df_edit(DF_OLD, "ruleset \"t\" version \"1\"\n", "");
  cr_expect(!df_version_unchanged(bare, df_edit(bare, "fit >= 30\nroute", "fit >= 25\nroute")));
}

Test(diff, outcome_judges_stages_and_moves_in_both_versions) {
  char old_rules[2048];
  snprintf(old_rules, sizeof old_rules, "%sdefine __outcome__ = won == true\n", DF_OLD);
  df_case c = df_new(old_rules, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 20"), 0);
  lq_diff_set_outcome(c.D, lq_find_define(c.before, "__outcome__"), NULL);
  df_lead(&c, "a", "{\"email\":\"a@acme.com\",\"size\":500,\"won\":true}");   /* MQL in both */
  df_lead(&c, "b", "{\"email\":\"b@acme.com\",\"won\":true}");                /* promoted, won */
  df_lead(&c, "c", "{\"email\":\"c@acme.com\",\"won\":false}");               /* promoted, lost */
  df_lead(&c, "d", "{\"email\":\"d@acme.com\",\"spam\":true,\"won\":true}");  /* rejected in both */
  df_lead(&c, "e", "{\"email\":\"e@gmail.com\"}");                            /* nothing, no outcome */
  cr_expect_eq(c.D->total.leads, 5);
  cr_expect_eq(c.D->total.outcomes, 3);
  cr_assert_eq(c.D->njudged, 1);
  cr_expect_eq(c.D->judged[0].reached[0].leads, 1);   /* a rejected lead reached nothing */
  cr_expect_eq(c.D->judged[0].reached[0].outcomes, 1);
  cr_expect_eq(c.D->judged[0].reached[1].leads, 3);
  cr_expect_eq(c.D->judged[0].reached[1].outcomes, 2);
  /* flow [old][new], states MQL, none, rejected */
  const lq_diff_tally *f = c.D->stage_flow;
  cr_expect_eq(f[1 * 3 + 0].leads, 2);   /* none -> MQL */
  cr_expect_eq(f[1 * 3 + 0].outcomes, 1);
  cr_expect_eq(f[2 * 3 + 2].leads, 1);   /* rejected -> rejected */
  lq_buf b = {0};
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_TEXT, "old.lq", "new.lq", 10, "won == true"});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "outcome: won == true\n  3 of 5 leads had it (60.0%)\n"), "%s", b.data);
  cr_expect(strstr(b.data, "  MQL     1 -> 3    1 -> 2  100.0% -> 66.7%  33.3% -> 66.7%\n"), "%s", b.data);
  cr_expect(strstr(b.data, "  (none) -> MQL      2         1   50.0%\n"), "%s", b.data);
  lq_buf_free(&b);
  df_free(&c);
}

Test(diff, counts_are_written_with_thousands_separators) {
  df_case c = df_new(DF_OLD, df_edit(DF_OLD, "stage MQL when fit >= 30", "stage MQL when fit >= 20"), 0);
  for (int i = 0; i < 1234; i++) df_lead(&c, NULL, "{\"email\":\"a@acme.com\"}");
  lq_buf b = {0};
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_TEXT, "old.lq", "new.lq", 10, NULL});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "1,234 leads, 1,234 changed (100.0%), 0 bad lines\n"), "%s", b.data);
  cr_expect(strstr(b.data, "  stage                1,234\n"), "%s", b.data);
  cr_expect(strstr(b.data, "  (none)      1,234       0\n"), "%s", b.data);
  b.len = 0;
  lq_diff_write(&b, c.D, &(lq_diff_write_opts){LQ_DIFF_JSON, "old.lq", "new.lq", 10, NULL});
  lq_buf_putc(&b, '\0');
  cr_expect(strstr(b.data, "\"leads\":1234,"), "%s", b.data);   /* JSON: plain numbers */
  lq_buf_free(&b);
  df_free(&c);
}
