/* fmt.c: unit tests for leadq fmt (src/fmt.c): layout, comments, idempotence,
 * the diff, and that formatting never changes a single decision. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "eval.h"
#include "fmt.h"
#include "json.h"
#include "output.h"

/* Formats text; returns the result (malloc'd) or NULL when lq_fmt refused it. */
static char *fmtt_format(const char *text, size_t *errors) {
  lq_sources src;
  lq_diags d;
  lq_sources_init(&src);
  lq_diags_init(&d);
  char *copy = strdup(text);
  uint32_t f = lq_sources_add(&src, "t.lq", copy, strlen(text));
  lq_buf out = {0};
  bool ok = lq_fmt(&src, f, &d, &out);
  if (errors) *errors = d.errors;
  char *res = NULL;
  if (ok) {
    res = malloc(out.len + 1);
    memcpy(res, out.data ? out.data : "", out.len);
    res[out.len] = '\0';
  }
  lq_buf_free(&out);
  lq_diags_free(&d);
  lq_sources_free(&src);
  return res;
}

static char *fmtt_read(const char *path) {
  size_t len;
  char *s = lq_read_file(path, &len, &(lq_error){0});
  cr_assert(s, "cannot read %s", path);
  return s;
}

/* Asserts text formats to want, and that want is a fixed point. */
static void fmtt_expect(const char *text, const char *want) {
  char *got = fmtt_format(text, NULL);
  cr_assert(got, "fmt refused:\n%s", text);
  cr_expect_str_eq(got, want, "formatting\n%s\ngave\n%s\nwanted\n%s", text, got, want);
  char *again = fmtt_format(got, NULL);
  cr_assert(again);
  cr_expect_str_eq(again, got, "not idempotent:\n%s\nthen\n%s", got, again);
  free(again);
  free(got);
}

static void fmtt_idempotent(const char *text) {
  char *once = fmtt_format(text, NULL);
  cr_assert(once, "fmt refused:\n%s", text);
  char *twice = fmtt_format(once, NULL);
  cr_assert(twice);
  cr_expect_str_eq(twice, once);
  free(once);
  free(twice);
}

/* ---- meaning: the same decisions before and after ---- */

static const char *const fmtt_leads[] = {
    "{\"id\":\"1\",\"email\":\"ana@gridco.com\",\"title\":\"VP Operations\",\"company\":{\"employees\":5000,"
    "\"industry\":\"Energy\",\"region\":\"east\"},\"budget\":{\"confirmed\":true},\"timeline_months\":3,"
    "\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-20T10:00:00Z\"},{\"type\":\"page_view\","
    "\"at\":\"2026-11-01\"}]}",
    "{\"id\":\"2\",\"email\":\"bob@gmail.com\",\"consent\":{\"email\":false}}",
    "{\"id\":\"3\"}",
    "{\"id\":\"4\",\"email\":\"x@rivalco.com\",\"company\":{\"employees\":300,\"industry\":\"utilities\"}}",
    "{\"id\":\"5\",\"email\":\"c@corp.example\",\"title\":\"Head of IT\",\"company\":{\"employees\":\"1,200\"},"
    "\"events\":[{\"type\":\"email_click\",\"at\":\"2026-10-01\"},{\"type\":\"webinar_attended\",\"at\":\"2026-11-21\"}],"
    "\"budget\":{\"confirmed\":true},\"timeline_months\":12}",
    "{\"id\":\"6\",\"phone\":\"+1 555\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"x\":true,\"y\":false,\"z\":-1.5}",
};

