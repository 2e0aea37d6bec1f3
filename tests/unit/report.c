/* report.c: lq_report's counters on small hand-made leads (rates, lift, the
 * wrong-way flag, precision and recall, score bands, team attribution,
 * dispositions), its three renderings, and the HTML charts drawn by headless
 * Chromium (which make test installs: PKGS_TEST in the Makefile). */
#include <unistd.h>

#include "helpers.h"
#include "report.h"

#define RP_RULES                                                   \
  "ruleset \"t\" version \"1\"\n"                                  \
  "team sales \"S\"\n"                                             \
  "team marketing \"M\"\n"                                         \
  "score fit by marketing {\n"                                     \
  "  +20 \"big\"   when size >= 1000\n"                            \
  "  -10 \"gmail\" when gmail == true\n"                           \
  "}\n"                                                            \
  "reject \"spam\" by sales when spam == true\n"                   \
  "grade tier { \"gold\" when fit >= 20  \"silver\" otherwise }\n" \
  "stage MQL by marketing when fit >= 10\n"                        \
  "stage SQL by sales when MQL and budget == true\n"               \
  "route \"ae\" by sales when SQL\n"                               \
  "route \"nurture\" by marketing otherwise\n"

/* The total score is the lead's v. */
#define RP_SCORE_V "score s {\n  +(v) \"v\" when v is present\n}\n"

typedef struct rp {
  lqt *t;
  lq_report *R;
} rp;

static rp rp_new(const char *rules, const lq_report_opts *o) {
  rp x = {lqt_new(rules), NULL};
  lq_report_opts def = {.outcome = "won"};
  x.R = lq_report_new(x.t->p, o ? o : &def);
  return x;
}

static void rp_add_d(rp *x, const char *lead, bool outcome, lq_value disposition, const char *id) {
  lq_id lid = id ? *T_ID_TEXT(id, 1) : *T_ID_LINE(1);
  lq_report_add(x->R, lqt_run(x->t, lead), outcome, disposition, id ? &lid : NULL);
  lq_report_add_fields(x->R, x->t->E, outcome);
}
static void rp_add(rp *x, const char *lead, bool outcome) { rp_add_d(x, lead, outcome, LQ_NOVALUE, NULL); }

static void rp_free(rp *x) {
  lq_report_free(x->R);
  lqt_free(x->t);
}

static int rp_rule(const rp *x, const char *label) {
  for (int k = 0; k < lq_report_nrules(x->R); k++)
    if (!strcmp(lq_report_rule(x->R, k).label, label)) return k;
  cr_assert_fail("no rule '%s'", label);
  return -1;
}

#define assert_tally(got, l, o)                                                                          \
  do {                                                                                                   \
    lq_tally g_ = (got);                                                                                 \
    cr_assert(g_.leads == (l) && g_.outcomes == (o), "%s: %llu leads / %llu outcomes, expected %d / %d", \
              #got, (unsigned long long)g_.leads, (unsigned long long)g_.outcomes, (l), (o));            \
  } while (0)

/* Rendered output, NUL-terminated; the caller frees. */
static char *rp_render(const rp *x, char kind) {
  lq_buf b = {0};
  if (kind == 't') lq_report_text(&b, x->R, false);
  else if (kind == 'j') lq_report_json(&b, x->R);
  else if (kind == 'm') lq_report_markdown(&b, x->R);
  else if (kind == 'c') lq_report_csv(&b, x->R);
  else lq_report_html(&b, x->R);
  lq_buf_putc(&b, '\0');
  return b.data;
}

#define rp_has(text, needle) cr_assert(strstr(text, needle), "no \"%s\" in:\n%s", needle, text)

/* Ten leads: 4 big (3 won), 6 small (1 won); one small gmail lead is spam. */
static void rp_ten(rp *x) {
  rp_add(x, "{\"size\": 5000, \"budget\": true}", true);
  rp_add(x, "{\"size\": 5000, \"budget\": true}", true);
  rp_add(x, "{\"size\": 5000}", true);
  rp_add(x, "{\"size\": 5000}", false);
  rp_add(x, "{\"size\": 10}", true);
  rp_add(x, "{\"size\": 10}", false);
  rp_add(x, "{\"size\": 10}", false);
  rp_add(x, "{\"size\": 10, \"gmail\": true}", false);
  rp_add(x, "{\"size\": 10, \"gmail\": true}", false);
  rp_add(x, "{\"size\": 10, \"gmail\": true, \"spam\": true}", false);
}

Test(report, stages_routes_grades_partition_the_leads) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  assert_tally(lq_report_total(x.R), 10, 4);
  assert_tally(lq_report_ended(x.R, 0), 2, 1);    /* MQL: the two big leads without budget */
  assert_tally(lq_report_ended(x.R, 1), 2, 2);    /* SQL */
  assert_tally(lq_report_ended(x.R, -1), 5, 1);   /* no stage */
  assert_tally(lq_report_ended(x.R, -2), 1, 0);   /* rejected */
  assert_tally(lq_report_routed(x.R, 0), 2, 2);
  assert_tally(lq_report_routed(x.R, 1), 7, 2);   /* nurture: otherwise, but not the rejected lead */
  assert_tally(lq_report_routed(x.R, -1), 0, 0);
  assert_tally(lq_report_routed(x.R, -2), 1, 0);
  assert_tally(lq_report_graded(x.R, 0, 0), 4, 3);   /* gold: grades are given to rejected leads too */
  assert_tally(lq_report_graded(x.R, 0, 1), 6, 1);
  assert_tally(lq_report_graded(x.R, 0, -1), 0, 0);
  assert_num(lq_tally_rate(lq_report_ended(x.R, 0)), 0.5);
  cr_assert(isnan(lq_tally_rate(lq_report_routed(x.R, -1))), "a rate over no leads is undefined");
  rp_free(&x);
}

