/* run.c: `leadq run RULES [FILE...]`: the filter between a lead source and a CRM. */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "../eval.h"
#include "../output.h"
#include "cli.h"

typedef struct run_opts {
  const char *now_text;
  const char *annotate;      /* key, or NULL */
  const char *stage, *route;
  bool rejected_only;
  bool stats, quiet;
  bool csv_out;              /* --output csv */
  int jobs;                  /* worker threads; 1 evaluates on the reading thread */
} run_opts;

/* Counts and output of a run, or of one batch of lines on a worker. */
typedef struct tally {
  lq_buf out;                /* decisions or leads, for stdout */
  lq_buf err;                /* bad-line messages, for stderr */
  lq_buf bad_lines;          /* the bad lines themselves, for --errors */
  lq_buf json;               /* a CSV record as a JSON object, for --annotate */
  unsigned long long leads, decisions, bad, printed, ignored;
  unsigned long long *stage_count, *route_count, *reject_count;
  unsigned long long *fired;   /* per points rule, then reject, then stage: leads it fired on */
  unsigned long long no_stage, no_route;
} tally;

typedef struct run_state {
  const lq_program *p;
  const run_opts *o;
  cli_input *in;
  int stage_filter, route_filter;
  bool passthrough;          /* leads printed as they came in: filtered or annotated */
  const char *csv_header;    /* CSV out of CSV records: the header printed, or NULL */
  size_t csv_header_len;
  int *csv_taken;            /* --annotate: the header's columns that are the decision's (lq_out_csv_taken) */
  int csv_ncols;
  bool skip_input;           /* this input's header differs from the one printed */
  tally T;                   /* the whole run */
} run_state;

static size_t nfired(const lq_program *p) { return (size_t)p->nrules + (size_t)p->nrejects + (size_t)p->nstages; }

static void tally_init(tally *T, const lq_program *p) {
  memset(T, 0, sizeof *T);
  /* Written by the thread evaluating this batch: cache lines of their own. */
  T->stage_count = lq_xcalloc_lines((size_t)p->nstages + 1, sizeof *T->stage_count);
  T->route_count = lq_xcalloc_lines((size_t)p->nroutes + 1, sizeof *T->route_count);
  T->reject_count = lq_xcalloc_lines((size_t)p->nrejects + 1, sizeof *T->reject_count);
  T->fired = lq_xcalloc_lines(nfired(p) + 1, sizeof *T->fired);
}

static void tally_free(tally *T) {
  lq_mem_free(T->stage_count);
  lq_mem_free(T->route_count);
  lq_mem_free(T->reject_count);
  lq_mem_free(T->fired);
  lq_buf_free(&T->out);
  lq_buf_free(&T->err);
  lq_buf_free(&T->bad_lines);
  lq_buf_free(&T->json);
}

/* Writes what a tally holds and empties it; adds a batch's counts into the run's. */
static void emit(run_state *S, tally *T) {
  lq_buf_flush(&T->out, stdout);   /* a write error stops the reading (cli_input_stopping) */
  if (T->err.len) cli_progress_clear();
  lq_buf_flush(&T->err, stderr);
  if (S->in->errors) lq_buf_flush(&T->bad_lines, S->in->errors);
  else T->bad_lines.len = 0;
  if (T == &S->T) return;
  const lq_program *p = S->p;
  S->T.leads += T->leads, S->T.decisions += T->decisions, S->T.bad += T->bad, S->T.printed += T->printed;
  S->T.ignored += T->ignored;
  S->T.no_stage += T->no_stage, S->T.no_route += T->no_route;
  for (int i = 0; i < p->nstages; i++) S->T.stage_count[i] += T->stage_count[i];
  for (int i = 0; i < p->nroutes; i++) S->T.route_count[i] += T->route_count[i];
  for (int i = 0; i < p->nrejects; i++) S->T.reject_count[i] += T->reject_count[i];
  for (size_t i = 0; i < nfired(p); i++) S->T.fired[i] += T->fired[i];
  T->leads = T->decisions = T->bad = T->printed = T->ignored = T->no_stage = T->no_route = 0;
  memset(T->stage_count, 0, (size_t)p->nstages * sizeof *T->stage_count);
  memset(T->route_count, 0, (size_t)p->nroutes * sizeof *T->route_count);
  memset(T->reject_count, 0, (size_t)p->nrejects * sizeof *T->reject_count);
  memset(T->fired, 0, nfired(p) * sizeof *T->fired);
}

