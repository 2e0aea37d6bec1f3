/* feed.h: leads in, as records: NDJSON or CSV, plain or gzip-compressed.
 *
 * One reader for every command. Reading is split in two so that framing (where
 * a record ends) stays on the reading thread while decoding (bytes to a lead)
 * can run on any thread: lq_feed_next yields a record's raw bytes, its input
 * and its first line; lq_feed_decode turns those bytes into a lead, a JSON
 * object, following the input's schema (its format and, for CSV, its header). */
#ifndef LQ_FEED_H
#define LQ_FEED_H
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "arena.h"
#include "error.h"

typedef enum { LQ_FEED_AUTO, LQ_FEED_NDJSON, LQ_FEED_CSV } lq_feed_format;

typedef struct lq_feed_opts {
  lq_feed_format format;    /* AUTO: CSV for a name ending in .csv or .csv.gz, else NDJSON */
  char delimiter;           /* CSV; 0 is ',' */
  size_t max_record;        /* bytes; a longer record is bad and never held whole; 0: no limit */
  /* When set (by a signal handler), the input ends where reading is: no
   * record is yielded any more, not even a line read in part, and it is no
   * error. A pipe or terminal waiting for bytes notices within half a second,
   * at once when a signal interrupts the wait. NULL: read to the end. */
  const volatile sig_atomic_t *stop;
  /* CSV: the header row, as a file would have it (no line end), for an input
   * that is a piece cut from a file after its header: every record of the
   * input is then data. NULL: the input's first record is its header. */
  const char *header;
  size_t header_len;
  uint64_t first_line;      /* the number of the input's first line; 0 is 1 */
} lq_feed_opts;

/* The format of an input named name under o (LQ_FEED_AUTO resolved). */
lq_feed_format lq_feed_format_of(const char *name, const lq_feed_opts *o);

/* How an input's records become leads. Read-only once the input's header is
 * read: decoding may then run on other threads while the feed stays open. */
typedef struct lq_feed_schema {
  lq_feed_format format;
  char delimiter;
  int ncols;
  const char **keys;        /* CSV: the key of each column, NULL for an empty header cell */
  const uint32_t *key_lens;
  const char *header;       /* CSV: the header row as it came in (no BOM, no line end) */
  const bool *wanted;       /* CSV: the columns decoded (lq_feed_keep); NULL: all */
  const bool *key_nul;      /* CSV: the columns whose name holds a NUL byte; NULL: none */
  size_t max_memory;        /* arena bytes a decoded record may take (from max_record); 0: no limit */
  uint64_t header_line;     /* CSV: the header's (last) physical line; 0 for opts' header */
  size_t header_len;
} lq_feed_schema;

typedef struct lq_record {
  char *raw;                /* the record's bytes: its physical lines without the last
                               line end, NUL-terminated (except a too_long piece) */
  size_t len;
  uint64_t line;            /* its first physical line, from 1 */
  bool too_long;            /* longer than max_record: raw is its first piece and
                               lq_feed_more gives the rest */
  const char *bad;          /* framing found it bad (a quote never closed): why; else NULL */
  bool open_quote;          /* too_long, and its first piece ends inside quotes */
} lq_record;

typedef struct lq_feed lq_feed;

/* Reads from fd (which the feed closes), named name in messages. Gzip is
 * recognised by its magic bytes, whatever the name. */
lq_feed *lq_feed_open(int fd, const char *name, const lq_feed_opts *o);
/* The same over len bytes of text in memory, which must outlive the feed;
 * NULL when text is too long (4 GiB). */
lq_feed *lq_feed_open_mem(const char *text, size_t len, const char *name, const lq_feed_opts *o);
/* The next record; blank lines are skipped, and a CSV input's header row is
 * read first. False at the end of input or on an error (lq_feed_error). */
bool lq_feed_next(lq_feed *f, lq_record *r);
/* The next piece of a too_long record; false when it is done. */
bool lq_feed_more(lq_feed *f, const char **piece, size_t *len);
/* The input's schema; for CSV, valid once lq_feed_next has returned a record
 * or the input ended (a CSV input with no header has no columns). */
const lq_feed_schema *lq_feed_schema_of(const lq_feed *f);

typedef enum {
  LQ_FEED_OK,
  LQ_FEED_EIO,              /* reading failed: errno in the lq_error's sys */
  LQ_FEED_CORRUPT,          /* a gzip stream that is corrupt or cut short */
  LQ_FEED_BAD_HEADER,       /* a CSV header that cannot name the keys */
} lq_feed_status;
/* Decode only the CSV columns whose key keep accepts: the others are skipped,
 * never typed nor put in the lead. Call after the header is read (once the
 * first record is out), before that input's records are decoded. */
void lq_feed_keep(lq_feed *f, bool (*keep)(void *ctx, const char *key, uint32_t len), void *ctx);

/* Why lq_feed_next returned false before the end; err (when not NULL) gets it
 * in words, and errno for LQ_FEED_EIO; its msg is "" when it did not. */
lq_feed_status lq_feed_error(const lq_feed *f, lq_error *err);
/* Whether the input ended because the stop flag was set. */
bool lq_feed_stopped(const lq_feed *f);
/* Bytes of the input consumed so far (compressed bytes for gzip), and its size
 * when known (a regular file), else 0: for a progress line. */
uint64_t lq_feed_offset(const lq_feed *f);
uint64_t lq_feed_size(const lq_feed *f);
/* The read buffer's size in bytes: at most max_record and a few (for tests). */
size_t lq_feed_buffer_size(const lq_feed *f);
/* Physical lines read so far. */
uint64_t lq_feed_lines(const lq_feed *f);
void lq_feed_close(lq_feed *f);

/* A record's bytes as a lead, in a, in at most the schema's max_memory bytes
 * of it (an NDJSON lead that needs more is bad). NDJSON: a JSON object (raw[len] must be a
 * NUL). CSV: an object with a key per named column, each cell typed on its
 * own (empty: absent; true/false in any case: a boolean; the JSON number
 * grammar exactly: a number with its text kept; else text). On failure NULL
 * and err (error.h) filled: a one-line reason. *ignored is set when a column
 * with an empty header cell had a value. */
cJSON *lq_feed_decode(const lq_feed_schema *s, lq_arena *a, const char *raw, size_t len, lq_error *err,
                      bool *ignored);

/* The cell of a CSV record that starts at raw[*i], as the reader splits cells:
 * its bytes as written (quotes and all) are raw[*from..*to), and *i moves past
 * its delimiter. False when the record has no more cells. For a record the
 * reader took as good. */
bool lq_feed_csv_cell(const char *raw, size_t len, size_t *i, char delim, size_t *from, size_t *to);

/* True for a line of nothing but spaces and tabs. */
bool lq_line_blank(const char *s, size_t n);

#endif
