/* json.c: cJSON with arena allocation, and fast JSON writing. */
#include "json.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "value.h"

/* ---- strict JSON (RFC 8259), straight into cJSON nodes in the arena ----
 *
 * cJSON's own parser is lenient (it takes -01, 2., raw tabs in strings, bad
 * \u escapes) and allocates node by node through hooks. Leads are read here
 * instead, in one pass that checks the text (UTF-8 too: RFC 3629, no
 * overlongs, no surrogates) and builds the same cJSON tree every reader of a
 * lead already knows, in the lead's scratch arena. Test blocks' leads are read
 * here too. cJSON's parser (lq_json_parse) is left to the tests, which read
 * leadq's own JSON output with it. */

typedef struct jparse {
  const unsigned char *s;
  size_t n, i;
  lq_arena *a;
  size_t budget;      /* arena bytes the lead may take; SIZE_MAX: no limit */
  size_t used;
  const char *err;    /* NULL while valid */
  size_t at;
} jparse;

static bool fail(jparse *v, size_t at, const char *err) {
  v->err = err;
  v->at = at;
  return false;
}

static inline void skip_space(jparse *v) {
  /* Most leads are compact: one comparison settles the common case. */
  while (v->i < v->n && v->s[v->i] <= ' ' &&
         (v->s[v->i] == ' ' || v->s[v->i] == '\t' || v->s[v->i] == '\r' || v->s[v->i] == '\n'))
    v->i++;
}

static const char TRUNCATED[] = "truncated";
static const char TOO_BIG[] = "memory";

/* n bytes of the lead's arena, counted against its budget as the arena
 * counts them (rounded up to its alignment); NULL when over it. A line of
 * small values, "[0,0,...]", takes 32 times its size in nodes: without a
 * budget a line under --max-line-bytes could still take gigabytes. */
static void *take(jparse *v, size_t n) {
  size_t a = (n + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
  if (a > v->budget - v->used) return NULL;
  v->used += a;
  return lq_arena_alloc(v->a, n);
}

/* One UTF-8 sequence of 2 to 4 bytes at i; its length, or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t i) {
  size_t len;
  unsigned c = s[i], lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
  else return 0;
  if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; k++)
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  return len;
}

bool lq_utf8_valid(const char *text, size_t n, size_t *bad_at) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t len = utf8_seq(s, n, i);
    if (!len) {
      if (bad_at) *bad_at = i;
      return false;
    }
    i += len;
  }
  return true;
}

static int hex4(const unsigned char *s) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    int c = s[k], d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/* Bytes a string body holds as they are: printable ASCII but " and \\. */
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
static const bool plain[256] = {
    R16(0), R16(0),                                        /* controls */
    1, 1, 0, 1, R4(1), R4(1), R4(1), R16(1),               /* " at 0x22 */
    R16(1), R4(1), R4(1), R4(1), 0, 1, 1, 1,               /* \\ at 0x5C */
    R16(1), R16(1),
    R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), /* UTF-8 */
};
#undef R4
#undef R16

/* Past the bytes from i that are plain (printable ASCII but " and \\), 16 at a
 * time: a signed compare with 0x20 finds the controls and every non-ASCII byte
 * at once. Stops at or before the first byte that is not plain; without SSE2
 * it leaves the work to the table. */
static inline size_t plain_run(const unsigned char *s, size_t n, size_t i) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  while (i + 16 <= n) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                   _mm_cmplt_epi8(x, space));
    unsigned mask = (unsigned)_mm_movemask_epi8(special);
    if (mask) return i + (size_t)__builtin_ctz(mask);
    i += 16;
  }
#else
  (void)s, (void)n;
#endif
  return i;
}