Test(report, lift_is_rate_fired_over_rate_not_fired) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  lq_rule_stat big = lq_report_rule(x.R, rp_rule(&x, "big"));
  assert_tally(big.fired, 4, 3);
  assert_tally(big.not_fired, 6, 1);
  assert_num(big.lift, 0.75 / (1.0 / 6));
  assert_num(big.points, 20);
  cr_assert_str_eq(big.group, "fit");
  lq_rule_stat gmail = lq_report_rule(x.R, rp_rule(&x, "gmail"));
  assert_tally(gmail.fired, 3, 0);
  assert_num(gmail.lift, 0);
  lq_rule_stat spam = lq_report_rule(x.R, rp_rule(&x, "spam"));
  cr_assert_null(spam.group);
  assert_tally(spam.fired, 1, 0);
  /* Ten leads are below the default minimum: nothing is flagged. */
  cr_assert_not(big.wrong_way || gmail.wrong_way || spam.wrong_way);
  rp_free(&x);
}

Test(report, lift_is_undefined_without_outcomes_when_not_fired) {
  rp x = rp_new(RP_RULES, NULL);
  rp_add(&x, "{\"size\": 5000}", true);
  rp_add(&x, "{\"size\": 10}", false);
  cr_assert(isnan(lq_report_rule(x.R, rp_rule(&x, "big")).lift));
  cr_assert(isnan(lq_report_rule(x.R, rp_rule(&x, "spam")).lift), "never fired: no rate fired");
  rp_free(&x);
}

/* "big" converts worse when it fires (positive points, lift < 1), "gmail"
 * better (negative points, lift > 1), "spam" too (a reject, lift > 1). */
static void rp_wrong_way_leads(rp *x, int big_won_not_fired) {
  for (int i = 0; i < 30; i++) rp_add(x, "{\"size\": 5000}", false);
  for (int i = 0; i < 10; i++) rp_add(x, "{\"size\": 5000}", true);
  for (int i = 0; i < 30; i++) rp_add(x, "{\"size\": 10, \"gmail\": true, \"spam\": true}", i < big_won_not_fired);
  for (int i = 0; i < 30; i++) rp_add(x, "{\"size\": 10}", false);
}

Test(report, wrong_way_rules_are_flagged_above_the_minimum_count) {
  lq_report_opts o = {.outcome = "won"};
  rp x = rp_new(RP_RULES, &o);
  rp_wrong_way_leads(&x, 30);
  lq_rule_stat big = lq_report_rule(x.R, rp_rule(&x, "big"));
  lq_rule_stat gmail = lq_report_rule(x.R, rp_rule(&x, "gmail"));
  lq_rule_stat spam = lq_report_rule(x.R, rp_rule(&x, "spam"));
  assert_num(big.lift, 0.25 / 0.5);
  assert_num(big.z, -2.5);   /* pooled rate 0.4: se = sqrt(0.24 * (1/40 + 1/60)) = 0.1 */
  cr_assert(big.wrong_way, "positive points, lift < 1");
  assert_num(gmail.lift, 1.0 / (10.0 / 70));
  cr_assert(gmail.wrong_way, "negative points, lift > 1");
  cr_assert(spam.wrong_way, "a reject whose leads convert better");
  lq_report_free(x.R);

  /* A minimum of 31: gmail and spam fired on 30 leads only. */
  o.min_count = 31;
  x.R = lq_report_new(x.t->p, &o);
  rp_wrong_way_leads(&x, 30);
  cr_assert(lq_report_rule(x.R, rp_rule(&x, "big")).wrong_way, "40 fired, 60 not");
  cr_assert_not(lq_report_rule(x.R, rp_rule(&x, "gmail")).wrong_way);
  cr_assert_not(lq_report_rule(x.R, rp_rule(&x, "spam")).wrong_way);
  char *text = rp_render(&x, 't');
  rp_has(text, "WRONG WAY");
  rp_has(text, "(|z| >= 1.96, a two-proportion z-test): 1 flagged");
  free(text);
  rp_free(&x);
}

/* big: 10 of 40 when fired, 16 of 60 when not: lift 0.94, too close to 1 to mean anything. */
Test(report, a_lift_near_one_is_noise_not_wrong_way) {
  rp x = rp_new(RP_RULES, NULL);
  rp_wrong_way_leads(&x, 16);
  lq_rule_stat big = lq_report_rule(x.R, rp_rule(&x, "big"));
  cr_assert_lt(big.lift, 1);
  cr_assert_lt(fabs(big.z), 1.96);
  cr_assert_not(big.wrong_way);
  rp_free(&x);
}

Test(report, a_rule_that_points_the_right_way_is_not_flagged) {
  lq_report_opts o = {.outcome = "won", .min_count = 1};
  rp x = rp_new(RP_RULES, &o);
  rp_ten(&x);
  cr_assert_not(lq_report_rule(x.R, rp_rule(&x, "big")).wrong_way);
  cr_assert_not(lq_report_rule(x.R, rp_rule(&x, "gmail")).wrong_way, "negative points, lift 0");
  rp_free(&x);
}

