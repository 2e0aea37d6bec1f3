/* input.c: the input side every command that reads leads shares: its options
 * (--input, --delimiter, --max-line-bytes, --errors, --id-field, --progress),
 * opening each input, reporting and saving bad records, and the progress line. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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

void cli_input_init(cli_input *in, const char *cmd) {
  memset(in, 0, sizeof *in);
  atomic_init(&in->odd_ids, 0);
  in->cmd = cmd;
  in->id_field = "id";
  in->feed.max_record = (size_t)64 << 20;
  in->feed.stop = &cli_stop;
  in->progress = -1;
  lq_arena_init(&in->arena, 1024);
}

int cli_input_option(cli_input *in, int c, const char *arg) {
  static const char *const names[] = {"--input", "--delimiter", "--max-line-bytes", "--errors", "--id-field",
                                      "--progress", "--no-progress", "--csv-header", "--first-line"};
  _Static_assert(sizeof names / sizeof *names == CLI_O_FIRST_LINE - CLI_O_INPUT + 1, "a name per input option");
  if (!in->given && c >= CLI_O_INPUT && c <= CLI_O_FIRST_LINE) in->given = names[c - CLI_O_INPUT];
  switch (c) {
  case CLI_O_INPUT:
    if (!strcmp(arg, "csv")) in->feed.format = LQ_FEED_CSV;
    else if (!strcmp(arg, "ndjson") || !strcmp(arg, "json") || !strcmp(arg, "jsonl")) in->feed.format = LQ_FEED_NDJSON;
    else return cli_usage_error(in->cmd, "--input is csv or ndjson, not '%s'", arg);
    return EXIT_OK;
  case CLI_O_DELIMITER:
    if (!strcmp(arg, "\\t") || !strcmp(arg, "tab")) arg = "\t";
    if (strlen(arg) != 1 || *arg == '"' || *arg == '\n' || *arg == '\r')
      return cli_usage_error(in->cmd, "--delimiter takes one character such as ';' or tab, not '%s'", arg);
    in->feed.delimiter = *arg;
    return EXIT_OK;
  case CLI_O_MAX_LINE:
    if (!parse_size(arg, &in->feed.max_record))
      return cli_usage_error(in->cmd, "--max-line-bytes takes a size from 1 to 1G, such as 65536, 64K or 16M, not '%s'",
                             arg);
    return EXIT_OK;
  case CLI_O_CSV_HEADER: in->csv_header = arg; return EXIT_OK;   /* read in cli_input_ready, after --delimiter */
  case CLI_O_FIRST_LINE: {
    char *end;
    errno = 0;
    unsigned long long n = *arg >= '0' && *arg <= '9' ? strtoull(arg, &end, 10) : 0;
    if (!n || *end || errno || n > (1ULL << 62))   /* room to count on */
      return cli_usage_error(in->cmd, "--first-line takes a line number from 1, such as 20001, not '%s'", arg);
    in->feed.first_line = n;
    return EXIT_OK;
  }
  case CLI_O_ERRORS: in->errors_path = arg; return EXIT_OK;
  case CLI_O_ID: in->id_field = arg; return EXIT_OK;
  case CLI_O_PROGRESS: in->progress = 1; return EXIT_OK;
  case CLI_O_NO_PROGRESS: in->progress = 0; return EXIT_OK;
  default: return -1;
  }
}

/* ---- outputs that are inputs ---- */

/* what: before, name and after, as in "the input 'x.csv'". */
static void add_read(cli_input *in, const struct stat *st, bool leads, const char *before, const char *name,
                     const char *after) {
  for (int i = 0; i < in->nreads; i++)
    if (in->reads[i].dev == st->st_dev && in->reads[i].ino == st->st_ino) {
      in->reads[i].leads |= leads;
      return;
    }
  if (in->nreads == in->reads_cap) {
    in->reads_cap = in->reads_cap ? 2 * in->reads_cap : 8;
    if (!(in->reads = realloc(in->reads, (size_t)in->reads_cap * sizeof *in->reads))) abort();
  }
  size_t n = strlen(before) + strlen(name) + strlen(after) + 1;
  char *what = malloc(n);
  if (!what) abort();
  snprintf(what, n, "%s%s%s", before, name, after);
  in->reads[in->nreads++] = (cli_read){st->st_dev, st->st_ino, what, leads};
}

