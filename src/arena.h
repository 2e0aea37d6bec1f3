/* arena.h: bump allocation for compile-time structures and per-lead scratch. */
#ifndef LQ_ARENA_H
#define LQ_ARENA_H
#include <stddef.h>

typedef struct lq_arena_chunk lq_arena_chunk;
typedef struct lq_arena {
  lq_arena_chunk *head;   /* current chunk; older ones follow ->next */
  size_t chunk_size;      /* size of the next chunk to allocate */
} lq_arena;

void lq_arena_init(lq_arena *a, size_t chunk_size);
void *lq_arena_alloc(lq_arena *a, size_t n);          /* aligned, never NULL (aborts on OOM) */
void *lq_arena_zalloc(lq_arena *a, size_t n);
char *lq_arena_strndup(lq_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *lq_arena_printf(lq_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forget everything but keep the largest chunk, so a steady stream of leads
 * stops calling malloc after the first few. */
void lq_arena_reset(lq_arena *a);
void lq_arena_free(lq_arena *a);

#endif
