/* api.c: the public API (leadq.h) as an embedder uses it: nothing internal
 * here but lq_json_parse, to read the decision's JSON line back. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadq.h"

/* The README's lead: an SQL for the east team, on rules/acme.lq. */
#define API_LEAD                                                                                     \
  "{\"id\": \"t1\", \"email\": \"ana@gridco.com\", \"title\": \"VP Operations\","                   \
  " \"company\": {\"employees\": 5000, \"industry\": \"Energy\", \"region\": \"east\"},"             \
  " \"budget\": {\"confirmed\": true}, \"timeline_months\": 3,"                                     \
  " \"events\": [{\"type\": \"demo_request\", \"at\": \"2026-11-20T10:00:00Z\"}]}"

static leadq_program *api_compile_acme(const leadq_options *o) {
  leadq_program *prog = NULL;
  leadq_diagnostics *diags = NULL;
  leadq_status st = leadq_compile_file("rules/acme.lq", o, &prog, &diags);
  cr_assert_eq(st, LEADQ_OK, "%s", diags ? leadq_diagnostics_text(diags, 0, NULL) : "");
  cr_assert_eq(leadq_diagnostics_errors(diags), 0);
  leadq_diagnostics_free(diags);
  return prog;
}

static const char API_TYPO[] =
    "ruleset \"t\" version \"1\"\n"
    "define big = employees >= 1000\n"
    "stage MQL when bigg\n";

Test(api, compile_error_as_data) {
  leadq_program *prog = (leadq_program *)1;
  leadq_diagnostics *diags;
  cr_assert_eq(leadq_compile_text("t.lq", API_TYPO, strlen(API_TYPO), NULL, &prog, &diags), LEADQ_ERR_COMPILE);
  cr_assert_null(prog);
  cr_assert_eq(leadq_diagnostics_errors(diags), 1);
  cr_assert_eq(leadq_diagnostics_count(diags), 1);
  leadq_diagnostic d;
  cr_assert_eq(leadq_diagnostics_get(diags, 0, &d), 1);
  cr_assert_eq(d.severity, LEADQ_SEVERITY_ERROR);
  cr_assert_str_eq(d.file, "t.lq");
  cr_assert_eq(d.line, 3);
  cr_assert_eq(d.column, 16);
  cr_assert_str_eq(d.message, "unknown name 'bigg'; did you mean 'big'?");
  cr_assert(d.note && strstr(d.note, "backquotes"), "the note says what to do");
  cr_assert_eq(leadq_diagnostics_get(diags, 1, &d), 0, "out of range");
  leadq_diagnostics_free(diags);
}

Test(api, rendered_diagnostics_are_the_cli_text) {
  leadq_program *prog;
  leadq_diagnostics *diags;
  leadq_compile_text("t.lq", API_TYPO, strlen(API_TYPO), NULL, &prog, &diags);
  size_t len;
  const char *text = leadq_diagnostics_text(diags, 0, &len);
  const char *want =
      "t.lq:3:16: error: unknown name 'bigg'; did you mean 'big'?\n"
      "stage MQL when bigg\n"
      "               ^~~~\n"
      "  note: a name close to a declared one is taken as a typo; write `bigg` in backquotes if you mean the lead field\n";
  cr_assert_str_eq(text, want);
  cr_assert_eq(len, strlen(want));
  const char *color = leadq_diagnostics_text(diags, 1, NULL);
  cr_assert(strstr(color, "\033[1;31merror:"), "in colour: %s", color);
  leadq_diagnostics_free(diags);
}

/* The CLI prints the same bytes: `leadq check` on the same text, less its count line. */
Test(api, rendered_diagnostics_match_leadq_check) {
  char path[] = "/tmp/lq-api-XXXXXX.lq";
  int fd = mkstemps(path, 3);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, API_TYPO, strlen(API_TYPO)), (ssize_t)strlen(API_TYPO));
  close(fd);
  char cmd[512], out[4096] = "";
  snprintf(cmd, sizeof cmd, "NO_COLOR=1 %s check %s 2>&1 | head -n -1", LQ_TEST_LEADQ, path);
  FILE *p = popen(cmd, "r");
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  pclose(p);
  leadq_program *prog;
  leadq_diagnostics *diags;
  cr_assert_eq(leadq_compile_file(path, NULL, &prog, &diags), LEADQ_ERR_COMPILE);
  cr_assert_str_eq(leadq_diagnostics_text(diags, 0, NULL), out);
  leadq_diagnostics_free(diags);
  unlink(path);
}

