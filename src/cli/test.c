/* test.c: `leadq test RULES... [CASES...]`: the examples both sides agreed on. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../compile.h"
#include "../expect.h"
#include "../explain.h"
#include "cli.h"

const char cmd_test_help[] =
    "usage: leadq test [OPTIONS] RULES... [CASES...]\n"
    "\n"
    "Runs every `test` block in the rules files (and the files they include), and every\n"
    "case in the CASES files (a name ending in .ndjson, .jsonl or .csv, or any of them\n"
    ".gz), against each rules file. A test block expects, one per line: stage NAME,\n"
    "route \"NAME\", owner \"PERSON\" (who the lead goes to, exactly as the decision's\n"
    "\"owner\" prints it), rejected \"REASON\", score N, GROUP N, grade NAME \"LABEL\",\n"
    "reason \"LABEL\" (and stage none, route none, owner none, not rejected, not reason).\n"
    "In NDJSON a case is one JSON object per line:\n"
    "  {\"name\": \"...\", \"now\": \"2026-11-22\", \"lead\": {...},\n"
    "   \"expect\": {\"stage\": \"SQL\", \"route\": \"sdr\", \"owner\": \"ana@acme.example\",\n"
    "              \"rejected\": false, \"score\": 70, \"scores\": {\"fit\": 45},\n"
    "              \"grades\": {\"priority\": \"B\"}, \"reasons\": [\"decision maker\"],\n"
    "              \"not_reasons\": [\"competitor\"]}}\n"
    "In CSV a case is a row: the column `test` names it, `now` sets its clock,\n"
    "expect.stage, expect.route, expect.owner, expect.rejected, expect.score,\n"
    "expect.scores.GROUP, expect.grades.GRADE, expect.reasons and expect.not_reasons\n"
    "(labels joined by ';') are what it expects ('none': no stage, route, owner or\n"
    "reject; empty: nothing), and every other column is a field of the lead. A case\n"
    "that cannot be read fails.\n"
    "\n"
    "Each test prints as ok or FAIL; a failure shows the expectation's location, the\n"
    "expected and actual values, and why the lead was decided as it was. The last line\n"
    "is 'N passed, N failed'; the exit code is 1 when any test failed.\n"
    "\n"
    "options:\n"
    "  --now TIME          the clock for tests without their own `now` (default: now)\n"
    "  --coverage          list the rules, rejects, grade arms, stages and routes that no\n"
    "                      test made true (or false), with the share covered per file\n"
    "  --coverage-min N    fail (exit 1) when a file's coverage is below N percent\n"
    "  --junit FILE        also write the results as JUnit XML, for CI dashboards\n"
    "  -q, --quiet         print only the failures (each under its rules file's name)\n"
    "                      and the summary; nothing at all when every test passes\n"
    "the input options of run, for the CASES files:\n"
    CLI_INPUT_HELP;

/* ---- coverage: which outcomes (true, false) each decision point has shown ---- */

typedef struct point {
  const char *what;   /* "rule", "reject", "grade arm", "stage", "route" */
  const char *name;
  lq_span span;
  bool seen_true, seen_false, can_be_false;
} point;

typedef struct coverage {
  point *pts;
  int n;
  int rule0, reject0, stage0, route0, *arm0;
} coverage;

static void cov_init(coverage *c, const lq_program *p) {
  int n = p->nrules + p->nrejects + p->nstages + p->nroutes;
  for (int g = 0; g < p->ngrades; g++) n += p->grades[g].narms;
  c->pts = calloc((size_t)n + 1, sizeof *c->pts);
  c->arm0 = calloc((size_t)p->ngrades + 1, sizeof *c->arm0);
  c->n = 0;
#define ADD(W, NAME, SPAN, FALSABLE) c->pts[c->n++] = (point){W, NAME, SPAN, false, false, FALSABLE}
  c->rule0 = c->n;
  for (int i = 0; i < p->nrules; i++) ADD("rule", p->rules[i].label, p->rules[i].span, true);
  c->reject0 = c->n;
  for (int i = 0; i < p->nrejects; i++) ADD("reject", p->rejects[i].name, p->rejects[i].span, true);
  for (int g = 0; g < p->ngrades; g++) {
    c->arm0[g] = c->n;
    for (int a = 0; a < p->grades[g].narms; a++)
      ADD("grade arm", p->grades[g].arms[a].label, p->grades[g].arms[a].span, p->grades[g].arms[a].cond != NULL);
  }
  c->stage0 = c->n;
  for (int i = 0; i < p->nstages; i++) ADD("stage", p->stages[i].name, p->stages[i].span, true);
  c->route0 = c->n;
  for (int i = 0; i < p->nroutes; i++) ADD("route", p->routes[i].name, p->routes[i].span, p->routes[i].cond != NULL);
#undef ADD
}

