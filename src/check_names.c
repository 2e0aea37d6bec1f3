/* check_names.c: the names pass: resolves every name and call, checks tables'
 * columns and lookups, regexes, and what a route's `to` or a pick can name. */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_pass.h"
#include "json.h"
#include "pattern.h"
#include "value.h"

static const lq_table *table_of(const lq_node *n, int depth);
static void pick_weight(checker *c, const lq_node *list, const lq_node *w);

/* A bare name: a declaration seen earlier, `lead`, `score`, `rejected`, or a field. */
static void resolve_name(checker *c, lq_node *n) {
  if (lq_check_is(n->str, "lead")) { n->ref_kind = LQ_REF_LEAD; return; }
  if (lq_check_is(n->str, "score")) {
    n->ref_kind = LQ_REF_TOTAL;
    if (c->last_group && c->order <= c->last_group_order)
      lq_diag_error(c->d, n->span, "'score' is the total of every score group, so it can only be used after the last one (line %d)",
                    lq_check_line(c, c->last_group->span));
    return;
  }
  if (lq_check_is(n->str, "rejected")) {
    n->ref_kind = LQ_REF_REJECTED;
    if (c->last_reject && c->order <= c->last_reject_order)
      lq_diag_error(c->d, n->span, "'rejected' depends on every reject rule, so it can only be used after the last one (line %d)",
                    lq_check_line(c, c->last_reject->span));
    return;
  }
  sym *e = lq_check_sym(&c->names, n->str.s, n->str.n);
  if (e->name) {
    if (e->order == c->order) {
      lq_diag_error(c->d, n->span, "'%s' is used in its own declaration", e->name);
      lq_diag_note(c->d, "a rule cannot depend on itself; write the condition out, or use a define declared before it");
    } else if (e->order > c->order) {
      lq_diag_error(c->d, n->span, "'%s' is declared later (line %d); declare it before it is used",
                    e->name, lq_check_line(c, e->decl->span));
      lq_diag_note(c->d, "rules are evaluated top to bottom, so move the %s above this line, or write `%s` in backquotes if you mean the lead field",
                   lq_check_kind_word(e->decl->kind), e->name);
    }
    n->ref = e->decl;
    n->slot = e->decl->slot;
    switch (e->decl->kind) {
    case LQ_LISTDECL: n->ref_kind = LQ_REF_LIST; lq_check_add_use(c, e->order); break;
    case LQ_DEFINE: n->ref_kind = LQ_REF_DEFINE; lq_check_add_use(c, e->order); break;
    case LQ_SCORE: n->ref_kind = LQ_REF_GROUP; break;
    case LQ_GRADE: n->ref_kind = LQ_REF_GRADE; break;
    case LQ_TABLE: n->ref_kind = LQ_REF_TABLE; lq_check_add_use(c, e->order); break;
    default: n->ref_kind = LQ_REF_STAGE; break;
    }
    return;
  }
  /* Only declared names count: `store` is a field, not a misspelt `score`.
   * A field is read many times and near_miss scans every name, so a name once
   * found to be near nothing is remembered. */
  memo *m = &c->fields[lq_hash_bytes(n->str.s, n->str.n) & (FIELD_MEMO - 1)];
  bool known = m->s && m->n == n->str.n && !memcmp(m->s, n->str.s, m->n);
  const char *near = known ? NULL : lq_check_near_miss(&c->names, NULL, n->str.s, n->str.n);
  if (!near) *m = (memo){n->str.s, n->str.n};
  if (near) {
    lq_diag_error(c->d, n->span, "unknown name '%s'; did you mean '%s'?", n->str.s, near);
    lq_diag_note(c->d, "a name close to a declared one is taken as a typo; write `%s` in backquotes if you mean the lead field",
                 n->str.s);
  }
  n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD;
  if (c->where_depth) lq_check_column(c, c->item_table, n->str, n->span, ITEM_NAME);
}

/* A field written `name` (or lead.name) while a declaration has that name: a bare
 * name means the declaration, so the two are easily confused. Once per name. */
