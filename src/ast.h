/* ast.h: the syntax tree the parser builds. Every node carries its span. */
#ifndef LQ_AST_H
#define LQ_AST_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "arena.h"
#include "source.h"

typedef struct lq_str { const char *s; uint32_t n; } lq_str;

/* One list generates the enum, the names used by --dump-ast, and the count. */
#define LQ_AST_KINDS(X)                                                          \
  /* literals and names */                                                       \
  X(NUM) X(STR) X(TRUE) X(FALSE) X(NULL) X(LIST)                                 \
  X(NAME)      /* bare identifier: resolved by the checker */                    \
  X(FIELD)     /* `backquoted` name: always a field */                           \
  X(GET)       /* a.b      (a, str) */                                           \
  X(INDEX)     /* a[n]     (a, num) */                                           \
  X(CALL)      /* f(args)  (str, kids) */                                        \
  X(WHERE)     /* list where cond, only as an argument or after per (a, b) */   \
  X(LOOKUP)    /* table[k1, k2]  (a: the table's NAME, kids: the keys) */        \
  /* operators: a, b (and c for between) */                                     \
  X(NOT) X(NEG) X(AND) X(OR)                                                     \
  X(EQ) X(NE) X(LT) X(LE) X(GT) X(GE)                                            \
  X(ADD) X(SUB) X(MUL) X(DIV)                                                    \
  X(IN) X(NOT_IN) X(BETWEEN)                                                     \
  X(CONTAINS) X(CONTAINS_ANY) X(STARTS) X(STARTS_ANY) X(ENDS) X(ENDS_ANY)        \
  X(MATCHES) X(MISSING) X(PRESENT)                                               \
  /* declarations */                                                             \
  X(RULESET)   /* str: name, b: version (STR) */                                 \
  X(TEAM)      /* str: name, a: who (STR) */                                     \
  X(INCLUDE)   /* a: path (STR) */                                               \
  X(LISTDECL)  /* str: name, a: LIST */                                          \
  X(DEFINE)    /* str: name, a: expr */                                          \
  X(SCORE)     /* str: name, kids: CAP, DECAY, POINTS */                         \
  X(CAP)       /* num */                                                         \
  X(DECAY)     /* num: percent, a: every (NUM), b: since expr */                 \
  X(POINTS)    /* a: points, b: label (STR), c: when-cond | per-list, d: cap */  \
  X(GRADE)     /* str: name, kids: ARM */                                        \
  X(ARM)       /* a: label (STR), b: cond, or none for otherwise */              \
  X(REJECT)    /* a: reason (STR), b: cond */                                    \
  X(STAGE)     /* str: name, b: cond */                                          \
  X(ROUTE)     /* a: name (STR), b: cond, or none for otherwise; c: to EXPR */  \
  X(TABLE)     /* str: name, a: path (STR), b: the file read, kids: key columns */ \
  X(TEST)      /* a: name (STR), kids: TEST_NOW, TEST_LEAD, EXPECT */            \
  X(TEST_NOW)  /* a: STR */                                                      \
  X(TEST_LEAD) /* str: raw JSON text */                                          \
  X(EXPECT)    /* kids: the words of the expectation */                          \
  X(NOT_WORD)  /* 'not' inside an expect line */

typedef enum lq_kind {
#define X(k) LQ_##k,
  LQ_AST_KINDS(X)
#undef X
  LQ_KIND_COUNT
} lq_kind;

typedef struct lq_node lq_node;
/* A big rules file is hundreds of thousands of these, walked by every pass:
 * the fields are ordered to keep it at two cache lines (128 bytes). */
struct lq_node {
  lq_kind kind;
  int slot;               /* checker: index of a declaration in its kind */
  lq_span span;           /* the whole node */
  lq_span name_span;      /* declarations: the name; POINTS: the label */
  lq_str str;             /* name, string value, function name, raw JSON */
  double num;
  lq_node *a, *b, *c, *d;
  lq_node *kids;          /* block items, call arguments, list items */
  lq_node *next;          /* sibling in a kids list or the declaration list */
  lq_node *owner;         /* by TEAM: the team's NAME, with its span */
  union {
    lq_node *ref;         /* checker: the declaration a NAME refers to */
    const struct lq_table *table;   /* TABLE: its rows, once read (table.h) */
    const struct cJSON *lead;       /* TEST_LEAD: the lead, once parsed (compile.c) */
  };
  unsigned char ref_kind; /* checker: what a NAME refers to (lq_ref) */
  bool per;               /* POINTS: per-item rule */
  bool otherwise;         /* ARM, ROUTE */
  bool parens;            /* expression was written in parentheses (for fmt) */
};

typedef struct lq_node_list { lq_node *head, *tail; } lq_node_list;

lq_node *lq_ast_new(lq_arena *a, lq_kind kind, lq_span span);
lq_node *lq_ast_binary(lq_arena *a, lq_kind kind, lq_node *l, lq_node *r);
lq_node *lq_ast_unary(lq_arena *a, lq_kind kind, lq_span op, lq_node *x);
lq_node *lq_ast_str(lq_arena *a, lq_kind kind, lq_span span, lq_str s);
lq_node *lq_ast_num(lq_arena *a, lq_span span, double v);
lq_node *lq_ast_list(lq_arena *a, lq_span span, lq_node *items);
/* Appends x to a singly linked list kept as head/tail; returns the head. */
void lq_ast_append(lq_node_list *l, lq_node *x);
lq_span lq_span_join(lq_span a, lq_span b);
const char *lq_ast_kind_name(lq_kind k);
/* Prints the tree as an S-expression, one declaration per line (--dump-ast). */
void lq_ast_dump(FILE *out, const lq_node *decls);

#endif
