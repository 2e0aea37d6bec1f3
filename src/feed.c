/* feed.c: records from NDJSON or CSV inputs, plain or gzip, in bounded memory.
 *
 * An input that starts with the gzip magic bytes is inflated with zlib as it
 * is read, any other is read as it is, so stdin and a file named anything
 * work alike. The inflate loop is ours rather than gzread's: gzread drops what
 * it had inflated in a call that meets damage, and every record before the
 * damage must still be decided. One growing buffer holds the record
 * being framed: memory is the longest record (at most max_record and a few
 * bytes), never the stream.
 *
 * The CSV reader is our own rather than libcsv's: every record must come out
 * with its exact bytes and first line number (a filter prints it as it came
 * in, --errors saves a bad one verbatim, all its physical lines), a bad record
 * must be reported and skipped while the stream goes on, and framing (here,
 * on the reading thread) must be separate from splitting and typing the cells
 * (on the evaluating threads of run --jobs). libcsv's callbacks give cell
 * values only, and its strict mode stops at the first error. Framing a CSV
 * line without a quote is one scan, so CSV costs no more than NDJSON. */
#include "feed.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>   /* SSE2 is in every x86-64 */
#endif

#include "hash.h"
#include "json.h"

/* Room past max_record the buffer may need to tell a long record: a BOM, a
 * CR, the LF and the NUL. */
enum { SLACK = 8 };

/* Where a CSV scan is: at a field's start, in an unquoted field, inside
 * quotes, or just after a quote inside quotes (an escaped "" or the end). */
enum { AT_START, UNQUOTED, QUOTED, QUOTE_SEEN };

/* The bytes of an input: plain, or gzip members inflated one after another. */
typedef struct source {
  int fd;
  bool regular;              /* a regular file: a read never waits for a writer */
  bool gzip, in_eof, member_end;
  z_stream z;
  unsigned char *in;         /* compressed bytes read, not yet inflated: z.next_in */
  uint64_t offset;           /* bytes of the input read */
} source;

enum { IN_CHUNK = 1 << 17 };

struct lq_feed {
  source src;
  const char *name;
  lq_feed_opts o;
  lq_feed_schema schema;
  lq_arena arena;            /* the header's keys */
  char *buf;
  size_t cap, start, end;    /* unread bytes are buf[start..end) */
  size_t scanned;            /* bytes of the current record framed so far */
  int state;                 /* CSV: the scan's state at buf[start + scanned] */
  uint64_t inner_lines;      /* line ends inside quotes in the current record */
  uint64_t lines;            /* physical lines consumed */
  bool eof, at_start, header_done, rest;
  bool stopped;              /* o.stop was set: the input ends here, whatever was read */
  lq_feed_status status;
  int err;
  char why[200];
  uint64_t size;
};

lq_feed_format lq_feed_format_of(const char *name, const lq_feed_opts *o) {
  if (o->format != LQ_FEED_AUTO) return o->format;
  size_t n = strlen(name);
  if ((n > 4 && !strcasecmp(name + n - 4, ".csv")) || (n > 7 && !strcasecmp(name + n - 7, ".csv.gz")))
    return LQ_FEED_CSV;
  return LQ_FEED_NDJSON;
}

static bool read_header(lq_feed *f, const char *raw, size_t len, const char *bad);

static lq_feed *feed_new(const char *name, const lq_feed_opts *o) {
  lq_feed *f = lq_xcalloc(1, sizeof *f);
  f->name = name;
  f->o = *o;
  f->schema.format = lq_feed_format_of(name, o);
  f->schema.delimiter = o->delimiter ? o->delimiter : ',';
  f->header_done = f->schema.format != LQ_FEED_CSV;
  /* Memory follows the line limit: a lead read is bigger than its line (see
   * LQ_LEAD_MEMORY_FACTOR), and a limit on the line alone bounds nothing. */
  if (o->max_record) {
    size_t most = o->max_record > SIZE_MAX / LQ_LEAD_MEMORY_FACTOR ? SIZE_MAX : o->max_record * LQ_LEAD_MEMORY_FACTOR;
    f->schema.max_memory = most > LQ_LEAD_MEMORY_MIN ? most : LQ_LEAD_MEMORY_MIN;
  }
  f->at_start = true;
  f->cap = 1 << 20;
  f->buf = lq_mem_alloc(f->cap);
  lq_arena_init(&f->arena, 4096);
  f->src.fd = -1;
  if (o->first_line > 1) f->lines = o->first_line - 1;
  if (!f->header_done && o->header) {
    read_header(f, o->header, o->header_len, NULL);
    f->schema.header_line = 0;   /* it came from no line of the input */
  }
  return f;
}

/* The first bytes say gzip or not; they stay in the input buffer either way. */
static void sniff(lq_feed *f) {
  source *s = &f->src;
  s->gzip = s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b;
  if (s->gzip && inflateInit2(&s->z, 15 + 16) != Z_OK) abort();   /* 16: gzip only */
}

/* read(2) that goes on after a signal, unless the stop flag is set: then the
 * input ends here (0, f->stopped). A pipe or a terminal is first waited on
 * with poll, which a signal interrupts even under SA_RESTART (read would be
 * restarted, and would wait on); its timeout catches a signal that lands
 * between the look at the flag and the wait. */