/* Every decision of text on the leads above and on examples/sample.ndjson, one per line. */
static char *fmtt_decisions(const char *name, const char *text) {
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_text(name, text, strlen(text), &d);
  cr_assert(d.errors == 0, "%s does not compile", name);
  lq_eval *E = lq_eval_new(p, 1795305600.0);
  lq_buf out = {0};
  size_t nleads = sizeof fmtt_leads / sizeof *fmtt_leads;
  char *sample = lq_read_file("examples/sample.ndjson", &(size_t){0}, &(lq_error){0});
  cr_assert(sample, "cannot read examples/sample.ndjson (run the tests from the top folder)");
  char *line = sample, *save = NULL;
  for (size_t i = 0;; i++) {
    const char *lead;
    if (i < nleads) lead = fmtt_leads[i];
    else if (i < nleads + 300 && (line = strtok_r(i == nleads ? sample : NULL, "\n", &save))) lead = line;
    else break;
    lq_error why;
    lq_eval_reset(E);
    size_t len = strlen(lead);
    char *copy = lq_arena_strndup(lq_eval_scratch(E), lead, len);
    cJSON *json = lq_json_parse_lead(lq_eval_scratch(E), copy, len, &why);
    if (!json) continue;
    const lq_result *r = lq_eval_lead(E, json);
    lq_out_decision(&out, p, r, &(lq_id){.kind = LQ_ID_LINE, .line = (uint64_t)i + 1});
    lq_buf_putc(&out, '\n');
  }
  lq_buf_putc(&out, '\0');
  free(sample);
  lq_eval_free(E);
  lq_program_free(p);
  lq_diags_free(&d);
  char *res = strdup(out.data);
  lq_buf_free(&out);
  return res;
}

static void fmtt_same_meaning(const char *name, const char *text) {
  char *formatted = fmtt_format(text, NULL);
  cr_assert(formatted, "fmt refused %s", name);
  char *before = fmtt_decisions(name, text), *after = fmtt_decisions(name, formatted);
  cr_expect(strlen(before) > 10);
  cr_expect_str_eq(after, before, "%s: decisions changed", name);
  free(before);
  free(after);
  free(formatted);
}

Test(fmt, acme_is_a_fixed_point) {
  char *acme = fmtt_read("rules/acme.lq");
  char *got = fmtt_format(acme, NULL);
  cr_assert(got);
  cr_expect_str_eq(got, acme);
  free(got);
  free(acme);
}

Test(fmt, every_rules_file_is_idempotent_and_keeps_its_decisions) {
  static const char *const files[] = {"rules/acme.lq", "rules/saas.lq", "rules/marketplace.lq",
                                      "rules/shared/personal_email.lq"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    cr_assert(access(files[i], R_OK) == 0, "cannot read %s (run the tests from the top folder)", files[i]);
    char *text = fmtt_read(files[i]);
    fmtt_idempotent(text);
    if (strstr(files[i], "shared/") == NULL) fmtt_same_meaning(files[i], text);
    free(text);
  }
}

/* acme squashed onto few spaces and odd line breaks: the same decisions, and back to acme. */
Test(fmt, messy_acme_formats_back_to_acme) {
  char *acme = fmtt_read("rules/acme.lq");
  size_t n = strlen(acme);
  char *messy = malloc(n * 2 + 1), *o = messy;
  for (size_t i = 0; i < n; i++) {
    /* runs of spaces outside the lead JSON become one; blank lines double */
    if (acme[i] == ' ' && i > 0 && acme[i - 1] == ' ' && !strchr("\n ", acme[i + 1]) && o[-1] == ' ') continue;
    *o++ = acme[i];
    if (acme[i] == '\n' && acme[i + 1] == '\n') *o++ = '\n';
  }
  *o = '\0';
  fmtt_same_meaning("rules/messy-acme.lq", messy);   /* its tables are found next to it */
  char *got = fmtt_format(messy, NULL);
  cr_assert(got);
  cr_expect_str_eq(got, acme);
  free(got);
  free(messy);
  free(acme);
}

