/* io.c: parsing lead JSON, numbers, times, text and output. */
#include "fields.h"
#include "hash.h"
#include "helpers.h"
#include "output.h"

/* ---- lq_json_parse_lead ---- */

/* Parses s as a lead; returns whether it parsed and the reason in why. */
static bool parse_lead(const char *s, size_t n, char *why, size_t whylen) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  char *copy = malloc(n + 1);
  memcpy(copy, s, n);
  copy[n] = '\0';
  why[0] = '\0';
  cJSON *j = t_parse_lead(&a, copy, n, why, whylen);
  bool ok = j != NULL;
  free(copy);
  lq_arena_free(&a);
  return ok;
}

#define assert_bad_lead(s, n, reason)                                                 \
  do {                                                                               \
    char why_[200];                                                                  \
    cr_assert(!parse_lead(s, n, why_, sizeof why_), "should not parse: %s", s);      \
    cr_assert(strstr(why_, reason), "reason \"%s\" should contain \"%s\"", why_, reason); \
  } while (0)

Test(json, valid_object) {
  char why[200];
  const char *s = "{\"id\":\"t1\",\"n\":1.5,\"ok\":true,\"x\":null,\"l\":[1,{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}]}";
  cr_assert(parse_lead(s, strlen(s), why, sizeof why), "%s", why);
  cr_assert(parse_lead("  {}  \t", 7, why, sizeof why), "%s", why);
}

Test(json, parsed_values) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  char why[100];
  const char *s = "{\"id\":\"t1\",\"n\":1.5,\"l\":[1,2]}";
  cJSON *j = t_parse_lead(&a, s, strlen(s), why, sizeof why);
  cr_assert_not_null(j);
  lq_value v = lq_value_from_json(&a, cJSON_GetObjectItemCaseSensitive(j, "l"));
  cr_assert_eq(v.kind, LQ_V_LIST);
  cr_assert_eq(v.n, 2);
  assert_num(v.items[1].num, 2);
  v = lq_value_from_json(&a, cJSON_GetObjectItemCaseSensitive(j, "id"));
  cr_assert_eq(v.kind, LQ_V_STR);
  cr_assert_str_eq(v.str, "t1");
  lq_arena_free(&a);
}

Test(json, invalid_utf8_gives_column) {
  assert_bad_lead("{\"a\":\"\xff\"}", 9, "invalid UTF-8 at column 7");
  /* Columns count characters: é is one. */
  assert_bad_lead("{\"\xc3\xa9\":\"\xc0\xaf\"}", 11, "invalid UTF-8 at column 7");
}

Test(json, invalid_utf8_forms) {
  assert_bad_lead("{\"a\":\"\xed\xa0\x80\"}", 11, "invalid UTF-8");          /* surrogate */
  assert_bad_lead("{\"a\":\"\xf4\x90\x80\x80\"}", 12, "invalid UTF-8");      /* above U+10FFFF */
  assert_bad_lead("{\"a\":\"\xe0\x80\xaf\"}", 11, "invalid UTF-8");          /* overlong */
  assert_bad_lead("{\"a\":\"\xe2\x82", 8, "invalid UTF-8");                  /* cut short */
  assert_bad_lead("{\"a\":\"\x80\"}", 9, "invalid UTF-8");                   /* lone continuation */
}

Test(json, truncated) {
  assert_bad_lead("{\"a\": 1", 7, "truncated");
  assert_bad_lead("{\"a\": [1, 2", 11, "truncated");
  assert_bad_lead("{", 1, "truncated");
  assert_bad_lead("{\"a\":", 5, "truncated");
  /* Cut inside a text: not parsed, whatever the reason says (see below). */
  assert_bad_lead("{\"a\": \"text", 11, "");
}

/* Was a bug: a line cut inside a text was "invalid JSON", not "truncated". */
Test(json, truncated_inside_a_text) {
  assert_bad_lead("{\"a\": \"text", 11, "truncated");
  assert_bad_lead("{\"id\": 1, \"name\": \"Ana Ort", 26, "truncated");
}

Test(json, invalid_json_gives_column) {
  assert_bad_lead("{\"a\": x, \"b\": 1}", 16, "invalid JSON at column");
  assert_bad_lead("{'a': 1}", 8, "invalid JSON at column");
}

Test(json, not_an_object) {
  assert_bad_lead("[1, 2]", 6, "a lead must be a JSON object, this is an array");
  assert_bad_lead("\"x\"", 3, "this is a string");
  assert_bad_lead("42", 2, "this is a number");
  assert_bad_lead("true", 4, "this is true or false");
  assert_bad_lead("null", 4, "this is null");
}

