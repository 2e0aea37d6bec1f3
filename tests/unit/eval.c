/* eval.c: evaluation: operators, functions, missing values, paths, score
 * groups, grades, stages, rejects and routes, as docs/language.md says. */
#include "compile.h"
#include "fields.h"
#include "helpers.h"
#include "output.h"

/* ======================================================================
 * The contract's examples
 * ====================================================================== */

#define T1_LEAD                                                                          \
  "{\"id\": \"t1\", \"email\": \"ana@gridco.com\", \"title\": \"VP Operations\","        \
  "\"company\": {\"employees\": 5000, \"industry\": \"Energy\", \"region\": \"east\"},"   \
  "\"budget\": {\"confirmed\": true}, \"timeline_months\": 3,"                           \
  "\"events\": [{\"type\": \"demo_request\", \"at\": \"2026-11-20T10:00:00Z\"}]}"

Test(contract, big_energy_company_goes_to_east_team) {
  lqt *t = lqt_new(ACME_RULES);
  lqt_run(t, T1_LEAD);
  assert_name(lqt_stage(t), "SQL");
  assert_name(lqt_route(t), "enterprise-east");
  assert_num(lqt_score(t, "fit"), 45);
  assert_num(lqt_score(t, "engagement"), 25);
  assert_name(lqt_grade(t, "priority"), "B");
  assert_name(lqt_rejected(t), NULL);
  assert_num(t->r->total, 70);
  lqt_free(t);
}

Test(contract, gmail_without_consent_is_rejected) {
  lqt *t = lqt_new(ACME_RULES);
  lqt_run(t, "{\"id\": \"t2\", \"email\": \"bob@gmail.com\", \"consent\": {\"email\": false}}");
  assert_name(lqt_rejected(t), "no consent");
  assert_name(lqt_route(t), NULL);
  assert_name(lqt_stage(t), NULL);
  cr_assert(lqt_reject_fired(t, "no consent"));
  cr_assert(!lqt_reject_fired(t, "no way to contact"));
  cr_assert(!lqt_reject_fired(t, "competitor"));
  assert_num(lqt_score(t, "fit"), -30);
  assert_name(lqt_grade(t, "priority"), "C");
  lqt_free(t);
}

Test(contract, decision_line_matches_the_contract_exactly) {
  lqt *t = lqt_new(ACME_RULES);
  const lq_result *r = lqt_run(t, T1_LEAD);
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_seg *segs;
  uint32_t nsegs;
  cr_assert(lq_path_parse(&a, "id", &segs, &nsegs, NULL));
  /* lqt_run parsed the lead into the scratch arena; parse it again to reach it. */
  lq_eval_reset(t->E);
  cJSON *lead = t_parse_lead(lq_eval_scratch(t->E), T1_LEAD, strlen(T1_LEAD), t->why, sizeof t->why);
  r = lq_eval_lead(t->E, lead);
  lq_id id = lq_id_read(t->E, lead, segs, nsegs, 1);
  lq_buf b = {0};
  lq_out_decision(&b, t->p, r, &id);
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data,
                   "{\"id\":\"t1\",\"ruleset\":\"acme\",\"version\":\"2026.4\",\"stage\":\"SQL\",\"rejected\":null,"
                   "\"route\":\"enterprise-east\",\"owner\":null,\"score\":70,\"scores\":{\"fit\":45,\"engagement\":25},"
                   "\"grades\":{\"priority\":\"B\"},\"reasons\":[{\"rule\":\"enterprise size\",\"group\":\"fit\",\"points\":20},"
                   "{\"rule\":\"target industry\",\"group\":\"fit\",\"points\":15},"
                   "{\"rule\":\"decision maker\",\"group\":\"fit\",\"points\":10},"
                   "{\"rule\":\"asked for a demo\",\"group\":\"engagement\",\"points\":25}]}");
  lq_buf_free(&b);
  lq_arena_free(&a);
  lqt_free(t);
}

Test(contract, decision_without_id_uses_line_number_and_lists_rejects) {
  lqt *t = lqt_new(ACME_RULES);
  const lq_result *r = lqt_run(t, "{\"email\": \"bob@gmail.com\", \"consent\": {\"email\": false}}");
  lq_buf b = {0};
  lq_out_decision(&b, t->p, r, T_ID_LINE(7));
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data,
                   "{\"id\":7,\"ruleset\":\"acme\",\"version\":\"2026.4\",\"stage\":null,\"rejected\":\"no consent\","
                   "\"route\":null,\"owner\":null,\"score\":-30,\"scores\":{\"fit\":-30,\"engagement\":0},"
                   "\"grades\":{\"priority\":\"C\"},\"reasons\":[{\"rule\":\"free email provider\",\"group\":\"fit\",\"points\":-30},"
                   "{\"rule\":\"no consent\",\"reject\":true}]}");
  lq_buf_free(&b);
  lqt_free(t);
}

Test(contract, sdr_nurture_and_inside_sales) {
  lqt *t = lqt_new(ACME_RULES);
  /* MQL but no budget: sdr. */
  lqt_run(t, "{\"email\":\"x@bigco.com\",\"company\":{\"employees\":5000,\"industry\":\"utilities\"},"
             "\"title\":\"Chief of Staff\",\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-21\"}]}");
  assert_name(lqt_stage(t), "MQL");
  assert_name(lqt_route(t), "sdr");
  /* SQL but small company: inside-sales. */
  lqt_run(t, "{\"email\":\"x@smallco.com\",\"company\":{\"employees\":300,\"industry\":\"energy\"},"
             "\"title\":\"Director\",\"budget\":{\"confirmed\":true},\"timeline_months\":2,"
             "\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-21\"}]}");
  assert_num(lqt_score(t, "fit"), 35);
  assert_name(lqt_stage(t), "SQL");
  assert_name(lqt_route(t), "inside-sales");
  /* Nothing: nurture. */
  lqt_run(t, "{\"email\":\"x@smallco.com\"}");
  assert_name(lqt_stage(t), NULL);
  assert_name(lqt_route(t), "nurture");
  /* Enterprise SQL outside the east: enterprise-west. */
  lqt_run(t, "{\"email\":\"x@bigco.com\",\"company\":{\"employees\":1000,\"region\":\"West\"},"
             "\"budget\":{\"confirmed\":true},\"timeline_months\":6,"
             "\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-21\"},{\"type\":\"webinar_attended\",\"at\":\"2026-11-01\"}]}");
  assert_num(lqt_score(t, "engagement"), 35);
  assert_name(lqt_route(t), "enterprise-west");
  lqt_free(t);
}

Test(contract, competitor_and_no_contact_rejects) {
  lqt *t = lqt_new(ACME_RULES);
  lqt_run(t, "{\"email\":\"spy@RivalCo.com\"}");
  assert_name(lqt_rejected(t), "competitor");
  lqt_run(t, "{\"name\":\"nobody\"}");
  assert_name(lqt_rejected(t), "no way to contact");
  lqt_run(t, "{\"phone\":\"+1 555\"}");
  assert_name(lqt_rejected(t), NULL);
  lqt_free(t);
}

Test(contract, engagement_per_rules_cap_and_decay) {
  lqt *t = lqt_new(ACME_RULES);
  /* 12 page views (24, capped 20) + 4 clicks (20, capped 15) + demo 25 + webinar 10 = 70, group cap 60,
   * latest event 61 days ago: two 30-day periods, 60 * 0.75^2 = 33.75. */
  lqt_run(t, "{\"email\":\"a@b.com\",\"events\":["
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"page_view\",\"at\":\"2026-09-22\"},{\"type\":\"page_view\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"email_click\",\"at\":\"2026-09-22\"},{\"type\":\"email_click\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"email_click\",\"at\":\"2026-09-22\"},{\"type\":\"email_click\",\"at\":\"2026-09-22\"},"
             "{\"type\":\"demo_request\",\"at\":\"2026-09-22\"},{\"type\":\"webinar_attended\",\"at\":\"2026-09-22\"}]}");
  assert_num(lqt_points(t, "page view"), 20);
  assert_num(lqt_points(t, "email click"), 15);
  assert_num(lqt_raw(t, "engagement"), 70);
  assert_num(lqt_score(t, "engagement"), 33.75);
  lqt_free(t);
}

/* ======================================================================
 * Conditions and operators
 * ====================================================================== */

Test(ops, and_or_not) {
  assert_holds("a_flag and b_flag", "{\"a_flag\":true,\"b_flag\":true}");
  assert_fails("a_flag and b_flag", "{\"a_flag\":true,\"b_flag\":false}");
  assert_holds("a_flag or b_flag", "{\"a_flag\":false,\"b_flag\":true}");
  assert_fails("a_flag or b_flag", "{}");
  assert_holds("not a_flag", "{\"a_flag\":false}");
  assert_fails("not a_flag", "{\"a_flag\":true}");
}