static void seen(point *pt, bool held) {
  if (held) pt->seen_true = true;
  else pt->seen_false = true;
}

static void cov_record(coverage *c, const lq_program *p, const lq_result *r) {
  for (int i = 0; i < p->nrules; i++) seen(&c->pts[c->rule0 + i], !isnan(r->points[i]));
  for (int i = 0; i < p->nrejects; i++) seen(&c->pts[c->reject0 + i], r->rejects[i]);
  for (int g = 0; g < p->ngrades; g++)
    for (int a = 0; a <= r->grades[g] || (r->grades[g] < 0 && a < p->grades[g].narms); a++)
      seen(&c->pts[c->arm0[g] + a], a == r->grades[g]);
  for (int i = 0; i < p->nstages; i++) seen(&c->pts[c->stage0 + i], r->stages[i]);
  /* A route is tried only when the lead is not rejected and no earlier route matched. */
  if (r->rejected < 0)
    for (int i = 0; i < p->nroutes && (r->route < 0 || i <= r->route); i++)
      seen(&c->pts[c->route0 + i], i == r->route);
}

/* Prints the gaps; returns false when a file is below min percent. */
static bool cov_report(const coverage *c, const lq_program *p, double min) {
  bool ok = true;
  for (size_t f = 0; f < p->sources.n; f++) {
    int want = 0, got = 0;
    for (int i = 0; i < c->n; i++) {
      const point *pt = &c->pts[i];
      if (pt->span.file != f) continue;
      want += 1 + pt->can_be_false;
      got += pt->seen_true + (pt->can_be_false && pt->seen_false);
    }
    if (!want) continue;
    double pct = 100.0 * got / want;
    printf("coverage %s: %.0f%% (%d of %d outcomes)\n", p->sources.files[f].path, pct, got, want);
    for (int i = 0; i < c->n; i++) {
      const point *pt = &c->pts[i];
      if (pt->span.file != f) continue;
      const char *gap = !pt->seen_true ? (pt->can_be_false && !pt->seen_false ? "never tested" : "never true")
                        : pt->can_be_false && !pt->seen_false ? "never false" : NULL;
      if (!gap) continue;
      int line, col;
      lq_sources_position(&p->sources, pt->span.file, pt->span.begin, &line, &col);
      printf("  %s:%d: %s \"%s\": %s\n", p->sources.files[f].path, line, pt->what, pt->name, gap);
    }
    if (pct + 1e-9 < min) {
      char m[32];
      lq_num_human(min, m);
      printf("  below --coverage-min %s%%\n", m);
      ok = false;
    }
  }
  return ok;
}

/* ---- running tests ---- */

typedef struct tester {
  double now;
  bool quiet, color;
  const char *file;    /* the rules file being tested, and whether its name was printed */
  bool file_said;
  int passed, failed;
  lq_buf junit;        /* <testcase> elements of the current file */
  int file_tests, file_failures;
  lq_buf suites;       /* finished <testsuite> elements */
  coverage cov;
} tester;

static void xml_text(lq_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (s[i]) {
    case '<': lq_buf_puts(b, "&lt;"); break;
    case '>': lq_buf_puts(b, "&gt;"); break;
    case '&': lq_buf_puts(b, "&amp;"); break;
    case '"': lq_buf_puts(b, "&quot;"); break;
    default:
      /* XML 1.0 has no place for other control characters. */
      if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') lq_buf_putc(b, ' ');
      else lq_buf_putc(b, s[i]);
    }
  }
}

static void junit_case(tester *T, const char *suite, const char *name, const lq_buf *failure) {
  T->file_tests++;
  lq_buf_puts(&T->junit, "    <testcase classname=\"");
  xml_text(&T->junit, suite, strlen(suite));
  lq_buf_puts(&T->junit, "\" name=\"");
  xml_text(&T->junit, name, strlen(name));
  if (!failure) {
    lq_buf_puts(&T->junit, "\"/>\n");
    return;
  }
  T->file_failures++;
  lq_buf_puts(&T->junit, "\">\n      <failure message=\"expectation not met\">");
  xml_text(&T->junit, failure->data, failure->len);
  lq_buf_puts(&T->junit, "</failure>\n    </testcase>\n");
}

