/* feed.c: records from NDJSON and CSV inputs, plain or gzip (src/feed.c). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include "feed.h"
#include "helpers.h"


typedef struct records {
  char *text[16];
  size_t len[16];
  uint64_t line[16];
  const char *bad[16];
  int n;
  lq_feed_status status;
} records;

/* Every record of s[0..n) read as format (name decides with AUTO). */
static records read_as(const char *name, lq_feed_opts o, const void *s, size_t n) {
  records out = {0};
  lq_feed *f = lq_feed_open(t_fd_of(s, n), name, &o);
  lq_record r;
  while (lq_feed_next(f, &r)) {
    cr_assert(out.n < 16);
    if (!r.too_long) cr_assert_eq(r.raw[r.len], '\0', "records are NUL-terminated");
    out.text[out.n] = strndup(r.raw, r.len);
    out.len[out.n] = r.len;
    out.line[out.n] = r.line;
    out.bad[out.n] = r.bad;
    out.n++;
  }
  out.status = lq_feed_error(f, NULL);
  lq_feed_close(f);
  return out;
}

static records read_all(const char *s, size_t n) {
  records r = read_as("t.ndjson", (lq_feed_opts){0}, s, n);
  cr_assert_eq(r.status, LQ_FEED_OK);
  return r;
}

static void records_free(records *l) {
  for (int i = 0; i < l->n; i++) free(l->text[i]);
}

Test(reader, lf_lines) {
  records l = read_all("{\"a\":1}\n{\"b\":2}\n", 16);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "{\"a\":1}");
  cr_assert_str_eq(l.text[1], "{\"b\":2}");
  cr_assert_eq(l.line[1], 2);
  records_free(&l);
}

Test(reader, crlf_lines) {
  records l = read_all("one\r\ntwo\r\n", 10);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "one");
  cr_assert_eq(l.len[0], 3);
  cr_assert_str_eq(l.text[1], "two");
  records_free(&l);
}

Test(reader, no_trailing_newline) {
  records l = read_all("one\ntwo", 7);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[1], "two");
  cr_assert_eq(l.len[1], 3);
  records_free(&l);
}

Test(reader, no_trailing_newline_with_cr) {
  records l = read_all("one\r\ntwo\r", 9);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[1], "two");
  records_free(&l);
}

Test(reader, bom_at_start_is_dropped) {
  records l = read_all("\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBFx\n", 16);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "{\"a\":1}");
  cr_assert_eq(l.len[0], 7);
  cr_assert_eq(l.len[1], 4, "a BOM later in the stream is not dropped");
  records_free(&l);
}

Test(reader, blank_lines_are_skipped_but_counted) {
  records l = read_all("a\n\n  \t\nb\n", 9);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[1], "b");
  cr_assert_eq(l.line[1], 4, "line numbers count blank lines");
  records_free(&l);
}

Test(reader, empty_input) {
  records l = read_all("", 0);
  cr_assert_eq(l.n, 0);
}

Test(reader, line_blank) {
  cr_assert(lq_line_blank("", 0));
  cr_assert(lq_line_blank(" \t ", 3));
  cr_assert(!lq_line_blank(" x ", 3));
  cr_assert(!lq_line_blank("\r", 1));
}

Test(reader, very_long_lines) {
  /* Three lines, the middle one 3 MB: longer than the reader's first buffer. */
  size_t big = 3u << 20;
  size_t n = 2 + big + 1 + 3 + 1 + 2;
  char *s = malloc(n);
  cr_assert(s);
  size_t w = 0;
  memcpy(s + w, "a\n", 2); w += 2;
  memset(s + w, 'x', big); w += big;
  s[w++] = '\n';
  memcpy(s + w, "end\n", 4); w += 4;
  memcpy(s + w, "zz", 2); w += 2;
  cr_assert_eq(w, n);
  lq_feed *f = lq_feed_open(t_fd_of(s, n), "t", &(lq_feed_opts){0});
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  cr_assert_eq(r.len, 1);
  cr_assert(lq_feed_next(f, &r));
  cr_assert_eq(r.len, big);
  cr_assert_eq(r.raw[0], 'x');
  cr_assert_eq(r.raw[big - 1], 'x');
  cr_assert_eq(r.raw[big], '\0');
  cr_assert(lq_feed_next(f, &r));
  cr_assert_str_eq(r.raw, "end");
  cr_assert(lq_feed_next(f, &r));
  cr_assert_str_eq(r.raw, "zz");
  cr_assert_eq(r.line, 4);
  cr_assert(!lq_feed_next(f, &r));
  cr_assert_eq(lq_feed_lines(f), 4);
  lq_feed_close(f);
  free(s);
}

