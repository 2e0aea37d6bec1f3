/* output.c: writes decisions straight into a byte buffer, never building a JSON tree. */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

/* ---- ids ---- */

lq_id lq_id_read(lq_eval *E, const cJSON *lead, const lq_seg *segs, uint32_t nsegs, uint64_t line) {
  lq_id id = {.kind = LQ_ID_LINE, .line = line};
  /* A number id is kept as the lead wrote it (1.0, 9007199254740993, 1e400):
   * a double would change it, and the CRM joins on the text. */
  const cJSON *at = lq_json_at(lead, segs, nsegs);
  if (at && cJSON_IsNumber(at) && at->valuestring && at->valueint > 0) {
    id.kind = LQ_ID_NUMBER;
    id.s = at->valuestring;
    id.n = (uint32_t)at->valueint;
    return id;
  }
  /* Found directly (the usual case), or through arrays as the rules read paths. */
  lq_arena *a = lq_eval_scratch(E);
  lq_value v = at ? lq_value_from_json(a, at) : lq_eval_path(E, lead, segs, nsegs);
  switch (v.kind) {
  case LQ_V_STR:
    id.kind = v.b ? LQ_ID_NUMBER : LQ_ID_TEXT;
    id.s = v.str;
    id.n = v.n;
    break;
  case LQ_V_NUM: {   /* a number built without its text (a test's case) */
    char buf[32];
    if (!isfinite(v.num)) break;
    id.kind = LQ_ID_NUMBER;
    id.n = (uint32_t)lq_num_format(v.num, buf);
    id.s = lq_arena_strndup(a, buf, id.n);
    break;
  }
  case LQ_V_MISSING: break;
  default: id.odd = true; break;   /* an object, a list, true or false */
  }
  return id;
}

void lq_id_json(lq_buf *b, const lq_id *id) {
  if (id->kind == LQ_ID_NUMBER) lq_buf_put(b, id->s, id->n);
  else if (id->kind == LQ_ID_TEXT) lq_buf_json_string(b, id->s, id->n);
  else if (id->line) lq_buf_printf(b, "%llu", (unsigned long long)id->line);
  else lq_buf_put(b, "null", 4);
}

void lq_id_text(lq_buf *b, const lq_id *id) {
  if (id->kind == LQ_ID_LINE) lq_buf_printf(b, "#%llu", (unsigned long long)id->line);
  else lq_out_text(b, id->s, id->n);   /* a number's text has no control characters */
}

bool lq_id_is(const lq_id *id, const char *want) {
  size_t n = strlen(want);
  if (id->kind != LQ_ID_LINE) return n == id->n && !memcmp(want, id->s, n);
  char buf[32];
  return n == (size_t)snprintf(buf, sizeof buf, "%llu", (unsigned long long)id->line) && !memcmp(want, buf, n);
}

size_t lq_out_control(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  if (c < 0x20 || c == 0x7f) return 1;
  if (c == 0xc2 && n > 1 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f) return 2;
  return 0;
}

const char *lq_out_count(char *buf, unsigned long long n) {
  char digits[24];
  int len = snprintf(digits, sizeof digits, "%llu", n), o = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = '\0';
  return buf;
}