Test(ops, only_json_true_is_a_condition) {
  assert_holds("budget.confirmed", "{\"budget\":{\"confirmed\":true}}");
  assert_fails("budget.confirmed", "{\"budget\":{\"confirmed\":\"true\"}}");
  assert_fails("budget.confirmed", "{\"budget\":{\"confirmed\":1}}");
  assert_fails("budget.confirmed", "{\"budget\":{\"confirmed\":[true]}}");
  assert_fails("budget.confirmed", "{}");
  assert_holds("not budget.confirmed", "{}");
}

Test(ops, equality_numbers_bools_text) {
  assert_holds("amount == 5", "{\"amount\":5}");
  assert_holds("amount == 5.0", "{\"amount\":5}");
  assert_fails("amount == 5", "{\"amount\":6}");
  assert_holds("amount != 5", "{\"amount\":6}");
  assert_holds("flag == false", "{\"flag\":false}");
  assert_fails("flag == false", "{\"flag\":true}");
  assert_holds("name == \"Ana\"", "{\"name\":\"Ana\"}");
}

Test(ops, text_comparison_ignores_case) {
  assert_holds("\"Energy\" == \"energy\"", "{}");
  assert_holds("industry == \"ENERGY\"", "{\"industry\":\"Energy\"}");
  assert_fails("industry != \"energy\"", "{\"industry\":\"EnErGy\"}");
  assert_holds("industry in [\"energy\", \"utilities\"]", "{\"industry\":\"UTILITIES\"}");
  assert_fails("industry not in [\"energy\"]", "{\"industry\":\"Energy\"}");
}

Test(ops, case_insensitive_means_ascii_letters) {
  assert_fails("\"S\xc3\xa3o\" == \"S\xc3\x83O\"", "{}");
  assert_holds("\"S\xc3\xa3o\" == \"s\xc3\xa3O\"", "{}");
}

Test(ops, lists_compare_item_by_item) {
  assert_holds("tags == [\"a\", \"B\"]", "{\"tags\":[\"A\",\"b\"]}");
  assert_fails("tags == [\"a\", \"b\"]", "{\"tags\":[\"b\",\"a\"]}");
  assert_fails("tags == [\"a\"]", "{\"tags\":[\"a\",\"b\"]}");
  assert_holds("events.type == [\"x\", \"y\"]", "{\"events\":[{\"type\":\"x\"},{\"type\":\"y\"}]}");
}

Test(ops, ordering_numbers) {
  assert_holds("amount < 10 and amount <= 5 and amount > 4 and amount >= 5", "{\"amount\":5}");
  assert_fails("amount < 5", "{\"amount\":5}");
  assert_fails("amount > 5", "{\"amount\":5}");
  assert_holds("amount >= -1.5", "{\"amount\":-1.5}");
}

Test(ops, ordering_text_alphabetical_ignoring_case) {
  assert_holds("name < \"bob\"", "{\"name\":\"Alice\"}");
  assert_holds("name > \"ALICE\"", "{\"name\":\"bob\"}");
  assert_holds("name <= \"ALICE\" and name >= \"alice\"", "{\"name\":\"Alice\"}");
  assert_holds("name < \"abcd\"", "{\"name\":\"abc\"}");
}

Test(ops, two_times_compare_as_times) {
  /* 10:00+01:00 is 09:00Z, earlier than 09:30Z, though "10" > "09" as text. */
  assert_holds("at < \"2026-11-22T09:30:00Z\"", "{\"at\":\"2026-11-22T10:00:00+01:00\"}");
  assert_holds("at > \"2026-11-21\"", "{\"at\":\"2026-11-21T00:00:01Z\"}");
  assert_holds("at == at and at >= \"2026-11-22 09:00:00\"", "{\"at\":\"2026-11-22T10:00:00+01:00\"}");
}

Test(ops, arithmetic) {
  assert_ex_num("amount + 2", "{\"amount\":5}", 7);
  assert_ex_num("amount - 7", "{\"amount\":5}", -2);
  assert_ex_num("amount * 1.5", "{\"amount\":5}", 7.5);
  assert_ex_num("amount / 2", "{\"amount\":5}", 2.5);
  assert_ex_num("-amount", "{\"amount\":5}", -5);
  assert_holds("fit_pts + eng_pts >= 50", "{\"fit_pts\":30,\"eng_pts\":20}");
}

Test(ops, arithmetic_on_missing_is_missing) {
  assert_ex_missing("amount + 1", "{}");
  assert_ex_missing("amount * 2", "{\"amount\":null}");
  assert_ex_missing("-amount", "{}");
  assert_fails("amount + 1 >= 0", "{}");
  assert_fails("amount + 1 < 0", "{}");
}

Test(ops, division_by_zero_is_missing) {
  assert_ex_missing("amount / 0", "{\"amount\":5}");
  assert_ex_missing("amount / zero", "{\"amount\":5,\"zero\":0}");
  assert_ex_missing("0 / 0", "{}");
}

Test(ops, non_finite_result_is_missing) {
  assert_ex_missing("big * big", "{\"big\":1e308}");
}

Test(ops, arithmetic_on_text_is_missing) {
  assert_ex_missing("amount + 1", "{\"amount\":\"5\"}");
  assert_ex_missing("-amount", "{\"amount\":\"5\"}");
}

Test(ops, in_and_not_in_literal_list) {
  assert_holds("amount in [1, 2, 3]", "{\"amount\":3}");
  assert_fails("amount in [1, 2, 3]", "{\"amount\":4}");
  assert_holds("amount not in [1, 2, 3]", "{\"amount\":4}");
  assert_holds("flag in [true]", "{\"flag\":true}");
  assert_holds("amount in [-2, 2]", "{\"amount\":-2}");
}

Test(ops, in_declared_list) {
  const char *decls = "list free_email = [\"gmail.com\", \"yahoo.com\"]";
  cr_assert(ex_holds_with(decls, "domain(email) in free_email", "{\"email\":\"x@Gmail.COM\"}"));
  cr_assert(!ex_holds_with(decls, "domain(email) in free_email", "{\"email\":\"x@corp.com\"}"));
  cr_assert(ex_holds_with(decls, "domain(email) not in free_email", "{\"email\":\"x@corp.com\"}"));
}

/* A declared list is compiled once: every rule naming it shares its items and
 * hash set (a 10,000-domain list in 2,000 rules must not be 2,000 copies). */
Test(ops, a_declared_list_is_shared_by_its_uses) {
  lqt *t = lqt_new("list free_email = [\"gmail.com\", \"yahoo.com\"]\n"
                   "stage MQL when domain(email) not in free_email\n"
                   "stage SQL when MQL and domain(work_email) not in free_email\n");
  const lq_expr *first = t->p->stages[0].cond, *second = t->p->stages[1].cond->b;
  cr_assert_eq(first->op, LQ_OP_NOT_IN);
  cr_assert_eq(second->op, LQ_OP_NOT_IN);
  cr_assert_eq(first->b->k.items, second->b->k.items);
  cr_assert_eq(first->b->set, second->b->set);
  cr_assert_neq(first->b->span.begin, second->b->span.begin);   /* each use keeps its place */
  cr_assert_eq(lqt_run(t, "{\"email\":\"a@corp.com\",\"work_email\":\"a@corp.com\"}")->stage, 1);
  cr_assert_eq(lqt_run(t, "{\"email\":\"a@corp.com\",\"work_email\":\"a@Yahoo.com\"}")->stage, 0);
  lqt_free(t);
}

Test(ops, in_non_constant_list) {
  assert_holds("\"demo\" in events.type", "{\"events\":[{\"type\":\"page\"},{\"type\":\"Demo\"}]}");
  assert_fails("\"demo\" in events.type", "{\"events\":[{\"type\":\"page\"}]}");
  assert_holds("amount in [low_val, high_val]", "{\"amount\":9,\"low_val\":1,\"high_val\":9}");
}

Test(ops, missing_in_list_is_false_and_not_in_true) {
  assert_fails("amount in [1, 2]", "{}");
  assert_fails("amount in [1, null]", "{}");
  assert_holds("amount not in [1, 2]", "{}");
  const char *decls = "list free_email = [\"gmail.com\"]";
  cr_assert(ex_holds_with(decls, "domain(email) not in free_email", "{}"));
}

Test(ops, in_with_missing_list_is_false) {
  assert_fails("\"a\" in tags", "{}");
  assert_holds("\"a\" not in tags", "{}");
}

Test(ops, list_in_list_is_a_wrong_type_not_any_of) {
  assert_fails("events.type in [\"demo\", \"page\"]", "{\"events\":[{\"type\":\"demo\"}]}");
  assert_holds("any(events where type in [\"demo\", \"page\"])", "{\"events\":[{\"type\":\"demo\"}]}");
}

Test(ops, text_number_in_list_of_numbers_is_false) {
  assert_fails("amount in [1000]", "{\"amount\":\"1000\"}");
}