static ssize_t read_input(lq_feed *f, void *to, size_t n) {
  const source *s = &f->src;
  for (;;) {
    if (f->o.stop && *f->o.stop) {
      f->stopped = true;
      return 0;
    }
    if (f->o.stop && !s->regular) {
      struct pollfd p = {.fd = s->fd, .events = POLLIN};
      int ready = poll(&p, 1, 500);
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    }
    ssize_t got = read(s->fd, to, n);
    if (got < 0 && errno == EINTR) continue;
    return got;
  }
}

lq_feed *lq_feed_open(int fd, const char *name, const lq_feed_opts *o) {
  lq_feed *f = feed_new(name, o);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    f->size = (uint64_t)st.st_size;
    f->src.regular = true;
  }
  f->src.fd = fd;
  f->src.in = lq_mem_alloc(IN_CHUNK);
  size_t got = 0;
  while (got < 2) {
    ssize_t n = read_input(f, f->src.in + got, IN_CHUNK - got);
    if (n < 0) {
      f->status = LQ_FEED_EIO;
      f->err = errno;
      f->eof = true;
      break;
    }
    if (n == 0) {
      f->src.in_eof = true;
      break;
    }
    got += (size_t)n;
  }
  f->src.offset = got;
  f->src.z.next_in = f->src.in;
  f->src.z.avail_in = (uInt)got;
  sniff(f);
  return f;
}

lq_feed *lq_feed_open_mem(const char *text, size_t len, const char *name, const lq_feed_opts *o) {
  if (len > UINT32_MAX) return NULL;   /* zlib counts input in 32 bits */
  lq_feed *f = feed_new(name, o);
  f->src.z.next_in = (unsigned char *)text;
  f->src.z.avail_in = (uInt)len;
  f->src.in_eof = true;
  f->src.offset = f->size = len;
  sniff(f);
  return f;
}

void lq_feed_close(lq_feed *f) {
  if (!f) return;
  if (f->src.gzip) inflateEnd(&f->src.z);
  if (f->src.fd >= 0) close(f->src.fd);
  lq_mem_free(f->src.in);
  lq_mem_free(f->buf);
  lq_arena_free(&f->arena);
  lq_mem_free(f);
}

const lq_feed_schema *lq_feed_schema_of(const lq_feed *f) { return &f->schema; }

void lq_feed_keep(lq_feed *f, bool (*keep)(void *ctx, const char *key, uint32_t len), void *ctx) {
  lq_feed_schema *s = &f->schema;
  if (s->format != LQ_FEED_CSV || !s->ncols) return;
  bool *wanted = lq_arena_zalloc(&f->arena, (size_t)s->ncols * sizeof *wanted);
  for (int i = 0; i < s->ncols; i++) wanted[i] = s->keys[i] && keep(ctx, s->keys[i], s->key_lens[i]);
  s->wanted = wanted;
}

lq_feed_status lq_feed_error(const lq_feed *f, lq_error *err) {
  if (!err) return f->status;
  lq_error_clear(err);
  if (f->status == LQ_FEED_EIO) lq_error_sys(err, f->err, "%s", strerror(f->err));
  else if (f->status != LQ_FEED_OK) lq_error_set(err, "%s", f->why);
  return f->status;
}
bool lq_feed_stopped(const lq_feed *f) { return f->stopped; }
uint64_t lq_feed_offset(const lq_feed *f) { return f->src.offset; }
uint64_t lq_feed_size(const lq_feed *f) { return f->size; }
uint64_t lq_feed_lines(const lq_feed *f) { return f->lines; }
size_t lq_feed_buffer_size(const lq_feed *f) { return f->cap; }

static void corrupt(lq_feed *f, const char *what) {
  f->status = LQ_FEED_CORRUPT;
  snprintf(f->why, sizeof f->why, "the gzip data %s; the records before the damage were read", what);
}

/* More compressed bytes into the input buffer; false at the end of the input. */
static bool source_more(lq_feed *f) {
  source *s = &f->src;
  if (s->in_eof) return false;
  if (s->z.avail_in) memmove(s->in, s->z.next_in, s->z.avail_in);
  ssize_t n = read_input(f, s->in + s->z.avail_in, IN_CHUNK - s->z.avail_in);
  if (n < 0) {
    f->status = LQ_FEED_EIO;
    f->err = errno;
    return false;
  }
  s->z.next_in = s->in;
  s->z.avail_in += (uInt)n;
  s->offset += (uint64_t)n;
  if (n == 0) s->in_eof = true;
  return n > 0;
}

/* Up to room bytes of the input into to; 0 at its end or on an error. */
static size_t source_read(lq_feed *f, char *to, size_t room) {
  source *s = &f->src;
  if (f->status != LQ_FEED_OK) return 0;
  if (!s->gzip) {   /* plain: what the first read brought, then straight from the fd */
    if (s->z.avail_in) {
      size_t n = s->z.avail_in < room ? s->z.avail_in : room;
      memcpy(to, s->z.next_in, n);
      s->z.next_in += n;
      s->z.avail_in -= (uInt)n;
      return n;
    }
    if (s->in_eof) return 0;
    ssize_t n = read_input(f, to, room);
    if (n < 0) f->status = LQ_FEED_EIO, f->err = errno;
    if (n <= 0) return 0;
    s->offset += (uint64_t)n;
    return (size_t)n;
  }
  if (room > (1u << 30)) room = 1u << 30;
  s->z.next_out = (unsigned char *)to;
  s->z.avail_out = (uInt)room;
  while (s->z.avail_out == room && !f->stopped) {
    if (s->member_end) {   /* another member follows, or the input ends here */
      if (!s->z.avail_in && !source_more(f)) return 0;
      if (s->z.avail_in < 2 && !s->in_eof) {
        source_more(f);
        continue;
      }
      if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f || s->z.next_in[1] != 0x8b) {
        corrupt(f, "has bytes after its end that are not gzip");
        return 0;
      }
      inflateReset(&s->z);
      s->member_end = false;
    }
    if (!s->z.avail_in && !source_more(f)) {
      if (f->status == LQ_FEED_OK && !f->stopped) corrupt(f, "is cut short (a truncated file?)");
      break;
    }
    int rc = inflate(&s->z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) s->member_end = true;
    else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      char what[120];
      snprintf(what, sizeof what, "is corrupt (%s)", s->z.msg ? s->z.msg : rc == Z_MEM_ERROR ? "out of memory" : "zlib error");
      corrupt(f, what);
      break;
    }
  }
  return room - s->z.avail_out;   /* what came before any damage is kept */
}

