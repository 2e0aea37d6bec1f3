/* rules_input.c: how rules files, includes and tables are read (issue 11):
 * each file once, within the size and file-count limits, and only what can be
 * read to an end (docs/language.md, "Decision: includes" and "Limits"). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "helpers.h"
#include "source.h"

static char *tmpdir(void) {
  static char dir[64];
  snprintf(dir, sizeof dir, "/tmp/leadq-rules-input-XXXXXX");
  cr_assert(mkdtemp(dir));
  return dir;
}

static void write_file(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  cr_assert(fp, "cannot write %s", path);
  fputs(text, fp);
  fclose(fp);
}

static void rm_rf(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

static lq_program *compile_at(const char *dir, const char *name, lq_diags *d) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  lq_diags_init(d);
  return lq_compile_file(path, d);
}

/* f0 includes f1 twice, f1 includes f2 twice, ...: read naively, the last
 * file is read 2^levels times. */
static void write_bomb(const char *dir, int levels) {
  for (int i = 0; i <= levels; i++) {
    char name[32], text[128];
    snprintf(name, sizeof name, "f%d.lq", i);
    if (i < levels) snprintf(text, sizeof text, "include \"f%d.lq\"\ninclude \"./f%d.lq\"\n", i + 1, i + 1);
    else snprintf(text, sizeof text, "list free = [\"gmail.com\"]\nstage MQL when email in free\n");
    write_file(dir, name, text);
  }
}

/* ---- include: each file once ---- */

Test(rules_input, an_include_bomb_reads_each_file_once, .timeout = 20.0) {
  char *dir = tmpdir();
  write_bomb(dir, 30);   /* 2^30 reads before the fix */
  lq_diags d;
  lq_program *p = compile_at(dir, "f0.lq", &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "%s", t_diag_all(&d, all, sizeof all));
  cr_assert_eq(p->sources.n, 31, "each of the 31 files read once, not %zu times", p->sources.n);
  lq_program_free(p);
  lq_diags_free(&d);
  rm_rf(dir);
}

/* What `diff REV:PATH` does: every read through the reader starts `git show`. */
typedef struct counting_reader { int reads; } counting_reader;

static char *count_read(void *ctx, const char *path, size_t *len) {
  ((counting_reader *)ctx)->reads++;
  lq_error e;
  char *text = lq_read_file(path, len, &e);
  if (!text) errno = e.sys;   /* the reader's contract (parse.h) */
  return text;
}

Test(rules_input, through_a_reader_each_file_is_read_once, .timeout = 20.0) {
  char *dir = tmpdir();
  write_bomb(dir, 10);   /* 2,047 `git show`s before the fix */
  char path[512];
  snprintf(path, sizeof path, "%s/f0.lq", dir);
  counting_reader c = {0};
  lq_file_reader reader = {count_read, &c};
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file_opts(path, &(lq_compile_opts){.reader = &reader}, &d);
  cr_assert_eq(d.errors, 0);
  cr_assert_eq(c.reads, 11, "11 files, %d reads", c.reads);
  lq_program_free(p);
  lq_diags_free(&d);
  rm_rf(dir);
}

Test(rules_input, a_cycle_is_still_an_error_at_the_include_that_closes_it) {
  char *dir = tmpdir();
  write_file(dir, "a.lq", "include \"b.lq\"\nroute \"all\" otherwise\n");
  write_file(dir, "b.lq", "include \"c.lq\"\ninclude \"a.lq\"\n");
  write_file(dir, "c.lq", "list x = [1]\n");
  lq_diags d;
  lq_program *p = compile_at(dir, "a.lq", &d);
  cr_assert_eq(d.errors, 1);
  int i = t_diag_find(&d, "'a.lq' includes itself (through 2 files); remove one of the includes");
  cr_assert(i >= 0);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 9);
  lq_program_free(p);
  lq_diags_free(&d);
  rm_rf(dir);
}

Test(rules_input, a_program_reads_at_most_a_thousand_files, .timeout = 30.0) {
  char *dir = tmpdir();
  /* main.lq includes i0 ... i1000: with main.lq itself that is 1,002 files. */
  size_t cap = 1001 * 24 + 64;
  char *text = malloc(cap);
  size_t n = 0;
  for (int i = 0; i <= 1000; i++) {
    char name[32];
    snprintf(name, sizeof name, "i%d.lq", i);
    write_file(dir, name, "# nothing\n");
    n += (size_t)snprintf(text + n, cap - n, "include \"i%d.lq\"\n", i);
  }
  write_file(dir, "main.lq", text);
  free(text);
  lq_diags d;
  lq_program *p = compile_at(dir, "main.lq", &d);
  cr_assert_eq(d.errors, 1, "one error, however many includes are over");
  int i = t_diag_find(&d, "more than 1,000 rules files; a program reads at most 1,000, includes and all");
  cr_assert(i >= 0);
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 1000, "main.lq and i0 ... i998 are 1,000 files: the include of i999 is one too many");
  cr_assert_eq(col, 9);
  lq_program_free(p);
  lq_diags_free(&d);
  rm_rf(dir);
}

