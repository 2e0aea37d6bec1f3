/* check_pass.h: what the passes of the checker share (check.c runs them).
 *
 * check.c: the driver: declares names, then runs the passes per declaration;
 * check_pass.c: the symbol tables and helpers every pass uses;
 * check_names.c: names and expressions (resolution, calls, tables, owners);
 * check_never.c: conditions that can never hold;
 * check_order.c: declarations nothing uses, stages out of order;
 * check_tests.c: test blocks. Internal to the checker: not for other modules. */
#ifndef LQ_CHECK_PASS_H
#define LQ_CHECK_PASS_H
#include <stdbool.h>
#include <string.h>
#include "diag.h"
#include "hash.h"
#include "program.h"
#include "table.h"

typedef struct sym {
  const char *name;
  uint32_t len;
  lq_node *decl;
  int order;              /* position of the declaration in the file */
  bool used;              /* teams: some rule names it with `by` */
  bool shadow_warned;     /* names: a same-named field was reported once */
} sym;

/* Names by their bytes: the entries in the order added, and a hash index. */
typedef struct symtab { sym *syms; int n, cap; lq_hash index; sym none; } symtab;

enum { FIELD_MEMO = 1024 };
/* Declarations plus the items of score and grade blocks in one program, includes
 * and all (docs/language.md, "Limits"): far beyond any agreement people can
 * read, and it keeps every count and index of the program small. */
enum { MAX_RULES = 100000 };
typedef struct memo { const char *s; uint32_t n; } memo;

typedef struct checker {
  memo fields[FIELD_MEMO];  /* names already known to be fields, not typos */
  lq_diags *d;
  const lq_sources *src;
  symtab names, teams;
  int order;              /* the declaration being checked */
  int where_depth;
  const lq_table *item_table;   /* inside `where` over a table's rows: that table */
  lq_node *last_group, *last_reject;
  int last_group_order, last_reject_order;
  lq_node *decls;
  struct lq_check_declared *declared;   /* check_tests.c: what tests may name */
  bool *define_never;     /* by define slot: already reported as never true */
  /* Which declaration refers to which define or list, in declaration order:
   * what `unused` needs, gathered while names are resolved. */
  struct use { int from, to; } *uses;
  size_t nuses, uses_cap;
} checker;


enum { MAX_DEPTH = 16 };   /* how deep a pass follows defines and nesting */
enum { ITEM_NONE, ITEM_NAME, ITEM_QUOTED };   /* how a column is written, for lq_check_column() */
/* T_BLANK: besides its kinds, the value may be blank text. A lead's field
 * never is (empty is missing), so `email == ""` is never true. */
enum { T_NUM = 1, T_TEXT = 2, T_BOOL = 4, T_OTHER = 8, T_MISSING = 16, T_ANY = 31, T_BLANK = 32 };


static inline bool lq_check_is(lq_str s, const char *word) { return s.n == strlen(word) && !memcmp(s.s, word, s.n); }

/* check_pass.c */
void lq_check_symtab_init(symtab *t, size_t n);
void lq_check_symtab_free(symtab *t);
/* The entry named s, or an empty one (name NULL) when there is none. */
sym *lq_check_sym(symtab *t, const char *s, size_t n);
void lq_check_symtab_add(symtab *t, sym e);
void lq_check_add_use(checker *c, int to);
int lq_check_line(const checker *c, lq_span at);
const char *lq_check_near_miss(const symtab *t, const char *const *extra, const char *s, size_t n);
const char *lq_check_kind_word(lq_kind k);
const char *lq_check_excerpt(const checker *c, lq_span s, char *buf, size_t size);
bool lq_check_is_constant(const lq_node *n);

/* check_names.c */
void lq_check_expr(checker *c, lq_node *n);
void lq_check_column(checker *c, const lq_table *t, lq_str name, lq_span at, int item);
bool lq_check_route_to(checker *c, const lq_node *d);

/* check_never.c */
int lq_check_value_types(const lq_node *n, int depth);
void lq_check_never(checker *c, lq_node *d);
void lq_check_never_points(checker *c, lq_node *it);
void lq_check_never_arm(checker *c, lq_node *g, lq_node *arm);

/* check_order.c */
void lq_check_unused(checker *c, lq_node **by_order, int n);
void lq_check_stage_order(checker *c, const lq_node *d, const lq_node *prev);

/* check_tests.c */
void lq_check_test_block(checker *c, const lq_node *t);
void lq_check_tests_free(checker *c);

#endif
