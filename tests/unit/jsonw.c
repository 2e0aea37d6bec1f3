/* jsonw.c: the JSON writer places every comma and colon, escapes as
 * lq_buf_json_string always has, and writes numbers as lq_buf_num does. */
#include "helpers.h"
#include "jsonw.h"

/* The bytes written, as a C string (the buffer keeps them). */
static const char *jw_text(lq_buf *b) {
  lq_buf_putc(b, '\0');
  b->len--;
  return b->data;
}

#define JW_EXPECT(b, want) cr_assert_str_eq(jw_text(b), want)

Test(jsonw, empty_object_and_array) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_object(&w);
  lq_jw_end_object(&w);
  JW_EXPECT(&b, "{}");
  b.len = 0;
  lq_jw_array(&w);
  lq_jw_end_array(&w);
  JW_EXPECT(&b, "[]");
  cr_assert_eq(w.depth, 0);
  lq_buf_free(&b);
}

Test(jsonw, commas_between_members_and_items_only) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_object(&w);
  lq_jw_key(&w, "a");
  lq_jw_num(&w, 1);
  lq_jw_key(&w, "b");
  lq_jw_array(&w);
  lq_jw_num(&w, 1);
  lq_jw_str(&w, "x");
  lq_jw_bool(&w, true);
  lq_jw_null(&w);
  lq_jw_end_array(&w);
  lq_jw_key(&w, "c");
  lq_jw_bool(&w, false);
  lq_jw_end_object(&w);
  JW_EXPECT(&b, "{\"a\":1,\"b\":[1,\"x\",true,null],\"c\":false}");
  lq_buf_free(&b);
}

Test(jsonw, nested_empty_and_full_containers) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_array(&w);
  lq_jw_object(&w);
  lq_jw_end_object(&w);
  lq_jw_array(&w);
  lq_jw_end_array(&w);
  lq_jw_object(&w);
  lq_jw_key(&w, "k");
  lq_jw_object(&w);
  lq_jw_key(&w, "in");
  lq_jw_array(&w);
  lq_jw_array(&w);
  lq_jw_end_array(&w);
  lq_jw_num(&w, 2);
  lq_jw_end_array(&w);
  lq_jw_end_object(&w);
  lq_jw_key(&w, "after");
  lq_jw_num(&w, 3);
  lq_jw_end_object(&w);
  lq_jw_str(&w, "last");
  lq_jw_end_array(&w);
  JW_EXPECT(&b, "[{},[],{\"k\":{\"in\":[[],2]},\"after\":3},\"last\"]");
  cr_assert_eq(w.depth, 0);
  lq_buf_free(&b);
}

/* Deeper than any fixed stack of "first item" bits would hold. */
Test(jsonw, deep_nesting) {
  enum { DEEP = 300 };
  lq_buf b = {0}, want = {0};
  lq_jw w = lq_jw_on(&b);
  for (int i = 0; i < DEEP; i++) {
    lq_jw_array(&w);
    lq_jw_num(&w, i);
    lq_buf_printf(&want, "[%d,", i);
  }
  for (int i = 0; i < DEEP; i++) lq_jw_end_array(&w);
  want.len--;   /* the innermost array ends after its number */
  for (int i = 0; i < DEEP; i++) lq_buf_putc(&want, ']');
  cr_assert_eq(b.len, want.len);
  cr_assert(!memcmp(b.data, want.data, b.len));
  lq_buf_free(&b);
  lq_buf_free(&want);
}

/* Back at depth 0, the next value starts a new text: NDJSON lines. */
Test(jsonw, top_level_values_get_no_comma) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  for (int i = 0; i < 2; i++) {
    lq_jw_object(&w);
    lq_jw_key(&w, "n");
    lq_jw_num(&w, i);
    lq_jw_end_object(&w);
    lq_buf_putc(&b, '\n');
  }
  lq_jw_num(&w, 7);
  lq_buf_putc(&b, '\n');
  JW_EXPECT(&b, "{\"n\":0}\n{\"n\":1}\n7\n");
  lq_buf_free(&b);
}

/* Quote, backslash and C0 escaped (short forms where JSON has them); DEL,
 * C1 and bytes that are not UTF-8 written as they are, as lq_buf_json_string
 * always wrote them; a NUL inside the length is kept. */
Test(jsonw, string_escaping_as_before) {
  static const char s[] = "q\" b\\ \b\f\n\r\t \x01\x1f \x7f \xc2\x85 \xff\xfe \xe2\x82 \0end";
  lq_buf b = {0}, old = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_string(&w, s, sizeof s - 1);
  JW_EXPECT(&b, "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f \xc2\x85 \xff\xfe \xe2\x82 \\u0000end\"");
  lq_buf_json_string(&old, s, sizeof s - 1);
  cr_assert_eq(b.len, old.len);
  cr_assert(!memcmp(b.data, old.data, b.len), "the writer escapes exactly as lq_buf_json_string");
  lq_buf_free(&b);
  lq_buf_free(&old);
}