Test(json, text_after_the_value) {
  assert_bad_lead("{\"a\":1} x", 9, "unexpected text after the JSON value at column 9");
  assert_bad_lead("{\"a\":1}{\"b\":2}", 14, "unexpected text after the JSON value");
}

Test(json, nesting_too_deep) {
  size_t depth = 2000, n = 0;
  char *s = malloc(depth * 2 + 16);
  n += (size_t)sprintf(s, "{\"a\":");
  for (size_t i = 0; i < depth; i++) s[n++] = '[';
  for (size_t i = 0; i < depth; i++) s[n++] = ']';
  s[n++] = '}';
  s[n] = '\0';
  assert_bad_lead(s, n, "nested deeper than");
  free(s);
}

Test(json, moderately_deep_lead_parses_and_evaluates) {
  /* 200 levels of {"n": ...} with a value at the bottom. */
  size_t depth = 200, n = 0;
  char *s = malloc(depth * 8 + 32);
  for (size_t i = 0; i < depth; i++) n += (size_t)sprintf(s + n, "{\"n\":");
  n += (size_t)sprintf(s + n, "7");
  for (size_t i = 0; i < depth; i++) s[n++] = '}';
  s[n] = '\0';
  lqt *t = lqt_new("stage MQL when n.n.n.n == 7 or n.n.n.n.n is present\n");
  lqt_run(t, s);
  assert_name(lqt_stage(t), "MQL");
  lqt_free(t);
  free(s);
}

Test(json, embedded_nul_is_rejected) {
  char why[200];
  cr_assert(!parse_lead("{\"a\":1}\0junk", 12, why, sizeof why));
}

/* ---- lq_num_format ---- */

static const char *fmt_num(double x, char *buf) {
  lq_num_format(x, buf);
  return buf;
}

Test(numfmt, whole_numbers_as_integers) {
  char b[32];
  cr_assert_str_eq(fmt_num(45, b), "45");
  cr_assert_str_eq(fmt_num(-30, b), "-30");
  cr_assert_str_eq(fmt_num(0, b), "0");
  cr_assert_str_eq(fmt_num(-0.0, b), "0");
  cr_assert_str_eq(fmt_num(70.0, b), "70");
  cr_assert_str_eq(fmt_num(123456789012345, b), "123456789012345");
  cr_assert_eq(lq_num_format(-30, b), 3);
}

Test(numfmt, fractions_with_up_to_15_digits) {
  char b[32];
  cr_assert_str_eq(fmt_num(18.75, b), "18.75");
  cr_assert_str_eq(fmt_num(-0.5, b), "-0.5");
  cr_assert_str_eq(fmt_num(0.1 + 0.2, b), "0.3");
  cr_assert_str_eq(fmt_num(1.0 / 3, b), "0.333333333333333");
  cr_assert_str_eq(fmt_num(33.75, b), "33.75");
}

Test(numfmt, large_and_non_finite) {
  char b[32];
  /* Whole numbers print whole (as far as a double holds them exactly); beyond, %.15g. */
  cr_assert_str_eq(fmt_num(1e15, b), "1000000000000000");
  cr_assert_str_eq(fmt_num(-4096.0 * 1024 * 1024 * 1024, b), "-4398046511104");
  cr_assert_str_eq(fmt_num(1e300, b), "1e+300");
  cr_assert_str_eq(fmt_num(NAN, b), "null");
  cr_assert_str_eq(fmt_num(INFINITY, b), "null");
}

/* ---- lq_num_human: numbers for people ---- */

static const char *human(double x, char *buf) {
  cr_assert_eq(lq_num_human(x, buf), (int)strlen(buf));
  return buf;
}

Test(numhuman, binary_noise_is_rounded_away) {
  char b[32];
  cr_assert_str_eq(human(50 - 49.16, b), "0.84");            /* %.15g: 0.839999999999996 */
  cr_assert_str_eq(human(100.1 - 100, b), "0.1");            /* %.15g: 0.0999999999999943 */
  cr_assert_str_eq(human(1 - (100.1 - 100), b), "0.9");
  cr_assert_str_eq(human(0.1 + 0.2, b), "0.3");
}

