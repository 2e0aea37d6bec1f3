/* rules_lexing.c: what the lexer and the checker refuse in a rules file's own
 * text (issue 11): bytes that are not UTF-8, carriage returns, numbers past a
 * double's range, patterns that cannot be matched in time linear in the lead. */
#include "helpers.h"
#include "pattern.h"

/* ---- UTF-8 ---- */

Test(rules_lexing, a_text_that_is_not_utf8_is_an_error_at_the_bad_byte) {
  t_expect_error("route \"caf\xe9\" otherwise\n", "this text is not valid UTF-8 here", 1, 11);
  t_expect_error("stage A when x == \"ok\"\nstage B when `caf\xc3` is present\n",
                 "this field name is not valid UTF-8 here", 2, 18);
  /* Overlong and surrogate encodings are not UTF-8 either. */
  t_expect_error("route \"\xc0\xaf\" otherwise\n", "not valid UTF-8", 1, 8);
  t_expect_error("route \"\xed\xa0\x80\" otherwise\n", "not valid UTF-8", 1, 8);
  t_expect_clean("route \"caf\xc3\xa9 \\u00e9 \xf0\x9f\x98\x80\" when `Soci\xc3\xa9t\xc3\xa9` is present\n");
}

/* ---- carriage returns ---- */

Test(rules_lexing, crlf_line_ends_and_comments_are_fine) {
  t_expect_clean("# the agreement\r\nreject \"x\" when a == 1 # a note\r\n\r\nroute \"all\" otherwise\r\n");
  /* Positions after CRLF lines count lines as in an LF file. */
  t_expect_error("# one\r\n# two\r\nstage MQL when nope(1)\r\n", "nope", 3, 16);
}

Test(rules_lexing, a_lone_cr_is_an_error_at_the_cr_once_per_file) {
  /* In a comment: it used to hide the reject after it. */
  t_expect_error("route \"all\" otherwise # everyone\rreject \"x\" when true\n",
                 "a carriage return (CR) alone is not a line end; save the file with LF or CRLF line ends", 1, 33);
  /* Between tokens, in a text, after CRLF lines. */
  t_expect_error("route \"all\"\rotherwise\n", "carriage return (CR) alone", 1, 12);
  t_expect_error("route \"a\rb\" otherwise\n", "carriage return (CR) alone", 1, 9);
  t_expect_error("# one\r\n# two\r\nroute \"a\" otherwise\r\r\n", "carriage return (CR) alone", 3, 20);
  /* A CR-only file: one error, at the first CR. */
  lq_diags d;
  lq_program *p = t_compile("# rules\rreject \"x\" when true\rroute \"a\" otherwise\r", &d);
  cr_assert_eq(d.errors, 1);
  int line, col;
  t_diag_pos(p, &d, 0, &line, &col);
  cr_assert_eq(line, 1);
  cr_assert_eq(col, 8);
  lq_program_free(p);
  lq_diags_free(&d);
}

Test(rules_lexing, after_a_lone_cr_the_lexer_reads_on_as_at_a_line_start) {
  /* Only the CR error: the comment stops at the CR, and `+(` after it starts
   * its line as a computed points rule must. */
  lq_diags d;
  lq_program *p = t_compile("score fit {\r  +(size) \"size\" when size > 0 # big\r}\n", &d);
  char all[4096];
  cr_assert_eq(d.errors, 1, "%s", t_diag_all(&d, all, sizeof all));
  cr_assert(t_diag_find(&d, "carriage return (CR) alone") >= 0);
  lq_program_free(p);
  lq_diags_free(&d);
}

/* ---- numbers ---- */

Test(rules_lexing, a_number_past_a_doubles_range_is_an_error_at_the_number) {
  const char *big = "this number is too large: the largest leadq holds is about 1.8e308; write a smaller one";
  t_expect_error("score fit {\n  +1e400 \"x\" when true\n}\n", big, 2, 4);
  t_expect_error("score fit {\n  - 2e308 \"x\" when true\n}\n", big, 2, 5);
  t_expect_error("stage MQL when size > 1e999\n", big, 1, 23);
  t_expect_error("list sizes = [1, 2, 99999e999]\n", big, 1, 21);
  t_expect_error("stage MQL when size > 1e-400\n", "this number is too close to 0 to hold", 1, 23);
  t_expect_clean("score fit {\n  +1.7e308 \"x\" when size > 0.0e-999\n  +0 \"y\" when size < 1e-300\n}\n");
}

Test(rules_lexing, a_score_past_1e308_is_held_there_never_null) {
  lqt *t = lqt_new("score fit {\n  +1e308 \"a\" when true\n  +1e308 \"b\" when true\n}\n"
                   "score risk {\n  -1e308 \"c\" when bad\n  -1e308 \"d\" when bad\n  -1e308 \"e\" when bad\n}\n"
                   "stage MQL when score >= 100\n");
  lqt_run(t, "{\"bad\":false}");
  cr_assert_eq(lqt_score(t, "fit"), 1e308);
  cr_assert_eq(lqt_score(t, "risk"), 0);
  cr_assert_eq(t->r->total, 1e308);
  cr_assert_str_eq(lqt_stage(t), "MQL");
  lqt_run(t, "{\"bad\":true}");
  cr_assert_eq(lqt_score(t, "risk"), -1e308);
  cr_assert_eq(t->r->total, 0, "1e308 and -1e308 make 0, not NaN");
  cr_assert_null(lqt_stage(t));
  lqt_free(t);
  /* Computed points from the lead too: each rule's points are finite, the sum is held. */
  t = lqt_new("score fit {\n  +(x) \"x\" when true\n  +(y) \"y\" when true\n}\n");
  lqt_run(t, "{\"x\":1.5e308,\"y\":1.5e308}");
  cr_assert_eq(lqt_score(t, "fit"), 1e308);
  lqt_run(t, "{\"x\":-1.5e308,\"y\":-1.5e308}");
  cr_assert_eq(lqt_score(t, "fit"), -1e308);
  lqt_free(t);
}

