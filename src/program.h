/* program.h: the compiled rules, as the evaluator runs them.
 *
 * The program model. A rules file compiles to flat arrays of declarations
 * (defines, score groups, grades, rejects, stages, routes) and a list of steps
 * that evaluates them in declaration order. Conditions and values are trees of
 * lq_expr whose names are already resolved: a field is a path of keys fixed at
 * compile time, a declared name is a slot, a constant list is a hash set, a
 * regex is compiled. The program is immutable after compile; everything that
 * changes per lead lives in an lq_eval, so one program serves many threads.
 */
#ifndef LQ_PROGRAM_H
#define LQ_PROGRAM_H
#include <regex.h>
#include "ast.h"
#include "builtins.h"
#include "diag.h"
#include "hash.h"
#include "table.h"
#include "value.h"

#define LQ_OPS(X)                                                               \
  X(CONST) X(PATH) X(LISTLIT)                                                   \
  X(DEFINE) X(GROUP) X(TOTAL) X(GRADE) X(STAGE) X(REJECTED)                     \
  X(NOT) X(NEG) X(AND) X(OR)                                                    \
  X(EQ) X(NE) X(LT) X(LE) X(GT) X(GE) X(ADD) X(SUB) X(MUL) X(DIV)              \
  X(IN) X(NOT_IN) X(BETWEEN)                                                    \
  X(CONTAINS) X(CONTAINS_ANY) X(STARTS) X(STARTS_ANY) X(ENDS) X(ENDS_ANY)       \
  X(MATCHES) X(MISSING) X(PRESENT)                                              \
  X(CALL) X(WHERE) X(TABLE) X(LOOKUP)

typedef enum lq_op {
#define X(o) LQ_OP_##o,
  LQ_OPS(X)
#undef X
  LQ_OP_COUNT
} lq_op;

typedef struct lq_seg { const char *key; uint32_t len; int32_t index; bool is_index; } lq_seg;
/* A list index is a whole number within this, either way ([-1]: the last item),
 * in the rules as in --id-field. */
#define LQ_INDEX_MAX 1000000000

typedef enum lq_root { LQ_ROOT_LEAD, LQ_ROOT_ITEM, LQ_ROOT_EXPR } lq_root;

typedef struct lq_expr lq_expr;
struct lq_expr {
  uint8_t op;
  uint8_t fn;           /* CALL: index in the function table */
  uint8_t root;         /* PATH: where the path starts */
  uint32_t nargs;       /* CALL, LISTLIT */
  int32_t slot;         /* DEFINE, GROUP, GRADE, STAGE; PATH from the lead: its memo, or -1;
                           PATH from an item: its field (lq_program.fields), or -1 */
  int32_t site;         /* type-surprise site, or -1 */
  lq_span span;
  const lq_expr *a, *b, *c;
  const lq_expr **args;
  lq_value k;           /* CONST */
  const lq_seg *segs;   /* PATH */
  uint32_t nsegs;
  const lq_set *set;    /* IN, NOT_IN, CONTAINS_ANY...: a constant right side */
  const regex_t *re;    /* MATCHES */
  const lq_table *table; /* TABLE, LOOKUP */
};

/* Where a value met a type it cannot be compared with; counted per lead. */
typedef struct lq_site {
  lq_span span;          /* the operand to blame */
  const char *what;      /* its source text, e.g. company.employees */
  const char *other;     /* the other operand's text, or NULL when it was a constant */
  bool arith;
} lq_site;

typedef struct lq_rule {
  const char *label;
  lq_str label_json;         /* the label as a JSON string, quotes and escapes done once */
  lq_span span;
  int group;
  bool per;
  const lq_expr *points;     /* always a number; a constant for +N */
  const lq_expr *cond;       /* when COND */
  const lq_expr *list;       /* per LIST [where COND] */
  bool has_cap;
  double cap;
} lq_rule;

typedef struct lq_group {
  const char *name;
  lq_str name_json;
  lq_span span;
  int owner;                 /* team index, or -1 */
  int first_rule, nrules;    /* into program rules */
  bool has_cap;
  double cap;
  bool has_decay;
  double decay_keep;         /* 1 - P/100 */
  double decay_every;        /* days */
  const lq_expr *since;
} lq_group;

