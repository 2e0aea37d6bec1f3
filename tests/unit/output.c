/* output.c: decisions as CSV rows for CRM import, and a lead written back as JSON. */
#include "fields.h"
#include "helpers.h"
#include "output.h"

/* Two groups with a reject declared between them (so its place in the reasons
 * shows), one grade, and a label that needs quoting. */
#define CSV_RULES                                                   \
  "ruleset \"crm\" version \"7\"\n"                                 \
  "score fit {\n"                                                   \
  "  +20 \"enterprise size\"     when size >= 1000\n"               \
  "  -30 \"free email provider\" when free == true\n"               \
  "  +5  \"big, \\\"bold\\\" deal\"  when bold == true\n"           \
  "}\n"                                                             \
  "reject \"competitor\" when rival == true\n"                      \
  "score engagement {\n"                                            \
  "  +10 \"asked for a demo\" when demo == true\n"                  \
  "}\n"                                                             \
  "grade priority {\n"                                              \
  "  \"A\" when fit >= 20\n"                                        \
  "  \"B\" otherwise\n"                                             \
  "}\n"                                                             \
  "stage MQL when fit + engagement >= 10\n"                         \
  "route \"sdr\" when MQL\n"                                        \
  "route \"nurture\" otherwise\n"

/* The bytes written so far, as a C string (the buffer keeps them). */
static const char *text(lq_buf *b) {
  lq_buf_putc(b, '\0');
  b->len--;
  return b->data;
}

static const char *csv_row(lqt *t, const char *lead, const lq_id *id, lq_buf *b) {
  const lq_result *r = lqt_run(t, lead);
  b->len = 0;
  lq_out_csv_decision(b, t->p, r, id, ',');
  return text(b);
}

/* Evaluates lead and reads its id at "id", as every command does. */
static lq_id run_with_id(lqt *t, const char *lead, uint64_t line) {
  lq_arena a;
  lq_arena_init(&a, 256);
  lq_seg *segs;
  uint32_t nsegs;
  cr_assert(lq_path_parse(&a, "id", &segs, &nsegs, NULL));
  lq_eval_reset(t->E);
  cJSON *j = t_parse_lead(lq_eval_scratch(t->E), lead, strlen(lead), t->why, sizeof t->why);
  cr_assert(j, "%s", t->why);
  t->r = lq_eval_lead(t->E, j);
  lq_id id = lq_id_read(t->E, j, segs, nsegs, line);
  lq_arena_free(&a);
  return id;
}

/* ---- the quoting rule ---- */

static const char *cell(lq_buf *b, const char *s, size_t n, char delim) {
  b->len = 0;
  lq_out_csv_cell(b, s, n, delim);
  return text(b);
}

Test(output, csv_cell_quotes_only_when_needed) {
  lq_buf b = {0};
  cr_assert_str_eq(cell(&b, "plain text", 10, ','), "plain text");
  cr_assert_str_eq(cell(&b, "", 0, ','), "");
  cr_assert_str_eq(cell(&b, "a,b", 3, ','), "\"a,b\"");
  cr_assert_str_eq(cell(&b, "say \"hi\"", 8, ','), "\"say \"\"hi\"\"\"");
  cr_assert_str_eq(cell(&b, "\"", 1, ','), "\"\"\"\"");
  cr_assert_str_eq(cell(&b, "two\nlines", 9, ','), "\"two\nlines\"");
  cr_assert_str_eq(cell(&b, "cr\r", 3, ','), "\"cr\r\"");
  cr_assert_str_eq(cell(&b, " lead", 5, ','), "\" lead\"");
  cr_assert_str_eq(cell(&b, "trail\t", 6, ','), "\"trail\t\"");
  cr_assert_str_eq(cell(&b, "in side", 7, ','), "in side", "an inner space needs no quotes");
  /* The delimiter decides: a comma is plain text between semicolons. */
  cr_assert_str_eq(cell(&b, "a,b", 3, ';'), "a,b");
  cr_assert_str_eq(cell(&b, "a;b", 3, ';'), "\"a;b\"");
  cr_assert_str_eq(cell(&b, "a\tb", 3, '\t'), "\"a\tb\"");
  lq_buf_free(&b);
}