Test(reader, long_line_comes_in_pieces_and_the_next_line_is_whole) {
  size_t big = 100000;
  char *s = malloc(big + 8);
  memset(s, 'y', big);
  memcpy(s + big, "\nok\n", 4);
  lq_feed *f = lq_feed_open(t_fd_of(s, big + 4), "t", &(lq_feed_opts){.max_record = 1000});
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  cr_assert(r.too_long);
  size_t total = r.len;
  const char *piece;
  size_t len;
  while (lq_feed_more(f, &piece, &len)) total += len;
  cr_assert_eq(total, big, "every byte of the long line comes out once");
  cr_assert(lq_feed_next(f, &r));
  cr_assert(!r.too_long);
  cr_assert_str_eq(r.raw, "ok");
  cr_assert_eq(r.line, 2);
  lq_feed_close(f);
  free(s);
}

Test(reader, many_lines_across_buffer_refills) {
  /* 200,000 short lines (about 2.4 MB) cross several buffer refills. */
  size_t count = 200000, n = 0;
  char *s = malloc(count * 16);
  cr_assert(s);
  for (size_t i = 0; i < count; i++) n += (size_t)sprintf(s + n, "{\"i\":%zu}\n", i);
  lq_feed *f = lq_feed_open(t_fd_of(s, n), "t", &(lq_feed_opts){0});
  lq_record r;
  char want[32];
  size_t seen = 0;
  while (lq_feed_next(f, &r)) {
    snprintf(want, sizeof want, "{\"i\":%zu}", seen);
    cr_assert_str_eq(r.raw, want);
    seen++;
  }
  cr_assert_eq(seen, count);
  lq_feed_close(f);
  free(s);
}

/* ---- CSV: framing (lq_feed_next) and decoding (lq_feed_decode) ---- */

static const lq_feed_opts csv_opts = {.format = LQ_FEED_CSV};

static records read_csv(const char *s) {
  records r = read_as("t.csv", csv_opts, s, strlen(s));
  cr_assert_eq(r.status, LQ_FEED_OK);
  return r;
}

/* The lead record nth of s decodes to, as read by a feed (the header first);
 * NULL with why when the record is bad. The lead points into the feed (its
 * keys, its buffer), so the feed stays open until decoded_free. */
typedef struct decoded {
  lq_feed *feed;
  lq_arena arena;
  cJSON *lead;
  char why[200];
  bool ignored;
} decoded;

static void decode_nth(decoded *d, const char *s, int nth) {
  lq_arena_init(&d->arena, 1024);
  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.csv", &csv_opts);
  lq_record r;
  for (int i = 0; i <= nth; i++) cr_assert(lq_feed_next(f, &r), "record %d of %s", i, s);
  d->ignored = false;
  d->why[0] = '\0';
  d->lead = t_feed_decode(lq_feed_schema_of(f), &d->arena, r.raw, r.len, d->why, sizeof d->why, &d->ignored);
  d->feed = f;
}

static void decoded_free(decoded *d) {
  lq_arena_free(&d->arena);
  lq_feed_close(d->feed);
}

static const cJSON *key(const decoded *d, const char *k) {
  cr_assert_not_null(d->lead, "the record should decode: %s", d->why);
  return cJSON_GetObjectItemCaseSensitive(d->lead, k);
}

static void expect_text(const decoded *d, const char *k, const char *want, size_t n) {
  const cJSON *v = key(d, k);
  cr_assert(cJSON_IsString(v), "'%s' should be text", k);
  cr_assert_eq((size_t)v->valueint, n, "'%s' has %d bytes, expected %zu", k, v->valueint, n);
  cr_assert_eq(memcmp(v->valuestring, want, n), 0, "'%s' is '%s'", k, v->valuestring);
}

Test(csv, a_quote_inside_an_unquoted_cell_is_text) {
  /* A quote opens only at the start of a field: 5" screen does not open one,
   * so it does not swallow the next line. */
  const char *s = "id,item\na,5\" screen\nb,6\n";
  records l = read_csv(s);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "a,5\" screen");
  cr_assert_eq(l.line[0], 2);
  cr_assert_str_eq(l.text[1], "b,6");
  cr_assert_eq(l.line[1], 3);
  cr_assert_null(l.bad[0]);
  records_free(&l);
  decoded d;
  decode_nth(&d, s, 0);
  expect_text(&d, "item", "5\" screen", 9);
  decoded_free(&d);
}

