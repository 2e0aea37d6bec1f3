/* diff.c: `leadq diff OLD NEW [FILE...]`: what a rules change does to a sample
 * of leads. OLD and NEW are files or REV:PATH, read with `git show` (and their
 * includes at the same revision); the counting is src/diff.c's. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../diff.h"
#include "cli.h"

extern char **environ;

const char cmd_diff_help[] =
    "usage: leadq diff [OPTIONS] OLD NEW [FILE...]\n"
    "\n"
    "Runs two versions of the rules on the same leads (NDJSON or CSV as for run: the\n"
    "FILEs in order, or stdin; '-' is stdin) and prints what the change does to them:\n"
    "how many leads change stage, route, owner, rejection and each grade; the\n"
    "transitions old stage -> new stage and old route -> new route; who the leads\n"
    "moved from and to (old owner -> new owner, most leads first); the mean score per\n"
    "group before and after and how many leads moved up or down; and the first changed\n"
    "leads with the rules whose outcome differs. A lead has changed when its stage,\n"
    "route, owner, rejection or a grade did; stages, routes, grades, groups, rules (by\n"
    "label within a group) and rejects (by reason) are matched by name, so they may be\n"
    "added, removed or renamed. Owners are compared as decisions print them, case and\n"
    "all; the owner lines appear when either version routes to people (`to`).\n"
    "\n"
    "OLD and NEW are rules files or REV:PATH, read with `git show REV:PATH` in the\n"
    "current repository, includes and tables at the same revision (a path that exists\n"
    "as a file is a file, even with a ':' in it), so a roster change in a table file\n"
    "shows which leads move from whom to whom:\n"
    "  leadq diff HEAD~1:rules/acme.lq rules/acme.lq < sample.ndjson\n"
    "  leadq diff --format markdown origin/main:rules/acme.lq rules/acme.lq sample.ndjson\n"
    "\n"
    "With --outcome EXPR (a condition in the rules language, true for a lead that\n"
    "converted, as for report; a lead for which it is not true, a missing field\n"
    "included, did not convert) on historical leads, the diff also judges both\n"
    "versions: per stage, the leads that reached it, how many had the outcome,\n"
    "precision and recall, old -> new; and for each stage and route transition, the\n"
    "leads it moved and how many of them had the outcome: did the leads the change\n"
    "promotes convert? EXPR is read with the old rules' names, so the change cannot\n"
    "redefine success:\n"
    "  leadq diff --outcome 'won == true' HEAD~1:rules/acme.lq rules/acme.lq history.ndjson\n"
    "\n"
    "When the rules files changed (more than spaces and comments; tables are data)\n"
    "but `ruleset NAME version V` did not, diff warns at NEW's version line, and the\n"
    "Markdown says so under its summary.\n"
    "\n"
    "options:\n"
    "  --format FORMAT     text (default), json (one object) or markdown (for a\n"
    "                      pull-request comment)\n"
    "  --show N            list the first N changed leads (default 10; 0: none)\n"
    "  --owners N          list the N most common owner transitions, the rest summed\n"
    "                      in one line (default 10; 0: only the sum)\n"
    "  --outcome EXPR      judge both versions against outcomes (see above)\n"
    "  --fail-on-change    exit 1 when any lead changed (a CI gate)\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z); default: now\n"
    "  -q, --quiet         no warnings about the data at the end\n"
    CLI_INPUT_HELP
    "\n"
    "A bad record is reported on stderr as FILE:LINE: error: ..., counted, and the exit\n"
    "code is 1. A git error (unknown revision, a path not in it) is an I/O error: exit 4\n"
    "with git's message.\n";

/* ---- reading rules at a revision ---------------------------------------- */

typedef struct git_src {
  const char *spec;   /* REV:PATH as given */
  char *rev;          /* REV ("" for the index) */
  const char *path;   /* PATH */
  bool here;          /* PATH starts ./ or ../: git takes it from the current folder */
  char *error;        /* git's message from the first failed read, or NULL */
} git_src;

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    while (*len + n + 1 > *cap) *cap = *cap ? *cap * 2 : 4096;
    *buf = lq_mem_realloc(*buf, *cap);   /* text goes to the library, which frees it so */
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
}

/* `git show REV:PATH` without a shell: the text on success; NULL with errno
 * set and git's message kept in g->error otherwise. */