Test(fmt, messy_input_exact_output_whole) {
  const char *in =
      "\n\n# hurry\nruleset   \"demo\"    version \"1.0\"\n"
      "team sales \"Sam\"   # the sellers\nteam marketing    \"Mo\"\n\n\n\n"
      "list free = [ \"gmail.com\",\"yahoo.com\" ]\n"
      "define work_email=email is present and domain(email) not in free\n"
      "define big = ( company.employees >= 1000 )\n"
      "score fit by marketing {   # fit\n\n  up to 60\n  +20 \"big\" when big\n"
      "  +5 \"work\" when work_email   # trailing\n  # inside\n"
      "  -10 \"title \\/ \\\"junk\\\"\" when title in [\"intern\",\n       \"student\"]\n\n\n}\n"
      "grade g { \"A\" when fit >= 40 \"Bee\" otherwise }\n"
      "stage MQL by marketing when fit >= 20\nstage SQL by sales when MQL and `Lead Source` == \"x\"\n"
      "route \"a\" by sales when SQL\nroute \"nurture-long\" otherwise\n"
      "test \"t\" {\nnow \"2026-11-22\"\nlead {\"id\": \"t1\",\n      \"b\": 2}\nexpect fit -5\n}\n"
      "# the end\n\n\n";
  const char *want =
      "# hurry\nruleset \"demo\" version \"1.0\"\n"
      "team sales     \"Sam\" # the sellers\nteam marketing \"Mo\"\n\n"
      "list free = [\"gmail.com\", \"yahoo.com\"]\n"
      "define work_email = email is present and domain(email) not in free\n"
      "define big        = (company.employees >= 1000)\n"
      "score fit by marketing { # fit\n  up to 60\n  +20 \"big\"              when big\n"
      "  +5  \"work\"             when work_email # trailing\n  # inside\n"
      "  -10 \"title / \\\"junk\\\"\" when title in [\"intern\", \"student\"]\n}\n"
      "grade g {\n  \"A\"   when fit >= 40\n  \"Bee\" otherwise\n}\n"
      "stage MQL by marketing when fit >= 20\nstage SQL by sales     when MQL and `Lead Source` == \"x\"\n"
      "route \"a\"            by sales when SQL\nroute \"nurture-long\" otherwise\n"
      "test \"t\" {\n  now \"2026-11-22\"\n  lead {\"id\": \"t1\",\n        \"b\": 2}\n  expect fit -5\n}\n"
      "# the end\n";
  fmtt_expect(in, want);
}

Test(fmt, comments_stay_where_they_were) {
  fmtt_expect("# top\n\n# above a\ndefine a = 1 # after a\n"
              "score s {\n  # first\n  +1 \"x\" when a # after x\n\n  # before }\n} # after }\n# end\n",
              "# top\n\n# above a\ndefine a = 1 # after a\n"
              "score s {\n  # first\n  +1 \"x\" when a # after x\n\n  # before }\n} # after }\n# end\n");
  /* a comment inside a declaration that spans lines moves above it */
  fmtt_expect("define a = x and # why\n  y\n", "# why\ndefine a = x and y\n");
  /* a comment only */
  fmtt_expect("\n# just this   \n\n", "# just this\n");
  fmtt_expect("", "");
}

Test(fmt, alignment_follows_the_contract) {
  /* names line up; owners too when the names are as wide */
  fmtt_expect("reject \"a\" by sales when x\nreject \"bbb\" by marketing when y\n",
              "reject \"a\"   by sales when x\nreject \"bbb\" by marketing when y\n");
  fmtt_expect("stage A by sales when x\nstage B by marketing when A\n",
              "stage A by sales     when x\nstage B by marketing when A\n");
  /* a blank line ends a run */
  fmtt_expect("define a = 1\n\ndefine bbbb = 2\n", "define a = 1\n\ndefine bbbb = 2\n");
  /* points and labels both line up */
  fmtt_expect("score s {\n+2 \"a\" per events up to 4\n+25 \"longer\" when x\n}\n",
              "score s {\n  +2  \"a\"      per events up to 4\n  +25 \"longer\" when x\n}\n");
}

