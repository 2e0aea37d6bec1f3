/* run.c: `leadq run RULES [FILE...]`: the filter between a lead source and a CRM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "../eval.h"
#include "../ndjson.h"
#include "../output.h"
#include "cli.h"

typedef struct run_opts {
  const char *now_text;
  const char *id_field;
  const char *annotate;      /* key, or NULL */
  const char *stage, *route;
  bool rejected_only;
  const char *errors_path;
  bool stats;
  int jobs;                  /* worker threads; 1 evaluates on the reading thread */
  size_t max_line;           /* --max-line-bytes: a longer line is a bad line */
} run_opts;

/* Counts and output of a run, or of one batch of lines on a worker. */
typedef struct tally {
  lq_buf out;                /* decisions or leads, for stdout */
  lq_buf err;                /* bad-line messages, for stderr */
  lq_buf bad_lines;          /* the bad lines themselves, for --errors */
  unsigned long long leads, decisions, bad, printed;
  unsigned long long *stage_count, *route_count, *reject_count;
  unsigned long long no_stage, no_route;
} tally;

typedef struct run_state {
  const lq_program *p;
  const run_opts *o;
  lq_seg *id_segs;
  uint32_t id_nsegs;
  int stage_filter, route_filter;
  FILE *errors;
  bool write_failed;
  tally T;                   /* the whole run */
} run_state;

static void tally_init(tally *T, const lq_program *p) {
  memset(T, 0, sizeof *T);
  /* Written by the thread evaluating this batch: cache lines of their own. */
  T->stage_count = lq_xcalloc_lines((size_t)p->nstages + 1, sizeof *T->stage_count);
  T->route_count = lq_xcalloc_lines((size_t)p->nroutes + 1, sizeof *T->route_count);
  T->reject_count = lq_xcalloc_lines((size_t)p->nrejects + 1, sizeof *T->reject_count);
}

static void tally_free(tally *T) {
  free(T->stage_count);
  free(T->route_count);
  free(T->reject_count);
  lq_buf_free(&T->out);
  lq_buf_free(&T->err);
  lq_buf_free(&T->bad_lines);
}

/* Writes what a tally holds and empties it; adds a batch's counts into the run's. */
static void emit(run_state *S, tally *T) {
  if (!lq_buf_flush(&T->out, stdout)) S->write_failed = true;
  lq_buf_flush(&T->err, stderr);
  if (S->errors) lq_buf_flush(&T->bad_lines, S->errors);
  else T->bad_lines.len = 0;
  if (T == &S->T) return;
  const lq_program *p = S->p;
  S->T.leads += T->leads, S->T.decisions += T->decisions, S->T.bad += T->bad, S->T.printed += T->printed;
  S->T.no_stage += T->no_stage, S->T.no_route += T->no_route;
  for (int i = 0; i < p->nstages; i++) S->T.stage_count[i] += T->stage_count[i];
  for (int i = 0; i < p->nroutes; i++) S->T.route_count[i] += T->route_count[i];
  for (int i = 0; i < p->nrejects; i++) S->T.reject_count[i] += T->reject_count[i];
  T->leads = T->decisions = T->bad = T->printed = T->no_stage = T->no_route = 0;
  memset(T->stage_count, 0, (size_t)p->nstages * sizeof *T->stage_count);
  memset(T->route_count, 0, (size_t)p->nroutes * sizeof *T->route_count);
  memset(T->reject_count, 0, (size_t)p->nrejects * sizeof *T->reject_count);
}

static bool keep(const run_state *S, const lq_result *r) {
  if (S->o->stage && r->stage != S->stage_filter) return false;
  if (S->o->route && r->route != S->route_filter) return false;
  if (S->o->rejected_only && r->rejected < 0) return false;
  return true;
}

static void bad_line(const run_state *S, tally *T, const char *name, uint64_t lineno, const char *line,
                     size_t len, const char *why) {
  T->bad++;
  char msg[512];
  int n = snprintf(msg, sizeof msg, "%s:%llu: error: %s\n", name, (unsigned long long)lineno, why);
  lq_buf_put(&T->err, msg, n > 0 && (size_t)n < sizeof msg ? (size_t)n : strlen(msg));
  if (S->errors) {
    lq_buf_put(&T->bad_lines, line, len);
    lq_buf_putc(&T->bad_lines, '\n');
  }
}

