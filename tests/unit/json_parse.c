/* json_parse.c: leadq's strict lead parser, which builds cJSON nodes itself. */
#include <criterion/criterion.h>
#include <string.h>

#include "json.h"

static lq_arena jp_arena;
static lq_error jp_err;
static const char *jp_why = jp_err.msg;

static void jp_setup(void) {
  lq_arena_init(&jp_arena, 4096);
}
static void jp_teardown(void) { lq_arena_free(&jp_arena); }

static cJSON *jp(const char *text) {
  lq_error_clear(&jp_err);
  return lq_json_parse_lead(&jp_arena, text, strlen(text), &jp_err);
}

TestSuite(json_parse, .init = jp_setup, .fini = jp_teardown);

Test(json_parse, escapes_are_decoded) {
  cJSON *j = jp("{\"s\":\"caf\\u00e9 \\ud83d\\ude00 a\\/b \\\"q\\\" \\\\ \\n\\t\"}");
  cr_assert(j != NULL, "%s", jp_why);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "s")->valuestring,
                   "caf\xc3\xa9 \xf0\x9f\x98\x80 a/b \"q\" \\ \n\t");
}

/* A \u0000 is text like any other: the length is kept, not found by strlen. */
Test(json_parse, a_nul_escape_keeps_the_whole_string) {
  cJSON *j = jp("{\"s\":\"a\\u0000b\",\"t\":\"\\u0000\"}");
  cr_assert(j != NULL, "%s", jp_why);
  cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "s"), *t = cJSON_GetObjectItemCaseSensitive(j, "t");
  cr_assert_eq(s->valueint, 3);
  cr_assert_eq(memcmp(s->valuestring, "a\0b", 4), 0);
  cr_assert_eq(t->valueint, 1);
}

Test(json_parse, keys_are_decoded_and_the_first_of_two_wins) {
  cJSON *j = jp("{\"Lead \\u0053ource\":\"a\",\"k\":1,\"k\":2}");
  cr_assert(j != NULL, "%s", jp_why);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "Lead Source")->valuestring, "a");
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "k")->valuedouble, 1);
}

Test(json_parse, numbers) {
  cJSON *j = jp("{\"a\":-0,\"b\":123456789012345,\"c\":12345678901234567890,\"d\":1.5e3,\"e\":-2E-2,\"f\":0.1}");
  cr_assert(j != NULL, "%s", jp_why);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "b")->valuedouble, 123456789012345.0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "c")->valuedouble, 12345678901234567890.0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "d")->valuedouble, 1500.0);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "e")->valuedouble, -0.02);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "f")->valuedouble, 0.1);
  /* Each number's text as written, for ids. */
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "c"), *d = cJSON_GetObjectItemCaseSensitive(j, "d");
  cr_assert_eq(c->valueint, 20);
  cr_assert_eq(memcmp(c->valuestring, "12345678901234567890", 20), 0);
  cr_assert_eq(d->valueint, 5);
  cr_assert_eq(memcmp(d->valuestring, "1.5e3", 5), 0);
}

Test(json_parse, arrays_link_like_cjson) {
  cJSON *j = jp("{\"l\":[1,[],{},\"x\",true,false,null]}");
  cr_assert(j != NULL, "%s", jp_why);
  cJSON *l = cJSON_GetObjectItemCaseSensitive(j, "l");
  cr_assert_eq(cJSON_GetArraySize(l), 7);
  cr_assert(cJSON_IsNull(cJSON_GetArrayItem(l, 6)));
  cr_assert_eq(l->child->prev, cJSON_GetArrayItem(l, 6), "the first item's prev is the last, as in cJSON");
  cr_assert(cJSON_IsArray(cJSON_GetArrayItem(l, 1)) && cJSON_GetArrayItem(l, 1)->child == NULL);
}