Test(csv, a_quoted_field_over_three_lines_keeps_its_first_line) {
  const char *s = "id,note\na,\"one\ntwo\nthree\"\nb,x\n";
  records l = read_csv(s);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "a,\"one\ntwo\nthree\"");
  cr_assert_eq(l.line[0], 2);
  cr_assert_str_eq(l.text[1], "b,x");
  cr_assert_eq(l.line[1], 5, "the next record starts on line 5, after the three lines of the first");
  records_free(&l);

  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.csv", &csv_opts);
  lq_record r;
  while (lq_feed_next(f, &r)) {}
  cr_assert_eq(lq_feed_lines(f), 5);
  lq_feed_close(f);

  decoded d;
  decode_nth(&d, s, 0);
  expect_text(&d, "note", "one\ntwo\nthree", 13);
  decoded_free(&d);
}

Test(csv, crlf_inside_quotes_is_kept) {
  const char *s = "id,note\r\na,\"x\r\ny\"\r\nb,z\r\n";
  records l = read_csv(s);
  cr_assert_eq(l.n, 2);
  cr_assert_str_eq(l.text[0], "a,\"x\r\ny\"", "the record's own CRLF goes, the one inside quotes stays");
  cr_assert_str_eq(l.text[1], "b,z");
  cr_assert_eq(l.line[1], 4);
  records_free(&l);
  decoded d;
  decode_nth(&d, s, 0);
  expect_text(&d, "note", "x\r\ny", 4);
  decoded_free(&d);
}

Test(csv, doubled_quotes_are_one_quote) {
  const char *s = "id,a,b,c,d\nq,\"say \"\"hi\"\"\",\"\"\"\",\"\",\"x,\"\"y\"\"\"\n";
  decoded d;
  decode_nth(&d, s, 0);
  expect_text(&d, "a", "say \"hi\"", 8);
  expect_text(&d, "b", "\"", 1);
  cr_assert_null(key(&d, "c"), "a quoted empty cell is empty: the key is absent");
  expect_text(&d, "d", "x,\"y\"", 5);
  decoded_free(&d);
}

Test(csv, text_after_a_closing_quote_is_bad) {
  decoded d;
  decode_nth(&d, "id,a\nq,\"x\"y\n", 0);
  cr_assert_null(d.lead);
  cr_assert(strstr(d.why, "closing quote") != NULL, "why: %s", d.why);
  decoded_free(&d);
}

Test(csv, another_number_of_fields_is_bad) {
  decoded d;
  decode_nth(&d, "id,a,b\nq,1\nr,1,2,3\n", 0);
  cr_assert_null(d.lead);
  cr_assert_str_eq(d.why, "the record has 2 fields, the header has 3");
  decoded_free(&d);
  decode_nth(&d, "id,a,b\nq,1\nr,1,2,3\n", 1);
  cr_assert_null(d.lead);
  cr_assert_str_eq(d.why, "the record has 4 fields, the header has 3");
  decoded_free(&d);
}

Test(csv, an_unclosed_quote_runs_to_the_end_and_is_bad) {
  records l = read_csv("id,a\nq,\"open\nr,1\n");
  cr_assert_eq(l.n, 1);
  cr_assert_eq(l.line[0], 2);
  cr_assert_not_null(l.bad[0], "framing says why");
  cr_assert(!strncmp(l.text[0], "q,\"open\nr,1", 11), "the record holds the rest of the input: %s", l.text[0]);
  records_free(&l);
}

/* Each cell typed on its own (feed.md): one column v, one row per case. */
typedef struct typing {
  const char *cell;   /* as written in the file */
  int type;           /* cJSON_Number, cJSON_String, cJSON_True, cJSON_False, 0: absent */
  double num;
  const char *text;   /* a number's text as written, or the text */
} typing;

