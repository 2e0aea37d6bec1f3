/* arena.c: chunked bump allocator. One per compile, one per evaluating thread. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct lq_arena_chunk {
  lq_arena_chunk *next;
  size_t size;
  _Alignas(max_align_t) unsigned char data[];
};

void lq_arena_init(lq_arena *a, size_t chunk_size) {
  a->head = NULL;
  a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
  a->cur = a->end = NULL;
}

/* Chunks from 2 MiB up are aligned to and advised as huge pages: a large rules
 * file builds tens of MB of tree, and on a virtual machine faulting that in
 * 4 KiB at a time costs more than everything else the compiler does. */
enum { HUGE_PAGE = 2 * 1024 * 1024, MAX_GROWTH = 8 * 1024 * 1024 };

static lq_arena_chunk *new_chunk(size_t size) {
  size_t bytes = sizeof(lq_arena_chunk) + size;
  lq_arena_chunk *c;
  if (bytes >= HUGE_PAGE) {
    bytes = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    c = aligned_alloc(HUGE_PAGE, bytes);
#ifdef MADV_HUGEPAGE
    if (c) madvise(c, bytes, MADV_HUGEPAGE);
#endif
    size = bytes - sizeof(lq_arena_chunk);
  } else {
    c = malloc(bytes);
  }
  if (!c) {
    /* Library code does not exit on bad input, but out of memory is not input. */
    fputs("leadq: out of memory\n", stderr);
    abort();
  }
  c->next = NULL;
  c->size = size;
  return c;
}

/* n is already aligned; the current chunk is too full for it. Each new chunk
 * doubles the last (up to MAX_GROWTH), so a big build makes few of them. */
void *lq_arena_alloc_slow(lq_arena *a, size_t n) {
  size_t size = a->chunk_size ? a->chunk_size : 64 * 1024;   /* a zeroed arena works too */
  while (size < n) size *= 2;
  lq_arena_chunk *c = new_chunk(size);
  c->next = a->head;
  a->head = c;
  a->cur = c->data + n;
  a->end = c->data + c->size;
  if (a->chunk_size < MAX_GROWTH) a->chunk_size = size * 2 < MAX_GROWTH ? size * 2 : MAX_GROWTH;
  return c->data;
}

void *lq_arena_zalloc(lq_arena *a, size_t n) {
  void *p = lq_arena_alloc(a, n);
  memset(p, 0, n);
  return p;
}

char *lq_arena_strndup(lq_arena *a, const char *s, size_t n) {
  char *p = lq_arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *lq_arena_printf(lq_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = lq_arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void lq_arena_reset(lq_arena *a) {
  lq_arena_chunk *keep = NULL;
  for (lq_arena_chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    if (!keep || c->size > keep->size) {
      if (keep) free(keep);
      keep = c;
    } else {
      free(c);
    }
  }
  a->cur = a->end = NULL;
  if (keep) {
    keep->next = NULL;
    a->cur = keep->data;
    a->end = keep->data + keep->size;
    /* Next growth starts from the size that was needed, so one big lead
     * costs one malloc rather than a cascade of them. */
    if (keep->size > a->chunk_size) a->chunk_size = keep->size;
  }
  a->head = keep;
}

void *lq_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

void *lq_xcalloc_lines(size_t n, size_t size) {
  enum { CACHE_LINE = 64 };
  size_t bytes = (n ? n : 1) * size;
  bytes = (bytes + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1);
  void *p = aligned_alloc(CACHE_LINE, bytes);
  if (!p) abort();
  return memset(p, 0, bytes);
}

void lq_arena_free(lq_arena *a) {
  for (lq_arena_chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  a->head = NULL;
  a->cur = a->end = NULL;
}
