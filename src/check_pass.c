/* check_pass.c: what every pass of the checker uses: symbol tables, lines,
 * near misses, excerpts of the source. */
#include "check_pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lq_check_add_use(checker *c, int to) {
  if (c->nuses == c->uses_cap) {
    c->uses_cap = c->uses_cap ? 2 * c->uses_cap : 256;
    c->uses = lq_mem_realloc(c->uses, c->uses_cap * sizeof *c->uses);
    if (!c->uses) abort();
  }
  c->uses[c->nuses++] = (struct use){c->order, to};
}

void lq_check_symtab_init(symtab *t, size_t n) {
  *t = (symtab){0};
  lq_hash_init(&t->index, NULL, (uint32_t)n);
}

void lq_check_symtab_free(symtab *t) {
  lq_mem_free(t->syms);
  lq_hash_free(&t->index);
}

/* The entry named s, or an empty one (name NULL) when there is none. */
sym *lq_check_sym(symtab *t, const char *s, size_t n) {
  uint64_t h = lq_hash_bytes(s, n);
  for (uint32_t i = lq_hash_first(&t->index, h); t->index.slots[i].id >= 0; i = lq_hash_next(&t->index, i)) {
    sym *e = &t->syms[t->index.slots[i].id];
    if (lq_hash_hit(&t->index, i, h) && e->len == n && memcmp(e->name, s, n) == 0) return e;
  }
  t->none = (sym){0};
  return &t->none;
}

/* Adds e, whose name symtab_slot has just not found. */
void lq_check_symtab_add(symtab *t, sym e) {
  uint64_t h = lq_hash_bytes(e.name, e.len);
  uint32_t i = lq_hash_first(&t->index, h);
  while (t->index.slots[i].id >= 0) i = lq_hash_next(&t->index, i);
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    t->syms = lq_mem_realloc(t->syms, (size_t)t->cap * sizeof *t->syms);
    if (!t->syms) abort();
  }
  t->syms[t->n] = e;
  lq_hash_put(&t->index, i, h, t->n++);
}

int lq_check_line(const checker *c, lq_span at) {
  int line, col;
  lq_sources_position(c->src, at.file, at.begin, &line, &col);
  return line;
}

/* The name closest to s, if close enough to be a typo: one edit for names of
 * up to four letters, two for longer ones. */
/* The declared name one typo away from s, if any. A typo keeps most of the
 * word: one edit for names of up to four letters, two for longer ones, and
 * never as many edits as the name has letters (so `x` is not taken for `g`). */
const char *lq_check_near_miss(const symtab *t, const char *const *extra, const char *s, size_t n) {
  const char *best = NULL;
  int best_d = n < 3 ? (int)n : 3;
  for (int i = 0; t && i < t->n; i++) {
    const sym *e = &t->syms[i];
    int cap = e->len <= 4 ? 1 : 2;
    int dist = lq_edit_distance(s, n, e->name, e->len, cap);
    if (dist <= cap && dist < best_d) { best = e->name; best_d = dist; }
  }
  for (; extra && *extra; extra++) {
    size_t len = strlen(*extra);
    int cap = len <= 4 ? 1 : 2;
    int dist = lq_edit_distance(s, n, *extra, len, cap);
    if (dist <= cap && dist < best_d) { best = *extra; best_d = dist; }
  }
  return best;
}

const char *lq_check_kind_word(lq_kind k) {
  switch (k) {
  case LQ_LISTDECL: return "list";
  case LQ_DEFINE: return "define";
  case LQ_SCORE: return "score group";
  case LQ_GRADE: return "grade";
  case LQ_STAGE: return "stage";
  case LQ_TABLE: return "table";
  default: return "name";
  }
}


/* The source text of a span, on one line and shortened, for a message. */
const char *lq_check_excerpt(const checker *c, lq_span s, char *buf, size_t size) {
  const char *t = c->src->files[s.file].text + s.begin;
  size_t n = s.end > s.begin ? s.end - s.begin : 0;
  const char *nl = memchr(t, '\n', n);
  if (nl) n = (size_t)(nl - t);
  if (n > 60) snprintf(buf, size, "%.57s...", t);
  else snprintf(buf, size, "%.*s", (int)n, t);
  return buf;
}


bool lq_check_is_constant(const lq_node *n) {
  switch (n->kind) {
  case LQ_NUM: case LQ_STR: case LQ_TRUE: case LQ_FALSE: case LQ_NULL: return true;
  case LQ_NEG: return n->a->kind == LQ_NUM;
  default: return false;
  }
}


