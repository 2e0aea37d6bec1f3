/* arena.h: bump allocation for compile-time structures and per-lead scratch. */
#ifndef LQ_ARENA_H
#define LQ_ARENA_H
#include <stddef.h>

typedef struct lq_arena_chunk lq_arena_chunk;
typedef struct lq_arena {
  lq_arena_chunk *head;   /* current chunk; older ones follow ->next */
  size_t chunk_size;      /* size of the next chunk to allocate */
  unsigned char *cur, *end;   /* the free part of the current chunk */
} lq_arena;

void lq_arena_init(lq_arena *a, size_t chunk_size);
void *lq_arena_alloc_slow(lq_arena *a, size_t n);
/* Aligned, never NULL (aborts on OOM). Inline: a lead makes hundreds of these. */
static inline void *lq_arena_alloc(lq_arena *a, size_t n) {
  n = (n + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
  if ((size_t)(a->end - a->cur) < n) return lq_arena_alloc_slow(a, n);
  void *p = a->cur;
  a->cur += n;
  return p;
}
void *lq_arena_zalloc(lq_arena *a, size_t n);
char *lq_arena_strndup(lq_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *lq_arena_printf(lq_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forget everything but keep the largest chunk, so a steady stream of leads
 * stops calling malloc after the first few. */
void lq_arena_reset(lq_arena *a);
void lq_arena_free(lq_arena *a);

/* calloc that never returns NULL (aborts on OOM), for n items or one when n is 0. */
void *lq_xcalloc(size_t n, size_t size);
/* The same in cache lines of its own (64-byte aligned and padded), for state one
 * thread writes every lead while another thread writes its neighbour. */
void *lq_xcalloc_lines(size_t n, size_t size);

#endif
