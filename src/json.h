/* json.h: reading lead lines with cJSON into arena memory, and writing JSON text. */
#ifndef LQ_JSON_H
#define LQ_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "arena.h"
#include "error.h"

/* A lead may take this many times --max-line-bytes of memory once read (see
 * lq_feed_schema.max_memory): real leads take about 5 times their line, a
 * line of small values ("[0,0,...]") 32 times. Never less than
 * LQ_LEAD_MEMORY_MIN bytes, for a small limit and a lead of a few short fields. */
enum { LQ_LEAD_MEMORY_FACTOR = 8, LQ_LEAD_MEMORY_MIN = 64 * 1024 };

/* Set in a node's type (above cJSON's type bits, which every reader masks with
 * 0xFF) when its key holds U+0000: the key's C string stops there and would
 * read as a shorter key, so such a key names no field. */
#define LQ_JSON_KEY_NUL (1 << 12)

/* Parses one lead line (s[n] must be a NUL) into a. On failure returns NULL
 * and fills err (error.h): a one-line reason, such as "invalid UTF-8 at
 * column 12", and at, the byte offset in s it is about.
 * A string's length is in valueint (it may hold a \u0000); a number's text as
 * written is at valuestring (in s, not NUL-terminated), its length in valueint. */
cJSON *lq_json_parse_lead(lq_arena *a, const char *s, size_t n, lq_error *err);
/* The same, in at most budget bytes of a (0: no limit): a lead that needs more
 * is refused, with a reason that names --max-line-bytes. */
cJSON *lq_json_parse_lead_max(lq_arena *a, const char *s, size_t n, size_t budget, lq_error *err);
/* The same, for a caller that shows the place itself (err->at): the reason
 * leaves the column out. */
cJSON *lq_json_parse_lead_at(lq_arena *a, const char *s, size_t n, lq_error *err);
/* True when text is valid UTF-8 (RFC 3629); else the offset of the first bad byte. */
bool lq_utf8_valid(const char *text, size_t n, size_t *bad_at);
/* Any JSON value, by cJSON's lenient parser, copied into a: for tests reading
 * leadq's output. The library sets no cJSON hooks: cJSON's memory stays the
 * embedding program's. */
cJSON *lq_json_parse(lq_arena *a, const char *s, size_t n);

/* An output buffer, flushed by the caller. */
typedef struct lq_buf { char *data; size_t len, cap; } lq_buf;
void lq_buf_grow(lq_buf *b, size_t more);
static inline void lq_buf_put(lq_buf *b, const char *s, size_t n) {
  if (b->cap - b->len < n) lq_buf_grow(b, n);
  for (size_t i = 0; i < n; i++) b->data[b->len + i] = s[i];
  b->len += n;
}
static inline void lq_buf_putc(lq_buf *b, char c) {
  if (b->cap == b->len) lq_buf_grow(b, 1);
  b->data[b->len++] = c;
}
void lq_buf_puts(lq_buf *b, const char *s);
void lq_buf_printf(lq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lq_buf_json_string(lq_buf *b, const char *s, size_t n);
void lq_buf_num(lq_buf *b, double x);
/* The same as a person reads it (lq_num_human): for text, never for JSON. */
void lq_buf_num_human(lq_buf *b, double x);
/* Writes and empties the buffer; false on a write error. */
bool lq_buf_flush(lq_buf *b, FILE *out);
void lq_buf_free(lq_buf *b);

#endif
