/* table.c: reads a reference table with the lead reader (feed.h), so a table
 * cell is typed exactly as a CSV lead's cell is, and indexes its rows by key.
 * A row is a run of cells, one value per column, not a JSON tree (each row is
 * decoded into scratch memory and copied out): a million-row table takes about
 * the bytes of its file plus 16 per cell, whether it is CSV or NDJSON. */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "hash.h"
#include "json.h"

/* A table with more problems than this is the wrong file: the rest are counted. */
enum { MAX_ROW_ERRORS = 10 };

typedef struct loader {
  lq_arena *a;
  const lq_sources *src;
  lq_diags *diags;
  const lq_node *decl;
  lq_table *t;
  uint32_t row_errors;
  int cols_cap;   /* NDJSON: room in t->cols */
} loader;


/* The span of line (from 1) of the table file, for a message there. */
static lq_span line_span(const loader *L, uint64_t line) {
  const lq_source *f = &L->src->files[L->t->file];
  if (line == 0 || line > f->nlines) return (lq_span){0, 0, L->t->file};
  uint32_t begin = f->lines[line - 1];
  uint32_t end = line < f->nlines ? f->lines[line] - 1 : (uint32_t)f->len;
  while (end > begin && (f->text[end - 1] == '\r' || f->text[end - 1] == '\n')) end--;
  return (lq_span){begin, end, L->t->file};
}

/* Whether to report one more bad row: the first few are, the rest counted. */
static bool row_error(loader *L) { return L->row_errors++ < MAX_ROW_ERRORS; }

/* The text of row's column col as a key part, or false. */
static bool cell_text(const lq_table *t, uint32_t row, int col, char *buf, const char **s, size_t *n) {
  return lq_value_key_text(lq_table_cell(t, row, col), buf, s, n);
}

/* The hash of a row's key, or false when a part is missing. */
static bool row_hash(const lq_table *t, uint32_t row, uint64_t *h) {
  char buf[32];
  const char *s;
  size_t n;
  *h = 0;
  for (int k = 0; k < t->nkeys; k++) {
    if (!cell_text(t, row, t->key_cols[k], buf, &s, &n)) return false;
    *h = lq_hash_mix(*h, lq_hash_text(s, n));
  }
  return true;
}

/* keys as text, or false when one cannot be a key. */
typedef struct key_texts { const char *s[LQ_TABLE_MAX_KEYS]; size_t n[LQ_TABLE_MAX_KEYS]; char buf[LQ_TABLE_MAX_KEYS][32]; } key_texts;

static bool row_matches(const lq_table *t, uint32_t row, const key_texts *k) {
  char buf[32];
  const char *s;
  size_t n;
  for (int i = 0; i < t->nkeys; i++)
    if (!cell_text(t, row, t->key_cols[i], buf, &s, &n) || !lq_text_eq(s, n, k->s[i], k->n[i])) return false;
  return true;
}

/* The row whose key is k (of hash h), or -1 with *at the empty slot for it. */
static int64_t find(const lq_table *t, const key_texts *k, uint64_t h, uint32_t *at) {
  const lq_hash *x = &t->index;
  uint32_t j;
  for (j = lq_hash_first(x, h); x->slots[j].id >= 0; j = lq_hash_next(x, j))
    if (lq_hash_hit(x, j, h) && row_matches(t, (uint32_t)x->slots[j].id, k)) return x->slots[j].id;
  if (at) *at = j;
  return -1;
}

int64_t lq_table_find(const lq_table *t, const lq_value *keys) {
  if (!t->nkeys || !t->index.slots) return -1;
  key_texts k;
  uint64_t h = 0;
  for (int i = 0; i < t->nkeys; i++) {
    if (!lq_value_key_text(keys[i], k.buf[i], &k.s[i], &k.n[i])) return -1;
    h = lq_hash_mix(h, lq_hash_text(k.s[i], k.n[i]));
  }
  return find(t, &k, h, NULL);
}

int lq_table_row_id(const lq_table *t, uint32_t row, lq_value *parts) {
  if (!t->nkeys) {
    if (t->ncols > 0) parts[0] = lq_table_cell(t, row, 0);
    return t->ncols > 0;
  }
  for (int i = 0; i < t->nkeys; i++) parts[i] = lq_table_cell(t, row, t->key_cols[i]);
  return t->nkeys;
}