/* A file that is not there yet is no input; it is said when it is read. */
static void add_read_path(cli_input *in, const char *path, bool leads, const char *before, const char *after) {
  struct stat st;
  if (stat(path, &st) == 0) add_read(in, &st, leads, before, path, after);
}

/* A name that says JSON: a piece cut by split (leads-ab) says nothing, and is
 * CSV when --csv-header says so. */
static bool names_json(const char *path) {
  static const char *const ends[] = {".ndjson", ".jsonl", ".json", ".ndjson.gz", ".jsonl.gz", ".json.gz"};
  size_t n = strlen(path);
  for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
    size_t e = strlen(ends[k]);
    if (n >= e && !strcasecmp(path + n - e, ends[k])) return true;
  }
  return false;
}

void cli_input_reads_leads(cli_input *in, char **files, int n) {
  struct stat st;
  for (int i = 0; i < (n ? n : 1); i++) {
    if (n && strcmp(files[i], "-")) {
      add_read_path(in, files[i], true, "the input '", "'");
      if (!in->ndjson_named && names_json(files[i])) in->ndjson_named = files[i];
    } else if (fstat(0, &st) == 0) add_read(in, &st, true, "standard input", "", "");
  }
}

void cli_input_reads_program(cli_input *in, const lq_program *p) {
  for (uint32_t i = 0; i < p->sources.n; i++)
    add_read_path(in, p->sources.files[i].path, false, i ? "'" : "the rules file '", i ? "', which the rules read" : "'");
}

void cli_input_reads_rules(cli_input *in, const char *path) {
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file(path, &d);
  cli_input_reads_program(in, p);
  lq_diags_free(&d);
  lq_program_free(p);
}

/* The input out is, or NULL; only a regular file counts (--errors /dev/null
 * with leads from /dev/null is no mistake). */
static const cli_read *read_of(const cli_input *in, const struct stat *out, bool leads_only) {
  if (!S_ISREG(out->st_mode)) return NULL;
  for (int i = 0; i < in->nreads; i++)
    if (in->reads[i].dev == out->st_dev && in->reads[i].ino == out->st_ino && (in->reads[i].leads || !leads_only))
      return &in->reads[i];
  return NULL;
}

int cli_input_refuse_output(const cli_input *in, const char *option, const char *path) {
  struct stat st;
  const cli_read *r = path && stat(path, &st) == 0 ? read_of(in, &st, false) : NULL;
  if (!r) return EXIT_OK;
  return cli_usage_error(in->cmd, "%s '%s' is the same file as %s; writing to it would erase it: name another file",
                         option, path, r->what);
}

/* --csv-header is read as a file's first row would be, in a feed of its own,
 * so a mistake in it is said once, as a usage error, not as every input's. */
static int take_csv_header(cli_input *in) {
  const char *h = in->csv_header;
  if (in->feed.format == LQ_FEED_NDJSON)
    return cli_usage_error(in->cmd, "--csv-header is for CSV input, and --input ndjson reads JSON lines, which name "
                                    "their own keys: leave out one of the two");
  if (in->feed.format == LQ_FEED_AUTO && in->ndjson_named)
    return cli_usage_error(in->cmd, "--csv-header is for CSV input, and '%s' is named as JSON: say "
                                    "--input csv if it is CSV", in->ndjson_named);
  /* As `head -1 leads.csv` gives it: a BOM and a line end are no part of the row. */
  size_t len = strlen(h);
  if (len >= 3 && !memcmp(h, "\xEF\xBB\xBF", 3)) h += 3, len -= 3;
  if (len && h[len - 1] == '\n') len--;
  if (len && h[len - 1] == '\r') len--;
  if (!len)
    return cli_usage_error(in->cmd, "--csv-header is empty: give the file's header row, such as 'id,email,employees'");
  in->feed.format = LQ_FEED_CSV;
  lq_feed *f = lq_feed_open_mem(h, len, "--csv-header", &in->feed);
  lq_record r;
  int st = EXIT_OK;
  lq_error e;
  if (lq_feed_next(f, &r))
    st = cli_usage_error(in->cmd, "--csv-header holds more than one row: give only the header row, the file's "
                                  "first line");
  else if (lq_feed_error(f, &e) != LQ_FEED_OK)
    st = cli_usage_error(in->cmd, "--csv-header: %s", e.msg);
  lq_feed_close(f);
  in->feed.header = h;
  in->feed.header_len = len;
  return st;
}

