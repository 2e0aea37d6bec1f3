/* lex_parse.c: the lexer and parser: every declaration, tokens, syntax errors. */
#include "helpers.h"
#include "parse.h"

#include <sys/stat.h>
#include <unistd.h>

/* The syntax tree of text as S-expressions (lq_ast_dump), into buf. */
static void dump_ast(const char *text, char *buf, size_t size) {
  lq_diags d;
  lq_program *p = t_compile(text, &d);
  char all[2048];
  cr_assert_eq(d.errors, 0, "%s", t_diag_all(&d, all, sizeof all));
  char *mem = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&mem, &len);
  cr_assert(f);
  lq_ast_dump(f, p->decls);
  fclose(f);
  snprintf(buf, size, "%s", mem);
  free(mem);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ---- whole files and every declaration ---- */

Test(parse, contract_file_compiles_cleanly) {
  lq_diags d;
  lq_program *p = t_compile(ACME_RULES, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "%s", t_diag_all(&d, all, sizeof all));
  cr_assert_eq(d.warnings, 0);
  cr_assert_str_eq(p->name, "acme");
  cr_assert_str_eq(p->version, "2026.4");
  cr_assert_eq(p->nteams, 2);
  cr_assert_eq(p->ndefines, 3);
  cr_assert_eq(p->ngroups, 2);
  cr_assert_eq(p->nrules, 9);
  cr_assert_eq(p->nrejects, 3);
  cr_assert_eq(p->ngrades, 1);
  cr_assert_eq(p->nstages, 2);
  cr_assert_eq(p->nroutes, 5);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(parse, contract_tests_are_parsed_as_test_blocks) {
  lq_diags d;
  lq_program *p = t_compile(ACME_RULES, &d);
  int tests = 0, expects = 0, leads = 0, nows = 0;
  for (lq_node *n = p->decls; n; n = n->next) {
    if (n->kind != LQ_TEST) continue;
    tests++;
    for (lq_node *k = n->kids; k; k = k->next) {
      expects += k->kind == LQ_EXPECT;
      leads += k->kind == LQ_TEST_LEAD;
      nows += k->kind == LQ_TEST_NOW;
    }
  }
  cr_assert_eq(tests, 2);
  cr_assert_eq(expects, 7);
  cr_assert_eq(leads, 2);
  cr_assert_eq(nows, 1);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(parse, team_records_name_and_who) {
  lqt *t = lqt_new("team sales \"Mandy Ortiz <mandy@acme.example>\"\n");
  cr_assert_eq(t->p->nteams, 1);
  cr_assert_str_eq(t->p->teams[0].name, "sales");
  cr_assert_str_eq(t->p->teams[0].who, "Mandy Ortiz <mandy@acme.example>");
  lqt_free(t);
}

Test(parse, ruleset_is_optional_and_name_comes_from_file) {
  lqt *t = lqt_new("stage MQL when true\n");
  cr_assert_str_eq(t->p->name, "t");   /* t.lq without .lq */
  cr_assert_null(t->p->version);
  lqt_free(t);
}

Test(parse, declaration_spans_lines) {
  lqt *t = lqt_new("stage\n  MQL\n  when\n  x ==\n  1\n");
  cr_assert_eq(t->p->nstages, 1);
  lqt_run(t, "{\"x\":1}");
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
}

Test(parse, score_group_items) {
  lqt *t = lqt_new("score eng {\n"
                   "  up to 60\n"
                   "  decay 25% every 30 days since latest(events.at)\n"
                   "  +2 \"view\" per events where type == \"page_view\" up to 20\n"
                   "  +25 \"demo\" when any(events where type == \"demo\")\n"
                   "  -5 \"neg\" when x\n"
                   "}\n");
  const lq_group *g = &t->p->groups[0];
  cr_assert_str_eq(g->name, "eng");
  cr_assert(g->has_cap);
  assert_num(g->cap, 60);
  cr_assert(g->has_decay);
  assert_num(g->decay_keep, 0.75);
  assert_num(g->decay_every, 30);
  cr_assert_eq(g->nrules, 3);
  const lq_rule *r = &t->p->rules[0];
  cr_assert_str_eq(r->label, "view");
  cr_assert(r->per);
  cr_assert(r->has_cap);
  assert_num(r->cap, 20);
  cr_assert(!t->p->rules[1].per);
  cr_assert(!t->p->rules[1].has_cap);
  cr_assert_eq(t->p->rules[2].points->op, LQ_OP_CONST);
  assert_num(t->p->rules[2].points->k.num, -5);
  lqt_free(t);
}

Test(parse, up_to_after_per_rule_caps_the_rule_not_the_group) {
  lqt *t = lqt_new("score s {\n  +1 \"a\" per items up to 2\n}\n");
  cr_assert(t->p->rules[0].has_cap);
  cr_assert(!t->p->groups[0].has_cap);
  lqt_free(t);
}

Test(parse, up_to_after_when_rule_caps_the_group) {
  lqt *t = lqt_new("score grp {\n  +1 \"a\" when amount\n  up to 2\n}\n");
  cr_assert(t->p->groups[0].has_cap);
  cr_assert(!t->p->rules[0].has_cap);
  assert_num(t->p->groups[0].cap, 2);
  lqt_free(t);
}

Test(parse, signed_number_before_label_starts_a_new_rule) {
  /* `when any(events) +10 "next"` is two rules, never an addition. */
  lqt *t = lqt_new("score s { +5 \"first\" when any(events) +10 \"next\" when true }\n");
  cr_assert_eq(t->p->nrules, 2);
  cr_assert_str_eq(t->p->rules[1].label, "next");
  lqt_run(t, "{\"events\":[1]}");
  assert_num(lqt_score(t, "s"), 15);
  lqt_free(t);
}

Test(parse, computed_points_at_line_start) {
  lqt *t = lqt_new("score total_pts {\n+(n * 2) \"double\" when true\n-(n) \"minus\" when true\n}\n");
  cr_assert_eq(t->p->nrules, 2);
  lqt_run(t, "{\"n\":7}");
  assert_num(lqt_points(t, "double"), 14);
  assert_num(lqt_points(t, "minus"), -7);
  assert_num(lqt_score(t, "total_pts"), 7);
  lqt_free(t);
}

/* Was a bug (fixed in 5c88cc0): an indented `+(` line did not parse. */
Test(parse, computed_points_on_an_indented_line) {
  lqt *t = lqt_new("score total_pts {\n  +(n * 2) \"double\" when true\n  -(n) \"minus\" when true\n}\n");
  cr_assert_eq(t->p->nrules, 2);
  lqt_run(t, "{\"n\":7}");
  assert_num(lqt_points(t, "double"), 14);
  assert_num(lqt_points(t, "minus"), -7);
  lqt_free(t);
}

Test(parse, points_with_space_after_sign) {
  lqt *t = lqt_new("score s {\n  + 3 \"a\" when true\n  - 1.5 \"b\" when true\n}\n");
  lqt_run(t, "{}");
  assert_num(lqt_score(t, "s"), 1.5);
  lqt_free(t);
}

Test(parse, grade_arms_and_otherwise) {
  lqt *t = lqt_new("grade tier { \"A\" when amount > 1 \"B\" when amount > 0 \"C\" otherwise }\n");
  cr_assert_eq(t->p->grades[0].narms, 3);
  cr_assert_str_eq(t->p->grades[0].arms[2].label, "C");
  cr_assert_null(t->p->grades[0].arms[2].cond);
  cr_assert_not_null(t->p->grades[0].arms[0].cond);
  lqt_free(t);
}

Test(parse, reject_stage_route_with_owner) {
  lqt *t = lqt_new("team sales \"S\"\n"
                   "reject \"bad\" by sales when x\n"
                   "stage MQL by sales when y\n"
                   "route \"r1\" by sales when MQL\n"
                   "route \"r2\" by sales otherwise\n");
  cr_assert_eq(t->p->rejects[0].owner, 0);
  cr_assert_eq(t->p->stages[0].owner, 0);
  cr_assert_eq(t->p->routes[0].owner, 0);
  cr_assert_eq(t->p->routes[1].owner, 0);
  cr_assert_null(t->p->routes[1].cond);
  cr_assert_str_eq(t->p->rejects[0].name, "bad");
  lqt_free(t);
}

Test(parse, declarations_without_owner_have_none) {
  lqt *t = lqt_new("stage MQL when y\nroute \"r\" otherwise\n");
  cr_assert_eq(t->p->stages[0].owner, -1);
  cr_assert_eq(t->p->routes[0].owner, -1);
  lqt_free(t);
}

Test(parse, list_declaration_is_constant_set) {
  lqt *t = lqt_new("list big = [\"a\", \"b\", 3, -4, true, null,]\n"
                   "stage MQL when amount in big\n");
  const lq_expr *in = t->p->stages[0].cond;
  cr_assert_eq(in->op, LQ_OP_IN);
  cr_assert_not_null(in->set, "membership in a declared list is hashed");
  cr_assert_eq(in->set->count, 5, "null is left out, the rest counted");
  lqt_free(t);
}

/* Writes text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

/* Removes the files the include tests write, then the directories. */
static void remove_tree(const char *dir) {
  static const char *const files[] = {"shared/vocab.lq", "main.lq", "bad.lq", "a.lq", "b.lq"};
  char path[600];
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/shared", dir);
  rmdir(path);
  cr_assert_eq(rmdir(dir), 0, "cannot remove %s", dir);
}

Test(parse, include_reads_a_file_relative_to_the_including_one) {
  char dir[] = "/tmp/lq-unit-XXXXXX";
  cr_assert(mkdtemp(dir));
  char sub[600];
  snprintf(sub, sizeof sub, "%s/shared", dir);
  cr_assert_eq(mkdir(sub, 0700), 0);
  write_file(sub, "vocab.lq", "list free_email = [\"gmail.com\"]\ndefine work_email = domain(email) not in free_email\n");
  write_file(dir, "main.lq", "include \"shared/vocab.lq\"\nstage MQL when work_email\n");
  char path[600];
  snprintf(path, sizeof path, "%s/main.lq", dir);
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(path, &d);
  char all[2048];
  cr_assert_eq(d.errors, 0, "%s", t_diag_all(&d, all, sizeof all));
  cr_assert_str_eq(p->name, "main");
  cr_assert_eq(p->ndefines, 1);
  cr_assert_eq(p->sources.n, 2);
  lq_eval *E = lq_eval_new(p, T_NOW);
  char why[100];
  cJSON *lead = t_parse_lead(lq_eval_scratch(E), "{\"email\":\"a@corp.com\"}", 22, why, sizeof why);
  cr_assert_not_null(lead, "%s", why);
  cr_assert_eq(lq_eval_lead(E, lead)->stage, 0);
  lq_eval_reset(E);
  lead = t_parse_lead(lq_eval_scratch(E), "{\"email\":\"a@gmail.com\"}", 23, why, sizeof why);
  cr_assert_eq(lq_eval_lead(E, lead)->stage, -1);
  lq_eval_free(E);
  lq_program_free(p);
  lq_diags_free(&d);
  remove_tree(dir);
}

Test(parse, include_errors_point_into_the_included_file) {
  char dir[] = "/tmp/lq-unit-XXXXXX";
  cr_assert(mkdtemp(dir));
  write_file(dir, "bad.lq", "# shared\nlist l_items = [\"a\" \"b\"]\n");
  write_file(dir, "main.lq", "include \"bad.lq\"\n");
  char path[600];
  snprintf(path, sizeof path, "%s/main.lq", dir);
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(path, &d);
  int i = t_diag_find(&d, "expected ',' or ']'");
  cr_assert(i >= 0);
  const char *file = p->sources.files[d.items[i].span.file].path;
  cr_assert(strstr(file, "bad.lq"), "error in %s", file);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 21);
  lq_program_free(p);
  lq_diags_free(&d);
  remove_tree(dir);
}

Test(parse, include_cycle_is_an_error) {
  char dir[] = "/tmp/lq-unit-XXXXXX";
  cr_assert(mkdtemp(dir));
  write_file(dir, "a.lq", "include \"b.lq\"\nstage MQL when true\n");
  write_file(dir, "b.lq", "include \"a.lq\"\n");
  char path[600];
  snprintf(path, sizeof path, "%s/a.lq", dir);
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(path, &d);
  cr_assert_gt(d.errors, 0);
  cr_assert(t_diag_find(&d, "includes itself") >= 0);
  lq_program_free(p);
  lq_diags_free(&d);
  remove_tree(dir);
}

Test(parse, include_missing_file_is_an_error) {
  t_expect_error("include \"no/such/file.lq\"\n", "cannot read", 1, 9);
}

Test(parse, test_block_keeps_lead_json_verbatim) {
  lq_diags d;
  lq_program *p = t_compile("stage MQL when true\ntest \"x\" {\n  now \"2026-11-22\"\n  lead {\"a\": {\"b\": \"}\"}}\n  expect stage MQL\n}\n", &d);
  char all[2048];
  cr_assert_eq(d.errors, 0, "%s", t_diag_all(&d, all, sizeof all));
  lq_node *test = p->decls->next;
  cr_assert_eq(test->kind, LQ_TEST);
  lq_node *lead = test->kids->next;
  cr_assert_eq(lead->kind, LQ_TEST_LEAD);
  cr_assert_eq(lead->str.n, strlen("{\"a\": {\"b\": \"}\"}}"));
  cr_assert(!memcmp(lead->str.s, "{\"a\": {\"b\": \"}\"}}", lead->str.n));
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ---- tokens ---- */

Test(lex, declaration_words_work_as_field_names) {
  assert_holds("version == \"v2\" and stage == \"lead\" and scorecard == 1",
               "{\"version\":\"v2\",\"stage\":\"lead\",\"scorecard\":1}");
  assert_holds("lead.route == \"east\"", "{\"route\":\"east\"}");
}

Test(lex, backquoted_field_holds_spaces_and_punctuation) {
  assert_holds("`Lead Source` == \"Google\"", "{\"Lead Source\":\"Google\"}");
  assert_holds("`a.b` == 1", "{\"a.b\":1, \"a\":{\"b\":2}}");
  assert_holds("company.`Head Count` == 12", "{\"company\":{\"Head Count\":12}}");
}

Test(lex, text_escapes) {
  assert_holds("x == \"a\\\"b\\\\c\\/d\"", "{\"x\":\"a\\\"b\\\\c/d\"}");
  assert_holds("x == \"tab\\there\"", "{\"x\":\"tab\\there\"}");
  assert_holds("x == \"line\\nbreak\"", "{\"x\":\"line\\nbreak\"}");
  assert_holds("x == \"caf\\u00e9\"", "{\"x\":\"caf\xc3\xa9\"}");
  assert_holds("x == \"\\u20ac\"", "{\"x\":\"\xe2\x82\xac\"}");
}

Test(lex, numbers) {
  assert_ex_num("12", "{}", 12);
  assert_ex_num("0.5", "{}", 0.5);
  assert_ex_num("1e6", "{}", 1e6);
  assert_ex_num("2.5E-1", "{}", 0.25);
  assert_ex_num("-5", "{}", -5);
}

Test(lex, two_word_operators_allow_any_white_space) {
  assert_holds("x not\n   in [\"b\"]", "{\"x\":\"a\"}");
  assert_holds("x starts    with \"ab\"", "{\"x\":\"abc\"}");
  assert_holds("x ends\twith any [\"q\", \"c\"]", "{\"x\":\"abc\"}");
  assert_holds("x is\n missing", "{}");
  assert_holds("x contains  any [\"b\"]", "{\"x\":\"abc\"}");
}

Test(lex, contains_followed_by_a_name_starting_with_any) {
  /* `contains anything` is `contains` and the field `anything`. */
  assert_holds("x contains anything", "{\"x\":\"abc\",\"anything\":\"b\"}");
  assert_fails("x contains anything", "{\"x\":\"abc\",\"anything\":\"z\"}");
}

Test(lex, not_followed_by_a_name_starting_with_in) {
  /* `not inside` is `not` and the field `inside`. */
  assert_holds("not inside", "{\"inside\":false}");
  assert_fails("not inside", "{\"inside\":true}");
}

Test(lex, comments_run_to_end_of_line) {
  lqt *t = lqt_new("# a comment\nstage MQL when x == 1 # trailing\n# stage SQL when true\n");
  cr_assert_eq(t->p->nstages, 1);
  lqt_free(t);
}

Test(lex, comments_are_kept_with_trailing_flag) {
  const char *text = "# head\nstage MQL when x # after code\n  # own line\n";
  lq_arena a;
  lq_arena_init(&a, 4096);
  lq_sources src;
  lq_sources_init(&src);
  lq_diags d;
  lq_diags_init(&d);
  char *copy = strdup(text);
  uint32_t f = lq_sources_add(&src, "c.lq", copy, strlen(text));
  lq_comment *c = NULL;
  lq_node *decls = lq_parse_file(&a, &src, &d, f, &c);
  cr_assert_eq(d.errors, 0);
  cr_assert_not_null(decls);
  int n = 0;
  const char *want[] = {"# head", "# after code", "# own line"};
  bool trailing[] = {false, true, false};
  for (lq_comment *k = c; k; k = k->next, n++) {
    cr_assert(n < 3);
    cr_assert_eq(k->span.end - k->span.begin, strlen(want[n]));
    cr_assert(!memcmp(text + k->span.begin, want[n], strlen(want[n])), "comment %d", n);
    cr_assert_eq(k->trailing, trailing[n], "comment %d trailing", n);
  }
  cr_assert_eq(n, 3);
  lq_diags_free(&d);
  lq_sources_free(&src);
  lq_arena_free(&a);
}

Test(lex, hash_inside_text_is_not_a_comment) {
  assert_holds("x == \"#1\"", "{\"x\":\"#1\"}");
}

/* ---- precedence ---- */

Test(parse, precedence_or_and_not_comparison) {
  char buf[1024];
  dump_ast("define d = alpha or beta and not gamma == 1\n", buf, sizeof buf);
  cr_assert_str_eq(buf, "(DEFINE \"d\" (OR (NAME \"alpha\") (AND (NAME \"beta\") (NOT (EQ (NAME \"gamma\") (NUM 1))))))\n");
}

Test(parse, precedence_arithmetic) {
  char buf[1024];
  dump_ast("define d = 1 + 2 * 3 - -4 / 2 >= 0\n", buf, sizeof buf);
  cr_assert_str_eq(buf,
                   "(DEFINE \"d\" (GE (SUB (ADD (NUM 1) (MUL (NUM 2) (NUM 3))) (DIV (NEG (NUM 4)) (NUM 2))) (NUM 0)))\n");
  assert_ex_num("1 + 2 * 3 - -4 / 2", "{}", 9);
  assert_ex_num("(1 + 2) * 3", "{}", 9);
  assert_ex_num("10 - 4 - 3", "{}", 3);
  assert_ex_num("24 / 4 / 2", "{}", 3);
}

Test(parse, paths_and_negative_index) {
  char buf[1024];
  dump_ast("define d = events[-1].type\n", buf, sizeof buf);
  cr_assert_str_eq(buf, "(DEFINE \"d\" (GET \"type\" (INDEX -1 (NAME \"events\"))))\n");
}

Test(parse, between_takes_three_operands) {
  char buf[1024];
  dump_ast("define d = amount between 1 and 2 and flag\n", buf, sizeof buf);
  cr_assert_str_eq(buf, "(DEFINE \"d\" (AND (BETWEEN (NAME \"amount\") (NUM 1) (NUM 2)) (NAME \"flag\")))\n");
}

/* ---- syntax errors ---- */

Test(syntax, missing_keyword_names_what_was_expected_and_where) {
  t_expect_error("ruleset \"acme\" \"2026\"\n", "expected 'version' after '\"acme\"', found '\"2026\"", 1, 16);
}

/* Was a bug (fixed in 5c88cc0): the closing quote was missing. */
Test(syntax, found_token_is_quoted_on_both_sides) {
  t_expect_error("ruleset \"acme\" \"2026\"\n", "expected 'version' after '\"acme\"', found '\"2026\"'", 1, 16);
}

Test(syntax, points_rule_without_when_or_per) {
  t_expect_error("score fit {\n  +10 \"a\" whn x\n}\n", "expected 'when' or 'per' after '\"a\"', found 'whn", 2, 11);
}

Test(syntax, list_items_need_commas) {
  t_expect_error("list l = [\"a\" \"b\"]\n", "expected ',' or ']' after '\"a\"', found '\"b\"", 1, 15);
}

Test(syntax, team_without_who) {
  t_expect_error("team sales\nteam mk \"x\"\n", "expected a quoted text after 'sales', found 'team", 2, 1);
}

/* At the end of the file the error points just past the last token. */
Test(syntax, end_of_file_is_named) {
  t_expect_error("team sales \"x\"\nteam\n\n\n", "found the end of the file", 2, 5);
}

/* Was a bug (fixed in 5c88cc0): the message named the token before the last one
 * ("after '"x"'"). */
Test(syntax, end_of_file_error_names_the_last_token) {
  t_expect_error("team sales \"x\"\nteam\n", "expected a name after 'team', found the end of the file", 2, 5);
}

Test(syntax, unexpected_end_of_file) {
  t_expect_error("define d = a_val <\n", "unexpected end of file after '<'", 1, 19);
}

Test(syntax, comparisons_do_not_chain) {
  t_expect_error("define d = a_val < b_val < c_val\n", "'<'", 1, 26);
}

Test(syntax, unclosed_text) {
  t_expect_error("define d = \"abc\n", "this text is never closed", 1, 12);
}

Test(syntax, unclosed_backquote) {
  t_expect_error("define d = `abc\n", "this field name is never closed", 1, 12);
}

Test(syntax, unexpected_character) {
  t_expect_error("define d = a_val $ b_val\n", "unexpected character '$'", 1, 18);
}

Test(syntax, unknown_escape) {
  t_expect_error("define d = \"a\\qb\"\n", "unknown escape '\\q'", 1, 12);
}

Test(syntax, bad_unicode_escape) {
  t_expect_error("define d = \"\\u12\"\n", "bad \\u escape", 1, 12);
  t_expect_error("define d = \"\\ud800\"\n", "bad \\u escape", 1, 12);
}

Test(syntax, unclosed_lead_json_in_test) {
  t_expect_error("test \"t\" {\n  lead {\"a\": 1\n", "never closed", 2, 8);
}

Test(syntax, unclosed_parenthesis_reported_at_next_declaration) {
  t_expect_error("define d = (a_val\nstage MQL when true\n", "expected 'and', 'or' or ')' after 'a_val', found 'stage", 2, 1);
}

Test(syntax, several_syntax_errors_reported_in_one_pass) {
  lq_diags d;
  lq_program *p = t_compile("team sales\n"
                            "stage MQL when true\n"
                            "score s {\n  +1 \"a\" whn x\n}\n"
                            "list l = [\"a\" \"b\"]\n",
                            &d);
  cr_assert_geq(d.errors, 3);
  int a = t_diag_find(&d, "after 'sales'"), b = t_diag_find(&d, "found 'whn"), c = t_diag_find(&d, "found '\"b\"");
  cr_assert(a >= 0 && b >= 0 && c >= 0);
  int l1, l2, l3, col;
  t_diag_pos(p, &d, a, &l1, &col);
  t_diag_pos(p, &d, b, &l2, &col);
  t_diag_pos(p, &d, c, &l3, &col);
  cr_assert_eq(l1, 2);
  cr_assert_eq(l2, 4);
  cr_assert_eq(l3, 6);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(syntax, column_counts_characters_not_bytes) {
  /* "é" is two bytes but one column. */
  t_expect_error("define d = \"\xc3\xa9\" $\n", "unexpected character '$'", 1, 16);
}

Test(syntax, index_must_be_whole) {
  t_expect_error("define d = events[1.5]\n", "a list index is a whole number", 1, 12);
}

Test(syntax, computed_points_must_start_the_line) {
  /* `+(` mid-line is an addition, which cannot start a points rule. */
  cr_assert_gt(t_errors("score s { +1 \"a\" when true +(2) \"b\" when true }\n"), 0);
}

Test(syntax, crlf_rules_file_positions) {
  t_expect_error("stage MQL when true\r\nstage SQL when MQL and enterprize\r\ndefine enterprise = true\r\n",
                 "unknown name 'enterprize'; did you mean 'enterprise'?", 2, 24);
  t_expect_clean("ruleset \"r\" version \"1\"\r\nscore fit {\r\n  +1 \"a\" when true\r\n}\r\nstage MQL when fit > 0\r\n");
}
