/* hash.c: the one hash function (XXH3) and the one open-addressing table. */
#include "hash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

uint64_t lq_hash_bytes(const void *s, size_t n) { return XXH3_64bits(s, n); }

/* Folded a chunk at a time on the stack, each chunk seeding the next: keys
 * are short, and a folded copy hashes as fast as the bytes themselves. */
uint64_t lq_hash_text(const char *s, size_t n) {
  if (n == 0) return XXH3_64bits_withSeed("", 0, 0);
  unsigned char buf[256];
  uint64_t h = 0;
  do {
    size_t k = n < sizeof buf ? n : sizeof buf;
    for (size_t i = 0; i < k; i++) {
      unsigned char ch = (unsigned char)s[i];
      buf[i] = ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + 32) : ch;
    }
    h = XXH3_64bits_withSeed(buf, k, h);
    s += k;
    n -= k;
  } while (n);
  return h;
}

uint64_t lq_hash_num(double x) {
  if (x == 0) x = 0;   /* -0 and 0 are one key */
  return XXH3_64bits(&x, sizeof x);
}

static lq_hash_slot *new_slots(lq_hash *t, uint32_t cap) {
  lq_hash_slot *s = t->arena ? lq_arena_alloc(t->arena, cap * sizeof *s) : lq_mem_alloc(cap * sizeof *s);
  if (!s) abort();
  for (uint32_t i = 0; i < cap; i++) s[i].id = -1;
  return s;
}

void lq_hash_init(lq_hash *t, lq_arena *a, uint32_t expected) {
  uint32_t cap = 8;
  if (expected > (UINT32_MAX >> 2)) abort();   /* more ids than an int32 holds, at half full */
  while (cap < 2 * (uint64_t)expected + 1) cap *= 2;
  t->arena = a;
  t->slots = new_slots(t, cap);
  t->mask = cap - 1;
  t->n = 0;
}

void lq_hash_free(lq_hash *t) {
  if (!t->arena) lq_mem_free(t->slots);
  t->slots = NULL;
}

uint64_t lq_hash_mix(uint64_t h, uint64_t part) {
  h ^= part + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 33);
}

void lq_hash_put(lq_hash *t, uint32_t i, uint64_t h, int32_t id) {
  t->slots[i] = (lq_hash_slot){lq_hash_tag(h), id};
  if (2 * ++t->n <= t->mask) return;
  lq_hash_slot *old = t->slots;
  uint32_t old_cap = t->mask + 1;
  t->slots = new_slots(t, 2 * old_cap);
  t->mask = 2 * old_cap - 1;
  for (uint32_t k = 0; k < old_cap; k++) {
    if (old[k].id < 0) continue;
    uint32_t j = lq_hash_home(t, old[k].tag);
    while (t->slots[j].id >= 0) j = lq_hash_next(t, j);
    t->slots[j] = old[k];
  }
  if (!t->arena) lq_mem_free(old);
}

/* ---- constant sets ---- */

static uint64_t value_hash(lq_value v) {
  if (v.kind == LQ_V_STR) return lq_hash_text(v.str, v.n);
  if (v.kind == LQ_V_NUM) return lq_hash_num(v.num);
  return lq_hash_num((double)v.kind * 2 + v.b) ^ 0x9E3779B97F4A7C15ULL;
}

lq_set *lq_set_build(lq_arena *a, const lq_value *items, uint32_t n) {
  lq_set *s = lq_arena_zalloc(a, sizeof *s);
  lq_value *kept = lq_arena_alloc(a, (n ? n : 1) * sizeof *kept);
  s->items = kept;
  lq_hash_init(&s->index, a, n);
  s->kind = n ? items[0].kind : -1;
  for (uint32_t i = 0; i < n; i++) {
    lq_value v = items[i];
    if (v.kind == LQ_V_LIST || v.kind == LQ_V_OBJ || v.kind == LQ_V_ROW) return NULL;
    if ((int)v.kind != s->kind) s->kind = -1;
    if (v.kind == LQ_V_MISSING) continue;   /* `x in [null]` never holds: x would be missing */
    uint64_t h = value_hash(v);
    uint32_t j;
    bool seen = false;
    for (j = lq_hash_first(&s->index, h); s->index.slots[j].id >= 0; j = lq_hash_next(&s->index, j))
      if (lq_hash_hit(&s->index, j, h) && lq_value_eq(kept[s->index.slots[j].id], v)) { seen = true; break; }
    if (seen) continue;
    kept[s->count] = v;
    lq_hash_put(&s->index, j, h, (int32_t)s->count++);
  }
  return s;
}

bool lq_set_has(const lq_set *s, lq_value v) {
  if (v.kind == LQ_V_MISSING) return false;
  uint64_t h = value_hash(v);
  const lq_hash *t = &s->index;
  for (uint32_t j = lq_hash_first(t, h); t->slots[j].id >= 0; j = lq_hash_next(t, j))
    if (lq_hash_hit(t, j, h) && lq_value_eq(s->items[t->slots[j].id], v)) return true;
  return false;
}