/* ---- what can be read ---- */

Test(rules_input, a_file_over_one_gigabyte_is_refused_before_it_is_read) {
  char *dir = tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/big.lq", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  cr_assert(fd >= 0);
  cr_assert_eq(ftruncate(fd, (off_t)LQ_MAX_RULES_BYTES + 1), 0);   /* sparse: no disk used */
  close(fd);
  write_file(dir, "main.lq", "route \"all\" otherwise\ninclude \"big.lq\"\n");
  lq_diags d;
  lq_program *p = compile_at(dir, "main.lq", &d);
  cr_assert_eq(d.errors, 1);
  int i = t_diag_find(&d, "big.lq': with the files read before it, the rules are larger than 1 GB");
  char all[4096];
  cr_assert(i >= 0, "%s", t_diag_all(&d, all, sizeof all));
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 9);
  lq_program_free(p);
  lq_diags_free(&d);

  size_t len = 0;
  lq_error e;
  cr_assert_null(lq_read_file(path, &len, &e));
  cr_assert_eq(e.sys, EFBIG);
  cr_assert_str_eq(lq_read_strerror(EFBIG), "it is larger than 1 GB (1,073,741,823 bytes), the most a rules file may be");
  rm_rf(dir);
}

/* A pipe has no size to look at first: it is cut while it is read, so an
 * endless one costs the limit, not its length. */
Test(rules_input, a_pipe_is_read_up_to_the_limit_and_no_further, .timeout = 20.0) {
  FILE *yes = popen("exec yes 'route \"a\" otherwise'", "r");
  cr_assert(yes);
  char path[64];
  snprintf(path, sizeof path, "/dev/fd/%d", fileno(yes));
  size_t len = 0;
  lq_error e;
  cr_assert_null(lq_read_file_max(path, 1 << 20, &len, &e));
  cr_assert_eq(e.sys, EFBIG);
  pclose(yes);

  /* One that ends within the limit is read whole. */
  FILE *one = popen("printf 'route \"a\" otherwise\\n'", "r");
  cr_assert(one);
  snprintf(path, sizeof path, "/dev/fd/%d", fileno(one));
  char *text = lq_read_file_max(path, 1 << 20, &len, &e);
  cr_assert_not_null(text);
  cr_assert_str_eq(text, "route \"a\" otherwise\n");
  cr_assert_eq(len, 20);
  free(text);
  pclose(one);
}

Test(rules_input, folders_and_devices_are_named_as_such) {
  size_t len;
  lq_error e;
  cr_assert_null(lq_read_file("/tmp", &len, &e));
  cr_assert_str_eq(e.msg, "cannot read '/tmp': it is a folder; name a file in it");
  cr_assert_eq(e.sys, EISDIR);
  cr_assert_str_eq(lq_read_strerror(e.sys), "it is a folder; name a file in it");
  cr_assert_null(lq_read_file("/dev/zero", &len, &e));
  cr_assert_eq(e.sys, ENODEV);
  cr_assert_str_eq(lq_read_strerror(e.sys), "it is a device, not a file");
  cr_assert_null(lq_read_file("/dev/null", &len, &e));
  cr_assert_eq(e.sys, ENODEV);
  cr_assert_null(lq_read_file("/no/such/file.lq", &len, &e));
  cr_assert_eq(e.sys, ENOENT);
  cr_assert_str_eq(lq_read_strerror(e.sys), "No such file or directory");
}

/* A table may be far larger than a rules file, but it is read with the same
 * care: a device is refused before it is opened. */
Test(rules_input, a_table_has_its_own_larger_limit_and_refuses_devices) {
  char *dir = tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/big.csv", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  cr_assert(fd >= 0);
  cr_assert_eq(ftruncate(fd, ((off_t)1 << 31)), 0);   /* 2 GB exactly: one byte over */
  close(fd);
  write_file(dir, "main.lq",
             "table big = \"big.csv\"\ntable dev = \"/dev/zero\"\nroute \"all\" otherwise\n");
  lq_diags d;
  lq_program *p = compile_at(dir, "main.lq", &d);
  char all[4096];
  int i = t_diag_find(&d, "big.csv': it is larger than 2 GB (2,147,483,647 bytes), the most a table file may be");
  cr_assert(i >= 0, "%s", t_diag_all(&d, all, sizeof all));
  i = t_diag_find(&d, "cannot read table '/dev/zero': it is a device, not a file");
  cr_assert(i >= 0, "%s", t_diag_all(&d, all, sizeof all));
  int line, col;
  t_diag_pos(p, &d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 13);
  lq_program_free(p);
  lq_diags_free(&d);
  rm_rf(dir);
}
