/* e2e.c: end-to-end tests. Runs the real leadq binary on every case folder in
 * tests/golden/ and compares what it printed with what the case expects.
 *
 *   LEADQ=/abs/build/leadq GOLDEN=/abs/tests/golden build/e2e-tests --jobs 2
 *
 * A case is a folder tests/golden/NAME/ holding (see tests/README.md):
 *   cmd         the arguments after `leadq`, on one line (lines starting with
 *               '#' are comments). It is run as
 *                 /bin/sh -c 'cd CASEDIR && "$LEADQ" ARGS'
 *               so shell quoting works and paths are relative to the case
 *               folder. $OUT names an empty scratch folder for files the
 *               command writes (--errors "$OUT/errors.out").
 *   stdin       fed to the command's standard input (else /dev/null)
 *   stdout      exact expected standard output (absent: expect none)
 *   stderr      exact expected standard error (absent: expect none)
 *   status      expected exit status, a number (absent: 0)
 *   X.expected  exact expected content of the file X that the command wrote,
 *               looked up as $OUT/X, else CASEDIR/X (which is then removed)
 * A folder whose name starts with "bug-" records a known leadq bug with the
 * correct expected output; it is skipped until the bug is fixed and the folder
 * renamed; E2E_BUGS=1 runs these cases too, to check a fix.
 *
 * UPDATE_GOLDEN=1 rewrites stdout, stderr, status and every existing
 * X.expected of the (non-bug) cases from what the binary actually does, for
 * reviewing an intended output change with `git diff tests/golden`. It is a
 * tool for people: CI never sets it, and a rewritten case must be read
 * against the contract before it is committed.
 *
 * Two more tests build their input here instead of committing it: a 10 MB
 * line, and enough type surprises to need a thousands separator. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME_MAX_LEN 200

/* Under SANITIZE=1 this runner is built with LeakSanitizer too. libcriterion
 * itself (2.4) leaks a 48-byte block when workers overlap (--jobs 2), which
 * would fail the run; leaks in leadq are still reported, by leadq's own
 * sanitizer, as unexpected stderr. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcriterion.so\n"; }
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }

typedef struct golden_case {
  char name[NAME_MAX_LEN];
} golden_case;

/* ---- small helpers ---------------------------------------------------- */

static const char *env_or_die(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) cr_assert_fail("set %s (make test does): LEADQ=/abs/build/leadq GOLDEN=/abs/tests/golden", name);
  return v;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  if (!s) abort();
  va_start(ap, f);
  vsnprintf(s, (size_t)n + 1, f, ap);
  va_end(ap);
  return s;
}

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) abort();
  for (;;) {
    if (cap - n < 4096) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) abort();
    }
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) break;
  }
  fclose(fp);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static bool spill(const char *path, const char *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return false;
  bool ok = fwrite(data, 1, len, fp) == len;
  return fclose(fp) == 0 && ok;
}

/* A flat scratch folder (the command's $OUT and our captures). */
static char *make_scratch(void) {
  const char *tmp = getenv("TMPDIR");
  char *templ = fmt("%s/leadq-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(templ)) cr_assert_fail("mkdtemp %s: %s", templ, strerror(errno));
  return templ;
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char *p = fmt("%s/%s", dir, e->d_name);
      struct stat st;
      if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(p);
      else unlink(p);
      free(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* ---- running leadq ------------------------------------------------------ */

typedef struct run_result {
  int status;        /* exit status, or 128 + signal */
  char *out, *err;   /* captured stdout and stderr */
  size_t out_len, err_len;
} run_result;

/* Runs `cd DIR && "$LEADQ" ARGS` with stdin from STDIN_PATH; SCRATCH holds
 * the captures and, as $OUT/, files the command writes. */
static run_result run_leadq(const char *leadq, const char *dir, const char *args, const char *stdin_path,
                            const char *scratch, const char *outdir) {
  char *out_path = fmt("%s/.stdout", scratch), *err_path = fmt("%s/.stderr", scratch);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) cr_assert_fail("fork: %s", strerror(errno));
  if (pid == 0) {
    int in = open(stdin_path, O_RDONLY);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    close(in);
    close(out);
    close(err);
    setenv("LEADQ", leadq, 1);
    setenv("CASEDIR", dir, 1);
    setenv("OUT", outdir, 1);
    setenv("LC_ALL", "C", 1);   /* strerror() texts in English */
    setenv("NO_COLOR", "1", 1);
    char *script = fmt("cd \"$CASEDIR\" && exec \"$LEADQ\" %s", args);
    execl("/bin/sh", "sh", "-c", script, (char *)NULL);
    _exit(127);
  }
  int ws;
  while (waitpid(pid, &ws, 0) < 0)
    if (errno != EINTR) cr_assert_fail("waitpid: %s", strerror(errno));
  run_result r = {0};
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  r.out = slurp(out_path, &r.out_len);
  r.err = slurp(err_path, &r.err_len);
  if (!r.out || !r.err) cr_assert_fail("cannot read the captured output in %s", scratch);
  free(out_path);
  free(err_path);
  return r;
}

static void run_result_free(run_result *r) {
  free(r->out);
  free(r->err);
}

/* ---- comparing ------------------------------------------------------------ */

/* One line for a message: control bytes and non-ASCII escaped, long lines
 * shown as a window around column COL. */
static char *show(const char *s, size_t n, size_t col) {
  enum { WIDTH = 160 };
  size_t from = col > WIDTH / 2 ? col - WIDTH / 2 : 0;
  if (from > n) from = n;
  size_t to = n - from > WIDTH ? from + WIDTH : n;
  char *buf = malloc((to - from) * 4 + 16), *o = buf;
  if (!buf) abort();
  if (from) o += sprintf(o, "...");
  for (size_t i = from; i < to; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\t') o += sprintf(o, "\\t");
    else if (c == '\r') o += sprintf(o, "\\r");
    else if (c < 0x20 || c >= 0x7f) o += sprintf(o, "\\x%02x", c);
    else *o++ = (char)c;
  }
  if (to < n) o += sprintf(o, "...");
  *o = '\0';
  return buf;
}

static size_t count_lines(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += s[i] == '\n';
  return k + (n && s[n - 1] != '\n');
}

/* NULL when equal; otherwise a readable account of the first difference. */
static char *compare(const char *what, const char *exp, size_t elen, const char *act, size_t alen) {
  if (elen == alen && !memcmp(exp, act, elen)) return NULL;
  size_t i = 0, line = 1, bol = 0;
  while (i < elen && i < alen && exp[i] == act[i]) {
    if (exp[i] == '\n') {
      line++;
      bol = i + 1;
    }
    i++;
  }
  const char *ee = memchr(exp + bol, '\n', elen - bol), *ae = memchr(act + bol, '\n', alen - bol);
  size_t el = ee ? (size_t)(ee - exp) - bol : elen - bol, al = ae ? (size_t)(ae - act) - bol : alen - bol;
  size_t col = i - bol;
  char *se = bol < elen ? show(exp + bol, el, col) : NULL;
  char *sa = bol < alen ? show(act + bol, al, col) : NULL;
  char *msg = fmt("%s differs at line %zu, column %zu (expected %zu lines, %zu bytes; got %zu lines, %zu bytes)\n"
                  "  expected: %s%s%s\n"
                  "  actual:   %s%s%s",
                  what, line, col + 1, count_lines(exp, elen), elen, count_lines(act, alen), alen,
                  se ? "|" : "", se ? se : "(nothing)", se ? (ee ? "|" : "|  (no newline)") : "",
                  sa ? "|" : "", sa ? sa : "(nothing)", sa ? (ae ? "|" : "|  (no newline)") : "");
  free(se);
  free(sa);
  return msg;
}

/* ---- discovering the cases ---------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  return strcmp(((const golden_case *)a)->name, ((const golden_case *)b)->name);
}

static void free_cases(struct criterion_test_params *ctp) { cr_free(ctp->params); }

ParameterizedTestParameters(e2e, golden) {
  const char *golden = getenv("GOLDEN");
  size_t n = 0, cap = 0;
  golden_case *list = NULL;
  DIR *d = golden ? opendir(golden) : NULL;
  if (!d) {
    fprintf(stderr, "e2e: GOLDEN=%s is not a folder; set LEADQ and GOLDEN (see tests/README.md)\n",
            golden ? golden : "(unset)");
    return cr_make_param_array(golden_case, NULL, 0, NULL);
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || strlen(e->d_name) >= NAME_MAX_LEN) continue;
    char *p = fmt("%s/%s", golden, e->d_name);
    struct stat st;
    bool dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    if (!dir) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      list = realloc(list, cap * sizeof *list);
      if (!list) abort();
    }
    snprintf(list[n++].name, NAME_MAX_LEN, "%s", e->d_name);
  }
  closedir(d);
  if (n) qsort(list, n, sizeof *list, by_name);
  /* Parameters must live in Criterion's shared memory to reach the workers. */
  golden_case *params = n ? cr_malloc(n * sizeof *params) : NULL;
  if (n) memcpy(params, list, n * sizeof *params);
  free(list);
  return cr_make_param_array(golden_case, params, n, free_cases);
}

/* The command line of a case: the one line of `cmd` that is not a comment. */
static char *read_cmd(const char *dir, const char *name) {
  char *path = fmt("%s/cmd", dir);
  size_t len;
  char *text = slurp(path, &len);
  free(path);
  if (!text) cr_assert_fail("%s: no cmd file", name);
  char *args = NULL;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r') line[--n] = '\0';
    if (line[0] == '#' || line[strspn(line, " \t")] == '\0') continue;
    if (args) cr_assert_fail("%s: cmd has more than one command line", name);
    args = strdup(line);
  }
  free(text);
  if (!args) cr_assert_fail("%s: cmd is empty", name);
  return args;
}

