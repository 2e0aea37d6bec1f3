/* fields.c: finds the fields the rules read that no lead had, and the key the
 * leads had instead (fields.h). */
#include "fields.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "eval.h"
#include "json.h"

/* A key a lead had where a field was looked for, close enough to be the one meant. */
typedef struct cand {
  char *key;
  uint32_t len;
  uint32_t seg;          /* in the field's own path */
  uint8_t rank;          /* how close: 0 best (see closeness) */
  bool flat;             /* a top-level key that is the whole path written with dots
                            (a CSV export's company.employees): in place of every segment */
} cand;

typedef struct track {
  lq_seg *segs;          /* the whole path from the lead: its list's path, then its own */
  uint32_t nsegs;
  uint32_t own;          /* where its own segments start */
  int list;              /* the field whose items it reads, or -1 */
  bool seen;
  uint32_t looked;       /* leads without it whose keys were gathered, up to LQ_FIELDS_WINDOW */
  cand *cands;
  uint32_t ncands, cands_cap;
  char *flat;            /* a lead-rooted path of two or more keys, joined with '.'; else NULL */
  uint32_t flat_len;
  char *text;            /* the id path as written in rules (only the id's) */
  char *suggest;         /* made when asked for */
} track;

struct lq_fields {
  const lq_program *p;
  track *tr;             /* p->nfields of them, then the id path's, if any */
  int n;
  bool has_id;
  int *todo;             /* the fields no lead had yet */
  int ntodo;
  uint64_t leads;
};

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* ---- presence ---- */

/* Missing as the language has it (absent, null, 1e999, blank text): the
 * evaluator's own reading, lq_value_from_json. An array is present whatever
 * its items, and answered here so that no list is built (nor an arena needed). */
static bool present(const cJSON *j) {
  if (!j) return false;
  if (cJSON_IsArray(j)) return true;
  return lq_value_from_json(NULL, j).kind != LQ_V_MISSING;
}

/* ---- did-you-mean candidates ---- */

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }
static bool separator(char c) { return c == ' ' || c == '_' || c == '-'; }

/* Equal ignoring ASCII case and separators: lead_source and Lead Source. */
static bool loosely_equal(const char *a, size_t an, const char *b, size_t bn) {
  size_t i = 0, j = 0;
  for (;;) {
    while (i < an && separator(a[i])) i++;
    while (j < bn && separator(b[j])) j++;
    if (i == an || j == bn) return i == an && j == bn;
    if (fold((unsigned char)a[i++]) != fold((unsigned char)b[j++])) return false;
  }
}

/* How close key is to want, the key written in the rules, smaller is closer:
 * 0 the same but for case, 1 but for case and separators, 1 + 2d for d typing
 * edits, 2 + 2d for d edits once case is ignored (as the compiler's
 * did-you-mean: one edit for keys of up to four letters, two for longer ones,
 * and fewer than want has letters); -1 not close. */
static int closeness(const char *key, size_t klen, const char *want, size_t wlen) {
  if (lq_text_eq(key, klen, want, wlen)) return 0;
  if (loosely_equal(key, klen, want, wlen)) return 1;
  if (klen > 64 || wlen > 64) return -1;   /* lq_edit_distance's own limit */
  int cap = klen <= 4 ? 1 : 2, most = wlen < 3 ? (int)wlen : 3;
  int d = lq_edit_distance(want, wlen, key, klen, cap);
  if (d <= cap && d < most) return 1 + 2 * d;
  /* Typing edits ignore case too (a CRM's Emal is a typo of email), ranked
   * after the same edits in the same case. */
  char k[64], w[64];
  for (size_t i = 0; i < klen; i++) k[i] = (char)fold((unsigned char)key[i]);
  for (size_t i = 0; i < wlen; i++) w[i] = (char)fold((unsigned char)want[i]);
  d = lq_edit_distance(w, wlen, k, klen, cap);
  if (d <= cap && d < most) return 2 + 2 * d;
  return -1;
}