static void shadowed_field(checker *c, lq_str name, lq_span at) {
  sym *e = lq_check_sym(&c->names, name.s, name.n);
  if (!e->name || e->shadow_warned) return;
  e->shadow_warned = true;
  const char *what = lq_check_kind_word(e->decl->kind);
  lq_diag_warning(c->d, at, "field `%s` has the same name as %s '%s' (line %d); a bare %s means the %s",
                  e->name, what, e->name, lq_check_line(c, e->decl->span), e->name, what);
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
    const char *near = lq_check_near_miss(NULL, names, n->str.s, n->str.n);
    if (near)
      lq_diag_error(c->d, n->name_span, "unknown function '%s'; did you mean '%s'?", n->str.s, near);
    else
      lq_diag_error(c->d, n->name_span, "unknown function '%s'", n->str.s);
    char list[400];
    lq_diag_note(c->d, "the functions are %s", lq_func_names(list, sizeof list));
  } else {
    n->slot = fn;
    char msg[200];
    if (lq_func_arity_error(fn, nargs, msg, sizeof msg)) lq_diag_error(c->d, n->span, "%s", msg);
  }
  int i = 0;
  for (lq_node *a = n->kids; a; a = a->next, i++) {
    if (a->kind == LQ_WHERE && (fn < 0 || !lq_funcs[fn].takes_where || i > 0 || (nargs > 1 && fn != LQ_FN_pick))) {
      char takers[200];
      lq_diag_error(c->d, a->span, "'where' filters a list given alone to %s, or first to %s",
                    lq_func_where_takers(takers, sizeof takers), lq_funcs[LQ_FN_pick].name);
    }
    if (fn == LQ_FN_pick && i == 2) {
      /* The weight is read per item, as a `where` condition is. */
      const lq_table *outer = c->item_table;
      c->item_table = table_of(n->kids, 0);
      c->where_depth++;
      lq_check_expr(c, a);
      c->where_depth--;
      c->item_table = outer;
      pick_weight(c, n->kids, a);
      continue;
    }
    lq_check_expr(c, a);
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
void lq_check_column(checker *c, const lq_table *t, lq_str name, lq_span at, int item) {
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
  for (lq_node *k = n->kids; k; k = k->next, given++) lq_check_expr(c, k);
  lq_node *decl = n->a->ref;
  int want = 0;
  for (lq_node *k = decl->kids; k; k = k->next) want++;
  n->table = decl->table;
  if (want == 0) {
    lq_diag_error(c->d, n->span, "table '%s' has no key, so a row cannot be looked up by a value", decl->str.s);
    lq_diag_note(c->d, "declare its key where the table is declared (line %d): table %s = \"%s\" key COLUMN; or filter its rows: %s where COLUMN == ...",
                 lq_check_line(c, decl->span), decl->str.s, decl->a->str.s, decl->str.s);
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
  lq_check_expr(c, n->a);
  if (n->a->kind == LQ_NAME && n->a->ref_kind == LQ_REF_TABLE) {
    lookup_keys(c, n);
    return;
  }
  for (lq_node *k = n->kids; k; k = k->next) lq_check_expr(c, k);
  lq_diag_error(c->d, n->span, "only a table can be looked up by a value in brackets");
  lq_diag_note(c->d, "an item of a list is taken by a whole number, like events[0] or events[-1]; a row of a table by its key, like accounts[domain(email)]");
}

void lq_check_expr(checker *c, lq_node *n) {
  if (!n) return;
  switch (n->kind) {
  case LQ_NAME: resolve_name(c, n); return;
  case LQ_FIELD:
    n->ref_kind = c->where_depth ? LQ_REF_ITEM_FIELD : LQ_REF_FIELD;
    shadowed_field(c, n->str, n->span);
    if (c->where_depth) lq_check_column(c, c->item_table, n->str, n->span, ITEM_QUOTED);
    return;
  case LQ_GET:
    lq_check_expr(c, n->a);
    if (n->a->kind == LQ_NAME && n->a->ref_kind == LQ_REF_LEAD) shadowed_field(c, n->str, n->name_span);
    lq_check_column(c, table_of(n->a, 0), n->str, n->name_span, ITEM_NONE);
    return;
  case LQ_CALL: call(c, n); return;
  case LQ_WHERE: {
    lq_check_expr(c, n->a);
    const lq_table *outer = c->item_table;
    c->item_table = table_of(n->a, 0);
    c->where_depth++;
    lq_check_expr(c, n->b);
    c->where_depth--;
    c->item_table = outer;
    return;
  }
  case LQ_LOOKUP: lookup(c, n); return;
  case LQ_INDEX:
    lq_check_expr(c, n->a);
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
    for (lq_node *k = n->kids; k; k = k->next) lq_check_expr(c, k);
    return;
  case LQ_MATCHES:
    lq_check_expr(c, n->a);
    regex_check(c, n);
    return;
  default:
    lq_check_expr(c, n->a);
    lq_check_expr(c, n->b);
    lq_check_expr(c, n->c);
    return;
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
bool lq_check_route_to(checker *c, const lq_node *d) {
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
  } else if (!(lq_check_value_types(to, 0) & (T_TEXT | T_NUM))) {
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
  if (!(lq_check_value_types(w, 0) & T_NUM)) {
    lq_diag_warning(c->d, w->span, "this weight is never a number, so pick never picks anyone");
    lq_diag_note(c->d, "an item is picked in proportion to its weight, a number above 0; write a number (2) or the column that holds the weights");
    return;
  }
  if ((w->kind != LQ_NAME && w->kind != LQ_FIELD) || w->ref_kind != LQ_REF_ITEM_FIELD) return;
  const lq_node *l = defined(list);
  if (l->kind == LQ_LIST || (l->kind == LQ_NAME && l->ref_kind == LQ_REF_LIST)) {
    const lq_node *items = l->kind == LQ_LIST ? l->kids : l->ref && l->ref->a ? l->ref->a->kids : NULL;
    bool constants = true;
    for (const lq_node *k = items; k; k = k->next) constants &= lq_check_is_constant(k);
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