static void junit_suite(tester *T, const char *suite) {
  char head[64];
  lq_buf_puts(&T->suites, "  <testsuite name=\"");
  xml_text(&T->suites, suite, strlen(suite));
  snprintf(head, sizeof head, "\" tests=\"%d\" failures=\"%d\">\n", T->file_tests, T->file_failures);
  lq_buf_puts(&T->suites, head);
  lq_buf_put(&T->suites, T->junit.data ? T->junit.data : "", T->junit.len);
  lq_buf_puts(&T->suites, "  </testsuite>\n");
  T->junit.len = 0;
  T->file_tests = T->file_failures = 0;
}

/* Each line indented, its control characters made harmless (lq_out_text): a
 * case's name and values come from a cases file. */
static void indent_lines(lq_buf *out, const char *text, size_t n, const char *indent) {
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && text[i] != '\n') continue;
    if (i > start) {
      lq_buf_puts(out, indent);
      lq_out_text(out, text + start, i - start);
    }
    if (i < n) lq_buf_putc(out, '\n');
    start = i + 1;
  }
}

/* "  FAIL name" or "  ok   name", the name on one line whatever it holds. */
/* The rules file's name heads its results; with -q only once one of them is
 * printed (a failure), so that a quiet run that passes prints nothing. */
static void print_result(tester *T, bool bad, const char *name) {
  lq_buf b = {0};
  if (!T->file_said) lq_buf_printf(&b, "%s\n", T->file);
  T->file_said = true;
  lq_buf_printf(&b, "  %s%s%s ", T->color ? (bad ? "\033[1;31m" : "\033[32m") : "", bad ? "FAIL" : "ok  ",
                T->color ? "\033[0m" : "");
  lq_out_text(&b, name, strlen(name));
  lq_buf_putc(&b, '\n');
  fwrite(b.data, 1, b.len, stdout);
  lq_buf_free(&b);
}

/* The rules file's name, at once (without -q: even a file with no tests shows). */
static void print_file(tester *T) {
  printf("%s\n", T->file);
  T->file_said = true;
}

/* Evaluates one test's lead (id: its id, with line 0 in a rules file) and
 * checks its expectations; prints ok or FAIL. */
static void run_case(tester *T, lq_eval *E, const char *suite, const char *name, double now,
                     const cJSON *lead, const lq_id *id, const lq_expect *xs, int nx, const char *where_fmt_file) {
  const lq_program *p = lq_eval_program(E);
  lq_eval_set_now(E, now);
  const lq_result *r = lq_eval_lead(E, lead);
  cov_record(&T->cov, p, r);
  lq_buf report = {0}, want = {0}, got = {0};
  int bad = 0;
  for (int i = 0; i < nx; i++) {
    want.len = got.len = 0;
    if (lq_expect_check(p, r, &xs[i], &want, &got)) continue;
    bad++;
    char at[512];
    if (where_fmt_file) {
      lq_buf what = {0};
      lq_expect_describe(p, &xs[i], &what);
      snprintf(at, sizeof at, "%s:%llu: expect %.*s", where_fmt_file, (unsigned long long)id->line,
               (int)what.len, what.data ? what.data : "");
      lq_buf_free(&what);
    } else {
      int line, col;
      lq_sources_position(&p->sources, xs[i].span.file, xs[i].span.begin, &line, &col);
      size_t len;
      const char *text = lq_sources_line(&p->sources, xs[i].span.file, xs[i].span.begin, &len);
      while (len && (*text == ' ' || *text == '\t')) text++, len--;
      snprintf(at, sizeof at, "%s:%d:%d: %.*s", p->sources.files[xs[i].span.file].path, line, col,
               (int)len, text);
    }
    lq_buf_puts(&report, at);   /* indent_lines makes it harmless */
    lq_buf_puts(&report, "\n  expected: ");
    lq_buf_put(&report, want.data, want.len);
    lq_buf_puts(&report, "\n  actual:   ");
    lq_buf_put(&report, got.data, got.len);
    lq_buf_putc(&report, '\n');
  }
  if (bad) {
    lq_buf_puts(&report, "why:\n");
    lq_buf trace = {0};
    lq_explain_opts eo = {false, false};
    lq_explain(&trace, E, r, id, &eo);
    /* The trace's first line repeats the decision; keep the rules and values. */
    indent_lines(&report, trace.data, trace.len ? trace.len - 1 : 0, "  ");
    lq_buf_free(&trace);
  }
  if (bad) T->failed++;
  else T->passed++;
  junit_case(T, suite, name, bad ? &report : NULL);
  if (bad || !T->quiet) {
    print_result(T, bad, name);
    if (bad) {
      lq_buf out = {0};
      indent_lines(&out, report.data, report.len, "    ");
      fwrite(out.data, 1, out.len, stdout);
      lq_buf_free(&out);
    }
  }
  lq_buf_free(&report);
  lq_buf_free(&want);
  lq_buf_free(&got);
}