/* The order of candidates, best first: the whole path as one key (the leads
 * are flat, the rules nested), then a deeper segment (the leads had the path up
 * to there), then closer, shorter, then by bytes so that any order of leads or
 * threads picks the same one. */
static int cand_cmp(const cand *a, const cand *b) {
  if (a->flat != b->flat) return a->flat ? -1 : 1;
  if (a->seg != b->seg) return a->seg > b->seg ? -1 : 1;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return memcmp(a->key, b->key, a->len);
}

/* Keeps x (whose key is borrowed) unless kept already; when full, only in
 * place of the worst, so the kept set is the best ones whatever the order. */
static void keep(track *f, cand x) {
  uint32_t worst = 0;
  for (uint32_t i = 0; i < f->ncands; i++) {
    if (f->cands[i].flat == x.flat && f->cands[i].seg == x.seg && f->cands[i].len == x.len &&
        !memcmp(f->cands[i].key, x.key, x.len))
      return;
    if (cand_cmp(&f->cands[i], &f->cands[worst]) > 0) worst = i;
  }
  free(f->suggest);   /* made from the best candidate, which may change */
  f->suggest = NULL;
  if (f->ncands == LQ_FIELDS_MAX_KEYS) {
    if (cand_cmp(&x, &f->cands[worst]) >= 0) return;
    free(f->cands[worst].key);
    x.key = xstrndup(x.key, x.len);
    f->cands[worst] = x;
    return;
  }
  if (f->ncands == f->cands_cap) {
    f->cands_cap = f->cands_cap ? 2 * f->cands_cap : 8;
    f->cands = realloc(f->cands, f->cands_cap * sizeof *f->cands);
    if (!f->cands) abort();
  }
  x.key = xstrndup(x.key, x.len);
  f->cands[f->ncands++] = x;
}

static void drop_cands(track *f) {
  for (uint32_t i = 0; i < f->ncands; i++) free(f->cands[i].key);
  free(f->cands);
  free(f->suggest);
  f->cands = NULL;
  f->suggest = NULL;
  f->ncands = f->cands_cap = 0;
}

/* obj had nothing present at the field's segment i: its present keys close to
 * the one the rules wrote are candidates. */
static void gather(track *f, const cJSON *obj, uint32_t i) {
  const lq_seg *s = &f->segs[i];
  for (const cJSON *c = obj->child; c; c = c->next) {
    if (!c->string || !present(c) || (c->type & LQ_JSON_KEY_NUL)) continue;
    size_t len = strlen(c->string);
    /* A key the rules cannot write is no suggestion; the rules' own key was empty. */
    if (len > 1024 || strpbrk(c->string, "`\n")) continue;
    if (len == s->len && !memcmp(c->string, s->key, len)) continue;
    int rank = closeness(c->string, len, s->key, s->len);
    if (rank >= 0) keep(f, (cand){c->string, (uint32_t)len, i - f->own, (uint8_t)rank, false});
  }
}

/* The lead had no present value along the path: a present top-level key that is
 * the whole path joined with dots, exactly (rank 0) or but for case (1), is a
 * candidate in place of all of it. */
static void gather_flat(track *f, const cJSON *lead) {
  for (const cJSON *c = lead->child; c; c = c->next) {
    if (!c->string || !present(c) || (c->type & LQ_JSON_KEY_NUL)) continue;
    size_t len = strlen(c->string);
    if (len != f->flat_len || !lq_text_eq(c->string, len, f->flat, len)) continue;
    keep(f, (cand){c->string, (uint32_t)len, 0, (uint8_t)(memcmp(c->string, f->flat, len) != 0), true});
  }
}

/* ---- walking a lead ---- */

typedef struct walk {
  track *f;
  bool gather;           /* within the field's window: note the keys where it is not */
  bool found;
} walk;

/* Follows the field's path from j at segment i as the evaluator does (eval.c
 * walk_json): a step at a time by lq_json_at, and an array met by a key is
 * projected over its items; found when some item reaches a present value. */