int cli_input_ready(cli_input *in) {
  lq_error e;
  if (!lq_path_parse(&in->arena, in->id_field, &in->id_segs, &in->id_nsegs, &e))
    return cli_usage_error(in->cmd, "--id-field %s", e.msg);
  if (in->csv_header) {
    int hs = take_csv_header(in);
    if (hs) return hs;
  }
  int st = cli_input_refuse_output(in, "--errors", in->errors_path);
  if (st) return st;
  /* `>> leads.ndjson` would read the output back, without end. */
  struct stat out;
  const cli_read *r = fstat(1, &out) == 0 ? read_of(in, &out, true) : NULL;
  if (r)
    return cli_usage_error(in->cmd, "standard output is the same file as %s; write the output to another file",
                           r->what);
  if (in->errors_path) {
    if (!cli_out_open(&in->errors_out, in->errors_path)) {
      fprintf(stderr, "leadq %s: cannot write '%s': %s\n", in->cmd, in->errors_path, strerror(errno));
      return EXIT_IO;
    }
    in->errors = in->errors_out.fp;
  }
  cli_stop_on_signals();
  return EXIT_OK;
}

bool cli_input_stopping(const cli_input *in) {
  return cli_stop || cli_stdout_failed() || in->errors_out.err;
}

bool cli_input_finish(cli_input *in) {
  cli_progress_clear();
  bool ok = cli_out_close(&in->errors_out);
  if (!ok) fprintf(stderr, "leadq %s: cannot write '%s': %s\n", in->cmd, in->errors_path, strerror(errno));
  in->errors = NULL;
  lq_fields_free(in->fields);
  in->fields = NULL;
  lq_arena_free(&in->arena);
  for (int i = 0; i < in->nreads; i++) free(in->reads[i].what);
  free(in->reads);
  in->reads = NULL;
  in->nreads = in->reads_cap = 0;
  return ok;
}

void cli_input_watch(cli_input *in, const lq_program *p) {
  in->fields = lq_fields_new(p, in->id_segs, in->id_nsegs);
}

/* 'orign' was missing in all 8,000 leads; the leads have 'origin': write origin.
 * A field read from a list's items (list: the list's field as written) says where:
 * 'type' was missing in every item of 'events' in all 8 leads. */
static void put_miss(lq_buf *b, const lq_fields_miss *m, const char *list, unsigned long long leads) {
  char n[32];
  cli_thousands(leads, n);
  lq_buf_printf(b, "'%s' was missing in ", m->text);
  if (list) lq_buf_printf(b, "every item of '%s' in ", list);
  if (leads == 1) lq_buf_puts(b, "the one lead");
  else lq_buf_printf(b, "all %s leads", n);
  if (m->key && m->suggest && strcmp(m->suggest, m->key))
    lq_buf_printf(b, "; the leads have '%s': write %s", m->key, m->suggest);
  else if (m->key)
    lq_buf_printf(b, "; the leads have '%s'", m->key);
}

/* Whether field a's path starts with all of field b's (b is a proper prefix). */
static bool under(const lq_field *a, const lq_field *b) {
  if (a->root != b->root || a->list != b->list || b->nsegs >= a->nsegs) return false;
  for (uint32_t k = 0; k < b->nsegs; k++) {
    const lq_seg *x = &a->segs[k], *y = &b->segs[k];
    if (x->is_index != y->is_index || (x->is_index ? x->index != y->index : x->len != y->len || memcmp(x->key, y->key, x->len)))
      return false;
  }
  return true;
}

