/* check.c: resolves names in declaration order and reports what is wrong.
 * Everything must be declared before it is used, so one pass in order suffices;
 * a first pass only collects names, to say "declared later" instead of guessing. */
#include "check.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pattern.h"
#include "program.h"
#include "table.h"
#include "value.h"

typedef struct sym {
  const char *name;
  uint32_t len;
  lq_node *decl;
  int order;              /* position of the declaration in the file */
  bool used;              /* teams: some rule names it with `by` */
  bool shadow_warned;     /* names: a same-named field was reported once */
} sym;

typedef struct symtab { sym *slots; uint32_t mask; } symtab;

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
  bool *define_never;     /* by define slot: already reported as never true */
  /* Which declaration refers to which define or list, in declaration order:
   * what `unused` needs, gathered while names are resolved. */
  struct use { int from, to; } *uses;
  size_t nuses, uses_cap;
} checker;

static void add_use(checker *c, int to) {
  if (c->nuses == c->uses_cap) {
    c->uses_cap = c->uses_cap ? 2 * c->uses_cap : 256;
    c->uses = realloc(c->uses, c->uses_cap * sizeof *c->uses);
    if (!c->uses) abort();
  }
  c->uses[c->nuses++] = (struct use){c->order, to};
}

static uint64_t hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

static void symtab_init(symtab *t, size_t n) {
  uint32_t cap = 16;
  while (cap < 2 * n + 1) cap *= 2;
  t->slots = calloc(cap, sizeof *t->slots);
  if (!t->slots) abort();
  t->mask = cap - 1;
}

static sym *symtab_slot(const symtab *t, const char *s, size_t n) {
  for (uint32_t i = (uint32_t)hash(s, n) & t->mask;; i = (i + 1) & t->mask) {
    sym *e = &t->slots[i];
    if (!e->name || (e->len == n && memcmp(e->name, s, n) == 0)) return e;
  }
}

static int line_of(const checker *c, lq_span at) {
  int line, col;
  lq_sources_position(c->src, at.file, at.begin, &line, &col);
  return line;
}

int lq_edit_distance(const char *a, size_t an, const char *b, size_t bn, int cap) {
  if (an > 64 || bn > 64) return cap + 1;
  int diff = (int)an - (int)bn;
  if (diff > cap || -diff > cap) return cap + 1;
  int row[65];
  for (size_t j = 0; j <= bn; j++) row[j] = (int)j;
  for (size_t i = 1; i <= an; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= bn; j++) {
      int up = row[j];
      int sub = diag + (a[i - 1] != b[j - 1]);
      int ins = row[j - 1] + 1, del = up + 1;
      row[j] = sub < ins ? (sub < del ? sub : del) : (ins < del ? ins : del);
      diag = up;
    }
  }
  return row[bn];
}

/* The name closest to s, if close enough to be a typo: one edit for names of
 * up to four letters, two for longer ones. */
/* The declared name one typo away from s, if any. A typo keeps most of the
 * word: one edit for names of up to four letters, two for longer ones, and
 * never as many edits as the name has letters (so `x` is not taken for `g`). */
