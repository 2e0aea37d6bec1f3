/* diag.h: the diagnostics sink. The library reports here; only the CLI prints. */
#ifndef LQ_DIAG_H
#define LQ_DIAG_H
#include <stdbool.h>
#include <stdio.h>
#include "arena.h"
#include "source.h"

typedef enum { LQ_ERROR, LQ_WARNING } lq_severity;

typedef struct lq_diag {
  lq_severity severity;
  lq_span span;
  const char *message;
  const char *note;   /* optional: what to do about it */
} lq_diag;

typedef struct lq_diags {
  lq_arena arena;
  lq_diag *items;
  size_t n, cap;
  size_t errors, warnings;
  size_t max_errors;  /* further errors are counted, not kept */
} lq_diags;

void lq_diags_init(lq_diags *d);
void lq_diags_free(lq_diags *d);
void lq_diag_error(lq_diags *d, lq_span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lq_diag_warning(lq_diags *d, lq_span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Attaches a note to the last diagnostic reported. */
void lq_diag_note(lq_diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* gcc's shape: file:line:col: severity: message, the line, a caret underline. */
void lq_diags_print(const lq_diags *d, const lq_sources *src, FILE *out, bool color);
/* The same text, appended to out. */
struct lq_buf;
void lq_diags_render(const lq_diags *d, const lq_sources *src, struct lq_buf *out, bool color);
/* Stable order for printing: by file, then position (reporting order breaks ties). */
void lq_diags_sort(lq_diags *d);

/* Levenshtein distance, capped: returns cap + 1 when larger (and for texts
 * longer than 64 bytes): how far a name is from the one meant. */
int lq_edit_distance(const char *a, size_t an, const char *b, size_t bn, int cap);

#endif