int cli_print_field_warnings(const cli_input *in, const lq_program *p, lq_fields *F) {
  int printed = 0;
  if (in->ignored_cells) {
    char n[32];
    fprintf(stderr, "leadq %s: warning: %s record%s had a value in a column with no name in the header; it was left out\n",
            in->cmd, cli_thousands(in->ignored_cells, n), in->ignored_cells == 1 ? "" : "s");
    printed++;
  }
  unsigned long long leads = lq_fields_leads(F);
  if (!leads) return printed + cli_print_id_warning(in);
  lq_fields_miss m;
  for (int i = 0; i < p->nfields; i++) {
    if (!lq_fields_missing(F, i, &m)) continue;
    /* events.at says nothing more when the rules' events was missing too, unless
     * the leads had it flat (a column events.at): that key is news. */
    bool said = false;
    for (int j = 0; j < p->nfields && !said && m.key_nsegs <= 1; j++)
      said = under(&p->fields[i], &p->fields[j]) && lq_fields_missing(F, j, &(lq_fields_miss){0});
    if (said) continue;
    const lq_field *pf = &p->fields[i];
    const char *list = pf->root == LQ_ROOT_ITEM && pf->list >= 0 && pf->list < p->nfields ? p->fields[pf->list].text : NULL;
    int line, col;
    lq_sources_position(&p->sources, m.span.file, m.span.begin, &line, &col);
    lq_buf b = {0};
    lq_buf_printf(&b, "%s:%d:%d: warning: ", p->sources.files[m.span.file].path, line, col);
    put_miss(&b, &m, list, leads);
    lq_buf_putc(&b, '\n');
    cli_say(&b);
    printed++;
  }
  if (lq_fields_id_missing(F, &m)) {
    lq_buf b = {0};
    lq_buf_printf(&b, "leadq %s: warning: --id-field ", in->cmd);
    put_miss(&b, &m, NULL, leads);
    lq_buf_printf(&b, "; decisions carry line numbers instead, which do not join back to the CRM%s\n",
                  m.key ? "" : "; name the id with --id-field");
    cli_say(&b);
    printed++;
  }
  return printed + cli_print_id_warning(in);
}

lq_id cli_input_id(cli_input *in, lq_eval *E, const cJSON *lead, uint64_t line) {
  lq_id id = lq_id_read(E, lead, in->id_segs, in->id_nsegs, line);
  if (id.odd) atomic_fetch_add_explicit(&in->odd_ids, 1, memory_order_relaxed);
  return id;
}

int cli_print_id_warning(const cli_input *in) {
  unsigned long long n = atomic_load(&in->odd_ids);
  if (!n) return 0;
  char count[32];
  cli_progress_clear();
  fprintf(stderr,
          "leadq %s: warning: %s lead%s had an id at --id-field '%s' that is not text or a number (an object, a list, "
          "true or false); %s shown by line number, which does not join back to the CRM; point --id-field at "
          "the id itself\n",
          in->cmd, cli_thousands(n, count), n == 1 ? "" : "s", in->id_field, n == 1 ? "it is" : "they are");
  return 1;
}

cJSON *cli_decode(const lq_feed_schema *schema, lq_arena *a, const char *name, uint64_t line, const char *raw,
                  size_t len, const char *bad, lq_buf *msg, lq_buf *saved, bool *ignored) {
  lq_error e;
  cJSON *lead = bad ? NULL : lq_feed_decode(schema, a, raw, len, &e, ignored);
  if (lead || !msg) return lead;
  lq_buf_printf(msg, "%s:%llu: error: %s\n", name, (unsigned long long)line, bad ? bad : e.msg);
  if (saved) {
    lq_buf_put(saved, raw, len);
    lq_buf_putc(saved, '\n');
  }
  return NULL;
}

/* ---- the progress line ---- */

static struct {
  bool on, shown;
  double start, last;
  uint64_t records;
  uint64_t done_bytes, total_bytes;   /* of the inputs read before this one; of all, or 0 */
} progress;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void cli_progress_clear(void) {
  if (!progress.shown) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  progress.shown = false;
}

static void progress_tick(const lq_feed *f) {
  if (!progress.on || ++progress.records % 1024) return;
  double t = now_s();
  /* Nothing in the first second (a short run stays quiet), then five a second. */
  if (t - progress.start < 1.0 || t - progress.last < 0.2) return;
  progress.last = t;
  char n[32], rate[32], pct[32] = "";
  cli_thousands(progress.records, n);
  cli_thousands((unsigned long long)((double)progress.records / (t - progress.start)), rate);
  if (progress.total_bytes) {
    double done = (double)(progress.done_bytes + lq_feed_offset(f)) / (double)progress.total_bytes;
    snprintf(pct, sizeof pct, ", %.0f%%", 100 * (done > 1 ? 1 : done));
  }
  fprintf(stderr, "\r\033[Kleadq: %s records, %s/s%s", n, rate, pct);
  fflush(stderr);
  progress.shown = true;
}