Test(fmt, long_lists_wrap_at_100_columns) {
  char in[2048] = "list l = [";
  for (int i = 0; i < 30; i++) sprintf(in + strlen(in), "%s\"item%02d\"", i ? ", " : "", i);
  strcat(in, "]\n");
  char *got = fmtt_format(in, NULL);
  cr_assert(got);
  cr_expect(!strncmp(got, "list l = [\n  \"item00\", ", 22), "%s", got);
  cr_expect(strstr(got, ",\n]\n") != NULL, "%s", got);
  for (char *line = got; *line;) {
    char *nl = strchr(line, '\n');
    cr_expect(nl - line <= LQ_FMT_WIDTH, "line too long: %.*s", (int)(nl - line), line);
    line = nl + 1;
  }
  fmtt_idempotent(in);
  free(got);
  /* a short list stays whole even when the line is long for other reasons */
  char longer[512] = "define d = x in [1, 2] and ";
  for (int i = 0; i < 12; i++) strcat(longer, "aaaaaaaa and ");
  strcat(longer, "b\n");
  got = fmtt_format(longer, NULL);
  cr_expect(strstr(got, "[1, 2]") != NULL);
  free(got);
}

/* Every line of text at most LQ_FMT_WIDTH columns. */
static void fmtt_fits(const char *text) {
  for (const char *line = text; *line;) {
    const char *nl = strchr(line, '\n');
    if (!nl) nl = line + strlen(line);
    cr_expect(nl - line <= LQ_FMT_WIDTH, "line too long: %.*s", (int)(nl - line), line);
    line = *nl ? nl + 1 : nl;
  }
}

Test(fmt, long_conditions_break_at_or_then_and) {
  /* an or chain in a define: the operands start on the next line, the operator first */
  fmtt_expect("define student_signup = is_student in [true, \"yes\", \"y\"] or domain(email) ends with any "
              "student_domains or job_title contains \"student\"\n",
              "define student_signup =\n"
              "  is_student in [true, \"yes\", \"y\"]\n"
              "  or domain(email) ends with any student_domains\n"
              "  or job_title contains \"student\"\n");
  /* an and chain in a reject: the first operand stays after `when` */
  fmtt_expect("reject \"no way to contact\" by seller_success when contact.email is missing and "
              "contact.phone is missing and contact.address is missing\n",
              "reject \"no way to contact\" by seller_success when contact.email is missing\n"
              "  and contact.phone is missing\n"
              "  and contact.address is missing\n");
  /* a parenthesised or is broken only when its line alone is too long */
  fmtt_expect("stage PQL by growth when Activated and product_usage + buying_intent >= 45 and "
              "(seats >= 3 or pricing_visits >= 2 or talked_to_sales)\n",
              "stage PQL by growth when Activated\n"
              "  and product_usage + buying_intent >= 45\n"
              "  and (seats >= 3 or pricing_visits >= 2 or talked_to_sales)\n");
  fmtt_expect("stage PQL by growth when Activated and product_usage + buying_intent >= 45 and "
              "(seats_invited_to_the_workspace >= 3 or pricing_page_visits_this_month >= 2 or talked_to_sales)\n",
              "stage PQL by growth when Activated\n"
              "  and product_usage + buying_intent >= 45\n"
              "  and (\n"
              "    seats_invited_to_the_workspace >= 3\n"
              "    or pricing_page_visits_this_month >= 2\n"
              "    or talked_to_sales\n"
              "  )\n");
  /* an and chain under an or, only when its own line is still too long */
  fmtt_expect("define d = short_one or some_rather_long_field_name >= 1000 and another_rather_long_field_name "
              "<= 2000 and yet_another_long_field_name == \"x\" or last\n",
              "define d =\n"
              "  short_one\n"
              "  or some_rather_long_field_name >= 1000\n"
              "    and another_rather_long_field_name <= 2000\n"
              "    and yet_another_long_field_name == \"x\"\n"
              "  or last\n");
}