static char *put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) *o++ = (char)cp;
  else if (cp < 0x800) *o++ = (char)(0xC0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3F));
  else if (cp < 0x10000)
    *o++ = (char)(0xE0 | cp >> 12), *o++ = (char)(0x80 | (cp >> 6 & 0x3F)), *o++ = (char)(0x80 | (cp & 0x3F));
  else
    *o++ = (char)(0xF0 | cp >> 18), *o++ = (char)(0x80 | (cp >> 12 & 0x3F)), *o++ = (char)(0x80 | (cp >> 6 & 0x3F)),
    *o++ = (char)(0x80 | (cp & 0x3F));
  return o;
}

/* The string at v->i (its opening quote), checked, as a NUL-terminated arena copy
 * with escapes decoded; *nul is set when it holds a \u0000. */
static char *parse_string(jparse *v, int *length, bool *nul) {
  const unsigned char *s = v->s;
  size_t n = v->n, start = v->i + 1, i = start;
  bool escaped = false;
  for (;;) {
    i = plain_run(s, n, i);
    while (i + 4 <= n && plain[s[i]] && plain[s[i + 1]] && plain[s[i + 2]] && plain[s[i + 3]]) i += 4;
    while (i < n && plain[s[i]]) i++;
    if (i >= n) return fail(v, i, TRUNCATED), NULL;
    unsigned char c = s[i];
    if (c == '"') break;
    if (c == '\\') {
      escaped = true;
      if (i + 1 >= n) return fail(v, i + 1, TRUNCATED), NULL;
      unsigned char e = s[i + 1];
      if (e == 'u') {
        if (i + 6 > n) return fail(v, n, TRUNCATED), NULL;
        int cp = hex4(s + i + 2);
        if (cp < 0) return fail(v, i, "a \\u escape needs four hex digits"), NULL;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          int lo = i + 12 <= n && s[i + 6] == '\\' && s[i + 7] == 'u' ? hex4(s + i + 8) : -1;
          if (lo < 0xDC00 || lo > 0xDFFF) return fail(v, i, "a \\u escape of half a surrogate pair"), NULL;
          i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail(v, i, "a \\u escape of half a surrogate pair"), NULL;
        }
        i += 6;
      } else if (e && strchr("\"\\/bfnrt", e)) {
        i += 2;
      } else {
        return fail(v, i, "unknown escape in a string"), NULL;
      }
    } else if (c < 0x20) {
      return fail(v, i, "control"), NULL;
    } else {
      size_t len = utf8_seq(s, n, i);
      if (!len) return fail(v, i, "utf8"), NULL;
      i += len;
    }
  }
  v->i = i + 1;
  /* Decoded text is never longer than its escaped form. */
  char *out = take(v, i - start + 1), *o = out;
  if (!out) return fail(v, start, TOO_BIG), NULL;
  if (!escaped) {
    memcpy(out, s + start, i - start);
    out[i - start] = '\0';
    *length = i - start <= INT_MAX ? (int)(i - start) : 0;
    return out;
  }
  for (size_t k = start; k < i;) {
    if (s[k] != '\\') {
      *o++ = (char)s[k++];
      continue;
    }
    unsigned char e = s[k + 1];
    k += 2;
    switch (e) {
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u': {
      unsigned cp = (unsigned)hex4(s + k);
      k += 4;
      *nul |= cp == 0;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)hex4(s + k + 2) - 0xDC00);
        k += 6;
      }
      o = put_utf8(o, cp);
      break;
    }
    default: *o++ = (char)e; break;   /* " \ / */
    }
  }
  *o = '\0';
  /* Kept, not left to strlen: the text may hold a \u0000. */
  *length = o - out <= INT_MAX ? (int)(o - out) : 0;
  return out;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; whole numbers of up to 15
 * digits are read exactly here, the rest by strtod. */
