/* ndjson.h: reading a stream one line at a time, in bounded memory. */
#ifndef LQ_NDJSON_H
#define LQ_NDJSON_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct lq_reader {
  FILE *fp;
  char *buf;
  size_t cap, start, end;   /* unread bytes are buf[start..end) */
  bool eof;
  uint64_t lineno;          /* of the line last returned, from 1 */
  size_t max_line;          /* longest line returned whole, in bytes; 0: no limit */
  bool long_line;           /* the line last returned is longer than max_line */
  bool rest;                /* ... and its rest is still unread */
  int error;                /* errno of a failed read, or 0 */
} lq_reader;

void lq_reader_init(lq_reader *r, FILE *fp);
/* The next line without its LF (or CRLF), NUL-terminated in place; a UTF-8 BOM
 * at the start of the stream is dropped. False at end of input. The line stays
 * valid until the next call.
 *
 * With max_line set, a line longer than that (not counting its line end) sets
 * long_line and comes in pieces, so the buffer never grows much past max_line:
 * this call gives the first bytes (not NUL-terminated), lq_reader_more the rest.
 * The next call to lq_reader_next skips whatever was not read. */
bool lq_reader_next(lq_reader *r, char **line, size_t *len);
/* The next piece of a long line; false when the line is done. */
bool lq_reader_more(lq_reader *r, char **piece, size_t *len);
/* True when reading failed (not at the end of input); errno is then r->error. */
bool lq_reader_error(const lq_reader *r);
void lq_reader_free(lq_reader *r);
/* True for a line of nothing but spaces and tabs. */
bool lq_line_blank(const char *s, size_t n);

#endif