/* ---- the possible-leak flag (docs/report.md) ---- */

#define RP_LEAK_RULES                                   \
  "define seg = segment is present\n"                   \
  "score fit {\n"                                       \
  "  +40 \"segment\" when seg\n"                        \
  "  +20 \"big\" when size >= 1000\n"                   \
  "  -20 \"gmail\" when gmail == true\n"                \
  "}\n"                                                 \
  "reject \"spam\" when spam == true\n"

/* n leads of each kind, in order: with segment and won, with segment and
 * lost, without segment and won, without segment and lost. */
static void rp_leak_leads(rp *x, int seg_won, int seg_lost, int won, int lost) {
  for (int i = 0; i < seg_won; i++) rp_add(x, "{\"segment\": \"smb\"}", true);
  for (int i = 0; i < seg_lost; i++) rp_add(x, "{\"segment\": \"smb\"}", false);
  for (int i = 0; i < won; i++) rp_add(x, "{}", true);
  for (int i = 0; i < lost; i++) rp_add(x, "{}", false);
}

static lq_rule_stat rp_leak(rp *x, const char *label) { return lq_report_rule(x->R, rp_rule(x, label)); }

Test(report, a_rule_reads_the_fields_of_its_defines) {
  rp x = rp_new(RP_LEAK_RULES, NULL);
  const int *f;
  int n = lq_report_rule_fields(x.R, rp_rule(&x, "segment"), &f);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(x.t->p->fields[f[0]].text, "segment");
  cr_assert_eq(lq_report_rule_fields(x.R, rp_rule(&x, "spam"), &f), 1);
  cr_assert_str_eq(x.t->p->fields[f[0]].text, "spam");
  rp_free(&x);
}

/* 19 of 20 is 95%, the threshold; 18 of 20 is not. */
Test(report, a_field_present_almost_only_with_the_outcome_is_a_leak) {
  lq_report_opts o = {.outcome = "won", .min_count = 20};
  rp x = rp_new(RP_LEAK_RULES, &o);
  rp_leak_leads(&x, 19, 1, 5, 35);   /* 24 of 60 won: 40% */
  assert_tally(lq_report_field_present(x.R, 0), 20, 19);
  lq_rule_stat st = rp_leak(&x, "segment");
  cr_assert_eq(st.leak, LQ_LEAK_FIELD);
  cr_assert_str_eq(x.t->p->fields[st.leak_field].text, "segment");
  assert_tally(st.leak_t, 20, 19);
  cr_assert_eq(rp_leak(&x, "big").leak, LQ_LEAK_NONE);
  char *text = rp_render(&x, 't');
  rp_has(text, "fit: segment: possible leak: segment is present almost only on leads with the outcome (19 of 20); "
               "it may be recorded after the outcome");
  rp_has(text, "  fit: segment     +40     20        19");
  free(text);
  char *json = rp_render(&x, 'j');
  rp_has(json, "\"leak\":{\"reason\":\"field\",\"field\":\"segment\",\"leads\":20,\"outcomes\":19,\"rate\":0.95,");
  free(json);
  rp_free(&x);

  x = rp_new(RP_LEAK_RULES, &o);
  rp_leak_leads(&x, 18, 2, 6, 34);
  cr_assert_eq(rp_leak(&x, "segment").leak, LQ_LEAK_NONE, "18 of 20 is 90%%");
  rp_free(&x);
}

Test(report, a_field_is_no_leak_on_few_leads_or_when_most_leads_convert) {
  lq_report_opts o = {.outcome = "won", .min_count = 20};
  rp x = rp_new(RP_LEAK_RULES, &o);
  rp_leak_leads(&x, 19, 0, 5, 36);   /* 19 leads with segment: below 20 */
  cr_assert_neq(rp_leak(&x, "segment").leak, LQ_LEAK_FIELD);
  rp_free(&x);

  x = rp_new(RP_LEAK_RULES, &o);
  rp_leak_leads(&x, 20, 0, 11, 9);   /* 31 of 40 won: most leads convert */
  lq_rule_stat st = rp_leak(&x, "segment");
  cr_assert_neq(st.leak, LQ_LEAK_FIELD);
  /* All 20 won, but 20 x (1 - 0.775) = 4.5 lost were expected: under 5. */
  cr_assert_eq(st.leak, LQ_LEAK_NONE);
  rp_free(&x);
}

/* The all-or-none test, on --min-count fired leads and 5 expected on the other side. */
Test(report, all_or_none_of_the_fired_leads_with_the_outcome) {
  lq_report_opts o = {.outcome = "won", .min_count = 30};
  rp x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"size\": 5000}", true);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"gmail\": true}", false);
  for (int i = 0; i < 10; i++) rp_add(&x, "{\"spam\": true}", true);
  for (int i = 0; i < 30; i++) rp_add(&x, "{}", i < 25);
  /* 65 of 100 won (so size, present only on leads that won, is no leak as a
   * field): 10.5 lost were expected among big's 30, 19.5 won among gmail's. */
  lq_rule_stat big = rp_leak(&x, "big"), gmail = rp_leak(&x, "gmail");
  cr_assert_eq(big.leak, LQ_LEAK_ALWAYS);
  assert_tally(big.leak_t, 30, 30);
  cr_assert_eq(gmail.leak, LQ_LEAK_NEVER, "negative points: flagged at none too");
  cr_assert_eq(rp_leak(&x, "spam").leak, LQ_LEAK_NONE, "10 fired: under --min-count");
  char *text = rp_render(&x, 't');
  rp_has(text, "fit: big: possible leak: all 30 leads it fired on had the outcome; what it reads may be recorded");
  rp_has(text, "fit: gmail: possible leak: none of the 30 leads it fired on had the outcome;");
  rp_has(text, "may be recorded after the outcome: 2 flagged\n");
  free(text);
  rp_free(&x);

  o.min_count = 31;
  x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"size\": 5000}", true);
  for (int i = 0; i < 70; i++) rp_add(&x, "{}", i < 20);
  cr_assert_eq(rp_leak(&x, "big").leak, LQ_LEAK_NONE, "30 fired, 31 needed");
  rp_free(&x);
}