/* One line: a decision (or the lead, filtered or annotated) into T->out, or a bad line. */
static void one_lead(const run_state *S, lq_eval *E, tally *T, const char *name, uint64_t lineno,
                     const char *line, size_t len) {
  char why[160];
  lq_eval_reset(E);
  cJSON *lead = lq_json_parse_lead(lq_eval_scratch(E), line, len, why, sizeof why);
  T->leads++;
  if (!lead) {
    bad_line(S, T, name, lineno, line, len, why);
    return;
  }
  const lq_result *r = lq_eval_lead(E, lead);
  T->decisions++;
  if (S->o->stats) {
    if (r->stage >= 0) T->stage_count[r->stage]++; else T->no_stage++;
    if (r->route >= 0) T->route_count[r->route]++; else T->no_route++;
    if (r->rejected >= 0) T->reject_count[r->rejected]++;
  }
  if (!keep(S, r)) return;
  T->printed++;
  lq_value id = cli_lead_id(E, lead, S->id_segs, S->id_nsegs);
  bool filtering = S->o->stage || S->o->route || S->o->rejected_only;
  if (S->o->annotate) lq_out_annotated(&T->out, line, len, S->o->annotate, S->p, r, id, lineno);
  else if (filtering) lq_buf_put(&T->out, line, len);
  else lq_out_decision(&T->out, S->p, r, id, lineno);
  lq_buf_putc(&T->out, '\n');
}

/* ---- on several threads: batches of lines evaluated in parallel, written in order ---- */

enum { BATCH_LINES = 512, BATCH_BYTES = 1 << 20 };

/* Aligned to a cache line: the thread filling one batch and the thread
 * evaluating its neighbour must not share one. */
typedef struct batch {
  _Alignas(64) char *text;               /* the lines back to back, each NUL-terminated */
  size_t len, cap;
  size_t *off;
  uint32_t *llen;
  uint64_t *lineno;
  int n, cap_lines;
  const char *name;          /* the input it came from */
  tally T;
  bool done;
} batch;

typedef struct pool {
  run_state *S;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  batch *ring;
  int nring;
  unsigned long long filled, taken, written;   /* batch sequence numbers */
  bool closing;
  pthread_t *threads;
  lq_eval **E;
  int nthreads, next_id;
} pool;

static void *worker(void *arg) {
  pool *P = arg;
  pthread_mutex_lock(&P->mu);
  lq_eval *E = P->E[P->next_id++];
  for (;;) {
    while (P->taken == P->filled && !P->closing) pthread_cond_wait(&P->work, &P->mu);
    if (P->taken == P->filled) break;
    batch *b = &P->ring[P->taken++ % (unsigned)P->nring];
    pthread_mutex_unlock(&P->mu);
    for (int i = 0; i < b->n; i++) one_lead(P->S, E, &b->T, b->name, b->lineno[i], b->text + b->off[i], b->llen[i]);
    pthread_mutex_lock(&P->mu);
    b->done = true;
    pthread_cond_broadcast(&P->done);
  }
  pthread_mutex_unlock(&P->mu);
  return NULL;
}

/* Writes finished batches in input order until at most `pending` are left. */
static void drain(pool *P, unsigned long long pending) {
  pthread_mutex_lock(&P->mu);
  while (P->written < P->filled) {
    batch *b = &P->ring[P->written % (unsigned)P->nring];
    if (!b->done) {
      if (P->filled - P->written <= pending) break;
      if (P->taken < P->filled) {
        /* Evaluate a waiting batch here rather than sit idle: the reading
         * thread is one of the N. */
        batch *w = &P->ring[P->taken++ % (unsigned)P->nring];
        pthread_mutex_unlock(&P->mu);
        lq_eval *E = P->E[P->nthreads];
        for (int i = 0; i < w->n; i++) one_lead(P->S, E, &w->T, w->name, w->lineno[i], w->text + w->off[i], w->llen[i]);
        pthread_mutex_lock(&P->mu);
        w->done = true;
        pthread_cond_broadcast(&P->done);
        continue;
      }
      pthread_cond_wait(&P->done, &P->mu);
      continue;
    }
    pthread_mutex_unlock(&P->mu);
    emit(P->S, &b->T);
    b->n = 0;
    b->len = 0;
    b->done = false;
    pthread_mutex_lock(&P->mu);
    P->written++;
  }
  pthread_mutex_unlock(&P->mu);
}