Test(api, unreadable_rules_are_an_io_error) {
  leadq_program *prog;
  leadq_diagnostics *diags;
  cr_assert_eq(leadq_compile_file("/no/such/rules.lq", NULL, &prog, &diags), LEADQ_ERR_IO);
  cr_assert_null(prog);
  leadq_diagnostic d;
  cr_assert(leadq_diagnostics_get(diags, 0, &d));
  cr_assert_null(d.file);
  cr_assert_eq(d.line, 0);
  cr_assert_str_eq(d.message, "cannot read '/no/such/rules.lq': No such file or directory");
  leadq_diagnostics_free(diags);
  /* Diagnostics are optional. */
  cr_assert_eq(leadq_compile_file("/no/such/rules.lq", NULL, &prog, NULL), LEADQ_ERR_IO);
}

static void api_check_decision_against_json(const leadq_decision *d) {
  size_t len;
  const char *line = leadq_decision_json(d, &len);
  cr_assert(len > 0 && line[len - 1] == '\n' && line[len] == '\0', "a line, NUL-terminated");
  cJSON *j = cJSON_ParseWithLength(line, len);
  cr_assert(j, "valid JSON: %s", line);
  const cJSON *stage = cJSON_GetObjectItemCaseSensitive(j, "stage");
  const char *s = leadq_decision_stage(d);
  cr_assert(s ? cJSON_IsString(stage) && !strcmp(s, stage->valuestring) : cJSON_IsNull(stage));
  const cJSON *route = cJSON_GetObjectItemCaseSensitive(j, "route");
  s = leadq_decision_route(d);
  cr_assert(s ? cJSON_IsString(route) && !strcmp(s, route->valuestring) : cJSON_IsNull(route));
  const cJSON *rej = cJSON_GetObjectItemCaseSensitive(j, "rejected");
  s = leadq_decision_rejected(d);
  cr_assert(s ? cJSON_IsString(rej) && !strcmp(s, rej->valuestring) : cJSON_IsNull(rej));
  const cJSON *owner = cJSON_GetObjectItemCaseSensitive(j, "owner");
  s = leadq_decision_owner(d, NULL);
  cr_assert(s ? cJSON_IsString(owner) && !strcmp(s, owner->valuestring) : cJSON_IsNull(owner));
  cr_assert_float_eq(leadq_decision_score(d), cJSON_GetObjectItemCaseSensitive(j, "score")->valuedouble, 1e-9);
  const cJSON *scores = cJSON_GetObjectItemCaseSensitive(j, "scores");
  cr_assert_eq(leadq_decision_groups(d), cJSON_GetArraySize(scores));
  int i = 0;
  for (const cJSON *g = scores->child; g; g = g->next, i++) {
    cr_assert_str_eq(leadq_decision_group_name(d, i), g->string);
    cr_assert_float_eq(leadq_decision_group_score(d, i), g->valuedouble, 1e-9);
    double v;
    cr_assert(leadq_decision_score_of(d, g->string, &v));
    cr_assert_float_eq(v, g->valuedouble, 1e-9);
  }
  const cJSON *grades = cJSON_GetObjectItemCaseSensitive(j, "grades");
  cr_assert_eq(leadq_decision_grades(d), cJSON_GetArraySize(grades));
  i = 0;
  for (const cJSON *g = grades->child; g; g = g->next, i++) {
    cr_assert_str_eq(leadq_decision_grade_name(d, i), g->string);
    const char *label = leadq_decision_grade(d, i);
    cr_assert(label ? !strcmp(label, g->valuestring) : cJSON_IsNull(g));
    cr_assert_eq(leadq_decision_grade_of(d, g->string), label);
  }
  const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(j, "reasons");
  cr_assert_eq(leadq_decision_reasons(d), cJSON_GetArraySize(reasons));
  i = 0;
  for (const cJSON *r = reasons->child; r; r = r->next, i++) {
    leadq_reason why;
    cr_assert(leadq_decision_reason(d, i, &why));
    cr_assert_str_eq(why.rule, cJSON_GetObjectItemCaseSensitive(r, "rule")->valuestring);
    cr_assert_eq(why.reject, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "reject")));
    if (!why.reject) {
      cr_assert_str_eq(why.group, cJSON_GetObjectItemCaseSensitive(r, "group")->valuestring);
      cr_assert_float_eq(why.points, cJSON_GetObjectItemCaseSensitive(r, "points")->valuedouble, 1e-9);
    } else {
      cr_assert_null(why.group, "a reject has no score group");
      cr_assert_eq(why.points, 0, "a reject gives no points");
    }
  }
  leadq_reason none;
  cr_assert_eq(leadq_decision_reason(d, i, &none), 0);
  cJSON_Delete(j);
}