Test(fmt, broken_conditions_in_blocks_and_where) {
  fmtt_expect("score s {\n+5 \"a\" per events where type == \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" or type == "
              "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" up to 10\n"
              "+10 \"b\" when x # why\n}\n"
              "grade g {\n\"A\" when fit >= 40 and engagement >= 40 and something_else_entirely >= 10 and "
              "yet_another_thing_entirely\n\"B\" otherwise\n}\n",
              "score s {\n"
              "  +5  \"a\" per events where type == \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
              "    or type == \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" up to 10\n"
              "  +10 \"b\" when x # why\n"
              "}\n"
              "grade g {\n"
              "  \"A\" when fit >= 40\n"
              "    and engagement >= 40\n"
              "    and something_else_entirely >= 10\n"
              "    and yet_another_thing_entirely\n"
              "  \"B\" otherwise\n"
              "}\n");
}

Test(fmt, broken_declaration_keeps_its_run) {
  /* the run goes on past the broken define, which lines up its `=` like the others */
  fmtt_expect("define a = 1\ndefine long_name = 2\n"
              "define b = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa or bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
              "define cc = 3\n",
              "define a         = 1\n"
              "define long_name = 2\n"
              "define b         =\n"
              "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
              "  or bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
              "define cc        = 3\n");
  fmtt_expect("reject \"a\" by sales when x\n"
              "reject \"bbbb\" by marketing when aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa or "
              "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
              "reject \"cc\" by sales when y\n",
              "reject \"a\"    by sales when x\n"
              "reject \"bbbb\" by marketing when aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
              "  or bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
              "reject \"cc\"   by sales when y\n");
}

Test(fmt, short_conditions_join_back_to_one_line) {
  /* canonical is one form: a hand-wrapped condition that fits goes back on one line */
  fmtt_expect("define student_signup =\n  is_student == true\n  or job_title contains \"student\"\n",
              "define student_signup = is_student == true or job_title contains \"student\"\n");
  fmtt_expect("stage PQL by growth when Activated\n                and (seats >= 3 or talked_to_sales)\n",
              "stage PQL by growth when Activated and (seats >= 3 or talked_to_sales)\n");
}

Test(fmt, broken_output_is_a_fixed_point) {
  /* or over and chains over a parenthesised or, in a define and after `when` */
  char cond[2048] = "", in[4096];
  for (int i = 0; i < 12; i++)
    sprintf(cond + strlen(cond), "%sfield_number_%02d >= %d", i ? (i % 3 ? " and " : " or ") : "", i, i * 100);
  strcat(cond, " or (");
  for (int i = 0; i < 8; i++) sprintf(cond + strlen(cond), "%sinner_field_%02d == \"value %d\"", i ? " or " : "", i, i);
  strcat(cond, ")");
  snprintf(in, sizeof in, "define d = %s\nreject \"r\" by sales when not x and (%s)\n", cond, cond);
  char *once = fmtt_format(in, NULL);
  cr_assert(once, "fmt refused:\n%s", in);
  fmtt_fits(once);
  cr_expect(strstr(once, "define d =\n  field_number_00 >= 0 and field_number_01 >= 100 and field_number_02 >= 200\n"
                         "  or field_number_03 >= 300") != NULL,
            "%s", once);
  cr_expect(strstr(once, "\n  or (\n    inner_field_00 == \"value 0\"\n    or inner_field_01") != NULL, "%s", once);
  cr_expect(strstr(once, "reject \"r\" by sales when not x\n  and (\n    field_number_00 >= 0") != NULL, "%s", once);
  fmtt_idempotent(in);
  fmtt_idempotent(once);
  free(once);
}

Test(fmt, caps_and_decay_as_written) {
  fmtt_expect("score s {\nup   to  1e2\ndecay 12.50%   every 7 days since latest(events.at)\n+1 \"a\" when x\n}\n",
              "score s {\n  up to 1e2\n  decay 12.50% every 7 days since latest(events.at)\n  +1 \"a\" when x\n}\n");
}

Test(fmt, blank_lines_collapse) {
  fmtt_expect("\n\n\ndefine a = 1\n\n\n\ndefine b = 2\n\n\n", "define a = 1\n\ndefine b = 2\n");
  fmtt_expect("score s {\n\n\n  up to 1\n\n\n  +1 \"a\" when x\n\n}\n", "score s {\n  up to 1\n\n  +1 \"a\" when x\n}\n");
}

