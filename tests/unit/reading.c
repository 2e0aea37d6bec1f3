/* reading.c: docs/reading.md, the guide for the people who sign a rules file, is
 * what `leadq help reading` prints, byte for byte (the Makefile compiles the file
 * in), and every example in it is a golden case, tests/golden/reading-*: its
 * rules.lq and leads.csv appear in the guide exactly as the case runs them, and the
 * case's expected output holds what the guide says happens to each lead. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole of a stream, NUL-terminated; its length in *len. */
static char *read_all(FILE *fp, size_t *len) {
  size_t cap = 1 << 16, n = 0, got;
  char *buf = malloc(cap);
  cr_assert(buf);
  while ((got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      buf = realloc(buf, cap);
      cr_assert(buf);
    }
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  cr_assert(fp, "cannot read %s (the unit tests run from the top of the tree)", path);
  char *text = read_all(fp, len);
  fclose(fp);
  return text;
}

Test(reading, help_prints_the_guide_byte_for_byte) {
  cr_assert(access(LQ_TEST_LEADQ, X_OK) == 0, "%s is not built (make builds it before the tests)", LQ_TEST_LEADQ);
  size_t want_len, got_len;
  char *want = read_file("docs/reading.md", &want_len);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' help reading", LQ_TEST_LEADQ);
  FILE *p = popen(cmd, "r");
  cr_assert(p, "cannot run %s", cmd);
  char *got = read_all(p, &got_len);
  int st = pclose(p);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s failed", cmd);
  size_t i = 0;
  while (i < want_len && i < got_len && want[i] == got[i]) i++;
  cr_expect(want_len == got_len && i == want_len,
            "leadq help reading differs from docs/reading.md at byte %zu (%zu bytes printed, %zu in the file); "
            "rebuild (make) after editing the guide",
            i, got_len, want_len);
  free(want);
  free(got);
}

/* `leadq help` names the topic, so a reader finds it. */
Test(reading, help_lists_the_topic) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' help | grep -q '^  help reading '", LQ_TEST_LEADQ);
  cr_expect_eq(system(cmd), 0, "leadq help does not list 'help reading'");
}

Test(reading, every_golden_example_is_in_the_guide) {
  size_t guide_len;
  char *guide = read_file("docs/reading.md", &guide_len);
  glob_t g;
  cr_assert_eq(glob("tests/golden/reading-*/cmd", 0, NULL, &g), 0, "no tests/golden/reading-* cases");
  size_t examples = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    static const char *const parts[] = {"rules.lq", "leads.csv"};
    char dir[512];
    snprintf(dir, sizeof dir, "%.*s", (int)(strlen(g.gl_pathv[i]) - strlen("/cmd")), g.gl_pathv[i]);
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
      char path[600];
      snprintf(path, sizeof path, "%s/%s", dir, parts[k]);
      if (access(path, F_OK) != 0) continue; /* a case that runs another case's files */
      size_t len;
      char *text = read_file(path, &len);
      cr_expect(len > 0 && strstr(guide, text), "%s is not in docs/reading.md as it is written there", path);
      examples += k == 0;
      free(text);
    }
  }
  globfree(&g);
  /* Ten questions, one example each. */
  cr_expect_geq(examples, 10, "only %zu examples' rules found", examples);
  free(guide);
}