static bool keep(const run_state *S, const lq_result *r) {
  if (S->o->stage && r->stage != S->stage_filter) return false;
  if (S->o->route && r->route != S->route_filter) return false;
  if (S->o->rejected_only && r->rejected < 0) return false;
  return true;
}

/* One record: a decision (or the lead, filtered or annotated) into T->out, or a bad record. */
static void one_lead(const run_state *S, lq_eval *E, lq_fields *F, tally *T, const lq_feed_schema *schema,
                     const char *name, uint64_t lineno, const char *line, size_t len, const char *bad) {
  lq_eval_reset(E);
  bool ignored = false;
  cJSON *lead = cli_decode(schema, lq_eval_scratch(E), name, lineno, line, len, bad, &T->err,
                           S->in->errors ? &T->bad_lines : NULL, &ignored);
  T->leads++;
  if (!lead) {
    T->bad++;
    return;
  }
  T->ignored += ignored;
  lq_fields_observe(F, lead);
  const lq_result *r = lq_eval_lead(E, lead);
  T->decisions++;
  if (S->o->stats) {
    if (r->stage >= 0) T->stage_count[r->stage]++; else T->no_stage++;
    if (r->route >= 0) T->route_count[r->route]++; else T->no_route++;
    if (r->rejected >= 0) T->reject_count[r->rejected]++;
    const lq_program *p = S->p;
    unsigned long long *f = T->fired;
    for (int i = 0; i < p->nrules; i++) f[i] += !isnan(r->points[i]);
    f += p->nrules;
    for (int i = 0; i < p->nrejects; i++) f[i] += r->rejects[i];
    f += p->nrejects;
    for (int i = 0; i < p->nstages; i++) f[i] += r->stages[i];
  }
  lq_id id = cli_input_id(S->in, E, lead, lineno);   /* every lead's: the odd ones are counted */
  if (!keep(S, r)) return;
  T->printed++;
  const run_opts *o = S->o;
  bool csv_in = schema->format == LQ_FEED_CSV;
  if (o->csv_out && S->passthrough) {   /* CSV records as they came in (checked: the input is CSV) */
    if (o->annotate)
      lq_out_csv_annotated(&T->out, line, len, S->csv_taken, S->csv_ncols, S->p, r, &id, schema->delimiter);
    else
      lq_buf_put(&T->out, line, len);
  } else if (o->csv_out) {
    lq_out_csv_decision(&T->out, S->p, r, &id, S->in->feed.delimiter ? S->in->feed.delimiter : ',');
  } else if (S->passthrough) {
    /* A CSV record is printed as the JSON object it was read as. */
    if (csv_in) {
      T->json.len = 0;
      lq_out_lead_json(&T->json, lead);
      line = T->json.data, len = T->json.len;
    }
    if (o->annotate) lq_out_annotated(&T->out, line, len, lead, o->annotate, S->p, r, &id);
    else lq_buf_put(&T->out, line, len);
  } else {
    lq_out_decision(&T->out, S->p, r, &id);
  }
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
  const char **bad;          /* framing's reason a record is bad, or NULL */
  int n, cap_lines;
  const char *name;          /* the input it came from */
  const lq_feed_schema *schema;
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
  lq_fields **F;
  int nthreads, next_id;
} pool;