Test(report, none_with_the_outcome_is_no_leak_when_few_leads_convert) {
  lq_report_opts o = {.outcome = "won", .min_count = 30};
  rp x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"gmail\": true}", false);
  for (int i = 0; i < 70; i++) rp_add(&x, "{}", i < 16);
  /* 16 of 100 won: 30 x 0.16 = 4.8 expected, under 5. */
  cr_assert_eq(rp_leak(&x, "gmail").leak, LQ_LEAK_NONE);
  rp_free(&x);
  x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"gmail\": true}", false);
  for (int i = 0; i < 70; i++) rp_add(&x, "{}", i < 17);
  /* 17 of 100: 5.1 expected. */
  cr_assert_eq(rp_leak(&x, "gmail").leak, LQ_LEAK_NEVER);
  rp_free(&x);
}

Test(report, a_reject_is_a_leak_at_all_but_not_at_none) {
  lq_report_opts o = {.outcome = "won", .min_count = 30};
  rp x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"spam\": true}", false);
  for (int i = 0; i < 30; i++) rp_add(&x, "{}", true);
  cr_assert_eq(rp_leak(&x, "spam").leak, LQ_LEAK_NONE, "a reject of leads that never convert does its job");
  rp_free(&x);
  /* 35 of 50 won: 70%, so spam, present only on leads that won, is no leak as a
   * field; but 30 x 0.3 = 9 lost were expected among the leads it fired on. */
  x = rp_new(RP_LEAK_RULES, &o);
  for (int i = 0; i < 30; i++) rp_add(&x, "{\"spam\": true}", true);
  for (int i = 0; i < 20; i++) rp_add(&x, "{}", i < 5);
  cr_assert_eq(rp_leak(&x, "spam").leak, LQ_LEAK_ALWAYS);
  char *csv = rp_render(&x, 'c');
  rp_has(csv, "\nrules,reject: spam,reject,30,30,1,0.25,4,POSSIBLE LEAK,possible leak: all 30 leads it fired on had the "
              "outcome; what it reads may be recorded after the outcome\n");
  free(csv);
  char *md = rp_render(&x, 'm');
  rp_has(md, "| reject: spam | reject | 30 | 30 | 100.0% | 25.0% | 4.00 | POSSIBLE LEAK |\n");
  free(md);
  char *html = rp_render(&x, 'h');
  rp_has(html, "<tr class=\"leak\"><td class=\"l\">reject: spam</td>");
  free(html);
  rp_free(&x);
}

/* ---- the band chart's labels ---- */

Test(report, band_labels_turn_when_they_do_not_fit_their_band) {
  rp x = rp_new(RP_SCORE_V, NULL);
  for (int i = 0; i < 3; i++) rp_add(&x, i == 0 ? "{\"v\": 1}" : i == 1 ? "{\"v\": 2}" : "{\"v\": 3}", i == 2);
  char *html = rp_render(&x, 'h');
  cr_assert_null(strstr(html, "rotate(-45"), "three short labels fit level");
  rp_has(html, "font-size=\"10\">1 lead</text>");
  free(html);
  rp_free(&x);

  /* Ten deciles labelled like "12.3 to 13.5": 62px per band, about 74px per label. */
  x = rp_new(RP_SCORE_V, NULL);
  char lead[64];
  for (int i = 0; i < 100; i++) {
    snprintf(lead, sizeof lead, "{\"v\": %d.%d}", 10 + i / 8, i % 8 + 1);
    rp_add(&x, lead, i % 2);
  }
  html = rp_render(&x, 'h');
  rp_has(html, "transform=\"rotate(-45");
  rp_has(html, "total score (leads per band: each bar's tooltip)");
  cr_assert_null(strstr(html, "font-size=\"10\">10 leads</text>"), "the leads per band are in the tooltips");
  free(html);
  rp_free(&x);
}

Test(report, precision_and_recall_of_stages) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  /* A rejected lead whose stage condition held has not reached it. */
  rp_add(&x, "{\"size\": 5000, \"budget\": true, \"spam\": true}", true);
  assert_tally(lq_report_reached(x.R, 0), 4, 3);   /* MQL: the four big leads */
  assert_tally(lq_report_reached(x.R, 1), 2, 2);
  assert_num(lq_report_precision(x.R, 0), 0.75);
  assert_num(lq_report_recall(x.R, 0), 3.0 / 5);
  assert_num(lq_report_precision(x.R, 1), 1);
  assert_num(lq_report_recall(x.R, 1), 2.0 / 5);
  rp_free(&x);
}