static char *git_read(void *ctx, const char *path, size_t *len) {
  git_src *g = ctx;
  /* Include paths come normalised (./ dropped); keep them relative to here. */
  bool dot = g->here && strncmp(path, "./", 2) != 0 && strncmp(path, "../", 3) != 0;
  size_t n = strlen(g->rev) + strlen(path) + 4;
  char *object = malloc(n);
  if (!object) abort();
  snprintf(object, n, "%s:%s%s", g->rev, dot ? "./" : "", path);
  char *argv[] = {"git", "show", "--no-textconv", object, NULL};
  int out[2], err[2];
  if (pipe(out) != 0) {
    free(object);
    return NULL;
  }
  if (pipe(err) != 0) {
    close(out[0]);
    close(out[1]);
    free(object);
    return NULL;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addclose(&fa, err[0]);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  char *text = NULL, *msg = NULL;
  size_t tlen = 0, tcap = 0, mlen = 0, mcap = 0;
  if (rc == 0) {
    struct pollfd fds[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
    int open_fds = 2;
    char chunk[65536];
    while (open_fds > 0) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; i++) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          fds[i].fd = -1;
          open_fds--;
        } else if (i == 0) {
          append(&text, &tlen, &tcap, chunk, (size_t)got);
        } else {
          append(&msg, &mlen, &mcap, chunk, (size_t)got);
        }
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = -1;
  if (rc == 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  bool ok = rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  /* git show lists a folder as "tree REV:PATH" and its entries: not rules. */
  size_t on = strlen(object);
  if (ok && tlen > on + 5 && !memcmp(text, "tree ", 5) && !memcmp(text + 5, object, on) && text[5 + on] == '\n') {
    ok = false;
    lq_mem_free(msg);
    msg = NULL;
    mlen = mcap = 0;
    const char *what = "is a folder in that revision; name a rules file in it";
    append(&msg, &mlen, &mcap, what, strlen(what));
  }
  if (ok) {
    if (!text) append(&text, &tlen, &tcap, "", 0);
    *len = tlen;
    lq_mem_free(msg);
    free(object);
    return text;
  }
  lq_mem_free(text);
  if (!g->error) {
    if (rc != 0) {
      size_t m = 64 + strlen(strerror(rc));
      g->error = malloc(m);
      if (!g->error) abort();
      snprintf(g->error, m, "cannot run git: %s", strerror(rc));
    } else {
      while (mlen && (msg[mlen - 1] == '\n' || msg[mlen - 1] == '\r')) msg[--mlen] = '\0';
      if (!mlen) append(&msg, &mlen, &mcap, "git show failed", 15);
      g->error = msg;
      msg = NULL;
    }
  }
  lq_mem_free(msg);
  free(object);
  errno = ENOENT;
  return NULL;
}

/* A file, or REV:PATH when no file has that name. */
static bool is_git_spec(const char *spec, git_src *g) {
  struct stat st;
  const char *colon = strchr(spec, ':');
  if (!colon || stat(spec, &st) == 0) return false;
  g->spec = spec;
  g->rev = strndup(spec, (size_t)(colon - spec));
  if (!g->rev) abort();
  g->path = colon + 1;
  g->here = !strncmp(g->path, "./", 2) || !strncmp(g->path, "../", 3);
  return true;
}

/* Compiles one version and prints its diagnostics; NULL with *status set when
 * it cannot be used. Files read through git are named REV:PATH in messages. */
static lq_program *load_version(const char *spec, git_src *g, const char *outcome, int *status) {
  lq_compile_opts o = {.extra_name = outcome ? "--outcome" : NULL, .extra_text = outcome};
  if (!g) return cli_load_opts(spec, &o, false, status);
  lq_file_reader reader = {git_read, g};
  o.reader = &reader;
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file_opts(g->path, &o, &d);
  for (size_t i = 0; i < p->sources.n; i++) {
    lq_source *f = &p->sources.files[i];
    size_t n = strlen(g->rev) + strlen(f->path) + 2;
    char *named = lq_mem_alloc(n);
    snprintf(named, n, "%s:%s", g->rev, f->path);
    lq_mem_free(f->path);
    f->path = named;
  }
  lq_diags_sort(&d);
  size_t errors = d.errors;
  if (p->sources.n == 0) {
    fprintf(stderr, "leadq: error: cannot read '%s': %s\n", spec, g->error ? g->error : "git show failed");
    *status = EXIT_IO;
  } else if (errors) {
    lq_diags_print(&d, &p->sources, stderr, cli_color());
    if (g->error) fprintf(stderr, "%s\n", g->error);
    fprintf(stderr, "%s: %zu error%s; nothing was evaluated\n", spec, errors, errors == 1 ? "" : "s");
    *status = g->error ? EXIT_IO : EXIT_COMPILE;
  }
  lq_diags_free(&d);
  if (errors) {
    lq_program_free(p);
    return NULL;
  }
  return p;
}

/* Warned at NEW's version, where the fix goes. */
static void version_warning(const char *old_spec, const lq_program *p) {
  lq_diags d;
  lq_diags_init(&d);
  lq_diag_warning(&d, p->version_span, "the rules changed but their version did not: both versions say \"%s\"",
                  p->version);
  lq_diag_note(&d, "raise the version here (%s still says \"%s\"), so that each decision names the rules that "
               "made it; a change of spaces or comments needs no new version", old_spec, p->version);
  lq_diags_print(&d, &p->sources, stderr, cli_color());
  lq_diags_free(&d);
}

/* ---- the stream ------------------------------------------------------------ */

typedef struct diff_state {
  lq_diff *D;
  cli_input *in;
} diff_state;

static lq_arena *diff_scratch(void *ctx) {
  diff_state *S = ctx;
  lq_diff_reset(S->D);
  return lq_diff_scratch(S->D);
}

static bool diff_lead(void *ctx, const char *name, const lq_record *r, const cJSON *lead) {
  (void)name;
  diff_state *S = ctx;
  lq_id id = cli_input_id(S->in, S->D->E[0], lead, r->line);
  lq_diff_lead(S->D, lead, &id);
  return true;
}

int cmd_diff(int argc, char **argv) {
  enum { O_FORMAT = 1000, O_SHOW, O_OWNERS, O_FAIL, O_NOW, O_OUTCOME };
  static const struct option opts[] = {
      {"format", required_argument, NULL, O_FORMAT}, {"show", required_argument, NULL, O_SHOW},
      {"owners", required_argument, NULL, O_OWNERS},
      {"fail-on-change", no_argument, NULL, O_FAIL},  {"now", required_argument, NULL, O_NOW}, {"quiet", no_argument, NULL, 'q'},
      {"outcome", required_argument, NULL, O_OUTCOME},
      CLI_INPUT_OPTIONS, {0}};
  const char *now_text = NULL, *outcome = NULL;
  cli_input in;
  cli_input_init(&in, "diff");
  lq_diff_format format = LQ_DIFF_TEXT;
  long show = 10, owners = 10;
  bool fail_on_change = false;
  int c;
  optind = 1;
  opterr = 0;
  bool quiet = false;
  while ((c = getopt_long(argc, argv, ":q", opts, NULL)) != -1) {
    switch (c) {
    case O_FORMAT:
      if (!strcmp(optarg, "text")) format = LQ_DIFF_TEXT;
      else if (!strcmp(optarg, "json")) format = LQ_DIFF_JSON;
      else if (!strcmp(optarg, "markdown")) format = LQ_DIFF_MARKDOWN;
      else return cli_usage_error("diff", "--format '%s': write text, json or markdown", optarg);
      break;
    case O_SHOW: {
      char *end;
      errno = 0;
      show = strtol(optarg, &end, 10);
      if (!*optarg || *end || errno || show < 0 || show > 1000000)
        return cli_usage_error("diff", "--show '%s' is not a number of leads; write e.g. --show 20", optarg);
      break;
    }
    case O_OWNERS: {
      char *end;
      errno = 0;
      owners = strtol(optarg, &end, 10);
      if (!*optarg || *end || errno || owners < 0 || owners > 1000000)
        return cli_usage_error("diff", "--owners '%s' is not a number of transitions; write e.g. --owners 20", optarg);
      break;
    }
    case O_FAIL: fail_on_change = true; break;
    case O_NOW: now_text = optarg; break;
    case O_OUTCOME: outcome = optarg; break;
    case 'q': quiet = true; break;
    default: {
      int st = cli_input_option(&in, c, optarg);
      if (st) {
        cli_input_finish(&in);
        return st < 0 ? cli_bad_option("diff", c, argv) : st;
      }
    }
    }
  }
  if (argc - optind < 2)
    return cli_usage_error("diff", "name the old and the new rules (files or REV:PATH)");
  double now;
  if (!cli_parse_now(now_text, &now))
    return cli_usage_error("diff", "--now '%s' is not a date or time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                           now_text);
  diff_state S = {.in = &in};

  const char *spec[2] = {argv[optind], argv[optind + 1]};
  git_src git[2] = {{0}, {0}};
  bool is_git[2];
  lq_program *p[2] = {NULL, NULL};
  /* The outcome is measured with the baseline's names, so the change cannot
   * move the measuring stick; the new version reads it too, so that a typo
   * in it is warned about as the new version's fields are, and so that an
   * outcome the change redefines (a stage named in it) is found out. */
  char *outcome_define = NULL;
  if (outcome) {
    size_t n = strlen(outcome) + 32;
    outcome_define = malloc(n);
    if (!outcome_define) abort();
    snprintf(outcome_define, n, "define __outcome__ = %s", outcome);
  }
  int status = EXIT_OK;
  for (int v = 0; v < 2; v++) {
    is_git[v] = is_git_spec(spec[v], &git[v]);
    if (is_git[v] && git[v].rev[0] == '-') {
      status = cli_usage_error("diff", "'%s' is not a file, and '%s' is not a revision", spec[v], git[v].rev);
      goto out;
    }
  }
  for (int v = 0; v < 2; v++) {
    int st = EXIT_OK;
    /* An error in the outcome is told once, with the old version. */
    p[v] = load_version(spec[v], is_git[v] ? &git[v] : NULL, v == 0 || p[0] ? outcome_define : NULL, &st);
    if (!p[v] && (status == EXIT_OK || st == EXIT_IO)) status = st;
  }
  if (!p[0] || !p[1]) goto out;
  /* A version read through git is no file here. */
  for (int v = 0; v < 2; v++)
    if (!is_git[v]) cli_input_reads_program(&in, p[v]);
  cli_input_reads_leads(&in, argv + optind + 2, argc - optind - 2);
  if ((status = cli_input_ready(&in)) != EXIT_OK) goto out;

  S.D = lq_diff_new(p[0], p[1], now, (int)show);
  if (outcome)
    lq_diff_set_outcome(S.D, lq_find_define(p[0], "__outcome__"), lq_find_define(p[1], "__outcome__"));
  if (lq_diff_version_unchanged(S.D))   /* about the rules, not the data: -q keeps it */
    version_warning(spec[0], p[1]);
  cli_input_watch(&in, p[1]);   /* the proposed version's fields: it is the one to fix */
  bool io_error = !cli_each_lead(&in, argv + optind + 2, argc - optind - 2,
                                 &(cli_lead_hooks){diff_scratch, diff_lead}, &S);
  S.D->bad = in.bad;
  lq_buf out = {0};
  /* Stopped by a signal: no counts of a sample only partly read. */
  if (!cli_stop) lq_diff_write(&out, S.D, &(lq_diff_write_opts){format, spec[0], spec[1], (int)owners, outcome});
  lq_buf_flush(&out, stdout);   /* a write error is told at exit (cli_finish) */
  fflush(stdout);
  lq_buf_free(&out);
  if (!quiet && !cli_stop) {
    cli_print_surprises(p[1], S.D->E[1]);   /* the proposed version's: it is the one to fix */
    cli_print_field_warnings(&in, p[1], in.fields);
  }
  if (S.D->outcome_differs && !cli_stop) {
    char n[LQ_OUT_COUNT_MAX];
    fprintf(stderr, "leadq diff: warning: --outcome read otherwise with the new rules in %s lead%s: it names "
            "something the change redefines (a stage, a score, a define); it was measured with the old rules' "
            "names. Write it with the leads' own fields, such as won == true\n",
            lq_out_count(n, S.D->outcome_differs), S.D->outcome_differs == 1 ? "" : "s");
  }
  if (!cli_input_finish(&in)) io_error = true;
  status = io_error ? EXIT_IO : in.bad || in.bad_inputs ? EXIT_BAD_INPUT : fail_on_change && S.D->changed ? EXIT_BAD_INPUT : EXIT_OK;
  lq_diff_free(S.D);
out:
  for (int v = 0; v < 2; v++) {
    lq_program_free(p[v]);
    free(git[v].rev);
    free(git[v].error);
  }
  free(outcome_define);
  cli_input_finish(&in);   /* again after an error: frees what is left */
  return status;
}
