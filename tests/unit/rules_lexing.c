/* rules_lexing.c: what the lexer and the checker refuse in a rules file's own
 * text (issue 11): bytes that are not UTF-8, carriage returns, numbers past a
 * double's range, patterns that cannot be matched in time linear in the lead. */
#include "helpers.h"

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