static void fill(lq_feed *f) {
  if (f->start > 0) {
    memmove(f->buf, f->buf + f->start, f->end - f->start);
    f->end -= f->start;
    f->start = 0;
  }
  if (f->cap - f->end < 2) {
    size_t cap = f->cap * 2;
    if (f->o.max_record && cap > f->o.max_record + SLACK) cap = f->o.max_record + SLACK;
    if (cap > f->cap) {
      f->cap = cap;
      f->buf = lq_mem_realloc(f->buf, f->cap);
    }
  }
  size_t room = f->cap - f->end - 1;   /* room for a NUL */
  size_t n = source_read(f, f->buf + f->end, room);
  if (n == 0) f->eof = true;
  f->end += n;
}

static uint64_t count_lf(const char *s, size_t n) {
  uint64_t k = 0;
  for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))); s++) k++;
  return k;
}

/* The offset of the first LF or quote in b[i..avail), or avail: outside
 * quotes a CSV record ends at the one or needs a look at the other. One scan
 * for both, 64 bytes a step where SSE2 is, rather than a search for the LF
 * and another over the line for a quote. */
static size_t lf_or_quote(const char *b, size_t i, size_t avail) {
#ifdef __SSE2__
  const __m128i lf = _mm_set1_epi8('\n'), q = _mm_set1_epi8('"');
  for (; i + 64 <= avail; i += 64) {
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 16 * (size_t)k));
      m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, q)))
           << (16 * k);
    }
    if (m) return i + (size_t)__builtin_ctzll(m);
  }
  for (; i + 16 <= avail; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, q)));
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#endif
  for (; i < avail; i++)
    if (b[i] == '\n' || b[i] == '"') return i;
  return avail;
}

/* Frames from b[i] on: the offset of the LF that ends the record, or avail
 * when it does not end in b[0..avail). NDJSON: the next LF. CSV: the next LF
 * outside quotes, where a quote opens only at the start of a field (a quote
 * inside an unquoted field is text, as in Excel). */
static size_t frame(lq_feed *f, const char *b, size_t i, size_t avail) {
  if (f->schema.format != LQ_FEED_CSV) {
    const char *nl = memchr(b + i, '\n', avail - i);
    return nl ? (size_t)(nl - b) : avail;
  }
  char delim = f->schema.delimiter;
  while (i < avail) {
    if (f->state == QUOTED) {
      const char *q = memchr(b + i, '"', avail - i);
      size_t stop = q ? (size_t)(q - b) : avail;
      f->inner_lines += count_lf(b + i, stop - i);
      i = stop;
      if (q) f->state = QUOTE_SEEN, i++;
    } else if (f->state == QUOTE_SEEN) {
      char c = b[i];
      if (c == '\n') return i;
      f->state = c == '"' ? QUOTED : c == delim ? AT_START : UNQUOTED;
      i++;
    } else {
      size_t at = lf_or_quote(b, i, avail);
      if (at == avail || b[at] == '\n') {   /* no quote before the line's end */
        if (at > i) f->state = b[at - 1] == delim ? AT_START : UNQUOTED;
        if (at < avail) return at;
        i = at;
        continue;
      }
      bool field_start = at == i ? f->state == AT_START : b[at - 1] == delim;
      f->state = field_start ? QUOTED : UNQUOTED;
      i = at + 1;
    }
  }
  return avail;
}

static void record_done(lq_feed *f) {
  f->lines += 1 + f->inner_lines;
  f->inner_lines = 0;
  f->scanned = 0;
  f->state = AT_START;
}