Test(numhuman, plain_numbers_as_written) {
  char b[32];
  cr_assert_str_eq(human(45, b), "45");
  cr_assert_str_eq(human(12.5, b), "12.5");
  cr_assert_str_eq(human(-3, b), "-3");
  cr_assert_str_eq(human(-0.0, b), "0");
  cr_assert_str_eq(human(-1e-12, b), "0");                    /* noise around 0, never -0 */
  cr_assert_str_eq(human(20.25, b), "20.25");
  cr_assert_str_eq(human(1.0 / 3, b), "0.3333333333");        /* 10 significant digits */
  cr_assert_str_eq(human(123456789012, b), "123456789012");   /* whole: all its digits */
  cr_assert_str_eq(human(12345678901.7, b), "12345678902");  /* whole part kept whole */
  cr_assert_str_eq(human(1234567.891, b), "1234567.891");
  cr_assert_str_eq(human(NAN, b), "null");
}

Test(numhuman, no_exponents) {
  char b[32];
  cr_assert_str_eq(human(1.5e-7, b), "0.00000015");
  cr_assert_str_eq(human(-0.000001234, b), "-0.000001234");
  cr_assert_str_eq(human(12345.6789012345, b), "12345.6789");
  cr_assert_str_eq(human(9999999999.5, b), "10000000000");    /* rounds up to whole */
  cr_assert_str_eq(human(45.00000000001, b), "45");
  cr_assert_str_eq(human(-45.00000000001, b), "-45");
}

/* lq_num_human's digits without printf must be printf's: the reference is
 * %.9e, written out as lq_num_human writes it, on millions of values. */
static void human_reference(double x, char *buf) {
  char e[40], digits[10];
  snprintf(e, sizeof e, "%.9e", x);
  const char *s = e + (e[0] == '-');
  int nd = 0;
  for (; *s != 'e'; s++)
    if (*s != '.') digits[nd++] = *s;
  int exp = atoi(s + 1), len = 0;
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  if (e[0] == '-') buf[len++] = '-';
  if (exp < 0) {
    buf[len++] = '0';
    buf[len++] = '.';
    for (int z = -1; z > exp; z--) buf[len++] = '0';
    for (int i = 0; i < nd; i++) buf[len++] = digits[i];
  } else {
    for (int i = 0; i <= exp || i < nd; i++) {
      if (i == exp + 1) buf[len++] = '.';
      buf[len++] = i < nd ? digits[i] : '0';
    }
  }
  buf[len] = '\0';
}

Test(numhuman, the_fast_digits_are_printfs) {
  char got[32], want[32];
  uint64_t r = 88172645463325252u;   /* xorshift: the same values every run */
  for (int i = 0; i < 1000000; i++) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    double x;
    if (i % 3 == 0) x = ldexp((double)(r >> 11), -53) * pow(10, (double)(r % 15) - 5);   /* 1e-5 .. 1e10 */
    else if (i % 3 == 1) x = (double)(r % 100000) / 10 + (double)(r % 7) / 100 - 250;   /* sums of decimals */
    else x = (double)(r % 1000) * pow(0.75, (double)(r % 40) / 7);                       /* decayed points */
    if (x == floor(x) || fabs(x) >= 1e10 || fabs(x) < 5e-10) continue;   /* not this path */
    human_reference(x, want);
    cr_assert_str_eq(human(x, got), want, "%.17g", x);
  }
}

/* ---- lq_value_key_text: docs/language.md, "The exact rule" ---- */

/* The key text of a lead's value written as json, and its kind. */
static const char *key_of(const char *json, lq_vkind *kind) {
  static char out[64];
  lq_arena a;
  lq_arena_init(&a, 4096);
  char why[100], lead[128], buf[32];
  snprintf(lead, sizeof lead, "{\"k\":%s}", json);
  cJSON *j = t_parse_lead(&a, lead, strlen(lead), why, sizeof why);
  cr_assert_not_null(j, "%s: %s", lead, why);
  lq_value v = lq_value_from_json(&a, cJSON_GetObjectItemCaseSensitive(j, "k"));
  *kind = (lq_vkind)v.kind;
  const char *s;
  size_t n;
  cr_assert(lq_value_key_text(v, buf, &s, &n), "%s has a key text", json);
  snprintf(out, sizeof out, "%.*s", (int)n, s);
  lq_arena_free(&a);
  return out;
}

/* A whole number of more than 15 digits is its digits, exactly as written:
 * past 2^53 a double would change them (or two ids would be one). */
Test(key_text, a_long_whole_number_is_its_digits) {
  lq_vkind k;
  cr_assert_str_eq(key_of("12345678901234567890", &k), "12345678901234567890");
  cr_assert_eq(k, LQ_V_STR, "kept as its digits, as a table's cell is");
  cr_assert_str_eq(key_of("12345678901234567891", &k), "12345678901234567891");
  cr_assert_str_eq(key_of("1234567890123456789", &k), "1234567890123456789");
  cr_assert_str_eq(key_of("-1234567890123456789", &k), "-1234567890123456789");
  cr_assert_str_eq(key_of("9007199254740993", &k), "9007199254740993");
  cr_assert_str_eq(key_of("123456789012345678901234567890", &k), "123456789012345678901234567890");
  cr_assert_str_eq(key_of("\"1234567890123456789\"", &k), "1234567890123456789", "the same id as text");
}