static const char *near_miss(const symtab *t, const char *const *extra, const char *s, size_t n) {
  const char *best = NULL;
  int best_d = n < 3 ? (int)n : 3;
  for (uint32_t i = 0; t && i <= t->mask; i++) {
    const sym *e = &t->slots[i];
    if (!e->name) continue;
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

static const char *kind_word(lq_kind k) {
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

static bool is(lq_str s, const char *word) { return s.n == strlen(word) && !memcmp(s.s, word, s.n); }

static void expr(checker *c, lq_node *n);

enum { ITEM_NONE, ITEM_NAME, ITEM_QUOTED };   /* how a column is written, for column() */
static void column(checker *c, const lq_table *t, lq_str name, lq_span at, int item);
static const lq_table *table_of(const lq_node *n, int depth);
static void pick_weight(checker *c, const lq_node *list, const lq_node *w);

/* A bare name: a declaration seen earlier, `lead`, `score`, `rejected`, or a field. */
static void resolve_name(checker *c, lq_node *n) {
  if (is(n->str, "lead")) { n->ref_kind = LQ_REF_LEAD; return; }
  if (is(n->str, "score")) {
    n->ref_kind = LQ_REF_TOTAL;
    if (c->last_group && c->order <= c->last_group_order)
      lq_diag_error(c->d, n->span, "'score' is the total of every score group, so it can only be used after the last one (line %d)",
                    line_of(c, c->last_group->span));
    return;
  }
  if (is(n->str, "rejected")) {
    n->ref_kind = LQ_REF_REJECTED;
    if (c->last_reject && c->order <= c->last_reject_order)
      lq_diag_error(c->d, n->span, "'rejected' depends on every reject rule, so it can only be used after the last one (line %d)",
                    line_of(c, c->last_reject->span));
    return;
  }
  sym *e = symtab_slot(&c->names, n->str.s, n->str.n);
  if (e->name) {
    if (e->order == c->order) {
      lq_diag_error(c->d, n->span, "'%s' is used in its own declaration", e->name);
      lq_diag_note(c->d, "a rule cannot depend on itself; write the condition out, or use a define declared before it");
    } else if (e->order > c->order) {
      lq_diag_error(c->d, n->span, "'%s' is declared later (line %d); declare it before it is used",
                    e->name, line_of(c, e->decl->span));
      lq_diag_note(c->d, "rules are evaluated top to bottom, so move the %s above this line, or write `%s` in backquotes if you mean the lead field",
                   kind_word(e->decl->kind), e->name);
    }
    n->ref = e->decl;
    n->slot = e->decl->slot;
    switch (e->decl->kind) {
    case LQ_LISTDECL: n->ref_kind = LQ_REF_LIST; add_use(c, e->order); break;
    case LQ_DEFINE: n->ref_kind = LQ_REF_DEFINE; add_use(c, e->order); break;
    case LQ_SCORE: n->ref_kind = LQ_REF_GROUP; break;
    case LQ_GRADE: n->ref_kind = LQ_REF_GRADE; break;
    case LQ_TABLE: n->ref_kind = LQ_REF_TABLE; add_use(c, e->order); break;
    default: n->ref_kind = LQ_REF_STAGE; break;
    }
    return;
  }
  /* Only declared names count: `store` is a field, not a misspelt `score`.
   * A field is read many times and near_miss scans every name, so a name once
   * found to be near nothing is remembered. */
  memo *m = &c->fields[hash(n->str.s, n->str.n) & (FIELD_MEMO - 1)];
  bool known = m->s && m->n == n->str.n && !memcmp(m->s, n->str.s, m->n);
  const char *near = known ? NULL : near_miss(&c->names, NULL, n->str.s, n->str.n);
  if (!near) *m = (memo){n->str.s, n->str.n};
  if (near) {
    lq_diag_error(c->d, n->span, "unknown name '%s'; did you mean '%s'?", n->str.s, near);
    lq_diag_note(c->d, "a name close to a declared one is taken as a typo; write `%s` in backquotes if you mean the lead field",
                 n->str.s);
  }
  n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD;
  if (c->where_depth) column(c, c->item_table, n->str, n->span, ITEM_NAME);
}

/* A field written `name` (or lead.name) while a declaration has that name: a bare
 * name means the declaration, so the two are easily confused. Once per name. */
static void shadowed_field(checker *c, lq_str name, lq_span at) {
  sym *e = symtab_slot(&c->names, name.s, name.n);
  if (!e->name || e->shadow_warned) return;
  e->shadow_warned = true;
  const char *what = kind_word(e->decl->kind);
  lq_diag_warning(c->d, at, "field `%s` has the same name as %s '%s' (line %d); a bare %s means the %s",
                  e->name, what, e->name, line_of(c, e->decl->span), e->name, what);
  lq_diag_note(c->d, "rename the %s so the two cannot be confused; the field is reachable only as `%s` or lead.%s",
               what, e->name, e->name);
}

static void call(checker *c, lq_node *n) {
  int fn = lq_func_find(n->str.s, n->str.n);
  int nargs = 0;
  for (lq_node *a = n->kids; a; a = a->next) nargs++;
  if (fn < 0) {
    const char *names[LQ_FN_COUNT + 1];
    for (int i = 0; i < LQ_FN_COUNT; i++) names[i] = lq_funcs[i].name;
    names[LQ_FN_COUNT] = NULL;
    const char *near = near_miss(NULL, names, n->str.s, n->str.n);
    if (near)
      lq_diag_error(c->d, n->name_span, "unknown function '%s'; did you mean '%s'?", n->str.s, near);
    else
      lq_diag_error(c->d, n->name_span, "unknown function '%s'", n->str.s);
    char list[400];
    size_t w = 0;
    for (int i = 0; i < LQ_FN_COUNT && w < sizeof list; i++)
      w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? " " : "", lq_funcs[i].name);
    lq_diag_note(c->d, "the functions are %s", list);
  } else {
    const lq_func *f = &lq_funcs[fn];
    n->slot = fn;
    if (nargs < f->min_args || (f->max_args >= 0 && nargs > f->max_args)) {
      if (f->min_args == f->max_args)
        lq_diag_error(c->d, n->span, "%s() takes %d argument%s, not %d", f->name, f->min_args,
                      f->min_args == 1 ? "" : "s", nargs);
      else if (f->max_args < 0)
        lq_diag_error(c->d, n->span, "%s() takes at least %d argument%s", f->name, f->min_args,
                      f->min_args == 1 ? "" : "s");
      else
        lq_diag_error(c->d, n->span, "%s() takes %d to %d arguments, not %d", f->name, f->min_args,
                      f->max_args, nargs);
    }
  }
  int i = 0;
  for (lq_node *a = n->kids; a; a = a->next, i++) {
    if (a->kind == LQ_WHERE && (fn < 0 || !lq_funcs[fn].takes_where || i > 0 || (nargs > 1 && fn != LQ_FN_pick))) {
      lq_diag_error(c->d, a->span, "'where' filters a list given alone to sum, count, any, every, min, max, latest, earliest or first, or first to pick");
    }
    if (fn == LQ_FN_pick && i == 2) {
      /* The weight is read per item, as a `where` condition is. */
      const lq_table *outer = c->item_table;
      c->item_table = table_of(n->kids, 0);
      c->where_depth++;
      expr(c, a);
      c->where_depth--;
      c->item_table = outer;
      pick_weight(c, n->kids, a);
      continue;
    }
    expr(c, a);
  }
}

/* Where value bytes [off, off + len) of a quoted text are in the rules file:
 * escapes (\\ \" \uXXXX ...) are longer in the file than in the value. The
 * whole text when str is not written as one. */
static lq_span text_span(const checker *c, lq_span str, size_t off, size_t len) {
  if (str.file >= c->src->n) return str;
  const lq_source *f = &c->src->files[str.file];
  if (str.end > f->len || str.end - str.begin < 2 || f->text[str.begin] != '"') return str;
  const char *t = f->text;
  uint32_t i = str.begin + 1, end = str.end - 1, from = end;
  size_t v = 0;   /* value bytes made by the file bytes before i */
  while (i < end) {
    uint32_t k = 1;   /* file bytes of this character or escape */
    size_t m = 1;     /* value bytes it makes */
    if (t[i] == '\\' && i + 5 < end && t[i + 1] == 'u') {
      unsigned cp = 0;
      for (int h = 2; h < 6; h++) {
        char x = t[i + h];
        cp = cp * 16 + (unsigned)(x <= '9' ? x - '0' : (x | 0x20) - 'a' + 10);
      }
      k = 6;
      m = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
    } else if (t[i] == '\\') {
      k = 2;
    }
    if (from == end && v + m > off) from = i;
    i += k;
    v += m;
    if (v >= off + (len ? len : 1)) break;
  }
  return (lq_span){from, i, str.file};
}

static void regex_check(checker *c, lq_node *n) {
  if (n->b->kind != LQ_STR) {
    lq_diag_error(c->d, n->b->span, "'matches' needs a regular expression in quotes here");
    return;
  }
  size_t at, len;
  const char *problem = lq_pattern_check(n->b->str.s, n->b->str.n, &at, &len);
  if (problem) {
    lq_diag_error(c->d, text_span(c, n->b->span, at, len), "%s", problem);
    return;
  }
  regex_t re;
  int rc = lq_pattern_compile(&re, n->b->str.s, n->b->str.n);
  if (rc) {
    char buf[256];
    regerror(rc, &re, buf, sizeof buf);
    lq_diag_error(c->d, n->b->span, "bad regular expression: %s", buf);
    lq_diag_note(c->d, "patterns are POSIX extended regular expressions, e.g. \"^(vp|chief) \"");
    return;
  }
  regfree(&re);
}

/* ---- Tables ---- */

/* The table whose rows n gives, one row (a lookup, first, pick) or a list of
 * them (the table, `where` over it), or NULL: whose columns `.name` names. */
static const lq_table *table_of(const lq_node *n, int depth) {
  if (!n || depth > 16) return NULL;   /* a chain of defines */
  switch (n->kind) {
  case LQ_LOOKUP: return n->table;
  case LQ_NAME:
    if (n->ref_kind == LQ_REF_TABLE) return n->ref->table;
    if (n->ref_kind == LQ_REF_DEFINE && n->ref) return table_of(n->ref->a, depth + 1);
    return NULL;
  case LQ_WHERE: case LQ_INDEX: return table_of(n->a, depth + 1);
  case LQ_CALL:
    return n->kids && (n->slot == LQ_FN_first || n->slot == LQ_FN_pick) ? table_of(n->kids, depth + 1) : NULL;
  default: return NULL;
  }
}

static const char *columns_of(const lq_table *t, char *buf, size_t size) {
  size_t w = 0;
  buf[0] = '\0';
  for (int i = 0; i < t->ncols; i++) {
    int n = snprintf(buf + w, size - w, "%s%s", i ? ", " : "", t->cols[i]);
    if (n < 0 || (size_t)n >= size - w) { snprintf(buf + (w < size - 6 ? w : size - 6), 6, ", ..."); break; }
    w += (size_t)n;
  }
  return buf;
}

/* A column of t, when t and its columns are known, so a typo is an error.
 * A table that could not be read has had its error: no more about it.
 * item: how the column was written: `.name` after a row, or a bare or
 * backquoted name inside `where`, where the lead's field is easily meant. */
static void column(checker *c, const lq_table *t, lq_str name, lq_span at, int item) {
  if (!t || t->columns_unknown || lq_table_column(t, name.s, name.n) >= 0) return;
  const char *near = NULL;
  int best = name.n < 3 ? (int)name.n : 3;
  for (int i = 0; i < t->ncols; i++) {
    int cap = t->col_lens[i] <= 4 ? 1 : 2;
    int d = lq_edit_distance(name.s, name.n, t->cols[i], t->col_lens[i], cap);
    if (lq_text_eq(name.s, name.n, t->cols[i], t->col_lens[i])) d = 0;
    if (d <= cap && d < best) { best = d; near = t->cols[i]; }
  }
  if (near)
    lq_diag_error(c->d, at, "table '%s' has no column '%s'; did you mean '%s'?", t->name, name.s, near);
  else
    lq_diag_error(c->d, at, "table '%s' has no column '%s'", t->name, name.s);
  char cols[400];
  const char *list = t->ncols ? columns_of(t, cols, sizeof cols) : "none (it has no rows)";
  if (item == ITEM_NAME)
    lq_diag_note(c->d, "the columns of %s are: %s; inside 'where', a bare name is a column of the table: for the lead's field, write lead.%s",
                 t->path, list, name.s);
  else if (item == ITEM_QUOTED)
    lq_diag_note(c->d, "the columns of %s are: %s; inside 'where', a name is a column of the table: for the lead's field, write lead.`%s`",
                 t->path, list, name.s);
  else
    lq_diag_note(c->d, "the columns of %s are: %s", t->path, list);
}

/* The keys of a lookup whose table n->a names: as many as its key has columns. */
static void lookup_keys(checker *c, lq_node *n) {
  int given = 0;
  for (lq_node *k = n->kids; k; k = k->next, given++) expr(c, k);
  lq_node *decl = n->a->ref;
  int want = 0;
  for (lq_node *k = decl->kids; k; k = k->next) want++;
  n->table = decl->table;
  if (want == 0) {
    lq_diag_error(c->d, n->span, "table '%s' has no key, so a row cannot be looked up by a value", decl->str.s);
    lq_diag_note(c->d, "declare its key where the table is declared (line %d): table %s = \"%s\" key COLUMN; or filter its rows: %s where COLUMN == ...",
                 line_of(c, decl->span), decl->str.s, decl->a->str.s, decl->str.s);
  } else if (given != want) {
    char keys[200];
    size_t w = 0;
    for (lq_node *k = decl->kids; k && w < sizeof keys; k = k->next)
      w += (size_t)snprintf(keys + w, sizeof keys - w, "%s%s", w ? ", " : "", k->str.s);
    lq_diag_error(c->d, n->span, "table '%s' is keyed by %d column%s (%s): give %d value%s in the brackets, not %d",
                  decl->str.s, want, want == 1 ? "" : "s", keys, want, want == 1 ? "" : "s", given);
  }
}

static void lookup(checker *c, lq_node *n) {
  expr(c, n->a);
  if (n->a->kind == LQ_NAME && n->a->ref_kind == LQ_REF_TABLE) {
    lookup_keys(c, n);
    return;
  }
  for (lq_node *k = n->kids; k; k = k->next) expr(c, k);
  lq_diag_error(c->d, n->span, "only a table can be looked up by a value in brackets");
  lq_diag_note(c->d, "an item of a list is taken by a whole number, like events[0] or events[-1]; a row of a table by its key, like accounts[domain(email)]");
}

static void expr(checker *c, lq_node *n) {
  if (!n) return;
  switch (n->kind) {
  case LQ_NAME: resolve_name(c, n); return;
  case LQ_FIELD:
    n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD;
    shadowed_field(c, n->str, n->span);
    if (c->where_depth) column(c, c->item_table, n->str, n->span, ITEM_QUOTED);
    return;
  case LQ_GET:
    expr(c, n->a);
    if (n->a->kind == LQ_NAME && n->a->ref_kind == LQ_REF_LEAD) shadowed_field(c, n->str, n->name_span);
    column(c, table_of(n->a, 0), n->str, n->name_span, ITEM_NONE);
    return;
  case LQ_CALL: call(c, n); return;
  case LQ_WHERE: {
    expr(c, n->a);
    const lq_table *outer = c->item_table;
    c->item_table = table_of(n->a, 0);
    c->where_depth++;
    expr(c, n->b);
    c->where_depth--;
    c->item_table = outer;
    return;
  }
  case LQ_LOOKUP: lookup(c, n); return;
  case LQ_INDEX:
    expr(c, n->a);
    if (n->a->kind == LQ_NAME && n->a->ref_kind == LQ_REF_TABLE && n->a->ref->kids) {
      /* accounts[5]: a table keyed by numbers, not the sixth row */
      n->kind = LQ_LOOKUP;
      lookup_keys(c, n);
      return;
    }
    if (n->num != floor(n->num) || fabs(n->num) > LQ_INDEX_MAX)
      lq_diag_error(c->d, n->span, "a list index is a whole number, like [0] for the first item or [-1] for the last");
    return;
  case LQ_LIST:
    for (lq_node *k = n->kids; k; k = k->next) expr(c, k);
    return;
  case LQ_MATCHES:
    expr(c, n->a);
    regex_check(c, n);
    return;
  default:
    expr(c, n->a);
    expr(c, n->b);
    expr(c, n->c);
    return;
  }
}

/* ---- Conditions that can never hold ----
 *
 * A condition is read as a conjunction of tests ("atoms") on operands compared
 * with constants: x > 10, x == "a", x in [...], x is missing, x alone. Atoms on
 * the same operand (the same expression, written the same way in the same
 * scope) can contradict each other, and an atom can contradict what the operand
 * is known to be (a score group is a number, a grade one of its labels). To
 * decide, every atom is evaluated, exactly as eval.c would, on a few candidate
 * values: each constant mentioned, the points between and beyond the numbers,
 * a text, true, false, missing and a list. If no candidate satisfies them all,
 * no value does. Anything not understood is left out, so a warning is sound:
 * it fires only when no lead can make the condition true. */

/* T_BLANK: besides its kinds, the value may be blank text. A lead's field
 * never is (empty is missing), so `email == ""` is never true. */
enum { T_NUM = 1, T_TEXT = 2, T_BOOL = 4, T_OTHER = 8, T_MISSING = 16, T_ANY = 31, T_BLANK = 32 };

typedef struct cval { int t; double num; const char *s; size_t n; bool b; } cval;

typedef enum { A_EQ, A_NE, A_LT, A_LE, A_GT, A_GE, A_BETWEEN, A_IN, A_NOT_IN, A_MISSING, A_PRESENT, A_TRUE } atom_op;

typedef struct atom {
  const lq_node *key, *node;   /* the operand, and the whole test (for messages) */
  atom_op op;
  bool neg;                    /* under `not` */
  cval k, k2;                  /* the constants */
  const lq_node *list;         /* A_IN, A_NOT_IN: a LIST of constants */
} atom;

typedef struct why { lq_span span; char reason[512]; char note[400]; } why;

enum { MAX_DEPTH = 16 };

static bool const_val(const lq_node *n, cval *v) {
  *v = (cval){0};
  switch (n->kind) {
  case LQ_NUM: v->t = T_NUM; v->num = n->num; return true;
  case LQ_NEG: if (n->a->kind != LQ_NUM) return false; v->t = T_NUM; v->num = -n->a->num; return true;
  case LQ_STR: v->t = T_TEXT; v->s = n->str.s; v->n = n->str.n; return true;
  case LQ_TRUE: case LQ_FALSE: v->t = T_BOOL; v->b = n->kind == LQ_TRUE; return true;
  case LQ_NULL: v->t = T_MISSING; return true;
  default: return false;
  }
}

/* A list of constants, written out or declared with `list`. */
static const lq_node *const_list(const lq_node *n) {
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_LIST && n->ref) n = n->ref->a;
  if (!n || n->kind != LQ_LIST) return NULL;
  cval v;
  for (const lq_node *k = n->kids; k; k = k->next)
    if (!const_val(k, &v)) return NULL;
  return n;
}

static bool cval_eq(const cval *a, const cval *b) {
  if (a->t == T_MISSING || b->t == T_MISSING) return a->t == b->t;
  if (a->t != b->t) return false;
  switch (a->t) {
  case T_NUM: return a->num == b->num;
  case T_TEXT: return lq_text_eq(a->s, a->n, b->s, b->n);
  case T_BOOL: return a->b == b->b;
  default: return false;   /* a list or object never equals a constant */
  }
}

static bool in_list(const cval *v, const lq_node *list) {
  if (v->t == T_MISSING) return false;
  cval k;
  for (const lq_node *i = list->kids; i; i = i->next)
    if (const_val(i, &k) && cval_eq(v, &k)) return true;
  return false;
}

/* Whether the test holds when its operand is v. Ordering texts is taken to
 * hold for every text (times compare as times): atoms with it are inexact. */
static bool admits(const atom *a, const cval *v) {
  bool r;
  switch (a->op) {
  case A_EQ: r = cval_eq(v, &a->k); break;
  case A_NE: r = !cval_eq(v, &a->k); break;
  case A_LT: case A_LE: case A_GT: case A_GE:
    if (v->t == T_NUM && a->k.t == T_NUM) {
      double x = v->num, k = a->k.num;
      r = a->op == A_LT ? x < k : a->op == A_LE ? x <= k : a->op == A_GT ? x > k : x >= k;
    } else {
      r = v->t == T_TEXT && a->k.t == T_TEXT;
    }
    break;
  case A_BETWEEN:
    if (v->t == T_NUM && a->k.t == T_NUM && a->k2.t == T_NUM) r = a->k.num <= v->num && v->num <= a->k2.num;
    else r = v->t == T_TEXT && a->k.t == T_TEXT && a->k2.t == T_TEXT;
    break;
  case A_IN: r = in_list(v, a->list); break;
  case A_NOT_IN: r = !in_list(v, a->list); break;
  case A_MISSING: r = v->t == T_MISSING; break;
  case A_PRESENT: r = v->t != T_MISSING; break;
  default: r = v->t == T_BOOL && v->b; break;
  }
  return a->neg ? !r : r;
}

static bool exact(const atom *a) {
  bool ordering = (a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN;
  return !(ordering && (a->k.t == T_TEXT || a->k2.t == T_TEXT));
}

/* An operand: anything that yields a value rather than a condition. */
static bool is_operand(const lq_node *n) {
  switch (n->kind) {
  case LQ_NAME: case LQ_FIELD: case LQ_GET: case LQ_INDEX: case LQ_CALL:
  case LQ_ADD: case LQ_SUB: case LQ_MUL: case LQ_DIV: case LQ_NEG:
    return !(n->kind == LQ_NEG && n->a->kind == LQ_NUM);
  default: return false;
  }
}

static atom_op flip(atom_op op) {
  switch (op) {
  case A_LT: return A_GT; case A_LE: return A_GE;
  case A_GT: return A_LT; case A_GE: return A_LE;
  default: return op;
  }
}

static bool atom_of(const lq_node *n, atom *a) {
  *a = (atom){.node = n};
  cval k;
  switch (n->kind) {
  case LQ_NOT:
    if (!atom_of(n->a, a) || !exact(a)) return false;
    a->neg = !a->neg;
    a->node = n;
    return true;
  case LQ_EQ: case LQ_NE: case LQ_LT: case LQ_LE: case LQ_GT: case LQ_GE: {
    static const atom_op ops[] = {[LQ_EQ] = A_EQ, [LQ_NE] = A_NE, [LQ_LT] = A_LT,
                                  [LQ_LE] = A_LE, [LQ_GT] = A_GT, [LQ_GE] = A_GE};
    if (is_operand(n->a) && const_val(n->b, &k)) { a->key = n->a; a->op = ops[n->kind]; }
    else if (is_operand(n->b) && const_val(n->a, &k)) { a->key = n->b; a->op = flip(ops[n->kind]); }
    else return false;
    a->k = k;
    return true;
  }
  case LQ_BETWEEN:
    if (!is_operand(n->a) || !const_val(n->b, &a->k) || !const_val(n->c, &a->k2)) return false;
    a->key = n->a;
    a->op = A_BETWEEN;
    return true;
  case LQ_IN: case LQ_NOT_IN:
    if (!is_operand(n->a) || !(a->list = const_list(n->b))) return false;
    a->key = n->a;
    a->op = n->kind == LQ_IN ? A_IN : A_NOT_IN;
    return true;
  case LQ_MISSING: case LQ_PRESENT:
    if (!is_operand(n->a)) return false;
    a->key = n->a;
    a->op = n->kind == LQ_MISSING ? A_MISSING : A_PRESENT;
    return true;
  default:
    if (!is_operand(n)) return false;
    a->key = n;
    a->op = A_TRUE;
    return true;
  }
}

/* The same expression, written the same way: it has the same value in one scope. */
static bool same_expr(const lq_node *x, const lq_node *y) {
  if (x == y) return true;
  if (!x || !y || x->kind != y->kind || x->ref_kind != y->ref_kind || x->ref != y->ref) return false;
  if (x->str.n != y->str.n || (x->str.n && memcmp(x->str.s, y->str.s, x->str.n))) return false;
  if (x->num != y->num || x->slot != y->slot) return false;
  if (!same_expr(x->a, y->a) || !same_expr(x->b, y->b) || !same_expr(x->c, y->c) || !same_expr(x->d, y->d))
    return false;
  const lq_node *i = x->kids, *j = y->kids;
  for (; i && j; i = i->next, j = j->next)
    if (!same_expr(i, j)) return false;
  return !i && !j;
}

/* The kinds of value an expression can have, whatever the lead. */
static int value_types(const lq_node *n, int depth) {
  switch (n->kind) {
  case LQ_NUM: return T_NUM;
  case LQ_STR: return T_TEXT | (lq_text_blank(n->str.s, n->str.n) ? T_BLANK : 0);
  case LQ_TRUE: case LQ_FALSE: return T_BOOL;
  case LQ_NULL: return T_MISSING;
  case LQ_LIST: case LQ_WHERE: return T_OTHER;
  case LQ_NEG: case LQ_ADD: case LQ_SUB: case LQ_MUL: case LQ_DIV: return T_NUM | T_MISSING;
  case LQ_CALL:
    switch (n->slot) {
    case LQ_FN_lower: case LQ_FN_upper: case LQ_FN_trim: case LQ_FN_domain: case LQ_FN_date:
      return T_TEXT | T_MISSING;
    case LQ_FN_len: case LQ_FN_number: case LQ_FN_abs: case LQ_FN_round: case LQ_FN_floor:
    case LQ_FN_ceil: case LQ_FN_min: case LQ_FN_max: case LQ_FN_sum: case LQ_FN_days_since:
      return T_NUM | T_MISSING;
    case LQ_FN_count: return T_NUM;
    case LQ_FN_any: case LQ_FN_every: return T_BOOL;
    default: return T_ANY | T_BLANK;   /* coalesce(x, "") */
    }
  case LQ_NAME:
    switch (n->ref_kind) {
    case LQ_REF_DEFINE: return n->ref && depth < MAX_DEPTH ? value_types(n->ref->a, depth + 1) : T_ANY | T_BLANK;
    case LQ_REF_LIST: case LQ_REF_LEAD: case LQ_REF_TABLE: return T_OTHER;
    case LQ_REF_GROUP: case LQ_REF_TOTAL: return T_NUM;
    case LQ_REF_GRADE: return T_TEXT | T_MISSING;
    case LQ_REF_STAGE: case LQ_REF_REJECTED: return T_BOOL;
    case LQ_REF_FIELD: case LQ_REF_ITEM_FIELD: return T_ANY;
    default: return T_ANY | T_BLANK;
    }
  case LQ_FIELD: case LQ_GET: case LQ_INDEX: return T_ANY;
  case LQ_LOOKUP: return T_OTHER | T_MISSING;
  default: return T_BOOL;   /* and, or, not and every comparison */
  }
}

/* The grade an operand names, if it is one: its value is one of the labels. */
static const lq_node *grade_of(const lq_node *key) {
  return key->kind == LQ_NAME && key->ref_kind == LQ_REF_GRADE && key->ref ? key->ref : NULL;
}

/* Candidate values; the first few live in the struct, since every rule of a
 * 10,000-rule file is tried and most need only a handful. */
typedef struct cands { cval *v; size_t n, cap; cval local[16]; } cands;
#define CANDS_INIT(c) ((c).v = (c).local, (c).n = 0, (c).cap = 16)

static void cand_add(cands *c, cval v) {
  if (c->n == c->cap) {
    c->cap *= 2;
    cval *grown = c->v == c->local ? malloc(c->cap * sizeof *grown) : realloc(c->v, c->cap * sizeof *grown);
    if (!grown) abort();
    if (c->v == c->local) memcpy(grown, c->local, sizeof c->local);
    c->v = grown;
  }
  c->v[c->n++] = v;
}

static void cands_free(cands *c) {
  if (c->v != c->local) free(c->v);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void cand_const(cands *c, cands *nums, const cval *k) {
  if (k->t == T_NUM) cand_add(nums, *k);
  else if (k->t == T_TEXT) cand_add(c, *k);
}

/* Can one value of the operand satisfy every atom in set (indices into atoms)?
 * types: what the operand can be (T_ANY to ignore what is known about it). */
static bool satisfiable(const atom *atoms, const size_t *set, size_t n, int types, const lq_node *grade) {
  cands c, nums;
  CANDS_INIT(c);
  CANDS_INIT(nums);
  for (size_t i = 0; i < n; i++) {
    const atom *a = &atoms[set[i]];
    cand_const(&c, &nums, &a->k);
    cand_const(&c, &nums, &a->k2);
    if (a->list) {
      cval k;
      for (const lq_node *it = a->list->kids; it; it = it->next)
        if (const_val(it, &k)) cand_const(&c, &nums, &k);
    }
  }
  if (grade)
    for (const lq_node *arm = grade->kids; arm; arm = arm->next)
      cand_add(&c, (cval){.t = T_TEXT, .s = arm->a->str.s, .n = arm->a->str.n});
  cand_add(&c, (cval){.t = T_TEXT, .s = "\x01", .n = 1});   /* a text equal to no constant */
  cand_add(&c, (cval){.t = T_BOOL, .b = true});
  cand_add(&c, (cval){.t = T_BOOL, .b = false});
  cand_add(&c, (cval){.t = T_MISSING});
  cand_add(&c, (cval){.t = T_OTHER});
  /* Numbers: each constant, the points between neighbours, and beyond both ends. */
  double *x = malloc((nums.n + 1) * sizeof *x);
  if (!x) abort();
  for (size_t i = 0; i < nums.n; i++) x[i] = nums.v[i].num;
  qsort(x, nums.n, sizeof *x, cmp_double);
  if (!nums.n) cand_add(&c, (cval){.t = T_NUM, .num = 0});
  for (size_t i = 0; i < nums.n; i++) {
    cand_add(&c, (cval){.t = T_NUM, .num = x[i]});
    if (i + 1 < nums.n && x[i + 1] != x[i]) cand_add(&c, (cval){.t = T_NUM, .num = x[i] / 2 + x[i + 1] / 2});
  }
  if (nums.n) {
    cand_add(&c, (cval){.t = T_NUM, .num = x[0] - fabs(x[0]) - 1});
    cand_add(&c, (cval){.t = T_NUM, .num = x[nums.n - 1] + fabs(x[nums.n - 1]) + 1});
  }
  free(x);
  cands_free(&nums);
  bool ok = false;
  for (size_t i = 0; i < c.n && !ok; i++) {
    const cval *v = &c.v[i];
    if (!(v->t & types)) continue;
    if (v->t == T_TEXT && !(types & T_BLANK) && lq_text_blank(v->s, v->n)) continue;
    if (grade && v->t == T_TEXT) {
      bool label = false;
      for (const lq_node *arm = grade->kids; arm && !label; arm = arm->next)
        label = lq_text_eq(v->s, v->n, arm->a->str.s, arm->a->str.n);
      if (!label) continue;
    }
    ok = true;
    for (size_t j = 0; j < n && ok; j++) ok = admits(&atoms[set[j]], v);
  }
  cands_free(&c);
  return ok;
}

/* The source text of a span, on one line and shortened, for a message. */
static const char *excerpt(const checker *c, lq_span s, char *buf, size_t size) {
  const char *t = c->src->files[s.file].text + s.begin;
  size_t n = s.end > s.begin ? s.end - s.begin : 0;
  const char *nl = memchr(t, '\n', n);
  if (nl) n = (size_t)(nl - t);
  if (n > 60) snprintf(buf, size, "%.57s...", t);
  else snprintf(buf, size, "%.*s", (int)n, t);
  return buf;
}

static const char *type_phrase(int types) {
  switch (types & ~(T_MISSING | T_BLANK)) {
  case T_NUM: return "a number";
  case T_TEXT: return "text";
  case T_BOOL: return "true or false";
  case T_OTHER: return "a list";
  default: return NULL;
  }
}

/* One atom that holds for no value: say why as precisely as we can. */
static void explain_atom(const checker *c, const atom *atoms, size_t idx, int types, const lq_node *grade, why *w) {
  const atom *a = &atoms[idx];
  char t1[72], t2[72];
  w->span = a->node->span;
  excerpt(c, a->node->span, t1, sizeof t1);
  excerpt(c, a->key->span, t2, sizeof t2);
  const char *phrase = type_phrase(types);
  if (!(types & T_BLANK) && satisfiable(atoms, &idx, 1, T_ANY | T_BLANK, NULL) &&
      !satisfiable(atoms, &idx, 1, T_ANY, NULL)) {
    snprintf(w->reason, sizeof w->reason, "'%s' is never true: empty text in a lead is a missing value", t1);
    snprintf(w->note, sizeof w->note, "to test for an empty field, write '%s is missing'", t2);
    return;
  }
  if (satisfiable(atoms, &idx, 1, T_ANY, NULL)) {
    if (grade && satisfiable(atoms, &idx, 1, types, NULL)) {
      char labels[300] = "";
      size_t len = 0;
      for (const lq_node *arm = grade->kids; arm && len < sizeof labels; arm = arm->next)
        len += (size_t)snprintf(labels + len, sizeof labels - len, "%s\"%s\"", len ? ", " : "", arm->a->str.s);
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: grade %s has no such label", t1, grade->str.s);
      snprintf(w->note, sizeof w->note, "its labels are %s (text compares ignoring case)", labels);
    } else if (a->op == A_TRUE) {
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: it is %s, and a condition holds only when it is true",
               t1, phrase ? phrase : "not true or false");
      snprintf(w->note, sizeof w->note, "compare it with something, e.g. '%s > 0' or '%s is present'", t2, t2);
    } else {
      snprintf(w->reason, sizeof w->reason, "'%s' is never true: %s is %s", t1, t2, phrase ? phrase : "of another type");
      snprintf(w->note, sizeof w->note,
               "values of different types are never equal or in order; compare it with %s",
               phrase ? phrase : "a value of its own type");
    }
    return;
  }
  snprintf(w->reason, sizeof w->reason, "'%s' is never true", t1);
  if (a->op == A_BETWEEN && a->k.t == T_NUM && a->k2.t == T_NUM && a->k.num > a->k2.num)
    snprintf(w->note, sizeof w->note, "between takes the lower limit first: between %g and %g", a->k2.num, a->k.num);
  else if (((a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN) &&
           (a->k.t == T_MISSING || a->k2.t == T_MISSING))
    snprintf(w->note, sizeof w->note, "null is the missing value, which is never in order; use 'is missing' or 'is present'");
  else if ((a->op >= A_LT && a->op <= A_GE) || a->op == A_BETWEEN)
    snprintf(w->note, sizeof w->note, "only numbers, or texts, are in order; compare it with a number");
  else if (a->op == A_IN && !a->list->kids)
    snprintf(w->note, sizeof w->note, "nothing is in an empty list");
  else
    snprintf(w->note, sizeof w->note, "no value satisfies it; check the constants");
}

/* The tests of one conjunction, defines written out in place. */
typedef struct conj { const lq_node **v; size_t n, cap; } conj;

static void flatten(const checker *c, const lq_node *n, conj *out, int depth) {
  if (n->kind == LQ_AND) {
    flatten(c, n->a, out, depth);
    flatten(c, n->b, out, depth);
    return;
  }
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_DEFINE && n->ref && n->ref->a && depth < MAX_DEPTH &&
      !(n->ref->slot >= 0 && c->define_never[n->ref->slot])) {
    flatten(c, n->ref->a, out, depth + 1);
    return;
  }
  if (out->n == out->cap) {
    out->cap = out->cap ? 2 * out->cap : 16;
    out->v = realloc(out->v, out->cap * sizeof *out->v);
    if (!out->v) abort();
  }
  out->v[out->n++] = n;
}

static bool never_true(const checker *c, const lq_node *n, why *w, int depth);

/* The atoms on one operand that cannot all hold: the smallest story we can tell. */
static void explain_group(const checker *c, const atom *atoms, const size_t *set, size_t n, int types,
                          const lq_node *grade, why *w) {
  for (size_t i = 0; i < n; i++)
    if (!satisfiable(atoms, &set[i], 1, types, grade)) {
      explain_atom(c, atoms, set[i], types, grade, w);
      return;
    }
  size_t m = 1;
  while (m < n && satisfiable(atoms, set, m + 1, types, grade)) m++;
  const atom *later = &atoms[set[m]];
  char t1[72], t2[72];
  excerpt(c, later->node->span, t1, sizeof t1);
  w->span = later->node->span;
  snprintf(w->note, sizeof w->note, "no lead satisfies both; correct the limits, or use 'or' if either should do");
  for (size_t i = 0; i < m; i++) {
    size_t pair[2] = {set[i], set[m]};
    if (satisfiable(atoms, pair, 2, types, grade)) continue;
    const atom *earlier = &atoms[set[i]];
    int l1 = line_of(c, earlier->node->span), l2 = line_of(c, later->node->span);
    char where[40] = "";
    if (l1 != l2 || earlier->node->span.file != later->node->span.file) snprintf(where, sizeof where, " (line %d)", l1);
    snprintf(w->reason, sizeof w->reason, "'%s' contradicts '%s'%s", t1,
             excerpt(c, earlier->node->span, t2, sizeof t2), where);
    return;
  }
  snprintf(w->reason, sizeof w->reason, "'%s' contradicts the tests of %s before it", t1,
           excerpt(c, later->key->span, t2, sizeof t2));
  snprintf(w->note, sizeof w->note, "no lead satisfies them all; correct the limits, or use 'or' if either should do");
}

static bool never_true(const checker *c, const lq_node *n, why *w, int depth) {
  if (!n || depth > MAX_DEPTH) return false;
  char t[72];
  switch (n->kind) {
  case LQ_TRUE: return false;
  case LQ_FALSE: case LQ_NULL: case LQ_NUM: case LQ_STR: case LQ_LIST:
    w->span = n->span;
    snprintf(w->reason, sizeof w->reason, "'%s' is never true", excerpt(c, n->span, t, sizeof t));
    snprintf(w->note, sizeof w->note, "a condition holds only when it is true; remove the rule, or write its condition");
    return true;
  case LQ_OR: {
    why other;
    return never_true(c, n->a, w, depth + 1) && never_true(c, n->b, &other, depth + 1);
  }
  case LQ_CALL:
    /* any(L where C) and every(L where C) hold for no lead when C holds for no item. */
    if ((n->slot == LQ_FN_any || n->slot == LQ_FN_every) && n->kids && n->kids->kind == LQ_WHERE)
      return never_true(c, n->kids->b, w, depth + 1);
    break;
  default: break;
  }
  conj parts = {0};
  flatten(c, n, &parts, depth);
  atom *atoms = malloc((parts.n + 1) * sizeof *atoms);
  size_t *set = malloc((parts.n + 1) * sizeof *set);
  bool *done = calloc(parts.n + 1, sizeof *done);
  if (!atoms || !set || !done) abort();
  size_t na = 0;
  bool found = false;
  for (size_t i = 0; i < parts.n && !found; i++) {
    const lq_node *p = parts.v[i];
    /* Whatever is not a test of an operand may still be false on its own. */
    if (p != n && !is_operand(p) && p->kind != LQ_NOT) found = never_true(c, p, w, depth + 1);
    else if (p != n && p->kind == LQ_CALL) found = never_true(c, p, w, depth + 1);
    if (!found && atom_of(p, &atoms[na])) na++;
  }
  for (size_t i = 0; i < na && !found; i++) {
    if (done[i]) continue;
    size_t m = 0;
    for (size_t j = i; j < na; j++)
      if (!done[j] && same_expr(atoms[i].key, atoms[j].key)) { set[m++] = j; done[j] = true; }
    const lq_node *grade = grade_of(atoms[i].key);
    int types = value_types(atoms[i].key, 0);
    if (!satisfiable(atoms, set, m, types, grade)) {
      explain_group(c, atoms, set, m, types, grade, w);
      found = true;
    }
  }
  free(atoms);
  free(set);
  free(done);
  free(parts.v);
  return found;
}

static bool is_condition(const lq_node *n) {
  return n && (value_types(n, MAX_DEPTH) == T_BOOL) && !is_operand(n) && n->kind != LQ_TRUE && n->kind != LQ_FALSE;
}

/* Warns when a declaration's condition can never hold. */
static void check_never(checker *c, lq_node *d) {
  why w = {0};
  char what[200];
  switch (d->kind) {
  case LQ_DEFINE:
    if (!is_condition(d->a) || !never_true(c, d->a, &w, 0)) return;
    if (d->slot >= 0) c->define_never[d->slot] = true;
    snprintf(what, sizeof what, "define '%s' is never true", d->str.s);
    break;
  case LQ_REJECT:
    if (!never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "reject \"%s\" can never fire", d->a->str.s);
    break;
  case LQ_STAGE:
    if (!never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "stage %s can never be reached", d->str.s);
    break;
  case LQ_ROUTE:
    if (d->otherwise || !never_true(c, d->b, &w, 0)) return;
    snprintf(what, sizeof what, "route \"%s\" can never be chosen", d->a->str.s);
    break;
  default: return;
  }
  lq_diag_warning(c->d, w.span, "%s: %s", what, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

static void check_never_points(checker *c, lq_node *it) {
  why w = {0};
  const lq_node *cond = it->per ? (it->c && it->c->kind == LQ_WHERE ? it->c->b : NULL) : it->c;
  if (!cond || !never_true(c, cond, &w, 0)) return;
  lq_diag_warning(c->d, w.span, "rule \"%s\" can never fire: %s", it->b->str.s, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

static void check_never_arm(checker *c, lq_node *g, lq_node *arm) {
  why w = {0};
  if (arm->otherwise || !never_true(c, arm->b, &w, 0)) return;
  lq_diag_warning(c->d, w.span, "grade %s can never be \"%s\": %s", g->str.s, arm->a->str.s, w.reason);
  lq_diag_note(c->d, "%s", w.note);
}

/* ---- Declarations nothing uses ---- */

static bool is_rule(const lq_node *d) {
  return d->kind == LQ_SCORE || d->kind == LQ_GRADE || d->kind == LQ_REJECT || d->kind == LQ_STAGE ||
         d->kind == LQ_ROUTE;
}

/* A define or list is used when a rule refers to it, directly or through
 * defines that are used. Declarations from included files are shared
 * vocabulary, and a file without rules is one: neither warns. */
static void unused(checker *c, lq_node **by_order, int n) {
  bool has_rules = false;
  for (int i = 0; i < n; i++) has_rules |= is_rule(by_order[i]);
  if (!has_rules) return;
  bool *live = calloc((size_t)n + 1, sizeof *live);
  if (!live) abort();
  for (int i = 0; i < n; i++) live[i] = is_rule(by_order[i]);
  /* Uses were recorded in declaration order, and a declaration only uses
   * earlier ones: walking them backwards settles each before its own uses. */
  for (size_t u = c->nuses; u-- > 0;)
    if (live[c->uses[u].from]) live[c->uses[u].to] = true;
  for (int i = 0; i < n; i++) {
    lq_node *d = by_order[i];
    if (d->span.file != 0) continue;
    if ((d->kind == LQ_DEFINE || d->kind == LQ_LISTDECL || d->kind == LQ_TABLE) && !live[i]) {
      const sym *e = symtab_slot(&c->names, d->str.s, d->str.n);
      if (e->decl != d) continue;   /* a duplicate, already an error */
      lq_diag_warning(c->d, d->name_span, "%s '%s' is never used", kind_word(d->kind), d->str.s);
      lq_diag_note(c->d, "no rule refers to it, directly or through a define that one uses; remove it, or use it");
    } else if (d->kind == LQ_TEAM) {
      const sym *e = symtab_slot(&c->teams, d->str.s, d->str.n);
      if (e->decl != d || e->used) continue;
      lq_diag_warning(c->d, d->name_span, "team '%s' owns no rule", d->str.s);
      lq_diag_note(c->d, "write 'by %s' on the rules it owns, or remove the team", d->str.s);
    }
  }
  free(live);
}

/* ---- Stages in order ---- */

static bool refers_to_stage(const lq_node *n, int depth) {
  if (!n || depth > MAX_DEPTH) return false;
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_STAGE) return true;
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_DEFINE && n->ref && refers_to_stage(n->ref->a, depth + 1))
    return true;
  if (refers_to_stage(n->a, depth) || refers_to_stage(n->b, depth) || refers_to_stage(n->c, depth) ||
      refers_to_stage(n->d, depth))
    return true;
  for (const lq_node *k = n->kids; k; k = k->next)
    if (refers_to_stage(k, depth)) return true;
  return false;
}

/* Stages climb: every stage after the first should build on an earlier one
 * (`stage SQL when MQL and ...`), or a lead can skip a step of the funnel.
 * A condition that names no stage at all, directly or through a define, warns. */
static void stage_order(checker *c, const lq_node *d, const lq_node *prev) {
  if (!prev || !d->b || refers_to_stage(d->b, 0)) return;
  lq_diag_warning(c->d, d->b->span, "stage %s does not refer to an earlier stage, so a lead can reach it without reaching %s",
                  d->str.s, prev->str.s);
  lq_diag_note(c->d, "stages are in ascending order; write 'when %s and ...' so that %s builds on %s", prev->str.s,
               d->str.s, prev->str.s);
}

/* ---- Test blocks: what they expect must exist ---- */

typedef struct names { const char **v; size_t n, cap; } names;

/* Repeats are kept (a route name may recur); names_join skips them. */
static void names_add(names *l, const char *s) {
  if (l->n + 1 >= l->cap) {
    l->cap = l->cap ? 2 * l->cap : 16;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    if (!l->v) abort();
  }
  l->v[l->n++] = s;
  l->v[l->n] = NULL;
}

static bool names_has(const names *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->v[i], s)) return true;
  return false;
}

/* "MQL, SQL" or ""\"a\", \"b\""; shortened when long. */
static const char *names_join(const names *l, bool quote, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < l->n && len < size; i++) {
    if (len > size - 64) { snprintf(buf + len, size - len, ", ..."); break; }
    bool seen = false;
    for (size_t k = 0; k < i && k < 64 && !seen; k++) seen = !strcmp(l->v[k], l->v[i]);
    if (seen) continue;
    len += (size_t)snprintf(buf + len, size - len, quote ? "%s\"%s\"" : "%s%s", i ? ", " : "", l->v[i]);
  }
  return buf;
}

typedef struct declared {
  names stages, routes, groups, grades, rejects, reasons;
  bool owners;   /* some route has `to` */
} declared;

static void declared_collect(declared *k, const lq_node *decls) {
  for (const lq_node *d = decls; d; d = d->next) {
    switch (d->kind) {
    case LQ_STAGE: names_add(&k->stages, d->str.s); break;
    case LQ_ROUTE: names_add(&k->routes, d->a->str.s); k->owners |= d->c != NULL; break;
    case LQ_GRADE: names_add(&k->grades, d->str.s); break;
    case LQ_REJECT: names_add(&k->rejects, d->a->str.s); names_add(&k->reasons, d->a->str.s); break;
    case LQ_SCORE:
      names_add(&k->groups, d->str.s);
      for (const lq_node *it = d->kids; it; it = it->next)
        if (it->kind == LQ_POINTS) names_add(&k->reasons, it->b->str.s);
      break;
    default: break;
    }
  }
}

static void declared_free(declared *k) {
  free(k->stages.v); free(k->routes.v); free(k->groups.v);
  free(k->grades.v); free(k->rejects.v); free(k->reasons.v);
}

static const char expect_forms[] =
    "an expectation is one of: stage NAME, stage none, route \"NAME\", route none, owner \"PERSON\", owner none, "
    "rejected, rejected \"REASON\", not rejected, reason \"LABEL\", not reason \"LABEL\", GROUP N (a score group's "
    "points), score N (the total), grade NAME \"LABEL\", grade NAME none";

/* Reports a name the test expects that the rules do not declare. */
static void unknown_expected(checker *c, const lq_node *w, const char *what, const names *known, bool quote) {
  char list[400];
  const char *near = near_miss(NULL, known->v, w->str.s, w->str.n);
  const char *q = quote ? "\"" : "'";
  if (near)
    lq_diag_error(c->d, w->span, "unknown %s %s%s%s; did you mean %s%s%s?", what, q, w->str.s, q, q, near, q);
  else
    lq_diag_error(c->d, w->span, "unknown %s %s%s%s", what, q, w->str.s, q);
  if (known->n)
    lq_diag_note(c->d, "declared %ss: %s", what, names_join(known, quote, list, sizeof list));
  else
    lq_diag_note(c->d, "the rules declare no %ss", what);
}

static bool word_is(const lq_node *w, const char *s) { return w && w->kind == LQ_NAME && is(w->str, s); }

static void expectation(checker *c, const declared *k, const lq_node *e) {
  const lq_node *w[4] = {0};
  int n = 0;
  for (const lq_node *x = e->kids; x; x = x->next, n++)
    if (n < 4) w[n] = x;
  if (n >= 1 && w[0]->kind == LQ_NOT_WORD) {
    if (n == 2 && word_is(w[1], "rejected")) return;
    if (n == 3 && word_is(w[1], "reason") && w[2]->kind == LQ_STR) {
      if (!names_has(&k->reasons, w[2]->str.s)) unknown_expected(c, w[2], "reason", &k->reasons, true);
      return;
    }
  } else if (word_is(w[0], "stage")) {
    if (n == 2 && w[1]->kind == LQ_NAME) {
      if (!word_is(w[1], "none") && !names_has(&k->stages, w[1]->str.s))
        unknown_expected(c, w[1], "stage", &k->stages, false);
      return;
    }
  } else if (word_is(w[0], "route")) {
    if (n == 2 && (w[1]->kind == LQ_STR || word_is(w[1], "none"))) {
      if (w[1]->kind == LQ_STR && !names_has(&k->routes, w[1]->str.s))
        unknown_expected(c, w[1], "route", &k->routes, true);
      return;
    }
  } else if (word_is(w[0], "owner") && !(n == 2 && w[1]->kind == LQ_NUM && names_has(&k->groups, "owner"))) {
    /* `owner 5` is the score group when there is one named owner, as before. */
    if (n == 2 && (w[1]->kind == LQ_STR || w[1]->kind == LQ_NUM || word_is(w[1], "none"))) {
      if (w[1]->kind == LQ_STR && lq_text_blank(w[1]->str.s, w[1]->str.n)) {
        lq_diag_error(c->d, w[1]->span, "an owner is never empty");
        lq_diag_note(c->d, "write expect owner none for a lead that goes to no one");
      } else if (!word_is(w[1], "none") && !k->owners) {
        lq_diag_error(c->d, w[1]->span, "no route has an owner, so no lead can go to this one");
        lq_diag_note(c->d, "name the person a route goes to: route \"NAME\" to OWNER when ...");
      }
      return;
    }
  } else if (word_is(w[0], "rejected")) {
    if (n == 1) return;
    if (n == 2 && w[1]->kind == LQ_STR) {
      if (!names_has(&k->rejects, w[1]->str.s)) unknown_expected(c, w[1], "reject reason", &k->rejects, true);
      return;
    }
  } else if (word_is(w[0], "reason")) {
    if (n == 2 && w[1]->kind == LQ_STR) {
      if (!names_has(&k->reasons, w[1]->str.s)) unknown_expected(c, w[1], "reason", &k->reasons, true);
      return;
    }
  } else if (word_is(w[0], "grade")) {
    if (n == 3 && w[1]->kind == LQ_NAME && (w[2]->kind == LQ_STR || word_is(w[2], "none"))) {
      const sym *s = symtab_slot(&c->names, w[1]->str.s, w[1]->str.n);
      if (!s->name || s->decl->kind != LQ_GRADE) {
        unknown_expected(c, w[1], "grade", &k->grades, false);
      } else if (w[2]->kind == LQ_STR) {
        names labels = {0};
        for (const lq_node *arm = s->decl->kids; arm; arm = arm->next) names_add(&labels, arm->a->str.s);
        if (!names_has(&labels, w[2]->str.s)) {
          char list[400];
          const char *near = near_miss(NULL, labels.v, w[2]->str.s, w[2]->str.n);
          if (near)
            lq_diag_error(c->d, w[2]->span, "grade %s has no label \"%s\"; did you mean \"%s\"?", s->name, w[2]->str.s, near);
          else
            lq_diag_error(c->d, w[2]->span, "grade %s has no label \"%s\"", s->name, w[2]->str.s);
          lq_diag_note(c->d, "its labels are %s", names_join(&labels, true, list, sizeof list));
        }
        free(labels.v);
      }
      return;
    }
  } else if (word_is(w[0], "score")) {
    if (n == 2 && w[1]->kind == LQ_NUM) return;
  } else if (n == 2 && w[0]->kind == LQ_NAME && w[1]->kind == LQ_NUM) {
    if (!names_has(&k->groups, w[0]->str.s)) unknown_expected(c, w[0], "score group", &k->groups, false);
    return;
  }
  char text[72];
  lq_diag_error(c->d, e->span, "unknown expectation '%s'", excerpt(c, e->span, text, sizeof text));
  lq_diag_note(c->d, "%s", expect_forms);
}

/* The lead as strict JSON, as `run` would read it from a line. */
static void test_lead(checker *c, const lq_node *lead) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  char *text = lq_arena_strndup(&a, lead->str.s, lead->str.n);
  lq_error e;
  if (!lq_json_parse_lead_at(&a, text, lead->str.n, &e)) {
    uint32_t off = lead->span.begin + (uint32_t)(e.at < lead->str.n ? e.at : lead->str.n - 1);
    lq_diag_error(c->d, (lq_span){off, off + 1, lead->span.file}, "the test's lead is not valid JSON: %s", e.msg);
    lq_diag_note(c->d, "write the lead as one line of the feed would hold it: keys in double quotes, no trailing commas");
  }
  lq_arena_free(&a);
}