static void test_error(tester *T, const char *suite, const char *name, const char *msg) {
  T->failed++;
  lq_buf why = {0};
  lq_buf_puts(&why, msg);
  junit_case(T, suite, name, &why);
  lq_buf_free(&why);
  print_result(T, true, name);
  lq_buf out = {0};
  indent_lines(&out, msg, strlen(msg), "    ");
  lq_buf_putc(&out, '\n');
  fwrite(out.data, 1, out.len, stdout);
  lq_buf_free(&out);
}

/* The test blocks of a compiled rules file (its includes' too), lowered by
 * the compiler: each lead parsed and each expectation resolved already. */
static void run_blocks(tester *T, lq_program *p, lq_eval *E, const char *suite) {
  for (int i = 0; i < p->ntests; i++) {
    const lq_test *t = &p->tests[i];
    lq_eval_reset(E);
    run_case(T, E, suite, t->name, t->has_now ? t->now : T->now, t->lead, &(lq_id){.kind = LQ_ID_LINE},
             t->expects, t->nexpects, NULL);
  }
}

/* ---- cases kept outside the rules: NDJSON, one case per line, or CSV ---- */

typedef struct cases_input {
  tester *T;
  cli_input *in;
  const lq_program *p;
  lq_eval *E;
  const char *path;
} cases_input;

static cJSON *node(lq_arena *a, int type, const char *key) {
  cJSON *j = lq_arena_zalloc(a, sizeof *j);
  j->type = type;
  j->string = (char *)key;
  return j;
}

static void add(cJSON *obj, cJSON *item) {
  if (!obj->child) obj->child = item;
  else obj->child->prev->next = item, item->prev = obj->child->prev;
  obj->child->prev = item;
}

static cJSON *member(cJSON *obj, lq_arena *a, const char *key) {
  for (cJSON *k = obj->child; k; k = k->next)
    if (!strcmp(k->string, key)) return k;
  cJSON *o = node(a, cJSON_Object, key);
  add(obj, o);
  return o;
}

/* A CSV row as the case an NDJSON line writes: the column `test` names it, `now`
 * sets the clock, `expect.KEY` (`expect.scores.fit`, `expect.grades.priority`)
 * are its expectations, and every other column is the lead. In a cell, `none`
 * expects no stage, route, owner or reject, and reasons are labels joined by `;`. */
static cJSON *csv_case(lq_arena *a, const cJSON *row) {
  cJSON *c = node(a, cJSON_Object, NULL), *lead = node(a, cJSON_Object, "lead");
  cJSON *expect = node(a, cJSON_Object, "expect");
  for (const cJSON *k = row->child, *next; k; k = next) {
    next = k->next;
    cJSON *v = node(a, 0, NULL);
    *v = *k;
    v->next = v->prev = NULL;
    if (!strcmp(k->string, "test") || !strcmp(k->string, "now")) {
      /* A name or a date is text, even one a cell's typing took for a number (42). */
      v->type = cJSON_String;
      v->string = k->string[0] == 't' ? "name" : "now";
      add(c, v);
    } else if (!strncmp(k->string, "expect.", 7)) {
      const char *key = k->string + 7, *dot = strchr(key, '.');
      cJSON *in = expect;
      if (dot && (!strncmp(key, "scores.", 7) || !strncmp(key, "grades.", 7))) {
        in = member(expect, a, !strncmp(key, "scores.", 7) ? "scores" : "grades");
        key = dot + 1;
      }
      v->string = (char *)key;
      bool named = !strcmp(key, "stage") || !strcmp(key, "route") || !strcmp(key, "owner") || !strcmp(key, "rejected");
      if (named && cJSON_IsString(v) && !strcasecmp(v->valuestring, "none")) v->type = cJSON_NULL;
      if ((!strcmp(key, "reasons") || !strcmp(key, "not_reasons")) && cJSON_IsString(v)) {
        cJSON *list = node(a, cJSON_Array, v->string);
        for (char *s = lq_arena_strndup(a, v->valuestring, strlen(v->valuestring)), *tok; (tok = strsep(&s, ";"));) {
          while (*tok == ' ') tok++;
          size_t n = strlen(tok);
          while (n && tok[n - 1] == ' ') tok[--n] = '\0';
          if (!n) continue;
          cJSON *label = node(a, cJSON_String, NULL);
          label->valuestring = tok;
          add(list, label);
        }
        v = list;
      }
      add(in, v);
    } else {
      add(lead, v);
    }
  }
  add(c, lead);
  add(c, expect);
  return c;
}