static void submit(pool *P) {
  pthread_mutex_lock(&P->mu);
  P->filled++;
  pthread_cond_signal(&P->work);
  pthread_mutex_unlock(&P->mu);
  drain(P, (unsigned long long)P->nring - 1);   /* the next slot must be free */
}

static void add_line(pool *P, const char *name, uint64_t lineno, const char *line, size_t len) {
  batch *b = &P->ring[P->filled % (unsigned)P->nring];
  if (b->n && b->name != name) {
    submit(P);
    b = &P->ring[P->filled % (unsigned)P->nring];
  }
  b->name = name;
  if (b->n == b->cap_lines) {
    b->cap_lines = b->cap_lines ? 2 * b->cap_lines : 64;
    b->off = realloc(b->off, (size_t)b->cap_lines * sizeof *b->off);
    b->llen = realloc(b->llen, (size_t)b->cap_lines * sizeof *b->llen);
    b->lineno = realloc(b->lineno, (size_t)b->cap_lines * sizeof *b->lineno);
    if (!b->off || !b->llen || !b->lineno) abort();
  }
  if (b->cap - b->len < len + 1) {
    while (b->cap - b->len < len + 1) b->cap = b->cap ? 2 * b->cap : BATCH_BYTES;
    if (!(b->text = realloc(b->text, b->cap))) abort();
  }
  memcpy(b->text + b->len, line, len);
  b->text[b->len + len] = '\0';
  b->off[b->n] = b->len;
  b->llen[b->n] = (uint32_t)len;
  b->lineno[b->n++] = lineno;
  b->len += len + 1;
  if (b->n >= BATCH_LINES || b->len >= BATCH_BYTES) submit(P);
}

/* jobs threads in all: jobs - 1 workers, and the reading thread, which
 * evaluates too whenever it would otherwise wait. */
static void pool_start(pool *P, run_state *S, int jobs, double now) {
  memset(P, 0, sizeof *P);
  int nthreads = jobs - 1;
  P->S = S;
  P->nthreads = nthreads;
  P->nring = 2 * jobs + 2;
  P->ring = aligned_alloc(_Alignof(batch), (size_t)P->nring * sizeof *P->ring);
  if (P->ring) memset(P->ring, 0, (size_t)P->nring * sizeof *P->ring);
  P->E = calloc((size_t)nthreads + 1, sizeof *P->E);
  P->threads = calloc((size_t)nthreads, sizeof *P->threads);
  if (!P->ring || !P->E || !P->threads) abort();
  for (int i = 0; i < P->nring; i++) tally_init(&P->ring[i].T, S->p);
  for (int i = 0; i <= nthreads; i++) P->E[i] = lq_eval_new(S->p, now);
  pthread_mutex_init(&P->mu, NULL);
  pthread_cond_init(&P->work, NULL);
  pthread_cond_init(&P->done, NULL);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&P->threads[i], NULL, worker, P) != 0) abort();
}

/* Finishes the stream, writes what is left and folds the workers' type surprises into into. */
static void pool_finish(pool *P, lq_eval *into) {
  if (P->ring[P->filled % (unsigned)P->nring].n) submit(P);
  drain(P, 0);
  pthread_mutex_lock(&P->mu);
  P->closing = true;
  pthread_cond_broadcast(&P->work);
  pthread_mutex_unlock(&P->mu);
  for (int i = 0; i < P->nthreads; i++) pthread_join(P->threads[i], NULL);
  for (int i = 0; i <= P->nthreads; i++) {
    lq_eval_merge_surprises(into, P->E[i]);
    lq_eval_free(P->E[i]);
  }
  for (int i = 0; i < P->nring; i++) {
    batch *b = &P->ring[i];
    free(b->text);
    free(b->off);
    free(b->llen);
    free(b->lineno);
    tally_free(&b->T);
  }
  pthread_mutex_destroy(&P->mu);
  pthread_cond_destroy(&P->work);
  pthread_cond_destroy(&P->done);
  free(P->ring);
  free(P->E);
  free(P->threads);
}

