/* ndjson.c: a line reader over fread with one growing buffer, so memory is
 * the longest line, not the stream. */
#include "ndjson.h"

#include <stdlib.h>
#include <string.h>

void lq_reader_init(lq_reader *r, FILE *fp) {
  memset(r, 0, sizeof *r);
  r->fp = fp;
  r->cap = 1 << 20;
  r->buf = malloc(r->cap);
  if (!r->buf) abort();
}

void lq_reader_free(lq_reader *r) {
  free(r->buf);
  r->buf = NULL;
}

bool lq_reader_error(const lq_reader *r) { return ferror(r->fp) != 0; }

static void fill(lq_reader *r) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->cap - r->end < 2) {
    r->cap *= 2;
    r->buf = realloc(r->buf, r->cap);
    if (!r->buf) abort();
  }
  size_t n = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->fp);  /* room for a NUL */
  if (n == 0) r->eof = true;
  r->end += n;
}

bool lq_reader_next(lq_reader *r, char **line, size_t *len) {
  size_t scanned = 0;
  for (;;) {
    char *b = r->buf + r->start;
    size_t avail = r->end - r->start;
    char *nl = memchr(b + scanned, '\n', avail - scanned);
    if (nl || (r->eof && avail > 0)) {
      size_t n = nl ? (size_t)(nl - b) : avail;
      r->start += nl ? n + 1 : n;
      r->lineno++;
      if (n && b[n - 1] == '\r') n--;
      b[n] = '\0';
      if (r->lineno == 1 && n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) { b += 3; n -= 3; }
      *line = b;
      *len = n;
      return true;
    }
    if (r->eof) return false;
    scanned = avail;
    fill(r);
  }
}

bool lq_line_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return false;
  return true;
}