/* The column named exactly name, or -1 with *at the empty slot for it. The
 * hash ignores case, the match does not: `Email` and `email` are two columns
 * that share a probe sequence. */
static int column_at(const lq_table *t, const char *name, size_t n, uint32_t *at) {
  const lq_hash *x = &t->col_index;
  if (!x->slots) return -1;
  uint64_t h = lq_hash_text(name, n);
  uint32_t j;
  for (j = lq_hash_first(x, h); x->slots[j].id >= 0; j = lq_hash_next(x, j)) {
    int i = x->slots[j].id;
    if (lq_hash_hit(x, j, h) && t->col_lens[i] == n && !memcmp(t->cols[i], name, n)) return i;
  }
  if (at) *at = j;
  return -1;
}

int lq_table_column(const lq_table *t, const char *name, size_t n) { return column_at(t, name, n, NULL); }

/* Puts column i in the index by name (it is not there yet). */
static void index_column(lq_table *t, int i) {
  uint32_t at;
  column_at(t, t->cols[i], t->col_lens[i], &at);
  lq_hash_put(&t->col_index, at, lq_hash_text(t->cols[i], t->col_lens[i]), i);
}

/* A fresh index of the columns, with room for n of them. */
static void index_columns(lq_arena *a, lq_table *t, int n) {
  lq_hash_init(&t->col_index, a, (uint32_t)n);
  for (int i = 0; i < t->ncols; i++) index_column(t, i);
}

lq_value lq_table_get(const lq_table *t, uint32_t row, const char *key, uint32_t len) {
  int col = lq_table_column(t, key, len);
  return col < 0 ? LQ_NOVALUE : lq_table_cell(t, row, col);
}

uint32_t lq_table_row_len(const lq_table *t, uint32_t row) {
  uint32_t n = 0;
  for (int c = 0; c < t->ncols; c++) n += lq_table_cell(t, row, c).kind != LQ_V_MISSING;
  return n;
}

/* NDJSON: the column named key (n bytes), added when it is new (its name
 * copied into the program: key is in a row's scratch decoding); -1 when it
 * would be one column more than LQ_TABLE_MAX_COLUMNS. */
static int ndjson_column(loader *L, const char *key, size_t n) {
  lq_table *t = L->t;
  int i = lq_table_column(t, key, n);
  if (i >= 0) return i;
  if (t->ncols == LQ_TABLE_MAX_COLUMNS) return -1;
  if (t->ncols == L->cols_cap) {
    L->cols_cap = L->cols_cap ? 2 * L->cols_cap : 16;
    const char **cols = lq_arena_alloc(L->a, (size_t)L->cols_cap * sizeof *cols);
    uint32_t *lens = lq_arena_alloc(L->a, (size_t)L->cols_cap * sizeof *lens);
    if (t->ncols) {
      memcpy(cols, t->cols, (size_t)t->ncols * sizeof *cols);
      memcpy(lens, t->col_lens, (size_t)t->ncols * sizeof *lens);
    }
    t->cols = cols;
    t->col_lens = lens;
  }
  ((const char **)t->cols)[t->ncols] = lq_arena_strndup(L->a, key, n);
  ((uint32_t *)t->col_lens)[t->ncols] = (uint32_t)n;
  i = t->ncols++;
  if (!t->col_index.slots) index_columns(L->a, t, 16);   /* i with them */
  else index_column(t, i);
  return i;
}

/* The CSV header's keys copied into the program: the table's columns are the
 * header's named ones, in order. */
static lq_feed_schema *own_schema(loader *L, const lq_feed_schema *s) {
  lq_feed_schema *o = lq_arena_alloc(L->a, sizeof *o);
  *o = *s;
  o->wanted = NULL;
  o->header = NULL;
  size_t n = (size_t)(s->ncols ? s->ncols : 1);
  const char **keys = lq_arena_zalloc(L->a, n * sizeof *keys);
  uint32_t *lens = lq_arena_zalloc(L->a, n * sizeof *lens);
  lq_table *t = L->t;
  const char **cols = lq_arena_alloc(L->a, n * sizeof *cols);
  uint32_t *clens = lq_arena_alloc(L->a, n * sizeof *clens);
  for (int i = 0; i < s->ncols; i++) {
    lens[i] = s->key_lens[i];
    if (!s->keys[i]) continue;
    keys[i] = lq_arena_strndup(L->a, s->keys[i], s->key_lens[i]);
    cols[t->ncols] = keys[i];
    clens[t->ncols++] = lens[i];
  }
  o->keys = keys;
  o->key_lens = lens;
  t->cols = cols;
  t->col_lens = clens;
  index_columns(L->a, t, t->ncols);
  return o;
}

