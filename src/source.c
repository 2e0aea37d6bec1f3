/* source.c: source files and their line tables. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lq_sources_init(lq_sources *s) { memset(s, 0, sizeof *s); }

void lq_sources_free(lq_sources *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->files[i].path);
    free(s->files[i].text);
    free(s->files[i].lines);
  }
  free(s->files);
  memset(s, 0, sizeof *s);
}

uint32_t lq_sources_add(lq_sources *s, const char *path, char *text, size_t len) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4;
    s->files = realloc(s->files, s->cap * sizeof *s->files);
    if (!s->files) abort();
  }
  lq_source *f = &s->files[s->n];
  f->path = strdup(path);
  f->text = text;
  f->len = len;
  size_t cap = 64;
  f->lines = malloc(cap * sizeof *f->lines);
  if (!f->path || !f->lines) abort();
  f->nlines = 0;
  f->lines[f->nlines++] = 0;
  for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
    if (f->nlines == cap) {
      cap *= 2;
      f->lines = realloc(f->lines, cap * sizeof *f->lines);
      if (!f->lines) abort();
    }
    f->lines[f->nlines++] = (uint32_t)(p - text + 1);
  }
  return (uint32_t)s->n++;
}

static size_t line_index(const lq_source *f, uint32_t off) {
  size_t lo = 0, hi = f->nlines;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (f->lines[mid] <= off) lo = mid; else hi = mid;
  }
  return lo;
}

void lq_sources_position(const lq_sources *s, uint32_t file, uint32_t off, int *line, int *col) {
  const lq_source *f = &s->files[file];
  if (off > f->len) off = (uint32_t)f->len;
  size_t li = line_index(f, off);
  int c = 1;
  for (uint32_t i = f->lines[li]; i < off; i++)
    if (((unsigned char)f->text[i] & 0xC0) != 0x80) c++;
  *line = (int)li + 1;
  *col = c;
}

const char *lq_sources_line(const lq_sources *s, uint32_t file, uint32_t off, size_t *len) {
  const lq_source *f = &s->files[file];
  if (off > f->len) off = (uint32_t)f->len;
  size_t li = line_index(f, off);
  const char *b = f->text + f->lines[li];
  const char *e = memchr(b, '\n', f->len - f->lines[li]);
  size_t n = e ? (size_t)(e - b) : f->len - f->lines[li];
  if (n && b[n - 1] == '\r') n--;
  *len = n;
  return b;
}

char *lq_read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) { fclose(fp); errno = ENOMEM; return NULL; }
    n += fread(buf + n, 1, cap - n - 1, fp);
    if (n < cap - 1) break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  int err = ferror(fp);
  fclose(fp);
  if (err) { free(buf); errno = EIO; return NULL; }
  buf[n] = '\0';
  *len = n;
  return buf;
}