static bool parse_number(jparse *v, double *out) {
  const unsigned char *s = v->s;
  size_t start = v->i, i = v->i;
  bool neg = s[i] == '-';
  i += neg;
  if (i >= v->n) return fail(v, i, TRUNCATED);
  uint64_t whole = 0;
  size_t digits = 0;
  if (s[i] == '0') {
    i++;
    if (i < v->n && s[i] >= '0' && s[i] <= '9') return fail(v, start, "a number cannot start with 0");
    digits = 1;
  } else {
    while (i < v->n && s[i] >= '0' && s[i] <= '9') whole = whole * 10 + (s[i++] - '0'), digits++;
    if (!digits) return fail(v, start, "not a number");
  }
  bool simple = digits <= 15;
  if (i < v->n && s[i] == '.') {
    size_t d = ++i;
    while (i < v->n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return fail(v, start, i >= v->n ? TRUNCATED : "a number needs digits after its '.'");
    simple = false;
  }
  if (i < v->n && (s[i] | 0x20) == 'e') {
    i++;
    if (i < v->n && (s[i] == '+' || s[i] == '-')) i++;
    size_t d = i;
    while (i < v->n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return fail(v, start, i >= v->n ? TRUNCATED : "a number needs digits in its exponent");
    simple = false;
  }
  v->i = i;
  /* strtod stops at the delimiter after the number, which the line has. */
  *out = simple ? (neg ? -(double)whole : (double)whole) : strtod((const char *)s + start, NULL);
  return true;
}

static bool parse_word(jparse *v, int *type) {
  static const struct { const char *w; int type; } words[] = {
      {"true", cJSON_True}, {"false", cJSON_False}, {"null", cJSON_NULL}};
  for (int k = 0; k < 3; k++) {
    size_t len = strlen(words[k].w);
    if (v->s[v->i] != (unsigned char)words[k].w[0]) continue;
    if (v->i + len > v->n)
      return fail(v, v->n, memcmp(v->s + v->i, words[k].w, v->n - v->i) ? "unexpected" : TRUNCATED);
    if (memcmp(v->s + v->i, words[k].w, len)) break;
    v->i += len;
    *type = words[k].type;
    return true;
  }
  return fail(v, v->i, "unexpected");
}

typedef struct frame { cJSON *node, *last; } frame;

/* Appends as cJSON does: the first child's prev is the last child. */
static void attach(frame *f, cJSON *item) {
  if (!f->last) {
    f->node->child = item;
  } else {
    f->last->next = item;
    item->prev = f->last;
  }
  f->node->child->prev = item;
  f->last = item;
}

/* The whole text is one JSON value (and nothing else but white space). */
static cJSON *parse_json(jparse *v) {
  frame stack[CJSON_NESTING_LIMIT];
  int depth = 0;
  cJSON *root = NULL;
  char *key = NULL;
  bool key_nul = false;
  skip_space(v);
value:
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED), NULL;
  {
    cJSON *item = take(v, sizeof *item);
    if (!item) return fail(v, v->i, TOO_BIG), NULL;
    memset(item, 0, sizeof *item);
    item->string = key;
    /* The key's C string ends at its \u0000: it would read as a shorter key. */
    if (key_nul) item->type = LQ_JSON_KEY_NUL;
    key = NULL;
    key_nul = false;
    unsigned char c = v->s[v->i];
    if (c == '{' || c == '[') {
      if (depth == CJSON_NESTING_LIMIT) return fail(v, v->i, "nesting"), NULL;
      item->type |= c == '{' ? cJSON_Object : cJSON_Array;
    } else if (c == '"') {
      item->type |= cJSON_String;
      bool nul = false;
      if (!(item->valuestring = parse_string(v, &item->valueint, &nul))) return NULL;
    } else if (c == 't' || c == 'f' || c == 'n') {
      int word;
      if (!parse_word(v, &word)) return NULL;
      item->type |= word;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      item->type |= cJSON_Number;
      size_t start = v->i;
      if (!parse_number(v, &item->valuedouble)) return NULL;
      /* The number as written, for ids that a double would change. */
      item->valuestring = (char *)v->s + start;
      item->valueint = v->i - start <= INT_MAX ? (int)(v->i - start) : 0;
    } else {
      if (c >= 0x80 && !utf8_seq(v->s, v->n, v->i)) return fail(v, v->i, "utf8"), NULL;
      return fail(v, v->i, "unexpected"), NULL;
    }
    if (depth) attach(&stack[depth - 1], item);
    else root = item;
    if (c == '{' || c == '[') {
      stack[depth++] = (frame){item, NULL};
      v->i++;
      skip_space(v);
      if (v->i < v->n && v->s[v->i] == (c == '{' ? '}' : ']')) {
        v->i++;
        depth--;
        goto after;
      }
      if (c == '{') goto key;
      goto value;
    }
    goto after;
  }
key:
  skip_space(v);
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED), NULL;
  if (v->s[v->i] != '"') return fail(v, v->i, "expected a key in double quotes"), NULL;
  int key_len;
  if (!(key = parse_string(v, &key_len, &key_nul))) return NULL;
  skip_space(v);
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED), NULL;
  if (v->s[v->i] != ':') return fail(v, v->i, "expected ':' after the key"), NULL;
  v->i++;
  skip_space(v);
  goto value;