Test(ops, between_is_inclusive) {
  assert_holds("amount between 200 and 999", "{\"amount\":200}");
  assert_holds("amount between 200 and 999", "{\"amount\":999}");
  assert_holds("amount between 200 and 999", "{\"amount\":500.5}");
  assert_fails("amount between 200 and 999", "{\"amount\":199.99}");
  assert_fails("amount between 200 and 999", "{\"amount\":1000}");
  assert_fails("amount between 200 and 999", "{}");
  assert_fails("amount between 200 and 999", "{\"amount\":\"500\"}");
  assert_holds("name between \"a\" and \"C\"", "{\"name\":\"Bob\"}");
}

Test(ops, between_with_missing_bound_is_false) {
  assert_fails("amount between low_val and 10", "{\"amount\":5}");
}

Test(ops, contains_text_ignoring_case) {
  assert_holds("title contains \"head of\"", "{\"title\":\"Head Of Sales\"}");
  assert_fails("title contains \"vp\"", "{\"title\":\"Director\"}");
  assert_fails("title contains \"vp\"", "{}");
  assert_fails("title contains \"a long needle\"", "{\"title\":\"short\"}");
}

Test(ops, list_contains_item) {
  assert_holds("tags contains \"VIP\"", "{\"tags\":[\"new\",\"vip\"]}");
  assert_fails("tags contains \"vi\"", "{\"tags\":[\"new\",\"vip\"]}");
  assert_holds("scores_list contains 3", "{\"scores_list\":[1,2,3]}");
}

Test(ops, contains_any) {
  assert_holds("title contains any [\"vp\", \"chief\", \"director\", \"head of\"]", "{\"title\":\"VP Operations\"}");
  assert_holds("title contains any [\"vp\", \"chief\"]", "{\"title\":\"Chief Revenue Officer\"}");
  assert_fails("title contains any [\"vp\", \"chief\"]", "{\"title\":\"Engineer\"}");
  assert_fails("title contains any [\"vp\"]", "{}");
  assert_holds("tags contains any [\"x\", \"b\"]", "{\"tags\":[\"a\",\"B\"]}");
}

Test(ops, starts_and_ends_with) {
  assert_holds("phone starts with \"+44\"", "{\"phone\":\"+44 20 7946\"}");
  assert_fails("phone starts with \"+1\"", "{\"phone\":\"+44 20 7946\"}");
  assert_holds("email ends with \"@ACME.example\"", "{\"email\":\"jo@acme.EXAMPLE\"}");
  assert_fails("email ends with \".org\"", "{\"email\":\"jo@acme.com\"}");
  assert_fails("email ends with \".org\"", "{}");
  assert_fails("zipcode starts with \"12\"", "{\"zipcode\":123}");
}

Test(ops, starts_and_ends_with_any) {
  assert_holds("phone starts with any [\"+1\", \"+44\"]", "{\"phone\":\"+44 20\"}");
  assert_fails("phone starts with any [\"+1\", \"+33\"]", "{\"phone\":\"+44 20\"}");
  assert_holds("email ends with any [\".gov\", \".EDU\"]", "{\"email\":\"a@mit.edu\"}");
  assert_fails("email ends with any [\".gov\"]", "{\"email\":\"a@mit.edu\"}");
}

Test(ops, matches_posix_extended_ignoring_case) {
  assert_holds("title matches \"^(vp|chief) \"", "{\"title\":\"VP Sales\"}");
  assert_fails("title matches \"^(vp|chief) \"", "{\"title\":\"Senior VP Sales\"}");
  assert_holds("phone matches \"^[+]?[0-9 ]{7,}$\"", "{\"phone\":\"+44 20 7946 0000\"}");
  assert_fails("phone matches \"^[0-9]+$\"", "{\"phone\":\"12a\"}");
  assert_fails("title matches \"vp\"", "{}");
  assert_fails("zipcode matches \"1\"", "{\"zipcode\":1}");
}

Test(ops, is_missing_and_is_present) {
  assert_holds("email is missing", "{}");
  assert_holds("email is missing", "{\"email\":null}");
  /* Empty is missing: a CRM's empty field is unknown, in every input format. */
  assert_holds("email is missing", "{\"email\":\"\"}");
  assert_holds("email is missing", "{\"email\":\" \\t\\r\\n\"}");
  assert_holds("email is missing", "{\"email\":\"\\u00a0\"}");
  assert_fails("email is present", "{\"email\":\"\"}");
  assert_holds("email is present", "{\"email\":\" x \"}");
  assert_holds("email != \"a@b.c\"", "{\"email\":\"\"}");
  assert_fails("email == \"\"", "{\"email\":\"\"}");
  assert_holds("email == null", "{\"email\":\"  \"}");
  assert_holds("flag is present", "{\"flag\":false}");
  assert_holds("zero is present", "{\"zero\":0}");
  assert_holds("tags is present", "{\"tags\":[]}");
  assert_fails("email is present", "{\"email\":null}");
  assert_holds("company.size is missing", "{\"company\":\"Acme\"}");
}

Test(ops, null_equals_missing) {
  assert_holds("email == null", "{}");
  assert_holds("email == null", "{\"email\":null}");
  assert_fails("email == null", "{\"email\":\"x\"}");
  assert_holds("email != null", "{\"email\":\"x\"}");
  assert_holds("a_field == b_field", "{}");
  assert_fails("a_field == b_field", "{\"a_field\":1}");
}

Test(ops, not_equal_is_exactly_not_equal) {
  assert_holds("region != \"east\"", "{}");
  assert_holds("region != \"east\"", "{\"region\":\"west\"}");
  assert_fails("region != \"east\"", "{\"region\":\"EAST\"}");
}

Test(ops, missing_compares_false_for_ordering) {
  assert_fails("amount < 10", "{}");
  assert_fails("amount >= 10", "{}");
  assert_fails("amount <= 10", "{\"amount\":null}");
  assert_fails("10 > amount", "{}");
}

Test(ops, wrong_type_compares_false) {
  /* Numbers as text are text: "1000" is not the number 1000. */
  assert_fails("company.employees >= 1000", "{\"company\":{\"employees\":\"5000\"}}");
  assert_fails("company.employees < 1000", "{\"company\":{\"employees\":\"5\"}}");
  assert_fails("company.employees == 1000", "{\"company\":{\"employees\":\"1000\"}}");
  assert_holds("company.employees != 1000", "{\"company\":{\"employees\":\"1000\"}}");
  assert_fails("flag == \"yes\"", "{\"flag\":true}");
  assert_fails("tags > 1", "{\"tags\":[1,2]}");
  assert_fails("flag == 1", "{\"flag\":true}");
}

static uint64_t text_vs_number(const lqt *t) {
  uint64_t n = 0;
  for (int i = 0; i < t->p->nsites; i++) n += lq_eval_surprises(t->E, i, LQ_V_STR, LQ_V_NUM);
  return n;
}

/* A rule's condition is evaluated before its points: the points of a rule that
 * does not apply are not computed, so they raise no type warning, and missing
 * points do not hide the condition's own warnings. */
Test(score, points_are_computed_only_when_the_rule_applies) {
  lqt *t = lqt_new("score s {\n"
                   "  +(emp / 10) \"per ten\" when emp > 0 and number(emp) == emp\n"
                   "}\n");
  lqt_run(t, "{\"emp\":\"50\"}");
  cr_assert_eq(text_vs_number(t), 1);   /* emp > 0 only; emp / 10 was not computed */
  lqt_run(t, "{\"emp\":50}");
  assert_num(lqt_score(t, "s"), 5);
  lqt_free(t);
  t = lqt_new("score s {\n"
              "  +(bonus) \"bonus\" when emp > 0\n"
              "}\n");
  lqt_run(t, "{\"emp\":\"50\"}");   /* no bonus field, and emp is text */
  cr_assert_eq(text_vs_number(t), 1);
  lqt_free(t);
}

Test(ops, numbers_as_text_work_through_number) {
  assert_holds("number(company.employees) >= 1000", "{\"company\":{\"employees\":\"5,000\"}}");
}

Test(ops, wrong_types_are_counted_once_per_lead_per_site) {
  lqt *t = lqt_new("stage MQL when company.employees >= 1000\n");
  lqt_run(t, "{\"company\":{\"employees\":\"5000\"}}");
  lqt_run(t, "{\"company\":{\"employees\":\"7\"}}");
  lqt_run(t, "{\"company\":{\"employees\":5000}}");
  lqt_run(t, "{}");
  cr_assert_eq(t->p->nsites, 1);
  cr_assert_str_eq(t->p->sites[0].what, "company.employees");
  cr_assert_null(t->p->sites[0].other);
  cr_assert_eq(lq_eval_surprises(t->E, 0, LQ_V_STR, LQ_V_NUM), 2);
  cr_assert_eq(lq_eval_surprises(t->E, 0, LQ_V_MISSING, LQ_V_NUM), 0, "missing is not a wrong type");
  lqt_free(t);
}