static int expected_status(const char *dir, const char *name) {
  char *path = fmt("%s/status", dir);
  size_t len;
  char *text = slurp(path, &len);
  free(path);
  if (!text) return 0;
  char *end;
  long v = strtol(text, &end, 10);
  while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t') end++;
  if (end == text || *end) cr_assert_fail("%s: status must hold a number, not '%s'", name, text);
  free(text);
  return (int)v;
}

/* Expected content of an optional golden file: absent means empty. */
static char *expected_text(const char *dir, const char *file, size_t *len) {
  char *path = fmt("%s/%s", dir, file);
  char *text = slurp(path, len);
  free(path);
  if (!text) {
    text = strdup("");
    *len = 0;
  }
  return text;
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && !strcmp(s + n - k, suffix);
}

/* UPDATE_GOLDEN: a golden file holds the actual output; empty output and a
 * zero status are written as an absent file. */
static void update_file(const char *dir, const char *file, const char *data, size_t len, bool keep_empty) {
  char *path = fmt("%s/%s", dir, file);
  if (len == 0 && !keep_empty) unlink(path);
  else if (!spill(path, data, len)) cr_assert_fail("cannot write %s: %s", path, strerror(errno));
  free(path);
}

ParameterizedTest(golden_case *c, e2e, golden, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ"), *golden = env_or_die("GOLDEN");
  const char *name = c->name;
  const char *bugs = getenv("E2E_BUGS");
  if (!strncmp(name, "bug-", 4) && !(bugs && !strcmp(bugs, "1")))
    cr_skip_test("%s: a known leadq bug, expected output recorded (E2E_BUGS=1 runs it)", name);
  char *dir = fmt("%s/%s", golden, name);
  char *args = read_cmd(dir, name);
  char *stdin_path = fmt("%s/stdin", dir);
  if (!exists(stdin_path)) {
    free(stdin_path);
    stdin_path = strdup("/dev/null");
  }
  const char *update = getenv("UPDATE_GOLDEN");
  bool updating = update && !strcmp(update, "1") && strncmp(name, "bug-", 4) != 0;

  /* Files the command must produce, from X.expected; a stale X in the case
   * folder from an interrupted run must not pass for a new one. */
  char *produced[64];
  int nproduced = 0;
  DIR *d = opendir(dir);
  if (!d) cr_assert_fail("%s: %s", dir, strerror(errno));
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!has_suffix(e->d_name, ".expected")) continue;
    if (nproduced == 64) cr_assert_fail("%s: too many .expected files", name);
    produced[nproduced] = strndup(e->d_name, strlen(e->d_name) - strlen(".expected"));
    char *stale = fmt("%s/%s", dir, produced[nproduced]);
    unlink(stale);
    free(stale);
    nproduced++;
  }
  closedir(d);

  char *scratch = make_scratch();
  char *outdir = fmt("%s/out", scratch);
  if (mkdir(outdir, 0755) != 0) cr_assert_fail("mkdir %s: %s", outdir, strerror(errno));
  run_result r = run_leadq(leadq, dir, args, stdin_path, scratch, outdir);

  if (updating) {
    update_file(dir, "stdout", r.out, r.out_len, false);
    update_file(dir, "stderr", r.err, r.err_len, false);
    char num[16];
    int n = snprintf(num, sizeof num, "%d\n", r.status);
    update_file(dir, "status", num, r.status ? (size_t)n : 0, false);
  }

  size_t elen;
  char *exp = expected_text(dir, "stdout", &elen);
  char *diff = compare("stdout", exp, elen, r.out, r.out_len);
  cr_expect(diff == NULL, "%s: leadq %s\n%s", name, args, diff ? diff : "");
  free(diff);
  free(exp);

  exp = expected_text(dir, "stderr", &elen);
  diff = compare("stderr", exp, elen, r.err, r.err_len);
  cr_expect(diff == NULL, "%s: leadq %s\n%s", name, args, diff ? diff : "");
  free(diff);
  free(exp);

  int want = expected_status(dir, name);
  cr_expect(r.status == want, "%s: leadq %s\nexit status %d%s, expected %d", name, args,
            r.status > 128 ? r.status - 128 : r.status, r.status > 128 ? " (killed by this signal)" : "",
            want);

  for (int i = 0; i < nproduced; i++) {
    char *in_out = fmt("%s/%s", outdir, produced[i]), *in_case = fmt("%s/%s", dir, produced[i]);
    const char *where = exists(in_out) ? in_out : exists(in_case) ? in_case : NULL;
    char *expname = fmt("%s.expected", produced[i]);
    size_t alen = 0;
    char *act = where ? slurp(where, &alen) : NULL;
    if (updating && act) update_file(dir, expname, act, alen, true);
    exp = expected_text(dir, expname, &elen);
    cr_expect(act != NULL, "%s: leadq %s\nthe command wrote no file %s ($OUT/%s or %s)", name, args,
              produced[i], produced[i], produced[i]);
    if (act) {
      diff = compare(produced[i], exp, elen, act, alen);
      cr_expect(diff == NULL, "%s: leadq %s\n%s", name, args, diff ? diff : "");
      free(diff);
    }
    unlink(in_case);
    free(act);
    free(exp);
    free(expname);
    free(in_out);
    free(in_case);
    free(produced[i]);
  }

  run_result_free(&r);
  remove_tree(scratch);
  free(scratch);
  free(outdir);
  free(stdin_path);
  free(args);
  free(dir);
}