static void progress_start(const cli_input *in, char **files, int n) {
  /* On a terminal for messages, and not one that the output goes to as well. */
  progress.on = in->progress == 1 || (in->progress == -1 && isatty(2) && !isatty(1));
  progress.start = progress.last = now_s();
  progress.records = 0;
  progress.done_bytes = progress.total_bytes = 0;
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (!strcmp(files[i], "-") || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode)) {
      progress.total_bytes = 0;
      return;
    }
    progress.total_bytes += (uint64_t)st.st_size;
  }
}

/* ---- reading every input ---- */

static bool report_input_error(cli_input *in, const char *name, lq_feed *f) {
  lq_error e;
  lq_feed_status st = lq_feed_error(f, &e);
  const char *why = e.msg;
  if (st == LQ_FEED_OK) return true;
  cli_progress_clear();
  if (st == LQ_FEED_BAD_HEADER) {
    uint64_t line = lq_feed_schema_of(f)->header_line;
    in->bad_inputs++;
    if (in->quiet_bad) return true;
    fprintf(stderr, "%s:%llu: error: %s; nothing in this input was read\n", name, (unsigned long long)(line ? line : 1),
            why);
    return true;
  }
  fprintf(stderr, "leadq %s: cannot read '%s': %s\n", in->cmd, name, why);
  return false;
}

void cli_record_too_long(cli_input *in, lq_feed *f, const char *name, const lq_record *r) {
  cli_progress_clear();
  char max[32];
  cli_thousands(in->feed.max_record, max);
  if (r->open_quote)
    fprintf(stderr, "%s:%llu: error: record longer than %s bytes, and a quote in it is still open there: a quote "
                    "is probably never closed, so the rest of the input was read as this record\n",
            name, (unsigned long long)r->line, max);
  else
    fprintf(stderr, "%s:%llu: error: %s longer than %s bytes; if it is a real lead, raise --max-line-bytes\n", name,
            (unsigned long long)r->line, lq_feed_schema_of(f)->format == LQ_FEED_CSV ? "record" : "line", max);
  in->bad++;
  cli_save_long(in, f, r);
}

void cli_save_long(cli_input *in, lq_feed *f, const lq_record *r) {
  if (!in->errors) return;   /* the reader skips the rest */
  fflush(in->errors);
  uint64_t start = in->errors_out.bytes;
  const char *piece = r->raw;
  size_t len = r->len;
  do fwrite(piece, 1, len, in->errors);
  while (lq_feed_more(f, &piece, &len));
  if (lq_feed_stopped(f)) cli_out_cut(&in->errors_out, start);
  else fputc('\n', in->errors);
}

static bool wanted_column(void *ctx, const char *key, uint32_t len) {
  return lq_fields_wants_key(ctx, key, len);
}

/* Read only what the rules read: a CRM export has dozens of columns, a rules
 * file reads a few, and a cell never read need not be typed nor kept. The
 * columns a finding could name (a misspelling of a field) are kept too. */
static void select_columns(cli_input *in, lq_feed *f) {
  if (!in->select || in->select->reads_lead || lq_feed_schema_of(f)->format != LQ_FEED_CSV) return;
  lq_fields *t = lq_fields_new(in->select, in->id_segs, in->id_nsegs);
  lq_feed_keep(f, wanted_column, t);
  lq_fields_free(t);
}

/* The usual mistakes with a CRM export, said before the errors they cause: a
 * CSV read as NDJSON, a ';' or tab separated file read with ','. */
static void hint_format(const char *cmd, const lq_feed *f, const char *name, const lq_record *r) {
  const lq_feed_schema *s = lq_feed_schema_of(f);
  size_t k = 0;
  while (k < r->len && (r->raw[k] == ' ' || r->raw[k] == '\t')) k++;
  if (s->format == LQ_FEED_NDJSON && k < r->len && r->raw[k] != '{' && r->raw[k] != '[' &&
      memchr(r->raw, ',', r->len)) {
    cli_progress_clear();
    fprintf(stderr, "%s:%llu: note: this looks like CSV, not NDJSON: say --input csv (or name the file .csv)\n", name,
            (unsigned long long)r->line);
  }
  if (s->format == LQ_FEED_CSV && s->ncols == 1 && s->keys[0]) {
    const char *other = strchr(s->keys[0], ';') ? ";" : strchr(s->keys[0], '\t') ? "tab" : strchr(s->keys[0], ',') ? "," : NULL;
    if (other) {
      cli_progress_clear();
      /* A header from --csv-header is no line of the input. */
      if (s->header_line) fprintf(stderr, "%s:%llu: note: the header has", name, (unsigned long long)s->header_line);
      else fprintf(stderr, "leadq %s: note: --csv-header has", cmd);
      fprintf(stderr, " one column, '%.60s'; if the file is separated by %s, say --delimiter '%s'\n", s->keys[0],
              !strcmp(other, "tab") ? "tabs" : !strcmp(other, ";") ? "semicolons" : "commas",
              !strcmp(other, "tab") ? "tab" : other);
    }
  }
}