Test(ops, wrong_type_in_one_lead_counted_once_even_if_met_twice) {
  lqt *t = lqt_new("score fit_grp { +1 \"a\" per items where size > 1 }\n");
  lqt_run(t, "{\"items\":[{\"size\":\"2\"},{\"size\":\"3\"},{\"size\":4}]}");
  cr_assert_eq(lq_eval_surprises(t->E, 0, LQ_V_STR, LQ_V_NUM), 1);
  assert_num(lqt_score(t, "fit_grp"), 1);
  lqt_free(t);
}

Test(ops, precedence_not_binds_looser_than_comparison) {
  assert_holds("not amount == 5", "{\"amount\":4}");
  assert_holds("a_flag or b_flag and c_flag", "{\"a_flag\":true}");
  assert_fails("(a_flag or b_flag) and c_flag", "{\"a_flag\":true}");
}

/* ======================================================================
 * Functions
 * ====================================================================== */

Test(fn, lower_upper_trim) {
  assert_ex_text("lower(name)", "{\"name\":\"AnA Ortiz\"}", "ana ortiz");
  assert_ex_text("upper(name)", "{\"name\":\"AnA Ortiz\"}", "ANA ORTIZ");
  assert_ex_text("upper(name)", "{\"name\":\"s\xc3\xa3o\"}", "S\xc3\xa3O");
  assert_ex_text("trim(name)", "{\"name\":\" \\t Ana \\r\\n\"}", "Ana");
  assert_ex_missing("trim(name)", "{\"name\":\"   \"}");
  assert_ex_missing("lower(amount)", "{\"amount\":5}");
  assert_ex_missing("trim(name)", "{}");
}

/* Text holding a \u0000 is compared, measured and matched whole. */
/* A number past a double's range is valid JSON but no number: missing. */
Test(ops, a_number_past_the_range_of_a_double_is_missing) {
  assert_holds("x is missing", "{\"x\":1e999}");
  assert_holds("x is missing", "{\"x\":-1e999}");
  assert_fails("x > 0", "{\"x\":1e999}");
  lqt *t = lqt_new("score s {\n  +(x) \"x\" when x is present\n  +(y) \"each\" per tags\n}\n");
  lqt_run(t, "{\"x\":1e999}");
  assert_num(lqt_score(t, "s"), 0);
  lqt_run(t, "{\"y\":1e308,\"tags\":[1,2,3]}");   /* 3e308 overflows: no points */
  assert_num(lqt_score(t, "s"), 0);
  lqt_free(t);
}

Test(ops, text_with_a_nul_is_whole) {
  assert_ex_num("len(name)", "{\"name\":\"a\\u0000b\"}", 3);
  assert_fails("name == \"a\"", "{\"name\":\"a\\u0000b\"}");
  assert_holds("name matches \"b$\"", "{\"name\":\"a\\u0000b\"}");
  assert_holds("name ends with \"b\"", "{\"name\":\"a\\u0000b\"}");
}

Test(fn, len_of_text_list_object) {
  assert_ex_num("len(name)", "{\"name\":\"Ana\"}", 3);
  assert_ex_num("len(name)", "{\"name\":\"S\xc3\xa3o\"}", 3);
  assert_ex_num("len(tags)", "{\"tags\":[1,2,3,4]}", 4);
  assert_ex_num("len(company)", "{\"company\":{\"a\":1,\"b\":2}}", 2);
  assert_ex_num("len(lead)", "{\"a\":1,\"b\":2,\"c\":3}", 3);
  assert_ex_missing("len(name)", "{\"name\":\"\"}");
  assert_ex_missing("len(name)", "{}");
  assert_ex_missing("len(amount)", "{\"amount\":12}");
}

Test(fn, domain_of_email) {
  assert_ex_text("domain(email)", "{\"email\":\"ana@GridCo.com\"}", "gridco.com");
  assert_ex_text("domain(email)", "{\"email\":\"\\\"a@b\\\"@last.example\"}", "last.example");
  assert_ex_text("domain(email)", "{\"email\":\"  ana@corp.io  \"}", "corp.io");
  assert_ex_missing("domain(email)", "{\"email\":\"ana@\"}");
  assert_ex_missing("domain(email)", "{}");
  assert_ex_missing("domain(email)", "{\"email\":42}");
}

Test(fn, domain_of_url_or_host) {
  assert_ex_text("domain(site)", "{\"site\":\"https://www.Example.com:8080/path?q=1#x\"}", "example.com");
  assert_ex_text("domain(site)", "{\"site\":\"http://shop.example.co.uk\"}", "shop.example.co.uk");
  assert_ex_text("domain(site)", "{\"site\":\"www.acme.io\"}", "acme.io");
  assert_ex_text("domain(site)", "{\"site\":\"acme.io/about\"}", "acme.io");
  assert_ex_missing("domain(site)", "{\"site\":\"\"}");
}

Test(fn, number_of_text) {
  assert_ex_num("number(n)", "{\"n\":\"1,200\"}", 1200);
  assert_ex_num("number(n)", "{\"n\":\" 42 \"}", 42);
  assert_ex_num("number(n)", "{\"n\":\"3.5\"}", 3.5);
  assert_ex_num("number(n)", "{\"n\":\"-7\"}", -7);
  assert_ex_num("number(n)", "{\"n\":\"1 000 000\"}", 1000000);
  assert_ex_num("number(n)", "{\"n\":17}", 17);
  assert_ex_missing("number(n)", "{\"n\":\"Select\"}");
  assert_ex_missing("number(n)", "{\"n\":\"n/a\"}");
  assert_ex_missing("number(n)", "{\"n\":\"\"}");
  assert_ex_missing("number(n)", "{\"n\":\"0x10\"}");
  assert_ex_missing("number(n)", "{\"n\":\"inf\"}");
  assert_ex_missing("number(n)", "{\"n\":\"12abc\"}");
  assert_ex_missing("number(n)", "{\"n\":true}");
  assert_ex_missing("number(n)", "{}");
}

Test(fn, coalesce_first_present) {
  assert_ex_text("coalesce(work_phone, mobile, \"none\")", "{\"mobile\":\"555\"}", "555");
  assert_ex_text("coalesce(work_phone, mobile, \"none\")", "{\"work_phone\":null}", "none");
  assert_ex_num("coalesce(flag_a, 1)", "{\"flag_a\":0}", 0);
  cr_assert(ex_eval("coalesce(flag_a, true)", "{\"flag_a\":false}").kind == LQ_V_BOOL);
  cr_assert(!ex_holds("coalesce(flag_a, true)", "{\"flag_a\":false}"));
  assert_ex_missing("coalesce(a_val, b_val)", "{}");
}

Test(fn, abs_floor_ceil) {
  assert_ex_num("abs(n)", "{\"n\":-3.5}", 3.5);
  assert_ex_num("abs(n)", "{\"n\":2}", 2);
  assert_ex_num("floor(n)", "{\"n\":-3.5}", -4);
  assert_ex_num("floor(n)", "{\"n\":3.9}", 3);
  assert_ex_num("ceil(n)", "{\"n\":3.1}", 4);
  assert_ex_num("ceil(n)", "{\"n\":-3.9}", -3);
  assert_ex_missing("abs(n)", "{\"n\":\"-3\"}");
  assert_ex_missing("floor(n)", "{}");
  assert_ex_missing("ceil(n)", "{\"n\":\"x\"}");
}

Test(fn, round_half_away_from_zero) {
  assert_ex_num("round(n)", "{\"n\":2.5}", 3);
  assert_ex_num("round(n)", "{\"n\":-2.5}", -3);
  assert_ex_num("round(n)", "{\"n\":2.4}", 2);
  assert_ex_num("round(n, 2)", "{\"n\":3.14159}", 3.14);
  assert_ex_num("round(n, 1)", "{\"n\":-0.25}", -0.3);
  assert_ex_num("round(n, -2)", "{\"n\":1250}", 1300);
  assert_ex_missing("round(n)", "{\"n\":\"2.5\"}");
  assert_ex_missing("round(n)", "{}");
}

Test(fn, min_and_max_of_list_or_arguments) {
  assert_ex_num("max(1, 7, 3)", "{}", 7);
  assert_ex_num("min(1, 7, -3)", "{}", -3);
  assert_ex_num("max(vals)", "{\"vals\":[4, 9, 2]}", 9);
  assert_ex_num("min(vals)", "{\"vals\":[4, 9, 2]}", 2);
  assert_ex_num("max(vals)", "{\"vals\":[4, \"90\", null, true, 2]}", 4);
  assert_ex_num("max(a_val, b_val)", "{\"b_val\":5}", 5);
  assert_ex_num("min(deals.amount)", "{\"deals\":[{\"amount\":30},{\"amount\":10},{}]}", 10);
}

Test(fn, min_max_missing_when_no_numbers) {
  assert_ex_missing("max(vals)", "{\"vals\":[]}");
  assert_ex_missing("max(vals)", "{\"vals\":[\"a\", \"b\"]}");
  assert_ex_missing("min(vals)", "{}");
  assert_ex_missing("min(a_val, b_val)", "{}");
}

