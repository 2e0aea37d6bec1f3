/* ndjson.h: reading a stream one line at a time, lines of any length. */
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
} lq_reader;

void lq_reader_init(lq_reader *r, FILE *fp);
/* The next line without its LF (or CRLF), NUL-terminated in place; a UTF-8 BOM
 * at the start of the stream is dropped. False at end of input. The line stays
 * valid until the next call. */
bool lq_reader_next(lq_reader *r, char **line, size_t *len);
bool lq_reader_error(const lq_reader *r);
void lq_reader_free(lq_reader *r);
/* True for a line of nothing but spaces and tabs. */
bool lq_line_blank(const char *s, size_t n);

#endif