void lq_out_md_code(lq_buf *b, const char *s) {
  int run = 0, longest = 0;
  for (const char *q = s; *q; q++) {
    run = *q == '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  size_t n = strlen(s);
  bool pad = n && (s[0] == '`' || s[n - 1] == '`');
  for (int i = 0; i <= longest; i++) lq_buf_putc(b, '`');
  if (pad) lq_buf_putc(b, ' ');
  for (; *s; s++) lq_buf_putc(b, *s == '\n' ? ' ' : *s);
  if (pad) lq_buf_putc(b, ' ');
  for (int i = 0; i <= longest; i++) lq_buf_putc(b, '`');
}

void lq_out_text_fix(lq_buf *b, size_t from) {
  char *d = b->data;
  size_t to = from;
  for (size_t i = from; i < b->len;) {
    size_t k = lq_out_control(d + i, b->len - i);
    d[to++] = k ? ' ' : d[i];
    i += k ? k : 1;
  }
  b->len = to;
}

/* Code points in sorted [from, to] ranges: a short table rather than a
 * locale's wcwidth, which LC_ALL=C (scripts, cron) turns off for all of UTF-8. */
typedef struct cp_range { uint32_t from, to; } cp_range;

static const cp_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};
static const cp_range wide[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x25FD, 0x25FE},
    {0x2614, 0x2615}, {0x2648, 0x2653}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE},
    {0x26C4, 0x26C5}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F5}, {0x26FA, 0x26FD},
    {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C}, {0x2753, 0x2757},
    {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
    {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
    {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF},
    {0x1FA70, 0x1FAFF}, {0x20000, 0x3FFFD},
};

static bool in_ranges(uint32_t c, const cp_range *r, size_t n) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c < r[mid].from) hi = mid;
    else if (c > r[mid].to) lo = mid + 1;
    else return true;
  }
  return false;
}

int lq_out_width(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n;) {
    unsigned char b = (unsigned char)s[i];
    size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t c = len == 2 ? b & 0x1Fu : len == 3 ? b & 0x0Fu : b & 0x07u;
    for (size_t k = 1; k < len; k++) {
      if (i + k >= n || ((unsigned char)s[i + k] & 0xC0) != 0x80) {
        len = 0;
        break;
      }
      c = c << 6 | ((unsigned char)s[i + k] & 0x3Fu);
    }
    if (len <= 1) {   /* ASCII, or a byte that is not UTF-8: one column */
      w++;
      i++;
      continue;
    }
    i += len;
    if (in_ranges(c, zero_width, sizeof zero_width / sizeof *zero_width)) continue;
    w += in_ranges(c, wide, sizeof wide / sizeof *wide) ? 2 : 1;
  }
  return w;
}

void lq_out_text(lq_buf *b, const char *s, size_t n) {
  size_t at = b->len;
  lq_buf_put(b, s, n);
  lq_out_text_fix(b, at);
}

bool lq_owner_text(lq_value owner, char *buf, const char **s, size_t *n, bool *bare) {
  *bare = owner.kind == LQ_V_NUM || (owner.kind == LQ_V_STR && owner.b);
  if (owner.kind == LQ_V_STR) {
    *s = owner.str;
    *n = owner.n;
    return true;
  }
  if (owner.kind == LQ_V_NUM && isfinite(owner.num)) {
    *n = (size_t)lq_num_format(owner.num, buf);
    *s = buf;
    return true;
  }
  *s = NULL;
  *n = 0;
  return false;
}

/* An owner: text, or a number (as written when its text was kept); null when missing. */
static void owner_json(lq_jw *w, lq_value v) {
  char buf[32];
  const char *s;
  size_t n;
  bool bare;
  if (!lq_owner_text(v, buf, &s, &n, &bare)) lq_jw_null(w);
  else if (bare) lq_jw_raw(w, s, n);
  else lq_jw_string(w, s, n);
}

/* A value, or a key, the program keeps as JSON text already. */
static void raw(lq_jw *w, lq_str s) { lq_jw_raw(w, s.s, s.n); }
static void key(lq_jw *w, lq_str s) {
  lq_jw_key_raw(w, s.s, s.n);
  lq_buf_putc(w->b, ':');
}

/* A decision's reasons in declaration order: the points rules that fired and,
 * where they are declared, the rejects that fired. JSON and CSV both walk them
 * here, so their reasons cannot come out in different orders. */
typedef struct reason { const lq_group *group; int rule, reject; } reason;   /* rule or reject is -1 */
typedef struct reason_walk { int step, rule; } reason_walk;                   /* start at {0, -1} */

