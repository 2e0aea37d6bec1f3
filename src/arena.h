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

/* ---- where the library's memory comes from ----
 * Everything leadq keeps beyond one call (arena chunks, a program, its sources
 * and diagnostics, an evaluator, output buffers) comes from lq_mem_alloc and
 * goes back through lq_mem_free. They use the allocator of the public API call
 * in progress on this thread (leadq.c sets it on entry to each leadq_* call,
 * to the one its program was compiled with, and restores it on exit), else
 * malloc and free: so the CLI, which sets none, is plain malloc. Memory is
 * always freed by a call on the same program as allocated it, hence by the
 * same allocator. Scratch that one call takes and gives back (the checker's
 * tables, path strings), and what the C library allocates itself (regcomp,
 * realpath), stay with malloc: balanced within the call either way. */

/* An allocator: ptr NULL allocates size bytes; size 0 frees ptr (returns
 * NULL); else resizes ptr to size bytes. NULL on failure. (leadq_alloc in leadq.h.) */
typedef void *(*lq_alloc_fn)(void *ud, void *ptr, size_t size);
typedef struct lq_allocator { lq_alloc_fn fn; void *ud; } lq_allocator;
/* Makes a the allocator of this thread (NULL: malloc) and returns the one before. */
const lq_allocator *lq_mem_use(const lq_allocator *a);
/* Never NULL (aborts on OOM); n 0 is one byte. */
void *lq_mem_alloc(size_t n);
void *lq_mem_realloc(void *p, size_t n);
void lq_mem_free(void *p);
char *lq_mem_strdup(const char *s);

/* calloc that never returns NULL (aborts on OOM), for n items or one when n is 0. */
void *lq_xcalloc(size_t n, size_t size);
/* The same in cache lines of its own (64-byte aligned and padded), for state one
 * thread writes every lead while another thread writes its neighbour. Under an
 * API allocator only as aligned as it gives. Both are freed with lq_mem_free. */
void *lq_xcalloc_lines(size_t n, size_t size);

#endif
