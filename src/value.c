/* value.c: values, text comparison ignoring case, times and numbers. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lq_vkind_phrase(int kind) {
  static const char *const names[LQ_V_KINDS] = {"missing", "true or false", "a number", "text",
                                                "a list", "an object", "a table row"};
  return kind >= 0 && kind < LQ_V_KINDS ? names[kind] : "?";
}

bool lq_long_whole(const char *s, size_t n) {
  size_t i = n && s[0] == '-';
  if (n - i <= 15) return false;
  for (; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

lq_value lq_value_digits(lq_arena *a, const char *s, size_t n) {
  lq_value v = lq_strv(a ? lq_arena_strndup(a, s, n) : s, (uint32_t)n);
  v.b = true;
  return v;
}

lq_value lq_value_from_json(lq_arena *a, const cJSON *j) {
  if (!j) return LQ_NOVALUE;
  switch (j->type & 0xFF) {
  case cJSON_False: return lq_bool(false);
  case cJSON_True: return lq_bool(true);
  case cJSON_Number:
    /* A whole number of more than 15 digits is an id: a double would change
     * its digits (12345678901234567890), so it keeps them, as a table's cell
     * does, and is compared and looked up by them. Only leadq's readers keep
     * a number's text (valuestring, length in valueint). */
    if (j->valuestring && j->valueint > 15 && lq_long_whole(j->valuestring, (size_t)j->valueint))
      return lq_value_digits(a, j->valuestring, (size_t)j->valueint);
    /* Past a double's range (1e999): no usable number, as arithmetic that overflows. */
    return isfinite(j->valuedouble) ? lq_num(j->valuedouble) : LQ_NOVALUE;
  case cJSON_String: {
    /* leadq's lead parser keeps a string's length in valueint (cJSON leaves 0). */
    uint32_t n = j->valueint > 0 ? (uint32_t)j->valueint : (uint32_t)strlen(j->valuestring);
    /* A CRM shows an empty field as unknown: blank text is missing. */
    return lq_text_blank(j->valuestring, n) ? LQ_NOVALUE : lq_strv(j->valuestring, n);
  }
  case cJSON_Object: return (lq_value){.kind = LQ_V_OBJ, .obj = j};
  case cJSON_Array: {
    uint32_t n = 0;
    for (const cJSON *c = j->child; c; c = c->next) n++;
    lq_value *items = lq_arena_alloc(a, (n ? n : 1) * sizeof *items);
    uint32_t i = 0;
    for (const cJSON *c = j->child; c; c = c->next) items[i++] = lq_value_from_json(a, c);
    return (lq_value){.kind = LQ_V_LIST, .n = n, .items = items};
  }
  default: return LQ_NOVALUE;
  }
}

bool lq_text_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r')) continue;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {   /* U+00A0, no-break space */
      i++;
      continue;
    }
    return false;
  }
  return true;
}

static inline unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool lq_text_eq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn) return false;
  for (size_t i = 0; i < an; i++)
    if (a[i] != b[i] && fold((unsigned char)a[i]) != fold((unsigned char)b[i])) return false;
  return true;
}

int lq_text_cmp(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  for (size_t i = 0; i < n; i++) {
    unsigned char x = fold((unsigned char)a[i]), y = fold((unsigned char)b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return an < bn ? -1 : an > bn;
}

const char *lq_text_find(const char *hay, size_t hn, const char *needle, size_t nn) {
  if (nn == 0) return hay;
  if (nn > hn) return NULL;
  unsigned char first = fold((unsigned char)needle[0]);
  for (size_t i = 0; i + nn <= hn; i++)
    if (fold((unsigned char)hay[i]) == first && lq_text_eq(hay + i, nn, needle, nn)) return hay + i;
  return NULL;
}

bool lq_value_eq(lq_value a, lq_value b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
  case LQ_V_MISSING: return true;
  case LQ_V_BOOL: return a.b == b.b;
  case LQ_V_NUM: return a.num == b.num;
  case LQ_V_STR: return lq_text_eq(a.str, a.n, b.str, b.n);
  case LQ_V_LIST:
    if (a.n != b.n) return false;
    for (uint32_t i = 0; i < a.n; i++)
      if (!lq_value_eq(a.items[i], b.items[i])) return false;
    return true;
  case LQ_V_ROW: return a.table == b.table && a.n == b.n;
  default: return a.obj == b.obj;
  }
}

bool lq_value_key_text(lq_value v, char *buf, const char **s, size_t *n) {
  switch (v.kind) {
  case LQ_V_STR:
    /* A table keeps the text of any number of more than 15 digits; one that
     * is not whole (0.30000000000000004) is keyed as a lead's same number is. */
    if (v.b && !lq_long_whole(v.str, v.n)) {
      double x = strtod(v.str, NULL);
      if (isfinite(x)) return lq_value_key_text(lq_num(x), buf, s, n);
    }
    *s = v.str;
    *n = v.n;
    return true;
  case LQ_V_NUM: *n = (size_t)lq_num_format(v.num, buf); *s = buf; return true;
  case LQ_V_BOOL: *s = v.b ? "true" : "false"; *n = strlen(*s); return true;
  default: return false;
  }
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

static bool digits(const char *s, size_t n, size_t at, int count, int *out) {
  if (at + (size_t)count > n) return false;
  int v = 0;
  for (int i = 0; i < count; i++) {
    char c = s[at + (size_t)i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool lq_time_parse(const char *s, size_t n, double *out) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  double frac = 0;
  if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, n, 8, 2, &d))
    return false;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return false;
  if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return false;
  size_t i = 10;
  long offset = 0;
  if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    if (!digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' || !digits(s, n, i + 4, 2, &mi))
      return false;
    i += 6;
    if (i < n && s[i] == ':') {
      if (!digits(s, n, i + 1, 2, &sec)) return false;
      i += 3;
      if (i < n && (s[i] == '.' || s[i] == ',')) {
        double scale = 0.1;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10) frac += (s[i] - '0') * scale;
      }
    }
    /* 24:00 is the end of a day; 60 seconds is a leap second. */
    if ((h > 23 && !(h == 24 && mi == 0 && sec == 0 && frac == 0)) || mi > 59 || sec > 60) return false;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) {
      int oh, om = 0, sign = s[i] == '-' ? -1 : 1;
      if (!digits(s, n, i + 1, 2, &oh)) return false;
      i += 3;
      if (i < n && s[i] == ':') i++;
      if (i < n && digits(s, n, i, 2, &om)) i += 2;
      if (oh > 23 || om > 59) return false;
      offset = sign * (oh * 3600L + om * 60L);
    }
  }
  if (i != n) return false;
  *out = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 + mi * 60.0 +
         sec + frac - (double)offset;
  return true;
}