/* Quoting rewrites the cell in place, so it must keep what came before it and
 * work when the buffer has to grow to fit the quotes. */
Test(output, csv_cell_after_other_bytes_and_across_a_grow) {
  lq_buf b = {0};
  lq_buf_put(&b, "x,", 2);
  lq_out_csv_cell(&b, "\"q\"", 3, ',');
  cr_assert_str_eq(text(&b), "x,\"\"\"q\"\"\"");
  lq_buf_free(&b);

  char big[1000];
  memset(big, '"', sizeof big);
  lq_buf_grow(&b, 1);
  b.len = b.cap - sizeof big;   /* the cell fills the buffer exactly; its quotes do not fit */
  memset(b.data, 'y', b.len);
  size_t at = b.len;
  lq_out_csv_cell(&b, big, sizeof big, ',');
  cr_assert_eq(b.len - at, 2 * sizeof big + 2);
  cr_assert_eq(b.data[at - 1], 'y');
  for (size_t i = at; i < b.len; i++) cr_assert_eq(b.data[i], '"', "byte %zu", i - at);
  lq_buf_free(&b);
}

/* ---- the header ---- */

Test(output, csv_header_lists_groups_and_grades) {
  lqt *t = lqt_new(CSV_RULES);
  lq_buf b = {0};
  lq_out_csv_header(&b, t->p, NULL, ',');
  cr_assert_str_eq(text(&b), "id,ruleset,version,stage,rejected,route,owner,score,fit,engagement,priority,reasons");
  lq_buf_free(&b);
  lqt_free(t);
}

Test(output, csv_header_with_a_prefix) {
  lqt *t = lqt_new(CSV_RULES);
  lq_buf b = {0};
  lq_out_csv_header(&b, t->p, "qualification", ';');
  cr_assert_str_eq(text(&b), "qualification.id;qualification.ruleset;qualification.version;qualification.stage;"
                             "qualification.rejected;qualification.route;qualification.owner;qualification.score;"
                             "qualification.fit;qualification.engagement;qualification.priority;"
                             "qualification.reasons");
  /* The whole name is one cell: a prefix that needs quotes quotes every column. */
  b.len = 0;
  lq_out_csv_header(&b, t->p, "q,\"x\"", ',');
  const char *h = text(&b);
  cr_assert(!strncmp(h, "\"q,\"\"x\"\".id\",\"q,\"\"x\"\".ruleset\",", 31), "%s", h);
  cr_assert(strstr(h, ",\"q,\"\"x\"\".reasons\"") && h[strlen(h) - 1] == '"', "%s", h);
  lq_buf_free(&b);
  lqt_free(t);
}

/* ---- decision rows ---- */

Test(output, csv_row_with_points_and_a_reject) {
  lqt *t = lqt_new(CSV_RULES);
  lq_buf b = {0};
  const char *row = csv_row(t, "{\"id\":\"L1\",\"size\":5000,\"free\":true,\"rival\":true,\"demo\":true}",
                            T_ID_TEXT("L1", 1), &b);
  /* Rejected: no stage or route; the scores, grade and every reason still show,
   * the reject in its place between the two groups. */
  cr_assert_str_eq(row, "L1,crm,7,,competitor,,,0,-10,10,B,"
                        "enterprise size +20; free email provider -30; competitor (reject); asked for a demo +10");
  lq_buf_free(&b);
  lqt_free(t);
}