/* More digits than a double keeps: a number too large for one (an owner id). */
static bool long_number(const char *s, size_t n) {
  int digits = 0;
  for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++) digits += s[i] >= '0' && s[i] <= '9';
  return digits > 15;
}

/* A cell as the rules see it. Text is copied into a when copy (the CSV
 * decoder's bytes are scratch); a number keeps its text when a double would
 * change its digits, and is then printed as written, as an id is. */
static lq_value cell_value(lq_arena *a, const cJSON *j, bool copy) {
  lq_value v = lq_value_from_json(a, j);
  if (v.kind == LQ_V_STR && v.b) return v;   /* a long whole number: its digits, already copied into a */
  if (cJSON_IsNumber(j) && j->valuestring && j->valueint > 0 && long_number(j->valuestring, (size_t)j->valueint)) {
    v = lq_strv(j->valuestring, (uint32_t)j->valueint);
    v.b = true;
    copy = true;
  }
  if (v.kind == LQ_V_STR && copy) v.str = lq_arena_strndup(a, v.str, v.n);
  return v;
}

/* Where rows go as they are read: row r's cell c at r * stride + c, in the
 * program, with room for the file's line count of rows (which no count of
 * rows exceeds), so nothing moves as rows come. An NDJSON row that brings a
 * new column moves them to room twice as wide. Room is address space: its
 * pages are used only as rows are written, so room for rows never written
 * costs nothing, and a move early on leaves little behind. */
typedef struct growing {
  lq_value *cells;
  uint32_t *lines;     /* each row's first line in the file */
  size_t most;         /* the file's line count */
  size_t cap;          /* rows cells has room for; 0 before the first row */
  int stride;
  bool heap;           /* cells on the heap, to be copied into the program */
} growing;

/* The most address space an NDJSON table's cells take with room for every
 * line: a wider table's cells go on the heap, in room that doubles with its
 * rows (a file of rows each with keys of its own must reach its error at
 * 1,000 columns, not a request for gigabytes). */
enum { ROOM_IN_PROGRAM = 256 * 1024 * 1024 };

/* CSV: as wide as the header, which names every column. */
static void start_cells(loader *L, growing *g, int ncols) {
  g->stride = ncols;
  g->cap = g->most;
  g->cells = lq_arena_alloc(L->a, g->most * (size_t)(ncols ? ncols : 1) * sizeof *g->cells);
}

/* The cells of row, all missing: room for it first (only the heap's runs out). */
static lq_value *next_row(growing *g, uint32_t row) {
  if (row == g->cap) {
    size_t cap = 2 * g->cap < g->most ? 2 * g->cap : g->most;
    g->cells = lq_mem_realloc(g->cells, cap * (size_t)g->stride * sizeof *g->cells);
    g->cap = cap;
  }
  lq_value *cells = g->cells + (size_t)row * (size_t)g->stride;
  for (int c = 0; c < g->stride; c++) cells[c] = LQ_NOVALUE;
  return cells;
}

/* Room for a column need - 1, which row (being read) brought, or for the
 * first row's need columns: the rows so far, it too, copied into wider cells.
 * Returns row's cells. */
static lq_value *widen(loader *L, growing *g, uint32_t row, int need) {
  int stride = 2 * g->stride > need ? 2 * g->stride : need;
  if (stride > LQ_TABLE_MAX_COLUMNS) stride = LQ_TABLE_MAX_COLUMNS;
  size_t rows = (size_t)row + 1, cap = g->most;
  bool heap = cap * (size_t)stride * sizeof(lq_value) > ROOM_IN_PROGRAM;
  if (heap) {
    cap = g->heap ? g->cap : (2 * rows > 1024 ? 2 * rows : 1024);
    if (cap > g->most) cap = g->most;
  }
  size_t n = cap * (size_t)(stride ? stride : 1);
  lq_value *cells = heap ? lq_xcalloc(n, sizeof *cells) : lq_arena_alloc(L->a, n * sizeof *cells);
  for (size_t r = 0; r < rows; r++) {
    lq_value *to = cells + r * (size_t)stride;
    if (g->stride) memcpy(to, g->cells + r * (size_t)g->stride, (size_t)g->stride * sizeof *cells);
    for (int c = g->stride; c < stride; c++) to[c] = LQ_NOVALUE;
  }
  if (g->heap) lq_mem_free(g->cells);
  g->cells = cells;
  g->stride = stride;
  g->cap = cap;
  g->heap = heap;
  return cells + (size_t)row * (size_t)stride;
}

