/* source.h: the text of every rules file read in a compile, and where things are in it. */
#ifndef LQ_SOURCE_H
#define LQ_SOURCE_H
#include <stddef.h>
#include <stdint.h>

/* A span is a byte range in one source file. Line and column are computed
 * from it only when a message is printed. */
typedef struct lq_span {
  uint32_t begin, end;
  uint32_t file;
} lq_span;

typedef struct lq_source {
  char *path;       /* as the user named it (or as include resolved it) */
  char *text;       /* NUL-terminated copy */
  size_t len;
  uint32_t *lines;  /* byte offset of each line start */
  size_t nlines;
} lq_source;

typedef struct lq_sources {
  lq_source *files;
  size_t n, cap;
} lq_sources;

void lq_sources_init(lq_sources *s);
void lq_sources_free(lq_sources *s);
/* Takes ownership of text (from lq_mem_alloc, NUL-terminated). Returns the file id. */
uint32_t lq_sources_add(lq_sources *s, const char *path, char *text, size_t len);
/* 1-based line and column (columns count characters, not bytes). */
void lq_sources_position(const lq_sources *s, uint32_t file, uint32_t off, int *line, int *col);
/* The line containing off, without its newline. */
const char *lq_sources_line(const lq_sources *s, uint32_t file, uint32_t off, size_t *len);
/* The largest rules file (docs/language.md, "Limits"): the lexer's offsets are ints. */
#define LQ_MAX_RULES_BYTES (((size_t)1 << 30) - 1)
#define LQ_MAX_RULES_TEXT "1 GB (1,073,741,823 bytes)"
/* Reads a whole file of at most max bytes (from lq_mem_alloc, NUL-terminated).
 * On failure NULL and e filled (error.h): "cannot read 'PATH': REASON", the
 * reason from lq_read_strerror(e->sys); sys is EISDIR for a folder, ENODEV a
 * device, ENXIO another kind of non-file, EFBIG more than max bytes (found
 * while reading, so a big file costs max, not its size), else errno. */
struct lq_error;
char *lq_read_file_max(const char *path, size_t max, size_t *len, struct lq_error *e);
/* The same for a rules file (LQ_MAX_RULES_BYTES). */
char *lq_read_file(const char *path, size_t *len, struct lq_error *e);
/* A message for "cannot read 'PATH': ..." that names a folder or device as
 * such, and EFBIG as the rules file limit. */
const char *lq_read_strerror(int err);

#endif