Test(output, csv_row_stage_route_grade_and_a_quoted_label) {
  lqt *t = lqt_new(CSV_RULES);
  lq_buf b = {0};
  const char *row = csv_row(t, "{\"size\":5000,\"bold\":true}", T_ID_TEXT("L2", 2), &b);
  cr_assert_str_eq(row, "L2,crm,7,MQL,,sdr,,25,25,0,A,\"enterprise size +20; big, \"\"bold\"\" deal +5\"");
  /* Nothing fired: an empty reasons cell, not quotes. */
  row = csv_row(t, "{}", T_ID_TEXT("L3", 3), &b);
  cr_assert_str_eq(row, "L3,crm,7,,,nurture,,0,0,0,B,");
  lq_buf_free(&b);
  lqt_free(t);
}

/* The CSV reasons are the JSON decision's reasons, in the same order. */
Test(output, csv_reasons_follow_the_json_reasons) {
  lqt *t = lqt_new(CSV_RULES);
  const char *lead = "{\"size\":5000,\"free\":true,\"bold\":true,\"rival\":true,\"demo\":true}";
  const lq_result *r = lqt_run(t, lead);
  lq_buf js = {0}, want = {0}, row = {0};
  lq_out_decision(&js, t->p, r, T_ID_LINE(1));
  lq_arena a;
  lq_arena_init(&a, 4096);
  const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(lq_json_parse(&a, js.data, js.len), "reasons");
  cr_assert(cJSON_GetArraySize(reasons) == 5, "%.*s", (int)js.len, js.data);
  const cJSON *x;
  cJSON_ArrayForEach(x, reasons) {
    if (want.len) lq_buf_put(&want, "; ", 2);
    lq_buf_puts(&want, cJSON_GetObjectItemCaseSensitive(x, "rule")->valuestring);
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(x, "points");
    if (pts) lq_buf_printf(&want, " %+g", pts->valuedouble);
    else lq_buf_puts(&want, " (reject)");
  }
  lq_out_csv_decision(&row, t->p, r, T_ID_LINE(1), '\t');   /* tab: the label's comma needs no quotes */
  const char *cells = text(&row), *last = strrchr(cells, '\t');
  cr_assert(last);
  /* Still quoted as a whole, for the label's quotes. */
  cr_assert_eq(last[1], '"', "%s", cells);
  lq_buf empty = {0};
  lq_out_csv_cell(&empty, text(&want), want.len, '\t');
  cr_assert_str_eq(last + 1, text(&empty));
  lq_buf_free(&empty);
  lq_buf_free(&js);
  lq_buf_free(&want);
  lq_buf_free(&row);
  lq_arena_free(&a);
  lqt_free(t);
}

Test(output, csv_numeric_id_keeps_its_text) {
  lqt *t = lqt_new(CSV_RULES);
  lq_id id = run_with_id(t, "{\"id\": 9007199254740993, \"size\": 1}", 4);
  cr_assert_eq(id.kind, LQ_ID_NUMBER);
  lq_buf b = {0};
  lq_out_csv_decision(&b, t->p, t->r, &id, ',');
  const char *row = text(&b);
  /* As a double it would print 9007199254740992. */
  cr_assert(!strncmp(row, "9007199254740993,crm,", 21), "%s", row);
  /* Past a double's range: still the text. */
  id = run_with_id(t, "{\"id\": 1e400}", 4);
  b.len = 0;
  lq_out_csv_decision(&b, t->p, t->r, &id, ',');
  cr_assert(!strncmp(text(&b), "1e400,crm,", 10), "%s", b.data);
  /* A text id is CSV text, not a JSON string. */
  id = run_with_id(t, "{\"id\": \"a,\\\"b\\\"\"}", 4);
  b.len = 0;
  lq_out_csv_decision(&b, t->p, t->r, &id, ',');
  cr_assert(!strncmp(text(&b), "\"a,\"\"b\"\"\",crm,", 14), "%s", b.data);
  lq_buf_free(&b);
  lqt_free(t);
}