Test(fn, sum_count) {
  assert_ex_num("sum(vals)", "{\"vals\":[1, 2.5, \"3\", null, 4]}", 7.5);
  assert_ex_num("sum(vals)", "{\"vals\":[]}", 0);
  assert_ex_missing("sum(vals)", "{}");
  assert_ex_num("sum(deals.amount)", "{\"deals\":[{\"amount\":100},{\"amount\":250},{\"x\":1}]}", 350);
  assert_ex_num("count(vals)", "{\"vals\":[1, null, 3]}", 3);
  assert_ex_num("count(vals)", "{}", 0);
  assert_ex_num("count(vals)", "{\"vals\":[]}", 0);
  assert_ex_num("count(events.at)", "{\"events\":[{\"at\":\"2026-01-01\"},{\"type\":\"x\"}]}", 1);
}

Test(fn, list_functions_take_where) {
  const char *lead = "{\"events\":[{\"type\":\"page_view\",\"n\":1},{\"type\":\"PAGE_VIEW\",\"n\":2},"
                     "{\"type\":\"demo\",\"n\":10},{\"n\":100}]}";
  assert_ex_num("count(events where type == \"page_view\")", lead, 2);
  assert_ex_num("sum(events.n)", lead, 113);
  assert_ex_num("count(events where n > 1)", lead, 3);
  assert_holds("any(events where type == \"demo\")", lead);
  assert_fails("any(events where type == \"webinar\")", lead);
  assert_holds("every(events where n > 0)", lead);
  assert_fails("every(events where type == \"nothing\")", lead);
}

Test(fn, any_every_semantics) {
  assert_holds("any(vals)", "{\"vals\":[false, null, 0]}");
  assert_fails("any(vals)", "{\"vals\":[false, null]}");
  assert_fails("any(vals)", "{\"vals\":[]}");
  assert_fails("any(vals)", "{}");
  assert_holds("every(vals)", "{\"vals\":[true, 1, \"x\"]}");
  assert_fails("every(vals)", "{\"vals\":[true, false]}");
  assert_fails("every(vals)", "{\"vals\":[true, null]}");
  assert_fails("every(vals)", "{\"vals\":[]}");
  assert_fails("every(vals)", "{}");
  /* every(L where C) is "C holds for each item", not any() of the filtered list. */
  assert_fails("every(events where type == \"pv\")", "{\"events\":[{\"type\":\"pv\"},{\"type\":\"click\"}]}");
  assert_holds("every(events where type == \"pv\")", "{\"events\":[{\"type\":\"pv\"},{\"type\":\"PV\"}]}");
}

Test(fn, latest_and_earliest_return_the_item) {
  const char *lead = "{\"events\":[{\"at\":\"2026-11-20T10:00:00+05:00\"},{\"at\":\"2026-11-20T06:00:00Z\"},"
                     "{\"at\":\"not a time\"},{\"at\":\"2026-01-02\"}]}";
  assert_ex_text("latest(events.at)", lead, "2026-11-20T06:00:00Z");
  assert_ex_text("earliest(events.at)", lead, "2026-01-02");
  assert_ex_missing("latest(events.at)", "{\"events\":[{\"at\":\"soon\"}]}");
  assert_ex_missing("latest(events.at)", "{}");
}

Test(fn, days_since_whole_days_down_with_fixed_now) {
  assert_ex_num("days_since(at)", "{\"at\":\"2026-11-20T10:00:00Z\"}", 1);
  assert_ex_num("days_since(at)", "{\"at\":\"2026-11-21T00:00:00Z\"}", 1);
  assert_ex_num("days_since(at)", "{\"at\":\"2026-11-21T12:00:00Z\"}", 0);
  assert_ex_num("days_since(at)", "{\"at\":\"2025-11-22\"}", 365);
  assert_ex_num("days_since(at)", "{\"at\":\"2026-11-23T00:00:00Z\"}", -1);
  assert_ex_num("days_since(at)", "{\"at\":\"2026-11-22T12:00:00Z\"}", -1);
  assert_ex_missing("days_since(at)", "{\"at\":\"yesterday\"}");
  assert_ex_missing("days_since(at)", "{\"at\":20261122}");
  assert_ex_missing("days_since(at)", "{}");
}

Test(fn, days_since_follows_the_evaluators_now) {
  ex_out o = ex_eval_at("", "days_since(at)", "{\"at\":\"2026-11-01\"}", t_time("2026-12-01T08:00:00Z"));
  cr_assert_eq(o.kind, LQ_V_NUM);
  assert_num(o.num, 30);
}

Test(fn, date_normalises_to_utc) {
  assert_ex_text("date(at)", "{\"at\":\"2026-11-22T10:00:00+01:00\"}", "2026-11-22T09:00:00Z");
  assert_ex_text("date(at)", "{\"at\":\"2026-11-22\"}", "2026-11-22T00:00:00Z");
  assert_ex_text("date(at)", "{\"at\":\"2026-11-22 23:30\"}", "2026-11-22T23:30:00Z");
  assert_ex_text("date(at)", "{\"at\":\"2026-01-01T00:30:00+0100\"}", "2025-12-31T23:30:00Z");
  assert_ex_missing("date(at)", "{\"at\":\"2026-13-01\"}");
  assert_ex_missing("date(at)", "{}");
}

/* ======================================================================
 * Fields and paths
 * ====================================================================== */

Test(paths, nested_fields_and_indexes) {
  const char *lead = "{\"company\":{\"hq\":{\"city\":\"Oslo\"}},\"events\":[{\"type\":\"a\"},{\"type\":\"b\"},{\"type\":\"c\"}]}";
  assert_ex_text("company.hq.city", lead, "Oslo");
  assert_ex_text("events[0].type", lead, "a");
  assert_ex_text("events[2].type", lead, "c");
  assert_ex_text("events[-1].type", lead, "c");
  assert_ex_text("events[-3].type", lead, "a");
  assert_ex_missing("events[3].type", lead);
  assert_ex_missing("events[-4].type", lead);
  assert_ex_missing("company[0]", lead);
  assert_ex_missing("company.hq.city.name", lead);
  assert_ex_missing("nothing.here", lead);
}

/* Each path has its own memo: a key spelt like an index is not the index. */
Test(paths, a_key_spelt_like_an_index_is_another_path) {
  lqt *t = lqt_new("score s {\n"
                   "  +1 \"index\" when a[0] == \"first\"\n"
                   "  +2 \"key\"   when a.`[0]` == \"key\"\n"
                   "}\n");
  lqt_run(t, "{\"a\":{\"[0]\":\"key\"}}");
  assert_num(lqt_score(t, "s"), 2);
  lqt_run(t, "{\"a\":[\"first\"]}");
  assert_num(lqt_score(t, "s"), 1);
  lqt_free(t);
}

Test(paths, lead_is_the_whole_lead) {
  assert_ex_text("lead.company.name", "{\"company\":{\"name\":\"Acme\"}}", "Acme");
  cr_assert_eq(ex_eval("lead", "{\"a\":1}").kind, LQ_V_OBJ);
}

Test(paths, projection_through_an_array) {
  const char *lead = "{\"events\":[{\"at\":\"2026-01-01\"},{\"type\":\"x\"},{\"at\":\"2026-02-01\"},{\"at\":null}]}";
  ex_out o = ex_eval("events.at", lead);
  cr_assert_eq(o.kind, LQ_V_LIST);
  cr_assert_eq(o.n, 2, "items without the field are left out");
  assert_holds("events.at == [\"2026-01-01\", \"2026-02-01\"]", lead);
}

Test(paths, projection_through_two_arrays_is_flattened) {
  const char *lead = "{\"accounts\":[{\"contacts\":[{\"email\":\"a@x.com\"},{\"email\":\"b@x.com\"}]},"
                     "{\"contacts\":[{\"email\":\"c@y.com\"}]},{\"contacts\":[]},{}]}";
  assert_ex_num("count(accounts.contacts.email)", lead, 3);
  assert_holds("accounts.contacts.email == [\"a@x.com\", \"b@x.com\", \"c@y.com\"]", lead);
  assert_holds("\"C@Y.com\" in accounts.contacts.email", lead);
}

Test(paths, backquoted_names_with_spaces) {
  assert_holds("`Lead Source` == \"google\"", "{\"Lead Source\":\"Google\"}");
  assert_holds("`Lead Source` is missing", "{\"LeadSource\":\"Google\"}");
  assert_ex_num("crm.`Prospect ID`", "{\"crm\":{\"Prospect ID\":42}}", 42);
  assert_holds("any(contacts where `Job Title` contains \"vp\")", "{\"contacts\":[{\"Job Title\":\"VP IT\"}]}");
}

Test(paths, where_scopes_bare_names_to_the_item) {
  /* type at the top level does not leak into the where. */
  assert_fails("any(events where type == \"demo\")", "{\"type\":\"demo\",\"events\":[{\"type\":\"page\"}]}");
  assert_holds("any(events where type == \"demo\")", "{\"type\":\"page\",\"events\":[{\"type\":\"demo\"}]}");
}