Test(api, decision_accessors) {
  leadq_program *prog = api_compile_acme(NULL);
  cr_assert_str_eq(leadq_program_name(prog), "acme");
  cr_assert_str_eq(leadq_program_version(prog), "2026.5");
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  cr_assert_eq(leadq_evaluator_set_now(ev, "2026-11-22"), LEADQ_OK);
  const leadq_decision *d;
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 7, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_decision_stage(d), "SQL");
  cr_assert_str_eq(leadq_decision_route(d), "enterprise-east");
  cr_assert_null(leadq_decision_rejected(d));
  size_t n;
  cr_assert_str_eq(leadq_decision_owner(d, &n), "ana.silva@acme.example");
  cr_assert_eq(n, strlen("ana.silva@acme.example"));
  cr_assert_str_eq(leadq_decision_id(d, &n), "t1");
  cr_assert_eq(n, 2);
  cr_assert_float_eq(leadq_decision_score(d), 70, 1e-9);
  double fit;
  cr_assert(leadq_decision_score_of(d, "fit", &fit));
  cr_assert_float_eq(fit, 45, 1e-9);
  cr_assert_not(leadq_decision_score_of(d, "nosuch", &fit));
  cr_assert_str_eq(leadq_decision_grade_of(d, "priority"), "B");
  cr_assert_null(leadq_decision_grade_of(d, "nosuch"));
  cr_assert_null(leadq_decision_group_name(d, 99));
  cr_assert_eq(leadq_decision_reasons(d), 4);
  api_check_decision_against_json(d);
  /* The README's line, byte for byte. */
  cr_assert_str_eq(leadq_decision_json(d, NULL),
                   "{\"id\":\"t1\",\"ruleset\":\"acme\",\"version\":\"2026.5\",\"stage\":\"SQL\",\"rejected\":null,"
                   "\"route\":\"enterprise-east\",\"owner\":\"ana.silva@acme.example\",\"score\":70,\"scores\":"
                   "{\"fit\":45,\"engagement\":25},\"grades\":{\"priority\":\"B\"},\"reasons\":[{\"rule\":"
                   "\"enterprise size\",\"group\":\"fit\",\"points\":20},{\"rule\":\"target industry\",\"group\":"
                   "\"fit\",\"points\":15},{\"rule\":\"decision maker\",\"group\":\"fit\",\"points\":10},{\"rule\":"
                   "\"asked for a demo\",\"group\":\"engagement\",\"points\":25}]}\n");
  /* A rejected lead, with a reject among its reasons; the id by line number. */
  const char *competitor = "{\"email\": \"x@rivalco.com\", \"consent\": {\"email\": false}}";
  cr_assert_eq(leadq_evaluate(ev, competitor, strlen(competitor), 12, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_decision_rejected(d), "no consent");
  cr_assert_null(leadq_decision_stage(d));
  cr_assert_null(leadq_decision_id(d, NULL));
  cr_assert(strncmp(leadq_decision_json(d, NULL), "{\"id\":12,", 9) == 0);
  api_check_decision_against_json(d);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
}