Test(json_parse, refused_with_a_reason) {
  static const struct { const char *line, *why; } bad[] = {
      {"{\"s\":\"\\ud83d\"}", "half a surrogate pair"},
      {"{\"s\":\"\\ude00x\"}", "half a surrogate pair"},
      {"{\"n\":-01}", "cannot start with 0"},
      {"{\"n\":1.}", "digits after its '.'"},
      {"{\"n\":1e}", "digits in its exponent"},
      {"{\"n\":1e", "truncated"},
      {"{\"s\":\"a", "truncated"},
      {"{\"a\" 1}", "expected ':'"},
      {"{\"a\":1 \"b\":2}", "expected ',' or '}'"},
      {"{\"a\":[1 2]}", "expected ',' or ']'"},
      {"{\"a\":nul}", "invalid JSON at column 6"},
      {"{\"a\":1}}", "unexpected text after"},
      {"{\"\xc3\x28\":1}", "invalid UTF-8"},
      {"{\"a\":\xc3\xa9}", "invalid JSON at column 6"},
      {"[1]", "must be a JSON object"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cr_expect(jp(bad[i].line) == NULL, "accepted %s", bad[i].line);
    cr_expect(strstr(jp_why, bad[i].why) != NULL, "%s: '%s' does not say '%s'", bad[i].line, jp_why, bad[i].why);
  }
}

Test(json_parse, nesting_limit) {
  enum { DEPTH = 1000 };
  char *deep = malloc(2 * (DEPTH + 1) + 16), *p = deep;
  p += sprintf(p, "{\"a\":");
  for (int i = 1; i < DEPTH; i++) *p++ = '[';
  for (int i = 1; i < DEPTH; i++) *p++ = ']';
  strcpy(p, "}");
  cr_expect(jp(deep) != NULL, "1000 levels are allowed: %s", jp_why);
  memmove(deep + 6, deep + 5, strlen(deep + 5) + 1);   /* one more [ ... */
  deep[5] = '[';
  strcpy(deep + strlen(deep) - 1, "]}");
  cr_expect(jp(deep) == NULL && strstr(jp_why, "nested deeper than 1000"), "%s", jp_why);
  free(deep);
}

/* Strings are scanned 16 bytes at a time: a quote, a backslash, a control or a
 * non-ASCII byte at every place of a 16-byte block (and past it) must still be
 * seen, and the line must not be read past its end. */
Test(json_parse, every_place_in_a_block_is_checked) {
  for (int at = 0; at < 40; at++) {
    char pad[64];
    memset(pad, 'a', (size_t)at);
    pad[at] = '\0';
    char text[160];
    snprintf(text, sizeof text, "{\"s\":\"%s\\\"x\",\"t\":\"%sz\"}", pad, pad);   /* an escape at `at` */
    cJSON *j = jp(text);
    cr_assert(j != NULL, "escape at %d: %s", at, jp_why);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "s")->valueint, at + 2, "escape at %d", at);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "t")->valueint, at + 1, "end at %d", at);
    snprintf(text, sizeof text, "{\"s\":\"%s\xc3\xa9\"}", pad);   /* UTF-8 at `at` */
    j = jp(text);
    cr_assert(j != NULL, "UTF-8 at %d: %s", at, jp_why);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "s")->valueint, at + 2);
    snprintf(text, sizeof text, "{\"s\":\"%s\tb\"}", pad);   /* a raw tab at `at` */
    cr_assert_null(jp(text), "tab at %d", at);
    cr_assert(strstr(jp_why, "control character U+0009"), "tab at %d: %s", at, jp_why);
    snprintf(text, sizeof text, "{\"s\":\"%s\xff\"}", pad);   /* a byte that is never UTF-8 */
    cr_assert_null(jp(text), "0xFF at %d", at);
    cr_assert(strstr(jp_why, "invalid UTF-8"), "0xFF at %d: %s", at, jp_why);
    /* cut short inside the string: the line's end is where it stops */
    snprintf(text, sizeof text, "{\"s\":\"%s", pad);
    cr_assert_null(jp(text), "cut at %d", at);
    cr_assert(strstr(jp_why, "truncated"), "cut at %d: %s", at, jp_why);
  }
}