bool lq_feed_next(lq_feed *f, lq_record *r) {
  const char *piece;
  size_t plen;
  while (lq_feed_more(f, &piece, &plen)) {}   /* the unread rest of a long record */
  if (f->status == LQ_FEED_BAD_HEADER) return false;   /* opts' header: nothing can be read */
  for (;;) {
    if (f->stopped) return false;   /* what was read of a line is no record */
    if (f->at_start && f->end - f->start < 3 && !f->eof) {   /* too few bytes to tell a BOM */
      fill(f);
      continue;
    }
    if (f->at_start) {   /* a BOM is dropped before framing: it is not the first cell's text */
      if (f->end - f->start >= 3 && !memcmp(f->buf + f->start, "\xEF\xBB\xBF", 3)) f->start += 3;
      f->at_start = false;
    }
    char *b = f->buf + f->start;
    size_t avail = f->end - f->start;
    size_t end = frame(f, b, f->scanned, avail);
    f->scanned = end;
    /* After damage to a gzip stream the bytes left are not a record. */
    bool whole = end < avail || (f->eof && avail > 0 && f->status == LQ_FEED_OK);
    if (whole) {
      size_t n = end;
      f->start += end < avail ? n + 1 : n;
      const char *bad = f->schema.format == LQ_FEED_CSV && f->state == QUOTED
                            ? "a quote is never closed: the record runs to the end of the input"
                            : NULL;
      *r = (lq_record){.line = f->lines + 1, .bad = bad};
      record_done(f);
      if (bad && n && b[n - 1] == '\n') n--;   /* the input's last line end is no part of it */
      if (n && b[n - 1] == '\r') n--;
      b[n] = '\0';
      r->raw = b;
      r->len = n;
      r->too_long = f->o.max_record && r->len > f->o.max_record;
      /* Blank: for CSV only an empty line (a row of empty cells is a record). */
      if (!bad && (f->schema.format == LQ_FEED_CSV ? !n : lq_line_blank(r->raw, r->len))) continue;
      if (!f->header_done) {
        if (!read_header(f, r->raw, r->len, r->too_long ? "it is longer than --max-line-bytes" : bad)) return false;
        continue;
      }
      return true;
    }
    if (f->eof) {
      if (!f->header_done) f->header_done = true;   /* no header: no columns, no records */
      return false;
    }
    if (f->o.max_record && avail > f->o.max_record + 1) {
      /* Too long whatever comes next, even a CRLF: hand out what is here, less
       * a CR that may belong to the line end. */
      size_t n = avail - (b[avail - 1] == '\r');
      f->start += n;
      /* A quote still open here may be one never closed: the reader is told. */
      *r = (lq_record){.raw = b, .len = n, .line = f->lines + 1, .too_long = true,
                       .open_quote = f->schema.format == LQ_FEED_CSV && f->state == QUOTED};
      f->scanned = 0;
      f->rest = true;
      if (!f->header_done) {
        read_header(f, r->raw, r->len, "it is longer than --max-line-bytes");
        return false;
      }
      return true;
    }
    fill(f);
  }
}

bool lq_feed_more(lq_feed *f, const char **piece, size_t *len) {
  while (f->rest) {
    if (f->stopped) {
      f->rest = false;
      return false;
    }
    char *b = f->buf + f->start;
    size_t avail = f->end - f->start;
    size_t end = frame(f, b, f->scanned, avail);
    if (end < avail || f->eof) {
      size_t n = end;
      f->start += end < avail ? n + 1 : n;
      f->rest = false;
      record_done(f);
      if (n && b[n - 1] == '\r') n--;
      *piece = b;
      *len = n;
      return n > 0;
    }
    if (avail > 1) {
      size_t n = avail - (b[avail - 1] == '\r');
      f->start += n;
      f->scanned = 0;
      *piece = b;
      *len = n;
      return true;
    }
    f->scanned = avail;
    fill(f);
  }
  return false;
}

bool lq_line_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return false;
  return true;
}

/* ---- CSV cells ---- */

typedef struct cell {
  const char *s;
  size_t n;
  bool quoted;
} cell;

/* The cell at raw[*i]; *i moves past it and its delimiter. Unquoted cells
 * point into raw; a quoted one with "" inside is copied into a (when a is
 * NULL, only the extent is found). False with why when a closing quote is
 * followed by something other than a delimiter. */
static bool next_cell(const char *raw, size_t len, size_t *i, char delim, lq_arena *a, cell *c, const char **why) {
  size_t k = *i;
  if (k < len && raw[k] == '"') {
    size_t from = ++k, escapes = 0;
    for (;;) {
      const char *q = memchr(raw + k, '"', len - k);
      if (!q) {   /* framing ended the record inside quotes: only at the end of input */
        *why = "a quote is never closed";
        return false;
      }
      k = (size_t)(q - raw) + 1;
      if (k < len && raw[k] == '"') {
        escapes++;
        k++;
        continue;
      }
      break;
    }
    size_t n = k - 1 - from;
    c->quoted = true;
    if (escapes && a) {
      char *o = lq_arena_alloc(a, n - escapes + 1), *w = o;
      for (size_t j = from; j < from + n; j++) {
        *w++ = raw[j];
        if (raw[j] == '"') j++;
      }
      *w = '\0';
      c->s = o, c->n = n - escapes;
    } else {
      c->s = raw + from, c->n = n;
    }
    if (k < len && raw[k] != delim) {
      *why = "text after a closing quote; a quote inside a quoted cell is written twice (\"\")";
      return false;
    }
  } else {
    const char *d = memchr(raw + k, delim, len - k);
    size_t stop = d ? (size_t)(d - raw) : len;
    c->s = raw + k, c->n = stop - k, c->quoted = false;
    k = stop;
  }
  *i = k < len ? k + 1 : len + 1;   /* past the delimiter; len + 1: no more cells */
  return true;
}

bool lq_feed_csv_cell(const char *raw, size_t len, size_t *i, char delim, size_t *from, size_t *to) {
  if (*i > len) return false;
  cell c;
  const char *why;
  *from = *i;
  bool ok = next_cell(raw, len, i, delim, NULL, &c, &why);
  if (!ok) *i = len + 1;   /* a bad record: the rest is one cell */
  *to = *i - 1;
  return true;
}

static bool is_json_number(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return false;
  if (s[i] == '0') i++;
  else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  else return false;
  if (i < n && s[i] == '.') {
    size_t d = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return false;
  }
  return i == n;
}

