/* hash.h: the one hash function, and the one hash table every module uses.
 *
 * Hashes are XXH3 (64 bits). Text that the language compares ignoring case
 * (list items, table keys and columns, dispositions) hashes ignoring ASCII
 * case; names and paths, compared byte for byte, hash their bytes.
 *
 * The table maps a 64-bit hash to ids (indexes into the caller's own array);
 * the caller walks the slots that may hold a key and compares keys itself,
 * so one table serves names, paths, values, numbers and a million-row
 * table's keys alike:
 *
 *   uint64_t h = lq_hash_bytes(s, n);
 *   uint32_t i;
 *   for (i = lq_hash_first(t, h); t->slots[i].id >= 0; i = lq_hash_next(t, i))
 *     if (lq_hash_hit(t, i, h) && same(items[t->slots[i].id], s, n)) return t->slots[i].id;
 *   lq_hash_put(t, i, h, new_id);   // i: the empty slot the walk ended on
 *
 * A slot is 8 bytes: the id and the hash's high half (its tag), from which
 * the slot is also taken (scrambled), so the table can grow without the whole hash. Most
 * slots a walk passes are told apart by the tag, without reading their key.
 */
#ifndef LQ_HASH_H
#define LQ_HASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "value.h"

uint64_t lq_hash_bytes(const void *s, size_t n);
uint64_t lq_hash_text(const char *s, size_t n);   /* ignoring ASCII case */
uint64_t lq_hash_num(double x);                    /* -0 and 0 hash alike */
/* h with one more part of a key of several (a table's composite key). */
uint64_t lq_hash_mix(uint64_t h, uint64_t part);

typedef struct lq_hash_slot { uint32_t tag; int32_t id; } lq_hash_slot;   /* id -1: empty */
typedef struct lq_hash {
  lq_hash_slot *slots;
  uint32_t mask, n;
  lq_arena *arena;     /* where the slots live; NULL: malloc, freed by lq_hash_free */
} lq_hash;

/* A table for about expected ids, kept at most half full as it grows. */
void lq_hash_init(lq_hash *t, lq_arena *a, uint32_t expected);
void lq_hash_free(lq_hash *t);
static inline uint32_t lq_hash_tag(uint64_t h) { return (uint32_t)(h >> 32); }
/* The home slot of a tag: the product's high half depends on every bit of
 * the tag, so keys that share a probe run still differ in most of their tags. */
static inline uint32_t lq_hash_home(const lq_hash *t, uint32_t tag) {
  return (uint32_t)(((uint64_t)tag * 0x9E3779B97F4A7C15ULL) >> 32) & t->mask;
}
static inline uint32_t lq_hash_first(const lq_hash *t, uint64_t h) { return lq_hash_home(t, lq_hash_tag(h)); }
static inline uint32_t lq_hash_next(const lq_hash *t, uint32_t i) { return (i + 1) & t->mask; }
/* Whether slot i may hold the key of hash h (then compare the keys). */
static inline bool lq_hash_hit(const lq_hash *t, uint32_t i, uint64_t h) { return t->slots[i].tag == lq_hash_tag(h); }
/* Puts id with hash h in empty slot i (where a walk for h ended), growing
 * the table when it is half full. */
void lq_hash_put(lq_hash *t, uint32_t i, uint64_t h, int32_t id);

/* Constant text and numbers, hashed; text ignores case. */
typedef struct lq_set {
  const lq_value *items;   /* distinct, present, never a list or object */
  lq_hash index;
  uint32_t count;
  int kind;                /* the kind of every item, or -1 when they are mixed */
} lq_set;

/* Builds a hash set of constant items; NULL when an item is a list or object. */
lq_set *lq_set_build(lq_arena *a, const lq_value *items, uint32_t n);
bool lq_set_has(const lq_set *s, lq_value v);

#endif
