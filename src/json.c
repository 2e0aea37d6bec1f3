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

/* Length of the valid UTF-8 prefix of s (RFC 3629: no overlongs, no surrogates).
 * *ctl is set when s may hold a control character (below U+0020). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n, bool *ctl) {
  size_t i = 0;
  uint64_t low = 0;
  while (i < n) {
    /* ASCII runs are the common case: skip 8 bytes at a time, noting bytes below 0x20. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      low |= (w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) { low |= c < 0x20; i++; continue; }
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; k++)
      if ((s[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  *ctl = low != 0;
  return n;
}

/* Offset of the first raw control character inside a string, or n. cJSON lets
 * them through; JSON does not, and a lead passed on must stay valid JSON. */
static size_t control_in_string(const char *s, size_t n) {
  bool str = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!str) str = c == '"';
    else if (c < 0x20) return i;
    else if (c == '\\') i++;
    else if (c == '"') str = false;
  }
  return n;
}

/* Deepest nesting of [ and { outside strings; *open tells whether the text
 * ends inside a string or an unclosed bracket (a cut line). */
static int nesting(const char *s, size_t n, bool *open) {
  int depth = 0, max = 0;
  bool str = false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (str) {
      if (c == '\\') i++;
      else if (c == '"') str = false;
    } else if (c == '"') str = true;
    else if (c == '{' || c == '[') { if (++depth > max) max = depth; }
    else if (c == '}' || c == ']') depth--;
  }
  *open = str || depth > 0;
  return max;
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

cJSON *lq_json_parse_lead(lq_arena *a, const char *s, size_t n, char *why, size_t whylen) {
  bool ctl;
  size_t ok = utf8_valid_prefix((const unsigned char *)s, n, &ctl);
  if (ok < n) {
    snprintf(why, whylen, "invalid UTF-8 at column %zu (byte %zu); the line must be UTF-8 text",
             column(s, ok), ok + 1);
    return NULL;
  }
  if (ctl && (ok = control_in_string(s, n)) < n) {
    snprintf(why, whylen, "control character U+%04X in a string at column %zu; JSON writes it escaped, as \\u%04X",
             (unsigned)s[ok], column(s, ok), (unsigned)s[ok]);
    return NULL;
  }
  lq_arena *saved = json_arena;
  json_arena = a;
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
  json_arena = saved;
  if (!j) {
    size_t at = end && end >= s ? (size_t)(end - s) : 0;
    bool open;
    if (nesting(s, n, &open) >= CJSON_NESTING_LIMIT)
      snprintf(why, whylen, "JSON nested deeper than %d levels", CJSON_NESTING_LIMIT);
    else if (at + 1 >= n || open)
      snprintf(why, whylen, "truncated JSON: the line ends before the value is complete");
    else
      snprintf(why, whylen, "invalid JSON at column %zu", column(s, at));
    return NULL;
  }
  while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
  if (end != s + n) {
    snprintf(why, whylen, "unexpected text after the JSON value at column %zu", column(s, (size_t)(end - s)));
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