static size_t count_cells(const char *raw, size_t len, char delim) {
  size_t i = 0, n = 0;
  cell c;
  const char *why;
  while (i <= len) {
    if (!next_cell(raw, len, &i, delim, NULL, &c, &why)) return n + 1;
    n++;
  }
  return n;
}

static bool utf8_ok(const char *raw, size_t len, char *why, size_t whylen) {
  size_t at;
  if (lq_utf8_valid(raw, len, &at)) return true;
  snprintf(why, whylen, "invalid UTF-8 (byte %zu of the record); save the file as UTF-8 (Excel: \"CSV UTF-8\")",
           at + 1);
  return false;
}

/* True when s[0..n) is all ASCII, eight bytes at a time: most exports are, and
 * then the UTF-8 check has nothing to do. */
static bool all_ascii(const char *s, size_t n) {
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    high |= w;
  }
  for (; i < n; i++) high |= (unsigned char)s[i];
  return !(high & 0x8080808080808080ULL);
}

/* Where the delimiters are, 64 bytes at a time: a bit per byte. A cell is
 * then found with a count of trailing zeros, with no branch whose outcome
 * depends on the cell's length (a search per cell mispredicts once a cell).
 * The bytes read past the record are the copy's padding, never a delimiter. */
typedef struct cells {
  const char *b;
  size_t base;               /* the block's first byte */
  uint64_t mask;             /* delimiters at base + bit, those already passed cleared */
  unsigned char d;           /* the delimiter */
  uint64_t high;             /* nonzero when a byte scanned had its high bit set (not ASCII) */
} cells;

enum { PAD = 64 };

#ifdef __SSE2__
/* 16 bytes a compare, a bit per byte by movemask. */
static uint64_t block_mask(cells *c, size_t at) {
  const __m128i d = _mm_set1_epi8((char)c->d);
  uint64_t m = 0;
  for (int i = 0; i < 4; i++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(c->b + at + 16 * (size_t)i));
    m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) << (16 * i);
    c->high |= (uint64_t)_mm_movemask_epi8(v);
  }
  return m;
}

/* The delimiter mask of each of the nblk blocks from b; true when a byte of
 * them is a quote. Quotes and high bits are gathered in registers and looked
 * at once, at the end. */
static bool blocks_scan(cells *c, size_t nblk, uint64_t *masks) {
  const __m128i d = _mm_set1_epi8((char)c->d), q = _mm_set1_epi8('"');
  __m128i quotes = _mm_setzero_si128(), high = _mm_setzero_si128();
  for (size_t k = 0; k < nblk; k++) {
    uint64_t m = 0;
    for (int i = 0; i < 4; i++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(c->b + 64 * k + 16 * (size_t)i));
      m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) << (16 * i);
      quotes = _mm_or_si128(quotes, _mm_cmpeq_epi8(v, q));
      high = _mm_or_si128(high, v);
    }
    masks[k] = m;
  }
  c->high |= (uint64_t)_mm_movemask_epi8(high);
  return _mm_movemask_epi8(quotes) != 0;
}
#else
/* Elsewhere a word at a time: a delimiter byte xor d is 0, found exactly. */
static uint64_t block_mask(cells *c, size_t at) {
  const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL, d = 0x0101010101010101ULL * c->d;
  uint64_t m = 0;
  for (int i = 0; i < 8; i++) {
    uint64_t w;
    memcpy(&w, c->b + at + 8 * (size_t)i, 8);
    c->high |= w & ~low7;
    w ^= d;
    uint64_t zero = ~(((w & low7) + low7) | w | low7) >> 7;   /* bit 0 of each zero byte */
    m |= (zero * 0x0102040810204080ULL >> 56) << (8 * i);   /* bit 8k to bit 56 + k */
  }
  return m;
}

static bool blocks_scan(cells *c, size_t nblk, uint64_t *masks) {
  for (size_t k = 0; k < nblk; k++) masks[k] = block_mask(c, 64 * k);
  return memchr(c->b, '"', 64 * nblk) != NULL;
}
#endif

static void cells_at(cells *c, size_t k) {
  c->base = k;
  c->mask = block_mask(c, k);
}

/* The next delimiter at or after the block's passed point, or n. */
static size_t cells_next(cells *c, size_t n) {
  while (!c->mask) {
    c->base += 64;
    if (c->base >= n) return n;
    c->mask = block_mask(c, c->base);
  }
  size_t at = c->base + (size_t)__builtin_ctzll(c->mask);
  c->mask &= c->mask - 1;
  return at < n ? at : n;
}

/* What a cell's first byte says it may be: a number, true or false, or else text. */
enum { MAY_TEXT, MAY_NUMBER, MAY_BOOL };
static const unsigned char may_be[256] = {
    ['-'] = MAY_NUMBER, ['0'] = MAY_NUMBER, ['1'] = MAY_NUMBER, ['2'] = MAY_NUMBER, ['3'] = MAY_NUMBER,
    ['4'] = MAY_NUMBER, ['5'] = MAY_NUMBER, ['6'] = MAY_NUMBER, ['7'] = MAY_NUMBER, ['8'] = MAY_NUMBER,
    ['9'] = MAY_NUMBER, ['t'] = MAY_BOOL,   ['T'] = MAY_BOOL,   ['f'] = MAY_BOOL,   ['F'] = MAY_BOOL,
};