static void test_block(checker *c, const declared *k, const lq_node *t) {
  const lq_node *lead = NULL;
  for (const lq_node *it = t->kids; it; it = it->next) {
    double now;
    if (it->kind == LQ_EXPECT) {
      expectation(c, k, it);
    } else if (it->kind == LQ_TEST_NOW && !lq_time_parse(it->a->str.s, it->a->str.n, &now)) {
      lq_diag_error(c->d, it->a->span, "now \"%s\" is not a date or date-time", it->a->str.s);
      lq_diag_note(c->d, "write e.g. now \"2026-11-22\" or now \"2026-11-22T10:00:00Z\"");
    } else if (it->kind == LQ_TEST_LEAD) {
      if (lead) {
        lq_diag_error(c->d, it->span, "this test already has a lead (line %d); a test checks one lead",
                      line_of(c, lead->span));
        lq_diag_note(c->d, "move the second lead into a test of its own");
      }
      lead = it;
      test_lead(c, it);
    }
  }
  if (!lead) {
    lq_diag_error(c->d, t->name_span, "test \"%s\" has no lead", t->str.s);
    lq_diag_note(c->d, "add the lead it checks: lead {\"id\": \"t1\", ...}");
  }
}

static void owner(checker *c, lq_node *d) {
  if (!d->owner) return;
  sym *e = symtab_slot(&c->teams, d->owner->str.s, d->owner->str.n);
  if (!e->name) {
    const char *near = near_miss(&c->teams, NULL, d->owner->str.s, d->owner->str.n);
    if (near)
      lq_diag_error(c->d, d->owner->span, "unknown team '%s'; did you mean '%s'?", d->owner->str.s, near);
    else {
      lq_diag_error(c->d, d->owner->span, "unknown team '%s'", d->owner->str.s);
      lq_diag_note(c->d, "declare it first: team %s \"Name <email>\"", d->owner->str.s);
    }
  } else {
    e->used = true;
    if (e->order > c->order)
      lq_diag_error(c->d, d->owner->span, "team '%s' is declared later (line %d); declare teams first",
                    d->owner->str.s, line_of(c, e->decl->span));
  }
}