/* ---- generated inputs ----------------------------------------------------------- */

static char *acme_rules(void) { return fmt("%s/../../rules/acme.lq", env_or_die("GOLDEN")); }

/* "A line of any length is handled": a 10 MB lead is evaluated and passed
 * through byte for byte, a 10 MB bad line goes verbatim to --errors, and the
 * leads around them are unaffected. */
/* The parameterized test passes with no cases at all: make an empty or wrong
 * GOLDEN fail instead of passing silently. */
Test(e2e, golden_folder_has_cases) {
  const char *golden = getenv("GOLDEN");
  cr_assert_not_null(golden, "set GOLDEN (see tests/README.md)");
  DIR *d = opendir(golden);
  cr_assert_not_null(d, "GOLDEN=%s is not a folder", golden);
  int cases = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    char *cmd = fmt("%s/%s/cmd", golden, e->d_name);
    cases += access(cmd, R_OK) == 0;
    free(cmd);
  }
  closedir(d);
  cr_assert_geq(cases, 100, "only %d golden cases in %s", cases, golden);
}

Test(e2e, ten_megabyte_line, .timeout = 300.0) {
  const char *leadq = env_or_die("LEADQ");
  enum { BIG = 10 * 1024 * 1024 };
  char *scratch = make_scratch(), *rules = acme_rules();
  char *in_path = fmt("%s/big.ndjson", scratch);

  /* line 1: rejected (no consent), with a 10 MB notes field full of escapes;
   * line 2: small, not rejected; line 3: 10 MB, never closed. */
  const char *head = "{\"id\":\"big\",\"email\":\"a@gmail.com\",\"consent\":{\"email\":false},\"notes\":\"";
  size_t hl = strlen(head);
  char *big = malloc(BIG + 64), *bad = malloc(BIG + 64);
  if (!big || !bad) abort();
  memcpy(big, head, hl);
  for (size_t i = hl; i < BIG; i++) big[i] = "ab\\u00e9 z\\\"x"[(i - hl) % 13];
  /* end cleanly on a full 13-byte pattern so every escape is whole */
  size_t bl = hl + ((BIG - hl) / 13) * 13;
  memcpy(big + bl, "\"}", 2);
  bl += 2;
  memcpy(bad, "{\"id\":\"bad\",\"notes\":\"", 21);
  memset(bad + 21, 'y', BIG - 21);
  size_t badl = BIG;
  const char *small = "{\"id\":\"small\",\"email\":\"s@corp.example\"}";

  FILE *fp = fopen(in_path, "wb");
  cr_assert(fp != NULL);
  fwrite(big, 1, bl, fp);
  fputc('\n', fp);
  fputs(small, fp);
  fputc('\n', fp);
  fwrite(bad, 1, badl, fp);
  fputc('\n', fp);
  cr_assert(fclose(fp) == 0);

  char *outdir = fmt("%s/out", scratch);
  cr_assert(mkdir(outdir, 0755) == 0);
  /* --quiet: no warnings about the data, so the bad line is all stderr says. */
  char *args = fmt("run --now 2026-11-22 --quiet --rejected --errors \"$OUT/errors.out\" \"%s\" \"%s\"", rules, in_path);
  run_result r = run_leadq(leadq, scratch, args, "/dev/null", scratch, outdir);

  cr_expect(r.status == 1, "ten_megabyte_line: exit status %d, expected 1 (one bad line)", r.status);
  char *want_out = malloc(bl + 1);
  memcpy(want_out, big, bl);
  want_out[bl] = '\n';
  char *diff = compare("stdout (--rejected passthrough of the 10 MB lead)", want_out, bl + 1, r.out, r.out_len);
  cr_expect(diff == NULL, "ten_megabyte_line:\n%s", diff ? diff : "");
  free(diff);
  /* The wording after "error:" is not the contract; the place is. */
  char *want_err = fmt("%s:3: error: ", in_path);
  cr_expect(!strncmp(r.err, want_err, strlen(want_err)) && count_lines(r.err, r.err_len) == 1,
            "ten_megabyte_line: stderr should be one line starting %s, got:\n%.500s", want_err, r.err);

  char *err_path = fmt("%s/errors.out", outdir);
  size_t elen = 0;
  char *errs = slurp(err_path, &elen);
  cr_expect(errs != NULL, "ten_megabyte_line: --errors file was not written");
  if (errs) {
    bad[badl] = '\n';
    diff = compare("--errors file", bad, badl + 1, errs, elen);
    cr_expect(diff == NULL, "ten_megabyte_line:\n%s", diff ? diff : "");
    free(diff);
  }
  run_result_free(&r);

  /* Decisions for the same input: one per good lead, in order. */
  free(args);
  args = fmt("run --now 2026-11-22 \"%s\" \"%s\"", rules, in_path);
  r = run_leadq(leadq, scratch, args, "/dev/null", scratch, outdir);
  cr_expect(r.status == 1, "ten_megabyte_line (decisions): exit status %d, expected 1", r.status);
  cr_expect(count_lines(r.out, r.out_len) == 2, "ten_megabyte_line: %zu decisions, expected 2",
            count_lines(r.out, r.out_len));
  cr_expect(!strncmp(r.out, "{\"id\":\"big\",", 12) && strstr(r.out, "\n{\"id\":\"small\","),
            "ten_megabyte_line: decisions are not big then small:\n%.300s", r.out);
  cr_expect(strstr(r.out, "\"rejected\":\"no consent\"") != NULL, "ten_megabyte_line: the big lead was not evaluated");

  run_result_free(&r);
  free(errs);
  free(err_path);
  free(want_err);
  free(want_out);
  free(args);
  free(outdir);
  free(big);
  free(bad);
  free(in_path);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* A lead's memory is bounded by --max-line-bytes, not by its line alone: a
 * line of small values takes 32 times its size read, so with --max-line-bytes
 * 4M a 4 MB line of 0s (2 million values, 128 MB read) is a bad line, reported
 * and saved to --errors, while a lead may take 8 times the limit (32 MB); the
 * leads around it are decided, on one thread or two. */
Test(e2e, lead_memory_budget, .timeout = 300.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *in_path = fmt("%s/many.ndjson", scratch), *outdir = fmt("%s/out", scratch);
  cr_assert(mkdir(outdir, 0755) == 0);
  enum { LIMIT = 4 << 20 };
  size_t cap = LIMIT, n = 0;
  char *many = malloc(cap);
  cr_assert(many != NULL);
  n += (size_t)sprintf(many, "{\"id\":\"many\",\"n\":[0");
  while (n + 4 < LIMIT - 2) many[n++] = ',', many[n++] = '0';
  many[n++] = ']', many[n++] = '}';
  FILE *fp = fopen(in_path, "wb");
  cr_assert(fp != NULL);
  fputs("{\"id\":\"a\",\"email\":\"a@corp.example\"}\n", fp);
  fwrite(many, 1, n, fp);
  fputs("\n{\"id\":\"b\",\"email\":\"b@corp.example\"}\n", fp);
  cr_assert(fclose(fp) == 0);

  char *want_err = fmt("%s:2: error: this lead holds too many values: read, it needs more than 8 times "
                       "--max-line-bytes of memory; if it is a real lead, raise --max-line-bytes\n", in_path);
  for (int jobs = 1; jobs <= 2; jobs++) {
    char *args = fmt("run --now 2026-11-22 --quiet --jobs %d --max-line-bytes 4M --errors \"$OUT/errors.out\" \"%s\" \"%s\"",
                     jobs, rules, in_path);
    run_result r = run_leadq(leadq, scratch, args, "/dev/null", scratch, outdir);
    cr_expect(r.status == 1, "lead_memory_budget --jobs %d: exit status %d, expected 1 (one bad line)", jobs, r.status);
    char *diff = compare("stderr", want_err, strlen(want_err), r.err, r.err_len);
    cr_expect(diff == NULL, "lead_memory_budget --jobs %d:\n%s", jobs, diff ? diff : "");
    free(diff);
    cr_expect(count_lines(r.out, r.out_len) == 2 && !strncmp(r.out, "{\"id\":\"a\",", 10) &&
                  strstr(r.out, "\n{\"id\":\"b\",") != NULL,
              "lead_memory_budget --jobs %d: expected the decisions of a and b:\n%.300s", jobs, r.out);
    char *err_path = fmt("%s/errors.out", outdir);
    size_t elen = 0;
    char *errs = slurp(err_path, &elen);
    cr_expect(errs != NULL, "lead_memory_budget: --errors file was not written");
    if (errs) {
      many[n] = '\n';
      diff = compare("--errors file", many, n + 1, errs, elen);
      cr_expect(diff == NULL, "lead_memory_budget --jobs %d:\n%s", jobs, diff ? diff : "");
      free(diff);
    }
    free(errs);
    free(err_path);
    run_result_free(&r);
    free(args);
  }
  free(want_err);
  free(many);
  free(in_path);
  free(outdir);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* The end-of-run type-surprise summary counts leads with a thousands
 * separator, as the contract shows ("in 1,203 leads"). */
Test(e2e, type_surprise_thousands, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *in_path = fmt("%s/leads.ndjson", scratch);
  FILE *fp = fopen(in_path, "wb");
  cr_assert(fp != NULL);
  for (int i = 1; i <= 1203; i++)
    fprintf(fp, "{\"id\":%d,\"email\":\"x%d@corp.example\",\"company\":{\"employees\":\"%d\"}}\n", i, i, i);
  fprintf(fp, "{\"id\":0,\"email\":\"n@corp.example\",\"company\":{\"employees\":1000}}\n");
  cr_assert(fclose(fp) == 0);
  char *args = fmt("run --now 2026-11-22 \"%s\" \"%s\"", rules, in_path);
  run_result r = run_leadq(leadq, scratch, args, "/dev/null", scratch, scratch);
  cr_expect(r.status == 0, "type_surprise_thousands: exit status %d, expected 0", r.status);
  cr_expect(count_lines(r.out, r.out_len) == 1204, "type_surprise_thousands: %zu decisions, expected 1204",
            count_lines(r.out, r.out_len));
  char *want = fmt("%s:19:25: warning: company.employees was text in 1,203 leads; comparisons with a number were false\n"
                   "%s:27:34: warning: company.employees was text in 1,203 leads; comparisons with a number were false\n",
                   rules, rules);
  /* The warnings about fields no lead had follow. */
  char *diff = compare("stderr", want, strlen(want), r.err, r.err_len < strlen(want) ? r.err_len : strlen(want));
  cr_expect(diff == NULL, "type_surprise_thousands:\n%s", diff ? diff : "");
  free(diff);
  free(want);
  run_result_free(&r);
  free(args);
  free(in_path);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* docs/scaling.md's claim: a feed cut into chunks, each run on its own (as
 * GNU parallel --pipe, Spark or Hadoop Streaming do) and joined in order,
 * gives the bytes of one run; and so does --jobs. */
Test(e2e, partition_safety, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  size_t len;
  char *sample = slurp(fmt("%s/../../examples/sample.ndjson", env_or_die("GOLDEN")), &len);
  cr_assert(sample != NULL);
  char *chunk_path[3];
  FILE *chunk[3];
  for (int k = 0; k < 3; k++) {
    chunk_path[k] = fmt("%s/chunk%d.ndjson", scratch, k);
    chunk[k] = fopen(chunk_path[k], "wb");
    cr_assert(chunk[k] != NULL);
  }
  char *whole_path = fmt("%s/whole.ndjson", scratch);
  FILE *whole = fopen(whole_path, "wb");
  cr_assert(whole != NULL);
  /* The sample three times over, with a bad line now and then; chunks take runs of lines. */
  size_t lines = 0;
  for (int pass = 0; pass < 3; pass++) {
    for (const char *p = sample; p < sample + len;) {
      const char *nl = memchr(p, '\n', (size_t)(sample + len - p));
      size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(sample + len - p);
      /* Chunks are contiguous runs of lines: [0,40) [40,80) [80,120). */
      FILE *c = chunk[lines < 40 ? 0 : lines < 80 ? 1 : 2];
      fwrite(p, 1, n, whole);
      fwrite(p, 1, n, c);
      if (++lines % 13 == 0) {
        fputs("{\"id\": broken\n", whole);
        fputs("{\"id\": broken\n", c);
      }
      p += n;
    }
  }
  cr_assert(fclose(whole) == 0);
  for (int k = 0; k < 3; k++) cr_assert(fclose(chunk[k]) == 0);
  for (int mode = 0; mode < 2; mode++) {
    const char *opt = mode ? "--annotate" : "";
    char *args = fmt("run --now 2026-11-22 %s \"%s\" \"%s\"", opt, rules, whole_path);
    run_result one = run_leadq(leadq, scratch, args, "/dev/null", scratch, scratch);
    cr_expect(one.status == 1, "partition_safety: one run exit %d, expected 1 (bad lines)", one.status);
    char *args_jobs = fmt("run --jobs 3 --now 2026-11-22 %s \"%s\" \"%s\"", opt, rules, whole_path);
    run_result jobs = run_leadq(leadq, scratch, args_jobs, "/dev/null", scratch, scratch);
    char *diff = compare("--jobs 3 stdout", one.out, one.out_len, jobs.out, jobs.out_len);
    cr_expect(diff == NULL, "partition_safety:\n%s", diff ? diff : "");
    free(diff);
    struct { char *data; size_t len; } joined = {0};
    for (int k = 0; k < 3; k++) {
      char *a = fmt("run --now 2026-11-22 %s \"%s\" \"%s\"", opt, rules, chunk_path[k]);
      run_result part = run_leadq(leadq, scratch, a, "/dev/null", scratch, scratch);
      joined.data = realloc(joined.data, joined.len + part.out_len + 1);
      cr_assert(joined.data != NULL);
      memcpy(joined.data + joined.len, part.out, part.out_len);
      joined.len += part.out_len;
      run_result_free(&part);
      free(a);
    }
    diff = compare("chunks joined", one.out, one.out_len, joined.data ? joined.data : "", joined.len);
    cr_expect(diff == NULL, "partition_safety:\n%s", diff ? diff : "");
    free(diff);
    free(joined.data);
    run_result_free(&one);
    run_result_free(&jobs);
    free(args);
    free(args_jobs);
  }
  for (int k = 0; k < 3; k++) free(chunk_path[k]);
  free(whole_path);
  free(sample);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* --jobs writes batches (512 lines or 1 MiB) in input order whatever order they
 * finish in. 6,000 leads where every 600th has 30,000 events (1.4 MB, a batch
 * that takes far longer than the small ones around it) and every 97th line is
 * bad: on 4 threads the batches after a slow one finish before it, and the
 * decisions, the annotated leads, the bad-line reports and --errors must still
 * be the bytes of one thread. */
Test(e2e, jobs_keep_input_order_with_uneven_batches, .timeout = 300.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *in_path = fmt("%s/uneven.ndjson", scratch);
  FILE *fp = fopen(in_path, "wb");
  cr_assert(fp != NULL);
  for (int i = 0; i < 6000; i++) {
    if (i % 97 == 50) {
      fprintf(fp, "{\"id\": broken %d\n", i);
    } else if (i % 600 == 17) {
      fprintf(fp, "{\"id\":\"H%d\",\"email\":\"h%d@corp.example\",\"company\":{\"employees\":%d},\"events\":[", i, i, i);
      for (int k = 0; k < 30000; k++)
        fprintf(fp, "%s{\"type\":\"%s\",\"at\":\"2026-11-%02dT00:00:00Z\"}", k ? "," : "",
                k % 7 ? "page_view" : "email_click", 1 + k % 20);
      fputs("]}\n", fp);
    } else {
      fprintf(fp, "{\"id\":\"L%d\",\"email\":\"x%d@corp.example\",\"title\":\"VP Sales\",\"company\":{\"employees\":%d,"
                  "\"industry\":\"energy\"},\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-2%dT10:00:00Z\"}]}\n",
              i, i, i * 7 % 3000, i % 10);
    }
  }
  cr_assert(fclose(fp) == 0);
  const char *modes[] = {"", "--annotate --errors \"$OUT/errors.out\""};
  for (int m = 0; m < 2; m++) {
    run_result r[2];
    char *errs[2];
    size_t elen[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
      char *outdir = fmt("%s/out%d%d", scratch, m, k);
      cr_assert(mkdir(outdir, 0755) == 0);
      char *args = fmt("run --now 2026-11-22 --jobs %d %s \"%s\" \"%s\"", k ? 4 : 1, modes[m], rules, in_path);
      r[k] = run_leadq(leadq, scratch, args, "/dev/null", scratch, outdir);
      char *err_path = fmt("%s/errors.out", outdir);
      errs[k] = m ? slurp(err_path, &elen[k]) : NULL;
      free(err_path);
      free(args);
      free(outdir);
    }
    cr_expect(r[0].status == 1 && r[1].status == 1, "exit %d and %d, expected 1 (bad lines)", r[0].status, r[1].status);
    cr_expect(count_lines(r[0].out, r[0].out_len) == 6000 - 62, "%zu leads out, expected 5,938",
              count_lines(r[0].out, r[0].out_len));
    char *diff = compare("--jobs 4 stdout", r[0].out, r[0].out_len, r[1].out, r[1].out_len);
    cr_expect(diff == NULL, "%s:\n%s", modes[m], diff ? diff : "");
    free(diff);
    diff = compare("--jobs 4 stderr", r[0].err, r[0].err_len, r[1].err, r[1].err_len);
    cr_expect(diff == NULL, "%s:\n%s", modes[m], diff ? diff : "");
    free(diff);
    if (m) {
      cr_expect(errs[0] && errs[1] && count_lines(errs[0], elen[0]) == 62, "--errors: 62 bad lines expected");
      diff = errs[0] && errs[1] ? compare("--jobs 4 --errors", errs[0], elen[0], errs[1], elen[1]) : NULL;
      cr_expect(diff == NULL, "%s:\n%s", modes[m], diff ? diff : "");
      free(diff);
    }
    for (int k = 0; k < 2; k++) {
      run_result_free(&r[k]);
      free(errs[k]);
    }
  }
  free(in_path);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* ---- CSV decisions read back as a CRM would ------------------------------------ */

/* run --output csv is for CRM imports: Python's csv module (tests/csv_check.py)
 * reads the decisions of the bundled rules on examples/sample.ndjson back, and
 * every row must say what the NDJSON decision of the same run says: id, stage,
 * rejected, route, score, each group's score, each grade, the reasons (an
 * empty cell is null). */
Test(e2e, csv_output_imports, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  const char *golden = env_or_die("GOLDEN");
  if (system("command -v python3 >/dev/null 2>&1") != 0)
    cr_assert_fail("csv_output_imports needs python3 (its csv module reads the CSV back): apt-get install python3");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *sample = fmt("%s/../../examples/sample.ndjson", golden);
  char *checker = fmt("%s/../csv_check.py", golden);
  cr_assert(exists(sample) && exists(checker), "csv_output_imports: %s or %s is missing", sample, checker);

  char *args_csv = fmt("run --now 2026-11-22 --output csv \"%s\" \"%s\"", rules, sample);
  char *args_json = fmt("run --now 2026-11-22 \"%s\" \"%s\"", rules, sample);
  run_result c = run_leadq(leadq, scratch, args_csv, "/dev/null", scratch, scratch);
  run_result j = run_leadq(leadq, scratch, args_json, "/dev/null", scratch, scratch);
  cr_expect(c.status == 0, "csv_output_imports: run --output csv exit %d, expected 0:\n%.500s", c.status, c.err);
  cr_expect(j.status == 0, "csv_output_imports: run exit %d, expected 0:\n%.500s", j.status, j.err);
  cr_expect(count_lines(j.out, j.out_len) == 40, "csv_output_imports: %zu decisions, expected 40 (one per sample lead)",
            count_lines(j.out, j.out_len));

  char *csv_path = fmt("%s/decisions.csv", scratch), *json_path = fmt("%s/decisions.ndjson", scratch);
  cr_assert(spill(csv_path, c.out, c.out_len) && spill(json_path, j.out, j.out_len));
  char *cmd = fmt("python3 \"%s\" \"%s\" \"%s\" 2>&1", checker, csv_path, json_path);
  FILE *p = popen(cmd, "r");
  cr_assert(p != NULL, "csv_output_imports: cannot run %s: %s", cmd, strerror(errno));
  char said[4096];
  size_t n = fread(said, 1, sizeof said - 1, p);
  said[n] = '\0';
  int ws = pclose(p);
  cr_expect(ws != -1 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
            "csv_output_imports: the CSV rows do not match the NDJSON decisions (%s):\n%s", cmd, said);
  cr_expect(strstr(said, "40 rows match") != NULL, "csv_output_imports: expected 40 rows checked, the checker said:\n%s",
            said);

  run_result_free(&c);
  run_result_free(&j);
  free(cmd);
  free(csv_path);
  free(json_path);
  free(args_csv);
  free(args_json);
  free(checker);
  free(sample);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* ---- pick: the contract's formula, recomputed apart ------------------------------ */

/* The Python that has Debian's python3-xxhash (a pyenv python on PATH may not). */
static const char *python_with_xxhash(void) {
  if (system("/usr/bin/python3 -c 'import xxhash' >/dev/null 2>&1") == 0) return "/usr/bin/python3";
  if (system("python3 -c 'import xxhash' >/dev/null 2>&1") == 0) return "python3";
  return NULL;
}

/* Every owner pick() gives is the one tests/pick_check.py computes from the
 * formula in docs/language.md with Python's xxhash; and the same with --jobs 1
 * and --jobs 4 (a lead is never reassigned by how the run is split). */
Test(e2e, pick_agrees_with_python_and_jobs, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  const char *golden = env_or_die("GOLDEN");
  const char *python = python_with_xxhash();
  if (!python) cr_assert_fail("pick_agrees_with_python_and_jobs needs python3-xxhash: apt-get install python3-xxhash");
  char *scratch = make_scratch();
  char *rules = fmt("%s/../routing/rules.lq", golden), *reps = fmt("%s/../routing/reps.csv", golden);
  char *checker = fmt("%s/../pick_check.py", golden), *leads = fmt("%s/leads.ndjson", scratch);
  FILE *f = fopen(leads, "wb");
  cr_assert(f != NULL);
  /* Ids of every kind the rule names: text, small whole numbers, whole numbers
   * of 19 digits (past 2^53, keyed by their digits), fractions. */
  for (int i = 0; i < 5000; i++) {
    if (i % 4 == 0) fprintf(f, "{\"id\":%d}\n", i);
    else if (i % 4 == 1) fprintf(f, "{\"id\":\"L-%d\"}\n", i);
    else if (i % 4 == 2) fprintf(f, "{\"id\":12345678901234%05d}\n", i);
    else fprintf(f, "{\"id\":%d.25}\n", i);
  }
  cr_assert(fclose(f) == 0);
  char *args1 = fmt("run --jobs 1 \"%s\" \"%s\"", rules, leads), *args4 = fmt("run --jobs 4 \"%s\" \"%s\"", rules, leads);
  run_result one = run_leadq(leadq, scratch, args1, "/dev/null", scratch, scratch);
  run_result four = run_leadq(leadq, scratch, args4, "/dev/null", scratch, scratch);
  free(args1);
  free(args4);
  cr_expect(one.status == 0 && four.status == 0, "exit %d and %d:\n%.500s", one.status, four.status, one.err);
  char *diff = compare("--jobs 4 stdout", one.out, one.out_len, four.out, four.out_len);
  cr_expect(diff == NULL, "pick_agrees_with_python_and_jobs:\n%s", diff ? diff : "");
  free(diff);
  char *decisions = fmt("%s/decisions.ndjson", scratch);
  cr_assert(spill(decisions, one.out, one.out_len));
  char *cmd = fmt("%s \"%s\" \"%s\" \"%s\" 2>&1", python, checker, reps, decisions);
  FILE *p = popen(cmd, "r");
  cr_assert(p != NULL);
  char said[4096];
  size_t n = fread(said, 1, sizeof said - 1, p);
  said[n] = '\0';
  int ws = pclose(p);
  cr_expect(ws != -1 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "leadq's picks differ from the formula (%s):\n%s", cmd, said);
  cr_expect(strstr(said, "5000 picks match") != NULL, "expected 5000 picks checked:\n%s", said);
  run_result_free(&one);
  run_result_free(&four);
  free(cmd);
  free(decisions);
  free(leads);
  free(checker);
  free(reps);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* ---- outputs that would erase an input ------------------------------------------- */

/* An output a command opens for writing (--errors, report --html, test --junit)
 * that is one of its inputs would erase that input before it is read: the
 * leads, standard input, the rules file, an include or a table. Each is
 * refused as a usage error, and the file is left as it was. */
Test(e2e, output_is_an_input, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch();
  static const struct { const char *name, *text; } files[] = {
      {"rules.lq", "ruleset \"t\" version \"1\"\ninclude \"shared.lq\"\ntable reps = \"reps.csv\"\n"
                   "team sales \"S\"\nstage MQL by sales when big\n"},
      {"shared.lq", "define big = n >= 10\n"},
      {"reps.csv", "email,pool\na@x.example,sdr\n"},
      {"leads.ndjson", "{\"id\":1,\"n\":12}\nnot json\n"},
      {"cases.ndjson", "{\"name\":\"c\",\"lead\":{\"n\":12},\"expect\":{\"stage\":\"MQL\"}}\nnot json\n"},
  };
  enum { NFILES = sizeof files / sizeof *files };
  static const struct { const char *args, *target; } cases[] = {
      {"run --errors leads.ndjson rules.lq leads.ndjson", "leads.ndjson"},
      {"run --errors ./leads.ndjson rules.lq - < leads.ndjson", "leads.ndjson"},
      {"run --errors rules.lq rules.lq leads.ndjson", "rules.lq"},
      {"run --errors shared.lq rules.lq leads.ndjson", "shared.lq"},
      {"run --errors reps.csv rules.lq leads.ndjson", "reps.csv"},
      {"explain --errors leads.ndjson rules.lq leads.ndjson", "leads.ndjson"},
      {"diff --errors shared.lq rules.lq rules.lq leads.ndjson", "shared.lq"},
      {"report --outcome 'n > 1' --errors leads.ndjson rules.lq leads.ndjson", "leads.ndjson"},
      {"report --outcome 'n > 1' --html rules.lq rules.lq leads.ndjson", "rules.lq"},
      {"report --outcome 'n > 1' --html leads.ndjson rules.lq leads.ndjson", "leads.ndjson"},
      {"test --errors cases.ndjson rules.lq cases.ndjson", "cases.ndjson"},
      {"test --errors reps.csv rules.lq cases.ndjson", "reps.csv"},
      {"test --junit shared.lq rules.lq", "shared.lq"},
      {"check --errors leads.ndjson --sample leads.ndjson rules.lq", "leads.ndjson"},
      {"check --errors shared.lq --sample leads.ndjson rules.lq", "shared.lq"},
      /* `>>` an input: the decisions would be read back as leads */
      {"run rules.lq leads.ndjson >> leads.ndjson", "leads.ndjson"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    for (int i = 0; i < NFILES; i++) {
      char *p = fmt("%s/%s", scratch, files[i].name);
      cr_assert(spill(p, files[i].text, strlen(files[i].text)));
      free(p);
    }
    run_result r = run_leadq(leadq, scratch, cases[k].args, "/dev/null", scratch, scratch);
    cr_expect(r.status == 2, "leadq %s: exit %d, expected 2 (refused):\n%s", cases[k].args, r.status, r.err);
    cr_expect(strstr(r.err, "is the same file as") != NULL, "leadq %s: stderr does not say why:\n%s", cases[k].args,
              r.err);
    for (int i = 0; i < NFILES; i++) {
      char *p = fmt("%s/%s", scratch, files[i].name);
      size_t len = 0;
      char *now = slurp(p, &len);
      cr_expect(now && len == strlen(files[i].text) && !memcmp(now, files[i].text, len),
                "leadq %s: %s changed (%zu bytes now)", cases[k].args, files[i].name, len);
      free(now);
      free(p);
    }
    run_result_free(&r);
  }
  /* The same outputs elsewhere are written. */
  run_result r = run_leadq(leadq, scratch, "run --errors bad.out rules.lq leads.ndjson", "/dev/null", scratch, scratch);
  cr_expect(r.status == 1, "run --errors bad.out: exit %d, expected 1 (a bad line):\n%s", r.status, r.err);
  run_result_free(&r);
  remove_tree(scratch);
  free(scratch);
}

/* ---- a full disk ------------------------------------------------------------------ */

/* --errors on a disk that fills up (a file size limit here, which fails a write
 * with EFBIG as a full disk fails it with ENOSPC), on one thread and on four:
 * exit 4 naming the file and why, never 1 and silence; and what the file holds
 * is the start of what it should hold, with nothing missing in the middle. */
Test(e2e, errors_file_on_a_full_disk, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *in_path = fmt("%s/leads.ndjson", scratch), *err_path = fmt("%s/errors.out", scratch);
  char *msg_path = fmt("%s/.stderr", scratch);
  FILE *fp = fopen(in_path, "wb");
  cr_assert(fp != NULL);
  struct { char *data; size_t len; } want = {0};
  for (int i = 0; i < 1000; i++) {
    if (i % 3) {
      fprintf(fp, "{\"id\":%d,\"email\":\"x%d@corp.example\"}\n", i, i);
      continue;
    }
    char bad[1100];
    int n = snprintf(bad, sizeof bad, "bad %d ", i);
    memset(bad + n, 'y', 1000);
    bad[n + 1000] = '\n';
    fwrite(bad, 1, (size_t)n + 1001, fp);
    want.data = realloc(want.data, want.len + (size_t)n + 1001);
    memcpy(want.data + want.len, bad, (size_t)n + 1001);
    want.len += (size_t)n + 1001;
  }
  cr_assert(fclose(fp) == 0);
  static const char *const jobs[] = {"1", "4"};
  for (int j = 0; j < 2; j++) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
      /* The limit is on every file: the decisions go where it does not apply. */
      int out = open("/dev/null", O_WRONLY), err = open(msg_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || err < 0) _exit(126);
      dup2(out, 1);
      dup2(err, 2);
      signal(SIGXFSZ, SIG_IGN);
      struct rlimit lim = {64 * 1024, 64 * 1024};
      setrlimit(RLIMIT_FSIZE, &lim);
      setenv("LC_ALL", "C", 1);
      execl(leadq, leadq, "run", "--quiet", "--now", "2026-11-22", "--jobs", jobs[j], "--errors", err_path, rules, in_path,
            (char *)NULL);
      _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0) cr_assert(errno == EINTR);
    size_t elen = 0, flen = 0;
    char *said = slurp(msg_path, &elen), *saved = slurp(err_path, &flen);
    cr_assert(said && saved);
    cr_expect(WIFEXITED(ws) && WEXITSTATUS(ws) == 4, "--jobs %s: exit %d, expected 4", jobs[j],
              WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
    char *msg = fmt("leadq run: cannot write '%s': File too large\n", err_path);
    cr_expect(elen >= strlen(msg) && !strcmp(said + elen - strlen(msg), msg), "--jobs %s: stderr should end with %s got:\n%.2000s",
              jobs[j], msg, said);
    cr_expect(flen > 0 && flen <= 64 * 1024 && flen < want.len && !memcmp(saved, want.data, flen),
              "--jobs %s: the --errors file (%zu bytes) is not the start of the bad lines", jobs[j], flen);
    free(msg);
    free(said);
    free(saved);
  }
  free(want.data);
  free(msg_path);
  free(err_path);
  free(in_path);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

/* ---- SIGTERM and SIGINT ---------------------------------------------------------- */

/* leadq run reading a pipe that goes quiet, with half a line in it, stopped by
 * a signal: it exits 128 + the signal (not killed by it), its stdout and its
 * --errors file end with a whole line, every decision is a whole JSON line, in
 * input order, one per lead fed, and the half line is neither decided nor saved
 * as a bad record. */
static void stop_by_signal(int sig, const char *jobs) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch(), *rules = acme_rules();
  char *err_path = fmt("%s/errors.out", scratch), *out_path = fmt("%s/.stdout", scratch);
  char *msg_path = fmt("%s/.stderr", scratch);
  int feed[2];
  cr_assert(pipe(feed) == 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644), err = open(msg_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(126);
    dup2(feed[0], 0);
    dup2(out, 1);
    dup2(err, 2);
    close(feed[0]);
    close(feed[1]);
    /* As a shell starts a foreground job: both signals at their default. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    setenv("LC_ALL", "C", 1);
    execl(leadq, leadq, "run", "--quiet", "--now", "2026-11-22", "--jobs", jobs, "--errors", err_path, rules,
          (char *)NULL);
    _exit(127);
  }
  close(feed[0]);
  enum { LEADS = 20 };
  struct { char *data; size_t len; } bad = {0};
  for (int i = 1; i <= LEADS; i++) {
    char *good = fmt("{\"id\":%d,\"email\":\"x%d@corp.example\",\"company\":{\"employees\":%d}}\n", i, i, 100 * i);
    char *b = fmt("{\"id\":%d, broken\n", i);
    cr_assert(write(feed[1], good, strlen(good)) == (ssize_t)strlen(good));
    cr_assert(write(feed[1], b, strlen(b)) == (ssize_t)strlen(b));
    bad.data = realloc(bad.data, bad.len + strlen(b));
    memcpy(bad.data + bad.len, b, strlen(b));
    bad.len += strlen(b);
    free(good);
    free(b);
  }
  const char *half = "{\"id\":\"half\",\"email\":";
  cr_assert(write(feed[1], half, strlen(half)) == (ssize_t)strlen(half));
  /* Once leadq has taken all of it (the pipe is empty) and had time to decide
   * it, it waits for the rest of the half line. */
  int queued = 1;
  for (int waited = 0; queued > 0 && waited < 600; waited++) {
    cr_assert(ioctl(feed[1], FIONREAD, &queued) == 0);
    if (queued) usleep(100 * 1000);
  }
  cr_assert(queued == 0, "leadq did not read its input within a minute");
  usleep(500 * 1000);
  cr_assert(kill(pid, sig) == 0);
  int ws = 0;
  pid_t done = 0;
  for (int waited = 0; !done && waited < 300; waited++) {
    done = waitpid(pid, &ws, WNOHANG);
    if (!done) usleep(100 * 1000);
  }
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &ws, 0);
    cr_assert_fail("signal %d: leadq did not stop within 30 seconds of the signal", sig);
  }
  close(feed[1]);
  cr_expect(WIFEXITED(ws) && WEXITSTATUS(ws) == 128 + sig, "signal %d, --jobs %s: %s %d, expected exit status %d", sig,
            jobs, WIFEXITED(ws) ? "exit status" : "killed by signal", WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws),
            128 + sig);
  size_t olen = 0, flen = 0, mlen = 0;
  char *out = slurp(out_path, &olen), *saved = slurp(err_path, &flen), *said = slurp(msg_path, &mlen);
  cr_assert(out && saved && said);
  cr_expect(olen > 0 && out[olen - 1] == '\n', "signal %d, --jobs %s: stdout does not end with a line end", sig, jobs);
  int n = 0;
  for (char *line = out, *nl; line < out + olen; line = nl + 1, n++) {
    nl = memchr(line, '\n', (size_t)(out + olen - line));
    if (!nl) nl = out + olen;
    char *want = fmt("{\"id\":%d,\"ruleset\":\"acme\",", n + 1);
    cr_expect(!strncmp(line, want, strlen(want)) && nl[-1] == '}',
              "signal %d, --jobs %s: decision %d is not a whole decision of lead %d: %.*s", sig, jobs, n + 1, n + 1,
              (int)(nl - line > 200 ? 200 : nl - line), line);
    free(want);
  }
  cr_expect(n == LEADS, "signal %d, --jobs %s: %d decisions, expected %d (one per whole lead fed)", sig, jobs, n, LEADS);
  char *diff = compare("--errors file", bad.data, bad.len, saved, flen);
  cr_expect(diff == NULL, "signal %d, --jobs %s: the --errors file holds the bad lines, whole:\n%s", sig, jobs,
            diff ? diff : "");
  free(diff);
  cr_expect(strstr(said, "half") == NULL, "signal %d: the half line was reported:\n%s", sig, said);
  free(out);
  free(saved);
  free(said);
  free(bad.data);
  free(msg_path);
  free(out_path);
  free(err_path);
  free(rules);
  remove_tree(scratch);
  free(scratch);
}

Test(e2e, sigterm_writes_whole_lines_and_exits_143, .timeout = 120.0) { stop_by_signal(SIGTERM, "1"); }
Test(e2e, sigterm_with_jobs_writes_whole_lines_and_exits_143, .timeout = 120.0) { stop_by_signal(SIGTERM, "4"); }
Test(e2e, sigint_writes_whole_lines_and_exits_130, .timeout = 120.0) { stop_by_signal(SIGINT, "1"); }

/* `leadq test`'s summary counts with thousands separators, as every other
 * count leadq prints for people: 1,200 cases, all passing. */
Test(e2e, test_summary_thousands, .timeout = 120.0) {
  const char *leadq = env_or_die("LEADQ");
  char *scratch = make_scratch();
  char *rules_path = fmt("%s/rules.lq", scratch), *cases_path = fmt("%s/cases.ndjson", scratch);
  FILE *fp = fopen(rules_path, "wb");
  cr_assert(fp != NULL);
  fputs("ruleset \"t\" version \"1\"\nroute \"all\" otherwise\n", fp);
  cr_assert(fclose(fp) == 0);
  fp = fopen(cases_path, "wb");
  cr_assert(fp != NULL);
  for (int i = 1; i <= 1200; i++)
    fprintf(fp, "{\"name\": \"case %d\", \"lead\": {\"id\": %d}, \"expect\": {\"route\": \"all\"}}\n", i, i);
  cr_assert(fclose(fp) == 0);
  char *args = fmt("test \"%s\" \"%s\"", rules_path, cases_path);
  run_result r = run_leadq(leadq, scratch, args, "/dev/null", scratch, scratch);
  cr_expect(r.status == 0, "test_summary_thousands: exit status %d, expected 0", r.status);
  const char *want = "\n1,200 passed, 0 failed\n";
  cr_expect(r.out_len >= strlen(want) && !memcmp(r.out + r.out_len - strlen(want), want, strlen(want)),
            "test_summary_thousands: the summary is not '1,200 passed, 0 failed': ...%.60s",
            r.out_len > 60 ? r.out + r.out_len - 60 : r.out);
  run_result_free(&r);
  free(args);
  free(rules_path);
  free(cases_path);
  remove_tree(scratch);
  free(scratch);
}
