/* check.c: name resolution and the checker's errors and warnings. */
#include "check.h"
#include "helpers.h"

/* ---- unknown names and did-you-mean ---- */

Test(check, typo_of_a_define_is_an_error_with_did_you_mean) {
  t_expect_error("define enterprise = company.employees >= 1000\n"
                 "stage MQL when enterprize\n",
                 "unknown name 'enterprize'; did you mean 'enterprise'?", 2, 16);
}

Test(check, typo_error_has_a_note_about_backquotes) {
  lq_diags d;
  lq_program *p = t_compile("define enterprise = true\nstage MQL when enterprize\n", &d);
  int i = t_diag_find(&d, "did you mean 'enterprise'");
  cr_assert(i >= 0);
  cr_assert_not_null(d.items[i].note);
  cr_assert(strstr(d.items[i].note, "`enterprize`"), "note: %s", d.items[i].note);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, short_names_allow_one_edit) {
  t_expect_error("stage MQL when true\nstage SQL when MQX\n", "did you mean 'MQL'?", 2, 16);
  /* Two edits from a four-letter name is not a typo: it is a field. */
  t_expect_clean("define abcd = true\nstage MQL when abxy == 1\n");
}

Test(check, long_names_allow_two_edits) {
  t_expect_error("define work_email = true\nstage MQL when wrok_email\n", "did you mean 'work_email'?", 2, 16);
  /* Three edits is a field. */
  t_expect_clean("define work_email = true\nstage MQL when wxyz_email == 1\n");
}

Test(check, typo_of_a_score_group_grade_stage_and_list) {
  t_expect_error("score engagement { +1 \"a\" when true }\nstage MQL when engagment > 1\n",
                 "did you mean 'engagement'?", 2, 16);
  t_expect_error("grade priority { \"A\" otherwise }\nstage MQL when priorty == \"A\"\n",
                 "did you mean 'priority'?", 2, 16);
  t_expect_error("list competitors = [\"x\"]\nstage MQL when email in competitor\n",
                 "did you mean 'competitors'?", 2, 25);
}

/* Was a bug: field names near the built-ins (`store`, `head`, `rejects`) were
 * refused as typos of `score`, `lead`, `rejected`; only declared names count. */
Test(check, field_names_near_builtins_are_fields) {
  t_expect_clean("stage MQL when store == \"x\"\n");
  t_expect_clean("stage MQL when scope == \"x\"\n");
  t_expect_clean("stage MQL when head == \"x\"\n");
}

Test(check, backquoted_name_is_always_a_field) {
  t_expect_clean("define enterprise = true\nstage MQL when `enterprize` == 1\n");
  /* Even when it spells a declared name exactly. */
  lqt *t = lqt_new("define enterprise = true\nstage MQL when `enterprise` == \"field\"\n");
  lqt_run(t, "{\"enterprise\":\"field\"}");
  assert_name(lqt_stage(t), "MQL");
  lqt_run(t, "{}");
  assert_name(lqt_stage(t), NULL);
  lqt_free(t);
}

Test(check, far_name_is_a_field) {
  t_expect_clean("define enterprise = true\nstage MQL when budget.confirmed\n");
}

Test(check, field_names_match_case_exactly) {
  lqt *t = lqt_new("stage MQL when Email is present\n");
  lqt_run(t, "{\"email\":\"a@b.c\"}");
  assert_name(lqt_stage(t), NULL);
  lqt_run(t, "{\"Email\":\"a@b.c\"}");
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
}

Test(check, unknown_function_with_did_you_mean) {
  t_expect_error("stage MQL when lowr(email) == \"x\"\n", "unknown function 'lowr'; did you mean 'lower'?", 1, 16);
  t_expect_error("stage MQL when frobnicate(email)\n", "unknown function 'frobnicate'", 1, 16);
}

Test(check, function_argument_counts) {
  t_expect_error("stage MQL when lower() == \"x\"\n", "lower() takes 1 argument, not 0", 1, 16);
  t_expect_error("stage MQL when round(1, 2, 3) == 1\n", "round() takes 1 to 2 arguments, not 3", 1, 16);
  t_expect_error("stage MQL when coalesce() == 1\n", "coalesce() takes at least 1 argument", 1, 16);
  t_expect_clean("stage MQL when coalesce(a_1, a_2, a_3, 4) == 4 and round(1.5) == 2 and max(1, 2, 3) == 3\n");
}

Test(check, where_only_in_list_functions) {
  t_expect_error("stage MQL when lower(events where kind == \"a\") == \"x\"\n", "'where' filters a list", 1, 22);
  t_expect_error("stage MQL when max(events where kind == \"a\", 2) == 1\n", "'where' filters a list", 1, 20);
  t_expect_clean("stage MQL when count(events where kind == \"a\") > 1 and any(events where kind == \"b\")\n");
}

/* ---- define before use ---- */

