/* ast.c: constructors for syntax tree nodes, and --dump-ast. */
#include "ast.h"

#include <string.h>

static const char *const kind_names[] = {
#define X(k) #k,
    LQ_AST_KINDS(X)
#undef X
};
_Static_assert(sizeof kind_names / sizeof *kind_names == LQ_KIND_COUNT, "one name per kind");

const char *lq_ast_kind_name(lq_kind k) { return k < LQ_KIND_COUNT ? kind_names[k] : "?"; }

lq_span lq_span_join(lq_span a, lq_span b) {
  return (lq_span){a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end, a.file};
}

lq_node *lq_ast_new(lq_arena *a, lq_kind kind, lq_span span) {
  lq_node *n = lq_arena_zalloc(a, sizeof *n);
  n->kind = kind;
  n->span = span;
  n->name_span = span;
  n->slot = -1;
  return n;
}

lq_node *lq_ast_binary(lq_arena *a, lq_kind kind, lq_node *l, lq_node *r) {
  lq_node *n = lq_ast_new(a, kind, lq_span_join(l->span, r->span));
  n->a = l;
  n->b = r;
  return n;
}

lq_node *lq_ast_unary(lq_arena *a, lq_kind kind, lq_span op, lq_node *x) {
  lq_node *n = lq_ast_new(a, kind, lq_span_join(op, x->span));
  n->a = x;
  return n;
}

lq_node *lq_ast_str(lq_arena *a, lq_kind kind, lq_span span, lq_str s) {
  lq_node *n = lq_ast_new(a, kind, span);
  n->str = s;
  return n;
}

lq_node *lq_ast_num(lq_arena *a, lq_span span, double v) {
  lq_node *n = lq_ast_new(a, LQ_NUM, span);
  n->num = v;
  return n;
}

lq_node *lq_ast_list(lq_arena *a, lq_span span, lq_node *items) {
  lq_node *n = lq_ast_new(a, LQ_LIST, span);
  n->kids = items;
  return n;
}

void lq_ast_append(lq_node_list *l, lq_node *x) {
  if (!x) return;
  if (l->tail) l->tail->next = x; else l->head = x;
  l->tail = x;
  while (l->tail->next) l->tail = l->tail->next;  /* x may be a spliced list */
}

static void dump(FILE *out, const lq_node *n) {
  if (!n) { fputs("_", out); return; }
  fprintf(out, "(%s", kind_names[n->kind]);
  if (n->str.s) fprintf(out, " \"%.*s\"", (int)n->str.n, n->str.s);
  if (n->kind == LQ_NUM || n->kind == LQ_CAP || n->kind == LQ_DECAY || n->kind == LQ_INDEX)
    fprintf(out, " %g", n->num);
  if (n->owner) fprintf(out, " by:%.*s", (int)n->owner->str.n, n->owner->str.s);
  if (n->per) fputs(" per", out);
  if (n->otherwise) fputs(" otherwise", out);
  const lq_node *kids[] = {n->a, n->b, n->c, n->d};
  int last = 3;
  while (last >= 0 && !kids[last]) last--;
  for (int i = 0; i <= last; i++) { fputc(' ', out); dump(out, kids[i]); }
  if (n->kind != LQ_INDEX)   /* its kids are the number it already shows */
    for (const lq_node *k = n->kids; k; k = k->next) { fputc(' ', out); dump(out, k); }
  fputc(')', out);
}

void lq_ast_dump(FILE *out, const lq_node *decls) {
  for (const lq_node *d = decls; d; d = d->next) {
    dump(out, d);
    fputc('\n', out);
  }
}

_Static_assert(sizeof(void *) != 8 || sizeof(lq_node) <= 128, "lq_node grew past two cache lines; see ast.h");