static const typing typing_table[] = {
    {"42", cJSON_Number, 42, "42"},
    {"-1.5", cJSON_Number, -1.5, "-1.5"},
    {"1e3", cJSON_Number, 1000, "1e3"},
    {"2.5E-3", cJSON_Number, 0.0025, "2.5E-3"},
    {"0", cJSON_Number, 0, "0"},
    {"-0", cJSON_Number, 0, "-0"},
    {"10001", cJSON_Number, 10001, "10001"},
    {"12345678901234567890", cJSON_Number, 12345678901234567890.0, "12345678901234567890"},
    {"\"42\"", cJSON_Number, 42, "42"},
    {"02139", cJSON_String, 0, "02139"},
    {"042", cJSON_String, 0, "042"},
    {"+1", cJSON_String, 0, "+1"},
    {"\"1,000\"", cJSON_String, 0, "1,000"},
    {" 42", cJSON_String, 0, " 42"},
    {"42 ", cJSON_String, 0, "42 "},
    {".5", cJSON_String, 0, ".5"},
    {"1.", cJSON_String, 0, "1."},
    {"1e", cJSON_String, 0, "1e"},
    {"-", cJSON_String, 0, "-"},
    {"0x1F", cJSON_String, 0, "0x1F"},
    {"NaN", cJSON_String, 0, "NaN"},
    {"Infinity", cJSON_String, 0, "Infinity"},
    {"true", cJSON_True, 0, NULL},
    {"TRUE", cJSON_True, 0, NULL},
    {"False", cJSON_False, 0, NULL},
    {"fAlSe", cJSON_False, 0, NULL},
    {"\"true\"", cJSON_True, 0, NULL},
    {"truth", cJSON_String, 0, "truth"},
    {"yes", cJSON_String, 0, "yes"},
    {" true", cJSON_String, 0, " true"},
    {"", 0, 0, NULL},
    {"\"\"", 0, 0, NULL},
};

Test(csv, each_cell_is_typed_on_its_own) {
  for (size_t i = 0; i < sizeof typing_table / sizeof *typing_table; i++) {
    const typing *t = &typing_table[i];
    char s[64];
    snprintf(s, sizeof s, "id,v\nr,%s\n", t->cell);
    decoded d;
    decode_nth(&d, s, 0);
    const cJSON *v = key(&d, "v");
    if (!t->type) {
      cr_assert_null(v, "[%s] should be absent", t->cell);
    } else {
      cr_assert_not_null(v, "[%s] should be present", t->cell);
      cr_assert_eq(v->type & 0xFF, t->type, "[%s] has type %d, expected %d", t->cell, v->type & 0xFF, t->type);
      if (t->type == cJSON_Number) {
        cr_assert_eq(v->valuedouble, t->num, "[%s] is %.17g", t->cell, v->valuedouble);
        cr_assert_eq((size_t)v->valueint, strlen(t->text), "[%s]: the number's text is kept", t->cell);
        cr_assert_eq(memcmp(v->valuestring, t->text, strlen(t->text)), 0, "[%s]: the number's text is kept", t->cell);
      } else if (t->type == cJSON_String) {
        cr_assert_str_eq(v->valuestring, t->text, "[%s] is the text '%s'", t->cell, v->valuestring);
      }
    }
    decoded_free(&d);
  }
}

Test(csv, keys_in_header_order_verbatim) {
  decoded d;
  decode_nth(&d, "Lead Source,id,Email,email\nWeb,r,A@x.com,b@x.com\n", 0);
  const char *want[] = {"Lead Source", "id", "Email", "email"};
  int i = 0;
  for (const cJSON *c = d.lead->child; c; c = c->next, i++) {
    cr_assert_lt(i, 4);
    cr_assert_str_eq(c->string, want[i]);
  }
  cr_assert_eq(i, 4);
  decoded_free(&d);
}

Test(csv, a_header_with_a_trailing_empty_cell) {
  const char *s = "id,name,\na,b,\nc,d,x\n";
  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.csv", &csv_opts);
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  const lq_feed_schema *sc = lq_feed_schema_of(f);
  cr_assert_eq(sc->ncols, 3);
  cr_assert_str_eq(sc->keys[0], "id");
  cr_assert_str_eq(sc->keys[1], "name");
  cr_assert_null(sc->keys[2], "an empty header cell names no key");
  cr_assert_eq(sc->header_len, 8);
  cr_assert_eq(memcmp(sc->header, "id,name,", 8), 0);
  lq_feed_close(f);

  decoded d;
  decode_nth(&d, s, 0);
  cr_assert_not_null(d.lead);
  cr_assert(!d.ignored, "nothing under the unnamed column");
  cr_assert_eq(cJSON_GetArraySize(d.lead), 2);
  decoded_free(&d);
  decode_nth(&d, s, 1);
  cr_assert_not_null(d.lead);
  cr_assert(d.ignored, "x under the unnamed column is reported");
  cr_assert_eq(cJSON_GetArraySize(d.lead), 2, "and left out");
  decoded_free(&d);
}