Test(check, name_declared_later_is_an_error_that_says_so) {
  t_expect_error("stage SQL when enterprise\n"
                 "define enterprise = true\n",
                 "'enterprise' is declared later (line 2)", 1, 16);
}

Test(check, stage_used_before_it_is_declared) {
  t_expect_error("stage SQL when MQL_stage\nstage MQL_stage when true\n", "'MQL_stage' is declared later (line 2)", 1, 16);
}

Test(check, name_used_in_its_own_declaration) {
  t_expect_error("define loop_def = loop_def and true\n", "'loop_def' is used in its own declaration", 1, 19);
  t_expect_error("score fit { +1 \"a\" when fit > 0 }\n", "'fit' is used in its own declaration", 1, 25);
}

Test(check, score_total_only_after_last_group) {
  t_expect_error("score fit { +1 \"a\" when true }\n"
                 "stage MQL when score > 1\n"
                 "score engagement { +1 \"b\" when true }\n",
                 "'score' is the total of every score group, so it can only be used after the last one (line 3)", 2, 16);
  t_expect_clean("score fit { +1 \"a\" when true }\nscore engagement { +1 \"b\" when true }\nstage MQL when score > 1\n");
}

Test(check, rejected_only_after_last_reject) {
  t_expect_error("reject \"one\" when a_flag\nroute \"r\" when not rejected\nreject \"two\" when b_flag\n",
                 "'rejected' depends on every reject rule", 2, 20);
  t_expect_clean("reject \"one\" when a_flag\nroute \"r\" when not rejected\n");
}

Test(check, reserved_names) {
  cr_assert_gt(t_errors("define score = 1\n"), 0);
  t_expect_error("list lead = [1]\n", "'lead' is a reserved name", 1, 6);
  t_expect_error("stage rejected when true\n", "'rejected' is a reserved name", 1, 7);
}

Test(check, names_share_one_namespace) {
  t_expect_error("list vip = [\"a\"]\ndefine vip = true\n", "'vip' is already declared as a list (line 1)", 2, 8);
  t_expect_error("score fit { }\nstage fit when true\n", "'fit' is already declared as a score group (line 1)", 2, 7);
}

Test(check, one_ruleset_line) {
  t_expect_error("ruleset \"a\" version \"1\"\nruleset \"b\" version \"2\"\n", "the ruleset is already named (line 1)", 2, 1);
}

Test(check, list_holds_constants) {
  t_expect_error("list l_items = [\"a\", some_field]\n", "a list holds constants", 1, 22);
}

/* ---- teams ---- */

Test(check, by_declared_team_is_fine) {
  t_expect_clean("team sales \"S\"\nteam marketing \"M\"\n"
                 "score fit by marketing { +1 \"a\" when true }\n"
                 "grade tier by sales { \"A\" otherwise }\n"
                 "reject \"r\" by sales when false\n"
                 "stage MQL by marketing when true\n"
                 "route \"x\" by sales when MQL\n"
                 "route \"y\" by sales otherwise\n");
}

Test(check, unknown_team_with_did_you_mean) {
  t_expect_error("team sales \"S\"\nstage MQL by sale when true\n", "unknown team 'sale'; did you mean 'sales'?", 2, 14);
  t_expect_error("team marketing \"M\"\nscore fit by marketting { }\n", "unknown team 'marketting'; did you mean 'marketing'?", 2, 14);
}

Test(check, unknown_team_far_from_any_says_declare_it) {
  lq_diags d;
  lq_program *p = t_compile("team sales \"S\"\nreject \"r\" by legal when true\n", &d);
  int i = t_diag_find(&d, "unknown team 'legal'");
  cr_assert(i >= 0);
  cr_assert_null(strstr(d.items[i].message, "did you mean"));
  cr_assert_not_null(d.items[i].note);
  cr_assert(strstr(d.items[i].note, "team legal"), "%s", d.items[i].note);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 15);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, team_declared_after_use) {
  t_expect_error("stage MQL by sales when true\nteam sales \"S\"\n", "team 'sales' is declared later (line 2)", 1, 14);
}

Test(check, team_declared_twice) {
  t_expect_error("team sales \"S\"\nteam sales \"T\"\n", "team 'sales' is already declared (line 1)", 2, 6);
}

Test(check, owner_is_recorded_by_index) {
  lqt *t = lqt_new("team sales \"S\"\nteam marketing \"M\"\nstage MQL by marketing when true\nroute \"r\" by sales otherwise\n");
  cr_assert_eq(t->p->stages[0].owner, 1);
  cr_assert_eq(t->p->routes[0].owner, 0);
  lqt_free(t);
}

/* ---- every error in one pass ---- */

