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