Test(paths, lead_reaches_the_lead_inside_where) {
  const char *lead = "{\"wanted\":\"demo\",\"events\":[{\"type\":\"page\"},{\"type\":\"demo\"}]}";
  assert_ex_num("count(events where type == lead.wanted)", lead, 1);
  assert_ex_num("count(events where type == wanted)", lead, 0);
}

Test(paths, nested_where) {
  const char *lead = "{\"accounts\":[{\"name\":\"a\",\"contacts\":[{\"role\":\"eng\"}]},"
                     "{\"name\":\"b\",\"contacts\":[{\"role\":\"VP\"},{\"role\":\"eng\"}]}]}";
  assert_ex_num("count(accounts where any(contacts where role == \"vp\"))", lead, 1);
  assert_ex_num("count(accounts where count(contacts) > 1)", lead, 1);
  assert_ex_num("count(accounts where every(contacts where role == \"eng\"))", lead, 1);  /* every(L where C): C holds for each item of L */
}

Test(paths, where_item_paths) {
  assert_ex_num("count(events where meta.source == \"ads\")",
                "{\"events\":[{\"meta\":{\"source\":\"Ads\"}},{\"meta\":{\"source\":\"seo\"}},{}]}", 1);
}

Test(paths, odd_shapes_never_fail) {
  assert_ex_missing("company.employees", "{\"company\":\"Acme\"}");
  assert_ex_num("count(events)", "{\"events\":{\"type\":\"x\"}}", 1);
  assert_fails("any(events where type == \"x\")", "{\"events\":\"x\"}");
  assert_ex_missing("events[0]", "{\"events\":[]}");
  assert_fails("company.employees >= 1000", "{\"company\":[{\"employees\":5000}]}");
}

Test(paths, field_names_are_exact) {
  assert_ex_missing("email", "{\"Email\":\"a@b.c\",\"EMAIL\":\"x\"}");
  assert_ex_missing("`email `", "{\"email\":\"a@b.c\"}");
  assert_ex_text("`email `", "{\"email \":\"x\"}", "x");
}

/* ======================================================================
 * Score groups
 * ====================================================================== */

Test(score, points_sum_when_conditions_hold) {
  lqt *t = lqt_new("score fit {\n"
                   "  +20 \"big\" when size_n >= 1000\n"
                   "  +10 \"mid\" when size_n between 200 and 999\n"
                   "  -30 \"free\" when free_flag\n"
                   "  +5 \"always\" when true\n"
                   "}\n");
  lqt_run(t, "{\"size_n\":5000}");
  assert_num(lqt_score(t, "fit"), 25);
  cr_assert(lqt_fired(t, "big"));
  cr_assert(!lqt_fired(t, "mid"));
  cr_assert(!lqt_fired(t, "free"));
  lqt_run(t, "{\"size_n\":500,\"free_flag\":true}");
  assert_num(lqt_score(t, "fit"), -15);
  assert_num(lqt_points(t, "free"), -30);
  lqt_free(t);
}

Test(score, group_cap_is_an_upper_bound_only) {
  lqt *t = lqt_new("score fit {\n  up to 60\n  +50 \"a\" when a_flag\n  +20 \"b\" when b_flag\n  -100 \"c\" when c_flag\n}\n");
  lqt_run(t, "{\"a_flag\":true,\"b_flag\":true}");
  assert_num(lqt_raw(t, "fit"), 70);
  assert_num(lqt_score(t, "fit"), 60);
  assert_num(lqt_points(t, "b"), 20); /* a rule's own points are before the group's cap */
  lqt_run(t, "{\"c_flag\":true}");
  assert_num(lqt_score(t, "fit"), -100); /* no floor: a group can go negative */
  lqt_free(t);
}

Test(score, computed_points) {
  lqt *t = lqt_new("score value_grp {\n+(deal.amount / 1000) \"deal size\" when deal.amount > 0\n}\n");
  lqt_run(t, "{\"deal\":{\"amount\":12500}}");
  assert_num(lqt_score(t, "value_grp"), 12.5);
  lqt_free(t);
}

Test(score, missing_or_non_number_points_give_nothing) {
  lqt *t = lqt_new("score bonus_grp {\n+(bonus) \"bonus\" when true\n+1 \"base\" when true\n}\n");
  lqt_run(t, "{}");
  cr_assert(!lqt_fired(t, "bonus"));
  assert_num(lqt_score(t, "bonus_grp"), 1);
  lqt_run(t, "{\"bonus\":\"5\"}");
  cr_assert(!lqt_fired(t, "bonus"));
  assert_num(lqt_score(t, "bonus_grp"), 1);
  lqt_run(t, "{\"bonus\":5}");
  assert_num(lqt_points(t, "bonus"), 5);
  assert_num(lqt_score(t, "bonus_grp"), 6);
  lqt_free(t);
}

Test(score, per_item_points_with_where_and_cap) {
  lqt *t = lqt_new("score eng {\n"
                   "  +2 \"page view\" per events where type == \"page_view\" up to 5\n"
                   "  +1 \"any event\" per events\n"
                   "}\n");
  lqt_run(t, "{\"events\":[{\"type\":\"page_view\"},{\"type\":\"page_view\"},{\"type\":\"page_view\"},{\"type\":\"click\"}]}");
  assert_num(lqt_points(t, "page view"), 5);
  assert_num(lqt_points(t, "any event"), 4);
  assert_num(lqt_score(t, "eng"), 9);
  lqt_run(t, "{\"events\":[{\"type\":\"page_view\"},{\"type\":\"click\"}]}");
  assert_num(lqt_points(t, "page view"), 2);
  lqt_free(t);
}

Test(score, per_rule_with_no_items_does_not_fire) {
  lqt *t = lqt_new("score eng {\n  +2 \"view\" per events where type == \"page_view\"\n}\n");
  lqt_run(t, "{\"events\":[{\"type\":\"click\"}]}");
  cr_assert(!lqt_fired(t, "view"));
  lqt_run(t, "{}");
  cr_assert(!lqt_fired(t, "view"));
  assert_num(lqt_score(t, "eng"), 0);
  lqt_free(t);
}

Test(score, per_over_a_projection) {
  lqt *t = lqt_new("score eng {\n  +3 \"tag\" per tags\n  +1 \"email\" per accounts.contacts.email\n}\n");
  lqt_run(t, "{\"tags\":[\"a\",\"b\"],\"accounts\":[{\"contacts\":[{\"email\":\"x\"},{\"email\":\"y\"}]},{\"contacts\":[{\"email\":\"z\"}]}]}");
  assert_num(lqt_points(t, "tag"), 6);
  assert_num(lqt_points(t, "email"), 3);
  lqt_free(t);
}

Test(score, negative_per_cap_bounds_the_deduction) {
  lqt *t = lqt_new("score hygiene {\n  -5 \"bounce\" per bounces up to 20\n}\n");
  lqt_run(t, "{\"bounces\":[1,2,3,4,5,6,7]}");
  assert_num(lqt_points(t, "bounce"), -20);
  lqt_run(t, "{\"bounces\":[1,2]}");
  assert_num(lqt_points(t, "bounce"), -10);
  lqt_free(t);
}

Test(score, decay_whole_periods) {
  const char *rules = "score eng {\n  decay 25% every 30 days since latest(events.at)\n  +100 \"base\" when true\n}\n";
  lqt *t = lqt_new(rules);
  lqt_run(t, "{\"events\":[{\"at\":\"2026-10-23\"}]}");   /* 30 days: one period */
  assert_num(lqt_score(t, "eng"), 75);
  lqt_run(t, "{\"events\":[{\"at\":\"2026-10-23T00:00:01Z\"}]}");   /* just under 30 days */
  assert_num(lqt_score(t, "eng"), 100);
  lqt_run(t, "{\"events\":[{\"at\":\"2026-09-01\"},{\"at\":\"2026-09-22\"}]}");   /* 61 days since the latest */
  assert_num(lqt_score(t, "eng"), 56.25);
  lqt_run(t, "{\"events\":[{\"at\":\"2025-11-22\"}]}");   /* 365 days: 12 periods */
  assert_num(lqt_score(t, "eng"), 100 * pow(0.75, 12));
  lqt_free(t);
}

Test(score, no_decay_when_time_missing_not_a_time_or_future) {
  lqt *t = lqt_new("score eng {\n  decay 50% every 1 days since last_seen\n  +10 \"base\" when true\n}\n");
  lqt_run(t, "{}");
  assert_num(lqt_score(t, "eng"), 10);
  lqt_run(t, "{\"last_seen\":\"last week\"}");
  assert_num(lqt_score(t, "eng"), 10);
  lqt_run(t, "{\"last_seen\":\"2027-01-01\"}");
  assert_num(lqt_score(t, "eng"), 10);
  lqt_run(t, "{\"last_seen\":\"2026-11-20\"}");
  assert_num(lqt_score(t, "eng"), 2.5);
  lqt_free(t);
}