static bool reason_next(const lq_program *p, const lq_result *r, reason_walk *w, reason *out) {
  for (; w->step < p->nsteps; w->step++, w->rule = -1) {
    const lq_step *st = &p->steps[w->step];
    if (st->kind == LQ_STEP_GROUP) {
      const lq_group *g = &p->groups[st->index];
      if (w->rule < 0) w->rule = g->first_rule;
      while (w->rule < g->first_rule + g->nrules) {
        int i = w->rule++;
        if (!isnan(r->points[i])) {
          *out = (reason){g, i, -1};
          return true;
        }
      }
    } else if (st->kind == LQ_STEP_REJECT && w->rule < 0 && r->rejects[st->index]) {
      w->rule = 0;   /* given out: the next call moves past this step */
      *out = (reason){NULL, -1, (int)st->index};
      return true;
    }
  }
  return false;
}

void lq_out_decision_jw(lq_jw *out, const lq_program *p, const lq_result *r, const lq_id *id) {
  static const lq_str null = {"null", 4};
  /* A copy whose address never leaves this function: the compiler keeps it in
   * registers, where the bytes stored into the buffer cannot be its alias. */
  lq_jw copy = *out, *w = &copy;
  lq_jw_object(w);
  lq_jw_keyl(w, "id");
  lq_id_json(lq_jw_value(w), id);
  /* Names are kept as JSON text in the program (name_json): copied, not escaped, per lead. */
  lq_jw_keyl(w, "ruleset");
  raw(w, p->name_json);
  lq_jw_keyl(w, "version");
  raw(w, p->version_json);
  lq_jw_keyl(w, "stage");
  raw(w, r->stage >= 0 ? p->stages[r->stage].name_json : null);
  lq_jw_keyl(w, "rejected");
  raw(w, r->rejected >= 0 ? p->rejects[r->rejected].name_json : null);
  lq_jw_keyl(w, "route");
  raw(w, r->route >= 0 ? p->routes[r->route].name_json : null);
  lq_jw_keyl(w, "owner");
  owner_json(w, r->owner);
  lq_jw_keyl(w, "score");
  lq_jw_score(w, r->total);
  lq_jw_keyl(w, "scores");
  lq_jw_object(w);
  for (int i = 0; i < p->ngroups; i++) {
    key(w, p->groups[i].name_json);
    lq_jw_score(w, r->scores[i]);
  }
  lq_jw_end_object(w);
  lq_jw_keyl(w, "grades");
  lq_jw_object(w);
  for (int i = 0; i < p->ngrades; i++) {
    key(w, p->grades[i].name_json);
    raw(w, r->grades[i] >= 0 ? p->grades[i].arms[r->grades[i]].label_json : null);
  }
  lq_jw_end_object(w);
  lq_jw_keyl(w, "reasons");
  lq_jw_array(w);
  reason_walk rw = {0, -1};
  reason why;
  while (reason_next(p, r, &rw, &why)) {
    lq_jw_object(w);
    lq_jw_keyl(w, "rule");
    if (why.reject >= 0) {
      raw(w, p->rejects[why.reject].name_json);
      lq_jw_keyl(w, "reject");
      lq_jw_bool(w, true);
    } else {
      raw(w, p->rules[why.rule].label_json);
      lq_jw_keyl(w, "group");
      raw(w, why.group->name_json);
      lq_jw_keyl(w, "points");
      lq_jw_score(w, r->points[why.rule]);
    }
    lq_jw_end_object(w);
  }
  lq_jw_end_array(w);
  lq_jw_end_object(w);
  *out = copy;
}

void lq_out_decision(lq_buf *b, const lq_program *p, const lq_result *r, const lq_id *id) {
  lq_jw w = lq_jw_on(b);
  lq_out_decision_jw(&w, p, r, id);
}

/* ---- JSON text scanned, not parsed: the line is known to be valid ---- */