Test(csv, a_repeated_header_name_is_an_error_for_the_input) {
  const char *s = "id,x,id\n1,2,3\n";
  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.csv", &csv_opts);
  lq_record r;
  cr_assert(!lq_feed_next(f, &r), "no record is read");
  lq_error why;
  cr_assert_eq(lq_feed_error(f, &why), LQ_FEED_BAD_HEADER);
  cr_assert_str_eq(why.msg, "the header names 'id' twice (columns 1 and 3); rename one");
  lq_feed_close(f);
}

Test(csv, a_given_header_makes_every_line_a_record_numbered_from_first_line) {
  const char *s = "a,\"x;y\"\nb;c,z\n\nc,w\n";
  records r = read_as("piece", (lq_feed_opts){.format = LQ_FEED_CSV, .header = "id,\"no,te\"", .header_len = 10,
                                              .first_line = 41}, s, strlen(s));
  cr_assert_eq(r.status, LQ_FEED_OK);
  cr_assert_eq(r.n, 3, "the first line is a record, not the header");
  cr_assert_str_eq(r.text[0], "a,\"x;y\"");
  cr_assert_eq(r.line[0], 41);
  cr_assert_eq(r.line[1], 42);
  cr_assert_eq(r.line[2], 44, "the blank line 43 is counted");
  records_free(&r);

  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "piece", &(lq_feed_opts){.format = LQ_FEED_CSV,
                                                                              .header = "id,\"no,te\"", .header_len = 10});
  lq_record rec;
  cr_assert(lq_feed_next(f, &rec));
  const lq_feed_schema *sc = lq_feed_schema_of(f);
  cr_assert_eq(sc->ncols, 2);
  cr_assert_str_eq(sc->keys[1], "no,te", "the header is read with the CSV rules");
  cr_assert_eq(sc->header_line, 0, "it came from no line of the input");
  lq_feed_close(f);
}

Test(csv, a_bad_given_header_reads_nothing) {
  const char *s = "1,2,3\n";
  records r = read_as("piece", (lq_feed_opts){.format = LQ_FEED_CSV, .header = "id,x,id", .header_len = 7}, s,
                      strlen(s));
  cr_assert_eq(r.n, 0);
  cr_assert_eq(r.status, LQ_FEED_BAD_HEADER);
}

Test(reader, first_line_numbers_ndjson_too_and_a_given_header_is_for_csv_only) {
  const char *s = "{}\n{}\n";
  records r = read_as("t.ndjson", (lq_feed_opts){.first_line = 7, .header = "id", .header_len = 2}, s, strlen(s));
  cr_assert_eq(r.status, LQ_FEED_OK);
  cr_assert_eq(r.n, 2, "an NDJSON input has no header: the option is not for it");
  cr_assert_eq(r.line[0], 7);
  cr_assert_eq(r.line[1], 8);
  records_free(&r);
}

Test(csv, bom_and_semicolon) {
  const char *s = "\xEF\xBB\xBFid;note\na;\"x;y\"\n";
  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.txt", &(lq_feed_opts){.format = LQ_FEED_CSV, .delimiter = ';'});
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  cr_assert_str_eq(lq_feed_schema_of(f)->keys[0], "id", "the BOM is not part of the first key");
  lq_arena a;
  lq_arena_init(&a, 1024);
  char why[200];
  bool ignored = false;
  cJSON *lead = t_feed_decode(lq_feed_schema_of(f), &a, r.raw, r.len, why, sizeof why, &ignored);
  cr_assert_not_null(lead, "%s", why);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(lead, "note")->valuestring, "x;y");
  lq_arena_free(&a);
  lq_feed_close(f);
}

