/* leadq.y: the grammar of the rules language. Actions only build nodes;
 * names, types and meaning are the checker's business (src/check.c). */
%require "3.8"
%define api.pure full
%define api.prefix {lq_yy}
%define api.location.type {lq_span}
%define parse.error custom
%define api.token.prefix {TOK_}
%locations
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {lq_parse_ctx *ctx}

%code requires {
#include "parse.h"
typedef void *yyscan_t;

/* How deep an expression may nest, as the height of its tree: each operator,
 * call, list, `.field` and `[n]` is a level (parentheses alone are not), so a
 * chain `a and b and c` is one level per `and`. Every recursion over
 * expressions (check, compile, eval, fmt, explain) stays within this many
 * frames; parse.c enforces it (docs/language.md, "Limits"). */
enum { LQ_MAX_EXPR_DEPTH = 1000 };
}

%union {
  lq_node *node;
  lq_node_list list;
  lq_str str;
  double num;
}

%code {
#include <string.h>
int lq_yylex(LQ_YYSTYPE *lval, LQ_YYLTYPE *lloc, yyscan_t scanner);
static void lq_yyerror(LQ_YYLTYPE *at, yyscan_t scanner, lq_parse_ctx *ctx, const char *msg);

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                       \
  do {                                                                    \
    if (N) {                                                              \
      (Cur).begin = YYRHSLOC(Rhs, 1).begin;                               \
      (Cur).end = YYRHSLOC(Rhs, N).end;                                   \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                                 \
    } else {                                                              \
      (Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end;                     \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                                 \
    }                                                                     \
  } while (0)

/* The parser's own stack: an expression within LQ_MAX_EXPR_DEPTH takes at most
 * 5 entries a level (`x between 1 and (...`) plus parentheses, so 10 a level
 * never overflows for a file that is within the limit. What does overflow it
 * (10,000 open parentheses, `not not not ...`) gets a message, see lq_yyerror. */
#define YYMAXDEPTH (10 * LQ_MAX_EXPR_DEPTH)

#define A (ctx->arena)
#define NODE(kind, at) lq_ast_new(A, kind, at)
#define BIN(kind, l, r) lq_ast_binary(A, kind, l, r)

/* A declaration with a name: span of the whole, name and its span. */
static lq_node *named(lq_parse_ctx *ctx, lq_kind kind, lq_span at, lq_str name, lq_span name_at) {
  lq_node *n = lq_ast_str(ctx->arena, kind, at, name);
  n->name_span = name_at;
  return n;
}
/* Fills in a, b and `by TEAM` (owner may be NULL) and returns n. */
static lq_node *rule(lq_node *n, lq_node *a, lq_node *b, lq_node *owner) {
  n->a = a;
  n->b = b;
  n->owner = owner;
  return n;
}
static lq_node *with_kids(lq_node *n, lq_node_list kids) { n->kids = kids.head; return n; }
static lq_node *points(lq_parse_ctx *ctx, lq_span at, lq_node *pts, lq_str label, lq_span label_at,
                       lq_node *cond_or_list, bool per, lq_node *cap) {
  lq_node *n = NODE(LQ_POINTS, at);
  n->a = pts;
  n->b = lq_ast_str(A, LQ_STR, label_at, label);
  n->name_span = label_at;
  n->c = cond_or_list;
  n->d = cap;
  n->per = per;
  return n;
}
static lq_node *parens(lq_node *n) { n->parens = true; return n; }
/* `per LIST where COND`: the where node spans the list too, as `L where C` does. */
static lq_node *per_where(lq_node *list, lq_node *w) {
  w->a = list;
  w->span = lq_span_join(list->span, w->span);
  return w;
}
static lq_node *otherwise(lq_node *n) { n->otherwise = true; return n; }
/* x[0] and x[-1] take an item of a list; anything else in brackets, or more
 * than one value, looks up a table row (the checker says which x may be). A
 * constant number may still look up a table keyed by numbers: the checker
 * turns such an index into a lookup, so the number is kept in kids. */
static lq_node *index_or_lookup(lq_parse_ctx *ctx, lq_span at, lq_node *base, lq_node_list keys) {
  lq_node *k = keys.head, *n;
  bool one = k && !k->next && !k->parens;
  if (one && k->kind == LQ_NUM) {
    n = NODE(LQ_INDEX, at);
    n->num = k->num;
  } else if (one && k->kind == LQ_NEG && k->a->kind == LQ_NUM && !k->a->parens) {
    n = NODE(LQ_INDEX, at);
    n->num = -k->a->num;
  } else {
    n = NODE(LQ_LOOKUP, at);
  }
  n->a = base;
  n->kids = keys.head;
  return n;
}
static lq_node *word(lq_parse_ctx *ctx, lq_span at) {
  const char *text = ctx->text + at.begin;
  return lq_ast_str(A, LQ_NAME, at, (lq_str){lq_arena_strndup(A, text, at.end - at.begin), at.end - at.begin});
}
}

%token END 0 "end of file"
%token RULESET "ruleset" VERSION "version" TEAM "team" INCLUDE "include" LIST "list"
%token DEFINE "define" SCORE "score" BY "by" DECAY "decay" EVERY "every" DAYS "days"
%token SINCE "since" WHEN "when" PER "per" WHERE "where" GRADE "grade" OTHERWISE "otherwise"
%token REJECT_ "reject" STAGE "stage" ROUTE "route" TEST "test" NOW "now" EXPECT "expect"
%token TABLE "table" KEY "key" TO "to"
%token AND "and" OR "or" NOT "not" IN "in" BETWEEN "between" MATCHES "matches"
%token TRUE "true" FALSE "false" NULL_ "null"
%token NOT_IN "not in" CONTAINS "contains" CONTAINS_ANY "contains any"
%token STARTS "starts with" STARTS_ANY "starts with any" ENDS "ends with" ENDS_ANY "ends with any"
%token IS_MISSING "is missing" IS_PRESENT "is present" UP_TO "up to"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token <str> IDENT "a name" STRING "a quoted text" BACKQ "a `field name`" LEAD_JSON "a lead's JSON"
%token <num> NUMBER "a number" POINTS "points such as +10" POINTS_OPEN "points such as +(...)"

/* `up to` right after a per rule caps that rule, not the group. */
%precedence CAP_NONE
%precedence UP_TO
%left OR
%left AND
%precedence NOT
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%type <node> decl owner to_opt keycol score_item pts where_opt cap_opt arm test_item eword
%type <node> expr cmp arith postfix primary name list_lit arg
%type <list> keycols score_items arms test_items ewords exprs args arglist

%%

file
  : %empty
  | file decl                          { lq_ast_append(&ctx->decls, $2); }
  ;

decl
  : "ruleset" STRING "version" STRING  { $$ = rule(named(ctx, LQ_RULESET, @$, $2, @2), NULL, lq_ast_str(A, LQ_STR, @4, $4), NULL); }
  | "team" IDENT STRING                { $$ = rule(named(ctx, LQ_TEAM, @$, $2, @2), lq_ast_str(A, LQ_STR, @3, $3), NULL, NULL); }
  | "include" STRING                   { $$ = rule(NODE(LQ_INCLUDE, @$), lq_ast_str(A, LQ_STR, @2, $2), NULL, NULL); }
  | "list" IDENT '=' list_lit          { $$ = rule(named(ctx, LQ_LISTDECL, @$, $2, @2), $4, NULL, NULL); }
  | "define" IDENT '=' expr            { $$ = rule(named(ctx, LQ_DEFINE, @$, $2, @2), $4, NULL, NULL); }
  | "score" IDENT owner '{' score_items '}'  { $$ = with_kids(rule(named(ctx, LQ_SCORE, @$, $2, @2), NULL, NULL, $3), $5); }
  | "grade" IDENT owner '{' arms '}'   { $$ = with_kids(rule(named(ctx, LQ_GRADE, @$, $2, @2), NULL, NULL, $3), $5); }
  | "reject" STRING owner "when" expr  { $$ = rule(named(ctx, LQ_REJECT, @$, $2, @2), lq_ast_str(A, LQ_STR, @2, $2), $5, $3); }
  | "stage" IDENT owner "when" expr    { $$ = rule(named(ctx, LQ_STAGE, @$, $2, @2), NULL, $5, $3); }
  | "route" STRING owner to_opt "when" expr
                                       { $$ = rule(named(ctx, LQ_ROUTE, @$, $2, @2), lq_ast_str(A, LQ_STR, @2, $2), $6, $3); $$->c = $4; }
  | "route" STRING owner to_opt "otherwise"
                                       { $$ = otherwise(rule(named(ctx, LQ_ROUTE, @$, $2, @2), lq_ast_str(A, LQ_STR, @2, $2), NULL, $3)); $$->c = $4; }
  | "table" IDENT '=' STRING           { $$ = rule(named(ctx, LQ_TABLE, @$, $2, @2), lq_ast_str(A, LQ_STR, @4, $4), NULL, NULL); }
  | "table" IDENT '=' STRING "key" keycols
                                       { $$ = with_kids(rule(named(ctx, LQ_TABLE, @$, $2, @2), lq_ast_str(A, LQ_STR, @4, $4), NULL, NULL), $6); }
  | "test" STRING '{' test_items '}'   { $$ = with_kids(rule(named(ctx, LQ_TEST, @$, $2, @2), lq_ast_str(A, LQ_STR, @2, $2), NULL, NULL), $4); }
  | error                              { $$ = NULL; }
  ;

owner
  : %empty                             { $$ = NULL; }
  | "by" IDENT                         { $$ = lq_ast_str(A, LQ_NAME, @2, $2); }
  ;

to_opt
  : %empty                             { $$ = NULL; }
  | "to" expr                          { $$ = $2; }
  ;

keycols
  : keycol                             { $$ = (lq_node_list){0}; lq_ast_append(&$$, $1); }
  | keycols ',' keycol                 { $$ = $1; lq_ast_append(&$$, $3); }
  ;

keycol
  : name
  | BACKQ                              { $$ = lq_ast_str(A, LQ_FIELD, @1, $1); }
  ;

score_items
  : %empty                             { $$ = (lq_node_list){0}; }
  | score_items score_item             { $$ = $1; lq_ast_append(&$$, $2); }
  ;

score_item
  : "up to" NUMBER                     { $$ = NODE(LQ_CAP, @$); $$->num = $2; $$->name_span = @2; }
  | "decay" NUMBER '%' "every" NUMBER "days" "since" expr
                                       { $$ = rule(NODE(LQ_DECAY, @$), lq_ast_num(A, @5, $5), $8, NULL); $$->num = $2; $$->name_span = @2; }
  | pts STRING "when" expr             { $$ = points(ctx, @$, $1, $2, @2, $4, false, NULL); }
  | pts STRING "per" expr where_opt cap_opt
                                       { $$ = points(ctx, @$, $1, $2, @2, $5 ? per_where($4, $5) : $4, true, $6); }
  | error                              { $$ = NULL; }
  ;

pts
  : POINTS                             { $$ = lq_ast_num(A, @1, $1); }
  | POINTS_OPEN expr ')'               { $$ = $1 < 0 ? lq_ast_unary(A, LQ_NEG, @1, parens($2)) : parens($2); }
  ;

where_opt
  : %empty                             { $$ = NULL; }
  | "where" expr                       { $$ = rule(NODE(LQ_WHERE, @$), NULL, $2, NULL); }
  ;

cap_opt
  : %empty %prec CAP_NONE              { $$ = NULL; }
  | "up to" NUMBER                     { $$ = lq_ast_num(A, @2, $2); }
  ;

arms
  : %empty                             { $$ = (lq_node_list){0}; }
  | arms arm                           { $$ = $1; lq_ast_append(&$$, $2); }
  ;

arm
  : STRING "when" expr                 { $$ = rule(NODE(LQ_ARM, @$), lq_ast_str(A, LQ_STR, @1, $1), $3, NULL); }
  | STRING "otherwise"                 { $$ = otherwise(rule(NODE(LQ_ARM, @$), lq_ast_str(A, LQ_STR, @1, $1), NULL, NULL)); }
  | error                              { $$ = NULL; }
  ;

test_items
  : %empty                             { $$ = (lq_node_list){0}; }
  | test_items test_item               { $$ = $1; lq_ast_append(&$$, $2); }
  ;

test_item
  : "now" STRING                       { $$ = rule(NODE(LQ_TEST_NOW, @$), lq_ast_str(A, LQ_STR, @2, $2), NULL, NULL); }
  | LEAD_JSON                          { $$ = lq_ast_str(A, LQ_TEST_LEAD, @1, $1); }
  | "expect" ewords                    { $$ = with_kids(NODE(LQ_EXPECT, @$), $2); }
  | error                              { $$ = NULL; }
  ;

ewords
  : eword                              { $$ = (lq_node_list){0}; lq_ast_append(&$$, $1); }
  | ewords eword                       { $$ = $1; lq_ast_append(&$$, $2); }
  ;

eword
  : IDENT                              { $$ = lq_ast_str(A, LQ_NAME, @1, $1); }
  | "stage"                            { $$ = word(ctx, @1); }
  | "route"                            { $$ = word(ctx, @1); }
  | "score"                            { $$ = word(ctx, @1); }
  | "grade"                            { $$ = word(ctx, @1); }
  | STRING                             { $$ = lq_ast_str(A, LQ_STR, @1, $1); }
  | NUMBER                             { $$ = lq_ast_num(A, @1, $1); }
  | '-' NUMBER                         { $$ = lq_ast_num(A, @$, -$2); }
  | "not"                              { $$ = NODE(LQ_NOT_WORD, @1); }
  ;

expr
  : expr "or" expr                     { $$ = BIN(LQ_OR, $1, $3); }
  | expr "and" expr                    { $$ = BIN(LQ_AND, $1, $3); }
  | "not" expr                         { $$ = lq_ast_unary(A, LQ_NOT, @1, $2); }
  | cmp
  ;

cmp
  : arith
  | arith "==" arith                   { $$ = BIN(LQ_EQ, $1, $3); }
  | arith "!=" arith                   { $$ = BIN(LQ_NE, $1, $3); }
  | arith '<' arith                    { $$ = BIN(LQ_LT, $1, $3); }
  | arith "<=" arith                   { $$ = BIN(LQ_LE, $1, $3); }
  | arith '>' arith                    { $$ = BIN(LQ_GT, $1, $3); }
  | arith ">=" arith                   { $$ = BIN(LQ_GE, $1, $3); }
  | arith "in" arith                   { $$ = BIN(LQ_IN, $1, $3); }
  | arith "not in" arith               { $$ = BIN(LQ_NOT_IN, $1, $3); }
  | arith "between" arith "and" arith  { $$ = BIN(LQ_BETWEEN, $1, $3); $$->c = $5; $$->span.end = @5.end; }
  | arith "contains" arith             { $$ = BIN(LQ_CONTAINS, $1, $3); }
  | arith "contains any" arith         { $$ = BIN(LQ_CONTAINS_ANY, $1, $3); }
  | arith "starts with" arith          { $$ = BIN(LQ_STARTS, $1, $3); }
  | arith "starts with any" arith      { $$ = BIN(LQ_STARTS_ANY, $1, $3); }
  | arith "ends with" arith            { $$ = BIN(LQ_ENDS, $1, $3); }
  | arith "ends with any" arith        { $$ = BIN(LQ_ENDS_ANY, $1, $3); }
  | arith "matches" arith              { $$ = BIN(LQ_MATCHES, $1, $3); }
  | arith "is missing"                 { $$ = lq_ast_unary(A, LQ_MISSING, @2, $1); }
  | arith "is present"                 { $$ = lq_ast_unary(A, LQ_PRESENT, @2, $1); }
  ;

arith
  : arith '+' arith                    { $$ = BIN(LQ_ADD, $1, $3); }
  | arith '-' arith                    { $$ = BIN(LQ_SUB, $1, $3); }
  | arith '*' arith                    { $$ = BIN(LQ_MUL, $1, $3); }
  | arith '/' arith                    { $$ = BIN(LQ_DIV, $1, $3); }
  | '-' arith %prec UMINUS             { $$ = lq_ast_unary(A, LQ_NEG, @1, $2); }
  | postfix
  ;

postfix
  : primary
  | postfix '.' name                   { $$ = lq_ast_str(A, LQ_GET, @$, $3->str); $$->a = $1; $$->name_span = @3; }
  | postfix '.' BACKQ                  { $$ = lq_ast_str(A, LQ_GET, @$, $3); $$->a = $1; $$->name_span = @3; }
  | postfix '[' exprs ']'              { $$ = index_or_lookup(ctx, @$, $1, $3); }
  ;

primary
  : NUMBER                             { $$ = lq_ast_num(A, @1, $1); }
  | STRING                             { $$ = lq_ast_str(A, LQ_STR, @1, $1); }
  | "true"                             { $$ = NODE(LQ_TRUE, @1); }
  | "false"                            { $$ = NODE(LQ_FALSE, @1); }
  | "null"                             { $$ = NODE(LQ_NULL, @1); }
  | BACKQ                              { $$ = lq_ast_str(A, LQ_FIELD, @1, $1); }
  | name
  | list_lit
  | '(' expr ')'                       { $$ = parens($2); }
  | name '(' args ')'                  { $$ = with_kids(lq_ast_str(A, LQ_CALL, @$, $1->str), $3); $$->name_span = @1; }
  ;

/* Declaration keywords that cannot continue an expression double as names. */
name
  : IDENT                              { $$ = lq_ast_str(A, LQ_NAME, @1, $1); }
  | "version"   { $$ = word(ctx, @1); }  | "list"      { $$ = word(ctx, @1); }
  | "score"     { $$ = word(ctx, @1); }  | "stage"     { $$ = word(ctx, @1); }
  | "route"     { $$ = word(ctx, @1); }  | "team"      { $$ = word(ctx, @1); }
  | "include"   { $$ = word(ctx, @1); }  | "define"    { $$ = word(ctx, @1); }
  | "grade"     { $$ = word(ctx, @1); }  | "reject"    { $$ = word(ctx, @1); }
  | "test"      { $$ = word(ctx, @1); }  | "now"       { $$ = word(ctx, @1); }
  | "days"      { $$ = word(ctx, @1); }  | "since"     { $$ = word(ctx, @1); }
  | "every"     { $$ = word(ctx, @1); }  | "by"        { $$ = word(ctx, @1); }
  | "decay"     { $$ = word(ctx, @1); }  | "ruleset"   { $$ = word(ctx, @1); }
  | "expect"    { $$ = word(ctx, @1); }  | "table"     { $$ = word(ctx, @1); }
  | "key"       { $$ = word(ctx, @1); }  | "to"        { $$ = word(ctx, @1); }
  ;

list_lit
  : '[' ']'                            { $$ = lq_ast_list(A, @$, NULL); }
  | '[' exprs ']'                      { $$ = lq_ast_list(A, @$, $2.head); }
  | '[' exprs ',' ']'                  { $$ = lq_ast_list(A, @$, $2.head); }
  ;

exprs
  : expr                               { $$ = (lq_node_list){0}; lq_ast_append(&$$, $1); }
  | exprs ',' expr                     { $$ = $1; lq_ast_append(&$$, $3); }
  ;

args
  : %empty                             { $$ = (lq_node_list){0}; }
  | arglist
  ;

arglist
  : arg                                { $$ = (lq_node_list){0}; lq_ast_append(&$$, $1); }
  | arglist ',' arg                    { $$ = $1; lq_ast_append(&$$, $3); }
  ;

arg
  : expr
  | expr "where" expr                  { $$ = BIN(LQ_WHERE, $1, $3); }
  ;

%%

/* With custom syntax errors, bison calls this only when its stack is full:
 * "memory exhausted", which names no cause. */
static void lq_yyerror(LQ_YYLTYPE *at, yyscan_t scanner, lq_parse_ctx *ctx, const char *msg) {
  (void)scanner;
  if (!strcmp(msg, "memory exhausted"))
    msg = "the rules file nests too deeply here; split the expression with a define";
  lq_diag_error(ctx->diags, *at, "%s", msg);
}

/* A token as a person would name it: keywords in quotes, kinds in words. */
static const char *describe(yysymbol_kind_t sym, char *buf, size_t size) {
  const char *name = yysymbol_name(sym);
  size_t n = strlen(name);
  if (n >= 2 && name[0] == '"') { name++; n -= 2; }
  else if (n == 3 && name[0] == '\'') { name++; n = 1; }
  if (!strncmp(name, "a ", 2) || !strncmp(name, "an ", 3) || !strncmp(name, "end ", 4) ||
      !strncmp(name, "points ", 7))
    snprintf(buf, size, "%.*s", (int)n, name);
  else
    snprintf(buf, size, "'%.*s'", (int)n, name);
  return buf;
}

/* The text of a token in the source, shortened for a message. */
static const char *excerpt(lq_parse_ctx *ctx, lq_span at, char *buf, size_t size) {
  size_t n = at.end > at.begin ? at.end - at.begin : 0;
  const char *t = ctx->text + at.begin;
  const char *nl = memchr(t, '\n', n);
  if (nl) n = (size_t)(nl - t);
  if (n > 40) snprintf(buf, size, "%.37s...", t);
  else snprintf(buf, size, "%.*s", (int)n, t);
  return buf;
}

static int yyreport_syntax_error(const yypcontext_t *pc, yyscan_t scanner, lq_parse_ctx *ctx) {
  (void)scanner;
  enum { MAX = 6 };
  yysymbol_kind_t exp[MAX];
  int n = yypcontext_expected_tokens(pc, exp, MAX);
  yysymbol_kind_t got = yypcontext_token(pc);
  lq_span at = *yypcontext_location(pc);
  char want[512] = "", b1[64], b2[64], b3[64];
  size_t w = 0;
  for (int i = 0; n > 0 && i < n && w < sizeof want; i++) {
    /* "a name" is spelled out only once; the keywords that double as names are noise. */
    w += (size_t)snprintf(want + w, sizeof want - w, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                          describe(exp[i], b1, sizeof b1));
  }
  const char *found = got == YYSYMBOL_YYEOF ? "the end of the file"
                      : (excerpt(ctx, at, b2, sizeof b2), b2);
  char after[80] = "";
  if (ctx->prev.end > 0 && ctx->prev.end <= at.begin)
    snprintf(after, sizeof after, " after '%s'", excerpt(ctx, ctx->prev, b3, sizeof b3));
  if (got == YYSYMBOL_YYEOF) {
    /* Point just past the last token: the caret under an empty last line helps nobody. */
    at.begin = at.end = ctx->prev.end > 0 ? ctx->prev.end : (uint32_t)ctx->len;
  }
  if (n > 0 && n < MAX)
    lq_diag_error(ctx->diags, at, "expected %s%s, found %s%s%s", want, after,
                  got == YYSYMBOL_YYEOF ? "" : "'", found, got == YYSYMBOL_YYEOF ? "" : "'");
  else
    lq_diag_error(ctx->diags, at, "unexpected %s%s%s%s", got == YYSYMBOL_YYEOF ? "" : "'",
                  got == YYSYMBOL_YYEOF ? "end of file" : found, got == YYSYMBOL_YYEOF ? "" : "'", after);
  return 0;
}