/* The first record of an input is the row --csv-header gives: the piece had
 * its header after all. Scored, it would be a lead named "id" (or whatever the
 * first column is called); as a bad line it is counted and said. */
static bool is_given_header(const cli_input *in, const lq_record *r) {
  if (!in->csv_header || r->bad || r->too_long) return false;
  const char *s = r->raw;
  size_t n = r->len;
  if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) s += 3, n -= 3;
  if (n && s[n - 1] == '\r') n--;
  return n == in->feed.header_len && !memcmp(s, in->feed.header, n);
}

bool cli_each_record(cli_input *in, char **files, int n, const cli_input_hooks *h, void *ctx) {
  static char *stdin_only[] = {"-"};
  if (n == 0) files = stdin_only, n = 1;
  progress_start(in, files, n);
  bool ok = true;
  for (int i = 0; i < n && !cli_input_stopping(in); i++) {
    bool std = !strcmp(files[i], "-");
    const char *name = std ? "<stdin>" : files[i];
    int fd = std ? dup(0) : open(files[i], O_RDONLY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      fd = -1;
      errno = EISDIR;
    }
    if (fd < 0) {
      cli_progress_clear();
      fprintf(stderr, "leadq %s: cannot read '%s': %s\n", in->cmd, name, strerror(errno));
      ok = false;
      continue;
    }
    lq_feed *f = lq_feed_open(fd, std ? "-" : files[i], &in->feed);
    lq_record r;
    bool go = true, first = true;
    while (go && lq_feed_next(f, &r)) {
      if (cli_input_stopping(in)) break;
      if (first) {
        hint_format(in->cmd, f, name, &r);
        select_columns(in, f);
        if (is_given_header(in, &r))
          r.bad = "this line is the header row, which --csv-header gives too; a piece that starts with its "
                  "header needs no --csv-header";
      }
      first = false;
      go = h->record(ctx, f, name, &r);
      progress_tick(f);
    }
    if (!report_input_error(in, name, f)) ok = false;
    if (h->input_done) h->input_done(ctx, f, name);
    progress.done_bytes += lq_feed_size(f);
    lq_feed_close(f);
  }
  return ok;
}

/* ---- decoded leads, for the commands that evaluate on one thread ---- */

typedef struct lead_loop {
  cli_input *in;
  const cli_lead_hooks *h;
  void *ctx;
  lq_buf msg, saved;
} lead_loop;

static bool lead_record(void *ctx, lq_feed *f, const char *name, const lq_record *r) {
  lead_loop *L = ctx;
  cli_input *in = L->in;
  if (r->too_long) {
    if (in->quiet_bad) in->bad++;
    else cli_record_too_long(in, f, name, r);
    return true;
  }
  bool ignored = false;
  cJSON *lead = cli_decode(lq_feed_schema_of(f), L->h->scratch(L->ctx), name, r->line, r->raw, r->len, r->bad,
                           in->quiet_bad ? NULL : &L->msg, in->errors ? &L->saved : NULL, &ignored);
  if (!lead) {
    in->bad++;
    cli_progress_clear();
    lq_buf_flush(&L->msg, stderr);
    if (in->errors) lq_buf_flush(&L->saved, in->errors);
    return true;
  }
  in->ignored_cells += ignored;
  if (in->fields) lq_fields_observe(in->fields, lead);
  return L->h->lead(L->ctx, name, r, lead);
}

bool cli_each_lead(cli_input *in, char **files, int n, const cli_lead_hooks *h, void *ctx) {
  lead_loop L = {.in = in, .h = h, .ctx = ctx};
  bool ok = cli_each_record(in, files, n, &(cli_input_hooks){lead_record, NULL}, &L);
  lq_buf_free(&L.msg);
  lq_buf_free(&L.saved);
  return ok;
}