Test(csv, a_too_long_record_comes_in_pieces_across_a_quoted_line_break) {
  /* line 1 the header; lines 2-3 one record of about 3,000 bytes whose quoted
   * cell holds a line break past max_record; line 4 a short record. */
  size_t half = 1500;
  size_t cap = 64 + 2 * half;
  char *s = malloc(cap);
  cr_assert(s);
  size_t w = (size_t)sprintf(s, "id,note\nbig,\"");
  memset(s + w, 'a', half);
  w += half;
  s[w++] = '\n';
  memset(s + w, 'b', half);
  w += half;
  size_t rec_len = w - 8 + 1;   /* from "big" to the closing quote */
  w += (size_t)sprintf(s + w, "\"\nok,1\n");
  lq_feed *f = lq_feed_open(t_fd_of(s, w), "t.csv", &(lq_feed_opts){.format = LQ_FEED_CSV, .max_record = 1000});
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  cr_assert(r.too_long);
  cr_assert_eq(r.line, 2);
  size_t total = r.len;
  char *whole = malloc(rec_len + 1);
  memcpy(whole, r.raw, r.len);
  const char *piece;
  size_t len;
  while (lq_feed_more(f, &piece, &len)) {
    cr_assert_leq(total + len, rec_len);
    memcpy(whole + total, piece, len);
    total += len;
  }
  cr_assert_eq(total, rec_len, "every byte of the long record comes out once: %zu of %zu", total, rec_len);
  cr_assert_eq(memcmp(whole, s + 8, rec_len), 0, "in order");
  cr_assert(lq_feed_next(f, &r), "the quoted line break did not end the record: the next one is whole");
  cr_assert(!r.too_long);
  cr_assert_str_eq(r.raw, "ok,1");
  cr_assert_eq(r.line, 4);
  cr_assert(!lq_feed_next(f, &r));
  cr_assert_eq(lq_feed_error(f, NULL), LQ_FEED_OK);
  lq_feed_close(f);
  free(whole);
  free(s);
}

/* ---- gzip ---- */

/* A temporary file holding s[0..n) gzip-compressed with zlib's gzopen; its
 * path in path (the caller unlinks it). */
static void gzip_file(char path[64], const char *s, size_t n) {
  strcpy(path, "/tmp/leadq-feed-XXXXXX");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  gzFile gz = gzopen(path, "wb9");
  cr_assert_not_null(gz);
  cr_assert_eq(gzwrite(gz, s, (unsigned)n), (int)n);
  cr_assert_eq(gzclose(gz), Z_OK);
}

static char *slurp_file(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  cr_assert_not_null(fp);
  fseek(fp, 0, SEEK_END);
  long size = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *b = malloc((size_t)size + 1);
  cr_assert_eq(fread(b, 1, (size_t)size, fp), (size_t)size);
  fclose(fp);
  *n = (size_t)size;
  return b;
}

/* Rows "r00000,N" with scrambled numbers, so that they compress poorly and a
 * cut in the middle of the stream leaves many whole records before it. */
static char *csv_rows(int rows, size_t *n) {
  char *s = malloc(16 + (size_t)rows * 24);
  size_t w = (size_t)sprintf(s, "id,n\n");
  uint32_t x = 2463534242u;
  for (int i = 0; i < rows; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    w += (size_t)sprintf(s + w, "r%05d,%u\n", i, x);
  }
  *n = w;
  return s;
}

Test(gzip, a_whole_stream_is_read_whatever_the_name) {
  size_t n;
  char *s = csv_rows(300, &n);
  char path[64];
  gzip_file(path, s, n);
  /* The name says CSV only by --input: gzip is found by its magic bytes. */
  lq_feed *f = lq_feed_open(open(path, O_RDONLY), "export.bin", &csv_opts);
  lq_record r;
  int seen = 0;
  const char *at = strchr(s, '\n') + 1;
  while (lq_feed_next(f, &r)) {
    const char *nl = strchr(at, '\n');
    cr_assert_eq(r.len, (size_t)(nl - at));
    cr_assert_eq(memcmp(r.raw, at, r.len), 0, "record %d", seen);
    cr_assert_eq(r.line, (uint64_t)seen + 2);
    at = nl + 1;
    seen++;
  }
  cr_assert_eq(seen, 300);
  cr_assert_eq(lq_feed_error(f, NULL), LQ_FEED_OK);
  lq_feed_close(f);
  unlink(path);
  free(s);
}