static void reach(walk *w, const cJSON *j, uint32_t i) {
  const track *f = w->f;
  for (; i < f->nsegs; i++) {
    const lq_seg *s = &f->segs[i];
    int type = j->type & 0xFF;
    if (type == cJSON_Array && !s->is_index) {
      for (const cJSON *c = j->child; c && !w->found; c = c->next) reach(w, c, i);
      return;
    }
    const cJSON *next = lq_json_at(j, s, 1);
    if (!present(next)) {
      /* Keys before the field's own path are its list's, whose own finding covers them. */
      if (w->gather && type == cJSON_Object && !s->is_index && i >= f->own) gather(w->f, j, i);
      return;
    }
    j = next;
  }
  w->found = true;
}

static void mark_seen(track *f) {
  f->seen = true;
  drop_cands(f);
}

void lq_fields_observe(lq_fields *t, const cJSON *lead) {
  t->leads++;
  for (int k = 0; k < t->ntodo;) {
    track *f = &t->tr[t->todo[k]];
    walk w = {f, f->looked < LQ_FIELDS_WINDOW, false};
    reach(&w, lead, 0);
    if (w.found) {
      mark_seen(f);
      t->todo[k] = t->todo[--t->ntodo];   /* never looked at again */
      continue;
    }
    if (w.gather) {
      if (f->flat && cJSON_IsObject(lead)) gather_flat(f, lead);
      f->looked++;
    }
    k++;
  }
}

/* ---- the tracker ---- */

/* Copies n segments into segs, with the keys' bytes too (the id path is the caller's). */
static void copy_segs(lq_seg *to, const lq_seg *from, uint32_t n, bool own_keys) {
  for (uint32_t i = 0; i < n; i++) {
    to[i] = from[i];
    if (own_keys && !from[i].is_index) to[i].key = xstrndup(from[i].key, from[i].len);
  }
}

/* A lead-rooted path of two or more keys, joined with '.' as a CSV export's
 * header flattens it (company.employees); NULL for any other, or one the rules
 * could not write as one key. */
static void make_flat(track *f) {
  if (f->nsegs < 2) return;
  size_t len = f->nsegs - 1;
  for (uint32_t i = 0; i < f->nsegs; i++) {
    if (f->segs[i].is_index || memchr(f->segs[i].key, '`', f->segs[i].len) || memchr(f->segs[i].key, '\n', f->segs[i].len))
      return;
    len += f->segs[i].len;
  }
  if (len > 1024) return;
  char *p = f->flat = xmalloc(len + 1);
  for (uint32_t i = 0; i < f->nsegs; i++) {
    if (i) *p++ = '.';
    memcpy(p, f->segs[i].key, f->segs[i].len);
    p += f->segs[i].len;
  }
  *p = '\0';
  f->flat_len = (uint32_t)len;
}

static bool is_identifier(const char *s, size_t n) {
  if (!n || !(s[0] == '_' || (fold((unsigned char)s[0]) >= 'a' && fold((unsigned char)s[0]) <= 'z'))) return false;
  for (size_t i = 1; i < n; i++)
    if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (fold((unsigned char)s[i]) >= 'a' && fold((unsigned char)s[i]) <= 'z')))
      return false;
  return true;
}

/* segs[0..n) as the rules write a path, with segment `at` (if < n) keyed key. */
static char *path_text(const lq_seg *segs, uint32_t n, uint32_t at, const char *key, uint32_t key_len) {
  size_t cap = 1;
  for (uint32_t i = 0; i < n; i++) cap += (i == at ? key_len : segs[i].len) + 16;   /* .`key` or [index] */
  char *out = xmalloc(cap), *p = out;
  for (uint32_t i = 0; i < n; i++) {
    if (segs[i].is_index && i != at) { p += snprintf(p, 16, "[%d]", (int)segs[i].index); continue; }
    const char *k = i == at ? key : segs[i].key;
    size_t len = i == at ? key_len : segs[i].len;
    bool quote = !is_identifier(k, len);
    if (i) *p++ = '.';
    if (quote) *p++ = '`';
    memcpy(p, k, len);
    p += len;
    if (quote) *p++ = '`';
  }
  *p = '\0';
  return out;
}