static bool is_constant(const lq_node *n) {
  switch (n->kind) {
  case LQ_NUM: case LQ_STR: case LQ_TRUE: case LQ_FALSE: case LQ_NULL: return true;
  case LQ_NEG: return n->a->kind == LQ_NUM;
  default: return false;
  }
}

/* ---- Owners and pick weights: what can never name a person ---- */

/* What n gives of a table: one row (a lookup, first, pick), every row or
 * some (the table, `where` over it), or neither. */
enum { SHAPE_NONE, SHAPE_ROW, SHAPE_ROWS };
static int table_shape(const lq_node *n, int depth) {
  if (!n || depth > MAX_DEPTH) return SHAPE_NONE;
  switch (n->kind) {
  case LQ_LOOKUP: return SHAPE_ROW;
  case LQ_NAME:
    if (n->ref_kind == LQ_REF_TABLE) return SHAPE_ROWS;
    if (n->ref_kind == LQ_REF_DEFINE && n->ref) return table_shape(n->ref->a, depth + 1);
    return SHAPE_NONE;
  case LQ_WHERE: return table_shape(n->a, depth + 1) == SHAPE_ROWS ? SHAPE_ROWS : SHAPE_NONE;
  case LQ_INDEX: return table_shape(n->a, depth + 1) == SHAPE_ROWS ? SHAPE_ROW : SHAPE_NONE;
  case LQ_CALL:
    if (n->slot != LQ_FN_first && n->slot != LQ_FN_pick) return SHAPE_NONE;
    return table_shape(n->kids, depth + 1) == SHAPE_ROWS ? SHAPE_ROW : SHAPE_NONE;
  default: return SHAPE_NONE;
  }
}