static void *worker(void *arg) {
  pool *P = arg;
  pthread_mutex_lock(&P->mu);
  lq_eval *E = P->E[P->next_id];
  lq_fields *F = P->F[P->next_id++];
  for (;;) {
    while (P->taken == P->filled && !P->closing) pthread_cond_wait(&P->work, &P->mu);
    if (P->taken == P->filled) break;
    batch *b = &P->ring[P->taken++ % (unsigned)P->nring];
    pthread_mutex_unlock(&P->mu);
    for (int i = 0; i < b->n; i++) one_lead(P->S, E, F, &b->T, b->schema, b->name, b->lineno[i], b->text + b->off[i], b->llen[i], b->bad[i]);
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
        lq_fields *F = P->F[P->nthreads];
        for (int i = 0; i < w->n; i++) one_lead(P->S, E, F, &w->T, w->schema, w->name, w->lineno[i], w->text + w->off[i], w->llen[i], w->bad[i]);
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
    if (b->cap > 2 * BATCH_BYTES) {   /* a very long lead grew it: give the memory back */
      free(b->text);
      b->text = NULL;
      b->cap = 0;
    }
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

static void add_line(pool *P, const lq_feed_schema *schema, const char *name, const lq_record *r) {
  const char *line = r->raw;
  size_t len = r->len;
  batch *b = &P->ring[P->filled % (unsigned)P->nring];
  if (b->n && (b->name != name || b->schema != schema)) {
    submit(P);
    b = &P->ring[P->filled % (unsigned)P->nring];
  }
  b->name = name;
  b->schema = schema;
  if (b->n == b->cap_lines) {
    b->cap_lines = b->cap_lines ? 2 * b->cap_lines : 64;
    b->off = realloc(b->off, (size_t)b->cap_lines * sizeof *b->off);
    b->llen = realloc(b->llen, (size_t)b->cap_lines * sizeof *b->llen);
    b->lineno = realloc(b->lineno, (size_t)b->cap_lines * sizeof *b->lineno);
    b->bad = realloc(b->bad, (size_t)b->cap_lines * sizeof *b->bad);
    if (!b->off || !b->llen || !b->lineno || !b->bad) abort();
  }
  if (b->cap - b->len < len + 1) {
    while (b->cap - b->len < len + 1) b->cap = b->cap ? 2 * b->cap : BATCH_BYTES;
    if (!(b->text = realloc(b->text, b->cap))) abort();
  }
  memcpy(b->text + b->len, line, len);
  b->text[b->len + len] = '\0';
  b->off[b->n] = b->len;
  b->llen[b->n] = (uint32_t)len;
  b->bad[b->n] = r->bad;
  b->lineno[b->n++] = r->line;
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
  P->F = calloc((size_t)nthreads + 1, sizeof *P->F);
  P->threads = calloc((size_t)nthreads, sizeof *P->threads);
  if (!P->ring || !P->E || !P->F || !P->threads) abort();
  for (int i = 0; i < P->nring; i++) tally_init(&P->ring[i].T, S->p);
  for (int i = 0; i <= nthreads; i++) {
    P->E[i] = lq_eval_new(S->p, now);
    P->F[i] = lq_fields_new(S->p, S->in->id_segs, S->in->id_nsegs);
  }
  pthread_mutex_init(&P->mu, NULL);
  pthread_cond_init(&P->work, NULL);
  pthread_cond_init(&P->done, NULL);
  /* SIGINT and SIGTERM go to the reading thread, whose wait for input they
   * must interrupt: the workers never take them. */
  sigset_t old;
  cli_block_stop_signals(&old);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&P->threads[i], NULL, worker, P) != 0) abort();
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Finishes the stream, writes what is left and folds the workers' type
 * surprises and field sightings into into and F. */
static void pool_finish(pool *P, lq_eval *into, lq_fields *F) {
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
    lq_fields_merge(F, P->F[i]);
    lq_fields_free(P->F[i]);
  }
  for (int i = 0; i < P->nring; i++) {
    batch *b = &P->ring[i];
    free(b->text);
    free(b->off);
    free(b->llen);
    free(b->lineno);
    free(b->bad);
    tally_free(&b->T);
  }
  pthread_mutex_destroy(&P->mu);
  pthread_cond_destroy(&P->work);
  pthread_cond_destroy(&P->done);
  free(P->ring);
  free(P->E);
  free(P->F);
  free(P->threads);
}

/* Writes every batch in flight, so what comes next is in input order. */
static void flush_pool(run_state *S, pool *P) {
  if (P) {
    if (P->ring[P->filled % (unsigned)P->nring].n) submit(P);
    drain(P, 0);
  } else {
    emit(S, &S->T);
  }
}

