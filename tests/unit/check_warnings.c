/* check_warnings.c: `leadq check`'s warnings, and its errors for test blocks:
 * each fires where it should, at the right line and column, and not on good code. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

/* Number of warnings whose message contains needle. */
static int cw_count(const char *text, const char *needle) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  int n = 0;
  for (size_t i = 0; i < d.n; i++)
    if (d.items[i].severity == LQ_WARNING && strstr(d.items[i].message, needle)) n++;
  lq_program_free(p);
  lq_diags_free(&d);
  return n;
}

/* Asserts a warning containing needle at line:col, with a note, and no errors. */
static void cw_warns(const char *text, const char *needle, int line, int col) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "unexpected errors: %s\nin:\n%s", t_diag_all(&d, all, sizeof all), text);
  int i = t_diag_find(&d, needle);
  cr_assert(i >= 0, "no diagnostic contains \"%s\"; got %s\nin:\n%s", needle, t_diag_all(&d, all, sizeof all), text);
  cr_assert_eq(d.items[i].severity, LQ_WARNING, "\"%s\" should be a warning", d.items[i].message);
  cr_assert_not_null(d.items[i].note, "\"%s\" should say what to do", d.items[i].message);
  int l, c;
  t_diag_pos(p, &d, i, &l, &c);
  cr_assert_eq(l, line, "\"%s\" at line %d, expected %d", d.items[i].message, l, line);
  cr_assert_eq(c, col, "\"%s\" at col %d, expected %d", d.items[i].message, c, col);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* Asserts no errors and no warnings at all. */
static void cw_quiet(const char *text) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[4096];
  cr_assert_eq(d.errors + d.warnings, 0, "expected no diagnostics, got %s\nin:\n%s", t_diag_all(&d, all, sizeof all), text);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* A rule that uses a name, so the name is not unused; STAGE keeps rules quiet. */
#define NEVER "can never fire"

/* ---- the contract's file is clean ---- */

Test(check_warnings, contract_rules_have_no_warnings) { cw_quiet(ACME_RULES); }

