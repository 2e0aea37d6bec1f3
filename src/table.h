/* table.h: reference tables the rules read, such as account owners or
 * territories: rows from a CSV or NDJSON file next to the rules, typed as
 * leads are, looked up by key or used as a list of rows. Read when the rules
 * compile; immutable after, so every thread shares them. */
#ifndef LQ_TABLE_H
#define LQ_TABLE_H
#include "ast.h"
#include "diag.h"
#include "hash.h"
#include "value.h"

enum { LQ_TABLE_MAX_KEYS = 8 };
/* An NDJSON table's rows may have at most this many different keys between
 * them: every key is a column of every row (16 bytes a cell), so rows that
 * each bring keys of their own would grow as rows times columns. */
enum { LQ_TABLE_MAX_COLUMNS = 1000 };

typedef struct lq_table_slot lq_table_slot;
typedef struct lq_table {
  const char *name;         /* as declared */
  const char *path;         /* as the rules file names it */
  uint32_t file;            /* its text in the program's sources, for messages */
  int ncols;                /* every column: a CSV header, or each key an NDJSON row has */
  const char **cols;
  const uint32_t *col_lens;
  lq_hash col_index;        /* column by name */
  /* Its columns are not all known: the file, or some NDJSON rows, could not be
   * read (an error said why), or an NDJSON table has no rows. The checker then
   * holds no column name against it, so the one real error is what the user sees. */
  bool columns_unknown;
  int nkeys;                /* key columns (indexes into cols); 0: looked up by no key */
  int key_cols[LQ_TABLE_MAX_KEYS];
  uint32_t nrows;
  lq_value *cells;          /* row r's column c at r * ncols + c; missing when empty */
  lq_value *rows;           /* each LQ_V_ROW: the table as a list */
  uint32_t *lines;          /* each row's first line in the file */
  lq_hash index;            /* row by key (nkeys > 0) */
} lq_table;

/* Reads the table that decl (a TABLE declaration) names, from the text of
 * file in src, into a. Errors go to diags at the table file's lines or at
 * decl. A file that cannot be read as a table still gives a table, with
 * columns_unknown set. A key column the table does not have is left to the
 * checker, which knows the words for it. */
lq_table *lq_table_load(lq_arena *a, const lq_sources *src, lq_diags *diags, const lq_node *decl, uint32_t file);

/* A column's index, or -1: a hash lookup, so a wide table costs no more. */
int lq_table_column(const lq_table *t, const char *name, size_t n);

/* The row whose key is keys[0..nkeys), each compared as text ignoring case;
 * -1 when there is none or a key is not text, a number or a boolean. */
int64_t lq_table_find(const lq_table *t, const lq_value *keys);

/* A row's identity for pick, as cells: its key's (several for a composite
 * key, whose texts pick joins with U+001F), or its first column when the
 * table has no key. Returns how many were written into parts (room for
 * LQ_TABLE_MAX_KEYS); 0 when the table has no column. */
int lq_table_row_id(const lq_table *t, uint32_t row, lq_value *parts);

static inline lq_value lq_table_cell(const lq_table *t, uint32_t row, int col) {
  return t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}
/* Row's value at the column named key; missing when there is no such column or the cell is empty. */
lq_value lq_table_get(const lq_table *t, uint32_t row, const char *key, uint32_t len);
/* The cells of row that are not missing. */
uint32_t lq_table_row_len(const lq_table *t, uint32_t row);

#endif