/* A case that is not a JSON object (or a bad CSV row, or too long) fails with
 * the reason, as a test does. */
static bool case_record(void *ctx, lq_feed *f, const char *name_, const lq_record *r) {
  (void)name_;
  cases_input *C = ctx;
  tester *T = C->T;
  lq_eval_reset(C->E);
  lq_arena *s = lq_eval_scratch(C->E);
  char name[64], why[600];
  lq_error err;
  lq_error_clear(&err);
  snprintf(name, sizeof name, "%s:%llu", C->path, (unsigned long long)r->line);
  bool ignored = false;
  const cJSON *c = NULL;
  if (r->too_long) snprintf(why, sizeof why, "longer than --max-line-bytes");
  else if (r->bad) snprintf(why, sizeof why, "%s", r->bad);
  else {
    lq_error e;
    c = lq_feed_decode(lq_feed_schema_of(f), s, r->raw, r->len, &e, &ignored);
    if (!c) snprintf(why, sizeof why, "%s", e.msg);
  }
  if (!c) {
    test_error(T, C->path, name, why);
    /* saved verbatim, as every command saves a bad record */
    if (r->too_long) {
      cli_save_long(C->in, f, r);
    } else if (C->in->errors) {
      fwrite(r->raw, 1, r->len, C->in->errors);
      fputc('\n', C->in->errors);
    }
    return true;
  }
  if (lq_feed_schema_of(f)->format == LQ_FEED_CSV) c = csv_case(s, c);
  const cJSON *jn = cJSON_GetObjectItemCaseSensitive(c, "name");
  const char *title = cJSON_IsString(jn) ? jn->valuestring : name;
  const cJSON *jnow = cJSON_GetObjectItemCaseSensitive(c, "now");
  const cJSON *lead = cJSON_GetObjectItemCaseSensitive(c, "lead");
  double now = T->now;
  lq_expect *xs = NULL;
  int nx = 0;
  why[0] = '\0';
  if (jnow && !(cJSON_IsString(jnow) && lq_time_parse(jnow->valuestring, strlen(jnow->valuestring), &now)))
    snprintf(why, sizeof why, "%s: \"now\" is not a date or date-time", name);
  else if (!cJSON_IsObject(lead))
    snprintf(why, sizeof why, "%s: \"lead\" must be a JSON object", name);
  else if (!lq_expect_from_json(C->p, cJSON_GetObjectItemCaseSensitive(c, "expect"), s, &xs, &nx, &err))
    snprintf(why, sizeof why, "%s: %s", name, err.msg);
  if (why[0]) test_error(T, C->path, title, why);
  else {
    lq_id id = cli_input_id(C->in, C->E, lead, r->line);
    run_case(T, C->E, C->path, title, now, lead, &id, xs, nx, C->path);
  }
  return true;
}

/* False when the file could not be read. */
static bool run_cases(tester *T, lq_program *p, lq_eval *E, cli_input *in, char *path) {
  cases_input C = {T, in, p, E, path};
  unsigned long long bad_inputs = in->bad_inputs;
  bool ok = cli_each_record(in, &path, 1, &(cli_input_hooks){case_record, NULL}, &C);
  /* A cases file whose header cannot be read ran no case: that fails, never passes. */
  if (in->bad_inputs > bad_inputs) test_error(T, path, path, "the file's header row cannot be read (see above); no case ran");
  return ok;
}

static bool ends_with(const char *s, const char *end) {
  size_t n = strlen(s), k = strlen(end);
  return n > k && !strcasecmp(s + n - k, end);
}

static bool is_cases(const char *path) {
  static const char *const ends[] = {".ndjson", ".jsonl", ".csv", ".ndjson.gz", ".jsonl.gz", ".csv.gz"};
  for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
    if (ends_with(path, ends[i])) return true;
  return false;
}