Test(check_warnings, committed_acme_file_has_no_warnings) {
  cr_assert(access("rules/acme.lq", R_OK) == 0, "cannot read rules/acme.lq (run the tests from the top folder)");
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file("rules/acme.lq", &d);
  char all[4096];
  cr_assert_eq(d.errors + d.warnings, 0, "%s", t_diag_all(&d, all, sizeof all));
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ---- rules that can never fire ---- */

Test(check_warnings, contradictory_limits) {
  cw_warns("score interest {\n  +5 \"r\" when x > 10 and x < 5\n}\n",
           "rule \"r\" can never fire: 'x < 5' contradicts 'x > 10'", 2, 26);
}

Test(check_warnings, contradictory_texts) {
  cw_warns("stage MQL when industry == \"a\" and industry == \"b\"\n",
           "stage MQL can never be reached: 'industry == \"b\"' contradicts 'industry == \"a\"'", 1, 36);
}

/* Empty is missing: a lead's field is never blank text, so comparing it with
 * "" never holds; an expression that can give "" (coalesce) is not warned. */
Test(check_warnings, a_field_is_never_empty_text) {
  cw_warns("stage MQL when email == \"\"\n", "'email == \"\"' is never true: empty text in a lead is a missing value",
           1, 16);
  cw_warns("stage MQL when company.name in [\"\", \" \"]\n", "is never true: empty text", 1, 16);
  cw_quiet("stage MQL when coalesce(email, \"\") == \"\"\n");
  cw_quiet("stage MQL when email in [\"\", \"a@b.c\"]\n");
  cw_quiet("stage MQL when email is missing\n");
}

Test(check_warnings, between_upside_down) {
  cw_warns("reject \"r\" when size between 10 and 5\n", "reject \"r\" can never fire: 'size between 10 and 5' is never true", 1, 17);
  cr_assert_eq(cw_count("reject \"r\" when size between 5 and 10\n", NEVER), 0);
  cr_assert_eq(cw_count("reject \"r\" when size between 5 and 5\n", NEVER), 0);
}

Test(check_warnings, a_number_compared_with_text) {
  cw_warns("score fit { +1 \"a\" when x }\nstage MQL when fit == \"high\"\n",
           "'fit == \"high\"' is never true: fit is a number", 2, 16);
  cw_warns("stage MQL when count(events) >= \"3\"\n", "count(events) is a number", 1, 16);
  cw_warns("stage MQL when \"x\" < len(name)\n", "len(name) is a number", 1, 16);
  cw_warns("stage MQL when lower(name) == 3\n", "lower(name) is text", 1, 16);
}

Test(check_warnings, fields_of_unknown_type_never_warn) {
  /* A lead field may be text, a number or a list: nothing is known statically. */
  cr_assert_eq(cw_count("stage MQL when company.employees > \"1000\"\n", NEVER), 0);
  cr_assert_eq(cw_count("stage MQL when tags == 3\nstage SQL when MQL and tags > \"a\"\n", "never"), 0);
  /* ...but one field cannot be a number and a text at once. */
  cr_assert_eq(cw_count("stage MQL when tags == 3 and tags > \"a\"\n", NEVER), 0);
  cr_assert_eq(cw_count("stage MQL when tags == 3 and tags > \"a\"\n", "contradicts"), 1);
  cr_assert_eq(cw_count("stage MQL when events.type == \"demo\" and events.type != 3\n", "never"), 0);
}

Test(check_warnings, a_grade_compared_with_a_label_it_lacks) {
  const char *g = "grade tier { \"A\" when x > 1  \"B\" otherwise }\n";
  char buf[512];
  snprintf(buf, sizeof buf, "%sroute \"r\" when tier == \"Z\"\n", g);
  cw_warns(buf, "route \"r\" can never be chosen: 'tier == \"Z\"' is never true: grade tier has no such label", 2, 16);
  snprintf(buf, sizeof buf, "%sroute \"r\" when tier == \"b\" or tier in [\"a\", \"z\"]\n", g);
  cr_assert_eq(cw_count(buf, "never"), 0, "labels compare ignoring case");
}

Test(check_warnings, contradiction_through_a_define) {
  cw_warns("define big = company.employees >= 1000\n"
           "score s {\n  +2 \"small big\" when big and company.employees < 100\n}\n",
           "rule \"small big\" can never fire: 'company.employees < 100' contradicts 'company.employees >= 1000' (line 1)",
           3, 31);
}

Test(check_warnings, a_define_that_is_never_true_is_reported_once) {
  const char *text = "define odd = x > 2 and x < 1\nstage MQL when odd\nstage SQL when MQL and odd\n";
  cw_warns(text, "define 'odd' is never true: 'x < 1' contradicts 'x > 2'", 1, 24);
  cr_assert_eq(cw_count(text, "never"), 1);
}

Test(check_warnings, contradiction_inside_where) {
  cw_warns("score s {\n  +1 \"p\" per events where type == \"a\" and type == \"b\"\n}\n",
           "rule \"p\" can never fire: 'type == \"b\"' contradicts 'type == \"a\"'", 2, 43);
  cw_warns("stage MQL when any(events where n > 3 and n < 1)\n", "stage MQL can never be reached: 'n < 1' contradicts 'n > 3'", 1, 43);
  /* The lead's field and an item's field of the same name are different values. */
  cr_assert_eq(cw_count("stage MQL when type == \"a\" and any(events where type == \"b\")\n", "never"), 0);
}

Test(check_warnings, not_and_or) {
  cw_warns("stage MQL when budget.ok and not budget.ok\n", "'not budget.ok' contradicts 'budget.ok'", 1, 30);
  cw_warns("stage MQL when x == 1 and x != 1\n", "'x != 1' contradicts 'x == 1'", 1, 27);
  cr_assert_eq(cw_count("stage MQL when x == 1 and not (x == 2)\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when (x > 10 and x < 5) or y\n", "never"), 0);
  cw_warns("stage MQL when (x > 10 and x < 5) or (y == 1 and y == 2)\n", "stage MQL can never be reached", 1, 28);
  /* not of a text ordering is not exact, so it is left alone. */
  cr_assert_eq(cw_count("stage MQL when not (x > \"m\") and x > \"n\"\n", "never"), 0);
}

Test(check_warnings, consistent_limits_are_quiet) {
  cr_assert_eq(cw_count("stage MQL when x > 5 and x < 10\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x >= 5 and x <= 5\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x > 5 and x < 5.5\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x != 5 and x == 6\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x is missing and x == null\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x in [\"a\", \"b\"] and x == \"B\"\n", "never"), 0);
  cr_assert_eq(cw_count("stage MQL when x > 1 and y < 0\n", "never"), 0);
}

Test(check_warnings, missing_and_lists) {
  cw_warns("stage MQL when x is missing and x > 1\n", "'x > 1' contradicts 'x is missing'", 1, 33);
  cw_warns("stage MQL when x in []\n", "'x in []' is never true", 1, 16);
  cw_warns("list kinds = [\"a\"]\nstage MQL when x in kinds and x == \"b\"\n", "'x == \"b\"' contradicts 'x in kinds'", 2, 31);
  cw_warns("stage MQL when x > null\n", "'x > null' is never true", 1, 16);
}

Test(check_warnings, constant_and_number_conditions) {
  cw_warns("route \"r\" when false\n", "route \"r\" can never be chosen: 'false' is never true", 1, 16);
  cw_warns("route \"r\" when count(events)\n", "it is a number, and a condition holds only when it is true", 1, 16);
  cr_assert_eq(cw_count("route \"r\" when true\n", "never"), 0);
  cw_warns("grade g { \"A\" when 1 * 2  \"B\" otherwise }\n", "grade g can never be \"A\"", 1, 20);
}

/* ---- order: after otherwise ---- */

Test(check_warnings, route_after_otherwise) {
  cw_warns("route \"a\" otherwise\nroute \"b\" when x\n", "route \"b\" can never be chosen: 'otherwise' (line 1) comes first", 2, 1);
}

Test(check_warnings, grade_label_after_otherwise) {
  cw_warns("grade grading {\n  \"A\" otherwise\n  \"B\" when x\n}\n", "grade 'grading' never reaches this label: 'otherwise' (line 2) comes first", 3, 3);
}

/* ---- unused ---- */

Test(check_warnings, unused_define_and_list) {
  const char *text = "list spare = [\"a\"]\ndefine extra = x > 1\nstage MQL when y\n";
  cw_warns(text, "list 'spare' is never used", 1, 6);
  cw_warns(text, "define 'extra' is never used", 2, 8);
}

Test(check_warnings, used_through_defines_is_used) {
  cr_assert_eq(cw_count("list kinds = [\"a\"]\ndefine first = x in kinds\ndefine second = first and y\nstage MQL when second\n", "never used"), 0);
}

Test(check_warnings, used_only_by_unused_defines_is_unused) {
  const char *text = "define first = x\ndefine second = first and y\nstage MQL when z\n";
  cw_warns(text, "define 'first' is never used", 1, 8);
  cw_warns(text, "define 'second' is never used", 2, 8);
}

Test(check_warnings, unused_is_not_reported_when_names_do_not_resolve) {
  /* enterprize is a typo (an error): it may be the use the define is missing. */
  cr_assert_eq(cw_count("define enterprise = x > 1\nstage MQL when enterprize\n", "never used"), 0);
}

Test(check_warnings, vocabulary_without_rules_does_not_warn) {
  cw_quiet("list spare = [\"a\"]\ndefine extra = x > 1\nteam sales \"T\"\n");
}

Test(check_warnings, included_vocabulary_does_not_warn) {
  char dir[] = "/tmp/lq-cw-XXXXXX";
  cr_assert(mkdtemp(dir));
  char shared[64], main_path[64];
  snprintf(shared, sizeof shared, "%s/shared.lq", dir);
  snprintf(main_path, sizeof main_path, "%s/main.lq", dir);
  FILE *f = fopen(shared, "w");
  fputs("list spare = [\"x\"]\ndefine spare_def = x\nteam spare_team \"S\"\n", f);
  fclose(f);
  f = fopen(main_path, "w");
  fputs("include \"shared.lq\"\nstage MQL when y\n", f);
  fclose(f);
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(main_path, &d);
  char all[4096];
  cr_assert_eq(d.errors + d.warnings, 0, "%s", t_diag_all(&d, all, sizeof all));
  lq_program_free(p);
  lq_diags_free(&d);
  unlink(shared);
  unlink(main_path);
  rmdir(dir);
}

Test(check_warnings, team_owning_no_rule) {
  const char *text = "team sales \"S\"\nteam ops \"O\"\nstage MQL by sales when x\n";
  cw_warns(text, "team 'ops' owns no rule", 2, 6);
  cr_assert_eq(cw_count(text, "team 'sales'"), 0);
  cr_assert_eq(cw_count("team t \"T\"\ngrade g by t { \"A\" otherwise }\n", "owns no rule"), 0);
}

/* ---- duplicate labels ---- */

Test(check_warnings, same_label_twice_in_a_group) {
  cw_warns("score interest {\n  +1 \"x\" when a\n  +2 \"x\" when b\n}\n", "score group 'interest' already has a rule labelled \"x\" (line 2)", 3, 6);
  cr_assert_eq(cw_count("score interest { +1 \"x\" when a }\nscore fitness { +1 \"x\" when a }\n", "already has"), 0);
}

/* ---- shadowing ---- */

Test(check_warnings, field_named_like_a_define) {
  const char *text = "define enterprise = x > 1\nstage MQL when enterprise and `enterprise` == 3\n";
  cw_warns(text, "field `enterprise` has the same name as define 'enterprise' (line 1); a bare enterprise means the define", 2, 31);
  cw_warns("define big = x > 1\nstage MQL when big and lead.big\n", "field `big` has the same name as define 'big'", 2, 29);
  cr_assert_eq(cw_count("define big = x > 1\nstage MQL when big and `big` and `big`\n", "same name"), 1, "once per name");
}

/* ---- stages in order ---- */

Test(check_warnings, stage_that_skips_the_one_before) {
  const char *text = "stage MQL when x\nstage SQL when y and z\n";
  cw_warns(text, "stage SQL does not refer to an earlier stage, so a lead can reach it without reaching MQL", 2, 16);
  cr_assert_eq(cw_count("stage MQL when x\nstage SQL when MQL and y\n", "earlier stage"), 0);
  cr_assert_eq(cw_count("stage MQL when x\ndefine ready = MQL and y\nstage SQL when ready\n", "earlier stage"), 0);
  cr_assert_eq(cw_count("stage A when x\nstage B when A\nstage C when A and y\n", "earlier stage"), 0);
}

/* ---- test blocks ---- */

#define RULES_FOR_TESTS                                  \
  "score fit { +5 \"big\" when x > 1 }\n"                \
  "grade tier { \"A\" when fit > 3  \"B\" otherwise }\n" \
  "reject \"no consent\" when c == false\n"              \
  "stage MQL when fit > 1\n"                             \
  "stage SQL when MQL and y\n"                           \
  "route \"east\" when SQL\n"                            \
  "route \"west\" otherwise\n"

static void cw_test_error(const char *expect_line, const char *needle, int col) {
  char buf[2048];
  snprintf(buf, sizeof buf, RULES_FOR_TESTS "test \"t\" {\n  lead {\"id\": 1}\n  %s\n}\n", expect_line);
  t_expect_error(buf, needle, 10, col);
}

Test(check_warnings, valid_expectations_are_quiet) {
  cw_quiet(RULES_FOR_TESTS
           "test \"t\" {\n  now \"2026-11-22\"\n  lead {\"id\": 1}\n"
           "  expect stage SQL\n  expect stage none\n  expect route \"east\"\n  expect route none\n"
           "  expect rejected \"no consent\"\n  expect rejected\n  expect not rejected\n"
           "  expect fit 5\n  expect fit -5\n  expect score 70\n  expect grade tier \"A\"\n  expect grade tier none\n"
           "  expect reason \"big\"\n  expect reason \"no consent\"\n  expect not reason \"big\"\n}\n");
}

Test(check_warnings, expected_stage_must_exist) {
  cw_test_error("expect stage SQLL", "unknown stage 'SQLL'; did you mean 'SQL'?", 16);
  cw_test_error("expect stage Opportunity", "unknown stage 'Opportunity'", 16);
}

Test(check_warnings, expected_route_must_exist) {
  cw_test_error("expect route \"eastt\"", "unknown route \"eastt\"; did you mean \"east\"?", 16);
}

Test(check_warnings, expected_reject_reason_must_exist) {
  cw_test_error("expect rejected \"no consnt\"", "unknown reject reason \"no consnt\"; did you mean \"no consent\"?", 19);
}

Test(check_warnings, expected_reason_must_exist) {
  cw_test_error("expect reason \"bigg\"", "unknown reason \"bigg\"; did you mean \"big\"?", 17);
  cw_test_error("expect not reason \"nope nope\"", "unknown reason \"nope nope\"", 21);
}

Test(check_warnings, expected_grade_and_label_must_exist) {
  cw_test_error("expect grade tierr \"A\"", "unknown grade 'tierr'; did you mean 'tier'?", 16);
  cw_test_error("expect grade tier \"Z\"", "grade tier has no label \"Z\"", 21);
}

Test(check_warnings, expected_score_group_must_exist) {
  cw_test_error("expect fitt 10", "unknown score group 'fitt'; did you mean 'fit'?", 10);
}

Test(check_warnings, expected_owner) {
  /* RULES_FOR_TESTS routes to no one: no lead can have an owner */
  cw_test_error("expect owner \"ana@acme.example\"", "no route has an owner, so no lead can go to this one", 16);
  cw_test_error("expect owner 1042", "no route has an owner", 16);
  cw_quiet(RULES_FOR_TESTS "test \"t\" {\n  lead {\"id\": 1}\n  expect owner none\n}\n");
  const char *routed = "stage MQL when x\nroute \"sdr\" to rep when MQL\n"
                       "test \"t\" {\n  lead {\"x\": true, \"rep\": \"ana\"}\n  expect owner \"ana\"\n"
                       "  expect owner 42\n  expect owner -1\n  expect owner none\n}\n";
  cw_quiet(routed);
  t_expect_error("route \"sdr\" to rep when true\ntest \"t\" {\n  lead {}\n  expect owner \" \"\n}\n",
                 "an owner is never empty", 4, 16);
  t_expect_error("route \"sdr\" to rep when true\ntest \"t\" {\n  lead {}\n  expect not owner \"a\"\n}\n",
                 "unknown expectation", 4, 3);
  t_expect_error("route \"sdr\" to rep when true\ntest \"t\" {\n  lead {}\n  expect owner ana\n}\n",
                 "unknown expectation", 4, 3);
  /* with a score group named owner, `owner N` is that group, as it always was */
  cw_quiet("score owner { +5 \"x\" when true }\ntest \"t\" {\n  lead {}\n  expect owner 5\n}\n");
}

Test(check_warnings, unknown_expectation_forms) {
  cw_test_error("expect banana split", "unknown expectation 'expect banana split'", 3);
  cw_test_error("expect stage \"SQL\"", "unknown expectation 'expect stage \"SQL\"'", 3);
  cw_test_error("expect route east", "unknown expectation", 3);
  cw_test_error("expect score", "unknown expectation", 3);
  cw_test_error("expect not stage SQL", "unknown expectation", 3);
  cw_test_error("expect grade tier", "unknown expectation", 3);
}

Test(check_warnings, the_note_lists_the_valid_forms) {
  lq_diags d;
  lq_program *p = t_compile("test \"t\" { lead {} expect what }\n", &d);
  int i = t_diag_find(&d, "unknown expectation");
  cr_assert(i >= 0);
  cr_assert(strstr(d.items[i].note, "stage NAME") && strstr(d.items[i].note, "not reason \"LABEL\""));
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check_warnings, every_error_in_one_run_with_warnings) {
  lq_diags d;
  lq_program *p = t_compile(RULES_FOR_TESTS "route \"late\" when y\n"
                            "test \"t\" {\n  lead {}\n  expect stage X\n  expect route \"Y\"\n}\n", &d);
  cr_assert_eq(d.errors, 2);
  cr_assert_eq(d.warnings, 1);
  lq_program_free(p);
  lq_diags_free(&d);
}