static bool json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Past the string that starts at s[i] (a '"'). */
static size_t skip_string(const char *s, size_t i, size_t n) {
  for (i++; i < n && s[i] != '"'; i++)
    if (s[i] == '\\') i++;
  return i + 1;
}

/* Past the value that starts at s[i]. */
static size_t skip_value(const char *s, size_t i, size_t n) {
  if (s[i] == '"') return skip_string(s, i, n);
  if (s[i] != '{' && s[i] != '[') {   /* a number, true, false, null */
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && !json_space(s[i])) i++;
    return i;
  }
  for (int depth = 0; i < n;) {
    char c = s[i];
    if (c == '"') {
      i = skip_string(s, i, n);
      continue;
    }
    if (c == '{' || c == '[') depth++;
    else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    i++;
  }
  return i;
}

/* Whether the member whose key is the text s[from..to) (quotes excluded), parsed
 * as member, is named k. A key without escapes is compared as written; one with
 * escapes by its parsed name, unless it holds a \u0000 (the parsed name stops there). */
static bool key_is(const char *s, size_t from, size_t to, const cJSON *member, const char *k) {
  if (!memchr(s + from, '\\', to - from)) return to - from == strlen(k) && !memcmp(s + from, k, to - from);
  for (size_t i = from; i + 6 <= to; i++)
    if (s[i] == '\\' && !memcmp(s + i, "\\u0000", 6)) return false;
  return member && member->string && !strcmp(member->string, k);
}

/* Writes line with the value of each top-level member named k replaced by the
 * decision; false (and nothing written) when it has none. */
static bool annotate_in_place(lq_buf *b, const char *line, size_t len, const cJSON *lead, const char *k,
                              const lq_program *p, const lq_result *r, const lq_id *id) {
  bool has = false;
  for (const cJSON *c = lead ? lead->child : NULL; c && !has; c = c->next) has = c->string && !strcmp(c->string, k);
  if (!has) return false;
  size_t start = b->len, from = 0, i = 0;
  while (i < len && line[i] != '{') i++;
  i++;
  bool replaced = false;
  for (const cJSON *c = lead->child; i < len; c = c ? c->next : NULL) {
    while (i < len && json_space(line[i])) i++;
    if (i >= len || line[i] != '"') break;   /* the closing brace */
    size_t key = i;
    i = skip_string(line, i, len);
    bool mine = key_is(line, key + 1, i - 1, c, k);
    while (i < len && (json_space(line[i]) || line[i] == ':')) i++;
    size_t value = i;
    i = skip_value(line, i, len);
    if (mine) {
      lq_buf_put(b, line + from, value - from);
      lq_out_decision(b, p, r, id);
      from = i;
      replaced = true;
    }
    while (i < len && json_space(line[i])) i++;
    if (i < len && line[i] == ',') i++;
  }
  if (!replaced) {
    b->len = start;
    return false;
  }
  lq_buf_put(b, line + from, len - from);
  return true;
}

void lq_out_annotated(lq_buf *b, const char *line, size_t len, const cJSON *lead, const char *k,
                      const lq_program *p, const lq_result *r, const lq_id *id) {
  /* The new decision wins: a lead annotated before, or one with its own key of
   * that name, gets the value replaced rather than the key written twice. */
  if (annotate_in_place(b, line, len, lead, k, p, r, id)) return;
  /* The line parsed as an object, so it starts with { and ends with } (give or take spaces). */
  size_t close = len;
  while (close > 0 && line[close - 1] != '}') close--;
  size_t open = 0;
  while (open < len && line[open] != '{') open++;
  size_t inner = open + 1;
  while (inner < close - 1 && strchr(" \t\r\n", line[inner])) inner++;
  bool empty = inner == close - 1;
  lq_buf_put(b, line, close - 1);
  if (!empty) lq_buf_putc(b, ',');
  lq_buf_json_string(b, k, strlen(k));
  lq_buf_putc(b, ':');
  lq_out_decision(b, p, r, id);
  lq_buf_put(b, line + close - 1, len - (close - 1));
}

