/* pattern.c: `matches` patterns, looked at before glibc's regcomp sees them and
 * compiled in a form whose matching time is linear in the text. */
#include "pattern.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char NUL_MESSAGE[] =
  "a pattern cannot hold \\u0000: the pattern would end there; remove it";
static const char BACKREF_MESSAGE[] =
  "a back-reference (\\1 to \\9) can take minutes to match on one lead, so leadq refuses it; "
  "write out what it should match instead";
static const char STACKED_MESSAGE[] =
  "two repetitions in a row (like a** or a?{2}) can take regcomp minutes, and POSIX leaves their meaning open; "
  "write one, or put the first in parentheses: (a?){2}";
static const char LOOPS_MESSAGE[] =
  "repetitions (*, + or {m,}) are nested more than " LQ_PATTERN_MAX_LOOPS_TEXT " deep here, which can take regcomp minutes; "
  "nest fewer: ((a*)*)* matches what a* does";
static const char SIZE_MESSAGE[] =
  "this pattern is too large with its repetitions written out (over " LQ_PATTERN_MAX_SIZE_TEXT
  " characters and operators); use smaller {m,n} counts, or several rules, or a list with 'in' or 'ends with any'";

/* One open group: the size of its finished alternatives, of the branch being
 * read, and of the last atom in it (what an operator after it repeats); and
 * how deep unbounded repetitions nest in the last atom and in the group. */
typedef struct frame { double alts, branch, last; int last_loops, loops; } frame;

/* `{m}`, `{m,}`, `{m,n}`, `{,n}` at s[i]: its end (past the `}`), or 0 when
 * it is not one (then `{` is an ordinary character). *times is how many copies
 * of the atom regcomp makes. */
static size_t interval(const char *s, size_t n, size_t i, double *times, bool *unbounded) {
  double lo = 0, hi = 0;
  bool comma = false, digits = false, hi_digits = false;
  size_t j = i + 1;
  for (; j < n && s[j] >= '0' && s[j] <= '9'; j++) { lo = lo * 10 + (s[j] - '0'); digits = true; }
  if (j < n && s[j] == ',') {
    comma = true;
    for (j++; j < n && s[j] >= '0' && s[j] <= '9'; j++) { hi = hi * 10 + (s[j] - '0'); hi_digits = digits = true; }
  }
  if (j >= n || s[j] != '}' || !digits) return 0;
  if (!comma) hi = lo;
  *unbounded = comma && !hi_digits;
  *times = *unbounded ? lo + 1 : hi > 1 ? hi : 1;
  return j + 1;
}

/* The end of the bracket expression starting at s[i] ('['). */
static size_t bracket(const char *s, size_t n, size_t i) {
  size_t j = i + 1;
  if (j < n && s[j] == '^') j++;
  if (j < n && s[j] == ']') j++;   /* a leading ] is a member */
  while (j < n && s[j] != ']') {
    if (s[j] == '[' && j + 1 < n && (s[j + 1] == ':' || s[j + 1] == '.' || s[j + 1] == '=')) {
      char kind = s[j + 1];
      size_t k = j + 2;
      while (k + 1 < n && !(s[k] == kind && s[k + 1] == ']')) k++;
      j = k + 1 < n ? k + 2 : j + 1;
    } else {
      j++;
    }
  }
  return j < n ? j + 1 : n;
}

/* Walks the pattern once, without recursion (it may nest 100,000 groups):
 * returns the first problem, or NULL; with out, writes the pattern with
 * an unmatched `)` escaped and `^` as \` (each at most doubles). */