Test(score, cap_applies_before_decay) {
  lqt *t = lqt_new("score eng {\n  up to 60\n  decay 50% every 10 days since seen_at\n  +100 \"base\" when true\n}\n");
  lqt_run(t, "{\"seen_at\":\"2026-11-12\"}");
  assert_num(lqt_raw(t, "eng"), 100);
  assert_num(lqt_score(t, "eng"), 30);
  lqt_free(t);
}

Test(score, decay_uses_the_evaluators_now) {
  const char *rules = "score eng {\n  decay 50% every 10 days since seen_at\n  +8 \"base\" when true\n}\n";
  lqt *t = lqt_new_at(rules, t_time("2026-12-22"));
  lqt_run(t, "{\"seen_at\":\"2026-11-22\"}");
  assert_num(lqt_score(t, "eng"), 1);
  lqt_free(t);
}

Test(score, group_values_and_total_in_later_expressions) {
  lqt *t = lqt_new("score fit { +30 \"a\" when true }\n"
                   "score engagement { +25 \"b\" when true }\n"
                   "stage MQL when fit + engagement >= 50\n"
                   "stage SQL when score >= 60\n"
                   "grade tier { \"hi\" when score == 55 \"lo\" otherwise }\n");
  lqt_run(t, "{}");
  assert_num(t->r->total, 55);
  assert_name(lqt_stage(t), "MQL");
  assert_name(lqt_grade(t, "tier"), "hi");
  lqt_free(t);
}

Test(score, empty_group_is_zero) {
  lqt *t = lqt_new("score nothing_grp { }\nstage MQL when nothing_grp == 0\n");
  lqt_run(t, "{}");
  assert_num(lqt_score(t, "nothing_grp"), 0);
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
}

Test(score, fractional_scores) {
  lqt *t = lqt_new("score fit { +2.5 \"a\" when true\n +0.25 \"b\" when true }\n");
  lqt_run(t, "{}");
  assert_num(lqt_score(t, "fit"), 2.75);
  lqt_free(t);
}

/* ======================================================================
 * Grades, stages, rejects, routes
 * ====================================================================== */

Test(grade, first_matching_arm_wins) {
  lqt *t = lqt_new("grade tier {\n  \"A\" when amount >= 40\n  \"B\" when amount >= 20\n  \"C\" otherwise\n}\n");
  lqt_run(t, "{\"amount\":50}");
  assert_name(lqt_grade(t, "tier"), "A");
  lqt_run(t, "{\"amount\":40}");
  assert_name(lqt_grade(t, "tier"), "A");
  lqt_run(t, "{\"amount\":39}");
  assert_name(lqt_grade(t, "tier"), "B");
  lqt_run(t, "{}");
  assert_name(lqt_grade(t, "tier"), "C");
  lqt_free(t);
}

Test(grade, no_match_is_none) {
  lqt *t = lqt_new("grade tier { \"A\" when amount > 1 }\nstage MQL when tier is missing\n");
  lqt_run(t, "{\"amount\":2}");
  assert_name(lqt_grade(t, "tier"), "A");
  assert_name(lqt_stage(t), NULL);
  lqt_run(t, "{\"amount\":0}");
  assert_name(lqt_grade(t, "tier"), NULL);
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
}

Test(grade, label_can_be_compared_in_expressions) {
  lqt *t = lqt_new("grade fit_cell { \"A1\" when big_co \"B2\" otherwise }\n"
                   "route \"top\" when fit_cell == \"a1\"\n"
                   "route \"rest\" when fit_cell in [\"B2\", \"C3\"]\n");
  lqt_run(t, "{\"big_co\":true}");
  assert_name(lqt_route(t), "top");
  lqt_run(t, "{}");
  assert_name(lqt_route(t), "rest");
  lqt_free(t);
}

Test(stage, last_declared_stage_that_holds) {
  lqt *t = lqt_new("stage Lead when true\nstage MQL when amount >= 50\nstage SQL when amount >= 80\n");
  lqt_run(t, "{\"amount\":10}");
  assert_name(lqt_stage(t), "Lead");
  lqt_run(t, "{\"amount\":60}");
  assert_name(lqt_stage(t), "MQL");
  lqt_run(t, "{\"amount\":90}");
  assert_name(lqt_stage(t), "SQL");
  lqt_free(t);
}

Test(stage, later_stage_counts_even_if_an_earlier_one_did_not_hold) {
  lqt *t = lqt_new("stage MQL when a_flag\nstage SQL when b_flag\n");
  lqt_run(t, "{\"b_flag\":true}");
  assert_name(lqt_stage(t), "SQL");
  cr_assert(!lqt_reached(t, "MQL"));
  lqt_run(t, "{}");
  assert_name(lqt_stage(t), NULL);
  lqt_free(t);
}

Test(stage, stage_name_is_true_when_its_condition_held) {
  lqt *t = lqt_new("stage MQL when amount >= 50\nstage SQL when MQL and budget_ok\n");
  lqt_run(t, "{\"amount\":60,\"budget_ok\":true}");
  assert_name(lqt_stage(t), "SQL");
  lqt_run(t, "{\"amount\":40,\"budget_ok\":true}");
  assert_name(lqt_stage(t), NULL);
  lqt_free(t);
}

Test(reject, first_firing_reject_is_the_reason_all_are_listed) {
  lqt *t = lqt_new("reject \"no contact\" when email is missing\n"
                   "reject \"no consent\" when consent == false\n"
                   "reject \"test lead\" when test_flag\n");
  lqt_run(t, "{\"consent\":false,\"test_flag\":true}");
  assert_name(lqt_rejected(t), "no contact");
  cr_assert(lqt_reject_fired(t, "no contact"));
  cr_assert(lqt_reject_fired(t, "no consent"));
  cr_assert(lqt_reject_fired(t, "test lead"));
  lqt_run(t, "{\"email\":\"a@b.c\",\"test_flag\":true}");
  assert_name(lqt_rejected(t), "test lead");
  cr_assert(!lqt_reject_fired(t, "no contact"));
  lqt_run(t, "{\"email\":\"a@b.c\"}");
  assert_name(lqt_rejected(t), NULL);
  lqt_free(t);
}

Test(reject, rejected_lead_gets_no_stage_or_route_but_keeps_scores_and_grades) {
  lqt *t = lqt_new("score fit { +40 \"a\" when true }\n"
                   "grade tier { \"A\" when fit >= 40 \"B\" otherwise }\n"
                   "reject \"spam\" when spam_flag\n"
                   "stage MQL when fit >= 40\n"
                   "stage SQL when MQL\n"
                   "route \"sdr\" when MQL\n"
                   "route \"nurture\" otherwise\n");
  lqt_run(t, "{\"spam_flag\":true}");
  assert_name(lqt_rejected(t), "spam");
  assert_name(lqt_stage(t), NULL);
  assert_name(lqt_route(t), NULL);
  assert_num(lqt_score(t, "fit"), 40);
  assert_name(lqt_grade(t, "tier"), "A");
  /* The stage name still means its condition held: SQL (when MQL) held too. */
  cr_assert(lqt_reached(t, "MQL"));
  cr_assert(lqt_reached(t, "SQL"));
  lqt_run(t, "{}");
  assert_name(lqt_stage(t), "SQL");
  assert_name(lqt_route(t), "sdr");
  lqt_free(t);
}

Test(reject, reject_declared_after_routes_still_removes_them) {
  lqt *t = lqt_new("stage MQL when true\nroute \"any\" otherwise\nreject \"late\" when late_flag\n");
  lqt_run(t, "{\"late_flag\":true}");
  assert_name(lqt_rejected(t), "late");
  assert_name(lqt_stage(t), NULL);
  assert_name(lqt_route(t), NULL);
  lqt_free(t);
}

Test(reject, rejected_is_usable_after_the_last_reject) {
  lqt *t = lqt_new("reject \"a\" when a_flag\nreject \"b\" when b_flag\n"
                   "grade status { \"out\" when rejected \"in\" otherwise }\n");
  lqt_run(t, "{\"b_flag\":true}");
  assert_name(lqt_grade(t, "status"), "out");
  lqt_run(t, "{}");
  assert_name(lqt_grade(t, "status"), "in");
  lqt_free(t);
}

Test(route, first_match_wins_with_otherwise) {
  lqt *t = lqt_new("route \"east\" when region == \"east\"\n"
                   "route \"big\" when size_n > 100\n"
                   "route \"rest\" otherwise\n");
  lqt_run(t, "{\"region\":\"East\",\"size_n\":500}");
  assert_name(lqt_route(t), "east");
  lqt_run(t, "{\"region\":\"west\",\"size_n\":500}");
  assert_name(lqt_route(t), "big");
  lqt_run(t, "{}");
  assert_name(lqt_route(t), "rest");
  lqt_free(t);
}