Test(check, every_error_is_reported_in_one_pass) {
  lq_diags d;
  lq_program *p = t_compile("team sales \"S\"\n"
                            "define enterprise = true\n"
                            "stage MQL by sals when enterprize\n"      /* 2 errors */
                            "stage SQL when later_one\n"               /* declared later */
                            "define later_one = lowr(email)\n"         /* unknown function */
                            "reject \"r\" by legal when email matches \"((\"\n", /* team, regex */
                            &d);
  cr_assert_eq(d.errors, 6, "got %zu errors", d.errors);
  cr_assert(t_diag_find(&d, "unknown team 'sals'") >= 0);
  cr_assert(t_diag_find(&d, "unknown name 'enterprize'") >= 0);
  cr_assert(t_diag_find(&d, "'later_one' is declared later") >= 0);
  cr_assert(t_diag_find(&d, "unknown function 'lowr'") >= 0);
  cr_assert(t_diag_find(&d, "unknown team 'legal'") >= 0);
  cr_assert(t_diag_find(&d, "bad regular expression") >= 0);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, errors_beyond_the_limit_are_counted_not_kept) {
  char text[8192] = "define enterprise = true\n";
  for (int i = 0; i < 60; i++) strcat(text, "stage S_x when enterprize\n");
  /* Stage names repeat: the duplicate-name errors count too. */
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  cr_assert_gt(d.errors, 60);
  cr_assert_leq(d.n, d.max_errors);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, program_with_errors_is_not_built) {
  lq_diags d;
  lq_program *p = t_compile("stage MQL when enterprize\ndefine enterprise = true\n", &d);
  cr_assert_gt(d.errors, 0);
  cr_assert_eq(p->nstages, 0, "no program is built when there are errors");
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ---- other checks ---- */

Test(check, regex_is_checked_at_compile_time) {
  t_expect_error("stage MQL when title matches \"((\"\n", "bad regular expression", 1, 30);
  t_expect_error("stage MQL when title matches pattern_field\n", "'matches' needs a regular expression in quotes", 1, 30);
}

Test(check, decay_bounds) {
  t_expect_error("score s_grp { decay 0% every 30 days since t_at }\n", "decay is a percentage above 0 and at most 100", 1, 15);
  t_expect_error("score s_grp { decay 150% every 30 days since t_at }\n", "decay is a percentage above 0 and at most 100", 1, 15);
  t_expect_error("score s_grp { decay 10% every 0 days since t_at }\n", "decay needs a period of at least one day", 1, 31);
  t_expect_clean("score s_grp { decay 100% every 1 days since t_at }\n");
}

Test(check, one_cap_and_one_decay_per_group) {
  t_expect_error("score s_grp {\n up to 10\n up to 20\n}\n", "already has a cap (line 2)", 3, 2);
  t_expect_error("score s_grp {\n decay 10% every 5 days since t_at\n decay 10% every 5 days since t_at\n}\n",
                 "already decays (line 2)", 3, 2);
}

Test(check, grade_needs_labels) {
  t_expect_error("grade empty_grade { }\n", "grade 'empty_grade' has no labels", 1, 1);
}

Test(check, arms_after_otherwise_warn) {
  lq_diags d;
  lq_program *p = t_compile("grade tier { \"A\" otherwise \"B\" when true }\n", &d);
  cr_assert_eq(d.errors, 0);
  cr_assert_eq(d.warnings, 1);
  int i = t_diag_find(&d, "never reaches this label");
  cr_assert(i >= 0);
  cr_assert_eq(d.items[i].severity, LQ_WARNING);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, routes_after_otherwise_warn) {
  lq_diags d;
  lq_program *p = t_compile("route \"a\" otherwise\nroute \"b\" when true\n", &d);
  cr_assert_eq(d.errors, 0);
  cr_assert_eq(d.warnings, 1);
  int i = t_diag_find(&d, "route \"b\" can never be chosen: 'otherwise' (line 1) comes first");
  cr_assert(i >= 0);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(check, declared_names_keep_their_meaning_inside_where) {
  lqt *t = lqt_new("list wanted_kinds = [\"demo\", \"trial\"]\n"
                   "define wanted = \"webinar\"\n"
                   "stage MQL when any(events where kind in wanted_kinds)\n"
                   "stage SQL when any(events where kind == wanted)\n");
  lqt_run(t, "{\"events\":[{\"kind\":\"Demo\"}], \"wanted_kinds\":[\"x\"], \"wanted\":\"demo\"}");
  cr_assert(lqt_reached(t, "MQL"));
  cr_assert(!lqt_reached(t, "SQL"));
  lqt_run(t, "{\"events\":[{\"kind\":\"webinar\"}]}");
  cr_assert(lqt_reached(t, "SQL"));
  lqt_free(t);
}

/* ---- edit distance ---- */

Test(check, edit_distance) {
  cr_assert_eq(lq_edit_distance("kitten", 6, "sitting", 7, 5), 3);
  cr_assert_eq(lq_edit_distance("abc", 3, "abc", 3, 2), 0);
  cr_assert_eq(lq_edit_distance("", 0, "abc", 3, 5), 3);
  cr_assert_eq(lq_edit_distance("abcdef", 6, "a", 1, 2), 3, "capped at cap + 1");
  cr_assert_eq(lq_edit_distance("ab", 2, "ba", 2, 2), 2);
}