/* Every other number is keyed as a decision prints it. */
Test(key_text, other_numbers_as_a_decision_prints_them) {
  lq_vkind k;
  cr_assert_str_eq(key_of("123456789012345", &k), "123456789012345");
  cr_assert_eq(k, LQ_V_NUM, "15 digits is a number");
  cr_assert_str_eq(key_of("94107", &k), "94107");
  cr_assert_str_eq(key_of("-0", &k), "0");
  cr_assert_str_eq(key_of("1e3", &k), "1000");
  cr_assert_str_eq(key_of("94107.0", &k), "94107");
  cr_assert_str_eq(key_of("1.50", &k), "1.5");
  cr_assert_str_eq(key_of("2.5", &k), "2.5");
  cr_assert_str_eq(key_of("0.30000000000000004", &k), "0.3");
  cr_assert_eq(k, LQ_V_NUM, "a fraction of many digits stays a number");
  cr_assert_str_eq(key_of("1.2345678901234567890e19", &k), "1.23456789012346e+19", "not written whole");
  cr_assert_str_eq(key_of("true", &k), "true");
}

/* A table keeps the text of any number of more than 15 digits; one that is
 * not whole is keyed as the lead's same number is. */
Test(key_text, a_tables_long_fraction_as_a_leads) {
  char buf[32];
  const char *s;
  size_t n;
  lq_value v = lq_strv("0.30000000000000004", 19);
  v.b = true;
  cr_assert(lq_value_key_text(v, buf, &s, &n));
  cr_assert(n == 3 && !memcmp(s, "0.3", 3), "%.*s", (int)n, s);
  cr_assert(!lq_value_key_text(LQ_NOVALUE, buf, &s, &n));
}

/* ---- lq_time_parse / lq_time_format ---- */

static bool tparse(const char *s, double *t) { return lq_time_parse(s, strlen(s), t); }

Test(times, accepted_forms) {
  double t;
  cr_assert(tparse("2026-11-22", &t));
  assert_num(t, T_NOW);
  cr_assert(tparse("2026-11-22T10:00:00Z", &t));
  assert_num(t, T_NOW + 36000);
  cr_assert(tparse("2026-11-22 10:00:00", &t));
  assert_num(t, T_NOW + 36000);
  cr_assert(tparse("2026-11-22T10:00:00.123+01:00", &t));
  assert_num(t, T_NOW + 32400.123);
  cr_assert(tparse("2026-11-22T10:00+0100", &t));
  assert_num(t, T_NOW + 32400);
  cr_assert(tparse("2026-11-22T10:00", &t));
  assert_num(t, T_NOW + 36000);
  cr_assert(tparse("2026-11-22T10:00:00-05:30", &t));
  assert_num(t, T_NOW + 36000 + 19800);
  cr_assert(tparse("  2026-11-22  ", &t));
  assert_num(t, T_NOW);
  cr_assert(tparse("1970-01-01T00:00:00Z", &t));
  assert_num(t, 0);
}

Test(times, no_zone_means_utc) {
  double a, b;
  cr_assert(tparse("2026-06-01T12:00:00", &a));
  cr_assert(tparse("2026-06-01T12:00:00Z", &b));
  assert_num(a, b);
}

Test(times, leap_years) {
  double t;
  cr_assert(tparse("2024-02-29", &t));
  cr_assert(tparse("2000-02-29", &t));
  cr_assert(!tparse("2026-02-29", &t));
  cr_assert(!tparse("1900-02-29", &t));
}

Test(times, rejected_forms) {
  double t;
  cr_assert(!tparse("", &t));
  cr_assert(!tparse("yesterday", &t));
  cr_assert(!tparse("2026-11-31", &t));
  cr_assert(!tparse("2026-13-01", &t));
  cr_assert(!tparse("2026-00-10", &t));
  cr_assert(!tparse("2026-1-5", &t));
  cr_assert(!tparse("20261122", &t));
  cr_assert(!tparse("2026/11/22", &t));
  cr_assert(!tparse("2026-11-22T25:00", &t));
  cr_assert(!tparse("2026-11-22T10:60", &t));
  cr_assert(!tparse("2026-11-22T10", &t));
  cr_assert(!tparse("2026-11-22T10:00:00Zjunk", &t));
  cr_assert(!tparse("22/11/2026", &t));
}