Test(route, no_match_means_no_route) {
  lqt *t = lqt_new("route \"east\" when region == \"east\"\n");
  lqt_run(t, "{\"region\":\"west\"}");
  assert_name(lqt_route(t), NULL);
  lqt_free(t);
}

Test(route, otherwise_first_shadows_later_routes) {
  lq_diags d;
  lq_program *p = t_compile("route \"all\" otherwise\nroute \"east\" when true\n", &d);
  cr_assert_eq(d.errors, 0);
  lq_eval *E = lq_eval_new(p, T_NOW);
  char why[128];
  cJSON *lead = t_parse_lead(lq_eval_scratch(E), "{}", 2, why, sizeof why);
  const lq_result *r = lq_eval_lead(E, lead);
  cr_assert_eq(r->route, 0);
  lq_eval_free(E);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ======================================================================
 * Defines and the evaluator across leads
 * ====================================================================== */

Test(define, defines_are_values_or_conditions) {
  lqt *t = lqt_new("define enterprise = company.employees >= 1000\n"
                   "define head_count = coalesce(company.employees, 0)\n"
                   "stage MQL when enterprise and head_count * 2 > 3000\n");
  lqt_run(t, "{\"company\":{\"employees\":2000}}");
  assert_name(lqt_stage(t), "MQL");
  lqt_run(t, "{\"company\":{\"employees\":1200}}");
  assert_name(lqt_stage(t), NULL);
  lqt_free(t);
}

Test(define, define_values_do_not_leak_between_leads) {
  lqt *t = lqt_new("define vip = tier_val == \"gold\"\n"
                   "score fit { +10 \"vip\" when vip }\n"
                   "stage MQL when vip\n"
                   "route \"vip\" when vip\n");
  lqt_run(t, "{\"tier_val\":\"gold\"}");
  assert_num(lqt_score(t, "fit"), 10);
  assert_name(lqt_route(t), "vip");
  lqt_run(t, "{\"tier_val\":\"silver\"}");
  assert_num(lqt_score(t, "fit"), 0);
  assert_name(lqt_stage(t), NULL);
  assert_name(lqt_route(t), NULL);
  lqt_run(t, "{\"tier_val\":\"GOLD\"}");
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
}

Test(define, define_used_inside_where_reads_the_lead) {
  lqt *t = lqt_new("define wanted = lead.kind_wanted\n"
                   "stage MQL when any(events where kind == wanted)\n");
  lqt_run(t, "{\"kind_wanted\":\"demo\",\"events\":[{\"kind\":\"demo\"}]}");
  assert_name(lqt_stage(t), "MQL");
  lqt_run(t, "{\"kind_wanted\":\"trial\",\"events\":[{\"kind\":\"demo\"}]}");
  assert_name(lqt_stage(t), NULL);
  lqt_free(t);
}

Test(define, results_reset_between_leads) {
  lqt *t = lqt_new("grade tier { \"A\" when a_flag }\n"
                   "reject \"r\" when r_flag\n"
                   "stage MQL when m_flag\n"
                   "route \"x\" when x_flag\n");
  lqt_run(t, "{\"a_flag\":true,\"r_flag\":true,\"m_flag\":true,\"x_flag\":true}");
  assert_name(lqt_rejected(t), "r");
  lqt_run(t, "{\"m_flag\":true,\"x_flag\":true}");
  assert_name(lqt_grade(t, "tier"), NULL);
  assert_name(lqt_rejected(t), NULL);
  cr_assert(!lqt_reject_fired(t, "r"));
  assert_name(lqt_stage(t), "MQL");
  assert_name(lqt_route(t), "x");
  lqt_run(t, "{}");
  assert_name(lqt_stage(t), NULL);
  assert_name(lqt_route(t), NULL);
  lqt_free(t);
}

Test(define, many_leads_through_one_evaluator) {
  lqt *t = lqt_new(ACME_RULES);
  for (int i = 0; i < 500; i++) {
    char lead[256];
    snprintf(lead, sizeof lead, "{\"email\":\"x@c%d.com\",\"company\":{\"employees\":%d}}", i, i * 10);
    lqt_run(t, lead);
    assert_num(lqt_score(t, "fit"), i * 10 >= 1000 ? 20 : (i * 10 >= 200 ? 10 : 0));
  }
  lqt_free(t);
}

/* ======================================================================
 * More corners
 * ====================================================================== */

Test(ops, mixed_constant_list) {
  assert_holds("val in [1, \"a\", true]", "{\"val\":\"A\"}");
  assert_holds("val in [1, \"a\", true]", "{\"val\":1}");
  assert_holds("val in [1, \"a\", true]", "{\"val\":true}");
  assert_fails("val in [1, \"a\", true]", "{\"val\":\"1\"}");
  assert_fails("val in [1, \"a\", true]", "{\"val\":false}");
}

Test(ops, between_times) {
  assert_holds("at between \"2026-11-01\" and \"2026-11-30\"", "{\"at\":\"2026-11-22T10:00:00+01:00\"}");
  assert_fails("at between \"2026-11-01\" and \"2026-11-30\"", "{\"at\":\"2026-12-01T00:30:00+01:00\"}");
  assert_holds("at between \"2026-11-01\" and \"2026-11-30\"", "{\"at\":\"2026-11-30T00:00:00Z\"}");
}

Test(paths, fields_of_a_define) {
  const char *decls = "define co = company\ndefine evs = events";
  cr_assert(ex_holds_with(decls, "co.employees == 12 and co.`Head Office`.city == \"Oslo\"",
                          "{\"company\":{\"employees\":12,\"Head Office\":{\"city\":\"Oslo\"}}}"));
  cr_assert(ex_holds_with(decls, "evs.kind == [\"a\", \"b\"] and evs[-1].kind == \"b\"",
                          "{\"events\":[{\"kind\":\"a\"},{\"kind\":\"b\"}]}"));
}

Test(fn, function_results_take_paths) {
  assert_ex_text("coalesce(primary_contact, backup_contact).email",
                 "{\"backup_contact\":{\"email\":\"b@x.io\"}}", "b@x.io");
}

Test(score, group_with_negative_sum_and_decay) {
  lqt *t = lqt_new("score risk_grp {\n  up to 10\n  decay 50% every 7 days since seen_at\n  -8 \"bad\" when true\n}\n");
  lqt_run(t, "{\"seen_at\":\"2026-11-08\"}");
  assert_num(lqt_score(t, "risk_grp"), -2);
  lqt_free(t);
}

Test(score, reasons_keep_per_rule_capped_points) {
  lqt *t = lqt_new("score eng {\n  up to 5\n  +2 \"view\" per views up to 6\n}\n");
  const lq_result *r = lqt_run(t, "{\"views\":[1,2,3,4,5]}");
  lq_buf b = {0};
  lq_out_decision(&b, t->p, r, T_ID_TEXT("x", 1));
  lq_buf_putc(&b, '\0');
  cr_assert(strstr(b.data, "\"scores\":{\"eng\":5}"), "%s", b.data);
  cr_assert(strstr(b.data, "{\"rule\":\"view\",\"group\":\"eng\",\"points\":6}"), "%s", b.data);
  lq_buf_free(&b);
  lqt_free(t);
}

/* Rules that walk the same list read each item's field once per lead (eval.c
 * item_field); what they decide must not change: a second lead with other
 * items, two lists whose items have a field of the same name, a `where`
 * inside a `where`, and an item that differs from the list's only by position. */
Test(ops, rules_walking_one_list_share_its_items_fields) {
  lqt *t = lqt_new("score s {\n"
                   "  +1 \"a\" per events where type == \"a\"\n"
                   "  +10 \"b\" per events where type == \"b\"\n"
                   "  +100 \"t\" per tasks where type == \"a\"\n"
                   "  +1000 \"n\" when any(events where type == \"b\" and any(tags where type == \"x\"))\n"
                   "  +10000 \"c\" per events where type == \"c\"\n"
                   "}\n");
  lqt_run(t, "{\"events\":[{\"type\":\"a\"},{\"type\":\"b\",\"tags\":[{\"type\":\"x\"}]},{\"type\":\"a\"}],"
             "\"tasks\":[{\"type\":\"b\"},{\"type\":\"a\"}]}");
  assert_num(lqt_points(t, "a"), 2);
  assert_num(lqt_points(t, "b"), 10);
  assert_num(lqt_points(t, "t"), 100);
  assert_num(lqt_points(t, "n"), 1000);
  cr_expect(!lqt_fired(t, "c"));
  /* The next lead's items are its own, as many of them, in another order. */
  lqt_run(t, "{\"events\":[{\"type\":\"c\"},{\"type\":\"b\",\"tags\":[{\"type\":\"y\"}]},{\"type\":\"c\"}],"
             "\"tasks\":[]}");
  assert_num(lqt_points(t, "c"), 20000);
  assert_num(lqt_points(t, "b"), 10);
  cr_expect(!lqt_fired(t, "a"));
  cr_expect(!lqt_fired(t, "t"));
  cr_expect(!lqt_fired(t, "n"));
  lqt_free(t);
}