/* ---- CSV, as a CRM import reads it (RFC 4180) ---- */

/* Quotes, in place, the cell written at b->data[at..len) when it needs it. Written
 * first and fixed after, so a cell built from pieces (a prefixed column name, the
 * reasons) needs no scratch copy, and the common unquoted cell is written once. */
static void csv_quote_from(lq_buf *b, size_t at, char delim) {
  size_t n = b->len - at, quotes = 0;
  if (n == 0) return;
  const char *s = b->data + at;
  /* Some importers trim unquoted cells; edge spaces survive only inside quotes. */
  bool need = s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"') quotes++;
    else if (c != delim && c != '\n' && c != '\r') continue;
    need = true;
  }
  if (!need) return;
  size_t more = quotes + 2;
  if (b->cap - b->len < more) lq_buf_grow(b, more);
  /* From the end backwards, so every byte moves once and none is overwritten unread. */
  char *d = b->data + at;
  size_t from = n, to = n + more;
  d[--to] = '"';
  while (from > 0) {
    char c = d[--from];
    d[--to] = c;
    if (c == '"') d[--to] = '"';
  }
  d[0] = '"';
  b->len += more;
}

void lq_out_csv_cell(lq_buf *b, const char *s, size_t n, char delim) {
  size_t at = b->len;
  lq_buf_put(b, s, n);
  csv_quote_from(b, at, delim);
}

void lq_id_csv(lq_buf *b, const lq_id *id, char delim) {
  size_t at = b->len;
  if (id->kind == LQ_ID_LINE) lq_buf_printf(b, "%llu", (unsigned long long)id->line);
  else lq_buf_put(b, id->s, id->n);
  csv_quote_from(b, at, delim);
}

/* A name, or an empty cell for none. */
static void csv_text(lq_buf *b, const char *s, char delim) {
  if (s) lq_out_csv_cell(b, s, strlen(s), delim);
}

/* A score as the JSON decision writes it (lq_num_human), or an empty cell for
 * one JSON cannot carry (inf, NaN). Checked for quoting in case the delimiter
 * is one a number holds ('.'). */
static void csv_num(lq_buf *b, double x, char delim) {
  if (!isfinite(x)) return;
  size_t at = b->len;
  lq_buf_num_human(b, x);
  csv_quote_from(b, at, delim);
}

static void csv_column(lq_buf *b, const char *prefix, const char *name, char delim, bool first) {
  if (!first) lq_buf_putc(b, delim);
  size_t at = b->len;
  if (prefix) {
    lq_buf_puts(b, prefix);
    lq_buf_putc(b, '.');
  }
  lq_buf_puts(b, name);
  csv_quote_from(b, at, delim);
}

static const char *const fixed_columns[] = {"id", "ruleset", "version", "stage", "rejected", "route", "owner", "score"};
enum { NFIXED = sizeof fixed_columns / sizeof *fixed_columns };

/* The decision's columns, in lq_out_csv_header's order: how many, and the j-th's name. */
static int decision_columns(const lq_program *p) { return NFIXED + p->ngroups + p->ngrades + 1; }
static const char *decision_column(const lq_program *p, int j) {
  if (j < NFIXED) return fixed_columns[j];
  if ((j -= NFIXED) < p->ngroups) return p->groups[j].name;
  if ((j -= p->ngroups) < p->ngrades) return p->grades[j].name;
  return "reasons";
}

void lq_out_csv_header(lq_buf *b, const lq_program *p, const char *prefix, char delim) {
  for (int j = 0; j < decision_columns(p); j++) csv_column(b, prefix, decision_column(p, j), delim, j == 0);
}