/* The whole lines (after the header) zlib can decompress from z[0..n). */
static int whole_rows_in(const unsigned char *z, size_t n) {
  z_stream zs = {0};
  cr_assert_eq(inflateInit2(&zs, 31), Z_OK);
  size_t cap = 1 << 20;
  unsigned char *out = malloc(cap);
  zs.next_in = (unsigned char *)z;
  zs.avail_in = (uInt)n;
  zs.next_out = out;
  zs.avail_out = (uInt)cap;
  int st = inflate(&zs, Z_SYNC_FLUSH);
  cr_assert(st == Z_OK || st == Z_BUF_ERROR, "inflate: %d", st);
  int lines = 0;
  for (size_t i = 0; i < zs.total_out; i++) lines += out[i] == '\n';
  inflateEnd(&zs);
  free(out);
  return lines - 1;   /* less the header */
}

Test(gzip, a_truncated_stream_gives_the_records_before_the_cut_then_corrupt) {
  size_t n;
  char *s = csv_rows(2000, &n);
  char path[64];
  gzip_file(path, s, n);
  size_t zn;
  char *z = slurp_file(path, &zn);
  size_t cut = zn / 2;
  int before = whole_rows_in((unsigned char *)z, cut);
  cr_assert_gt(before, 100, "the cut should leave many whole records (%d)", before);
  cr_assert_lt(before, 2000);

  lq_feed *f = lq_feed_open(t_fd_of(z, cut), "t.csv.gz", &(lq_feed_opts){0});
  lq_record r;
  int seen = 0;
  const char *at = strchr(s, '\n') + 1;
  while (lq_feed_next(f, &r)) {
    const char *nl = strchr(at, '\n');
    cr_assert_eq(r.len, (size_t)(nl - at), "record %d is whole", seen);
    cr_assert_eq(memcmp(r.raw, at, r.len), 0, "record %d", seen);
    at = nl + 1;
    seen++;
  }
  cr_assert_eq(seen, before, "every whole record before the cut, and not the cut one: %d of %d", seen, before);
  lq_error why;
  cr_assert_eq(lq_feed_error(f, &why), LQ_FEED_CORRUPT);
  cr_assert(strstr(why.msg, "cut short"), "why: %s", why.msg);
  lq_feed_close(f);
  unlink(path);
  free(z);
  free(s);
}

Test(gzip, members_in_a_row_are_one_input_and_damage_after_them_keeps_what_came_before) {
  char p1[64], p2[64];
  gzip_file(p1, "id,n\na,1\n", 9);
  gzip_file(p2, "b,2\n", 4);
  size_t n1, n2;
  char *z1 = slurp_file(p1, &n1), *z2 = slurp_file(p2, &n2);
  unlink(p1);
  unlink(p2);
  /* header+a, then b, then a third member whose deflate block type is invalid */
  static const unsigned char bad[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3, 0xff, 0xff, 0xff, 0xff};
  char *all = malloc(n1 + n2 + sizeof bad);
  memcpy(all, z1, n1);
  memcpy(all + n1, z2, n2);
  memcpy(all + n1 + n2, bad, sizeof bad);
  records r = read_as("t.csv", csv_opts, all, n1 + n2);
  cr_assert_eq(r.status, LQ_FEED_OK);
  cr_assert_eq(r.n, 2, "two members, two records: got %d", r.n);
  cr_assert_str_eq(r.text[1], "b,2");
  records_free(&r);
  r = read_as("t.csv", csv_opts, all, n1 + n2 + sizeof bad);
  cr_assert_eq(r.status, LQ_FEED_CORRUPT);
  cr_assert_eq(r.n, 2, "the records before the damage are read: got %d", r.n);
  records_free(&r);
  free(all);
  free(z1);
  free(z2);
}

static bool keep_b_and_id(void *ctx, const char *key, uint32_t len) {
  (void)ctx;
  return (len == 1 && key[0] == 'b') || (len == 2 && !memcmp(key, "id", 2));
}

Test(csv, only_the_kept_columns_are_decoded_but_a_bad_record_is_still_bad) {
  const char *s = "id,a,b,c\n1,x,2,y\n2,\"q\"z,3,w\n";
  lq_feed *f = lq_feed_open(t_fd_of(s, strlen(s)), "t.csv", &csv_opts);
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  lq_feed_keep(f, keep_b_and_id, NULL);
  lq_arena a;
  lq_arena_init(&a, 1024);
  char why[200];
  bool ignored = false;
  cJSON *lead = t_feed_decode(lq_feed_schema_of(f), &a, r.raw, r.len, why, sizeof why, &ignored);
  cr_assert_not_null(lead, "%s", why);
  cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(lead, "b"));
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(lead, "b")->valuedouble, 2);
  cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(lead, "id"));
  cr_assert_null(cJSON_GetObjectItemCaseSensitive(lead, "a"), "an unkept column is left out");
  cr_assert_null(cJSON_GetObjectItemCaseSensitive(lead, "c"));
  cr_assert(lq_feed_next(f, &r));
  cr_assert_null(t_feed_decode(lq_feed_schema_of(f), &a, r.raw, r.len, why, sizeof why, &ignored),
                 "text after a closing quote in an unkept column is still a bad record");
  cr_assert(strstr(why, "closing quote"), "%s", why);
  lq_arena_free(&a);
  lq_feed_close(f);
}

