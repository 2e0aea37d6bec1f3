/* jsonw.h: the one way leadq writes JSON: a writer over lq_buf that places
 * the commas and colons itself, so no caller counts items.
 *
 *   lq_jw w = lq_jw_on(b);
 *   lq_jw_object(&w);
 *   lq_jw_key(&w, "id");     lq_jw_uint(&w, 42);
 *   lq_jw_key(&w, "tags");   lq_jw_array(&w); lq_jw_str(&w, "a"); lq_jw_str(&w, "b"); lq_jw_end_array(&w);
 *   lq_jw_end_object(&w);    => {"id":42,"tags":["a","b"]}
 *
 * One flag is the whole state, not a stack of "first item" bits: a comma goes
 * before a value or key exactly when something was completed at the same
 * level just before it, and "something completed" is the same fact whether it
 * was a scalar or a whole container that just closed. Opening a container or
 * writing a key clears it; any completed value sets it. So nesting has no
 * limit, and the hot path (a decision per lead, `leadq run`) pays one room
 * check per item and no branch for its comma (lq_jw_item). depth counts open
 * containers: back at 0 the next value starts a new top-level text (an NDJSON
 * line) with no comma.
 *
 * The writer checks nothing else: a key outside an object, or an unbalanced
 * end, is the caller's bug (the unit tests parse what each command writes). */
#ifndef LQ_JSONW_H
#define LQ_JSONW_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

typedef struct lq_jw {
  lq_buf *b;
  int depth;    /* containers open */
  bool comma;   /* the next key or value at this level follows another */
} lq_jw;

static inline lq_jw lq_jw_on(lq_buf *b) { return (lq_jw){b, 0, false}; }

/* n bytes as the next item, after the comma it needs: one check for room,
 * and the comma written always but kept only when needed (no branch). */
static inline void lq_jw_item(lq_jw *w, const char *s, size_t n) {
  lq_buf *b = w->b;
  if (b->cap - b->len <= n) lq_buf_grow(b, n + 1);
  char *d = b->data + b->len;
  size_t comma = w->comma;
  d[0] = ',';
  memcpy(d + comma, s, n);
  b->len += comma + n;
}

/* For one value the caller writes itself (pre-formatted JSON, lq_id_json):
 * places the separator, counts the value as written, and gives the buffer. */
static inline lq_buf *lq_jw_value(lq_jw *w) {
  if (w->comma) lq_buf_putc(w->b, ',');
  w->comma = w->depth > 0;
  return w->b;
}

static inline void lq_jw_open(lq_jw *w, char c) {
  lq_jw_item(w, &c, 1);
  w->depth++;
  w->comma = false;
}
static inline void lq_jw_close(lq_jw *w, char c) {
  lq_buf_putc(w->b, c);
  w->comma = --w->depth > 0;
}
static inline void lq_jw_object(lq_jw *w) { lq_jw_open(w, '{'); }
static inline void lq_jw_end_object(lq_jw *w) { lq_jw_close(w, '}'); }
static inline void lq_jw_array(lq_jw *w) { lq_jw_open(w, '['); }
static inline void lq_jw_end_array(lq_jw *w) { lq_jw_close(w, ']'); }

/* A key already written as JSON with its colon ("\"id\":"): lq_jw_keyl's. */
static inline void lq_jw_key_raw(lq_jw *w, const char *s, size_t n) {
  lq_jw_item(w, s, n);
  w->comma = false;
}
/* A key that is a string literal needing no escapes, quoted at compile time:
 * the fixed keys of a decision cost a copy, not an escape scan. */
#define lq_jw_keyl(w, lit) lq_jw_key_raw((w), "\"" lit "\":", sizeof(lit) + 2)

/* Any key: escaped as lq_jw_string escapes. */
void lq_jw_key_n(lq_jw *w, const char *k, size_t n);
static inline void lq_jw_key(lq_jw *w, const char *k) { lq_jw_key_n(w, k, strlen(k)); }

static inline void lq_jw_bool(lq_jw *w, bool x) {
  if (x) lq_jw_item(w, "true", 4);
  else lq_jw_item(w, "false", 5);
  w->comma = w->depth > 0;
}
static inline void lq_jw_null(lq_jw *w) {
  lq_jw_item(w, "null", 4);
  w->comma = w->depth > 0;
}
/* A string of n bytes (it may hold a NUL), escaped as lq_buf_json_string does:
 * quote, backslash and control characters below 0x20; other bytes, DEL and
 * invalid UTF-8 included, as they are. */
static inline void lq_jw_string(lq_jw *w, const char *s, size_t n) { lq_buf_json_string(lq_jw_value(w), s, n); }
/* A C string; NULL writes null. */
static inline void lq_jw_str(lq_jw *w, const char *s) {
  if (s) lq_jw_string(w, s, strlen(s));
  else lq_jw_null(w);
}
/* A number as lq_buf_num writes it (lq_num_format): whole numbers up to 2^53
 * without a fraction or exponent, no -0, others by %.15g; null when not finite. */
static inline void lq_jw_num(lq_jw *w, double x) { lq_buf_num(lq_jw_value(w), x); }
/* A score or points, as lq_num_human rounds them (null when not finite). */
static inline void lq_jw_score(lq_jw *w, double x) { lq_buf_num_human(lq_jw_value(w), x); }
/* A count, all its digits (past 2^53 too). */
void lq_jw_uint(lq_jw *w, unsigned long long x);
/* A value already written as JSON: a name's quoted text, a number's digits as
 * the lead wrote them (an id of 20 digits stays 20 digits). */
static inline void lq_jw_raw(lq_jw *w, const char *s, size_t n) {
  lq_jw_item(w, s, n);
  w->comma = w->depth > 0;
}

#endif
