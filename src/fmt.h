/* fmt.h: `leadq fmt`: the one canonical layout of a rules file, and a line diff. */
#ifndef LQ_FMT_H
#define LQ_FMT_H
#include <stdbool.h>
#include "diag.h"
#include "json.h"
#include "source.h"

/* The width lists are wrapped at. */
enum { LQ_FMT_WIDTH = 100 };

/* Appends the canonical text of file `file` of src to out, from its syntax tree
 * and its comments (includes are not expanded). Returns false, with the errors
 * in diags and nothing appended, when the file does not parse, or when the
 * result would not parse back to the same tree and comments (a safety net:
 * fmt never changes meaning). Never prints. */
bool lq_fmt(lq_sources *src, uint32_t file, lq_diags *diags, lq_buf *out);

/* Appends a unified diff (3 lines of context, "--- a/PATH", "+++ b/PATH") from
 * before to after to out; returns false, appending nothing, when they are equal. */
bool lq_fmt_diff(lq_buf *out, const char *path, const char *before, size_t beforelen, const char *after,
                 size_t afterlen);

#endif