Test(csv, invalid_utf8_is_bad_in_a_quoted_cell_and_in_a_plain_one) {
  const char *rows[] = {"id,a\nr1,x\xff\n", "id,a\nr1,\"x\xff,y\"\n", "id,a\nr1,\"q\",\xc3\n",
                        "id,a\nr1,caf\xc3\xa9\n"};
  for (int i = 0; i < 4; i++) {
    decoded d;
    decode_nth(&d, rows[i], 0);
    if (i < 3) {
      cr_assert_null(d.lead, "row %d should be bad", i);
      cr_assert(strstr(d.why, "UTF-8") || strstr(d.why, "fields"), "row %d: %s", i, d.why);
    } else {
      expect_text(&d, "a", "caf\xc3\xa9", 5);
    }
    decoded_free(&d);
  }
}

/* ---- the stop flag (SIGINT, SIGTERM) ---- */

typedef struct later { volatile sig_atomic_t *flag; useconds_t after; } later;

static void *set_later(void *arg) {
  later *l = arg;
  usleep(l->after);
  *l->flag = 1;
  return NULL;
}

/* A pipe that goes quiet with half a line in it, then the stop flag set while
 * the reader waits (no signal to interrupt the wait: the wait's timeout must
 * notice): the whole line comes out, the half line never does, and the input
 * ends with no error. */
Test(stop, a_waiting_pipe_ends_without_its_half_line, .timeout = 10.0) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  const char *text = "{\"a\":1}\n{\"b\":";
  cr_assert_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
  volatile sig_atomic_t stop = 0;
  lq_feed *f = lq_feed_open(p[0], "-", &(lq_feed_opts){.stop = &stop});
  lq_record r;
  cr_assert(lq_feed_next(f, &r));
  cr_assert_str_eq(r.raw, "{\"a\":1}");
  pthread_t t;
  later l = {&stop, 200 * 1000};
  cr_assert_eq(pthread_create(&t, NULL, set_later, &l), 0);
  cr_assert(!lq_feed_next(f, &r), "the half line came out: %s", r.raw);
  pthread_join(t, NULL);
  cr_assert(lq_feed_stopped(f));
  cr_assert_eq(lq_feed_error(f, NULL), LQ_FEED_OK);
  lq_feed_close(f);
  close(p[1]);
}

/* A gzip stream stopped halfway is no damage: not "cut short", no error. */
Test(stop, a_gzip_stream_stopped_halfway_is_no_error, .timeout = 10.0) {
  size_t n;
  char *s = csv_rows(2000, &n);
  char path[64];
  gzip_file(path, s, n);
  size_t zn;
  char *z = slurp_file(path, &zn);
  int p[2];
  cr_assert_eq(pipe(p), 0);
  cr_assert_eq(write(p[1], z, zn / 2), (ssize_t)(zn / 2));
  volatile sig_atomic_t stop = 0;
  lq_feed_opts o = csv_opts;
  o.stop = &stop;
  lq_feed *f = lq_feed_open(p[0], "-", &o);
  lq_record r;
  int seen = 0;
  pthread_t t;
  later l = {&stop, 200 * 1000};
  cr_assert_eq(pthread_create(&t, NULL, set_later, &l), 0);
  while (lq_feed_next(f, &r)) {
    cr_assert_eq(r.raw[0], 'r', "record %d is not a whole row: %s", seen, r.raw);
    seen++;
  }
  pthread_join(t, NULL);
  cr_assert_gt(seen, 0);
  cr_assert(lq_feed_stopped(f));
  cr_assert_eq(lq_feed_error(f, NULL), LQ_FEED_OK);
  lq_feed_close(f);
  close(p[1]);
  unlink(path);
  free(z);
  free(s);
}