/* n with the defines it names followed: what `to` really is. */
static const lq_node *defined(const lq_node *n) {
  for (int depth = 0; n && n->kind == LQ_NAME && n->ref_kind == LQ_REF_DEFINE && n->ref && depth < MAX_DEPTH; depth++)
    n = n->ref->a;
  return n;
}

/* The column of t most likely to hold a person, for an example: one named
 * like an owner or an email, else the first that is not the key. */
static const char *person_column(const lq_table *t) {
  static const char *const words[] = {"owner", "Owner", "email", "Email", "rep", "Rep", "ae", "AE"};
  for (size_t w = 0; w < sizeof words / sizeof *words; w++)
    for (int i = 0; i < t->ncols; i++)
      if (strstr(t->cols[i], words[w])) return t->cols[i];
  for (int i = 0; i < t->ncols; i++) {
    bool key = false;
    for (int k = 0; k < t->nkeys; k++) key |= t->key_cols[k] == i;
    if (!key) return t->cols[i];
  }
  return t->ncols ? t->cols[0] : "owner";
}

static const char *key_names(const lq_table *t, char *buf, size_t size) {
  size_t w = 0;
  buf[0] = '\0';
  for (int k = 0; k < t->nkeys && w < size; k++)
    w += (size_t)snprintf(buf + w, size - w, "%s%s", k ? ", " : "", t->cols[t->key_cols[k]]);
  return buf;
}