int cmd_test(int argc, char **argv) {
  static const struct option opts[] = {
      {"now", required_argument, NULL, 'n'},      {"coverage", no_argument, NULL, 'c'},
      {"coverage-min", required_argument, NULL, 'm'}, {"junit", required_argument, NULL, 'j'},
      {"quiet", no_argument, NULL, 'q'},          CLI_INPUT_OPTIONS, {0}};
  const char *now_text = NULL, *junit_path = NULL;
  bool coverage_on = false;
  double min = -1;
  tester T = {0};
  cli_input in;
  cli_input_init(&in, "test");
  int c, st;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":q", opts, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'n': now_text = optarg; break;
    case 'c': coverage_on = true; break;
    case 'm':
      min = strtod(optarg, &end);
      if (*end || end == optarg || min < 0 || min > 100)
        return cli_usage_error("test", "--coverage-min takes a percentage from 0 to 100, not '%s'", optarg);
      coverage_on = true;
      break;
    case 'j': junit_path = optarg; break;
    case 'q': T.quiet = true; break;
    default:
      if ((st = cli_input_option(&in, c, optarg)) != EXIT_OK) {
        lq_arena_free(&in.arena);
        return st < 0 ? cli_bad_option("test", c, argv) : st;
      }
    }
  }
  if (!cli_parse_now(now_text, &T.now))
    return cli_usage_error("test", "--now needs a date or date-time such as 2026-11-22, not '%s'", now_text);
  int nrules = 0;
  for (int i = optind; i < argc; i++) {
    nrules += !is_cases(argv[i]);
    if (is_cases(argv[i])) cli_input_reads_leads(&in, &argv[i], 1);
    else if (in.errors_path || junit_path) cli_input_reads_rules(&in, argv[i]);   /* its includes and tables too */
  }
  if (!nrules) st = cli_usage_error("test", "name at least one rules file");
  else if (!(st = cli_input_refuse_output(&in, "--junit", junit_path))) st = cli_input_ready(&in);
  if (st) {
    cli_input_finish(&in);
    return st;
  }
  T.color = cli_color_out();
  int status = EXIT_OK;
  bool cov_ok = true;
  /* The cases are read once per rules file: their odd ids are counted the first time. */
  unsigned long long odd_ids = 0;
  bool first = true;
  for (int i = optind; i < argc && status != EXIT_COMPILE && status != EXIT_IO && !cli_stop; i++) {
    if (is_cases(argv[i])) continue;
    int load_status;
    lq_program *p = cli_load(argv[i], false, &load_status);
    if (!p) {
      status = load_status;
      break;
    }
    T.file = argv[i];
    T.file_said = false;
    if (!T.quiet) print_file(&T);
    lq_eval *E = lq_eval_new(p, T.now);
    cov_init(&T.cov, p);
    run_blocks(&T, p, E, argv[i]);
    for (int k = optind; k < argc; k++)
      if (is_cases(argv[k]) && !run_cases(&T, p, E, &in, argv[k])) status = EXIT_IO;
    if (coverage_on && !cov_report(&T.cov, p, min)) cov_ok = false;
    junit_suite(&T, argv[i]);
    if (first) odd_ids = in.odd_ids, first = false;
    free(T.cov.pts);
    free(T.cov.arm0);
    lq_eval_free(E);
    lq_program_free(p);
  }
  /* Stopped by a signal: no count nor report of the tests that did not run. */
  if ((status == EXIT_OK || status == EXIT_BAD_INPUT) && !cli_stop) {
    char np[32], nf[32];
    if (!T.quiet || T.failed || !cov_ok)
      printf("%s passed, %s failed\n", cli_thousands((unsigned)T.passed, np), cli_thousands((unsigned)T.failed, nf));
    fflush(stdout);   /* the warning after the summary, also when both go to one terminal */
    in.odd_ids = odd_ids;
    cli_print_id_warning(&in);
    if (T.failed || !cov_ok) status = EXIT_BAD_INPUT;
    cli_out junit = {0};
    if (junit_path && cli_out_open(&junit, junit_path)) {
      fprintf(junit.fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%d\" failures=\"%d\">\n",
              T.passed + T.failed, T.failed);
      fwrite(T.suites.data ? T.suites.data : "", 1, T.suites.len, junit.fp);
      fputs("</testsuites>\n", junit.fp);
    }
    if (junit_path && !(junit.fp && cli_out_close(&junit))) {
      fprintf(stderr, "leadq test: cannot write '%s': %s\n", junit_path, strerror(errno));
      status = EXIT_IO;
    }
  }
  if (!cli_input_finish(&in)) status = EXIT_IO;
  lq_buf_free(&T.junit);
  lq_buf_free(&T.suites);
  return status;
}