/* The rare number: out of line, so the usual cell's code stays short. */
static __attribute__((noinline)) void type_by_grammar(cJSON *j, char *c, size_t n) {
  c[n] = '\0';
  if (is_json_number(c, n)) j->type = cJSON_Number, j->valuedouble = strtod(c, NULL);
}

/* A cell of text c[0..n) that starts with a digit or '-', typed as a number
 * when it is one by the JSON grammar exactly, with its value. Whole numbers
 * of up to 7 digits, the usual kind, are read as one 8-byte word with no
 * branch on their length; longer ones and fractions by the grammar, after
 * c[n] is made a NUL. 8 bytes past c + n may be read (the copy's padding). */
static inline __attribute__((always_inline)) void type_number(cJSON *j, char *c, size_t n) {
  size_t sign = c[0] == '-', digits = n - sign;
  uint64_t w;
  memcpy(&w, c + sign, 8);
  uint64_t t = w ^ 0x3030303030303030ULL;   /* a digit's byte is now its value */
  /* The high bit of each byte that is no digit (its low 7 bits above 9, or
   * its own high bit set) or is past the cell. */
  uint64_t other = (((t & 0x7F7F7F7F7F7F7F7FULL) + 0x7676767676767676ULL) | t) & 0x8080808080808080ULL;
  other |= digits < 8 ? 0x8080808080808080ULL << (8 * digits) : 0;
  size_t d = other ? (size_t)__builtin_ctzll(other) >> 3 : 8;   /* the digits before the first other byte */
  if (d == digits && d && d < 8 && (c[sign] != '0' || d == 1)) {
    /* The digits moved to the top, zeros before them: eight digits to their value in three steps. */
    uint64_t v = t << (8 * (8 - d));
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
    v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;
    j->type = cJSON_Number;
    j->valuedouble = sign ? -(double)v : (double)v;
  } else if (d && (d == 8 || (d < digits && (c[sign + d] == '.' || (c[sign + d] | 0x20) == 'e')))) {
    type_by_grammar(j, c, n);   /* 8 digits or more, a fraction or an exponent: maybe */
  }
}

/* A cell's type from its text c[0..n), n > 0: true or false in any case; the
 * JSON number grammar exactly, with its value; else text. Call it before the
 * NUL that ends the cell is stored: a word loaded over a byte just stored
 * waits for the store to be done (no store forwarding), every cell. */
static inline __attribute__((always_inline)) void type_cell(cJSON *j, char *c, size_t n) {
  j->type = cJSON_String;
  switch (may_be[(unsigned char)c[0]]) {
  case MAY_NUMBER: type_number(j, c, n); break;
  case MAY_BOOL: {   /* a word's bytes ored with 0x20: their lower case */
    uint32_t w;
    memcpy(&w, c, 4);
    w |= 0x20202020u;
    bool t = n == 4 && w == 0x65757274u, f = n == 5 && w == 0x736C6166u && (c[4] | 0x20) == 'e';
    j->type = t ? cJSON_True : f ? cJSON_False : cJSON_String;
    break;
  }
  }
}

/* The cells of a record whose delimiters are in masks, one walk over them,
 * cut in place in b, its copy of raw (a NUL where each ends, "" unescaped
 * where it stands). False, with b as it was, for a bad record. Compiled twice:
 * records without a quote, most of them, skip the look at each cell's start. */
static inline __attribute__((always_inline)) bool walk_cells(const lq_feed_schema *s, char *b, const char *raw,
                                                             size_t len, const uint64_t *masks, size_t nblk,
                                                             bool quotes, cJSON *obj, bool *ignored) {
  const char delim = s->delimiter;
  const int ncols = s->ncols;
  const char *const *keys = s->keys;
  const bool *wanted = s->wanted;
  cJSON *nodes = obj + 1, head, *last = &head;
  bool ign = false;
  size_t blk = 0, start = 0;
  uint64_t m = nblk ? masks[0] : 0;
  for (int col = 0; col < ncols; col++) {
    char *c = b + start;
    size_t end = len, n;
    if (!quotes || *c != '"') {   /* b[len] is a NUL */
      if (col + 1 < ncols) {   /* the next delimiter, or too few cells */
        while (!m) {
          if (++blk >= nblk) goto other;
          m = masks[blk];
        }
        end = 64 * blk + (size_t)__builtin_ctzll(m);
        m &= m - 1;
      }
      n = end - start;
    } else {   /* quoted: "" is one quote, the cell ends at a lone one */
      size_t w = start, r = start + 1;
      for (;;) {
        const char *q = memchr(b + r, '"', len - r);
        if (!q) goto other;
        size_t qi = (size_t)(q - b);
        memmove(b + w, b + r, qi - r);
        w += qi - r;
        r = qi + 1;
        if (r < len && b[r] == '"') {
          b[w++] = '"';
          r++;
          continue;
        }
        break;
      }
      /* The cell ends at the closing quote: the delimiters inside are passed. */
      if (r < len && b[r] != delim) goto other;
      if ((r < len) != (col + 1 < ncols)) goto other;   /* too few cells or too many */
      blk = r / 64;
      m = blk < nblk ? masks[blk] & (~0ULL << (r % 64)) : 0;
      if (r < len) end = r, m &= m - 1;   /* and so is the one after it */
      n = w - start;
    }
    const char *key = keys[col];
    start = end + 1;
    if (!key || (wanted && !wanted[col])) {
      c[n] = '\0';
      ign |= !key && n > 0;
      continue;
    }
    if (n) {   /* an empty cell: the key is absent */
      cJSON *j = &nodes[col];
      j->child = NULL;
      j->string = (char *)key;
      j->valuestring = c;   /* text, or a number's text as written, for output */
      j->valueint = n <= 0x7fffffff ? (int)n : 0;
      type_cell(j, c, n);
      j->prev = last;
      last->next = j;
      last = j;
    }
    c[n] = '\0';
  }
  while (!m && ++blk < nblk) m = masks[blk];
  if (m) goto other;   /* more cells than columns */
  last->next = NULL;
  if (last != &head) {
    obj->child = head.next;
    obj->child->prev = last;
  }
  *ignored |= ign;
  return true;
other:
  memcpy(b, raw, len);   /* the cells cut so far are whole again */
  return false;
}

