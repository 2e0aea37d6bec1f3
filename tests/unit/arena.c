/* The bump allocator every compile and every lead uses. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

#include "arena.h"

static bool aligned(const void *p) { return (uintptr_t)p % _Alignof(max_align_t) == 0; }

Test(arena, allocations_are_aligned_and_distinct) {
  lq_arena a;
  lq_arena_init(&a, 256);
  char *prev = NULL;
  for (size_t n = 1; n < 300; n += 7) {
    char *p = lq_arena_alloc(&a, n);
    cr_assert(aligned(p), "allocation of %zu bytes is not aligned", n);
    cr_assert_neq(p, prev);
    memset(p, 0xAB, n);   /* ASan: every byte handed out is ours */
    prev = p;
  }
  lq_arena_free(&a);
}

Test(arena, an_allocation_bigger_than_a_chunk_gets_its_own) {
  lq_arena a;
  lq_arena_init(&a, 1024);
  unsigned char *small = lq_arena_alloc(&a, 16);
  unsigned char *big = lq_arena_alloc(&a, 100000);
  memset(big, 7, 100000);
  cr_assert_eq(big[99999], 7);
  small[0] = 1;
  cr_assert_eq(small[0], 1);
  lq_arena_free(&a);
}

Test(arena, chunks_past_two_megabytes_hold_what_was_asked) {
  /* The huge-page path: sizes round up, contents stay. */
  lq_arena a;
  lq_arena_init(&a, 64 * 1024);
  size_t n = 5 * 1024 * 1024 + 3;
  unsigned char *p = lq_arena_alloc(&a, n);
  cr_assert(aligned(p));
  memset(p, 0x5A, n);
  unsigned char *q = lq_arena_alloc(&a, 1000);   /* fits in the rest of that chunk or a new one */
  memset(q, 1, 1000);
  cr_assert_eq(p[n - 1], 0x5A);
  cr_assert_eq(p[0], 0x5A);
  lq_arena_free(&a);
}

Test(arena, many_small_allocations_grow_the_chunks) {
  /* 20 MB in 64-byte pieces: with doubling chunks this is a handful of
   * mallocs; the test checks the contents survive every growth. */
  lq_arena a;
  lq_arena_init(&a, 4096);
  enum { N = 20 * 1024 * 1024 / 64 };
  unsigned char **ptrs = malloc(N * sizeof *ptrs);
  cr_assert_not_null(ptrs);
  for (size_t i = 0; i < N; i++) {
    ptrs[i] = lq_arena_alloc(&a, 64);
    ptrs[i][0] = (unsigned char)i;
    ptrs[i][63] = (unsigned char)(i >> 8);
  }
  for (size_t i = 0; i < N; i += 997) {
    cr_assert_eq(ptrs[i][0], (unsigned char)i);
    cr_assert_eq(ptrs[i][63], (unsigned char)(i >> 8));
  }
  free(ptrs);
  lq_arena_free(&a);
}

Test(arena, zalloc_zeroes_reused_memory) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  unsigned char *p = lq_arena_alloc(&a, 512);
  memset(p, 0xFF, 512);
  lq_arena_reset(&a);
  unsigned char *z = lq_arena_zalloc(&a, 512);
  for (int i = 0; i < 512; i++) cr_assert_eq(z[i], 0, "byte %d not zeroed", i);
  lq_arena_free(&a);
}

Test(arena, reset_keeps_the_largest_chunk_for_the_next_lead) {
  lq_arena a;
  lq_arena_init(&a, 1024);
  lq_arena_alloc(&a, 100);
  unsigned char *big = lq_arena_alloc(&a, 300000);
  lq_arena_reset(&a);
  /* The next lead of the same size is served from the kept chunk. */
  unsigned char *again = lq_arena_alloc(&a, 300000);
  cr_assert_eq(again, big);
  lq_arena_free(&a);
}

Test(arena, strndup_and_printf_terminate) {
  lq_arena a;
  lq_arena_init(&a, 64);
  char *s = lq_arena_strndup(&a, "hello world", 5);
  cr_assert_str_eq(s, "hello");
  char *t = lq_arena_printf(&a, "%s-%d", s, 42);
  cr_assert_str_eq(t, "hello-42");
  lq_arena_free(&a);
}

/* Pages of the n allocations at p[] that are still mapped and resident. */
static int still_resident(unsigned char *const *p, int n) {
  long page = sysconf(_SC_PAGESIZE);
  int resident = 0;
  for (int i = 0; i < n; i++) {
    unsigned char *at = (unsigned char *)((uintptr_t)p[i] & ~(uintptr_t)(page - 1));
    unsigned char in = 0;
    if (mincore(at, (size_t)page, &in) == 0 && (in & 1)) resident++;
    else cr_assert(errno == ENOMEM || !(in & 1), "mincore: %s", strerror(errno));
  }
  return resident;
}

/* Fills an arena with 48 MiB, frees it, and counts the megabytes still resident. */
static void *fill_and_free(void *arg) {
  int *left = arg;
  lq_arena a;
  /* Chunks of 2 MiB and more from the start: smaller ones are malloc's to keep. */
  lq_arena_init(&a, 2 << 20);
  unsigned char *p[48];
  for (int i = 0; i < 48; i++) memset(p[i] = lq_arena_alloc(&a, 1 << 20), 1, 1 << 20);
  lq_arena_reset(&a);
  lq_arena_free(&a);
  *left += still_resident(p, 48);
  return NULL;
}

/* A big lead's memory goes back to the system once it is done with, whichever
 * thread read it: --jobs threads each reading one big lead in turn must not add
 * up to the sum of their peaks (malloc kept such memory for the thread's reuse). */
Test(arena, big_chunks_go_back_to_the_system_when_freed) {
  int left = 0;
  for (int round = 0; round < 3; round++) {
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, fill_and_free, &left), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
    fill_and_free(&left);
  }
  cr_expect_eq(left, 0, "%d of 288 freed megabytes were still resident", left);
}
