/* ndjson.c: a line reader over fread with one growing buffer, so memory is
 * the longest line (at most max_line and a few bytes), not the stream. */
#include "ndjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Room past max_line that the buffer may need to tell a long line: a BOM, a CR,
 * the LF and the NUL. */
enum { SLACK = 8 };

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

bool lq_reader_error(const lq_reader *r) { return r->error != 0; }

static void fill(lq_reader *r) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->cap - r->end < 2) {
    size_t cap = r->cap * 2;
    if (r->max_line && cap > r->max_line + SLACK) cap = r->max_line + SLACK;
    if (cap > r->cap) {
      r->cap = cap;
      r->buf = realloc(r->buf, r->cap);
      if (!r->buf) abort();
    }
  }
  errno = 0;
  size_t n = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->fp);  /* room for a NUL */
  if (n == 0) {
    r->eof = true;
    if (ferror(r->fp) && !r->error) r->error = errno ? errno : EIO;
  }
  r->end += n;
}

bool lq_reader_next(lq_reader *r, char **line, size_t *len) {
  char *piece;
  size_t plen;
  while (lq_reader_more(r, &piece, &plen)) {}   /* the unread rest of a long line */
  r->long_line = false;
  size_t scanned = 0;
  for (;;) {
    char *b = r->buf + r->start;
    size_t avail = r->end - r->start;
    char *nl = memchr(b + scanned, '\n', avail - scanned);
    size_t bom = r->lineno == 0 && avail >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (nl || (r->eof && avail > 0)) {
      size_t n = nl ? (size_t)(nl - b) : avail;
      r->start += nl ? n + 1 : n;
      r->lineno++;
      if (n && b[n - 1] == '\r') n--;
      b[n] = '\0';
      b += bom;
      n -= bom;
      r->long_line = r->max_line && n > r->max_line;
      *line = b;
      *len = n;
      return true;
    }
    if (r->eof) return false;
    if (r->max_line && avail - bom > r->max_line + 1) {
      /* Too long whatever comes next, even a CRLF: hand out what is here, less
       * a CR that may belong to the line end. */
      size_t n = avail - (b[avail - 1] == '\r');
      r->start += n;
      r->lineno++;
      r->long_line = r->rest = true;
      *line = b + bom;
      *len = n - bom;
      return true;
    }
    scanned = avail;
    fill(r);
  }
}

bool lq_reader_more(lq_reader *r, char **piece, size_t *len) {
  while (r->rest) {
    char *b = r->buf + r->start;
    size_t avail = r->end - r->start;
    char *nl = memchr(b, '\n', avail);
    if (nl || r->eof) {
      size_t n = nl ? (size_t)(nl - b) : avail;
      r->start += nl ? n + 1 : n;
      r->rest = false;
      if (n && b[n - 1] == '\r') n--;
      *piece = b;
      *len = n;
      return n > 0;
    }
    if (avail > 1) {
      size_t n = avail - (b[avail - 1] == '\r');
      r->start += n;
      *piece = b;
      *len = n;
      return true;
    }
    fill(r);
  }
  return false;
}

bool lq_line_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return false;
  return true;
}