/* CSV records printed as they came in: one header, the first input's. */
static bool csv_header(run_state *S, pool *P, const lq_feed_schema *schema, const char *name) {
  if (!S->csv_header) {
    lq_buf h = {0};
    if (S->o->annotate) {
      S->csv_taken = lq_out_csv_taken(S->p, S->o->annotate, schema->keys, schema->key_lens, schema->ncols);
      S->csv_ncols = schema->ncols;
      lq_out_csv_annotated_header(&h, S->p, S->o->annotate, schema->header, schema->header_len, S->csv_taken,
                                  schema->ncols, schema->delimiter);
    } else {
      lq_buf_put(&h, schema->header, schema->header_len);
    }
    lq_buf_putc(&h, '\n');
    flush_pool(S, P);
    lq_buf_flush(&h, stdout);
    lq_buf_free(&h);
    S->csv_header_len = schema->header_len;
    S->csv_header = strndup(schema->header, schema->header_len);
    return true;
  }
  if (schema->header_len == S->csv_header_len && !memcmp(schema->header, S->csv_header, S->csv_header_len))
    return true;
  flush_pool(S, P);
  cli_progress_clear();
  fprintf(stderr, "%s:1: error: the header differs from the first input's, and a CSV output has one header; "
                  "nothing in this input was read (run it on its own)\n", name);
  S->in->bad_inputs++;
  return false;
}

/* Each record goes to the pool, or is evaluated here when P is NULL. */
typedef struct run_input {
  run_state *S;
  pool *P;
  lq_eval *E;
  lq_fields *F;
  const lq_feed_schema *started;
} run_input;

static bool run_record(void *ctx, lq_feed *f, const char *name, const lq_record *r) {
  run_input *I = ctx;
  run_state *S = I->S;
  const lq_feed_schema *schema = lq_feed_schema_of(f);
  if (I->started != schema) {   /* the first record of an input */
    I->started = schema;
    S->skip_input = S->o->csv_out && S->passthrough && !csv_header(S, I->P, schema, name);
  }
  if (S->skip_input) return false;
  if (r->too_long) {
    /* What came before is written first, so the report and --errors stay in input order. */
    flush_pool(S, I->P);
    S->T.leads++;
    cli_record_too_long(S->in, f, name, r);
    return true;
  }
  if (I->P) {
    add_line(I->P, schema, name, r);
    return true;
  }
  one_lead(S, I->E, I->F, &S->T, schema, name, r->line, r->raw, r->len, r->bad);
  /* Bad records are reported as they come; decisions go out a megabyte at a time. */
  if (S->T.err.len) {
    cli_progress_clear();
    lq_buf_flush(&S->T.err, stderr);
    if (S->in->errors) lq_buf_flush(&S->T.bad_lines, S->in->errors);
  }
  if (S->T.out.len > (1 << 20)) lq_buf_flush(&S->T.out, stdout);
  return true;
}

/* The schema dies with its input: nothing of it may stay in flight. */
static void run_input_done(void *ctx, lq_feed *f, const char *name) {
  run_input *I = ctx;
  run_state *S = I->S;
  const lq_feed_schema *schema = lq_feed_schema_of(f);
  /* A CSV input of a header alone still gives a CSV output its header. */
  if (I->started != schema && S->o->csv_out && S->passthrough && schema->header) csv_header(S, I->P, schema, name);
  I->started = NULL;
  flush_pool(S, I->P);
}

static void pct_line(lq_buf *o, const char *label, int width, unsigned long long n, unsigned long long total) {
  char buf[32];
  lq_buf_printf(o, "  %-*s %12s  %5.1f%%\n", width, label, cli_thousands(n, buf),
                total ? 100.0 * (double)n / (double)total : 0.0);
}

static int widest(const lq_cond_decl *d, int n, int w) {
  for (int i = 0; i < n; i++)
    if ((int)strlen(d[i].name) > w) w = (int)strlen(d[i].name);
  return w;
}