void lq_out_csv_decision(lq_buf *b, const lq_program *p, const lq_result *r, const lq_id *id, char delim) {
  lq_id_csv(b, id, delim);
  lq_buf_putc(b, delim);
  csv_text(b, p->name, delim);
  lq_buf_putc(b, delim);
  csv_text(b, p->version, delim);
  lq_buf_putc(b, delim);
  csv_text(b, r->stage >= 0 ? p->stages[r->stage].name : NULL, delim);
  lq_buf_putc(b, delim);
  csv_text(b, r->rejected >= 0 ? p->rejects[r->rejected].name : NULL, delim);
  lq_buf_putc(b, delim);
  csv_text(b, r->route >= 0 ? p->routes[r->route].name : NULL, delim);
  lq_buf_putc(b, delim);
  char obuf[32];
  const char *o;
  size_t on;
  bool bare;
  if (lq_owner_text(r->owner, obuf, &o, &on, &bare)) lq_out_csv_cell(b, o, on, delim);
  lq_buf_putc(b, delim);
  csv_num(b, r->total, delim);
  for (int i = 0; i < p->ngroups; i++) {
    lq_buf_putc(b, delim);
    csv_num(b, r->scores[i], delim);
  }
  for (int i = 0; i < p->ngrades; i++) {
    lq_buf_putc(b, delim);
    csv_text(b, r->grades[i] >= 0 ? p->grades[i].arms[r->grades[i]].label : NULL, delim);
  }
  /* One readable cell, "enterprise size +20; free email provider -30", quoted as a whole. */
  lq_buf_putc(b, delim);
  size_t at = b->len;
  reason_walk w = {0, -1};
  reason why;
  for (bool first = true; reason_next(p, r, &w, &why); first = false) {
    if (!first) lq_buf_put(b, "; ", 2);
    if (why.reject >= 0) {
      lq_buf_puts(b, p->rejects[why.reject].name);
      lq_buf_put(b, " (reject)", 9);
      continue;
    }
    lq_buf_puts(b, p->rules[why.rule].label);
    lq_buf_putc(b, ' ');
    char pts[32];
    lq_num_human(r->points[why.rule], pts);
    if (pts[0] != '-') lq_buf_putc(b, '+');   /* +0 too: lq_num_human never writes -0 */
    lq_buf_puts(b, pts);
  }
  csv_quote_from(b, at, delim);
}

/* ---- CSV records annotated ---- */

int *lq_out_csv_taken(const lq_program *p, const char *prefix, const char *const *keys, const uint32_t *key_lens,
                      int ncols) {
  int nd = decision_columns(p), *taken = NULL;
  bool *claimed = calloc((size_t)nd, sizeof *claimed);
  size_t np = strlen(prefix);
  for (int c = 0; c < ncols; c++) {
    if (!keys[c] || key_lens[c] <= np || memcmp(keys[c], prefix, np) || keys[c][np] != '.') continue;
    const char *rest = keys[c] + np + 1;
    size_t n = key_lens[c] - np - 1;
    for (int j = 0; j < nd; j++) {
      const char *name = decision_column(p, j);
      if (claimed[j] || strlen(name) != n || memcmp(name, rest, n)) continue;
      if (!taken) {
        taken = malloc((size_t)ncols * sizeof *taken);
        if (!taken) abort();
        for (int k = 0; k < ncols; k++) taken[k] = -1;
      }
      taken[c] = j;
      claimed[j] = true;
      break;
    }
  }
  free(claimed);
  return taken;
}

/* Which decision columns the input already has (taken), into a bool per column. */
static bool *claimed_columns(const lq_program *p, const int *taken, int ncols) {
  bool *claimed = calloc((size_t)decision_columns(p), sizeof *claimed);
  if (!claimed) abort();
  for (int c = 0; taken && c < ncols; c++)
    if (taken[c] >= 0) claimed[taken[c]] = true;
  return claimed;
}