Test(report, teams_answer_for_their_stages_routes_and_rejects) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  rp_add(&x, "{\"size\": 10, \"spam\": true}", true);   /* sales rejected a lead that converted */
  lq_team_stat sales = lq_report_team(x.R, 0), marketing = lq_report_team(x.R, 1);
  assert_tally(sales.qualified, 2, 2);       /* SQL */
  assert_tally(sales.routed, 2, 2);          /* ae */
  assert_tally(sales.rejected, 2, 1);        /* spam */
  assert_tally(marketing.qualified, 4, 3);   /* MQL (the SQLs reached it too) */
  assert_tally(marketing.routed, 7, 2);      /* nurture */
  assert_tally(marketing.rejected, 0, 0);
  rp_free(&x);
}

Test(report, rejected_leads_that_converted_are_kept_as_examples) {
  rp x = rp_new(RP_RULES, NULL);
  rp_add_d(&x, "{\"spam\": true}", false, LQ_NOVALUE, "n1");
  for (int i = 0; i < 5; i++) {
    char id[8];
    snprintf(id, sizeof id, "w%d", i);
    rp_add_d(&x, "{\"spam\": true}", true, LQ_NOVALUE, id);
  }
  assert_tally(lq_report_rejected(x.R, 0), 6, 5);
  assert_tally(lq_report_rejected(x.R, -1), 6, 5);
  const lq_id *ids[LQ_REPORT_EXAMPLES];
  cr_assert_eq(lq_report_examples(x.R, 0, ids), 3);
  cr_assert(ids[0]->n == 2 && !memcmp(ids[0]->s, "w0", 2));
  cr_assert(ids[2]->n == 2 && !memcmp(ids[2]->s, "w2", 2));
  char *text = rp_render(&x, 't');
  rp_has(text, "w0, w1, w2");
  free(text);
  rp_free(&x);
}

/* Scores 0..90 step 10, one lead each: ten deciles of one lead. */
Test(report, deciles_of_distinct_scores) {
  rp x = rp_new(RP_SCORE_V, NULL);
  for (int i = 0; i < 10; i++) {
    char lead[32];
    snprintf(lead, sizeof lead, "{\"v\": %d}", i * 10);
    rp_add(&x, lead, i >= 7);
  }
  lq_band b[16];
  cr_assert_eq(lq_report_bands(x.R, b, 16), 10);
  for (int i = 0; i < 10; i++) {
    assert_num(b[i].from, i * 10);
    assert_num(b[i].min, i * 10);
    cr_assert_eq(b[i].t.leads, 1);
    cr_assert_eq(b[i].t.outcomes, i >= 7);
  }
  cr_assert(isinf(b[9].to));
  rp_free(&x);
}

/* Points of -0.0 add up to the score 0 (sums start at +0): one band, not two. */
Test(report, minus_zero_and_zero_are_one_band) {
  rp x = rp_new(RP_SCORE_V, NULL);
  rp_add(&x, "{\"v\": -0.0}", false);
  rp_add(&x, "{\"v\": 0}", true);
  rp_add(&x, "{\"v\": 10}", true);
  lq_band b[16];
  cr_assert_eq(lq_report_bands(x.R, b, 16), 2);
  assert_tally(b[0].t, 2, 1);
  rp_free(&x);
}

Test(report, tied_scores_merge_deciles) {
  rp x = rp_new(RP_SCORE_V, NULL);
  for (int i = 0; i < 8; i++) rp_add(&x, "{\"v\": 0}", false);   /* 80% score 0 */
  rp_add(&x, "{\"v\": 5}", true);
  rp_add(&x, "{\"v\": 9}", true);
  lq_band b[16];
  cr_assert_eq(lq_report_bands(x.R, b, 16), 3);
  assert_tally(b[0].t, 8, 0);
  assert_num(b[1].min, 5);
  assert_tally(b[1].t, 1, 1);
  assert_num(b[2].from, 9);
  char *text = rp_render(&x, 't');
  rp_has(text, "deciles of the total score; fewer bands when scores tie");
  free(text);
  rp_free(&x);
}

Test(report, fixed_bands_include_their_lower_edge) {
  double edges[] = {0, 20, 40};
  lq_report_opts o = {.outcome = "won", .edges = edges, .nedges = 3};
  rp x = rp_new(RP_SCORE_V, &o);
  rp_add(&x, "{\"v\": 0}", false);
  rp_add(&x, "{\"v\": 19.5}", true);
  rp_add(&x, "{\"v\": 20}", true);
  rp_add(&x, "{\"v\": 75}", false);
  lq_band b[8];
  cr_assert_eq(lq_report_bands(x.R, b, 8), 3, "no band below 0: it is empty");
  assert_tally(b[0].t, 2, 1);
  assert_tally(b[1].t, 1, 1);
  assert_tally(b[2].t, 1, 0);
  cr_assert(isinf(b[2].to));
  char *text = rp_render(&x, 't');
  rp_has(text, "0 to <20");
  rp_has(text, ">= 40");
  free(text);
  rp_add(&x, "{\"v\": -3}", false);
  cr_assert_eq(lq_report_bands(x.R, b, 8), 4, "now a band below 0");
  cr_assert(isinf(b[0].from) && b[0].from < 0);
  rp_free(&x);
}