/* A record with a cell for each column, in one scan of its bytes and one
 * walk over its cells. False, with b as it was, for a bad record, or one too
 * long for the masks: decode_any says what is wrong. */
static bool decode_plain(const lq_feed_schema *s, char *b, const char *raw, size_t len, cJSON *obj, bool *high,
                         bool *ignored) {
  enum { MAX_BLOCKS = 64 };
  size_t nblk = (len + 63) / 64;
  uint64_t masks[MAX_BLOCKS];
  cells cs = {.b = b, .d = (unsigned char)s->delimiter};
  if (nblk > MAX_BLOCKS) return false;
  bool quotes = blocks_scan(&cs, nblk, masks);
  *high = cs.high != 0;
  return quotes ? walk_cells(s, b, raw, len, masks, nblk, true, obj, ignored)
                : walk_cells(s, b, raw, len, masks, nblk, false, obj, ignored);
}

/* Any record, a cell at a time: a quoted cell is unescaped where it stands.
 * NULL and why for a bad one. */
static cJSON *decode_any(const lq_feed_schema *s, char *b, const char *raw, size_t len, cJSON *obj, char *why,
                         size_t whylen, bool *ignored) {
  cJSON *nodes = obj + 1, *last = NULL;
  /* Locals: the stores into b could alias the schema, for all the compiler knows. */
  const char delim = s->delimiter;
  const int ncols = s->ncols;
  const char *const *keys = s->keys;
  const bool *wanted = s->wanted;
  size_t k = 0;
  int col = 0;
  cells cs = {.b = b, .d = (unsigned char)delim};
  bool quoted = false;   /* then the cell scan skipped bytes: they are checked apart */
  cells_at(&cs, 0);
  for (;; col++) {
    size_t start = k, n;
    if (k < len && b[k] == '"') {   /* quoted: "" is one quote, the cell ends at a lone one */
      size_t w = start, r = k + 1;
      for (;;) {
        const char *q = memchr(b + r, '"', len - r);
        if (!q) {
          snprintf(why, whylen, "a quote is never closed (column %d)", col + 1);
          return NULL;
        }
        size_t qi = (size_t)(q - b);
        memmove(b + w, b + r, qi - r);
        w += qi - r;
        r = qi + 1;
        if (r < len && b[r] == '"') {
          b[w++] = '"';
          r++;
          continue;
        }
        break;
      }
      if (r < len && b[r] != delim) {
        snprintf(why, whylen,
                 "text after a closing quote (column %d); a quote inside a quoted cell is written twice (\"\")",
                 col + 1);
        return NULL;
      }
      n = w - start;
      k = r;
      quoted = true;
      cells_at(&cs, r);   /* the delimiters inside the quotes are passed */
      cells_next(&cs, len);   /* and so is the one after it */
    } else {
      k = cells_next(&cs, len);
      n = k - start;
    }
    bool more = k < len;
    char *c = b + start;
    if (col < ncols && (!wanted || wanted[col] || !keys[col])) {
      const char *key = keys[col];
      if (!key) {
        *ignored |= n > 0;
      } else if (n) {   /* an empty cell: the key is absent */
        cJSON *j = &nodes[col];
        j->next = j->prev = j->child = NULL;
        j->string = (char *)key;
        j->valuestring = (char *)c;   /* text, or a number's text as written, for output */
        j->valueint = n <= 0x7fffffff ? (int)n : 0;
        type_cell(j, c, n);
        if (!last) obj->child = j;
        else last->next = j, j->prev = last;
        last = j;
      }
    }
    c[n] = '\0';
    if (!more) break;
    k++;   /* past the delimiter */
  }
  if (last) obj->child->prev = last;
  /* UTF-8 last: the cell scan saw every byte of a record without quotes and
   * noted any that is not ASCII; most records are all ASCII. */
  if ((quoted ? !all_ascii(raw, len) : cs.high != 0) && !utf8_ok(raw, len, why, whylen)) return NULL;
  if (col + 1 != ncols) {
    snprintf(why, whylen, "the record has %d field%s, the header has %d", col + 1, col ? "s" : "", ncols);
    return NULL;
  }
  return obj;
}

/* One record over an arena copy of its bytes, with PAD zeros after it: text
 * and numbers point into the copy, so nothing else is copied, and the object
 * and its nodes are one allocation. */
