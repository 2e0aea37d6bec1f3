/* json.c: cJSON with arena allocation, and fast JSON writing. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"

/* cJSON's hooks are process-wide, so the arena is per thread: each evaluating
 * thread points it at its own per-lead scratch. free() is a no-op; the arena
 * is reset after each lead. */
static _Thread_local lq_arena *json_arena;

static void *arena_malloc(size_t n) { return lq_arena_alloc(json_arena, n); }
static void arena_free(void *p) { (void)p; }

void lq_json_init(void) {
  static cJSON_Hooks hooks = {arena_malloc, arena_free};
  cJSON_InitHooks(&hooks);
}

/* ---- strict JSON (RFC 8259) ----
 *
 * cJSON is lenient: it takes -01, 2., raw tabs in strings and bad \u escapes.
 * A lead we pass on must be the JSON it claims to be, so every line is first
 * checked here in one pass, which also checks UTF-8 (RFC 3629: no overlongs,
 * no surrogates) and nesting. String bodies, most of a lead, go 8 bytes at a
 * time. */

typedef struct jcheck {
  const unsigned char *s;
  size_t n, i;
  const char *err;    /* NULL while valid */
  size_t at;
} jcheck;

static bool fail(jcheck *v, size_t at, const char *err) {
  v->err = err;
  v->at = at;
  return false;
}

static void skip_space(jcheck *v) {
  while (v->i < v->n && (v->s[v->i] == ' ' || v->s[v->i] == '\t' || v->s[v->i] == '\r' || v->s[v->i] == '\n'))
    v->i++;
}

static const char TRUNCATED[] = "truncated";

/* One UTF-8 sequence of 2 to 4 bytes at v->i. */
static bool utf8_seq(jcheck *v) {
  const unsigned char *s = v->s;
  size_t i = v->i, len;
  unsigned c = s[i], lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
  else return fail(v, i, "utf8");
  if (i + len > v->n) return fail(v, i, "utf8");
  if (s[i + 1] < lo || s[i + 1] > hi) return fail(v, i, "utf8");
  for (size_t k = 2; k < len; k++)
    if ((s[i + k] & 0xC0) != 0x80) return fail(v, i, "utf8");
  v->i += len;
  return true;
}

static bool hex4(const unsigned char *s) {
  for (int k = 0; k < 4; k++)
    if (!((s[k] >= '0' && s[k] <= '9') || ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'f'))) return false;
  return true;
}

/* Bytes a string body holds as they are: printable ASCII but " and \\. */
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
static const bool plain[256] = {
    R16(0), R16(0),                                        /* controls */
    0, 1, 0, 1, R4(1), R4(1), R4(1), R16(1),               /* " at 0x22 */
    R16(1), R4(1), R4(1), R4(1), 0, 1, 1, 1,               /* \ at 0x5C */
    R16(1), R16(1),
    R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), /* UTF-8 */
};
#undef R4
#undef R16

static bool check_string(jcheck *v) {
  const unsigned char *s = v->s;
  size_t n = v->n, i = v->i + 1;
  for (;;) {
    /* Skip plain bytes: no quote, no backslash, no control, no high bit.
     * Lead strings are short, so a table beats wider tricks here. */
    while (i + 4 <= n && plain[s[i]] && plain[s[i + 1]] && plain[s[i + 2]] && plain[s[i + 3]]) i += 4;
    while (i < n && plain[s[i]]) i++;
    if (i >= n) return fail(v, i, TRUNCATED);
    unsigned char c = s[i];
    if (c == '"') {
      v->i = i + 1;
      return true;
    }
    if (c == '\\') {
      if (i + 1 >= n) return fail(v, i + 1, TRUNCATED);
      unsigned char e = s[i + 1];
      if (e == 'u') {
        if (i + 6 > n) return fail(v, n, TRUNCATED);
        if (!hex4(s + i + 2)) return fail(v, i, "a \\u escape needs four hex digits");
        i += 6;
      } else if (strchr("\"\\/bfnrt", e) && e) {
        i += 2;
      } else {
        return fail(v, i, "unknown escape in a string");
      }
    } else if (c < 0x20) {
      return fail(v, i, "control");
    } else if (c < 0x80) {
      i++;
    } else {
      v->i = i;
      if (!utf8_seq(v)) return false;
      i = v->i;
    }
  }
}