void lq_time_format(double t, char *buf) {
  long long secs = (long long)floor(t);
  long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  long rem = (long)(secs - days * 86400);
  /* civil_from_days, the inverse of days_from_civil */
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = (long long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  unsigned hh = (unsigned)(rem / 3600) % 24, mm = (unsigned)(rem / 60 % 60), ss = (unsigned)(rem % 60);
  unsigned yy = (unsigned)((y % 10000 + 10000) % 10000);
  snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", yy % 10000u, m % 100u, d % 100u, hh, mm, ss);
}

int lq_num_format(double x, char *buf) {
  if (!isfinite(x)) return snprintf(buf, 32, "null");
  /* Whole numbers print whole as far as a double holds them exactly (2^53). */
  if (x == floor(x) && fabs(x) <= 9007199254740992.0) {
    long long v = (long long)x;
    if (v == 0) { buf[0] = '0'; buf[1] = '\0'; return 1; }  /* no "-0" */
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
    while (u) { tmp[n++] = (char)('0' + u % 10); u /= 10; }
    int len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
  }
  return snprintf(buf, 32, "%.15g", x);
}

/* The LQ_NUM_HUMAN_DIGITS digits of |x| rounded, as printf's %.9e gives them,
 * without printf (a run prints a score per lead): |x| scaled by an exact power
 * of ten to ten digits before the point and rounded. The product is within a
 * few units of 1e-6 of the exact one, so a fraction that close to a half could
 * round either way: false then, and printf decides. */
static bool round_digits(double x, char digits[LQ_NUM_HUMAN_DIGITS], int *exp) {
  static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  double a = fabs(x);
  if (!(a >= 1e-5 && a < 1e9)) return false;
  int e = (int)floor(log10(a));
  int k = LQ_NUM_HUMAN_DIGITS - 1 - e;   /* 1 .. 14: an exact power of ten */
  if (k < 1 || k > 15) return false;
  double m = a * pow10[k], whole = floor(m), frac = m - whole;
  if (fabs(frac - 0.5) < 1e-5) return false;
  uint64_t n = (uint64_t)whole + (frac > 0.5);
  if (n < 1000000000u) return false;   /* log10 one under: printf knows */
  if (n >= 10000000000u) {             /* rounded up to the next power of ten */
    n /= 10;
    e++;
  }
  for (int i = LQ_NUM_HUMAN_DIGITS - 1; i >= 0; i--, n /= 10) digits[i] = (char)('0' + n % 10);
  *exp = e;
  return true;
}

int lq_num_human(double x, char *buf) {
  /* Whole numbers (most scores) and long whole parts need no rounding of
   * digits: an amount loses only its fraction, never its last digits. */
  if (!isfinite(x) || (x == floor(x) && fabs(x) <= 9007199254740992.0)) return lq_num_format(x, buf);
  if (fabs(x) >= 1e10) return lq_num_format(round(x), buf);   /* 10^LQ_NUM_HUMAN_DIGITS */
  if (fabs(x) < 5e-10) return lq_num_format(0, buf);          /* noise around 0; never -0 */
  /* The digits correctly rounded, d.ddddddddd x 10^exp; without their
   * trailing zeros they are the shortest text for that rounded value. */
  char digits[LQ_NUM_HUMAN_DIGITS];
  int nd = 0, exp;
  if (!round_digits(x, digits, &exp)) {
    char e[40];
    snprintf(e, sizeof e, "%.*e", LQ_NUM_HUMAN_DIGITS - 1, x);
    const char *s = e + (e[0] == '-');
    for (; *s && *s != 'e'; s++)
      if (*s != '.') digits[nd++] = *s;
    exp = atoi(s + 1);
  }
  nd = LQ_NUM_HUMAN_DIGITS;
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  int len = 0;
  if (x < 0) buf[len++] = '-';
  if (exp < 0) {   /* 0.000ddd */
    buf[len++] = '0';
    buf[len++] = '.';
    for (int z = -1; z > exp; z--) buf[len++] = '0';
    for (int i = 0; i < nd; i++) buf[len++] = digits[i];
  } else {         /* ddd.ddd, or ddd0 when it rounded to a whole number */
    for (int i = 0; i <= exp || i < nd; i++) {
      if (i == exp + 1) buf[len++] = '.';
      buf[len++] = i < nd ? digits[i] : '0';
    }
  }
  buf[len] = '\0';
  return len;
}