Test(jsonw, keys_escaped_like_strings) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_object(&w);
  lq_jw_key(&w, "a\"b");
  lq_jw_num(&w, 1);
  lq_jw_key_n(&w, "n\0l", 3);
  lq_jw_num(&w, 2);
  lq_jw_keyl(&w, "plain");
  lq_jw_num(&w, 3);
  lq_jw_end_object(&w);
  JW_EXPECT(&b, "{\"a\\\"b\":1,\"n\\u0000l\":2,\"plain\":3}");
  lq_buf_free(&b);
}

Test(jsonw, null_string_is_null) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_array(&w);
  lq_jw_str(&w, NULL);
  lq_jw_str(&w, "");
  lq_jw_end_array(&w);
  JW_EXPECT(&b, "[null,\"\"]");
  lq_buf_free(&b);
}

/* Numbers as lq_buf_num: whole up to 2^53, no -0, %.15g otherwise, null when
 * not finite; counts with every digit; raw text (an id as written) untouched. */
Test(jsonw, numbers_as_before) {
  static const double xs[] = {0, -0.0, 1, -42, 2.5, 1.0 / 3, 9007199254740992.0, 9007199254740994.0, 1e300,
                              -1e-7, NAN, INFINITY, -INFINITY};
  lq_buf b = {0}, old = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_array(&w);
  lq_buf_putc(&old, '[');
  for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
    lq_jw_num(&w, xs[i]);
    if (i) lq_buf_putc(&old, ',');
    lq_buf_num(&old, xs[i]);
  }
  lq_jw_end_array(&w);
  lq_buf_putc(&old, ']');
  lq_buf_putc(&old, '\0');
  JW_EXPECT(&b, old.data);
  JW_EXPECT(&b, "[0,0,1,-42,2.5,0.333333333333333,9007199254740992,9.00719925474099e+15,1e+300,-1e-07,null,null,null]");
  b.len = 0;
  lq_jw_array(&w);
  lq_jw_uint(&w, 0);
  lq_jw_uint(&w, 18446744073709551615ULL);
  lq_jw_raw(&w, "12345678901234567890123", 23);
  lq_jw_raw(&w, "1.0", 3);
  lq_jw_end_array(&w);
  JW_EXPECT(&b, "[0,18446744073709551615,12345678901234567890123,1.0]");
  lq_buf_free(&b);
  lq_buf_free(&old);
}

/* A value the caller writes itself (lq_id_json) gets its comma all the same. */
Test(jsonw, caller_written_values) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_array(&w);
  lq_id_json(lq_jw_value(&w), T_ID_TEXT("t1", 1));
  lq_id_json(lq_jw_value(&w), T_ID_NUMBER("00042", 2));
  lq_id_json(lq_jw_value(&w), T_ID_LINE(3));
  lq_jw_end_array(&w);
  JW_EXPECT(&b, "[\"t1\",00042,3]");
  lq_buf_free(&b);
}

/* What the writer writes parses back, with cJSON, to the structure meant. */
Test(jsonw, parses_back_to_the_intended_structure) {
  lq_buf b = {0};
  lq_jw w = lq_jw_on(&b);
  lq_jw_object(&w);
  lq_jw_key(&w, "name");
  lq_jw_str(&w, "Ana \"A\" \\ \n\x01");
  lq_jw_key(&w, "scores");
  lq_jw_object(&w);
  lq_jw_key(&w, "fit");
  lq_jw_num(&w, 20);
  lq_jw_key(&w, "engagement");
  lq_jw_num(&w, 7.5);
  lq_jw_end_object(&w);
  lq_jw_key(&w, "reasons");
  lq_jw_array(&w);
  for (int i = 0; i < 3; i++) {
    lq_jw_object(&w);
    lq_jw_key(&w, "rule");
    lq_jw_str(&w, i == 1 ? "b" : "a");
    lq_jw_key(&w, "points");
    lq_jw_num(&w, i * 10);
    lq_jw_end_object(&w);
  }
  lq_jw_end_array(&w);
  lq_jw_key(&w, "empty");
  lq_jw_array(&w);
  lq_jw_end_array(&w);
  lq_jw_key(&w, "none");
  lq_jw_null(&w);
  lq_jw_key(&w, "ok");
  lq_jw_bool(&w, true);
  lq_jw_end_object(&w);
  static const char want[] =
      "{\"name\": \"Ana \\\"A\\\" \\\\ \\n\\u0001\", \"scores\": {\"fit\": 20, \"engagement\": 7.5},"
      " \"reasons\": [{\"rule\": \"a\", \"points\": 0}, {\"rule\": \"b\", \"points\": 10},"
      " {\"rule\": \"a\", \"points\": 20}], \"empty\": [], \"none\": null, \"ok\": true}";
  lq_arena a;
  lq_arena_init(&a, 4096);
  cJSON *got = lq_json_parse(&a, b.data, b.len), *exp = lq_json_parse(&a, want, sizeof want - 1);
  cr_assert_not_null(got, "not JSON: %.*s", (int)b.len, b.data);
  cr_assert_not_null(exp);
  cr_assert(cJSON_Compare(got, exp, true), "got %.*s", (int)b.len, b.data);
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(got, "name");
  cr_assert_str_eq(name->valuestring, "Ana \"A\" \\ \n\x01");
  lq_arena_free(&a);
  lq_buf_free(&b);
}