/* The cells as the table keeps them: ncols to a row, in the program. */
static void finish_cells(loader *L, growing *g) {
  lq_table *t = L->t;
  size_t ncols = (size_t)t->ncols, stride = (size_t)g->stride;
  lq_value *cells = g->cells;
  size_t n = t->nrows * ncols;
  if (g->heap) cells = lq_arena_alloc(L->a, (n ? n : 1) * sizeof *cells);
  if (g->heap || stride != ncols)   /* room to grow, or the first row's key twice */
    for (uint32_t r = 0; r < t->nrows && ncols; r++)
      memmove(cells + r * ncols, g->cells + r * stride, ncols * sizeof *cells);
  if (g->heap) lq_mem_free(g->cells);
  t->cells = cells;
}

/* A CSV row's cells, in column order: the decoder gives the present cells in
 * that order, each named by the schema's own key (so a pointer compare finds it). */
static void csv_cells(loader *L, growing *g, const cJSON *row) {
  lq_table *t = L->t;
  lq_value *cells = next_row(g, t->nrows);
  int c = 0;
  for (const cJSON *j = row->child; j; j = j->next) {
    while (c < t->ncols && t->cols[c] != j->string) c++;
    if (c == t->ncols) break;
    cells[c] = cell_value(L->a, j, true);
  }
}

/* A row that brings one key too many: the error is at the declaration, as
 * the table as a whole is the wrong shape, not one of its rows. */
static void too_many_columns(loader *L, uint64_t line) {
  _Static_assert(LQ_TABLE_MAX_COLUMNS == 1000, "the message below says 1,000");
  lq_diag_error(L->diags, L->decl->a->span,
                "table '%s' has more than 1,000 columns: the rows of %s have that many different keys by line %llu",
                L->t->name, L->t->path, (unsigned long long)line);
  lq_diag_note(L->diags, "each key an NDJSON row has is a column of every row; give the rows the same keys, and put "
                         "what differs from row to row in values: {\"domain\": \"acme.com\", \"owner\": \"ana@acme.example\"}");
}

/* An NDJSON row's cells, copied out of its scratch decoding so that no row
 * keeps a JSON tree. A row holding a list or an object is decoded once more,
 * into the program, and keeps that tree: such a value is read through it.
 * False when the row brings a column too many. */
static bool ndjson_cells(loader *L, growing *g, const lq_feed_schema *schema, const cJSON *row, const lq_record *r) {
  lq_table *t = L->t;
  bool keep = false;
  int keys = 0;
  for (const cJSON *j = row->child; j; j = j->next) {
    keys += !(j->type & LQ_JSON_KEY_NUL);
    keep |= cJSON_IsArray(j) || cJSON_IsObject(j);
  }
  if (keep) {
    /* A number keeps pointers into its line's bytes: they live in the program too. */
    const char *raw = lq_arena_strndup(L->a, r->raw, r->len);
    lq_error e;
    bool ignored;
    row = lq_feed_decode(schema, L->a, raw, r->len, &e, &ignored);   /* it was read once */
  }
  if (!g->cap) widen(L, g, t->nrows, keys);
  lq_value *cells = next_row(g, t->nrows);
  for (const cJSON *j = row->child; j; j = j->next) {
    /* A key holding a U+0000 names no column: its C string is only the part before it. */
    if (j->type & LQ_JSON_KEY_NUL) continue;
    int c = ndjson_column(L, j->string, strlen(j->string));
    if (c < 0) {
      too_many_columns(L, r->line);
      return false;
    }
    if (c >= g->stride) cells = widen(L, g, t->nrows, c + 1);
    cells[c] = cell_value(L->a, j, !keep);
  }
  return true;
}

/* Whether an NDJSON line is meant as an object: its first byte that is not
 * white space is '{'. Then the reader's reason is about its JSON. */
static bool starts_object(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
  return i < n && s[i] == '{';
}