Test(report, dispositions_ignore_case_and_count_missing_as_none) {
  lq_report_opts o = {.outcome = "won", .disposition = "status"};
  rp x = rp_new(RP_RULES, &o);
  rp_add_d(&x, "{\"size\": 5000}", true, lq_strv("Accepted", 8), NULL);
  rp_add_d(&x, "{\"size\": 5000}", false, lq_strv("accepted", 8), NULL);
  rp_add_d(&x, "{\"size\": 10}", false, lq_strv("rejected", 8), NULL);
  rp_add_d(&x, "{\"size\": 10}", false, LQ_NOVALUE, NULL);
  rp_add_d(&x, "{\"size\": 10}", false, lq_num(3), NULL);
  cr_assert_eq(lq_report_ndispositions(x.R), 4);
  lq_tally t;
  cr_assert_str_eq(lq_report_disposition(x.R, 0, &t), "Accepted");
  assert_tally(t, 2, 1);
  cr_assert_eq(lq_report_disposition_fired(x.R, 0, rp_rule(&x, "big")), 2);
  cr_assert_eq(lq_report_disposition_fired(x.R, 1, rp_rule(&x, "big")), 0);
  cr_assert_str_eq(lq_report_disposition(x.R, 2, &t), "(none)");
  cr_assert_str_eq(lq_report_disposition(x.R, 3, &t), "3");
  char *json = rp_render(&x, 'j');
  rp_has(json, "{\"value\":\"Accepted\",\"leads\":2,\"outcomes\":1,\"rate\":0.5,\"fired\":{\"fit: big\":2}}");
  free(json);
  rp_free(&x);
}

Test(report, json_is_one_valid_object) {
  lq_report_opts o = {.outcome = "won == true", .disposition = "status"};
  rp x = rp_new(RP_RULES, &o);
  rp_ten(&x);
  char *json = rp_render(&x, 'j');
  lq_arena a;
  lq_arena_init(&a, 4096);
  cJSON *j = lq_json_parse(&a, json, strlen(json));
  cr_assert_not_null(j, "not JSON:\n%s", json);
  cr_assert_eq(cJSON_GetObjectItem(j, "leads")->valuedouble, 10);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rules")), 3);
  rp_has(json, "\"lift\":4.5,");
  lq_arena_free(&a);
  free(json);
  rp_free(&x);
}

Test(report, no_leads_says_so) {
  rp x = rp_new(RP_RULES, NULL);
  char *text = rp_render(&x, 't'), *json = rp_render(&x, 'j'), *html = rp_render(&x, 'h');
  rp_has(text, "no leads: nothing to report");
  rp_has(json, "\"leads\":0,\"outcomes\":0,\"rate\":null");
  rp_has(html, "No leads: nothing to report.");
  cr_assert_null(strstr(html, "<svg"));
  free(text);
  free(json);
  free(html);
  rp_free(&x);
}

Test(report, html_is_self_contained) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  char *html = rp_render(&x, 'h');
  rp_has(html, "<svg data-chart=\"funnel\"");
  rp_has(html, "<svg data-chart=\"bands\"");
  rp_has(html, "<svg data-chart=\"lift\"");
  cr_assert_null(strstr(html, "<script"), "no scripts");
  cr_assert_null(strstr(html, "http:"), "nothing fetched");
  cr_assert_null(strstr(html, "src="), "nothing fetched");
  free(html);
  rp_free(&x);
}

/* ---- owners: the people of `route ... to` ---- */

#define RP_OWNER_RULES                                   \
  "reject \"spam\" when spam == true\n"                 \
  "route \"named\" to rep when rep is present\n"         \
  "route \"queue\" otherwise\n"

/* The owner shown as text, by name; asserts it is there. */
static lq_tally rp_owner(const rp *x, const char *name) {
  for (int i = 0; i < lq_report_nowners(x->R); i++) {
    lq_tally t;
    if (!strcmp(lq_report_owner(x->R, i, &t), name)) return t;
  }
  cr_assert_fail("no owner '%s'", name);
  return (lq_tally){0};
}

/* Owners compare as decisions print them (as diff and `expect owner` do): case
 * and all, a number by its digits. */
Test(report, owners_are_told_apart_as_decisions_print_them) {
  rp x = rp_new(RP_OWNER_RULES, NULL);
  rp_add(&x, "{\"rep\": \"Ana@acme.example\"}", true);
  rp_add(&x, "{\"rep\": \"ana@acme.example\"}", false);
  rp_add(&x, "{\"rep\": \"Ana@acme.example\"}", false);
  rp_add(&x, "{\"rep\": 1042}", true);
  rp_add(&x, "{\"rep\": 1042.0}", false);
  rp_add(&x, "{\"rep\": \"1042\"}", false);
  rp_add(&x, "{}", true);                                    /* the queue: no person */
  rp_add(&x, "{\"rep\": \"   \"}", false);                 /* a blank owner is none: the queue */
  rp_add(&x, "{\"rep\": \"ben@acme.example\", \"spam\": true}", true);   /* rejected: nobody's */
  cr_assert(lq_report_to_people(x.R));
  cr_assert_eq(lq_report_nowners(x.R), 3);
  assert_tally(rp_owner(&x, "Ana@acme.example"), 2, 1);
  assert_tally(rp_owner(&x, "ana@acme.example"), 1, 0);
  assert_tally(rp_owner(&x, "1042"), 3, 1);
  assert_tally(lq_report_no_owner(x.R), 2, 1);
  assert_tally(lq_report_rejected(x.R, -1), 1, 1);
  rp_free(&x);
}