lq_fields *lq_fields_new(const lq_program *p, const lq_seg *id_segs, uint32_t id_nsegs) {
  lq_fields *t = lq_xcalloc(1, sizeof *t);
  t->p = p;
  t->has_id = id_nsegs > 0;
  t->n = p->nfields + t->has_id;
  t->tr = lq_xcalloc((size_t)t->n, sizeof *t->tr);
  t->todo = lq_xcalloc((size_t)t->n, sizeof *t->todo);
  /* A list's field comes before the fields read from its items, so its whole path is made. */
  for (int i = 0; i < p->nfields; i++) {
    const lq_field *pf = &p->fields[i];
    track *f = &t->tr[i];
    const track *list = pf->root == LQ_ROOT_ITEM && pf->list >= 0 && pf->list < i ? &t->tr[pf->list] : NULL;
    f->list = list ? pf->list : -1;
    f->own = list ? list->nsegs : 0;
    f->nsegs = f->own + pf->nsegs;
    f->segs = xmalloc(f->nsegs * sizeof *f->segs);
    if (list) copy_segs(f->segs, list->segs, list->nsegs, false);
    copy_segs(f->segs + f->own, pf->segs, pf->nsegs, false);
    if (pf->root == LQ_ROOT_LEAD) make_flat(f);
  }
  if (t->has_id) {
    track *f = &t->tr[p->nfields];
    f->list = -1;
    f->nsegs = id_nsegs;
    f->segs = xmalloc(id_nsegs * sizeof *f->segs);
    copy_segs(f->segs, id_segs, id_nsegs, true);
    make_flat(f);
    f->text = path_text(f->segs, f->nsegs, f->nsegs, NULL, 0);
  }
  for (int i = 0; i < t->n; i++) t->todo[t->ntodo++] = i;
  return t;
}

void lq_fields_merge(lq_fields *into, const lq_fields *from) {
  into->leads += from->leads;
  into->ntodo = 0;
  for (int i = 0; i < into->n && i < from->n; i++) {
    track *f = &into->tr[i];
    const track *g = &from->tr[i];
    if (!f->seen && g->seen) mark_seen(f);
    if (f->seen) continue;
    f->looked = f->looked + g->looked < LQ_FIELDS_WINDOW ? f->looked + g->looked : LQ_FIELDS_WINDOW;
    for (uint32_t k = 0; k < g->ncands; k++) keep(f, g->cands[k]);
  }
  for (int i = 0; i < into->n; i++)
    if (!into->tr[i].seen) into->todo[into->ntodo++] = i;
}

void lq_fields_free(lq_fields *t) {
  if (!t) return;
  for (int i = 0; i < t->n; i++) {
    track *f = &t->tr[i];
    drop_cands(f);
    if (t->has_id && i == t->p->nfields)
      for (uint32_t k = 0; k < f->nsegs; k++) free((char *)f->segs[k].key);
    free(f->segs);
    free(f->flat);
    free(f->text);
  }
  lq_mem_free(t->tr);
  lq_mem_free(t->todo);
  lq_mem_free(t);
}

uint64_t lq_fields_leads(const lq_fields *t) { return t->leads; }

bool lq_fields_wants_key(const lq_fields *t, const char *key, uint32_t len) {
  for (int i = 0; i < t->n; i++) {
    const track *f = &t->tr[i];
    /* The first key of every path from the lead (items' paths start with their list's). */
    if (f->nsegs && !f->segs[0].is_index && closeness(key, len, f->segs[0].key, f->segs[0].len) >= 0) return true;
    if (f->flat && lq_text_eq(key, len, f->flat, f->flat_len)) return true;
  }
  return false;
}

/* ---- findings ---- */