/* A row the reader refused, said at its line in the table's words. */
static void bad_row(loader *L, const lq_record *r, bool csv, const char *why) {
  if (!csv) L->t->columns_unknown = true;   /* whatever keys it has are not known */
  if (!row_error(L)) return;
  lq_span at = line_span(L, r->line);
  if (!r->bad && !csv && !starts_object(r->raw, r->len)) {
    lq_diag_error(L->diags, at, "this row of table '%s' is not a JSON object", L->t->name);
    lq_diag_note(L->diags, "each line of an NDJSON table is one object, {\"column\": value, ...}: fix the row, or remove it");
    return;
  }
  lq_diag_error(L->diags, at, "this row of table '%s' cannot be read: %s", L->t->name, r->bad ? r->bad : why);
  lq_diag_note(L->diags, "a table is read as leads are: fix the row, or remove it");
}

static void read_rows(loader *L, const char *text, size_t len, lq_feed_format format) {
  lq_table *t = L->t;
  lq_feed *f = lq_feed_open_mem(text, len, t->path, &(lq_feed_opts){.format = format});
  if (!f) {
    lq_diag_error(L->diags, L->decl->a->span, "table file '%s' is too large (4 GiB or more)", t->path);
    t->columns_unknown = true;
    return;
  }
  bool csv = format == LQ_FEED_CSV;
  const lq_feed_schema *schema = NULL;
  lq_record r;
  growing g = {.most = L->src->files[t->file].nlines};
  g.lines = lq_arena_alloc(L->a, g.most * sizeof *g.lines);
  lq_arena scratch;   /* a row's decoding, kept only until its cells are */
  lq_arena_init(&scratch, 64 * 1024);
  lq_error e;
  lq_error_clear(&e);
  while (lq_feed_next(f, &r)) {
    if (!schema) {
      schema = csv ? own_schema(L, lq_feed_schema_of(f)) : lq_feed_schema_of(f);
      if (csv) start_cells(L, &g, t->ncols);
    }
    lq_arena_reset(&scratch);
    bool ignored = false;
    cJSON *row = r.bad ? NULL : lq_feed_decode(schema, &scratch, r.raw, r.len, &e, &ignored);
    if (!row) {
      bad_row(L, &r, csv, e.msg);
      continue;
    }
    if (csv) {
      csv_cells(L, &g, row);
    } else if (!ndjson_cells(L, &g, schema, row, &r)) {
      t->columns_unknown = true;
      break;
    }
    g.lines[t->nrows++] = (uint32_t)r.line;
  }
  lq_arena_free(&scratch);
  lq_error stop;
  if (lq_feed_error(f, &stop) != LQ_FEED_OK) {
    lq_span at = lq_feed_error(f, NULL) == LQ_FEED_BAD_HEADER ? line_span(L, 1) : L->decl->a->span;
    lq_diag_error(L->diags, at, "table '%s' cannot be read: %s", t->name, stop.msg);
    if (lq_feed_error(f, NULL) == LQ_FEED_BAD_HEADER)
      lq_diag_note(L->diags, "fix the first line: it names the table's columns, like domain,owner");
    t->columns_unknown = true;
  } else if (csv && !schema && lq_feed_schema_of(f)->ncols == 0) {
    lq_diag_error(L->diags, L->decl->a->span, "table file '%s' has no header line", t->path);
    lq_diag_note(L->diags, "a CSV table's first line names its columns, like domain,owner; "
                           "a table with no rows yet is that line alone");
    t->columns_unknown = true;
  } else if (csv && !schema) {
    /* The header alone: a table with no rows, whose columns are known. */
    schema = own_schema(L, lq_feed_schema_of(f));
  } else if (!csv && !t->nrows) {
    /* Nothing names an NDJSON table's columns but its rows. */
    t->columns_unknown = true;
  }
  lq_feed_close(f);
  finish_cells(L, &g);
  t->lines = g.lines;
  t->rows = lq_arena_alloc(L->a, (t->nrows ? t->nrows : 1) * sizeof *t->rows);
  for (uint32_t i = 0; i < t->nrows; i++) t->rows[i] = (lq_value){.kind = LQ_V_ROW, .n = i, .table = t};
}