typedef struct lq_arm {
  const char *label;
  lq_str label_json;
  lq_span span;
  const lq_expr *cond;       /* NULL: otherwise */
} lq_arm;
typedef struct lq_grade { const char *name; lq_str name_json; lq_span span; int owner; lq_arm *arms; int narms; } lq_grade;

/* Rejects, stages and routes: a name and a condition (NULL for route otherwise). */
typedef struct lq_cond_decl {
  const char *name;
  lq_str name_json;
  lq_span span;
  int owner;
  const lq_expr *cond;
  const lq_expr *to;         /* route: the person it goes to, or NULL */
} lq_cond_decl;

typedef struct lq_define { const char *name; lq_span span; const lq_expr *expr; } lq_define;
typedef struct lq_team { const char *name; const char *who; lq_span span; } lq_team;

/* A field the rules read, once per distinct path: for the end-of-run warning
 * about fields no lead had (fields.h). A field read inside `where` is relative
 * to the items of a list, itself a field: the path from the lead to those
 * items is the list's path, then this one. Not listed: fields read off an
 * expression's result (lower(x).y), and the items' fields of a list that is
 * not a field (a define, a literal), whose items no path leads to. */
typedef struct lq_field {
  const lq_seg *segs;
  uint32_t nsegs;
  uint8_t root;              /* LQ_ROOT_LEAD or LQ_ROOT_ITEM */
  int32_t list;              /* ITEM: the index of the list's field; else -1 */
  const char *text;          /* as written at its first use: company.employees, `Prospect ID` */
  lq_span span;              /* its first use */
} lq_field;

/* A test block, lowered when the rules compile: its lead parsed once, its
 * expectations (expect.h) resolved against this program once. */
struct lq_expect;
typedef struct lq_test {
  const char *name;
  lq_span span;
  bool has_now;              /* `now` given; else the runner's clock */
  double now;
  const cJSON *lead;
  const struct lq_expect *expects;
  int nexpects;
} lq_test;

typedef enum { LQ_STEP_GROUP, LQ_STEP_GRADE, LQ_STEP_REJECT, LQ_STEP_STAGE, LQ_STEP_ROUTE } lq_step_kind;
typedef struct lq_step { uint8_t kind; uint32_t index; } lq_step;

typedef struct lq_program {
  lq_arena arena;
  lq_sources sources;
  bool extra_source;         /* the last source is a command line's (--outcome), not a file */
  lq_node *decls;            /* the syntax tree: check --dump-ast prints it */
  const char *name, *version;
  lq_span version_span;      /* the version's text in `ruleset NAME version V` */
  lq_str name_json, version_json;   /* JSON strings, or null */
  lq_team *teams;       int nteams;
  lq_define *defines;   int ndefines;
  lq_group *groups;     int ngroups;
  lq_rule *rules;       int nrules;
  lq_grade *grades;     int ngrades;
  lq_cond_decl *rejects; int nrejects;
  lq_cond_decl *stages;  int nstages;
  lq_cond_decl *routes;  int nroutes;
  const lq_table **tables; int ntables;   /* in declaration order */
  lq_step *steps;       int nsteps;
  lq_site *sites;       int nsites;
  int npaths;                /* distinct lead paths; a PATH's slot memoises its value per lead */
  bool reads_lead;           /* the rules use the lead as a whole (len(lead)), not only its fields */
  bool to_people;            /* some route has `to`: decisions name a person, so owners are shown */
  lq_field *fields;     int nfields;   /* every distinct field path the rules read */
  regex_t **regexes;    int nregexes;
  lq_test *tests;       int ntests;   /* the test blocks, includes' too, in order */
} lq_program;

/* program.c: the few questions asked of a compiled program by name. */
const char *lq_op_name(lq_op op);

/* Declarations by name: an index, or -1. */
int lq_find_cond(const lq_cond_decl *d, int n, const char *name);
int lq_find_group(const lq_program *p, const char *name);
int lq_find_grade(const lq_program *p, const char *name);
/* The expression of the define compiled last under name (a command line's
 * --outcome comes after the file's own), or NULL. */
const lq_expr *lq_find_define(const lq_program *p, const char *name);

#endif