static bool digits(jcheck *v) {
  size_t start = v->i;
  while (v->i < v->n && v->s[v->i] >= '0' && v->s[v->i] <= '9') v->i++;
  return v->i > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool check_number(jcheck *v) {
  size_t start = v->i;
  if (v->s[v->i] == '-') v->i++;
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED);
  if (v->s[v->i] == '0') {
    v->i++;
    if (v->i < v->n && v->s[v->i] >= '0' && v->s[v->i] <= '9') return fail(v, start, "a number cannot start with 0");
  } else if (!digits(v)) {
    return fail(v, start, "not a number");
  }
  if (v->i < v->n && v->s[v->i] == '.') {
    v->i++;
    if (!digits(v)) return fail(v, start, v->i >= v->n ? TRUNCATED : "a number needs digits after its '.'");
  }
  if (v->i < v->n && (v->s[v->i] | 0x20) == 'e') {
    v->i++;
    if (v->i < v->n && (v->s[v->i] == '+' || v->s[v->i] == '-')) v->i++;
    if (!digits(v)) return fail(v, start, v->i >= v->n ? TRUNCATED : "a number needs digits in its exponent");
  }
  return true;
}

static bool check_word(jcheck *v) {
  static const char *const words[] = {"true", "false", "null"};
  for (int k = 0; k < 3; k++) {
    size_t len = strlen(words[k]);
    if (v->s[v->i] != (unsigned char)words[k][0]) continue;
    if (v->i + len > v->n) return fail(v, v->n, memcmp(v->s + v->i, words[k], v->n - v->i) ? "unexpected" : TRUNCATED);
    if (memcmp(v->s + v->i, words[k], len)) break;
    v->i += len;
    return true;
  }
  return fail(v, v->i, "unexpected");
}

/* The whole text is one JSON value (and nothing else but white space). */
static bool check_json(jcheck *v) {
  char stack[CJSON_NESTING_LIMIT];
  int depth = 0;
  skip_space(v);
value:
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED);
  switch (v->s[v->i]) {
  case '{': case '[':
    if (depth == CJSON_NESTING_LIMIT) return fail(v, v->i, "nesting");
    stack[depth++] = (char)v->s[v->i++];
    skip_space(v);
    if (v->i < v->n && v->s[v->i] == (stack[depth - 1] == '{' ? '}' : ']')) {
      v->i++;
      depth--;
      goto after;
    }
    if (stack[depth - 1] == '{') goto key;
    goto value;
  case '"': if (!check_string(v)) return false; goto after;
  case 't': case 'f': case 'n': if (!check_word(v)) return false; goto after;
  default:
    if (v->s[v->i] == '-' || (v->s[v->i] >= '0' && v->s[v->i] <= '9')) {
      if (!check_number(v)) return false;
      goto after;
    }
    if (v->s[v->i] >= 0x80) {
      jcheck t = *v;   /* a letter outside quotes, or a broken byte? */
      if (!utf8_seq(&t)) return fail(v, v->i, "utf8");
    }
    return fail(v, v->i, "unexpected");
  }
key:
  skip_space(v);
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED);
  if (v->s[v->i] != '"') return fail(v, v->i, "expected a key in double quotes");
  if (!check_string(v)) return false;
  skip_space(v);
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED);
  if (v->s[v->i] != ':') return fail(v, v->i, "expected ':' after the key");
  v->i++;
  skip_space(v);
  goto value;
