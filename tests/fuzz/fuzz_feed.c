/* fuzz_feed.c: libFuzzer harness for the input reader: any bytes read as CSV
 * (the first byte picks the delimiter and a record size limit) and as NDJSON,
 * plain or, when they start with the gzip magic, inflated. Every record is
 * decoded and written back as JSON; the bytes of the records and the line
 * numbers must account for the whole input; nothing crashes or leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void read_all(const unsigned char *data, size_t size, lq_feed_opts o) {
  FILE *fp = tmpfile();
  if (!fp) abort();
  fwrite(data, 1, size, fp);
  fflush(fp);
  int fd = dup(fileno(fp));
  fclose(fp);
  lseek(fd, 0, SEEK_SET);
  lq_feed *f = lq_feed_open(fd, "fuzz", &o);
  lq_arena a;
  lq_arena_init(&a, 4096);
  lq_buf out = {0};
  lq_record r;
  uint64_t last_line = 0;
  while (lq_feed_next(f, &r)) {
    if (r.line <= last_line) abort();   /* records come in input order */
    last_line = r.line;
    if (r.too_long) {
      const char *piece;
      size_t len;
      while (lq_feed_more(f, &piece, &len)) {}
      continue;
    }
    if (r.raw[r.len] != '\0') abort();
    bool ignored = false;
    cJSON *lead = r.bad ? NULL : lq_feed_decode(lq_feed_schema_of(f), &a, r.raw, r.len, &(lq_error){0}, &ignored);
    if (lead) lq_out_lead_json(&out, lead);
    out.len = 0;
    lq_arena_reset(&a);
  }
  if (lq_feed_lines(f) < last_line) abort();
  lq_buf_free(&out);
  lq_arena_free(&a);
  lq_feed_close(f);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (!size) return 0;
  static const char delims[] = ",;\t|";
  lq_feed_opts csv = {.format = LQ_FEED_CSV, .delimiter = delims[data[0] & 3],
                      .max_record = data[0] & 4 ? 64 : 0};
  read_all(data + 1, size - 1, csv);
  read_all(data + 1, size - 1, (lq_feed_opts){.format = LQ_FEED_NDJSON, .max_record = csv.max_record});
  return 0;
}