void lq_out_csv_annotated_header(lq_buf *b, const lq_program *p, const char *prefix, const char *header, size_t len,
                                 const int *taken, int ncols, char delim) {
  lq_buf_put(b, header, len);
  bool *claimed = claimed_columns(p, taken, ncols);
  for (int j = 0; j < decision_columns(p); j++)
    if (!claimed[j]) csv_column(b, prefix, decision_column(p, j), delim, false);
  free(claimed);
}

void lq_out_csv_annotated(lq_buf *b, const char *raw, size_t len, const int *taken, int ncols, const lq_program *p,
                          const lq_result *r, const lq_id *id, char delim) {
  if (!taken) {   /* the usual case: the decision after the record */
    lq_buf_put(b, raw, len);
    lq_buf_putc(b, delim);
    lq_out_csv_decision(b, p, r, id, delim);
    return;
  }
  /* The decision's cells, found as the reader finds cells, go where they belong. */
  lq_buf dec = {0};
  lq_out_csv_decision(&dec, p, r, id, delim);
  int nd = decision_columns(p);
  size_t *dfrom = malloc((size_t)nd * 2 * sizeof *dfrom), *dto = dfrom + nd, i = 0;
  if (!dfrom) abort();
  for (int j = 0; j < nd; j++)
    if (!lq_feed_csv_cell(dec.data, dec.len, &i, delim, &dfrom[j], &dto[j])) dfrom[j] = dto[j] = 0;
  i = 0;
  for (int c = 0; c < ncols; c++) {
    size_t from = 0, to = 0;
    if (!lq_feed_csv_cell(raw, len, &i, delim, &from, &to)) from = to = 0;
    if (c) lq_buf_putc(b, delim);
    if (taken[c] >= 0) lq_buf_put(b, dec.data + dfrom[taken[c]], dto[taken[c]] - dfrom[taken[c]]);
    else lq_buf_put(b, raw + from, to - from);
  }
  bool *claimed = claimed_columns(p, taken, ncols);
  for (int j = 0; j < nd; j++) {
    if (claimed[j]) continue;
    lq_buf_putc(b, delim);
    lq_buf_put(b, dec.data + dfrom[j], dto[j] - dfrom[j]);
  }
  free(claimed);
  free(dfrom);
  lq_buf_free(&dec);
}

/* ---- a lead as JSON ---- */

static void lead_json(lq_jw *w, const cJSON *v) {
  switch (v ? v->type & 0xFF : cJSON_NULL) {
  case cJSON_False: lq_jw_bool(w, false); break;
  case cJSON_True: lq_jw_bool(w, true); break;
  case cJSON_Number:
    /* As written (1.0, 9007199254740993, 1e400): a double would change it. */
    if (v->valuestring && v->valueint > 0) lq_jw_raw(w, v->valuestring, (size_t)v->valueint);
    else lq_jw_num(w, v->valuedouble);   /* built without its text; null when not finite */
    break;
  case cJSON_String: {
    const char *s = v->valuestring ? v->valuestring : "";
    /* The length is kept when the text may hold a NUL (\u0000). */
    lq_jw_string(w, s, v->valueint > 0 ? (size_t)v->valueint : strlen(s));
    break;
  }
  case cJSON_Raw:
    if (v->valuestring) lq_jw_raw(w, v->valuestring, strlen(v->valuestring));
    else lq_jw_null(w);
    break;
  case cJSON_Array:
  case cJSON_Object: {
    bool object = (v->type & 0xFF) == cJSON_Object;
    if (object) lq_jw_object(w);
    else lq_jw_array(w);
    for (const cJSON *c = v->child; c; c = c->next) {
      if (object) lq_jw_key(w, c->string ? c->string : "");
      lead_json(w, c);
    }
    if (object) lq_jw_end_object(w);
    else lq_jw_end_array(w);
    break;
  }
  default: lq_jw_null(w); break;
  }
}

void lq_out_lead_json(lq_buf *b, const cJSON *v) {
  lq_jw w = lq_jw_on(b);
  lead_json(&w, v);
}