/* The k-th of the points rules, rejects, stages and routes, with its place. */
static void print_rule(lq_buf *o, const lq_program *p, int k) {
  lq_span span;
  char what[400];
  if (k < p->nrules) {
    const lq_rule *r = &p->rules[k];
    span = r->span;
    snprintf(what, sizeof what, "%s \"%s\"", p->groups[r->group].name, r->label);
  } else if ((k -= p->nrules) < p->nrejects) {
    span = p->rejects[k].span;
    snprintf(what, sizeof what, "reject \"%s\"", p->rejects[k].name);
  } else if ((k -= p->nrejects) < p->nstages) {
    span = p->stages[k].span;
    snprintf(what, sizeof what, "stage %s", p->stages[k].name);
  } else {
    k -= p->nstages;
    span = p->routes[k].span;
    snprintf(what, sizeof what, "route \"%s\"", p->routes[k].name);
  }
  int line, col;
  lq_sources_position(&p->sources, span.file, span.begin, &line, &col);
  lq_buf_printf(o, "  %s:%d: %s\n", p->sources.files[span.file].path, line, what);
}

/* The statistics as one block, written at once (cli_say). */
static void stats_text(lq_buf *o, const run_state *S) {
  const lq_program *p = S->p;
  char a[32], b[32], c[32];
  lq_buf_printf(o, "leadq: %s lead%s, %s decision%s, %s bad line%s\n", cli_thousands(S->T.leads, a),
                S->T.leads == 1 ? "" : "s", cli_thousands(S->T.decisions, b), S->T.decisions == 1 ? "" : "s",
                cli_thousands(S->in->bad, c), S->in->bad == 1 ? "" : "s");
  int w = widest(p->stages, p->nstages, widest(p->routes, p->nroutes, widest(p->rejects, p->nrejects, 6)));
  lq_buf_puts(o, "stage\n");
  for (int i = 0; i < p->nstages; i++) pct_line(o, p->stages[i].name, w, S->T.stage_count[i], S->T.decisions);
  pct_line(o, "(none)", w, S->T.no_stage, S->T.decisions);
  lq_buf_puts(o, "route\n");
  for (int i = 0; i < p->nroutes; i++) pct_line(o, p->routes[i].name, w, S->T.route_count[i], S->T.decisions);
  pct_line(o, "(none)", w, S->T.no_route, S->T.decisions);
  lq_buf_puts(o, "rejected\n");
  for (int i = 0; i < p->nrejects; i++) pct_line(o, p->rejects[i].name, w, S->T.reject_count[i], S->T.decisions);
  if (!S->T.decisions) return;
  /* A rule that fires on every lead or on none decides nothing here: a
   * misspelt field or a threshold out of the data's range, most often. */
  for (int every = 1; every >= 0; every--) {
    bool heading = false;
    const unsigned long long *f = S->T.fired;
    for (int k = 0; k < p->nrules + p->nrejects + p->nstages + p->nroutes; k++) {
      unsigned long long n = k < p->nrules + p->nrejects + p->nstages ? f[k] : S->T.route_count[k - (int)nfired(p)];
      if (n != (every ? S->T.decisions : 0)) continue;
      if (!heading) lq_buf_puts(o, every ? "fired on every lead\n" : "fired on no lead\n");
      heading = true;
      print_rule(o, p, k);
    }
  }
}

static void print_stats(const run_state *S) {
  lq_buf o = {0};
  stats_text(&o, S);
  cli_say(&o);
}