static cJSON *decode_csv(const lq_feed_schema *s, lq_arena *a, const char *raw, size_t len, char *why,
                         size_t whylen, bool *ignored) {
  char *b = lq_arena_alloc(a, len + 1 + PAD);
  memcpy(b, raw, len);
  memset(b + len, 0, 1 + PAD);
  cJSON *obj = lq_arena_alloc(a, (size_t)(s->ncols + 1) * sizeof *obj);
  *obj = (cJSON){.type = cJSON_Object};
  bool high;
  if (decode_plain(s, b, raw, len, obj, &high, ignored)) {
    /* UTF-8 last: the scan noted any byte that is not ASCII; most records are all ASCII. */
    if (high && !utf8_ok(raw, len, why, whylen)) return NULL;
  } else if (!decode_any(s, b, raw, len, obj, why, whylen, ignored)) {
    return NULL;
  }
  /* A column named with a NUL byte names no field: its key's C string is only
   * the part before it (nodes[col] is the column's). */
  if (s->key_nul)
    for (cJSON *j = obj->child; j; j = j->next)
      if (s->key_nul[j - (obj + 1)]) j->type |= LQ_JSON_KEY_NUL;
  return obj;
}

cJSON *lq_feed_decode(const lq_feed_schema *s, lq_arena *a, const char *raw, size_t len, lq_error *err,
                      bool *ignored) {
  if (s->format != LQ_FEED_CSV) return lq_json_parse_lead_max(a, raw, len, s->max_memory, err);
  char why[LQ_ERROR_MAX];
  cJSON *lead = decode_csv(s, a, raw, len, why, sizeof why, ignored);
  if (!lead) lq_error_set(err, "%s", why);
  return lead;
}

/* The column col's key s[0..n) goes into seen (column numbers by key); the
 * column that had it already, or col. */
static size_t same_key(lq_hash *seen, const char *const *keys, const uint32_t *lens, const char *s, size_t n,
                       size_t col) {
  uint64_t h = lq_hash_bytes(s, n);
  uint32_t k;
  for (k = lq_hash_first(seen, h); seen->slots[k].id >= 0; k = lq_hash_next(seen, k)) {
    size_t c = (size_t)seen->slots[k].id;
    if (lq_hash_hit(seen, k, h) && lens[c] == n && !memcmp(keys[c], s, n)) return c;
  }
  lq_hash_put(seen, k, h, (int32_t)col);
  return col;
}

/* The header names the keys; a problem with it is a problem with every record. */
static bool read_header(lq_feed *f, const char *raw, size_t len, const char *bad) {
  f->header_done = true;
  f->schema.header_line = f->lines;   /* the header is the record just framed */
  f->status = LQ_FEED_BAD_HEADER;
  if (bad) {
    snprintf(f->why, sizeof f->why, "the header row cannot be read: %s", bad);
    return false;
  }
  char why[160];
  if (!utf8_ok(raw, len, why, sizeof why)) {
    snprintf(f->why, sizeof f->why, "header row: %s", why);
    return false;
  }
  /* Excel's "CSV (Macintosh)" ends lines with CR alone: the whole file would
   * be one header row. */
  const char *cr = memchr(raw, '\r', len);
  if (cr && !memchr(raw, '"', len)) {
    snprintf(f->why, sizeof f->why, "the lines end in CR alone (Excel's \"CSV (Macintosh)\"); save the file as "
             "\"CSV UTF-8\", or convert it with tr '\\r' '\\n'");
    return false;
  }
  size_t n = count_cells(raw, len, f->schema.delimiter);
  /* Each record is decoded into a node per column and a copy of its bytes
   * (decode_csv): a header of very many short names would make that more than
   * a record may take, for every record. */
  size_t most = f->schema.max_memory;
  if (most && (n + 1 > (most - f->o.max_record - 1 - PAD) / sizeof(cJSON))) {
    snprintf(f->why, sizeof f->why, "the header has %zu columns, and a record of that many needs more than %d times "
             "--max-line-bytes of memory; if the header is right, raise --max-line-bytes", n, LQ_LEAD_MEMORY_FACTOR);
    return false;
  }
  const char **keys = lq_arena_zalloc(&f->arena, n * sizeof *keys);
  uint32_t *lens = lq_arena_zalloc(&f->arena, n * sizeof *lens);
  /* Column numbers by key hash, so a header of many columns is checked in one pass. */
  lq_hash seen;
  lq_hash_init(&seen, &f->arena, (uint32_t)n);
  bool *key_nul = NULL;
  size_t i = 0;
  for (size_t col = 0; col < n; col++) {
    cell c;
    const char *reason;
    if (!next_cell(raw, len, &i, f->schema.delimiter, &f->arena, &c, &reason)) {
      snprintf(f->why, sizeof f->why, "header row, column %zu: %s", col + 1, reason);
      return false;
    }
    if (!c.n) continue;   /* an empty header cell names no key */
    size_t dup = same_key(&seen, keys, lens, c.s, c.n, col);
    if (dup != col) {
      snprintf(f->why, sizeof f->why, "the header names '%.*s' twice (columns %zu and %zu); rename one",
               (int)(c.n > 60 ? 60 : c.n), c.s, dup + 1, col + 1);
      return false;
    }
    keys[col] = lq_arena_strndup(&f->arena, c.s, c.n);
    lens[col] = (uint32_t)c.n;
    if (memchr(c.s, '\0', c.n)) {
      if (!key_nul) key_nul = lq_arena_zalloc(&f->arena, n * sizeof *key_nul);
      key_nul[col] = true;
    }
  }
  f->schema.key_nul = key_nul;
  f->schema.keys = keys;
  f->schema.key_lens = lens;
  f->schema.ncols = (int)n;
  f->schema.header = lq_arena_strndup(&f->arena, raw, len);
  f->schema.header_len = len;
  f->status = LQ_FEED_OK;
  return true;
}