Test(fmt, parentheses_keep_the_meaning) {
  fmtt_expect("define a = (x + y) * z\n", "define a = (x + y) * z\n");
  fmtt_expect("define a = x - (y - z)\n", "define a = x - (y - z)\n");
  fmtt_expect("define a = ((x))\n", "define a = (x)\n");
  fmtt_expect("define a = not (x or y) and -(-z) > 2\n", "define a = not (x or y) and -(-z) > 2\n");
  fmtt_expect("score s {\n-(x * 2) \"a\" when y\n+(3) \"b\" when y\n}\n",
              "score s {\n  -(x * 2) \"a\" when y\n  +(3) \"b\" when y\n}\n");
}

Test(fmt, numbers_and_text_as_written) {
  fmtt_expect("define a = 1e6+0.50 + events[ - 1 ].`x y` + count(e where t == \"x\\/y\\u0041\")\n",
              "define a = 1e6 + 0.50 + events[-1].`x y` + count(e where t == \"x/yA\")\n");
}

/* A long id in brackets keeps its digits: it is looked up by them. */
Test(fmt, a_long_id_in_brackets_as_written) {
  fmtt_expect("table accounts = \"a.csv\" key id\ndefine a = accounts[ 12345678901234567890 ].owner\n",
              "table accounts = \"a.csv\" key id\ndefine a = accounts[12345678901234567890].owner\n");
  fmtt_expect("define a = events[0].x + events[ - 1 ].x\n", "define a = events[0].x + events[-1].x\n");
}

Test(fmt, syntax_errors_are_refused) {
  size_t errors = 0;
  char *got = fmtt_format("define = 1\n", &errors);
  cr_expect(got == NULL);
  cr_expect(errors > 0);
}