/* A line longer than --max-line-bytes: a bad line, never parsed nor held whole.
 * What came before it is written first, so the report and --errors stay in
 * input order; the line goes to --errors piece by piece as it is read. */
static void long_line(run_state *S, pool *P, lq_reader *rd, const char *name, char *piece, size_t len) {
  if (P) {
    if (P->ring[P->filled % (unsigned)P->nring].n) submit(P);
    drain(P, 0);
  } else {
    emit(S, &S->T);
  }
  S->T.leads++;
  S->T.bad++;
  char max[32];
  fprintf(stderr, "%s:%llu: error: line longer than %s bytes (--max-line-bytes)\n", name,
          (unsigned long long)rd->lineno, cli_thousands(S->o->max_line, max));
  if (!S->errors) return;
  do fwrite(piece, 1, len, S->errors);
  while (lq_reader_more(rd, &piece, &len));
  fputc('\n', S->errors);
}

/* Reads one input; each line goes to the pool, or is evaluated here when P is
 * NULL. Returns false on a read error. */
typedef struct run_input { run_state *S; pool *P; lq_eval *E; } run_input;

static int run_stream(void *ctx, FILE *fp, const char *name) {
  run_state *S = ((run_input *)ctx)->S;
  pool *P = ((run_input *)ctx)->P;
  lq_eval *E = ((run_input *)ctx)->E;
  lq_reader rd;
  lq_reader_init(&rd, fp);
  rd.max_line = S->o->max_line;
  char *line;
  size_t len;
  while (lq_reader_next(&rd, &line, &len)) {
    if (rd.long_line) {
      long_line(S, P, &rd, name, line, len);
      continue;
    }
    if (lq_line_blank(line, len)) continue;
    if (P) {
      add_line(P, name, rd.lineno, line, len);
      continue;
    }
    one_lead(S, E, &S->T, name, rd.lineno, line, len);
    /* Bad lines are reported as they come; decisions go out a megabyte at a time. */
    if (S->T.err.len) {
      lq_buf_flush(&S->T.err, stderr);
      if (S->errors) lq_buf_flush(&S->T.bad_lines, S->errors);
    }
    if (S->T.out.len > (1 << 20) && !lq_buf_flush(&S->T.out, stdout)) S->write_failed = true;
  }
  int err = rd.error;
  lq_reader_free(&rd);
  return err;
}

static void pct_line(const char *label, int width, unsigned long long n, unsigned long long total) {
  char buf[32];
  fprintf(stderr, "  %-*s %12s  %5.1f%%\n", width, label, cli_thousands(n, buf),
          total ? 100.0 * (double)n / (double)total : 0.0);
}

static int widest(const lq_cond_decl *d, int n, int w) {
  for (int i = 0; i < n; i++)
    if ((int)strlen(d[i].name) > w) w = (int)strlen(d[i].name);
  return w;
}

static void print_stats(const run_state *S) {
  const lq_program *p = S->p;
  char a[32], b[32], c[32];
  fprintf(stderr, "leadq: %s lead%s, %s decision%s, %s bad line%s\n", cli_thousands(S->T.leads, a),
          S->T.leads == 1 ? "" : "s", cli_thousands(S->T.decisions, b), S->T.decisions == 1 ? "" : "s",
          cli_thousands(S->T.bad, c), S->T.bad == 1 ? "" : "s");
  int w = widest(p->stages, p->nstages, widest(p->routes, p->nroutes, widest(p->rejects, p->nrejects, 6)));
  fprintf(stderr, "stage\n");
  for (int i = 0; i < p->nstages; i++) pct_line(p->stages[i].name, w, S->T.stage_count[i], S->T.decisions);
  pct_line("(none)", w, S->T.no_stage, S->T.decisions);
  fprintf(stderr, "route\n");
  for (int i = 0; i < p->nroutes; i++) pct_line(p->routes[i].name, w, S->T.route_count[i], S->T.decisions);
  pct_line("(none)", w, S->T.no_route, S->T.decisions);
  fprintf(stderr, "rejected\n");
  for (int i = 0; i < p->nrejects; i++) pct_line(p->rejects[i].name, w, S->T.reject_count[i], S->T.decisions);
}