Test(times, format_utc) {
  char buf[32];
  lq_time_format(T_NOW, buf);
  cr_assert_str_eq(buf, "2026-11-22T00:00:00Z");
  lq_time_format(T_NOW + 36000 + 61.9, buf);
  cr_assert_str_eq(buf, "2026-11-22T10:01:01Z");
  lq_time_format(-1, buf);
  cr_assert_str_eq(buf, "1969-12-31T23:59:59Z");
  lq_time_format(t_time("2024-02-29T23:59:59Z"), buf);
  cr_assert_str_eq(buf, "2024-02-29T23:59:59Z");
}

Test(times, parse_format_round_trip) {
  const char *in[] = {"2000-01-01T00:00:00Z", "2026-12-31T23:59:59Z", "2100-03-01T12:34:56Z", "1999-12-31T00:00:00Z"};
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
    char buf[32];
    lq_time_format(t_time(in[i]), buf);
    cr_assert_str_eq(buf, in[i]);
  }
}

/* ---- text ---- */

Test(text, eq_ignores_ascii_case) {
  cr_assert(lq_text_eq("Energy", 6, "energy", 6));
  cr_assert(lq_text_eq("ENERGY", 6, "energy", 6));
  cr_assert(!lq_text_eq("energy", 6, "energies", 8));
  cr_assert(!lq_text_eq("a", 1, "b", 1));
  cr_assert(lq_text_eq("", 0, "", 0));
  cr_assert(!lq_text_eq("S\xc3\xa3o", 4, "S\xc3\x83O", 4), "non-ASCII letters compare exactly");
  cr_assert(!lq_text_eq("@", 1, "`", 1), "only letters fold");
  cr_assert(!lq_text_eq("[", 1, "{", 1));
}

Test(text, cmp_orders_ignoring_case) {
  cr_assert_lt(lq_text_cmp("apple", 5, "Banana", 6), 0);
  cr_assert_gt(lq_text_cmp("b", 1, "A", 1), 0);
  cr_assert_eq(lq_text_cmp("ABC", 3, "abc", 3), 0);
  cr_assert_lt(lq_text_cmp("abc", 3, "abcd", 4), 0);
  cr_assert_gt(lq_text_cmp("abcd", 4, "ABC", 3), 0);
  cr_assert_eq(lq_text_cmp("", 0, "", 0), 0);
}

Test(text, find_ignores_case) {
  const char *hay = "Head Of Sales";
  cr_assert_eq(lq_text_find(hay, 13, "of s", 4), hay + 5);
  cr_assert_eq(lq_text_find(hay, 13, "", 0), hay);
  cr_assert_null(lq_text_find(hay, 13, "vp", 2));
  cr_assert_null(lq_text_find("ab", 2, "abc", 3));
  cr_assert_eq(lq_text_find(hay, 13, "SALES", 5), hay + 8);
}

Test(text, hash_agrees_with_eq) {
  cr_assert_eq(lq_hash_text("Gmail.COM", 9), lq_hash_text("gmail.com", 9));
  cr_assert_neq(lq_hash_text("gmail.com", 9), lq_hash_text("gmail.co", 8));
  /* Past the 256-byte chunk the folding is done in. */
  char up[600], low[600];
  for (int i = 0; i < 600; i++) up[i] = (char)('A' + i % 26), low[i] = (char)('a' + i % 26);
  cr_assert_eq(lq_hash_text(up, 600), lq_hash_text(low, 600));
  cr_assert_neq(lq_hash_text(low, 600), lq_hash_text(low, 599));
  cr_assert_eq(lq_hash_num(0.0), lq_hash_num(-0.0));
}

Test(hash, table_grows_and_finds_every_id) {
  lq_hash t;
  lq_hash_init(&t, NULL, 0);
  for (int32_t id = 0; id < 5000; id++) {
    uint64_t h = lq_hash_num(id);
    uint32_t i = lq_hash_first(&t, h);
    while (t.slots[i].id >= 0) i = lq_hash_next(&t, i);
    lq_hash_put(&t, i, h, id);
  }
  for (int32_t id = 0; id < 5000; id++) {
    uint64_t h = lq_hash_num(id);
    uint32_t i = lq_hash_first(&t, h);
    while (t.slots[i].id >= 0 && t.slots[i].id != id) i = lq_hash_next(&t, i);
    cr_assert_eq(t.slots[i].id, id);
  }
  cr_assert(2 * t.n <= t.mask + 1);
  lq_hash_free(&t);
}