Test(fmt, diff_is_unified) {
  lq_buf out = {0};
  const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n", *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  cr_expect(!lq_fmt_diff(&out, "x.lq", a, strlen(a), a, strlen(a)));
  cr_expect(out.len == 0);
  cr_assert(lq_fmt_diff(&out, "x.lq", a, strlen(a), b, strlen(b)));
  lq_buf_putc(&out, '\0');
  cr_expect_str_eq(out.data, "--- a/x.lq\n+++ b/x.lq\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  out.len = 0;
  cr_assert(lq_fmt_diff(&out, "x.lq", "a", 1, "", 0));
  lq_buf_putc(&out, '\0');
  cr_expect_str_eq(out.data, "--- a/x.lq\n+++ b/x.lq\n@@ -1 +0,0 @@\n-a\n\\ No newline at end of file\n");
  lq_buf_free(&out);
}

/* ---- fmt -w on real files, with this build's leadq ---- */

/* Runs this build's leadq (the Makefile names it) with args after `fmt`; its exit status. */
static int fmtt_run(const char *args, ...) __attribute__((format(printf, 1, 2)));
static int fmtt_run(const char *args, ...) {
  cr_assert(access(LQ_TEST_LEADQ, X_OK) == 0, "%s is not built (make builds it before the tests)", LQ_TEST_LEADQ);
  char rest[512], cmd[1024];
  va_list ap;
  va_start(ap, args);
  vsnprintf(rest, sizeof rest, args, ap);
  va_end(ap);
  snprintf(cmd, sizeof cmd, "'%s' fmt %s", LQ_TEST_LEADQ, rest);
  int st = system(cmd);
  cr_assert(st != -1 && WIFEXITED(st), "%s did not run", cmd);
  return WEXITSTATUS(st);
}

static void fmtt_write(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  cr_assert(fp, "cannot write %s", path);
  fputs(text, fp);
  cr_assert(fclose(fp) == 0);
}

static const char fmtt_messy[] = "define  a=1\n", fmtt_canon[] = "define a = 1\n";

/* -w writes through a temporary file and a rename: exercised here on a real file. */
Test(fmt, cli_write_in_place) {
  char dir[] = "/tmp/leadq-fmt-XXXXXX";
  cr_assert(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/r.lq", dir);
  fmtt_write(path, fmtt_messy);
  cr_expect_eq(fmtt_run("--check %s >/dev/null", path), 1);
  cr_expect_eq(fmtt_run("-w %s", path), 0);
  char *text = fmtt_read(path);
  cr_expect_str_eq(text, fmtt_canon);
  free(text);
  cr_expect_eq(fmtt_run("--check %s", path), 0);
  unlink(path);
  rmdir(dir);
}

/* -w through a symlink rewrites the file it points to and leaves the link a link. */
Test(fmt, cli_write_keeps_a_symlink) {
  char dir[] = "/tmp/leadq-fmt-XXXXXX";
  cr_assert(mkdtemp(dir));
  char real[64], link[64];
  snprintf(real, sizeof real, "%s/real.lq", dir);
  snprintf(link, sizeof link, "%s/link.lq", dir);
  fmtt_write(real, fmtt_messy);
  cr_assert(symlink("real.lq", link) == 0);
  cr_expect_eq(fmtt_run("-w %s", link), 0);
  struct stat st;
  cr_assert(lstat(link, &st) == 0);
  cr_expect(S_ISLNK(st.st_mode), "the symlink was replaced by a plain file");
  char target[64] = "";
  cr_expect(readlink(link, target, sizeof target - 1) > 0 && !strcmp(target, "real.lq"), "the link points to '%s'", target);
  char *text = fmtt_read(real);
  cr_expect_str_eq(text, fmtt_canon, "the file the link points to was not rewritten");
  free(text);
  unlink(link);
  unlink(real);
  rmdir(dir);
}

/* The rewritten file keeps its mode (0640) and, when we may set it, its owner. */
Test(fmt, cli_write_keeps_the_mode_and_the_owner) {
  char dir[] = "/tmp/leadq-fmt-XXXXXX";
  cr_assert(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/r.lq", dir);
  fmtt_write(path, fmtt_messy);
  cr_assert(chmod(path, 0640) == 0);
  /* Another owner than ours, when we may give a file away (as root, as make test runs here). */
  bool other = geteuid() == 0 && chown(path, 4242, 4243) == 0;
  cr_expect_eq(fmtt_run("-w %s", path), 0);
  char *text = fmtt_read(path);
  cr_expect_str_eq(text, fmtt_canon);
  free(text);
  struct stat st;
  cr_assert(stat(path, &st) == 0);
  cr_expect_eq(st.st_mode & 07777, 0640, "mode %o", (unsigned)(st.st_mode & 07777));
  if (other) cr_expect(st.st_uid == 4242 && st.st_gid == 4243, "owner %d:%d", (int)st.st_uid, (int)st.st_gid);
  unlink(path);
  rmdir(dir);
}

/* A file with another hard link is rewritten where it is: both names see the new text. */
Test(fmt, cli_write_keeps_hard_links) {
  char dir[] = "/tmp/leadq-fmt-XXXXXX";
  cr_assert(mkdtemp(dir));
  char a[64], b[64];
  snprintf(a, sizeof a, "%s/a.lq", dir);
  snprintf(b, sizeof b, "%s/b.lq", dir);
  fmtt_write(a, "define  a=1\ndefine  b=2\ndefine  c=3\n");
  cr_assert(link(a, b) == 0);
  cr_expect_eq(fmtt_run("-w %s", a), 0);
  char *ta = fmtt_read(a), *tb = fmtt_read(b);
  cr_expect_str_eq(ta, "define a = 1\ndefine b = 2\ndefine c = 3\n");
  cr_expect_str_eq(tb, ta, "the other name of the file kept the old text");
  struct stat sa, sb;
  cr_assert(stat(a, &sa) == 0 && stat(b, &sb) == 0);
  cr_expect(sa.st_ino == sb.st_ino && sa.st_nlink == 2, "the names are no longer one file");
  free(ta);
  free(tb);
  unlink(a);
  unlink(b);
  rmdir(dir);
}