Test(report, owners_table_in_text_json_and_html_most_leads_first) {
  rp x = rp_new(RP_OWNER_RULES, NULL);
  rp_add(&x, "{\"rep\": \"cy@acme.example\"}", true);
  rp_add(&x, "{\"rep\": \"Ben@acme.example\"}", false);
  rp_add(&x, "{\"rep\": \"ana@acme.example\"}", true);
  rp_add(&x, "{\"rep\": \"cy@acme.example\"}", false);
  rp_add(&x, "{\"rep\": 7}", false);
  rp_add(&x, "{}", false);
  char *text = rp_render(&x, 't'), *json = rp_render(&x, 'j'), *html = rp_render(&x, 'h');
  /* cy has the most leads; the others one each, by name ignoring case: 7, ana, Ben. */
  rp_has(text, "Owners: the person each lead was routed to\n");
  rp_has(text, "  owner             leads  outcomes    rate\n"
               "  cy@acme.example       2         1   50.0%\n"
               "  7                     1         0    0.0%\n"
               "  ana@acme.example      1         1  100.0%\n"
               "  Ben@acme.example      1         0    0.0%\n"
               "  (no owner)            1         0    0.0%\n"
               "\n"
               "Rejects");
  rp_has(json, "\"owners\":[{\"owner\":\"cy@acme.example\",\"leads\":2,\"outcomes\":1,\"rate\":0.5},"
               "{\"owner\":7,\"leads\":1,\"outcomes\":0,\"rate\":0},");
  rp_has(json, "\"no_owner\":{\"leads\":1,\"outcomes\":0,\"rate\":0}");
  rp_has(html, "<h2>Owners: the person each lead was routed to</h2>");
  rp_has(html, "<tr><td class=\"l\">cy@acme.example</td><td class=\"r\">2</td><td class=\"r\">1</td>"
               "<td class=\"r\">50.0%</td></tr>");
  free(text);
  free(json);
  free(html);
  rp_free(&x);
}

Test(report, no_owners_table_when_no_route_goes_to_people) {
  rp x = rp_new(RP_RULES, NULL);
  rp_ten(&x);
  cr_assert_not(lq_report_to_people(x.R));
  char *text = rp_render(&x, 't'), *json = rp_render(&x, 'j'), *html = rp_render(&x, 'h');
  cr_assert_null(strstr(text, "Owners"));
  cr_assert_null(strstr(json, "\"owners\""));
  cr_assert_null(strstr(json, "\"no_owner\""));
  cr_assert_null(strstr(html, "Owners"));
  free(text);
  free(json);
  free(html);
  rp_free(&x);
}

/* Memory stays bounded: past LQ_REPORT_MAX_OWNERS distinct people, the rest
 * are counted together, and the table grows its index as it goes. */
Test(report, owners_past_the_limit_count_as_other_owners) {
  rp x = rp_new(RP_OWNER_RULES, NULL);
  for (int i = 0; i < LQ_REPORT_MAX_OWNERS + 5; i++) {
    char lead[64];
    snprintf(lead, sizeof lead, "{\"rep\": \"rep%d@acme.example\"}", i);
    rp_add(&x, lead, i % 2 == 0);
  }
  rp_add(&x, "{\"rep\": \"rep0@acme.example\"}", true);   /* still found among the many */
  cr_assert_eq(lq_report_nowners(x.R), LQ_REPORT_MAX_OWNERS + 1);
  assert_tally(rp_owner(&x, "rep0@acme.example"), 2, 2);
  assert_tally(rp_owner(&x, "(other owners)"), 5, 3);
  char *text = rp_render(&x, 't');
  const char *other = strstr(text, "  (other owners)");
  cr_assert(other && strstr(text, "  rep0@acme.example") < other, "(other owners) comes last");
  free(text);
  rp_free(&x);
}

/* ---- the charts, drawn by a real browser ---- */

/* Appended to a copy of the page: counts each chart's marks with a box. */
static const char rp_probe[] =
    "<script>\n"
    "var out = [];\n"
    "document.querySelectorAll('svg[data-chart]').forEach(function (svg) {\n"
    "  var n = 0;\n"
    "  svg.querySelectorAll('rect, path, polyline').forEach(function (e) {\n"
    "    var b = e.getBBox();\n"
    "    if (b.width > 0 && b.height > 0) n++;\n"
    "  });\n"
    "  out.push(svg.getAttribute('data-chart') + '=' + n);\n"
    "});\n"
    "var pre = document.createElement('pre');\n"
    "pre.id = 'marks';\n"
    "pre.textContent = 'MARKS ' + out.join(' ') + ' END';\n"
    "document.body.appendChild(pre);\n"
    "</script>\n";

/* The number after "NAME=" in the probe's line, or -1. */
static int rp_marks(const char *line, const char *name) {
  char key[32];
  snprintf(key, sizeof key, " %s=", name);
  const char *s = strstr(line, key);
  return s ? atoi(s + strlen(key)) : -1;
}