Test(text, value_eq) {
  lq_value a[] = {lq_strv("A", 1), lq_num(1)}, b[] = {lq_strv("a", 1), lq_num(1)}, c[] = {lq_num(1), lq_strv("a", 1)};
  lq_value la = {.kind = LQ_V_LIST, .n = 2, .items = a}, lb = {.kind = LQ_V_LIST, .n = 2, .items = b},
           lc = {.kind = LQ_V_LIST, .n = 2, .items = c};
  cr_assert(lq_value_eq(la, lb));
  cr_assert(!lq_value_eq(la, lc));
  cr_assert(!lq_value_eq(lq_num(1), lq_strv("1", 1)));
  cr_assert(!lq_value_eq(lq_bool(true), lq_num(1)));
  cr_assert(lq_value_eq(lq_bool(false), lq_bool(false)));
  cr_assert(lq_value_eq(lq_num(0), lq_num(-0.0)));
}

Test(text, constant_sets) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  lq_value items[] = {lq_strv("gmail.com", 9), lq_strv("Yahoo.com", 9), lq_num(3), LQ_NOVALUE, lq_strv("GMAIL.com", 9)};
  lq_set *s = lq_set_build(&a, items, 5);
  cr_assert_not_null(s);
  cr_assert_eq(s->count, 3, "duplicates (ignoring case) and null are not counted");
  cr_assert(lq_set_has(s, lq_strv("YAHOO.COM", 9)));
  cr_assert(lq_set_has(s, lq_num(3)));
  cr_assert(!lq_set_has(s, lq_strv("3", 1)));
  cr_assert(!lq_set_has(s, LQ_NOVALUE));
  cr_assert(!lq_set_has(s, lq_strv("hotmail.com", 11)));
  /* Large sets still find every item. */
  lq_value many[1000];
  char names[1000][8];
  for (int i = 0; i < 1000; i++) {
    snprintf(names[i], sizeof names[i], "d%d", i);
    many[i] = lq_strv(names[i], (uint32_t)strlen(names[i]));
  }
  lq_set *big = lq_set_build(&a, many, 1000);
  cr_assert_eq(big->count, 1000);
  for (int i = 0; i < 1000; i++) cr_assert(lq_set_has(big, many[i]));
  cr_assert(!lq_set_has(big, lq_strv("d1000", 5)));
  lq_arena_free(&a);
}

/* ---- output helpers ---- */

Test(output, json_string_escapes) {
  lq_buf b = {0};
  lq_buf_json_string(&b, "a\"b\\c\nd\te\x01\xc3\xa9", 12);
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001\xc3\xa9\"");
  lq_buf_free(&b);
}

Test(output, buf_num_and_flush) {
  lq_buf b = {0};
  lq_buf_num(&b, 18.75);
  lq_buf_putc(&b, ',');
  lq_buf_num(&b, -30);
  char *mem = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&mem, &len);
  cr_assert(lq_buf_flush(&b, f));
  fclose(f);
  cr_assert_str_eq(mem, "18.75,-30");
  cr_assert_eq(b.len, 0);
  free(mem);
  lq_buf_free(&b);
}

Test(output, id_text_number_or_line) {
  lq_buf b = {0};
  lq_id_json(&b, T_ID_TEXT("t\"1", 9));
  lq_buf_putc(&b, ' ');
  lq_id_json(&b, T_ID_NUMBER("42", 9));
  lq_buf_putc(&b, ' ');
  lq_id_json(&b, T_ID_LINE(12));
  lq_buf_putc(&b, ' ');
  lq_id_json(&b, T_ID_LINE(0));
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "\"t\\\"1\" 42 12 null");
  lq_buf_free(&b);
}

/* Text for a terminal: C0, DEL and C1 (U+0080..U+009F) become one space each;
 * other UTF-8 (U+00A0, é) is kept. */
Test(output, text_output_makes_control_characters_spaces) {
  lq_buf b = {0};
  const char in[] = "a\x1b]0;X\x07" "b\x7f" "c\xc2\x9b" "d\xc2\xa0" "e\xc3\xa9\x00" "f";
  lq_out_text(&b, in, sizeof in - 1);
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "a ]0;X b c d\xc2\xa0" "e\xc3\xa9 f");
  /* In place, from an offset: what came before is left alone. */
  b.len = 0;
  lq_buf_puts(&b, "\x1b[");
  size_t at = b.len;
  lq_buf_puts(&b, "x\x1by\xc2\x85");
  lq_out_text_fix(&b, at);
  cr_assert_eq(b.len, 6);
  cr_assert(!memcmp(b.data, "\x1b[x y ", 6));
  lq_buf_free(&b);
}

