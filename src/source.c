/* source.c: source files and their line tables. */
#include "source.h"

#include "arena.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void lq_sources_init(lq_sources *s) { memset(s, 0, sizeof *s); }

void lq_sources_free(lq_sources *s) {
  for (size_t i = 0; i < s->n; i++) {
    lq_mem_free(s->files[i].path);
    lq_mem_free(s->files[i].text);
    lq_mem_free(s->files[i].lines);
  }
  lq_mem_free(s->files);
  memset(s, 0, sizeof *s);
}

uint32_t lq_sources_add(lq_sources *s, const char *path, char *text, size_t len) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4;
    s->files = lq_mem_realloc(s->files, s->cap * sizeof *s->files);
  }
  lq_source *f = &s->files[s->n];
  f->path = lq_mem_strdup(path);
  f->text = text;
  f->len = len;
  size_t cap = 64;
  f->lines = lq_mem_alloc(cap * sizeof *f->lines);
  f->nlines = 0;
  f->lines[f->nlines++] = 0;
  for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
    if (f->nlines == cap) {
      cap *= 2;
      f->lines = lq_mem_realloc(f->lines, cap * sizeof *f->lines);
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

/* Only what can be read to an end: a file, or a pipe (`<(git show ...)`), whose
 * size is checked as it comes. A folder or a device is refused before it is
 * opened: /dev/zero would never end, and opening some devices does things. */
static char *read_failed(lq_error *e, const char *path, int sys) {
  lq_error_sys(e, sys, "cannot read '%s': %s", path, lq_read_strerror(sys));
  return NULL;
}

char *lq_read_file_max(const char *path, size_t max, size_t *len, lq_error *e) {
  struct stat st;
  if (stat(path, &st) != 0) return read_failed(e, path, errno);
  if (S_ISDIR(st.st_mode)) return read_failed(e, path, EISDIR);
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return read_failed(e, path, ENODEV);
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) return read_failed(e, path, ENXIO);
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) return read_failed(e, path, EFBIG);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return read_failed(e, path, errno);
  /* The file may have been swapped since stat: look again at what is open. */
  int err = fstat(fd, &st) != 0 ? errno
          : S_ISDIR(st.st_mode) ? EISDIR
          : !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) ? ENODEV : 0;
  if (err) {
    close(fd);
    return read_failed(e, path, err);
  }
  /* A regular file's size is the first guess; a file that grows is still cut at max + 1. */
  size_t cap = S_ISREG(st.st_mode) && (uintmax_t)st.st_size < max ? (size_t)st.st_size + 2 : 4096;
  if (cap < 4096) cap = 4096;
  size_t n = 0;
  char *buf = lq_mem_alloc(cap);
  for (;;) {
    if (n + 1 == cap) {
      if (n > max) break;
      cap = cap > max / 2 ? max + 2 : cap * 2;
      buf = lq_mem_realloc(buf, cap);
    }
    ssize_t got = read(fd, buf + n, cap - n - 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      err = errno;
      close(fd);
      lq_mem_free(buf);
      return read_failed(e, path, err);
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  close(fd);
  if (n > max) { lq_mem_free(buf); return read_failed(e, path, EFBIG); }
  buf[n] = '\0';
  *len = n;
  return buf;
}

char *lq_read_file(const char *path, size_t *len, lq_error *e) {
  return lq_read_file_max(path, LQ_MAX_RULES_BYTES, len, e);
}

const char *lq_read_strerror(int err) {
  switch (err) {
  case EISDIR: return "it is a folder; name a file in it";
  case ENODEV: return "it is a device, not a file";
  case ENXIO: return "it is a socket, not a file";
  case EFBIG: return "it is larger than " LQ_MAX_RULES_TEXT ", the most a rules file may be";
  default: return strerror(err);
  }
}