/* The note for a `to` that is rows of a table, not a person: how to get one
 * row's column. rows: the expression that gives the rows; col: the column
 * named, or NULL. */
static void note_one_row(checker *c, const lq_node *rows, const lq_table *t, const char *col) {
  if (!col) col = person_column(t);
  const lq_node *r = defined(rows);
  char keys[200];
  if (r->kind == LQ_NAME && r->ref_kind == LQ_REF_TABLE && t->nkeys)
    lq_diag_note(c->d, "a lead goes to one person: look up the lead's row by its key (%s) and name the column, like %s[...].%s",
                 key_names(t, keys, sizeof keys), t->name, col);
  else
    lq_diag_note(c->d, "a lead goes to one person: choose one row and name the column, like pick(%.*s, id).%s",
                 (int)(rows->span.end - rows->span.begin), c->src->files[rows->span.file].text + rows->span.begin, col);
}

/* `to OWNER` that can never name a person: empty text, rows of a table, a
 * whole row, or anything else that is never text or a number. True when so. */
static bool route_to(checker *c, const lq_node *d) {
  const lq_node *to = d->c, *v = defined(to);
  const char *name = d->a->str.s;
  const lq_table *t = table_of(to, 0);
  int shape = table_shape(to, 0);
  if (v->kind == LQ_STR && lq_text_blank(v->str.s, v->str.n)) {
    lq_diag_warning(c->d, to->span, "route \"%s\" can never have an owner: empty text is no person", name);
    lq_diag_note(c->d, "empty text is a missing owner, so the route is always passed over; write the person (to \"queue@acme.example\"), or remove 'to'");
  } else if (v->kind == LQ_GET && table_shape(v->a, 0) == SHAPE_ROWS && table_of(v->a, 0)) {
    /* accounts.owner: the column of every row, a list */
    const lq_table *rt = table_of(v->a, 0);
    lq_diag_warning(c->d, to->span, "route \"%s\" can never have an owner: this is the %s of every row of table '%s', a list, never one person",
                    name, v->str.s, rt->name);
    note_one_row(c, v->a, rt, v->str.s);
  } else if (t && shape == SHAPE_ROWS) {
    bool all = v->kind == LQ_NAME && v->ref_kind == LQ_REF_TABLE;
    lq_diag_warning(c->d, to->span, "route \"%s\" can never have an owner: this is %s of table '%s', a list, never one person",
                    name, all ? "every row" : "rows", t->name);
    note_one_row(c, to, t, NULL);
  } else if (t && shape == SHAPE_ROW) {
    /* first() and pick() of rows are rows too, whatever value_types says of calls */
    char cols[400];
    lq_diag_warning(c->d, to->span, "route \"%s\" can never have an owner: this is a whole row of table '%s', never text or a number",
                    name, t->name);
    lq_diag_note(c->d, "name the column that holds the person, like %.*s.%s (its columns: %s)",
                 (int)(to->span.end - to->span.begin), c->src->files[to->span.file].text + to->span.begin,
                 person_column(t), columns_of(t, cols, sizeof cols));
  } else if (!(value_types(to, 0) & (T_TEXT | T_NUM))) {
    lq_diag_warning(c->d, to->span, "route \"%s\" can never have an owner: this is never text or a number", name);
    lq_diag_note(c->d, "a route with 'to' is passed over when its owner is not text or a number");
  } else {
    return false;
  }
  return true;
}