/* A size in bytes: digits and an optional K, M or G (KiB, MiB, GiB), 1 to 1G. */
static bool parse_size(const char *s, size_t *out) {
  char *end;
  if (*s < '0' || *s > '9') return false;
  errno = 0;
  unsigned long long n = strtoull(s, &end, 10);
  int shift = 0;
  if (*end == 'K' || *end == 'k') shift = 10, end++;
  else if (*end == 'M' || *end == 'm') shift = 20, end++;
  else if (*end == 'G' || *end == 'g') shift = 30, end++;
  if (*end || errno || n == 0 || n > (1ULL << 30) >> shift) return false;
  *out = (size_t)(n << shift);
  return true;
}

const char cmd_run_help[] =
    "usage: leadq run [OPTIONS] RULES [FILE...]\n"
    "\n"
    "Reads NDJSON leads (one JSON object per line) from the FILEs in order, or stdin\n"
    "('-' is stdin), and writes one decision per lead to stdout:\n"
    "  {\"id\":...,\"ruleset\":...,\"version\":...,\"stage\":...,\"rejected\":...,\"route\":...,\n"
    "   \"score\":...,\"scores\":{...},\"grades\":{...},\"reasons\":[...]}\n"
    "\n"
    "options:\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z); default: now\n"
    "  --id-field PATH     where the lead's id is, as in the rules: crm.id, `Prospect ID`\n"
    "                      (default: id); a lead without one is identified by its line number\n"
    "  --annotate[=KEY]    print each lead as it came in with its decision added under KEY\n"
    "                      (default: qualification)\n"
    "  --stage NAME        print only leads whose stage is NAME, as they came in\n"
    "  --route NAME        print only leads routed to NAME, as they came in\n"
    "  --rejected          print only rejected leads, as they came in\n"
    "  --errors FILE       write every line that is not a JSON object to FILE, unchanged\n"
    "  --stats             print counts per stage, route and reject reason to stderr\n"
    "  --jobs N            evaluate on N threads (0: one per CPU); output stays in input\n"
    "                      order and is the same bytes as with one thread\n"
    "  --max-line-bytes N  a longer line (its line end not counted) is a bad line: reported,\n"
    "                      copied to --errors, never parsed nor held whole in memory;\n"
    "                      N may end in K, M or G (KiB, MiB, GiB), 1 to 1G (default: 64M)\n"
    "\n"
    "Filters combine: --stage SQL --route sdr prints leads matching both. With --annotate,\n"
    "filtered leads are printed annotated. Blank lines are skipped; CRLF line ends and a\n"
    "UTF-8 byte order mark are accepted; output lines end in LF.\n"
    "\n"
    "A bad line is reported on stderr as FILE:LINE: error: ..., the run goes on, and the\n"
    "exit code is 1. Input leads = decisions + bad lines, always. At the end, values of\n"
    "the wrong type (text where a number was compared...) are summarised as warnings.\n";