Test(report, html_charts_draw_in_headless_chromium, .timeout = 120) {
  if (system("command -v chromium >/dev/null 2>&1") != 0)
    cr_assert_fail("chromium is not installed, so the HTML charts could not be drawn: make deps-test installs it "
                   "(apt-get install chromium)");
  lq_report_opts o = {.outcome = "won", .min_count = 2};
  rp x = rp_new(RP_RULES, &o);
  rp_ten(&x);
  char *html = rp_render(&x, 'h');
  char dir[] = "/tmp/leadq-report-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char page[128], dom[128], profile[128], cmd[1024];
  snprintf(page, sizeof page, "%s/page.html", dir);
  snprintf(dom, sizeof dom, "%s/dom.html", dir);
  snprintf(profile, sizeof profile, "%s/profile", dir);
  char *body = strstr(html, "</body>");
  cr_assert_not_null(body);
  FILE *fp = fopen(page, "w");
  cr_assert_not_null(fp);
  fwrite(html, 1, (size_t)(body - html), fp);
  fputs(rp_probe, fp);
  fputs(body, fp);
  fclose(fp);
  free(html);
  snprintf(cmd, sizeof cmd,
           "chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
           "--disable-component-update --disable-sync --no-first-run --user-data-dir=%s "
           "--dump-dom file://%s >%s 2>/dev/null",
           profile, page, dom);
  int status = system(cmd);
  size_t n = 0;
  char *out = NULL;
  fp = fopen(dom, "r");
  if (fp) {
    out = calloc(1, 1 << 20);
    n = fread(out, 1, (1 << 20) - 1, fp);
    fclose(fp);
  }
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  cr_assert_eq(status, 0, "chromium failed (status %d)", status);
  cr_assert(out && n > 0, "chromium printed no DOM");
  const char *line = strstr(out, "<pre id=\"marks\">MARKS ");
  cr_assert_not_null(line, "the probe did not run; DOM:\n%.2000s", out);
  line += strlen("<pre id=\"marks\">MARKS") - 1;
  cr_assert_eq(rp_marks(line, "funnel"), 6, "all leads, MQL, SQL: leads and outcomes, 2 bars each: %.80s", line);
  cr_assert_gt(rp_marks(line, "bands"), 0, "%.80s", line);
  cr_assert_eq(rp_marks(line, "lift"), 3, "big, gmail and spam: %.80s", line);
  free(out);
  rp_free(&x);
}

/* ---- recovering a known model: examples/leadgen.c --history ---- */

/* leadgen's hidden model (examples/README.md, section 10) multiplies the odds of
 * winning by 4 for an enterprise and 3 for a demo request, and halves them for a
 * webinar, which rules/acme.lq rewards with +10. The report must see all three.
 * The generator is compiled here from its source, so nothing needs building first. */
Test(report, recovers_the_history_model_of_leadgen, .timeout = 120) {
  char dir[] = "/tmp/leadq-history-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char cmd[1024], path[128];
  snprintf(path, sizeof path, "%s/history.ndjson", dir);
  snprintf(cmd, sizeof cmd,
           "cc -std=c11 -O2 -o %s/leadgen examples/leadgen.c -lm && %s/leadgen -n 5000 -s 11 --history >%s", dir,
           dir, path);
  cr_assert_eq(system(cmd), 0, "could not build and run examples/leadgen.c: %s", cmd);

  lq_diags d;
  lq_diags_init(&d);
  lq_compile_opts co = {.extra_name = "--outcome", .extra_text = "define __outcome__ = won == true"};
  lq_program *p = lq_compile_file_opts("rules/acme.lq", &co, &d);
  cr_assert_eq(d.errors, 0);
  lq_diags_free(&d);
  lq_eval *E = lq_eval_new(p, T_NOW);
  lq_report_opts o = {.outcome = "won == true"};
  lq_report *R = lq_report_new(p, &o);
  FILE *fp = fopen(path, "r");
  cr_assert_not_null(fp);
  static char line[1 << 16];
  char why[160];
  while (fgets(line, sizeof line, fp)) {
    lq_eval_reset(E);
    cJSON *lead = t_parse_lead(lq_eval_scratch(E), line, strlen(line), why, sizeof why);
    cr_assert_not_null(lead, "%s", why);
    const lq_result *r = lq_eval_lead(E, lead);
    bool won = lq_truthy(lq_eval_expr(E, p->defines[p->ndefines - 1].expr, LQ_NOVALUE));
    lq_report_add(R, r, won, LQ_NOVALUE, NULL);
  }
  fclose(fp);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);

  cr_assert_eq(lq_report_total(R).leads, 5000);
  const struct { const char *label; double lo, hi; bool wrong; } want[] = {
      {"enterprise size", 1.5, 100, false},
      {"asked for a demo", 1.5, 100, false},
      {"attended a webinar", 0, 1, true},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    lq_rule_stat st = {0};
    for (int k = 0; k < lq_report_nrules(R); k++)
      if (!strcmp(lq_report_rule(R, k).label, want[i].label)) st = lq_report_rule(R, k);
    cr_assert_not_null(st.label, "no rule %s", want[i].label);
    cr_assert(st.lift > want[i].lo && st.lift < want[i].hi, "%s: lift %g", st.label, st.lift);
    cr_assert_eq(st.wrong_way, want[i].wrong, "%s: wrong way %d (lift %g, z %g)", st.label, st.wrong_way, st.lift,
                 st.z);
  }
  /* The score orders the leads: the top band converts far better than the bottom one. */
  lq_band b[16];
  int n = lq_report_bands(R, b, 16);
  cr_assert_gt(n, 5);
  cr_assert_gt(lq_tally_rate(b[n - 1].t), 4 * lq_tally_rate(b[0].t));
  lq_report_free(R);
  lq_eval_free(E);
  lq_program_free(p);
}
