/* diag.c: collecting diagnostics and printing them like a compiler does. */
#include "diag.h"

#include "json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void lq_diags_init(lq_diags *d) {
  memset(d, 0, sizeof *d);
  lq_arena_init(&d->arena, 8192);
  d->max_errors = 50;
}

void lq_diags_free(lq_diags *d) {
  lq_arena_free(&d->arena);
  lq_mem_free(d->items);
  memset(d, 0, sizeof *d);
}

static void add(lq_diags *d, lq_severity sev, lq_span at, const char *fmt, va_list ap) {
  if (sev == LQ_ERROR) d->errors++; else d->warnings++;
  if (sev == LQ_ERROR && d->errors > d->max_errors) return;
  if (d->n == d->cap) {
    d->cap = d->cap ? 2 * d->cap : 16;
    d->items = lq_mem_realloc(d->items, d->cap * sizeof *d->items);
  }
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *msg = lq_arena_alloc(&d->arena, (size_t)len + 1);
  vsnprintf(msg, (size_t)len + 1, fmt, ap);
  d->items[d->n++] = (lq_diag){sev, at, msg, NULL};
}

void lq_diag_error(lq_diags *d, lq_span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(d, LQ_ERROR, at, fmt, ap);
  va_end(ap);
}

void lq_diag_warning(lq_diags *d, lq_span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(d, LQ_WARNING, at, fmt, ap);
  va_end(ap);
}

void lq_diag_note(lq_diags *d, const char *fmt, ...) {
  if (!d->n) return;
  lq_diag *last = &d->items[d->n - 1];
  if (last->severity == LQ_ERROR && d->errors > d->max_errors) return;
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = lq_arena_alloc(&d->arena, (size_t)len + 1);
  va_start(ap, fmt);
  vsnprintf(msg, (size_t)len + 1, fmt, ap);
  va_end(ap);
  last->note = msg;
}

static int cmp_diag(const void *a, const void *b) {
  const lq_diag *x = a, *y = b;
  if (x->span.file != y->span.file) return x->span.file < y->span.file ? -1 : 1;
  if (x->span.begin != y->span.begin) return x->span.begin < y->span.begin ? -1 : 1;
  return x < y ? -1 : x > y;
}

void lq_diags_sort(lq_diags *d) {
  /* qsort is not stable; break ties on the address, i.e. reporting order. */
  if (d->n > 1) qsort(d->items, d->n, sizeof *d->items, cmp_diag);
}

/* Written into a buffer, so the library can hand the text to an embedder
 * (leadq_diagnostics_text) and the CLI prints the same bytes. */
static void render_one(const lq_diag *g, const lq_sources *src, lq_buf *out, bool color) {
  const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
  const char *sevcol = !color ? "" : g->severity == LQ_ERROR ? "\033[1;31m" : "\033[1;35m";
  const char *sev = g->severity == LQ_ERROR ? "error" : "warning";
  if (g->span.file >= src->n) {
    lq_buf_printf(out, "%sleadq:%s %s%s:%s %s\n", bold, reset, sevcol, sev, reset, g->message);
    if (g->note) lq_buf_printf(out, "  note: %s\n", g->note);
    return;
  }
  int line, col;
  lq_sources_position(src, g->span.file, g->span.begin, &line, &col);
  lq_buf_printf(out, "%s%s:%d:%d:%s %s%s:%s %s\n", bold, src->files[g->span.file].path, line, col,
                reset, sevcol, sev, reset, g->message);
  size_t len;
  const char *text = lq_sources_line(src, g->span.file, g->span.begin, &len);
  size_t start = (size_t)(src->files[g->span.file].text + g->span.begin - text);
  if (start > len) start = len;
  size_t end = g->span.end > g->span.begin ? start + (g->span.end - g->span.begin) : start;
  if (end > len) end = len;
  /* A very long line (a list of 5,000 domains) is shown as a window around the caret. */
  enum { WIDTH = 160, BEFORE = 60 };
  size_t from = 0, to = len;
  if (len > WIDTH) {
    from = start > BEFORE ? start - BEFORE : 0;
    while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80) from--;
    to = from + WIDTH < len ? from + WIDTH : len;
    while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80) to++;
    if (end > to) end = to;
  }
  const char *pre = from ? "..." : "";
  /* A control byte in the rules (a CR alone, an escape) is shown as a space:
   * one column, as the caret line counts it, and nothing for the terminal to obey. */
  lq_buf_puts(out, pre);
  for (size_t i = from; i < to; i++) {
    unsigned char c = (unsigned char)text[i];
    lq_buf_putc(out, (char)((c < 0x20 && c != '\t') || c == 0x7F ? ' ' : c));
  }
  lq_buf_printf(out, "%s\n", to < len ? "..." : "");
  lq_buf_puts(out, pre);
  /* Copy tabs so the caret lines up however the terminal expands them. */
  for (size_t i = from; i < start; i++) {
    unsigned char c = (unsigned char)text[i];
    if ((c & 0xC0) == 0x80) continue;
    lq_buf_putc(out, c == '\t' ? '\t' : ' ');
  }
  lq_buf_puts(out, color ? "\033[1;32m^" : "^");
  for (size_t i = start + 1; i < end; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) lq_buf_putc(out, '~');
  lq_buf_printf(out, "%s\n", reset);
  if (g->note) lq_buf_printf(out, "  %snote:%s %s\n", bold, reset, g->note);
}

void lq_diags_render(const lq_diags *d, const lq_sources *src, lq_buf *out, bool color) {
  for (size_t i = 0; i < d->n; i++) render_one(&d->items[i], src, out, color);
  if (d->errors > d->max_errors)
    lq_buf_printf(out, "leadq: %zu more errors not shown\n", d->errors - d->max_errors);
}

void lq_diags_print(const lq_diags *d, const lq_sources *src, FILE *out, bool color) {
  lq_buf b = {0};
  lq_diags_render(d, src, &b, color);
  lq_buf_flush(&b, out);
  lq_buf_free(&b);
}

/* For "did you mean": every checker and finding that suggests a name. */
int lq_edit_distance(const char *a, size_t an, const char *b, size_t bn, int cap) {
  if (an > 64 || bn > 64) return cap + 1;
  int diff = (int)an - (int)bn;
  if (diff > cap || -diff > cap) return cap + 1;
  int row[65];
  for (size_t j = 0; j <= bn; j++) row[j] = (int)j;
  for (size_t i = 1; i <= an; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= bn; j++) {
      int up = row[j];
      int sub = diag + (a[i - 1] != b[j - 1]);
      int ins = row[j - 1] + 1, del = up + 1;
      row[j] = sub < ins ? (sub < del ? sub : del) : (ins < del ? ins : del);
      diag = up;
    }
  }
  return row[bn];
}