/* pick's WEIGHT, read per item: a weight that is never a number picks no
 * one, and a table's weight cell that is text ("2", "1,5") never picks its row. */
static void pick_weight(checker *c, const lq_node *list, const lq_node *w) {
  if (!(value_types(w, 0) & T_NUM)) {
    lq_diag_warning(c->d, w->span, "this weight is never a number, so pick never picks anyone");
    lq_diag_note(c->d, "an item is picked in proportion to its weight, a number above 0; write a number (2) or the column that holds the weights");
    return;
  }
  if ((w->kind != LQ_NAME && w->kind != LQ_FIELD) || w->ref_kind != LQ_REF_ITEM_FIELD) return;
  const lq_node *l = defined(list);
  if (l->kind == LQ_LIST || (l->kind == LQ_NAME && l->ref_kind == LQ_REF_LIST)) {
    const lq_node *items = l->kind == LQ_LIST ? l->kids : l->ref && l->ref->a ? l->ref->a->kids : NULL;
    bool constants = true;
    for (const lq_node *k = items; k; k = k->next) constants &= is_constant(k);
    if (!constants) return;
    lq_diag_warning(c->d, w->span, "the items of this list are text or numbers, which have no '%s', so pick never picks anyone", w->str.s);
    lq_diag_note(c->d, "a weight per item needs a table (a column of weights); for equal shares leave the weight out: pick(LIST, KEY)");
    return;
  }
  const lq_table *t = table_of(list, 0);
  int col = t ? lq_table_column(t, w->str.s, w->str.n) : -1;
  if (col < 0) return;   /* no table known, or a misspelt column: already an error */
  uint32_t bad = 0, first = 0;
  for (uint32_t r = 0; r < t->nrows; r++) {
    lq_value v = lq_table_cell(t, r, col);
    if (v.kind != LQ_V_MISSING && v.kind != LQ_V_NUM && !bad++) first = r;
  }
  if (!bad) return;
  lq_value v = lq_table_cell(t, first, col);
  lq_diag_warning(c->d, w->span, "the %s is not a number in %u row%s of table '%s', so %s never picked", w->str.s, bad,
                  bad == 1 ? "" : "s", t->name, bad == 1 ? "that row is" : "those rows are");
  if (v.kind == LQ_V_STR)
    lq_diag_note(c->d, "%s:%u has the text \"%.*s\"; write each weight as a plain number, like 2 or 0.5 (with a point)",
                 t->path, t->lines[first], v.n > 40 ? 40 : (int)v.n, v.str);
  else
    lq_diag_note(c->d, "%s:%u has %s; write each weight as a plain number, like 2 or 0.5 (with a point)", t->path,
                 t->lines[first], lq_vkind_phrase(v.kind));
}