Test(api, every_sample_lead_accessors_match_json) {
  leadq_program *prog = api_compile_acme(NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  leadq_evaluator_set_now(ev, "2026-11-22");
  FILE *fp = fopen("examples/sample.ndjson", "r");
  cr_assert(fp);
  char line[65536];
  int leads = 0;
  for (uint64_t no = 1; fgets(line, sizeof line, fp); no++) {
    const leadq_decision *d;
    cr_assert_eq(leadq_evaluate(ev, line, strlen(line), no, &d), LEADQ_OK, "line %d", (int)no);
    api_check_decision_against_json(d);
    leads++;
  }
  fclose(fp);
  cr_assert_eq(leads, 40);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
}

Test(api, bad_leads_and_options) {
  leadq_program *prog = api_compile_acme(NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d = (const leadq_decision *)1;
  cr_assert_eq(leadq_evaluate(ev, "[1]", 3, 1, &d), LEADQ_ERR_LEAD);
  cr_assert_null(d);
  cr_assert_str_eq(leadq_evaluator_error(ev), "a lead must be a JSON object, this is an array");
  cr_assert_eq(leadq_evaluate(ev, "{\"a\":", 5, 1, &d), LEADQ_ERR_LEAD);
  cr_assert_str_eq(leadq_evaluator_error(ev), "truncated JSON: the line ends before the value is complete");
  cr_assert_eq(leadq_evaluate(ev, "{} x", 4, 1, &d), LEADQ_ERR_LEAD);
  cr_assert_str_eq(leadq_evaluator_error(ev), "unexpected text after the JSON value at column 4");
  /* Not NUL-terminated: only len bytes are the lead. */
  cr_assert_eq(leadq_evaluate(ev, "{\"id\":\"q\"}GARBAGE", 10, 1, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_evaluator_error(ev), "");
  cr_assert_str_eq(leadq_decision_id(d, NULL), "q");
  /* --id-field and --now */
  cr_assert_eq(leadq_evaluator_set_id_field(ev, "crm.id"), LEADQ_OK);
  cr_assert_eq(leadq_evaluate(ev, "{\"crm\":{\"id\":42}}", 17, 1, &d), LEADQ_OK);
  cr_assert(strncmp(leadq_decision_json(d, NULL), "{\"id\":42,", 9) == 0);
  cr_assert_eq(leadq_evaluator_set_id_field(ev, "a..b"), LEADQ_ERR_ARG);
  cr_assert(strstr(leadq_evaluator_error(ev), "is not a field path"), "%s", leadq_evaluator_error(ev));
  cr_assert_eq(leadq_evaluator_set_now(ev, "tomorrow"), LEADQ_ERR_ARG);
  cr_assert(strstr(leadq_evaluator_error(ev), "'tomorrow' is not a date"));
  /* The clock moves decay: the same lead, a year later, scores less engagement. */
  leadq_evaluator_set_id_field(ev, "id");
  leadq_evaluator_set_now(ev, "2026-11-22");
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
  double before, after;
  leadq_decision_score_of(d, "engagement", &before);
  leadq_evaluator_set_now(ev, "2027-11-22");
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
  leadq_decision_score_of(d, "engagement", &after);
  cr_assert_lt(after, before);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
}

Test(api, wrong_arguments_are_refused) {
  leadq_program *prog = (leadq_program *)1;
  leadq_diagnostics *diags = (leadq_diagnostics *)1;
  cr_assert_eq(leadq_compile_text("t.lq", NULL, 3, NULL, &prog, &diags), LEADQ_ERR_ARG);
  cr_assert_null(prog);
  cr_assert_null(diags);
  cr_assert_eq(leadq_compile_file(NULL, NULL, &prog, NULL), LEADQ_ERR_ARG);
  cr_assert_eq(leadq_compile_file("rules/acme.lq", NULL, NULL, NULL), LEADQ_ERR_ARG);
  prog = api_compile_acme(NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d;
  cr_assert_eq(leadq_evaluate(ev, NULL, 5, 1, &d), LEADQ_ERR_ARG);
  cr_assert_null(d);
  cr_assert_eq(leadq_evaluate(ev, "{}", 2, 1, NULL), LEADQ_ERR_ARG);
  cr_assert_neq(leadq_evaluator_error(ev)[0], '\0');
  cr_assert_eq(leadq_evaluator_set_id_field(ev, NULL), LEADQ_ERR_ARG);
  /* An empty text is no lead. */
  cr_assert_eq(leadq_evaluate(ev, "", 0, 1, &d), LEADQ_ERR_LEAD);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
  leadq_program_free(NULL);
  leadq_evaluator_free(NULL);
  leadq_diagnostics_free(NULL);
}

/* A NULL object is never a crash: each call says "nothing" in its own way. */
Test(api, null_objects_are_refused_not_followed) {
  leadq_diagnostics *diags = (leadq_diagnostics *)1;
  leadq_program *prog;
  cr_assert_eq(leadq_compile_file(NULL, NULL, &prog, &diags), LEADQ_ERR_ARG);
  /* What the header's example does next: print the diagnostics. */
  size_t len = 99;
  cr_assert_str_eq(leadq_diagnostics_text(diags, 0, &len), "");
  cr_assert_eq(len, 0);
  cr_assert_eq(leadq_diagnostics_count(NULL), 0);
  cr_assert_eq(leadq_diagnostics_errors(NULL), 0);
  cr_assert_eq(leadq_diagnostics_warnings(NULL), 0);
  leadq_diagnostic one;
  cr_assert_eq(leadq_diagnostics_get(NULL, 0, &one), 0);
  cr_assert_null(leadq_program_name(NULL));
  cr_assert_null(leadq_program_version(NULL));
  cr_assert_null(leadq_evaluator_new(NULL));
  const leadq_decision *d = (const leadq_decision *)1;
  cr_assert_eq(leadq_evaluate(NULL, "{}", 2, 1, &d), LEADQ_ERR_ARG);
  cr_assert_null(d, "a failed call leaves no decision");
  cr_assert_eq(leadq_evaluator_set_now(NULL, "2026-11-22"), LEADQ_ERR_ARG);
  cr_assert_eq(leadq_evaluator_set_id_field(NULL, "id"), LEADQ_ERR_ARG);
  leadq_evaluator_set_now_unix(NULL, 0);
  cr_assert_str_eq(leadq_evaluator_error(NULL), "");
  cr_assert_null(leadq_decision_json(NULL, &len));
  cr_assert_eq(len, 0);
  cr_assert_null(leadq_decision_stage(NULL));
  cr_assert_null(leadq_decision_rejected(NULL));
  cr_assert_null(leadq_decision_route(NULL));
  cr_assert_null(leadq_decision_owner(NULL, &len));
  cr_assert_null(leadq_decision_id(NULL, &len));
  cr_assert_eq(leadq_decision_score(NULL), 0);
  cr_assert_eq(leadq_decision_groups(NULL), 0);
  cr_assert_null(leadq_decision_group_name(NULL, 0));
  cr_assert_eq(leadq_decision_group_score(NULL, 0), 0);
  double score = 7;
  cr_assert_eq(leadq_decision_score_of(NULL, "fit", &score), 0);
  cr_assert_eq(score, 7);
  cr_assert_eq(leadq_decision_grades(NULL), 0);
  cr_assert_null(leadq_decision_grade_name(NULL, 0));
  cr_assert_null(leadq_decision_grade(NULL, 0));
  cr_assert_null(leadq_decision_grade_of(NULL, "priority"));
  cr_assert_eq(leadq_decision_reasons(NULL), 0);
  leadq_reason r;
  cr_assert_eq(leadq_decision_reason(NULL, 0, &r), 0);
}

/* A clock that is not a number is ignored: decisions keep the one set before. */
Test(api, a_clock_that_is_not_finite_is_ignored) {
  leadq_program *prog = api_compile_acme(NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const char *lead = "{\"id\":\"t1\",\"email\":\"ana@acme.example\",\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-20\"}]}";
  const leadq_decision *d;
  leadq_evaluator_set_now_unix(ev, 1795305600);   /* 2026-11-22 */
  cr_assert_eq(leadq_evaluate(ev, lead, strlen(lead), 1, &d), LEADQ_OK);
  char *before = strdup(leadq_decision_json(d, NULL));
  leadq_evaluator_set_now_unix(ev, NAN);
  leadq_evaluator_set_now_unix(ev, INFINITY);
  cr_assert_eq(leadq_evaluate(ev, lead, strlen(lead), 1, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_decision_json(d, NULL), before);
  /* A finite clock is taken: a year on, the engagement points have decayed. */
  leadq_evaluator_set_now_unix(ev, 1795305600 + 365 * 86400.0);
  cr_assert_eq(leadq_evaluate(ev, lead, strlen(lead), 1, &d), LEADQ_OK);
  cr_assert_str_neq(leadq_decision_json(d, NULL), before);
  free(before);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
}

/* ---- the reader hook ---- */

typedef struct api_files { const char *path[3], *text[3]; int calls; } api_files;

static const char *api_read(void *ud, const char *path, size_t *len, int *err) {
  api_files *f = ud;
  f->calls++;
  for (int i = 0; i < 3 && f->path[i]; i++)
    if (!strcmp(f->path[i], path)) {
      *len = strlen(f->text[i]);
      return f->text[i];
    }
  *err = ENOENT;
  return NULL;
}

Test(api, reader_serves_an_include_from_memory) {
  api_files files = {{"rules/shared/words.lq"}, {"list free = [\"gmail.com\"]\n"}, 0};
  leadq_options o = {0};
  o.reader = api_read;
  o.reader_ud = &files;
  const char *main_text = "ruleset \"m\" version \"1\"\ninclude \"shared/words.lq\"\n"
                          "reject \"free\" when domain(email) in free\n";
  leadq_program *prog;
  leadq_diagnostics *diags;
  leadq_status st = leadq_compile_text("rules/main.lq", main_text, strlen(main_text), &o, &prog, &diags);
  cr_assert_eq(st, LEADQ_OK, "%s", leadq_diagnostics_text(diags, 0, NULL));
  cr_assert_eq(files.calls, 1, "the include, and only it, came from the reader");
  leadq_diagnostics_free(diags);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d;
  cr_assert_eq(leadq_evaluate(ev, "{\"email\":\"a@gmail.com\"}", 23, 1, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_decision_rejected(d), "free");
  leadq_evaluator_free(ev);
  leadq_program_free(prog);

  /* A file the reader does not have: the message names it, with the errno's words. */
  const char *bad = "include \"nope.lq\"\n";
  cr_assert_eq(leadq_compile_text("rules/main.lq", bad, strlen(bad), &o, &prog, &diags), LEADQ_ERR_COMPILE);
  leadq_diagnostic g;
  cr_assert(leadq_diagnostics_get(diags, 0, &g));
  cr_assert_str_eq(g.file, "rules/main.lq");
  cr_assert_str_eq(g.message, "cannot read 'rules/nope.lq': No such file or directory");
  leadq_diagnostics_free(diags);

  /* compile_file through the reader: the file itself comes from it too. */
  api_files only = {{"x/r.lq"}, {"stage S when a > 1\n"}, 0};
  o.reader_ud = &only;
  cr_assert_eq(leadq_compile_file("x/r.lq", &o, &prog, NULL), LEADQ_OK);
  cr_assert_eq(only.calls, 1);
  cr_assert_str_eq(leadq_program_name(prog), "r");
  leadq_program_free(prog);
}

/* ---- threads ---- */

typedef struct api_job { const leadq_program *prog; char *out; size_t len; } api_job;

static void *api_run_sample(void *arg) {
  api_job *j = arg;
  leadq_evaluator *ev = leadq_evaluator_new(j->prog);
  leadq_evaluator_set_now(ev, "2026-11-22");
  FILE *fp = fopen("examples/sample.ndjson", "r"), *out = open_memstream(&j->out, &j->len);
  char line[65536];
  for (int round = 0; round < 20; round++) {
    rewind(fp);
    for (uint64_t no = 1; fgets(line, sizeof line, fp); no++) {
      const leadq_decision *d;
      if (leadq_evaluate(ev, line, strlen(line), no, &d) != LEADQ_OK) continue;
      size_t n;
      const char *s = leadq_decision_json(d, &n);
      fwrite(s, 1, n, out);
    }
  }
  fclose(fp);
  fclose(out);
  leadq_evaluator_free(ev);
  return NULL;
}

Test(api, two_evaluators_on_two_threads) {
  leadq_program *prog = api_compile_acme(NULL);
  api_job one = {prog, NULL, 0}, two = {prog, NULL, 0}, alone = {prog, NULL, 0};
  api_run_sample(&alone);
  pthread_t a, b;
  cr_assert_eq(pthread_create(&a, NULL, api_run_sample, &one), 0);
  cr_assert_eq(pthread_create(&b, NULL, api_run_sample, &two), 0);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  cr_assert_gt(alone.len, 0);
  cr_assert(one.len == alone.len && !memcmp(one.out, alone.out, alone.len));
  cr_assert(two.len == alone.len && !memcmp(two.out, alone.out, alone.len));
  free(one.out);
  free(two.out);
  free(alone.out);
  leadq_program_free(prog);
}

/* ---- the allocator hook ---- */

typedef struct api_counts {
  pthread_mutex_t lock;
  long allocs, frees, reallocs, live, bad;
} api_counts;

/* Blocks carry a header with a tag, so a block freed here that was not
 * allocated here (or freed twice) is caught. */
typedef struct { unsigned long tag; unsigned long pad; } api_head;
#define API_TAG 0x1ead0a11UL

static void *api_alloc(void *ud, void *ptr, size_t size) {
  api_counts *c = ud;
  api_head *h = ptr ? (api_head *)ptr - 1 : NULL;
  pthread_mutex_lock(&c->lock);
  if (h && h->tag != API_TAG) c->bad++;
  if (!size) c->frees++, c->live--;
  else if (!ptr) c->allocs++, c->live++;
  else c->reallocs++;
  pthread_mutex_unlock(&c->lock);
  if (!size) {
    if (h) h->tag = 0;
    free(h);
    return NULL;
  }
  api_head *n = realloc(h, sizeof *n + size);
  if (!n) return NULL;
  n->tag = API_TAG;
  return n + 1;
}

Test(api, allocator_sees_every_kept_block_and_frees_balance) {
  api_counts c = {.lock = PTHREAD_MUTEX_INITIALIZER};
  leadq_options o = {0};
  o.alloc = api_alloc;
  o.alloc_ud = &c;
  leadq_program *prog;
  leadq_diagnostics *diags;
  cr_assert_eq(leadq_compile_file("rules/acme.lq", &o, &prog, &diags), LEADQ_OK);
  long after_compile = c.allocs;
  cr_assert_gt(after_compile, 10, "the program's memory came from the allocator");
  leadq_diagnostics_free(diags);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  cr_assert_gt(c.allocs, after_compile, "so did the evaluator's");
  leadq_evaluator_set_now(ev, "2026-11-22");
  const leadq_decision *d;
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
  cr_assert_str_eq(leadq_decision_route(d), "enterprise-east");
  leadq_evaluator_free(ev);
  cr_assert_gt(c.live, 0, "the program is still there");
  leadq_program_free(prog);
  cr_assert_eq(c.bad, 0, "nothing freed that the allocator did not allocate");
  cr_assert_eq(c.live, 0, "every block given back: %ld allocated, %ld freed", c.allocs, c.frees);
  cr_assert_eq(c.allocs, c.frees);

  /* A failed compile gives everything back too, diagnostics included. */
  cr_assert_eq(leadq_compile_text("t.lq", API_TYPO, strlen(API_TYPO), &o, &prog, &diags), LEADQ_ERR_COMPILE);
  cr_assert_gt(c.live, 0, "the diagnostics are kept");
  leadq_diagnostics_free(diags);
  cr_assert_eq(c.live, 0);
  cr_assert_eq(c.bad, 0);
}

/* Objects from two allocators, used in turn on one thread, each go back to their own. */
Test(api, two_allocators_never_mix) {
  api_counts a = {.lock = PTHREAD_MUTEX_INITIALIZER}, b = {.lock = PTHREAD_MUTEX_INITIALIZER};
  leadq_options oa = {api_alloc, &a, NULL, NULL}, ob = {api_alloc, &b, NULL, NULL};
  leadq_program *pa, *pb, *pc;
  cr_assert_eq(leadq_compile_file("rules/acme.lq", &oa, &pa, NULL), LEADQ_OK);
  cr_assert_eq(leadq_compile_file("rules/saas.lq", &ob, &pb, NULL), LEADQ_OK);
  cr_assert_eq(leadq_compile_file("rules/acme.lq", NULL, &pc, NULL), LEADQ_OK);   /* malloc */
  leadq_evaluator *ea = leadq_evaluator_new(pa), *eb = leadq_evaluator_new(pb), *ec = leadq_evaluator_new(pc);
  const leadq_decision *d;
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(leadq_evaluate(ea, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
    cr_assert_eq(leadq_evaluate(eb, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
    cr_assert_eq(leadq_evaluate(ec, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
  }
  leadq_evaluator_free(eb);
  leadq_program_free(pb);
  cr_assert_eq(b.live, 0);
  leadq_evaluator_free(ea);
  leadq_evaluator_free(ec);
  leadq_program_free(pa);
  leadq_program_free(pc);
  cr_assert_eq(a.live, 0);
  cr_assert_eq(a.bad + b.bad, 0);
}

/* ---- the library says nothing ---- */

Test(api, no_output_on_stdout_or_stderr) {
  fflush(stdout);
  fflush(stderr);
  FILE *cap = tmpfile();
  int saved1 = dup(1), saved2 = dup(2);
  dup2(fileno(cap), 1);
  dup2(fileno(cap), 2);
  leadq_program *prog;
  leadq_diagnostics *diags;
  leadq_compile_text("t.lq", API_TYPO, strlen(API_TYPO), NULL, &prog, &diags);
  leadq_diagnostics_free(diags);
  leadq_compile_file("/no/such.lq", NULL, &prog, &diags);
  leadq_diagnostics_free(diags);
  /* Warnings too: an unused define. */
  const char *warn = "define unused = 1\nstage S when a > 1\n";
  leadq_compile_text("w.lq", warn, strlen(warn), NULL, &prog, NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d;
  leadq_evaluate(ev, "nope", 4, 1, &d);
  leadq_evaluate(ev, "{\"a\":\"text\"}", 12, 2, &d);   /* a type surprise: counted, never printed */
  leadq_evaluator_set_now(ev, "never");
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
  fflush(stdout);
  fflush(stderr);
  dup2(saved1, 1);
  dup2(saved2, 2);
  close(saved1);
  close(saved2);
  long n = ftell(cap);
  fseek(cap, 0, SEEK_END);
  n = ftell(cap);
  fclose(cap);
  cr_assert_eq(n, 0, "the library wrote %ld bytes", n);
}

/* ---- cJSON stays the embedder's ---- */

Test(api, embedder_uses_cjson_around_leadq) {
  cJSON *mine = cJSON_Parse("{\"keep\": [1, 2, {\"deep\": \"yes\"}]}");
  cr_assert(mine);
  cJSON_AddItemToObject(mine, "made", cJSON_CreateString("before leadq"));
  leadq_program *prog = api_compile_acme(NULL);
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d;
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 1, &d), LEADQ_OK);
  /* cJSON used between leadq calls, with the evaluator alive. */
  cJSON *between = cJSON_Parse(leadq_decision_json(d, NULL));
  cr_assert(between);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(between, "route")->valuestring, "enterprise-east");
  cJSON_AddItemToObject(mine, "decision", between);
  cr_assert_eq(leadq_evaluate(ev, API_LEAD, strlen(API_LEAD), 2, &d), LEADQ_OK);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
  char *text = cJSON_PrintUnformatted(mine);
  cr_assert(strstr(text, "\"made\":\"before leadq\""));
  cr_assert(strstr(text, "\"route\":\"enterprise-east\""));
  cJSON_free(text);
  cJSON_Delete(mine);
}

/* ---- examples/embed ---- */

/* The example writes exactly the bytes `leadq run` writes. */
Test(api, embed_example_matches_leadq_run) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "%s --now 2026-11-22 rules/acme.lq < examples/sample.ndjson > /tmp/lq-api-embed.%d && "
           "%s run --now 2026-11-22 rules/acme.lq examples/sample.ndjson > /tmp/lq-api-run.%d 2>/dev/null && "
           "test -s /tmp/lq-api-run.%d && cmp -s /tmp/lq-api-embed.%d /tmp/lq-api-run.%d",
           LQ_TEST_EMBED, (int)getpid(), LQ_TEST_LEADQ, (int)getpid(), (int)getpid(), (int)getpid(), (int)getpid());
  int rc = system(cmd);
  snprintf(cmd, sizeof cmd, "rm -f /tmp/lq-api-embed.%d /tmp/lq-api-run.%d", (int)getpid(), (int)getpid());
  cr_assert_eq(system(cmd), 0);
  cr_assert_eq(rc, 0, "embed's output differs from leadq run's");
}

Test(api, embed_example_reports_compile_errors) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "printf 'stage S when\\n' > /tmp/lq-api-bad.%d.lq; %s /tmp/lq-api-bad.%d.lq </dev/null 2>&1 >/dev/null | grep -q ': error: '; echo $?; %s /tmp/lq-api-bad.%d.lq </dev/null >/dev/null 2>&1; echo $?; rm -f /tmp/lq-api-bad.%d.lq",
           (int)getpid(), LQ_TEST_EMBED, (int)getpid(), LQ_TEST_EMBED, (int)getpid(), (int)getpid());
  FILE *p = popen(cmd, "r");
  int grep_rc = -1, embed_rc = -1;
  cr_assert_eq(fscanf(p, "%d %d", &grep_rc, &embed_rc), 2);
  pclose(p);
  cr_assert_eq(grep_rc, 0, "the diagnostics are on stderr");
  cr_assert_eq(embed_rc, 3);
}