const char cmd_run_help[] =
    "usage: leadq run [OPTIONS] RULES [FILE...]\n"
    "\n"
    "Reads leads from the FILEs in order, or stdin ('-' is stdin): NDJSON (one JSON\n"
    "object per line) or CSV with a header row (a FILE ending in .csv or .csv.gz, or\n"
    "--input csv), plain or gzip-compressed. Writes one decision per lead to stdout:\n"
    "  {\"id\":...,\"ruleset\":...,\"version\":...,\"stage\":...,\"rejected\":...,\"route\":...,\n"
    "   \"owner\":...,\"score\":...,\"scores\":{...},\"grades\":{...},\"reasons\":[...]}\n"
    "or, with --output csv, a header row and one row per decision: id, ruleset,\n"
    "version, stage, rejected, route, owner, score, one column per score group and\n"
    "per grade, and reasons (\"enterprise size +20; free email provider -30\").\n"
    "\n"
    "options:\n"
    "  --now TIME          fix the clock (2026-11-22 or 2026-11-22T10:00:00Z); default: now\n"
    "  --output ndjson|csv decisions as JSON lines (default) or as CSV for a CRM import\n"
    "  --annotate[=KEY]    print each lead as it came in with its decision added under KEY\n"
    "                      (default: qualification); with --output csv, the CSV row\n"
    "                      followed by the decision's columns, named KEY.stage, KEY.route...;\n"
    "                      a KEY or KEY.* column the lead already has gets the new decision\n"
    "  --stage NAME        print only leads whose stage is NAME, as they came in\n"
    "  --route NAME        print only leads routed to NAME, as they came in\n"
    "  --rejected          print only rejected leads, as they came in\n"
    "  --stats             print counts per stage, route and reject reason, and the rules\n"
    "                      that fired on every lead or on none, to stderr\n"
    "  --quiet, -q         no warnings about the data at the end (bad records are still\n"
    "                      reported)\n"
    "  --jobs N            evaluate on N threads (0: one per CPU); output stays in input\n"
    "                      order and is the same bytes as with one thread\n"
    CLI_INPUT_HELP
    "\n"
    "Filters combine: --stage SQL --route sdr prints leads matching both. With --annotate,\n"
    "filtered leads are printed annotated. 'As they came in': an NDJSON lead is its line's\n"
    "bytes; a CSV record is its row's bytes with --output csv (after the header, once),\n"
    "else the JSON object it was read as. Output lines end in LF.\n"
    "\n"
    "A CSV cell is typed on its own: empty: the field is missing; true or false (any\n"
    "case): true or false; a number written as JSON writes it (42, -1.5, 1e3; not 042,\n"
    "+1 or 1,000): a number; anything else: text. So zip code 02139 stays text, 10001\n"
    "is a number. Empty text, or text of only spaces, is missing in every format.\n"
    "\n"
    "A bad record (invalid JSON, a CSV row with another number of cells than the header,\n"
    "invalid UTF-8...) is reported on stderr as FILE:LINE: error: ..., the run goes on,\n"
    "and the exit code is 1. Input records = decisions + bad records, always. At the end,\n"
    "warnings about the data: values of the wrong type (text where a number was\n"
    "compared), leads a route passed over for want of an owner (route ... to OWNER),\n"
    "fields the rules read that no lead had, an --id-field no lead had.\n"
    "A corrupt or cut-short gzip input is an I/O error (exit 4) after every record\n"
    "before the damage was decided.\n";