/* The key's columns; false when one is not a column (the checker says which). */
static bool find_keys(loader *L) {
  lq_table *t = L->t;
  bool ok = true;
  for (const lq_node *k = L->decl->kids; k; k = k->next) {
    if (t->nkeys == LQ_TABLE_MAX_KEYS) {
      lq_diag_error(L->diags, k->span, "a table's key has at most %d columns", LQ_TABLE_MAX_KEYS);
      return false;
    }
    int col = lq_table_column(t, k->str.s, k->str.n);
    if (col < 0) {
      ok = false;
      continue;
    }
    for (int i = 0; i < t->nkeys; i++)
      if (t->key_cols[i] == col) {
        lq_diag_error(L->diags, k->span, "column '%s' is already part of the key", k->str.s);
        ok = false;
      }
    t->key_cols[t->nkeys++] = col;
  }
  return ok;
}

/* Every row has its key, and no two rows the same one (compared as lookups compare). */
static void index_rows(loader *L) {
  lq_table *t = L->t;
  lq_hash_init(&t->index, L->a, t->nrows);   /* sized once: it never grows */
  char names[200];
  size_t w = 0;
  for (int i = 0; i < t->nkeys; i++)
    w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", i ? ", " : "", t->cols[t->key_cols[i]]);
  for (uint32_t r = 0; r < t->nrows; r++) {
    uint64_t h;
    if (!row_hash(t, r, &h)) {
      if (row_error(L)) {
        lq_diag_error(L->diags, line_span(L, t->lines[r]), "this row of table '%s' has no %s, its key", t->name, names);
        lq_diag_note(L->diags, "every row of a table with a key needs one: fill it in, or remove the row");
      }
      continue;
    }
    key_texts k;
    for (int i = 0; i < t->nkeys; i++) cell_text(t, r, t->key_cols[i], k.buf[i], &k.s[i], &k.n[i]);
    uint32_t at;
    int64_t same = find(t, &k, h, &at);
    if (same >= 0) {
      if (row_error(L)) {
        char shown[120];
        size_t sw = 0;
        for (int i = 0; i < t->nkeys; i++)
          sw += (size_t)snprintf(shown + sw, sizeof shown - sw, "%s%.*s", i ? ", " : "", (int)(k.n[i] > 40 ? 40 : k.n[i]), k.s[i]);
        lq_diag_error(L->diags, line_span(L, t->lines[r]),
                      "table '%s' has two rows with the key '%s': line %u and this one", t->name, shown,
                      t->lines[same]);
        lq_diag_note(L->diags, "a lookup must find one row; keys are compared ignoring case, so remove or merge one of them");
      }
      continue;
    }
    lq_hash_put(&t->index, at, h, (int32_t)r);
  }
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcasecmp(s + n - m, suffix);
}

lq_table *lq_table_load(lq_arena *a, const lq_sources *src, lq_diags *diags, const lq_node *decl, uint32_t file) {
  const lq_source *f = &src->files[file];
  lq_table *t = lq_arena_zalloc(a, sizeof *t);
  t->name = decl->str.s;
  t->path = decl->a->str.s;
  t->file = file;
  loader L = {.a = a, .src = src, .diags = diags, .decl = decl, .t = t};
  lq_feed_format format;
  if (ends_with(t->path, ".csv")) format = LQ_FEED_CSV;
  else if (ends_with(t->path, ".ndjson") || ends_with(t->path, ".jsonl")) format = LQ_FEED_NDJSON;
  else {
    lq_diag_error(diags, decl->a->span, "a table is a .csv, .ndjson or .jsonl file, not '%s'", t->path);
    lq_diag_note(diags, "CSV has a header row naming the columns; NDJSON has one JSON object per line");
    t->columns_unknown = true;
    return t;
  }
  if (f->len >= 2 && (unsigned char)f->text[0] == 0x1f && (unsigned char)f->text[1] == 0x8b) {
    lq_diag_error(diags, decl->a->span, "table file '%s' is gzip-compressed", t->path);
    lq_diag_note(diags, "keep tables uncompressed next to the rules, so a change to them shows in review");
    t->columns_unknown = true;
    return t;
  }
  read_rows(&L, f->text, f->len, format);
  if (find_keys(&L) && t->nkeys) index_rows(&L);
  if (L.row_errors > MAX_ROW_ERRORS)
    lq_diag_error(diags, decl->a->span, "table '%s' has %u rows with problems; the first %d are shown", t->name,
                  L.row_errors, MAX_ROW_ERRORS);
  /* With bad rows it still has its columns, which the checker uses. */
  return t;
}