Test(output, csv_missing_id_is_the_line_number) {
  lqt *t = lqt_new(CSV_RULES);
  lq_id id = run_with_id(t, "{}", 17);
  lq_buf b = {0};
  lq_out_csv_decision(&b, t->p, t->r, &id, ',');
  cr_assert(!strncmp(text(&b), "17,crm,", 7), "%s", b.data);
  cr_assert(!id.odd);
  /* Neither text nor a number: the line too, and marked odd (it looks like an id). */
  static const char *const odd[] = {"{\"id\": true}", "{\"id\": false}", "{\"id\": {\"a\": 1}}", "{\"id\": [1]}"};
  for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
    id = run_with_id(t, odd[i], 18);
    b.len = 0;
    lq_out_csv_decision(&b, t->p, t->r, &id, ',');
    cr_assert(!strncmp(text(&b), "18,crm,", 7), "%s: %s", odd[i], b.data);
    cr_assert(id.odd, "%s", odd[i]);
  }
  /* null and blank text are no id, as for any field: not odd. */
  id = run_with_id(t, "{\"id\": \"  \"}", 19);
  cr_assert(id.kind == LQ_ID_LINE && !id.odd);
  id = run_with_id(t, "{\"id\": null}", 19);
  cr_assert(id.kind == LQ_ID_LINE && !id.odd);
  lq_buf_free(&b);
  lqt_free(t);
}

/* Without a ruleset line the file's name stands in and there is no version: an
 * empty cell. A fraction is written as lq_buf_num writes it. */
Test(output, csv_row_without_a_version_has_an_empty_cell) {
  lqt *t = lqt_new("score fit {\n  +1.5 \"half\" when true\n}\n");
  const lq_result *r = lqt_run(t, "{}");
  lq_buf b = {0};
  lq_out_csv_decision(&b, t->p, r, T_ID_LINE(1), ',');
  cr_assert_str_eq(text(&b), "1,t,,,,,,1.5,1.5,half +1.5");
  b.len = 0;
  lq_out_csv_header(&b, t->p, NULL, ',');
  cr_assert_str_eq(text(&b), "id,ruleset,version,stage,rejected,route,owner,score,fit,reasons");
  lq_buf_free(&b);
  lqt_free(t);
}

/* ---- a lead as JSON ---- */

static const char *lead_json(lq_arena *a, const char *in, lq_buf *b) {
  char why[100];
  const cJSON *j = t_parse_lead(a, in, strlen(in), why, sizeof why);
  cr_assert(j, "%s: %s", why, in);
  b->len = 0;
  lq_out_lead_json(b, j);
  return text(b);
}

Test(output, lead_json_round_trip) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  lq_buf b = {0};
  const char *in = "{ \"id\" : 9007199254740993, \"n\": 1.0, \"e\": -0, \"f\": 1E+2, \"big\": 1e400,\n"
                   "  \"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"nul\": \"x\\u0000y\",\n"
                   "  \"o\": {\"k\": [1, true, false, null, {}, []], \"\": \"\"}, \"k\\tey\": \"v\" }";
  const char *want = "{\"id\":9007199254740993,\"n\":1.0,\"e\":-0,\"f\":1E+2,\"big\":1e400,"
                     "\"s\":\"a\\\"b\\\\c\\n\xc3\xa9/\",\"nul\":\"x\\u0000y\","
                     "\"o\":{\"k\":[1,true,false,null,{},[]],\"\":\"\"},\"k\\tey\":\"v\"}";
  cr_assert_str_eq(lead_json(&a, in, &b), want);
  /* Read back, it is the same lead: written again, the same bytes. */
  char *once = strdup(b.data);
  cr_assert_str_eq(lead_json(&a, once, &b), want);
  char why[100];
  const cJSON *j = t_parse_lead(&a, once, strlen(once), why, sizeof why);
  cr_assert(j, "%s", why);
  const cJSON *nul = cJSON_GetObjectItemCaseSensitive(j, "nul");
  cr_assert_eq(nul->valueint, 3);
  cr_assert_eq(memcmp(nul->valuestring, "x\0y", 3), 0);
  free(once);
  lq_buf_free(&b);
  lq_arena_free(&a);
}