Test(output, id_as_text_and_as_asked_for) {
  lq_buf b = {0};
  lq_id_text(&b, T_ID_TEXT("t\x1b\"1", 9));
  lq_buf_putc(&b, ' ');
  lq_id_text(&b, T_ID_NUMBER("12345678901234567890", 9));
  lq_buf_putc(&b, ' ');
  lq_id_text(&b, T_ID_LINE(12));
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "t \"1 12345678901234567890 #12");
  /* explain --lead: the id as written, or a lead without one by its line. */
  cr_assert(lq_id_is(T_ID_NUMBER("1.0", 3), "1.0"));
  cr_assert(!lq_id_is(T_ID_NUMBER("1.0", 3), "1"));
  cr_assert(!lq_id_is(T_ID_NUMBER("1.0", 3), "3"));
  cr_assert(lq_id_is(T_ID_LINE(3), "3"));
  cr_assert(!lq_id_is(T_ID_LINE(3), "#3"));
  cr_assert(!lq_id_is(T_ID_TEXT("ab", 3), "a"));
  lq_buf_free(&b);
}

Test(output, annotated_line_gets_the_decision_as_last_key) {
  lqt *t = lqt_new("ruleset \"r\" version \"1\"\nstage MQL when true\n");
  const char *line = "{\"id\": 5, \"x\": 1}";
  const lq_result *r = lqt_run(t, line);
  lq_buf b = {0};
  lq_out_annotated(&b, line, strlen(line), NULL, "q", t->p, r, T_ID_NUMBER("5", 1));
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "{\"id\": 5, \"x\": 1,\"q\":{\"id\":5,\"ruleset\":\"r\",\"version\":\"1\",\"stage\":\"MQL\","
                           "\"rejected\":null,\"route\":null,\"owner\":null,\"score\":0,\"scores\":{},\"grades\":{},\"reasons\":[]}}");
  lq_buf_free(&b);
  r = lqt_run(t, " { } ");
  lq_out_annotated(&b, " { } ", 5, NULL, "q", t->p, r, T_ID_LINE(3));
  lq_buf_putc(&b, '\0');
  cr_assert(!strncmp(b.data, " { \"q\":{\"id\":3,", 14), "%s", b.data);
  cr_assert(strstr(b.data, "]}} "), "%s", b.data);
  lq_buf_free(&b);
  lqt_free(t);
}

/* The lead already has the key: its value is replaced, wherever it stands and
 * however it is spaced; nothing else of the line changes. */
Test(output, annotated_line_replaces_a_key_it_has) {
  lqt *t = lqt_new("ruleset \"r\" version \"1\"\nstage MQL when true\n");
  const char *line = "{ \"q\" : [1, {\"q\": \"]}\"}] ,\"x\":\"q\\\"\"}";
  lq_eval_reset(t->E);
  cJSON *lead = t_parse_lead(lq_eval_scratch(t->E), line, strlen(line), t->why, sizeof t->why);
  cr_assert(lead, "%s", t->why);
  const lq_result *r = lq_eval_lead(t->E, lead);
  lq_buf b = {0};
  lq_out_annotated(&b, line, strlen(line), lead, "q", t->p, r, T_ID_LINE(2));
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "{ \"q\" : {\"id\":2,\"ruleset\":\"r\",\"version\":\"1\",\"stage\":\"MQL\",\"rejected\":null,"
                           "\"route\":null,\"owner\":null,\"score\":0,\"scores\":{},\"grades\":{},\"reasons\":[]} ,"
                           "\"x\":\"q\\\"\"}");
  /* The parsed lead is needed to tell: without it the decision is added. */
  b.len = 0;
  lq_out_annotated(&b, line, strlen(line), NULL, "q", t->p, r, T_ID_LINE(2));
  lq_buf_putc(&b, '\0');
  cr_assert(strstr(b.data, "\"x\":\"q\\\"\",\"q\":{\"id\":2,"), "%s", b.data);
  lq_buf_free(&b);
  lqt_free(t);
}

/* CSV: the header's columns named like the decision's get its cells where they
 * stand (quoted cells and line breaks as written); the rest are added. */
