/* limits.c: every limit gives its error, never a crash (docs/language.md, "Limits").
 * The big inputs are generated here, not committed. */
#include "fmt.h"
#include "helpers.h"
#include <unistd.h>
#include "feed.h"

/* ---- building long texts ---- */

typedef struct sb { char *s; size_t n, cap; } sb;

static void sb_add(sb *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    while (b->n + n + 1 > b->cap) b->cap = b->cap ? 2 * b->cap : 4096;
    b->s = realloc(b->s, b->cap);
    cr_assert(b->s);
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void sb_str(sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_rep(sb *b, const char *s, long times) {
  for (long i = 0; i < times; i++) sb_str(b, s);
}

/* `stage MQL when T op T op ... T`: n terms; term k (from 0) starts at column
 * 16 + k * (strlen(op) + strlen(T)). */
static char *chain(const char *op, const char *term, long n) {
  sb b = {0};
  sb_str(&b, "stage MQL when ");
  for (long i = 0; i < n; i++) {
    if (i) sb_str(&b, op);
    sb_str(&b, term);
  }
  sb_str(&b, "\n");
  return b.s;
}

static const char DEPTH_ERROR[] = "expression nested more than 1,000 deep; split it with a define";
static const char PARSER_ERROR[] = "the rules file nests too deeply here; split the expression with a define";

/* ---- expression depth ---- */

Test(limits, hundred_thousand_nested_parentheses_stop_the_parser_with_a_message) {
  sb b = {0};
  sb_str(&b, "stage MQL when ");
  sb_rep(&b, "(", 100000);
  sb_str(&b, "x == 1");
  sb_rep(&b, ")", 100000);
  sb_str(&b, "\n");
  lq_diags d;
  lq_program *p = t_compile(b.s, &d);
  cr_assert_eq(d.errors, 1);
  int i = t_diag_find(&d, PARSER_ERROR);
  cr_assert(i >= 0, "got: %s", d.items[0].message);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  /* At the parenthesis where the parser's 10,000-entry stack is full. */
  cr_assert_eq(line, 1);
  cr_assert(col > 9000 && col <= 10016, "column %d", col);
  lq_program_free(p);
  lq_diags_free(&d);
  free(b.s);
}

Test(limits, many_parentheses_around_a_shallow_expression_are_fine) {
  sb b = {0};
  sb_str(&b, "stage MQL when ");
  sb_rep(&b, "(", 5000);
  sb_str(&b, "x == 1");
  sb_rep(&b, ")", 5000);
  lqt *t = lqt_new(b.s);
  cr_assert_eq(lqt_run(t, "{\"x\":1}")->stage, 0);
  lqt_free(t);
  free(b.s);
}

Test(limits, ten_thousand_term_and_chain_is_an_error_at_the_term_too_deep) {
  char *text = chain(" and ", "x == 1", 10000);
  /* Each comparison is 2 deep, each `and` one more: the 999th `and` makes 1,001. */
  t_expect_error(text, DEPTH_ERROR, 1, 16 + 999 * 11);
  cr_assert_eq(t_errors(text), 1, "one error per declaration");
  free(text);
}

Test(limits, or_chain_of_bare_names) {
  char *text = chain(" or ", "x", 1001);
  t_expect_error(text, DEPTH_ERROR, 1, 16 + 1000 * 5);
  free(text);
  text = chain(" or ", "x", 1000);
  t_expect_clean(text);
  free(text);
}

Test(limits, chain_at_the_limit_compiles_and_evaluates) {
  char *text = chain(" and ", "x == 1", 999);
  lqt *t = lqt_new(text);
  cr_assert_eq(lqt_run(t, "{\"x\":1}")->stage, 0);
  cr_assert_eq(lqt_run(t, "{\"x\":2}")->stage, -1);
  lqt_free(t);
  free(text);
}

/* head, then unit n times, then tail. */
static char *repeated(const char *head, const char *unit, long n, const char *tail) {
  sb b = {0};
  sb_str(&b, head);
  sb_rep(&b, unit, n);
  sb_str(&b, tail);
  return b.s;
}

/* A prefix operator repeated up to the limit compiles and evaluates (x true is
 * stage none, false is MQL); once more is the depth error at column col. */
static void prefix_at_the_limit_and_one_over(const char *head, const char *op, const char *tail,
                                             const char *when_true, const char *when_false, int col) {
  char *text = repeated(head, op, 999, tail);   /* 999 operators over x: 1,000 deep */
  lqt *t = lqt_new(text);
  cr_assert_eq(lqt_run(t, when_true)->stage, -1);
  cr_assert_eq(lqt_run(t, when_false)->stage, 0);
  lqt_free(t);
  free(text);
  text = repeated(head, op, 1000, tail);
  t_expect_error(text, DEPTH_ERROR, 1, col);   /* the outermost operator's operand */
  free(text);
}

Test(limits, nots_at_the_limit_and_one_over) {
  prefix_at_the_limit_and_one_over("stage MQL when ", "not ", "x", "{\"x\":true}", "{\"x\":false}", 20);
}

/* A minus sign is the fewest bytes a level can take: the parser relies on a
 * declaration needing at least as many bytes as it nests deep. 999 minuses
 * over x are -x. */
Test(limits, minus_signs_nest_one_byte_a_level) {
  prefix_at_the_limit_and_one_over("define d = ", "-", "x\nstage MQL when d > 0\n", "{\"x\":1}", "{\"x\":-1}", 13);
}

Test(limits, right_nested_parentheses_too_deep) {
  sb b = {0};
  sb_str(&b, "stage MQL when ");
  sb_rep(&b, "x and (", 1200);
  sb_str(&b, "x");
  sb_rep(&b, ")", 1200);
  t_expect_error(b.s, DEPTH_ERROR, 1, 0);
  free(b.s);
}

Test(limits, field_paths_indexes_calls_and_lists_count_too) {
  const char *forms[][3] = {
      {"stage MQL when a", ".b", " == 1"},
      {"stage MQL when a", "[0]", " == 1"},
      {"stage MQL when ", "len(", "x"},
      {"list l = ", "[", "1"},
      {"define d = ", "-", "x"},
  };
  for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
    sb b = {0};
    sb_str(&b, forms[f][0]);
    sb_rep(&b, forms[f][1], 1500);
    sb_str(&b, forms[f][2]);
    if (!strcmp(forms[f][1], "len(")) sb_rep(&b, ")", 1500);
    if (!strcmp(forms[f][1], "[")) sb_rep(&b, "]", 1500);
    lq_diags d;
    lq_program *p = t_compile(b.s, &d);
    cr_assert(t_diag_find(&d, DEPTH_ERROR) >= 0, "%s%s...: no depth error", forms[f][0], forms[f][1]);
    lq_program_free(p);
    lq_diags_free(&d);
    free(b.s);
  }
}

Test(limits, the_field_path_error_points_at_the_step_too_deep) {
  sb b = {0};
  sb_str(&b, "stage MQL when a");
  sb_rep(&b, ".b", 1000);
  sb_str(&b, " == 1\n");
  /* a is 1 deep, each .b one more: the 1,000th .b makes 1,001, at its dot. */
  t_expect_error(b.s, DEPTH_ERROR, 1, 17 + 999 * 2);
  free(b.s);
}

Test(limits, every_declaration_reports_its_own_depth_error) {
  char *deep = chain(" or ", "x", 3000);
  sb b = {0};
  sb_str(&b, "score s {\n  +1 \"a\" when ");
  sb_str(&b, deep + strlen("stage MQL when "));
  sb_str(&b, "}\ngrade g { \"A\" when ");
  sb_str(&b, deep + strlen("stage MQL when "));
  sb_str(&b, "}\n");
  sb_str(&b, deep);
  sb_str(&b, "define ok = x\n");
  lq_diags d;
  lq_program *p = t_compile(b.s, &d);
  cr_assert_eq(d.errors, 3, "one error for each of the three deep declarations, got %zu", d.errors);
  lq_program_free(p);
  lq_diags_free(&d);
  free(b.s);
  free(deep);
}

static size_t fmt_errors(const char *text, bool *ok) {
  lq_sources src;
  lq_diags d;
  lq_sources_init(&src);
  lq_diags_init(&d);
  char *copy = strdup(text);
  uint32_t f = lq_sources_add(&src, "t.lq", copy, strlen(text));
  lq_buf out = {0};
  *ok = lq_fmt(&src, f, &d, &out);
  size_t errors = d.errors;
  lq_buf_free(&out);
  lq_diags_free(&d);
  lq_sources_free(&src);
  return errors;
}

Test(limits, fmt_lays_out_a_chain_at_the_limit_and_refuses_one_over) {
  bool ok;
  char *text = chain(" and ", "x == 1", 999);
  cr_assert_eq(fmt_errors(text, &ok), 0);
  cr_assert(ok);
  free(text);
  text = chain(" and ", "x == 1", 10000);
  cr_assert_eq(fmt_errors(text, &ok), 1);
  cr_assert(!ok);
  free(text);
}

/* ---- declarations and rules ---- */

Test(limits, hundred_thousand_declarations_compile, .timeout = 60.0) {
  sb b = {0};
  sb_rep(&b, "reject \"r\" when x\n", 100000);
  t_expect_clean(b.s);
  sb_str(&b, "reject \"r\" when x\n");
  t_expect_error(b.s, "more than 100,000 declarations and rules; a program holds at most 100,000", 100001, 1);
  free(b.s);
}

Test(limits, score_items_count_as_rules, .timeout = 60.0) {
  sb b = {0};
  sb_str(&b, "score s {\n");
  sb_rep(&b, "  +1 \"a\" when x\n", 100000);
  sb_str(&b, "}\n");
  /* The block is rule 1, its items 2 to 100,001: the last item is one too many. */
  t_expect_error(b.s, "more than 100,000 declarations and rules", 100001, 3);
  free(b.s);
}

/* ---- texts and names ---- */

static char *with_text(const char *before, char fill, size_t n, const char *after) {
  sb b = {0};
  sb_str(&b, before);
  char *mid = malloc(n);
  memset(mid, fill, n);
  sb_add(&b, mid, n);
  free(mid);
  sb_str(&b, after);
  return b.s;
}

Test(limits, a_quoted_text_holds_one_mebibyte) {
  char *text = with_text("define t = \"", 'a', 1 << 20, "\"\nstage MQL when x == t\n");
  t_expect_clean(text);
  free(text);
  text = with_text("define t = \"", 'a', (1 << 20) + 1, "\"\nstage MQL when x == t\n");
  t_expect_error(text, "this text is longer than 1 MiB (1,048,576 bytes), the most a rules file allows", 1, 12);
  cr_assert_eq(t_errors(text), 1);
  free(text);
}

Test(limits, field_names_and_names_too) {
  char *text = with_text("stage MQL when `", 'f', (1 << 20) + 1, "` == 1\n");
  t_expect_error(text, "this field name is longer than 1 MiB", 1, 16);
  free(text);
  text = with_text("define ", 'n', (1 << 20) + 1, " = 1\n");
  t_expect_error(text, "this name is longer than 1 MiB", 1, 8);
  free(text);
}

/* ---- the line reader ---- */

typedef struct got {
  sb text[8];
  bool long_line[8];
  uint64_t lineno[8];
  int n;
  size_t max_cap;
} got;

/* Reads s[0..n) with the given limit, gathering each line from its pieces;
 * with skip, the rest of a long line is left for lq_feed_next to skip. */
static got read_limited(const char *s, size_t n, size_t max, bool skip) {
  got g = {0};
  lq_feed *f = lq_feed_open(t_fd_of(s, n), "t.ndjson", &(lq_feed_opts){.max_record = max});
  lq_record r;
  while (lq_feed_next(f, &r)) {
    cr_assert(g.n < 8);
    sb_add(&g.text[g.n], r.raw, r.len);
    g.long_line[g.n] = r.too_long;
    g.lineno[g.n] = r.line;
    if (!r.too_long) cr_assert_eq(r.raw[r.len], '\0');
    const char *piece;
    size_t len;
    while (!skip && lq_feed_more(f, &piece, &len)) sb_add(&g.text[g.n], piece, len);
    if (lq_feed_buffer_size(f) > g.max_cap) g.max_cap = lq_feed_buffer_size(f);
    g.n++;
  }
  cr_assert_eq(lq_feed_error(f, NULL), LQ_FEED_OK);
  lq_feed_close(f);
  return g;
}

static void got_free(got *g) {
  for (int i = 0; i < 8; i++) free(g->text[i].s);
}

static const char *text_of(const got *g, int i) { return g->text[i].s ? g->text[i].s : ""; }

Test(reader_limit, lines_up_to_the_limit_are_whole_longer_ones_are_flagged) {
  const char in[] = "12345678\n123456789\r\n1234567\r\n12345678\r\n\nx\n";
  got g = read_limited(in, sizeof in - 1, 8, false);
  cr_assert_eq(g.n, 5, "the blank line is skipped");
  cr_assert(!g.long_line[0]);
  cr_assert(g.long_line[1]);
  cr_assert_str_eq(text_of(&g, 1), "123456789");
  cr_assert(!g.long_line[2] && !g.long_line[3] && !g.long_line[4], "the CR of a CRLF is not counted");
  cr_assert_str_eq(text_of(&g, 3), "12345678");
  cr_assert_eq(g.lineno[4], 6, "blank lines are counted");
  got_free(&g);
}

Test(reader_limit, no_limit_by_default) {
  char *in = with_text("", 'x', 3 << 20, "\nok\n");
  got g = read_limited(in, strlen(in), 0, false);
  cr_assert_eq(g.n, 2);
  cr_assert(!g.long_line[0]);
  cr_assert_eq(g.text[0].n, (size_t)3 << 20);
  got_free(&g);
  free(in);
}

Test(reader_limit, a_line_longer_than_the_buffer_comes_in_pieces_in_bounded_memory) {
  /* 5 MiB of x between two short lines, CRLF line ends. */
  char *in = with_text("{\"a\":1}\r\n", 'x', 5 << 20, "\r\n{\"b\":2}\r\n");
  got g = read_limited(in, strlen(in), 1024, false);
  cr_assert_eq(g.n, 3);
  cr_assert(g.long_line[1]);
  cr_assert_eq(g.text[1].n, (size_t)5 << 20, "the pieces make up the line, without its CR");
  for (size_t i = 0; i < g.text[1].n; i++)
    if (g.text[1].s[i] != 'x') cr_assert_fail("byte %zu is %d", i, g.text[1].s[i]);
  cr_assert_str_eq(text_of(&g, 2), "{\"b\":2}");
  cr_assert_eq(g.lineno[2], 3);
  cr_assert(g.max_cap <= 1 << 20, "the buffer stays at its first size, got %zu", g.max_cap);
  got_free(&g);
  free(in);
}

Test(reader_limit, the_buffer_grows_to_the_limit_and_no_further) {
  char *in = with_text("", 'y', 9 << 20, "\nok\n");
  got g = read_limited(in, strlen(in), 2 << 20, false);
  cr_assert_eq(g.n, 2);
  cr_assert(g.long_line[0]);
  cr_assert_eq(g.text[0].n, (size_t)9 << 20);
  cr_assert(g.max_cap <= (2 << 20) + 16, "buffer %zu", g.max_cap);
  cr_assert_str_eq(text_of(&g, 1), "ok");
  got_free(&g);
  free(in);
}

Test(reader_limit, carriage_returns_at_piece_boundaries_are_kept_except_the_last) {
  /* Every byte a CR: each piece ends in one, held back until the next is read. */
  size_t n = (3 << 20) + 7;
  char *in = with_text("", '\r', n, "\nafter\n");
  got g = read_limited(in, strlen(in), 100, false);
  cr_assert_eq(g.n, 2);
  cr_assert_eq(g.text[0].n, n - 1, "the last CR is the line end: got %zu of %zu", g.text[0].n, n);
  for (size_t i = 0; i < g.text[0].n; i++)
    if (g.text[0].s[i] != '\r') cr_assert_fail("byte %zu", i);
  cr_assert_str_eq(text_of(&g, 1), "after");
  got_free(&g);
  free(in);
}

Test(reader_limit, an_unread_rest_is_skipped) {
  char *in = with_text("a\n", 'z', 4 << 20, "\nb\nc");
  got g = read_limited(in, strlen(in), 10, true);
  cr_assert_eq(g.n, 4);
  cr_assert(g.long_line[1]);
  cr_assert(g.text[1].n <= 1 << 20, "only the first piece was read");
  cr_assert_str_eq(text_of(&g, 2), "b");
  cr_assert_eq(g.lineno[2], 3);
  cr_assert_str_eq(text_of(&g, 3), "c");
  got_free(&g);
  free(in);
}

Test(reader_limit, long_last_line_without_a_line_end_and_a_bom) {
  char *in = with_text("\xEF\xBB\xBF", 'q', 2 << 20, "");
  got g = read_limited(in, strlen(in), 1000, false);
  cr_assert_eq(g.n, 1);
  cr_assert(g.long_line[0]);
  cr_assert_eq(g.text[0].n, (size_t)2 << 20, "the BOM is dropped");
  cr_assert_eq(g.text[0].s[0], 'q');
  got_free(&g);
  free(in);
  /* A BOM does not count towards the limit. */
  const char bom[] = "\xEF\xBB\xBF" "1234\n";
  g = read_limited(bom, sizeof bom - 1, 4, false);
  cr_assert(!g.long_line[0]);
  cr_assert_str_eq(text_of(&g, 0), "1234");
  got_free(&g);
}

/* ---- the memory a lead may take ---- */

/* Every record of s[0..n) read with limit max and decoded in an arena reset for
 * each: into ok (1 decoded, 0 bad) and the last bad record's reason. */
static int decode_all(const char *s, size_t n, const char *name, size_t max, bool *ok, int most, char *why,
                      size_t whylen) {
  lq_feed *f = lq_feed_open(t_fd_of(s, n), name, &(lq_feed_opts){.max_record = max});
  lq_arena a;
  lq_arena_init(&a, 64 * 1024);
  lq_record r;
  int k = 0;
  while (lq_feed_next(f, &r)) {
    cr_assert(k < most && !r.too_long && !r.bad);
    lq_arena_reset(&a);
    char w[200];
    bool ignored = false;
    ok[k] = t_feed_decode(lq_feed_schema_of(f), &a, r.raw, r.len, w, sizeof w, &ignored) != NULL;
    if (!ok[k]) snprintf(why, whylen, "%s", w);
    k++;
  }
  lq_error stop;
  if (lq_feed_error(f, &stop) != LQ_FEED_OK) snprintf(why, whylen, "%.*s", (int)(whylen ? whylen - 1 : 0), stop.msg);
  lq_arena_free(&a);
  lq_feed_close(f);
  return k;
}

/* A lead takes more memory read than its line: 64 bytes a value, so a line of
 * small values ("0,") takes 32 times its size. With --max-line-bytes 16K a lead
 * may take 8 times that, 128K: 5,000 small values (a 10 KB line, 320K read) are
 * a bad lead, not gigabytes at the default limit; 1,500 (96K read) and a line
 * of 16K text are leads. Without a limit there is no budget either. */
Test(lead_memory, a_lead_that_needs_more_than_8_times_the_line_limit_is_bad) {
  sb in = {0};
  sb_str(&in, "{\"id\":\"many\",\"n\":[0");
  sb_rep(&in, ",0", 4999);
  sb_str(&in, "]}\n{\"id\":\"some\",\"n\":[0");
  sb_rep(&in, ",0", 1499);
  sb_str(&in, "]}\n");
  char *text = with_text("{\"id\":\"long\",\"notes\":\"", 'x', 16 * 1024 - 30, "\"}\n");
  sb_str(&in, text);
  free(text);
  bool ok[4];
  char why[200] = "";
  cr_assert_eq(decode_all(in.s, in.n, "t.ndjson", 16 * 1024, ok, 4, why, sizeof why), 3);
  cr_expect_not(ok[0], "5,000 values need 320K, over the 128K a lead may take");
  cr_expect(ok[1], "1,500 values need 96K");
  cr_expect(ok[2], "a long text is one value: 16K");
  cr_expect_str_eq(why, "this lead holds too many values: read, it needs more than 8 times --max-line-bytes of "
                        "memory; if it is a real lead, raise --max-line-bytes");
  cr_assert_eq(decode_all(in.s, in.n, "t.ndjson", 0, ok, 4, why, sizeof why), 3);
  cr_expect(ok[0] && ok[1] && ok[2], "no limit: no budget");
  free(in.s);
}

/* A small limit still leaves a lead of a few short fields its room: a lead may
 * always take 64K. */
Test(lead_memory, a_small_line_limit_still_reads_small_leads) {
  const char in[] = "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":\"ten\"}\n";
  bool ok[1];
  char why[200] = "";
  cr_assert_eq(decode_all(in, sizeof in - 1, "t.ndjson", sizeof in, ok, 1, why, sizeof why), 1);
  cr_expect(ok[0], "%s", why);
}

/* A CSV record is read into a node per column: a header of so many short names
 * that every record would take more than a lead may is a bad header. With 16K,
 * 1,500 columns of 4 letters are fine, 3,000 are not. */
Test(lead_memory, a_csv_header_of_too_many_columns_for_the_budget_is_bad) {
  for (int cols = 1500; cols <= 3000; cols += 1500) {
    sb in = {0};
    char name[8];
    for (int c = 0; c < cols; c++) {
      snprintf(name, sizeof name, "%s%04d", c ? "," : "", c);
      sb_str(&in, name);
    }
    cr_assert_lt(in.n, 16 * 1024, "the header fits the limit");
    sb_str(&in, "\n1");
    sb_rep(&in, ",1", cols - 1);
    sb_str(&in, "\n");
    bool ok[1] = {false};
    char why[200] = "";
    int n = decode_all(in.s, in.n, "t.csv", 16 * 1024, ok, 1, why, sizeof why);
    if (cols == 1500) {
      cr_expect(n == 1 && ok[0], "1,500 columns: %s", why);
    } else {
      cr_expect_eq(n, 0, "no record of a header that is bad");
      cr_expect_str_eq(why, "the header has 3000 columns, and a record of that many needs more than 8 times "
                            "--max-line-bytes of memory; if the header is right, raise --max-line-bytes");
    }
    free(in.s);
  }
}

/* Was a crash: flex took the token name REJECT in an action for its own REJECT
 * and kept one state per byte of a token in a 16 KB buffer, so a comment, a
 * text or a test lead longer than that overran it. */
Test(limits, tokens_longer_than_the_lexer_buffer) {
  char *text = with_text("# ", 'c', 100000, "\nstage MQL when x == 1\n");
  t_expect_clean(text);
  free(text);
  text = with_text("define t = \"", 't', 100000, "\"\nstage MQL when x == t\n");
  t_expect_clean(text);
  free(text);
  text = with_text("stage MQL when x == 1\ntest \"big\" { lead {\"x\": 1, \"pad\": \"", 'p', 100000,
                   "\"} expect stage MQL }\n");
  t_expect_clean(text);
  free(text);
  text = with_text("stage MQL when x ==", ' ', 100000, "1\n");
  t_expect_clean(text);
  free(text);
}

/* ---- includes ---- */

Test(limits, includes_nest_32_deep) {
  char dir[] = "/tmp/leadq-limits-XXXXXX";
  cr_assert(mkdtemp(dir));
  /* f0 includes f1, which includes f2 ...: a chain of 32 files is fine, 33 is not. */
  for (int deepest = 31; deepest <= 32; deepest++) {
    char path[128];
    for (int i = 0; i <= deepest; i++) {
      snprintf(path, sizeof path, "%s/f%d.lq", dir, i);
      FILE *fp = fopen(path, "w");
      cr_assert(fp);
      if (i < deepest) fprintf(fp, "include \"f%d.lq\"\n", i + 1);
      else fprintf(fp, "stage MQL when x\n");
      fclose(fp);
    }
    snprintf(path, sizeof path, "%s/f0.lq", dir);
    lq_diags d;
    lq_diags_init(&d);
    lq_program *p = lq_compile_file(path, &d);
    if (deepest == 31) {
      cr_assert_eq(d.errors, 0, "32 files deep should compile");
    } else {
      cr_assert_eq(d.errors, 1);
      cr_assert(t_diag_find(&d, "includes are nested more than 32 deep") >= 0);
    }
    lq_program_free(p);
    lq_diags_free(&d);
    for (int i = 0; i <= deepest; i++) {
      snprintf(path, sizeof path, "%s/f%d.lq", dir, i);
      remove(path);
    }
  }
  remove(dir);
}