/* Nodes as another reader may build them: numbers without their text, strings
 * without a length (valueint 0), a raw value. Built by hand, as cJSON's own
 * constructors would allocate through leadq's arena hooks. */
Test(output, lead_json_of_nodes_without_lengths) {
  cJSON n = {.type = cJSON_Number, .valuedouble = 2.5, .string = "n"};
  cJSON w = {.type = cJSON_Number, .valuedouble = 40, .valueint = 40, .string = "w"};   /* cJSON's int copy, no text */
  cJSON inf = {.type = cJSON_Number, .valuedouble = INFINITY, .string = "inf"};
  cJSON s = {.type = cJSON_String, .valuestring = "t\"x", .string = "s"};
  cJSON r = {.type = cJSON_Raw, .valuestring = "[1]", .string = "r"};
  cJSON o = {.type = cJSON_Object, .child = &n};
  n.next = &w, w.next = &inf, inf.next = &s, s.next = &r;
  lq_buf b = {0};
  lq_out_lead_json(&b, &o);
  cr_assert_str_eq(text(&b), "{\"n\":2.5,\"w\":40,\"inf\":null,\"s\":\"t\\\"x\",\"r\":[1]}");
  lq_buf_free(&b);
}

/* One owner text for every command (decisions, diff, report, expect owner):
 * text as it is, a number as a decision prints it, and none for anything else. */
Test(output, owner_text_is_the_text_a_decision_prints) {
  char buf[32];
  const char *s;
  size_t n;
  bool bare;
  cr_assert(lq_owner_text(lq_strv("Ana@acme.example", 16), buf, &s, &n, &bare));
  cr_assert(n == 16 && !memcmp(s, "Ana@acme.example", 16) && !bare);
  cr_assert(lq_owner_text(lq_num(1042), buf, &s, &n, &bare));
  cr_assert(n == 4 && !memcmp(s, "1042", 4) && bare);
  cr_assert(lq_owner_text(lq_num(2.5), buf, &s, &n, &bare));
  cr_assert(n == 3 && !memcmp(s, "2.5", 3) && bare);
  lq_value big = lq_strv("12345678901234567890", 20);   /* a number kept as written */
  big.b = true;
  cr_assert(lq_owner_text(big, buf, &s, &n, &bare));
  cr_assert(n == 20 && bare && !memcmp(s, "12345678901234567890", 20));
  cr_assert_not(lq_owner_text(LQ_NOVALUE, buf, &s, &n, &bare));
  cr_assert_not(lq_owner_text(lq_bool(true), buf, &s, &n, &bare));
}

/* Whether the rules route to people is known once, when they compile. */
Test(output, to_people_is_set_once_at_compile) {
  lqt *t = lqt_new("route \"queue\" when x == 1\nroute \"nurture\" otherwise\n");
  cr_assert_not(t->p->to_people);
  lqt_free(t);
  t = lqt_new("route \"queue\" when x == 1\nroute \"nurture\" to \"n@acme.example\" otherwise\n");
  cr_assert(t->p->to_people);
  lqt_free(t);
}


/* ---- lq_out_width: columns for explain's tables ---- */

Test(out_width, terminal_columns_not_bytes) {
  cr_assert_eq(lq_out_width("tiny", 4), 4);
  cr_assert_eq(lq_out_width("Großkunde", strlen("Großkunde")), 9);      /* ß: 2 bytes, 1 column */
  cr_assert_eq(lq_out_width("日本の顧客", strlen("日本の顧客")), 10);   /* wide: 2 columns each */
  cr_assert_eq(lq_out_width("e\xcc\x81", 3), 1);                        /* e + combining acute */
  cr_assert_eq(lq_out_width("\xf0\x9f\x9a\x80!", 5), 3);                /* an emoji, then ! */
  cr_assert_eq(lq_out_width("a\xff" "b", 3), 3);                        /* not UTF-8: a column per byte */
  cr_assert_eq(lq_out_width("\xe6\x97", 2), 2);                         /* cut short: the same */
}