after:
  skip_space(v);
  if (depth == 0) return v->i == v->n || fail(v, v->i, "trailing");
  if (v->i >= v->n) return fail(v, v->i, TRUNCATED);
  if (v->s[v->i] == ',') {
    v->i++;
    skip_space(v);
    if (stack[depth - 1] == '{') goto key;
    goto value;
  }
  if (v->s[v->i] == (stack[depth - 1] == '{' ? '}' : ']')) {
    v->i++;
    depth--;
    goto after;
  }
  return fail(v, v->i, stack[depth - 1] == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
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

cJSON *lq_json_parse(lq_arena *a, const char *s, size_t n) {
  lq_arena *saved = json_arena;
  json_arena = a;
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
  json_arena = saved;
  if (j && end) {
    while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
    if (end != s + n) return NULL;
  }
  return j;
}

static size_t column(const char *s, size_t off);

/* The reason a line is not JSON, in words. */
static void explain_error(const jcheck *v, const char *s, char *why, size_t whylen) {
  size_t col = column(s, v->at);
  const char *e = v->err;
  if (e == TRUNCATED)
    snprintf(why, whylen, "truncated JSON: the line ends before the value is complete");
  else if (!strcmp(e, "utf8"))
    snprintf(why, whylen, "invalid UTF-8 at column %zu (byte %zu); the line must be UTF-8 text", col, v->at + 1);
  else if (!strcmp(e, "control"))
    snprintf(why, whylen, "control character U+%04X in a string at column %zu; JSON writes it escaped, as \\u%04X",
             (unsigned)v->s[v->at], col, (unsigned)v->s[v->at]);
  else if (!strcmp(e, "nesting"))
    snprintf(why, whylen, "JSON nested deeper than %d levels", CJSON_NESTING_LIMIT);
  else if (!strcmp(e, "trailing"))
    snprintf(why, whylen, "unexpected text after the JSON value at column %zu", col);
  else if (!strcmp(e, "unexpected"))
    snprintf(why, whylen, "invalid JSON at column %zu", col);
  else
    snprintf(why, whylen, "invalid JSON at column %zu: %s", col, e);
}

cJSON *lq_json_parse_lead(lq_arena *a, const char *s, size_t n, char *why, size_t whylen) {
  jcheck v = {(const unsigned char *)s, n, 0, NULL, 0};
  if (!check_json(&v)) {
    explain_error(&v, s, why, whylen);
    return NULL;
  }
  lq_arena *saved = json_arena;
  json_arena = a;
  cJSON *j = cJSON_ParseWithLength(s, n);
  json_arena = saved;
  if (!j) {
    /* Valid JSON that cJSON still refuses; say so rather than guess. */
    snprintf(why, whylen, "JSON that cJSON cannot read");
    return NULL;
  }
  if (!cJSON_IsObject(j)) {
    snprintf(why, whylen, "a lead must be a JSON object, this is %s", json_type_name(j));
    return NULL;
  }
  return j;
}

/* ---- the raw text of one value, without building a tree ---- */

static size_t skip_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
  return i;
}

/* Past the string starting at s[i] == '"'. */
static size_t skip_string(const char *s, size_t n, size_t i) {
  for (i++; i < n && s[i] != '"'; i++)
    if (s[i] == '\\') i++;
  return i + 1;
}

static size_t skip_value(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '"') return skip_string(s, n, i);
  int depth = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (c == '"') i = skip_string(s, n, i) - 1;
    else if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') {
      if (depth-- == 0) return i;
      if (depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) return i;
  }
  return i;
}

bool lq_json_raw_number(const char *s, size_t n, const char *const *keys, const uint32_t *lens,
                        uint32_t nkeys, const char **at, size_t *len) {
  size_t i = skip_ws(s, n, 0);
  for (uint32_t k = 0; k < nkeys; k++) {
    if (i >= n || s[i] != '{') return false;
    i = skip_ws(s, n, i + 1);
    for (;;) {
      if (i >= n || s[i] != '"') return false;
      size_t kb = i + 1, ke = skip_string(s, n, i) - 1;
      i = skip_ws(s, n, ke + 1);
      if (i >= n || s[i] != ':') return false;
      i = skip_ws(s, n, i + 1);
      if (ke - kb == lens[k] && !memcmp(s + kb, keys[k], lens[k])) break;
      i = skip_ws(s, n, skip_value(s, n, i));
      if (i >= n || s[i] != ',') return false;
      i = skip_ws(s, n, i + 1);
    }
  }
  size_t end = skip_value(s, n, i);
  if (i >= n || !(s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))) return false;
  *at = s + i;
  *len = end - i;
  return true;
}

void lq_buf_grow(lq_buf *b, size_t more) {
  size_t cap = b->cap ? b->cap : 64 * 1024;
  while (cap - b->len < more) cap *= 2;
  b->data = realloc(b->data, cap);
  if (!b->data) abort();
  b->cap = cap;
}

void lq_buf_puts(lq_buf *b, const char *s) { lq_buf_put(b, s, strlen(s)); }

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

bool lq_buf_flush(lq_buf *b, FILE *out) {
  bool ok = b->len == 0 || fwrite(b->data, 1, b->len, out) == b->len;
  b->len = 0;
  return ok;
}

void lq_buf_free(lq_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
