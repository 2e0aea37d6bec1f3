/* stderr_writes.c: each message leadq writes reaches stderr in one write(2),
 * so that in a log shared with stdout (2>&1) or with other processes no
 * message is cut by another's bytes.
 *
 * The command runs with stdout and stderr on one SOCK_SEQPACKET socket: each
 * write is one packet, read back as it was written, so a message written in
 * pieces shows as packets that do not end a line, with no timing involved. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_WRITES = 64, PACKET = 1 << 16 };

typedef struct writes {
  char *w[MAX_WRITES];
  int n;
  int status;
} writes;

/* Runs leadq ARGS in the golden case folder dir; keeps each write to stdout or stderr. */
static writes run_leadq(const char *dir, const char *stdin_file, char *const args[]) {
  int sv[2];
  cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    if (chdir(dir) != 0) _exit(126);
    if (stdin_file && !freopen(stdin_file, "r", stdin)) _exit(126);
    dup2(sv[1], 1);
    dup2(sv[1], 2);
    close(sv[0]);
    close(sv[1]);
    setenv("NO_COLOR", "1", 1);
    setenv("LC_ALL", "C", 1);
    execv(LQ_TEST_LEADQ, args);
    _exit(127);
  }
  close(sv[1]);
  writes W = {0};
  char *buf = malloc(PACKET);
  ssize_t got;
  /* 0 once the command, the last holder of the other end, has exited. */
  while ((got = recv(sv[0], buf, PACKET, 0)) > 0) {
    cr_assert_lt(W.n, MAX_WRITES, "more writes than expected");
    W.w[W.n] = strndup(buf, (size_t)got);
    W.n++;
  }
  free(buf);
  close(sv[0]);
  cr_assert_eq(waitpid(pid, &W.status, 0), pid);
  return W;
}

/* Every write ends a line: none holds half a message. */
static void assert_whole(const writes *W) {
  cr_assert_gt(W->n, 0);
  for (int i = 0; i < W->n; i++) {
    size_t len = strlen(W->w[i]);
    cr_assert(len && W->w[i][len - 1] == '\n', "write %d of %d is not a whole message: '%s'", i + 1, W->n, W->w[i]);
  }
}

static int find(const writes *W, const char *needle) {
  for (int i = 0; i < W->n; i++)
    if (strstr(W->w[i], needle)) return i;
  return -1;
}

static void free_writes(writes *W) {
  for (int i = 0; i < W->n; i++) free(W->w[i]);
}

/* A diagnostic's header, source line, caret and note in one write; the count line in one. */
Test(stderr_writes, check_diagnostic_and_summary_each_whole) {
  writes W = run_leadq("tests/golden/check-warnings", NULL, (char *[]){"leadq", "check", "rules.lq", NULL});
  assert_whole(&W);
  int d = find(&W, "warning: grade 'tier' never reaches");
  cr_assert_geq(d, 0);
  cr_assert(strstr(W.w[d], "\n  note: labels are tried in order"), "the note came apart: '%s'", W.w[d]);
  int s = find(&W, "rules.lq: 0 errors, 2 warnings");
  cr_assert_geq(s, 0);
  cr_assert_str_eq(W.w[s], "rules.lq: 0 errors, 2 warnings\n");
  free_writes(&W);
}

/* The end-of-run warnings about fields the leads lacked, one write each. */
Test(stderr_writes, field_warnings_each_whole) {
  writes W = run_leadq("tests/golden/warn-field-misspelt-csv", NULL,
                       (char *[]){"leadq", "run", "--now", "2026-11-22", "--id-field", "crm_id", "--output", "csv",
                                  "rules.lq", "leads.csv", NULL});
  assert_whole(&W);
  int m = find(&W, "rules.lq:6:24: warning: 'email'");
  cr_assert_geq(m, 0);
  cr_assert_str_eq(W.w[m], "rules.lq:6:24: warning: 'email' was missing in all 2 leads; the leads have 'Emial'\n");
  int id = find(&W, "leadq run: warning: --id-field");
  cr_assert_geq(id, 0);
  cr_assert(strstr(W.w[id], "name the id with --id-field\n"), "came apart: '%s'", W.w[id]);
  free_writes(&W);
}

/* --stats: the block of counts in one write. */
Test(stderr_writes, stats_block_whole) {
  writes W = run_leadq("tests/golden/stats", "stdin",
                       (char *[]){"leadq", "run", "--now", "2026-11-22", "--stats", "../../../rules/acme.lq", NULL});
  assert_whole(&W);
  int s = find(&W, "leadq: 7 leads, 7 decisions");
  cr_assert_geq(s, 0);
  cr_assert(strstr(W.w[s], "\nrejected\n"), "the statistics came apart: '%s'", W.w[s]);
  free_writes(&W);
}