static bool finding(lq_fields *t, int i, lq_fields_miss *out) {
  track *f = &t->tr[i];
  if (f->seen) return false;
  const cand *best = NULL;
  for (uint32_t k = 0; k < f->ncands; k++)
    if (!best || cand_cmp(&f->cands[k], best) < 0) best = &f->cands[k];
  if (best && !f->suggest)
    f->suggest = best->flat ? path_text(&(lq_seg){.key = best->key, .len = best->len}, 1, 0, best->key, best->len)
                            : path_text(f->segs + f->own, f->nsegs - f->own, best->seg, best->key, best->len);
  *out = (lq_fields_miss){.field = -1, .text = f->text, .key = best ? best->key : NULL,
                          .key_seg = best ? best->seg : 0,
                          .key_nsegs = !best ? 0 : best->flat ? f->nsegs : 1,
                          .suggest = best ? f->suggest : NULL};
  return true;
}

bool lq_fields_missing(lq_fields *t, int i, lq_fields_miss *out) {
  if (i < 0 || i >= t->p->nfields) return false;
  int list = t->tr[i].list;
  if (list >= 0 && !t->tr[list].seen) return false;
  if (!finding(t, i, out)) return false;
  out->field = i;
  out->text = t->p->fields[i].text;
  out->span = t->p->fields[i].span;
  return true;
}

bool lq_fields_id_missing(lq_fields *t, lq_fields_miss *out) {
  return t->has_id && finding(t, t->p->nfields, out);
}

int lq_fields_kept(const lq_fields *t, int i) {
  if (i < 0) i = t->has_id ? t->p->nfields : t->n;
  return i < t->n ? (int)t->tr[i].ncands : 0;
}

/* ---- a field path as written ---- */

/* why: a reason of its own, for a path of the right shape with a wrong part. */
static bool path_parse(lq_arena *a, const char *text, lq_seg **segs, uint32_t *nsegs, const char **why) {
  size_t n = strlen(text), cap = 4;
  lq_seg *out = lq_arena_alloc(a, cap * sizeof *out);
  uint32_t count = 0;
  size_t i = 0;
  while (i < n) {
    if (count == cap) {
      lq_seg *bigger = lq_arena_alloc(a, 2 * cap * sizeof *out);
      memcpy(bigger, out, cap * sizeof *out);
      out = bigger;
      cap *= 2;
    }
    lq_seg *s = &out[count];
    memset(s, 0, sizeof *s);
    if (text[i] == '`') {
      const char *end = strchr(text + i + 1, '`');
      if (!end) return false;
      s->key = lq_arena_strndup(a, text + i + 1, (size_t)(end - text - i - 1));
      s->len = (uint32_t)(end - text - i - 1);
      i = (size_t)(end - text) + 1;
    } else if (text[i] == '[') {
      /* Digits, counted without overflow: [4294967296] must not wrap to [0]. */
      size_t j = i + 1 + (text[i + 1] == '-');
      long long v = 0;
      bool big = false;
      for (; text[j] >= '0' && text[j] <= '9'; j++) {
        v = v * 10 + (text[j] - '0');
        if (v > LQ_INDEX_MAX) big = true, v = LQ_INDEX_MAX;
      }
      if (j == i + 1 + (text[i + 1] == '-') || text[j] != ']') return false;
      if (big) {
        *why = "a list index is a whole number from -1000000000 to 1000000000, like [0] for the first item or [-1] for the last";
        return false;
      }
      s->is_index = true;
      s->index = (int32_t)(text[i + 1] == '-' ? -v : v);
      i = j + 1;
    } else {
      size_t j = i;
      while (j < n && text[j] != '.' && text[j] != '[' && text[j] != '`') j++;
      if (j == i) return false;
      s->key = lq_arena_strndup(a, text + i, j - i);
      s->len = (uint32_t)(j - i);
      i = j;
    }
    count++;
    if (i < n && text[i] == '.') {
      i++;
      if (i == n) return false;
    } else if (i < n && text[i] != '[') {
      return false;
    }
  }
  *segs = out;
  *nsegs = count;
  return count > 0;
}

bool lq_path_parse(lq_arena *a, const char *text, lq_seg **segs, uint32_t *nsegs, lq_error *err) {
  const char *why = NULL;
  if (path_parse(a, text, segs, nsegs, &why)) return true;
  if (why) return lq_error_set(err, "'%s': %s", text, why);
  return lq_error_set(err, "'%s' is not a field path; write e.g. id, crm.id or '`Prospect ID`'", text);
}