after:
  skip_space(v);
  if (depth == 0) return v->i == v->n ? root : (fail(v, v->i, "trailing"), NULL);
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED), NULL;
  {
    bool object = stack[depth - 1].node->type == cJSON_Object;
    if (v->s[v->i] == ',') {
      v->i++;
      skip_space(v);
      if (object) goto key;
      goto value;
    }
    if (v->s[v->i] == (object ? '}' : ']')) {
      v->i++;
      depth--;
      goto after;
    }
    return fail(v, v->i, object ? "expected ',' or '}'" : "expected ',' or ']'"), NULL;
  }
}

static const char *json_type_name(const cJSON *j) {
  switch (j->type & 0xFF) {
  case cJSON_Array: return "an array";
  case cJSON_String: return "a string";
  case cJSON_Number: return "a number";
  case cJSON_True: case cJSON_False: return "true or false";
  case cJSON_NULL: return "null";
  default: return "not an object";
  }
}

static size_t column(const char *s, size_t off) {
  size_t col = 1;
  for (size_t i = 0; i < off; i++) col += ((unsigned char)s[i] & 0xC0) != 0x80;
  return col;
}

/* A copy of a cJSON tree in a, nodes and strings (cJSON links a list's first
 * item's prev to its last). */
static cJSON *copy_tree(lq_arena *a, const cJSON *from) {
  cJSON *to = lq_arena_alloc(a, sizeof *to);
  *to = *from;
  to->next = to->prev = to->child = NULL;
  if (from->string) to->string = lq_arena_strndup(a, from->string, strlen(from->string));
  if (from->valuestring) to->valuestring = lq_arena_strndup(a, from->valuestring, strlen(from->valuestring));
  cJSON *last = NULL;
  for (const cJSON *c = from->child; c; c = c->next) {
    cJSON *k = copy_tree(a, c);
    if (last) last->next = k, k->prev = last;
    else to->child = k;
    last = k;
  }
  if (to->child) to->child->prev = last;
  return to;
}

/* cJSON's parser with cJSON's own memory (the library sets no cJSON hooks,
 * which are process-wide and would reach an embedding program's cJSON), then
 * copied into the arena, so the caller frees nothing. */
cJSON *lq_json_parse(lq_arena *a, const char *s, size_t n) {
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
  if (!j) return NULL;
  if (end) {
    while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
  }
  cJSON *out = !end || end == s + n ? copy_tree(a, j) : NULL;
  cJSON_Delete(j);
  return out;
}

/* The reason a line is not JSON, in words; with at_col false the position is
 * left out (the caller shows it with a caret). */