int cmd_run(int argc, char **argv) {
  enum { O_NOW = 1000, O_ID, O_ANNOTATE, O_STAGE, O_ROUTE, O_REJECTED, O_ERRORS, O_STATS, O_JOBS, O_MAX_LINE };
  static const struct option opts[] = {
      {"now", required_argument, NULL, O_NOW},         {"id-field", required_argument, NULL, O_ID},
      {"annotate", optional_argument, NULL, O_ANNOTATE}, {"stage", required_argument, NULL, O_STAGE},
      {"route", required_argument, NULL, O_ROUTE},     {"rejected", no_argument, NULL, O_REJECTED},
      {"errors", required_argument, NULL, O_ERRORS},   {"stats", no_argument, NULL, O_STATS},
      {"jobs", required_argument, NULL, O_JOBS},       {"max-line-bytes", required_argument, NULL, O_MAX_LINE},
      {0}};
  run_opts o = {.id_field = "id", .jobs = 1, .max_line = (size_t)64 << 20};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (c) {
    case O_NOW: o.now_text = optarg; break;
    case O_ID: o.id_field = optarg; break;
    case O_ANNOTATE: o.annotate = optarg && *optarg ? optarg : "qualification"; break;
    case O_STAGE: o.stage = optarg; break;
    case O_ROUTE: o.route = optarg; break;
    case O_REJECTED: o.rejected_only = true; break;
    case O_ERRORS: o.errors_path = optarg; break;
    case O_STATS: o.stats = true; break;
    case O_JOBS: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || end == optarg || n < 0 || n > 256)
        return cli_usage_error("run", "--jobs takes a number of threads from 1 to 256 (0: one per CPU), not '%s'", optarg);
      if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
      o.jobs = n < 1 ? 1 : (int)n;
      break;
    }
    case O_MAX_LINE:
      if (!parse_size(optarg, &o.max_line))
        return cli_usage_error("run", "--max-line-bytes takes a size from 1 to 1G, such as 65536, 64K or 16M, not '%s'",
                               optarg);
      break;
    default:
      return cli_bad_option("run", c, argv);
    }
  }
  if (optind >= argc) return cli_usage_error("run", "name a rules file");
  double now;
  if (!cli_parse_now(o.now_text, &now))
    return cli_usage_error("run", "--now '%s' is not a date or time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                           o.now_text);

  int status;
  lq_program *p = cli_load(argv[optind], false, &status);
  if (!p) return status;

  run_state S = {.p = p, .o = &o, .stage_filter = -1, .route_filter = -1};
  status = EXIT_OK;
  lq_arena opts_arena;
  lq_arena_init(&opts_arena, 4096);
  if (!lq_path_parse(&opts_arena, o.id_field, &S.id_segs, &S.id_nsegs)) {
    status = cli_usage_error("run", "--id-field '%s' is not a field path; write e.g. id, crm.id or '`Prospect ID`'",
                             o.id_field);
    goto out;
  }
  if (o.stage && (S.stage_filter = lq_find_cond(p->stages, p->nstages, o.stage)) < 0) {
    status = cli_usage_error("run", "--stage %s: the rules declare no such stage", o.stage);
    goto out;
  }
  if (o.route && (S.route_filter = lq_find_cond(p->routes, p->nroutes, o.route)) < 0) {
    status = cli_usage_error("run", "--route %s: the rules declare no such route", o.route);
    goto out;
  }
  if (o.errors_path && !(S.errors = fopen(o.errors_path, "w"))) {
    fprintf(stderr, "leadq run: cannot write '%s': %s\n", o.errors_path, strerror(errno));
    status = EXIT_IO;
    goto out;
  }
  lq_eval *E = lq_eval_new(p, now);
  tally_init(&S.T, p);
  pool P, *pool_ = NULL;
  if (o.jobs > 1) {
    pool_start(&P, &S, o.jobs, now);
    pool_ = &P;
  }

  bool io_error = !cli_each_input("run", argv + optind + 1, argc - optind - 1, run_stream,
                                   &(run_input){&S, pool_, E});
  if (pool_) pool_finish(pool_, E);
  emit(&S, &S.T);
  if (S.write_failed || fflush(stdout) != 0) {
    fprintf(stderr, "leadq run: cannot write the output: %s\n", strerror(errno));
    io_error = true;
  }
  cli_print_surprises(p, E);
  if (o.stats) print_stats(&S);
  if (S.errors && fclose(S.errors) != 0) {
    fprintf(stderr, "leadq run: cannot write '%s': %s\n", o.errors_path, strerror(errno));
    io_error = true;
  }
  status = io_error ? EXIT_IO : S.T.bad ? EXIT_BAD_INPUT : EXIT_OK;
  tally_free(&S.T);
  lq_eval_free(E);
out:
  lq_arena_free(&opts_arena);
  lq_program_free(p);
  return status;
}
