/* feed.c: records from NDJSON and CSV inputs, plain or gzip (src/feed.c). */
#include <unistd.h>
#include <zlib.h>

#include "feed.h"
#include "helpers.h"

/* An fd reading the bytes s[0..n), as a file would give them. */
static int fd_of(const void *s, size_t n) {
  FILE *fp = tmpfile();
  cr_assert(fp);
  cr_assert_eq(fwrite(s, 1, n, fp), n);
  fflush(fp);
  int fd = dup(fileno(fp));
  fclose(fp);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

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
  lq_feed *f = lq_feed_open(fd_of(s, n), name, &o);
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
  lq_feed *f = lq_feed_open(fd_of(s, n), "t", &(lq_feed_opts){0});
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
  lq_feed *f = lq_feed_open(fd_of(s, big + 4), "t", &(lq_feed_opts){.max_record = 1000});
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
  lq_feed *f = lq_feed_open(fd_of(s, n), "t", &(lq_feed_opts){0});
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
