/* arena.c: chunked bump allocator. One per compile, one per evaluating thread. */
#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct lq_arena_chunk {
  lq_arena_chunk *next;
  size_t size;
  bool mapped;            /* mmap'd (a huge chunk under malloc), not lq_mem_alloc'd */
  _Alignas(max_align_t) unsigned char data[];
};

/* ---- the allocator of the API call in progress ---- */

static _Thread_local const lq_allocator *mem_current;

const lq_allocator *lq_mem_use(const lq_allocator *a) {
  const lq_allocator *before = mem_current;
  mem_current = a;
  return before;
}

static _Noreturn void out_of_memory(void) {
  /* Library code does not exit on bad input, but out of memory is not input. */
  abort();
}

void *lq_mem_realloc(void *p, size_t n) {
  if (!n) n = 1;
  const lq_allocator *a = mem_current;
  void *q = a ? a->fn(a->ud, p, n) : realloc(p, n);
  if (!q) out_of_memory();
  return q;
}

void *lq_mem_alloc(size_t n) { return lq_mem_realloc(NULL, n); }

void lq_mem_free(void *p) {
  if (!p) return;
  const lq_allocator *a = mem_current;
  if (a) a->fn(a->ud, p, 0);
  else free(p);
}

char *lq_mem_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(lq_mem_alloc(n), s, n);
}

void lq_arena_init(lq_arena *a, size_t chunk_size) {
  a->head = NULL;
  a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
  a->cur = a->end = NULL;
}

/* Chunks from 2 MiB up are aligned to and advised as huge pages: a large rules
 * file builds tens of MB of tree, and on a virtual machine faulting that in
 * 4 KiB at a time costs more than everything else the compiler does. */
enum { HUGE_PAGE = 2 * 1024 * 1024, MAX_GROWTH = 8 * 1024 * 1024 };

/* Such a chunk is mapped rather than malloc'd: freed, it goes back to the
 * system at once. malloc keeps freed memory of that size for reuse by the same
 * thread, so after a big lead on each of several threads (--jobs) the run would
 * hold the sum of their peaks rather than what the leads in hand need. */
static lq_arena_chunk *map_chunk(size_t bytes) {
  /* A huge page more than needed, then trimmed, so the chunk starts on one. */
  unsigned char *m = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return NULL;
  size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
  if (head) munmap(m, head);
  if (HUGE_PAGE - head) munmap(m + head + bytes, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
  madvise(m + head, bytes, MADV_HUGEPAGE);
#endif
  return (lq_arena_chunk *)(void *)(m + head);
}

static void free_chunk(lq_arena_chunk *c) {
  if (c->mapped) munmap(c, sizeof(lq_arena_chunk) + c->size);
  else lq_mem_free(c);
}

static lq_arena_chunk *new_chunk(size_t size) {
  size_t bytes = sizeof(lq_arena_chunk) + size;
  lq_arena_chunk *c;
  /* An embedder's allocator gets every chunk, huge ones too. */
  bool mapped = bytes >= HUGE_PAGE && !mem_current;
  if (mapped) {
    bytes = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    c = map_chunk(bytes);
    size = bytes - sizeof(lq_arena_chunk);
    if (!c) out_of_memory();
  } else {
    c = lq_mem_alloc(bytes);
  }
  c->next = NULL;
  c->size = size;
  c->mapped = mapped;
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
      if (keep) free_chunk(keep);
      keep = c;
    } else {
      free_chunk(c);
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
  if (n && size > SIZE_MAX / n) out_of_memory();
  size_t bytes = (n ? n : 1) * size;
  return memset(lq_mem_alloc(bytes), 0, bytes);
}

void *lq_xcalloc_lines(size_t n, size_t size) {
  enum { CACHE_LINE = 64 };
  if (n && size > (SIZE_MAX - CACHE_LINE) / n) out_of_memory();
  size_t bytes = (n ? n : 1) * size;
  bytes = (bytes + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1);
  void *p = mem_current ? lq_mem_alloc(bytes) : aligned_alloc(CACHE_LINE, bytes);
  if (!p) out_of_memory();
  return memset(p, 0, bytes);
}

void lq_arena_free(lq_arena *a) {
  for (lq_arena_chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free_chunk(c);
  }
  a->head = NULL;
  a->cur = a->end = NULL;
}