static const char *scan(const char *s, size_t n, char *out, size_t *at, size_t *len, bool *has_loop) {
  const char *nul = memchr(s, '\0', n);
  if (nul) {
    *at = (size_t)(nul - s);
    *len = 1;
    return NUL_MESSAGE;
  }
  size_t depth = 0, cap = 16, o = 0;
  frame *st = malloc(cap * sizeof *st);
  if (!st) abort();
  st[0] = (frame){0};
  double total = 0;
  const char *problem = NULL;
  bool after_op = false;   /* the token before was a repetition operator */
  for (size_t i = 0, j; i < n && !problem; i = j) {
    frame *f = &st[depth];
    double times, grown = -1;   /* grown: the last atom's new size, after an operator */
    const char *as = NULL;      /* what to write instead of s[i, j) */
    bool loop = false;          /* an unbounded repetition */
    j = i + 1;
    switch (s[i]) {
    case '(':
      if (++depth == cap && !(st = realloc(st, (cap *= 2) * sizeof *st))) abort();
      st[depth] = (frame){0};
      total += 1;
      break;
    case ')':
      if (depth == 0) {   /* a literal in ERE; inside the wrapping it would close a group */
        as = "\\)";
        f->branch += 1, f->last = 1, f->last_loops = 0, total += 1;
        break;
      } else {
        double g = f->alts + f->branch + 1;
        int loops = f->loops;
        depth--;
        st[depth].branch += g;
        st[depth].last = g;
        st[depth].last_loops = loops;
        if (loops > st[depth].loops) st[depth].loops = loops;
      }
      break;
    case '|':
      f->alts += f->branch + 1, f->branch = 0, f->last = 0, f->last_loops = 0, total += 1;
      break;
    case '^':
      /* The start of the text (no REG_NEWLINE); inside the wrapping glibc
       * would take it after a newline too: \` is the start of the text only. */
      as = "\\`";
      f->branch += 1, f->last = 1, f->last_loops = 0, total += 1;
      break;
    case '*': grown = f->last + 1, loop = true; break;
    case '?': grown = f->last + 1; break;
    case '+': grown = 2 * f->last + 1, loop = true; break;
    case '{':
      if ((j = interval(s, n, i, &times, &loop))) grown = f->last * times + 1;
      else f->branch += 1, f->last = 1, f->last_loops = 0, total += 1, j = i + 1;
      break;
    case '[':
      j = bracket(s, n, i);
      f->branch += 1, f->last = 1, f->last_loops = 0, total += 1;
      break;
    case '\\':
      if (i + 1 < n) j = i + 2;
      if (i + 1 < n && s[i + 1] >= '1' && s[i + 1] <= '9') problem = BACKREF_MESSAGE;
      f->branch += 1, f->last = 1, f->last_loops = 0, total += 1;
      break;
    default:
      f->branch += 1, f->last = 1, f->last_loops = 0, total += 1;
    }
    if (grown >= 0 && after_op) problem = STACKED_MESSAGE;
    after_op = grown >= 0;
    if (grown >= 0) {
      f->branch += grown - f->last;
      total += grown - f->last;
      f->last = grown;
      /* (a*)* nests a loop in a loop: glibc's work grows as a power of the depth */
      if (loop) *has_loop = true;
      if (loop && ++f->last_loops > f->loops) f->loops = f->last_loops;
      if (!problem && f->last_loops > LQ_PATTERN_MAX_LOOPS) problem = LOOPS_MESSAGE;
    }
    if (!problem && total > LQ_PATTERN_MAX_SIZE) problem = SIZE_MESSAGE;
    if (problem) {
      *at = i;
      *len = j - i;
    } else if (out) {
      size_t k = as ? strlen(as) : j - i;
      memcpy(out + o, as ? as : s + i, k);
      o += k;
    }
  }
  free(st);
  if (out) out[o] = '\0';
  return problem;
}

const char *lq_pattern_check(const char *s, size_t n, size_t *at, size_t *len) {
  bool loop = false;
  return scan(s, n, NULL, at, len, &loop);
}

int lq_pattern_compile(regex_t *re, const char *s, size_t n) {
  static const char head[] = "^(.|[^.])*(", tail[] = ")";
  char *text = malloc(n + 1);
  char *wrapped = malloc(sizeof head - 1 + 2 * n + sizeof tail);
  if (!text || !wrapped) abort();
  memcpy(text, s, n);
  text[n] = '\0';
  memcpy(wrapped, head, sizeof head - 1);
  size_t at, len;
  /* The pattern as written first: its errors are the ones to report. */
  int rc = regcomp(re, text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
  /* Without *, + or {m,}, a match from one byte is at most a few thousand
   * bytes long, so glibc's tries from every byte are linear already; and the
   * wrapping would make a count such as a.{16}c track every a in the last 17
   * bytes at once (2^17 states: 7 s on 100 KB instead of 0.02 s). */
  bool loop = false;
  if (rc == 0 && !scan(s, n, wrapped + sizeof head - 1, &at, &len, &loop) && loop) {
    strcat(wrapped, tail);
    regex_t w;
    if (regcomp(&w, wrapped, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0) {
      regfree(re);
      *re = w;
    }
  }
  free(wrapped);
  free(text);
  return rc;
}