/* ---- matches patterns ---- */

Test(rules_lexing, patterns_that_cannot_match_in_linear_time_are_refused_at_the_part_to_change) {
  t_expect_error("stage A when x matches \"((a*)*\\\\2)*b\"\n", "a back-reference (\\1 to \\9)", 1, 31);
  /* The place counts file characters, escapes and all: \u00e9 is one. */
  t_expect_error("stage A when x matches \"\\u00e9(a)\\\\1\"\n", "a back-reference", 1, 34);
  t_expect_error("stage A when x matches \"a{3000}{3000}\"\n", "this pattern is too large with its repetitions written out", 1, 26);
  t_expect_error("stage A when x matches \"(((ab|cd){10}){10}){10}\"\n", "this pattern is too large", 1, 44);
  t_expect_error("stage A when x matches \"ab\\u0000cd\"\n", "a pattern cannot hold \\u0000", 1, 27);
  /* In a bracket, \1 is a backslash and a 1, not a back-reference. */
  t_expect_clean("stage A when x matches \"[\\\\1]\"\n");
}

Test(rules_lexing, the_pattern_size_limit_is_two_thousand) {
  char text[128];
  /* `a{1999}` is 1,999 copies of a and the interval itself: 2,000. */
  snprintf(text, sizeof text, "stage A when x matches \"a{1999}\"\n");
  t_expect_clean(text);
  snprintf(text, sizeof text, "stage A when x matches \"a{2000}\"\n");
  t_expect_error(text, "this pattern is too large", 1, 26);
  /* 100,000 nested groups crashed regcomp (its stack); now refused first. */
  size_t n = 100000;
  char *deep = malloc(2 * n + 64);
  size_t o = (size_t)sprintf(deep, "stage A when x matches \"");
  memset(deep + o, '(', n), o += n;
  deep[o++] = 'a';
  memset(deep + o, ')', n), o += n;
  strcpy(deep + o, "\"\n");
  t_expect_error(deep, "this pattern is too large", 1, 24 + LQ_PATTERN_MAX_SIZE + 1);
  free(deep);
}

Test(rules_lexing, matching_is_linear_in_the_text, .timeout = 20.0) {
  /* glibc tries an unanchored pattern from every byte: this took hours on 2 MB. */
  size_t n = 2 << 20;
  char *lead = malloc(n + 32);
  size_t o = (size_t)sprintf(lead, "{\"x\":\"");
  memset(lead + o, 'a', n), o += n;
  strcpy(lead + o, "\"}");
  cr_assert_not(ex_holds("x matches \"[a-z]+[0-9]\"", lead));
  lead[o - 1] = '7';
  cr_assert(ex_holds("x matches \"[a-z]+[0-9]\"", lead));
  free(lead);
}

Test(rules_lexing, patterns_keep_their_meaning) {
  const char *lead = "{\"x\":\"a)b\\nVP of c\\u0000d\"}";
  cr_assert(ex_holds("x matches \"a)b\"", lead), "an unmatched ) is a character");
  cr_assert(ex_holds("x matches \"q|a\\\\)|z\"", lead));
  cr_assert(ex_holds("x matches \"(zz|b)\\nvp\"", lead), "case ignored, newlines matched");
  cr_assert(ex_holds("x matches \"^a\"", lead));
  cr_assert_not(ex_holds("x matches \"^vp\"", lead), "^ is the start of the text, not of a line");
  cr_assert_not(ex_holds("x matches \"b$\"", lead), "$ is the end of the text");
  cr_assert(ex_holds("x matches \"d$\"", lead), "past a \\u0000 in the text");
  cr_assert(ex_holds("x matches \"\\\\<of\\\\>\"", lead));
  cr_assert(ex_holds("x matches \"\"\n", lead));
}

Test(rules_lexing, repetitions_nest_at_most_ten_deep) {
  const char *deep = "repetitions (*, + or {m,}) are nested more than 10 deep here";
  t_expect_clean("stage A when x matches \"((((((((((a*)*)*)*)*)*)*)*)*)*)\"\n");
  t_expect_error("stage A when x matches \"(((((((((((a*)*)*)*)*)*)*)*)*)*)*)\"\n", deep, 1, 57);
  t_expect_error("stage A when x matches \"(((((((((((a+)b)*)*)*)*)*)*)*)*)*){2,}\"\n", deep, 1, 59);
  /* ? and {m,n} repeat a bounded number of times: they do not count. */
  t_expect_clean("stage A when x matches \"((((((((((((a?)?)?)?)?)?)?)?)?)?)?)?)?\"\n");
}

Test(rules_lexing, two_repetitions_in_a_row_are_refused) {
  /* a?{1,9}{20} with more after it took regcomp minutes (found by fuzz_rules). */
  const char *stacked = "two repetitions in a row (like a** or a?{2})";
  t_expect_error("stage A when x matches \"a**\"\n", stacked, 1, 27);
  t_expect_error("stage A when x matches \"ba?{1,9}\"\n", stacked, 1, 28);
  t_expect_error("stage A when x matches \"x{2}{3}\"\n", stacked, 1, 29);
  t_expect_error("stage A when x matches \")+?\"\n", stacked, 1, 27);
  t_expect_clean("stage A when x matches \"(a?){1,9}b*c+d?e{2}\\\\*{2}[*+]?\"\n");
}