Test(output, csv_annotated_replaces_the_columns_it_has) {
  lqt *t = lqt_new("ruleset \"r\" version \"1\"\nscore fit {\n  +5 \"a; b\" when true\n}\n");
  const lq_result *r = lqt_run(t, "{}");
  const char *keys[] = {"id", "k.reasons", "note", NULL, "k.fit", "k.nope"};
  const uint32_t lens[] = {2, 9, 4, 0, 5, 6};
  int *taken = lq_out_csv_taken(t->p, "k", keys, lens, 6);
  cr_assert(taken);
  cr_assert(taken[0] == -1 && taken[1] == 9 && taken[2] == -1 && taken[3] == -1 && taken[4] == 8 && taken[5] == -1);
  lq_buf b = {0};
  lq_out_csv_annotated_header(&b, t->p, "k", "id;k.reasons;note;;k.fit;k.nope", 31, taken, 6, ';');
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "id;k.reasons;note;;k.fit;k.nope;k.id;k.ruleset;k.version;k.stage;k.rejected;k.route;k.owner;k.score");
  b.len = 0;
  const char *row = "x1;\"old;\nreasons\";\"a \"\"b\"\"\";;7;\"\"";
  lq_out_csv_annotated(&b, row, strlen(row), taken, 6, t->p, r, T_ID_TEXT("x1", 3), ';');
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "x1;\"a; b +5\";\"a \"\"b\"\"\";;5;\"\";x1;r;1;;;;;5");
  free(taken);
  /* No column of the decision's: NULL, and the decision follows the record. */
  cr_assert_null(lq_out_csv_taken(t->p, "k", keys, lens, 1));
  cr_assert_null(lq_out_csv_taken(t->p, "kk", keys, lens, 6));
  b.len = 0;
  lq_out_csv_annotated(&b, "x1", 2, NULL, 1, t->p, r, T_ID_TEXT("x1", 3), ',');
  lq_buf_putc(&b, '\0');
  cr_assert_str_eq(b.data, "x1,x1,r,1,,,,,5,5,a; b +5");
  lq_buf_free(&b);
  lqt_free(t);
}

/* ---- paths ---- */

Test(paths_parse, segments) {
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_seg *s;
  uint32_t n;
  cr_assert(lq_path_parse(&a, "crm.`Prospect ID`[-1].x", &s, &n, NULL));
  cr_assert_eq(n, 4);
  cr_assert_str_eq(s[0].key, "crm");
  cr_assert_str_eq(s[1].key, "Prospect ID");
  cr_assert(s[2].is_index);
  cr_assert_eq(s[2].index, -1);
  cr_assert_str_eq(s[3].key, "x");
  cr_assert(!lq_path_parse(&a, "", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a.", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a..b", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "`open", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a[x]", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a[]", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a[-]", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a[+1]", &s, &n, NULL));
  cr_assert(!lq_path_parse(&a, "a[ 1]", &s, &n, NULL));
  lq_arena_free(&a);
}

/* An index past the language's range is refused with the reason, never wrapped
 * ([4294967296] was read as [0], [2147483648] as a negative index). */
Test(paths_parse, index_out_of_range_is_refused) {
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_seg *s;
  uint32_t n;
  lq_error why;
  static const char *const big[] = {"a[4294967296]", "a[2147483648]", "a[1000000001]", "a[-1000000001]",
                                    "a[99999999999999999999999]"};
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
    cr_assert(!lq_path_parse(&a, big[i], &s, &n, &why), "%s", big[i]);
    cr_assert(strstr(why.msg, "from -1000000000 to 1000000000") && strstr(why.msg, big[i]), "%s: %s", big[i], why.msg);
  }
  cr_assert(lq_path_parse(&a, "a[1000000000].b", &s, &n, &why));
  cr_assert_eq(s[1].index, 1000000000);
  cr_assert(lq_path_parse(&a, "a[-1000000000]", &s, &n, NULL));
  cr_assert_eq(s[1].index, -1000000000);
  cr_assert(!lq_path_parse(&a, "a..b", &s, &n, &why));
  cr_assert_str_eq(why.msg, "'a..b' is not a field path; write e.g. id, crm.id or '`Prospect ID`'",
                   "a shape error says what a path looks like");
  lq_arena_free(&a);
}

Test(paths_parse, id_field_lookup) {
  lqt *t = lqt_new("stage MQL when true\n");
  lqt_run(t, "{\"crm\":{\"Prospect ID\":[\"p1\",\"p2\"]}}");
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_seg *s;
  uint32_t n;
  cr_assert(lq_path_parse(&a, "crm.`Prospect ID`[1]", &s, &n, NULL));
  lq_eval_reset(t->E);
  const char *line = "{\"crm\":{\"Prospect ID\":[\"p1\",\"p2\"]}}";
  cJSON *lead = t_parse_lead(lq_eval_scratch(t->E), line, strlen(line), t->why, sizeof t->why);
  lq_value v = lq_eval_path(t->E, lead, s, n);
  cr_assert_eq(v.kind, LQ_V_STR);
  cr_assert_str_eq(v.str, "p2");
  lq_arena_free(&a);
  lqt_free(t);
}