int cmd_run(int argc, char **argv) {
  enum { O_NOW = 1000, O_ANNOTATE, O_STAGE, O_ROUTE, O_REJECTED, O_STATS, O_JOBS, O_OUTPUT, O_QUIET };
  static const struct option opts[] = {
      {"now", required_argument, NULL, O_NOW},           {"annotate", optional_argument, NULL, O_ANNOTATE},
      {"stage", required_argument, NULL, O_STAGE},       {"route", required_argument, NULL, O_ROUTE},
      {"rejected", no_argument, NULL, O_REJECTED},       {"stats", no_argument, NULL, O_STATS},
      {"jobs", required_argument, NULL, O_JOBS},         {"output", required_argument, NULL, O_OUTPUT},
      {"quiet", no_argument, NULL, O_QUIET},             CLI_INPUT_OPTIONS,
      {0}};
  run_opts o = {.jobs = 1};
  cli_input in;
  cli_input_init(&in, "run");
  int c, status = EXIT_OK;
  optind = 1;
  opterr = 0;
  while (!status && (c = getopt_long(argc, argv, ":q", opts, NULL)) != -1) {
    switch (c) {
    case O_NOW: o.now_text = optarg; break;
    case O_ANNOTATE: o.annotate = optarg && *optarg ? optarg : "qualification"; break;
    case O_STAGE: o.stage = optarg; break;
    case O_ROUTE: o.route = optarg; break;
    case O_REJECTED: o.rejected_only = true; break;
    case O_STATS: o.stats = true; break;
    case O_QUIET: case 'q': o.quiet = true; break;
    case O_OUTPUT:
      if (!strcmp(optarg, "csv")) o.csv_out = true;
      else if (strcmp(optarg, "ndjson") && strcmp(optarg, "json"))
        status = cli_usage_error("run", "--output is ndjson or csv, not '%s'", optarg);
      break;
    case O_JOBS: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || end == optarg || n < 0 || n > 256)
        status = cli_usage_error("run", "--jobs takes a number of threads from 1 to 256 (0: one per CPU), not '%s'",
                                 optarg);
      if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
      o.jobs = n < 1 ? 1 : (int)n;
      break;
    }
    default:
      status = cli_input_option(&in, c, optarg);
      if (status < 0) status = cli_bad_option("run", c, argv);
    }
  }
  double now = 0;
  if (!status && optind >= argc) status = cli_usage_error("run", "name a rules file");
  if (!status && !cli_parse_now(o.now_text, &now))
    status = cli_usage_error("run", "--now '%s' is not a date or time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                             o.now_text);
  run_state S = {.o = &o, .in = &in, .stage_filter = -1, .route_filter = -1};
  S.passthrough = o.annotate || o.stage || o.route || o.rejected_only;
  char **files = argv + optind + 1;
  int nfiles = argc - optind - 1;
  /* A CSV output of leads as they came in needs CSV leads. */
  for (int i = 0; !status && o.csv_out && S.passthrough && i < (nfiles ? nfiles : 1); i++) {
    const char *name = nfiles ? files[i] : "-";
    if (lq_feed_format_of(name, &in.feed) != LQ_FEED_CSV)
      status = cli_usage_error("run", "--output csv with --annotate or a filter prints each lead as it came in, "
                                      "so the input must be CSV; '%s' is read as NDJSON (say --input csv if it is CSV)",
                               !strcmp(name, "-") ? "<stdin>" : name);
  }
  lq_program *p = NULL;
  if (!status) p = cli_load(argv[optind], false, &status);
  if (!p) {
    cli_input_finish(&in);
    return status;
  }
  S.p = p;
  cli_input_reads_program(&in, p);
  cli_input_reads_leads(&in, files, nfiles);
  if (o.stage && (S.stage_filter = lq_find_cond(p->stages, p->nstages, o.stage)) < 0)
    status = cli_usage_error("run", "--stage %s: the rules declare no such stage", o.stage);
  else if (o.route && (S.route_filter = lq_find_cond(p->routes, p->nroutes, o.route)) < 0)
    status = cli_usage_error("run", "--route %s: the rules declare no such route", o.route);
  else
    status = cli_input_ready(&in);
  if (status) {
    cli_input_finish(&in);
    lq_program_free(p);
    return status;
  }

  lq_eval *E = lq_eval_new(p, now);
  tally_init(&S.T, p);
  if (o.csv_out && !S.passthrough) {   /* out now: with --jobs, batches go straight to stdout */
    lq_out_csv_header(&S.T.out, p, NULL, in.feed.delimiter ? in.feed.delimiter : ',');
    lq_buf_putc(&S.T.out, '\n');
    emit(&S, &S.T);
  }
  pool P, *pool_ = NULL;
  if (o.jobs > 1) {
    pool_start(&P, &S, o.jobs, now);
    pool_ = &P;
  }
  lq_fields *F = lq_fields_new(p, in.id_segs, in.id_nsegs);
  /* A CSV record printed as the JSON object it was read as needs every column. */
  if (!S.passthrough || o.csv_out) in.select = p;
  bool io_error = !cli_each_record(&in, files, nfiles, &(cli_input_hooks){run_record, run_input_done},
                                   &(run_input){&S, pool_, E, F, NULL});
  if (pool_) pool_finish(pool_, E, F);
  emit(&S, &S.T);
  fflush(stdout);   /* the decisions before the warnings; a write error is told at exit (cli_finish) */
  in.bad += S.T.bad;
  in.ignored_cells += S.T.ignored;
  cli_progress_clear();
  /* Stopped by a signal: nothing more about data only partly read. */
  if (!o.quiet && !cli_stop) {
    cli_print_surprises(p, E);
    cli_print_field_warnings(&in, p, F);
  }
  lq_fields_free(F);
  if (!cli_input_finish(&in)) io_error = true;
  if (o.stats && !cli_stop) print_stats(&S);
  status = io_error ? EXIT_IO : in.bad || in.bad_inputs ? EXIT_BAD_INPUT : EXIT_OK;
  free((char *)S.csv_header);
  free(S.csv_taken);
  tally_free(&S.T);
  lq_eval_free(E);
  lq_program_free(p);
  return status;
}