static void explain_error(const jparse *v, const char *s, lq_error *err, bool at_col) {
  char why[LQ_ERROR_MAX];
  size_t whylen = sizeof why;
  char col[64] = "";
  if (at_col) snprintf(col, sizeof col, " at column %zu", column(s, v->at));
  const char *e = v->err;
  if (e == TRUNCATED)
    snprintf(why, whylen, "truncated JSON: the line ends before the value is complete");
  else if (e == TOO_BIG)
    snprintf(why, whylen, "this lead holds too many values: read, it needs more than %d times --max-line-bytes "
             "of memory; if it is a real lead, raise --max-line-bytes", LQ_LEAD_MEMORY_FACTOR);
  else if (!strcmp(e, "utf8")) {
    if (at_col) snprintf(col + strlen(col), sizeof col - strlen(col), " (byte %zu)", v->at + 1);
    snprintf(why, whylen, "invalid UTF-8%s; the line must be UTF-8 text", col);
  } else if (!strcmp(e, "control"))
    snprintf(why, whylen, "control character U+%04X in a string%s; JSON writes it escaped, as \\u%04X",
             (unsigned)v->s[v->at], col, (unsigned)v->s[v->at]);
  else if (!strcmp(e, "nesting"))
    snprintf(why, whylen, "JSON nested deeper than %d levels", CJSON_NESTING_LIMIT);
  else if (!strcmp(e, "trailing"))
    snprintf(why, whylen, "unexpected text after the JSON value%s", col);
  else if (!strcmp(e, "unexpected"))
    snprintf(why, whylen, "invalid JSON%s", col);
  else
    snprintf(why, whylen, "invalid JSON%s: %s", col, e);
  lq_error_at(err, v->at, "%s", why);
}

static cJSON *parse_lead(lq_arena *a, const char *s, size_t n, size_t budget, lq_error *err, bool at_col) {
  jparse v = {(const unsigned char *)s, n, 0, a, budget ? budget : SIZE_MAX, 0, NULL, 0};
  cJSON *j = parse_json(&v);
  if (!j) {
    explain_error(&v, s, err, at_col);
    return NULL;
  }
  if (!cJSON_IsObject(j)) {
    lq_error_at(err, 0, "a lead must be a JSON object, this is %s", json_type_name(j));
    return NULL;
  }
  return j;
}

cJSON *lq_json_parse_lead_at(lq_arena *a, const char *s, size_t n, lq_error *err) {
  return parse_lead(a, s, n, 0, err, false);
}

cJSON *lq_json_parse_lead(lq_arena *a, const char *s, size_t n, lq_error *err) {
  return parse_lead(a, s, n, 0, err, true);
}

cJSON *lq_json_parse_lead_max(lq_arena *a, const char *s, size_t n, size_t budget, lq_error *err) {
  return parse_lead(a, s, n, budget, err, true);
}

void lq_buf_grow(lq_buf *b, size_t more) {
  size_t cap = b->cap ? b->cap : 64 * 1024;
  while (cap - b->len < more) cap *= 2;
  b->data = lq_mem_realloc(b->data, cap);
  b->cap = cap;
}

void lq_buf_puts(lq_buf *b, const char *s) { lq_buf_put(b, s, strlen(s)); }

void lq_buf_printf(lq_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  lq_buf_grow(b, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void lq_buf_json_string(lq_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  if (b->cap - b->len < n + 2) lq_buf_grow(b, n + 2);
  lq_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    lq_buf_put(b, s + run, i - run);
    run = i + 1;
    char esc[6] = {'\\', 0};
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default:
      lq_buf_put(b, "\\u00", 4);
      lq_buf_putc(b, hex[c >> 4]);
      lq_buf_putc(b, hex[c & 15]);
      continue;
    }
    lq_buf_put(b, esc, 2);
  }
  lq_buf_put(b, s + run, n - run);
  lq_buf_putc(b, '"');
}

void lq_buf_num(lq_buf *b, double x) {
  char tmp[32];
  int n = lq_num_format(x, tmp);
  lq_buf_put(b, tmp, (size_t)n);
}

void lq_buf_num_human(lq_buf *b, double x) {
  char tmp[32];
  int n = lq_num_human(x, tmp);
  lq_buf_put(b, tmp, (size_t)n);
}

bool lq_buf_flush(lq_buf *b, FILE *out) {
  bool ok = b->len == 0 || fwrite(b->data, 1, b->len, out) == b->len;
  b->len = 0;
  return ok;
}

void lq_buf_free(lq_buf *b) {
  lq_mem_free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