static void score_group(checker *c, lq_node *g) {
  lq_node *cap = NULL, *decay = NULL;
  size_t nkids = 0;
  for (lq_node *it = g->kids; it; it = it->next) nkids++;
  symtab labels;   /* a label seen twice in a group is a warning; a group may hold thousands */
  symtab_init(&labels, nkids);
  for (lq_node *it = g->kids; it; it = it->next) {
    switch (it->kind) {
    case LQ_CAP:
      if (cap) lq_diag_error(c->d, it->span, "score group '%s' already has a cap (line %d); keep one 'up to'",
                             g->str.s, line_of(c, cap->span));
      cap = it;
      break;
    case LQ_DECAY:
      if (decay) lq_diag_error(c->d, it->span, "score group '%s' already decays (line %d); keep one 'decay'",
                               g->str.s, line_of(c, decay->span));
      decay = it;
      if (it->num <= 0 || it->num > 100)
        lq_diag_error(c->d, it->span, "decay is a percentage above 0 and at most 100");
      if (it->a->num <= 0)
        lq_diag_error(c->d, it->a->span, "decay needs a period of at least one day");
      expr(c, it->b);
      break;
    case LQ_POINTS:
      expr(c, it->a);
      expr(c, it->c);
      if (it->per && it->d && it->d->num < 0)
        lq_diag_error(c->d, it->d->span, "a cap is a number of points, 0 or more");
      sym *seen = symtab_slot(&labels, it->b->str.s, it->b->str.n);
      if (seen->name) {
        lq_diag_warning(c->d, it->name_span, "score group '%s' already has a rule labelled \"%s\" (line %d)",
                        g->str.s, it->b->str.s, line_of(c, seen->decl->span));
        lq_diag_note(c->d, "a label names its rule in a decision's reasons; give each rule its own label, or merge the two");
      } else {
        *seen = (sym){.name = it->b->str.s, .len = it->b->str.n, .decl = it};
      }
      check_never_points(c, it);
      break;
    default: break;
    }
  }
  free(labels.slots);
}

static void arms(checker *c, lq_node *g) {
  lq_node *other = NULL;
  int n = 0;
  for (lq_node *a = g->kids; a; a = a->next, n++) {
    if (other) {
      lq_diag_warning(c->d, a->span, "grade '%s' never reaches this label: 'otherwise' (line %d) comes first",
                      g->str.s, line_of(c, other->span));
      lq_diag_note(c->d, "labels are tried in order and 'otherwise' always holds; move this label above it, or remove it");
    }
    expr(c, a->b);
    if (!other) check_never_arm(c, g, a);
    if (a->otherwise && !other) other = a;
  }
  if (!n) lq_diag_error(c->d, g->span, "grade '%s' has no labels; add lines like \"A\" when COND", g->str.s);
}

/* Reports the first declaration or block item past MAX_RULES, if any. */
static bool too_many_rules(const lq_node *decls, lq_diags *diags) {
  size_t n = 0;
  for (const lq_node *d = decls; d; d = d->next) {
    const lq_node *over = ++n > MAX_RULES ? d : NULL;
    if (d->kind == LQ_SCORE || d->kind == LQ_GRADE)
      for (const lq_node *k = d->kids; k && !over; k = k->next)
        if (++n > MAX_RULES) over = k;
    if (over) {
      lq_diag_error(diags, over->span, "more than 100,000 declarations and rules; a program holds at most 100,000");
      lq_diag_note(diags, "every declaration counts, and every item of a score or grade block");
      return true;
    }
  }
  return false;
}

size_t lq_check(lq_node *decls, const lq_sources *src, lq_diags *diags) {
  size_t errors_before = diags->errors;
  checker c = {0};
  c.d = diags;
  c.src = src;
  size_t ndecls = 0;
  for (lq_node *d = decls; d; d = d->next) ndecls++;
  if (too_many_rules(decls, diags)) return diags->errors - errors_before;
  symtab_init(&c.names, ndecls);
  symtab_init(&c.teams, ndecls);

  /* Pass 1: names, slots and where the aggregates end. */
  int slots[LQ_KIND_COUNT] = {0};
  int order = 0;
  lq_node *ruleset = NULL;
  for (lq_node *d = decls; d; d = d->next, order++) {
    d->slot = slots[d->kind]++;
    switch (d->kind) {
    case LQ_RULESET:
      if (ruleset)
        lq_diag_error(diags, d->span, "the ruleset is already named (line %d); a rules file has one 'ruleset' line",
                      line_of(&c, ruleset->span));
      ruleset = d;
      break;
    case LQ_TEAM: {
      sym *e = symtab_slot(&c.teams, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "team '%s' is already declared (line %d)", d->str.s,
                      line_of(&c, e->decl->span));
      else
        *e = (sym){d->str.s, d->str.n, d, order, false, false};
      break;
    }
    case LQ_SCORE: c.last_group = d; c.last_group_order = order; goto named;
    case LQ_LISTDECL: case LQ_DEFINE: case LQ_GRADE: case LQ_STAGE: case LQ_TABLE:
    named: {
      if (is(d->str, "score") || is(d->str, "rejected") || is(d->str, "lead")) {
        lq_diag_error(diags, d->name_span, "'%s' is a reserved name; choose another", d->str.s);
        break;
      }
      sym *e = symtab_slot(&c.names, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "'%s' is already declared as a %s (line %d); names must be unique",
                      d->str.s, kind_word(e->decl->kind), line_of(&c, e->decl->span));
      else
        *e = (sym){d->str.s, d->str.n, d, order, false, false};
      break;
    }
    case LQ_REJECT: c.last_reject = d; c.last_reject_order = order; break;
    default: break;
    }
  }

  /* Pass 2: every declaration in order. */
  order = 0;
  lq_node *route_otherwise = NULL, *prev_stage = NULL;
  lq_node **by_order = calloc(ndecls + 1, sizeof *by_order);
  c.define_never = calloc(ndecls + 1, sizeof *c.define_never);
  if (!by_order || !c.define_never) abort();
  declared known = {0};
  declared_collect(&known, decls);
  for (lq_node *d = decls; d; d = d->next, order++) {
    c.order = order;
    by_order[order] = d;
    owner(&c, d);
    switch (d->kind) {
    case LQ_LISTDECL:
      for (lq_node *k = d->a->kids; k; k = k->next)
        if (!is_constant(k))
          lq_diag_error(diags, k->span, "a list holds constants: quoted text, numbers, true, false or null");
      break;
    case LQ_DEFINE: expr(&c, d->a); check_never(&c, d); break;
    case LQ_SCORE: score_group(&c, d); break;
    case LQ_GRADE: arms(&c, d); break;
    case LQ_REJECT: expr(&c, d->b); check_never(&c, d); break;
    case LQ_STAGE:
      expr(&c, d->b);
      check_never(&c, d);
      if (symtab_slot(&c.names, d->str.s, d->str.n)->decl == d) {   /* not a duplicate */
        stage_order(&c, d, prev_stage);
        prev_stage = d;
      }
      break;
    case LQ_ROUTE:
      if (route_otherwise) {
        lq_diag_warning(diags, d->span, "route \"%s\" can never be chosen: 'otherwise' (line %d) comes first",
                        d->a->str.s, line_of(&c, route_otherwise->span));
        lq_diag_note(diags, "routes are tried in order and 'otherwise' always holds; move this route above it, or remove it");
      }
      expr(&c, d->b);
      expr(&c, d->c);
      if (!route_otherwise) check_never(&c, d);
      bool never = d->c && route_to(&c, d);
      /* `to` on 'otherwise': when the owner is missing that route is passed over too. */
      bool may_miss = d->c && (value_types(d->c, 0) & ~(T_TEXT | T_NUM));
      if (d->otherwise && may_miss && !never && !route_otherwise) {
        lq_diag_warning(diags, d->c->span, "route \"%s\" is 'otherwise', but a lead whose owner here is missing gets no route at all",
                        d->a->str.s);
        lq_diag_note(diags, "a route whose owner is missing is passed over; give 'otherwise' a fixed owner (to \"queue@acme.example\"), or add a last route without 'to'");
      }
      if (d->otherwise && !may_miss && !route_otherwise) route_otherwise = d;
      break;
    case LQ_TEST: test_block(&c, &known, d); break;
    case LQ_TABLE:
      for (lq_node *k = d->kids; k; k = k->next) column(&c, d->table, k->str, k->span, ITEM_NONE);
      break;
    default: break;
    }
  }
  /* With names unresolved, a typo may be the use a declaration is missing. */
  if (diags->errors == errors_before) unused(&c, by_order, order);
  declared_free(&known);
  free(by_order);
  free(c.define_never);
  free(c.uses);
  free(c.names.slots);
  free(c.teams.slots);
  return diags->errors - errors_before;
}
