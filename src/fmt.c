/* fmt.c: `leadq fmt`: rebuilds the text of a rules file from its syntax tree and
 * its comments, in one canonical layout, and diffs two texts line by line.
 *
 * The layout. A file is a sequence of units, each printed on its own line: a
 * declaration, a block's header line (`score fit by marketing {`), an item of a
 * block, a block's `}`. Units take their words from the tree (so spacing and
 * quoting are normalised) and the text of numbers and of a lead's JSON from the
 * source, through spans. Consecutive units of the same kind, not separated by a
 * blank line, form a run whose columns line up (see start_run). A unit too
 * wide for LQ_FMT_WIDTH has its condition broken at its and/or operators, then
 * its longest lists broken (see lay_out); its first line keeps its place in the
 * run. Comments are
 * interleaved by position: a comment on its own line stays above the unit that
 * follows it, at that unit's indentation; a comment after code stays after its
 * unit, one space away; a comment inside a unit that spans lines moves above it.
 * The result is parsed again and compared with the original tree and comments
 * before it is handed out.
 */
#include "fmt.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

enum { INDENT = 2, MAX_COLS = 2, MAX_BROKEN = 32, MAX_SPLIT = 64, CONTEXT = 3 };

/* How columns line up in a run of units: each column's width, and whether it is padded. */
typedef struct run {
  const lq_node *last;  /* the run's last unit; NULL between runs */
  int width[MAX_COLS];
  bool pad[MAX_COLS];
} run;

typedef struct fmt {
  const char *text;             /* the source */
  uint32_t len;
  lq_buf *out;
  const lq_comment *next;       /* the first comment not printed yet */
  uint32_t last;                /* where the last thing printed ends in the source */
  bool fresh;                   /* at the start of the file or of a block: no blank line */
  int indent;                   /* of the unit being laid out */
  int cur;                      /* of the line being written */
  const lq_node *broken[MAX_BROKEN];  /* list literals laid out over several lines */
  int nbroken;
  lq_buf *line;                 /* the unit being laid out, to see where its lists end */
  const lq_node *over[MAX_BROKEN];    /* its whole lists that end past the width */
  int nover;
  const lq_node *split[MAX_SPLIT];    /* and/or chains laid out one operand a line */
  int nsplit;
  const lq_node *chains[MAX_SPLIT];   /* its whole chains that could be split (see condition) */
  int nchains;
  run run;
} fmt;

/* ---- text ---- */

static void put(lq_buf *b, const char *s) { lq_buf_puts(b, s); }
static void put_str(lq_buf *b, lq_str s) { lq_buf_put(b, s.s, s.n); }
static void spaces(lq_buf *b, int n) {
  while (n-- > 0) lq_buf_putc(b, ' ');
}
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Columns: UTF-8 continuation bytes take none. */
static int width_of(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
  return w;
}

/* The widest line of text when its first line starts at column indent. */
static int max_width(const lq_buf *b, int indent) {
  int widest = 0, w = indent;
  for (size_t i = 0; i < b->len; i++) {
    if (b->data[i] == '\n') {
      if (w > widest) widest = w;
      w = 0;
    } else {
      w += ((unsigned char)b->data[i] & 0xC0) != 0x80;
    }
  }
  return w > widest ? w : widest;
}

/* Text in double quotes, escaping only what must be (and control characters). */
static void put_quoted(lq_buf *b, lq_str s) {
  lq_buf_putc(b, '"');
  for (uint32_t i = 0; i < s.n; i++) {
    unsigned char c = (unsigned char)s.s[i];
    switch (c) {
    case '"': put(b, "\\\""); break;
    case '\\': put(b, "\\\\"); break;
    case '\n': put(b, "\\n"); break;
    case '\t': put(b, "\\t"); break;
    case '\r': put(b, "\\r"); break;
    default:
      if (c < 0x20) {
        char u[8];
        snprintf(u, sizeof u, "\\u%04x", c);
        put(b, u);
      } else {
        lq_buf_putc(b, (char)c);
      }
    }
  }
  lq_buf_putc(b, '"');
}

/* A number the source does not spell out (an index): as short as reads back exactly. */
static void put_double(lq_buf *b, double x) {
  char buf[40];
  if (x == floor(x) && fabs(x) < 1e15) snprintf(buf, sizeof buf, "%.0f", x);
  else if (snprintf(buf, sizeof buf, "%.15g", x), strtod(buf, NULL) != x) snprintf(buf, sizeof buf, "%.17g", x);
  put(b, buf);
}

/* The number written in the source between begin and end (white space dropped,
 * so "- 5" gives "-5"), when it reads back as x; otherwise x printed. */
static void put_number(const fmt *F, lq_buf *b, uint32_t begin, uint32_t end, double x) {
  char buf[64];
  size_t n = 0;
  bool ok = end <= F->len;
  for (uint32_t i = begin; ok && i < end; i++) {
    char c = F->text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    ok = n + 1 < sizeof buf && ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-');
    if (ok) buf[n++] = c;
  }
  buf[n] = '\0';
  char *stop;
  if (ok && n && strtod(buf, &stop) == x && *stop == '\0') put(b, buf);
  else put_double(b, x);
}

/* A comment's text without trailing white space (or the CR of a CRLF line). */
static void put_comment(const fmt *F, const lq_comment *c) {
  uint32_t end = c->span.end;
  while (end > c->span.begin && is_space(F->text[end - 1])) end--;
  lq_buf_put(F->out, F->text + c->span.begin, end - c->span.begin);
}

/* ---- expressions ---- */

/* How tightly each operator binds, loosest first (the grammar's precedence). */
enum { P_WHERE, P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_NEG, P_POSTFIX };

static const struct op {
  const char *text;
  int prec;
} ops[LQ_KIND_COUNT] = {
    [LQ_WHERE] = {"where", P_WHERE},
    [LQ_OR] = {"or", P_OR},
    [LQ_AND] = {"and", P_AND},
    [LQ_NOT] = {"not", P_NOT},
    [LQ_EQ] = {"==", P_CMP},
    [LQ_NE] = {"!=", P_CMP},
    [LQ_LT] = {"<", P_CMP},
    [LQ_LE] = {"<=", P_CMP},
    [LQ_GT] = {">", P_CMP},
    [LQ_GE] = {">=", P_CMP},
    [LQ_IN] = {"in", P_CMP},
    [LQ_NOT_IN] = {"not in", P_CMP},
    [LQ_BETWEEN] = {"between", P_CMP},
    [LQ_CONTAINS] = {"contains", P_CMP},
    [LQ_CONTAINS_ANY] = {"contains any", P_CMP},
    [LQ_STARTS] = {"starts with", P_CMP},
    [LQ_STARTS_ANY] = {"starts with any", P_CMP},
    [LQ_ENDS] = {"ends with", P_CMP},
    [LQ_ENDS_ANY] = {"ends with any", P_CMP},
    [LQ_MATCHES] = {"matches", P_CMP},
    [LQ_MISSING] = {"is missing", P_CMP},
    [LQ_PRESENT] = {"is present", P_CMP},
    [LQ_ADD] = {"+", P_ADD},
    [LQ_SUB] = {"-", P_ADD},
    [LQ_MUL] = {"*", P_MUL},
    [LQ_DIV] = {"/", P_MUL},
    [LQ_NEG] = {"-", P_NEG},
};

static int prec(const lq_node *n) { return ops[n->kind].text ? ops[n->kind].prec : P_POSTFIX; }

static void expr(fmt *F, lq_buf *b, const lq_node *n, int min);

static bool is_broken(const fmt *F, const lq_node *list) {
  for (int i = 0; i < F->nbroken; i++)
    if (F->broken[i] == list) return true;
  return false;
}

static bool is_chain(const lq_node *n) { return n->kind == LQ_OR || n->kind == LQ_AND; }

static bool is_split(const fmt *F, const lq_node *chain) {
  for (int i = 0; i < F->nsplit; i++)
    if (F->split[i] == chain) return true;
  return false;
}

/* Starts a line at column indent. */
static void newline(lq_buf *b, int indent) {
  lq_buf_putc(b, '\n');
  spaces(b, indent);
}

/* The column where b ends, when b is the unit being laid out (its first line
 * starts at the unit's indentation, the others carry theirs). */
static int column(const fmt *F, const lq_buf *b) {
  size_t bol = b->len;
  while (bol > 0 && b->data[bol - 1] != '\n') bol--;
  return width_of(b->data + bol, b->len - bol) + (bol ? 0 : F->indent);
}

/* A chain that may be split on the next try: the unit's condition always (it
 * is split first when the unit is too wide), an operand of a split chain when
 * its line ends past the width. */
static void may_split(fmt *F, const lq_buf *b, const lq_node *n, bool top) {
  if (b == F->line && is_chain(n) && !is_split(F, n) && F->nchains < MAX_SPLIT &&
      (top || column(F, b) > LQ_FMT_WIDTH))
    F->chains[F->nchains++] = n;
}

/* The operands of the chain n of operator op (`a or b or c` is ((a or b) or c)),
 * each on its own line at the current indentation with the operator in front;
 * the first stays where the chain starts when inline_first. */
static void operands(fmt *F, lq_buf *b, const lq_node *n, lq_kind op, bool inline_first, bool top) {
  int p = ops[op].prec;
  if (n->kind == op && (top || !n->parens)) {
    operands(F, b, n->a, op, inline_first, false);
    newline(b, F->cur);
    put(b, ops[op].text);
    lq_buf_putc(b, ' ');
    expr(F, b, n->b, p + 1);
    may_split(F, b, n->b, false);
    return;
  }
  if (!inline_first) newline(b, F->cur);
  expr(F, b, n, p);
  may_split(F, b, n, false);
}

/* A split chain: its operands two columns deeper than the line it starts on.
 * In parentheses, `(` ends that line and `)` starts one at its indentation. */
static void split(fmt *F, lq_buf *b, const lq_node *n, bool parens, bool inline_first) {
  int base = F->cur;
  if (parens) lq_buf_putc(b, '(');
  F->cur = base + INDENT;
  operands(F, b, n, n->kind, inline_first && !parens, true);
  F->cur = base;
  if (parens) {
    newline(b, base);
    lq_buf_putc(b, ')');
  }
}

/* [a, b, c] on one line; or, when broken, `[`, the items filled up to the width
 * one indentation step in, each followed by a comma, and `]` on its own line. */
static void list(fmt *F, lq_buf *b, const lq_node *n) {
  if (!is_broken(F, n)) {
    lq_buf_putc(b, '[');
    for (const lq_node *k = n->kids; k; k = k->next) {
      if (k != n->kids) put(b, ", ");
      expr(F, b, k, P_OR);
    }
    lq_buf_putc(b, ']');
    if (b == F->line && n->kids && F->nover < MAX_BROKEN && column(F, b) > LQ_FMT_WIDTH) F->over[F->nover++] = n;
    return;
  }
  int inner = F->cur + INDENT, col = inner;
  lq_buf item = {0};
  put(b, "[\n");
  spaces(b, inner);
  for (const lq_node *k = n->kids; k; k = k->next) {
    item.len = 0;
    expr(F, &item, k, P_OR);
    int w = width_of(item.data, item.len) + 1;
    if (col > inner && col + 1 + w > LQ_FMT_WIDTH) {
      lq_buf_putc(b, '\n');
      spaces(b, inner);
      col = inner;
    } else if (col > inner) {
      lq_buf_putc(b, ' ');
      col++;
    }
    lq_buf_put(b, item.data, item.len);
    lq_buf_putc(b, ',');
    col += w;
  }
  lq_buf_free(&item);
  newline(b, F->cur);
  lq_buf_putc(b, ']');
}

/* The expression without its own parentheses; operands get theirs from expr. */
static void expr_bare(fmt *F, lq_buf *b, const lq_node *n) {
  const char *op = ops[n->kind].text;
  switch (n->kind) {
  case LQ_NUM: put_number(F, b, n->span.begin, n->span.end, n->num); return;
  case LQ_STR: put_quoted(b, n->str); return;
  case LQ_TRUE: put(b, "true"); return;
  case LQ_FALSE: put(b, "false"); return;
  case LQ_NULL: put(b, "null"); return;
  case LQ_LIST: list(F, b, n); return;
  case LQ_NAME: put_str(b, n->str); return;
  case LQ_FIELD:
    lq_buf_putc(b, '`');
    put_str(b, n->str);
    lq_buf_putc(b, '`');
    return;
  case LQ_GET: {
    bool quoted = n->name_span.begin < F->len && F->text[n->name_span.begin] == '`';
    expr(F, b, n->a, P_POSTFIX);
    put(b, quoted ? ".`" : ".");
    put_str(b, n->str);
    if (quoted) lq_buf_putc(b, '`');
    return;
  }
  case LQ_INDEX:
    expr(F, b, n->a, P_POSTFIX);
    lq_buf_putc(b, '[');
    /* The number as written: accounts[12345678901234567890] looks up those
     * digits, which a double's text would change. */
    if (n->kids) expr(F, b, n->kids, P_OR);
    else put_double(b, n->num);
    lq_buf_putc(b, ']');
    return;
  case LQ_LOOKUP:
    expr(F, b, n->a, P_POSTFIX);
    lq_buf_putc(b, '[');
    for (const lq_node *k = n->kids; k; k = k->next) {
      if (k != n->kids) put(b, ", ");
      expr(F, b, k, P_OR);
    }
    lq_buf_putc(b, ']');
    return;
  case LQ_CALL:
    put_str(b, n->str);
    lq_buf_putc(b, '(');
    for (const lq_node *k = n->kids; k; k = k->next) {
      if (k != n->kids) put(b, ", ");
      expr(F, b, k, P_WHERE);
    }
    lq_buf_putc(b, ')');
    return;
  case LQ_NOT:
    put(b, "not ");
    expr(F, b, n->a, P_NOT);
    return;
  case LQ_NEG:
    lq_buf_putc(b, '-');
    expr(F, b, n->a, P_NEG);
    return;
  case LQ_MISSING:
  case LQ_PRESENT:
    expr(F, b, n->a, P_ADD);
    lq_buf_putc(b, ' ');
    put(b, op);
    return;
  case LQ_BETWEEN:
    expr(F, b, n->a, P_ADD);
    put(b, " between ");
    expr(F, b, n->b, P_ADD);
    put(b, " and ");
    expr(F, b, n->c, P_ADD);
    return;
  default:
    break;
  }
  if (!op) return;  /* not an expression */
  /* Binary: comparisons do not chain, `where` takes whole expressions, the rest
   * associate to the left. */
  int p = ops[n->kind].prec;
  int left = p == P_CMP ? P_ADD : p == P_WHERE ? P_OR : p;
  int right = p == P_CMP ? P_ADD : p == P_WHERE ? P_OR : p + 1;
  expr(F, b, n->a, left);
  lq_buf_putc(b, ' ');
  put(b, op);
  lq_buf_putc(b, ' ');
  expr(F, b, n->b, right);
}

/* Parentheses where the author wrote them, and wherever the grammar needs them. */
static void expr(fmt *F, lq_buf *b, const lq_node *n, int min) {
  bool parens = n->parens || prec(n) < min;
  if (is_split(F, n)) {
    split(F, b, n, parens, true);
    return;
  }
  if (parens) lq_buf_putc(b, '(');
  expr_bare(F, b, n);
  if (parens) lq_buf_putc(b, ')');
}

/* Points: +20 as written, or the computed +(EXPR) / -(EXPR). */
static void points(fmt *F, lq_buf *b, const lq_node *a) {
  if (a->parens || a->kind == LQ_NEG) {
    const lq_node *inner = a->parens ? a : a->a;
    put(b, a->parens ? "+(" : "-(");
    expr_bare(F, b, inner);
    lq_buf_putc(b, ')');
    return;
  }
  size_t at = b->len;
  put_number(F, b, a->span.begin, a->span.end, a->num);
  if (b->data[at] != '+' && b->data[at] != '-') {  /* printed from the value */
    b->len = at;
    lq_buf_putc(b, a->num < 0 ? '-' : '+');
    put_double(b, fabs(a->num));
  }
}

/* ---- units ---- */

/* The aligned columns of a unit into c (emptied first); returns how many. */
static int cells(fmt *F, const lq_node *n, lq_buf c[MAX_COLS]) {
  for (int j = 0; j < MAX_COLS; j++) c[j].len = 0;
  switch (n->kind) {
  case LQ_TEAM:
  case LQ_LISTDECL:
  case LQ_DEFINE:
  case LQ_TABLE:
    put_str(&c[0], n->str);
    return 1;
  case LQ_STAGE:
  case LQ_REJECT:
  case LQ_ROUTE:
    if (n->kind == LQ_STAGE) put_str(&c[0], n->str);
    else put_quoted(&c[0], n->a->str);
    if (n->owner) {
      put(&c[1], "by ");
      put_str(&c[1], n->owner->str);
    }
    return 2;
  case LQ_POINTS:
    points(F, &c[0], n->a);
    put_quoted(&c[1], n->b->str);
    return 2;
  case LQ_ARM:
    put_quoted(&c[0], n->a->str);
    return 1;
  default:
    return 0;
  }
}

/* A run: consecutive units of one kind with no blank line between them. Every
 * column is padded to the run's widest in blocks (points, labels; computed
 * points +(EXPR) do not count, they push their own line's label along); among
 * declarations only the columns up to the first whose widths differ are, so
 * the word after it lines up and the rest follow with one space. */
static bool blank_between(const fmt *F, uint32_t a, uint32_t b);

static void start_run(fmt *F, const lq_node *n, bool pad_all) {
  run *R = &F->run;
  lq_buf c[MAX_COLS] = {{0}};
  int lo[MAX_COLS], hi[MAX_COLS], ncols = 0;
  for (int j = 0; j < MAX_COLS; j++) lo[j] = INT_MAX, hi[j] = 0;
  F->nbroken = 0;
  for (const lq_node *m = n;; m = m->next) {
    ncols = cells(F, m, c);
    for (int j = 0; j < ncols; j++) {
      if (m->kind == LQ_POINTS && j == 0 && (m->a->parens || m->a->kind == LQ_NEG)) continue;
      int w = width_of(c[j].data, c[j].len);
      if (w < lo[j]) lo[j] = w;
      if (w > hi[j]) hi[j] = w;
    }
    R->last = m;
    const lq_node *next = m->next;
    if (!ncols || !next || next->kind != m->kind || blank_between(F, m->span.end, next->span.begin)) break;
  }
  int first_varying = -1;
  for (int j = 0; j < MAX_COLS; j++) {
    R->width[j] = j < ncols ? hi[j] : 0;
    if (j < ncols && lo[j] != hi[j] && first_varying < 0) first_varying = j;
  }
  for (int j = 0; j < MAX_COLS; j++) R->pad[j] = j < ncols && (pad_all || j <= first_varying);
  for (int j = 0; j < MAX_COLS; j++) lq_buf_free(&c[j]);
}

/* A unit's condition: a define's expression, what follows `when`, a per rule's
 * `where`. Split, it keeps its first operand where it starts (see split). */
static void condition(fmt *F, lq_buf *b, const lq_node *cond) {
  expr(F, b, cond, P_OR);
  may_split(F, b, cond, true);
}

/* What follows `by TEAM` or the `per` list: `when COND`, or `otherwise`. */
static void when(fmt *F, lq_buf *b, const lq_node *cond, bool otherwise) {
  if (otherwise) {
    put(b, "otherwise");
    return;
  }
  put(b, "when ");
  condition(F, b, cond);
}

/* The source offset right after the `{` that opens a block whose header ends at from. */
static uint32_t brace_end(const fmt *F, uint32_t from) {
  uint32_t i = from;
  while (i < F->len && F->text[i] != '{') {
    if (F->text[i] == '#')
      while (i < F->len && F->text[i] != '\n') i++;
    else i++;
  }
  return i < F->len ? i + 1 : from;
}

/* A test's lead: the JSON as written; its continuation lines move with the
 * `lead` line, so they keep their place relative to the `{`. */
static void lead_json(fmt *F, lq_buf *b, const lq_node *n) {
  uint32_t line = n->span.begin;
  while (line > 0 && F->text[line - 1] != '\n') line--;
  int delta = F->indent + 5 - width_of(F->text + line, n->span.begin - line);
  bool in_text = false;
  put(b, "lead ");
  for (uint32_t i = n->span.begin; i < n->span.end; i++) {
    char c = F->text[i];
    if (in_text) {
      lq_buf_putc(b, c);
      if (c == '\\' && i + 1 < n->span.end) lq_buf_putc(b, F->text[++i]);
      else if (c == '"') in_text = false;
      continue;
    }
    if (c == '\r') continue;
    if (c != '\n') {
      in_text = c == '"';
      lq_buf_putc(b, c);
      continue;
    }
    while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t')) b->len--;
    lq_buf_putc(b, '\n');
    int lead_ws = 0;
    while (i + 1 < n->span.end && (F->text[i + 1] == ' ' || F->text[i + 1] == '\t')) i++, lead_ws++;
    if (i + 1 < n->span.end && F->text[i + 1] != '\n' && F->text[i + 1] != '\r') spaces(b, lead_ws + delta);
  }
}

/* One unit's text, without indentation or comments. */
static void render(fmt *F, lq_buf *b, const lq_node *n) {
  static const char *const keyword[LQ_KIND_COUNT] = {
      [LQ_TEAM] = "team ",     [LQ_LISTDECL] = "list ", [LQ_DEFINE] = "define ",
      [LQ_REJECT] = "reject ", [LQ_STAGE] = "stage ",   [LQ_ROUTE] = "route ",
      [LQ_TABLE] = "table ",
  };
  lq_buf c[MAX_COLS] = {{0}};
  int ncols = cells(F, n, c);
  if (keyword[n->kind]) put(b, keyword[n->kind]);
  for (int j = 0; j < ncols; j++) {
    const run *R = &F->run;
    if (R->pad[j] && R->width[j] > 0) {
      lq_buf_put(b, c[j].data, c[j].len);
      int pad = R->width[j] - width_of(c[j].data, c[j].len);  /* computed points overflow */
      spaces(b, pad > 0 ? pad + 1 : 1);
    } else if (c[j].len) {
      lq_buf_put(b, c[j].data, c[j].len);
      lq_buf_putc(b, ' ');
    }
  }
  for (int j = 0; j < MAX_COLS; j++) lq_buf_free(&c[j]);

  switch (n->kind) {
  case LQ_RULESET:
    put(b, "ruleset ");
    put_quoted(b, n->str);
    put(b, " version ");
    put_quoted(b, n->b->str);
    break;
  case LQ_TEAM: put_quoted(b, n->a->str); break;
  case LQ_INCLUDE:
    put(b, "include ");
    put_quoted(b, n->a->str);
    break;
  case LQ_LISTDECL:
  case LQ_DEFINE:
    if (is_split(F, n->a) && !n->a->parens) {  /* the operands start on the next line */
      put(b, "=");
      split(F, b, n->a, false, false);
      break;
    }
    put(b, "= ");
    condition(F, b, n->a);
    break;
  case LQ_TABLE:
    put(b, "= ");
    put_quoted(b, n->a->str);
    for (const lq_node *k = n->kids; k; k = k->next) {
      put(b, k == n->kids ? " key " : ", ");
      expr(F, b, k, P_OR);
    }
    break;
  case LQ_ROUTE:
    if (n->c) {
      put(b, "to ");
      expr(F, b, n->c, P_OR);
      lq_buf_putc(b, ' ');
    }
    when(F, b, n->b, n->otherwise);
    break;
  case LQ_REJECT:
  case LQ_STAGE: when(F, b, n->b, n->otherwise); break;
  case LQ_ARM: when(F, b, n->b, n->otherwise); break;
  case LQ_POINTS:
    if (!n->per) {
      when(F, b, n->c, false);
      break;
    }
    put(b, "per ");
    expr(F, b, n->c->kind == LQ_WHERE ? n->c->a : n->c, P_OR);
    if (n->c->kind == LQ_WHERE) {
      put(b, " where ");
      condition(F, b, n->c->b);
    }
    if (n->d) {
      put(b, " up to ");
      put_number(F, b, n->d->span.begin, n->d->span.end, n->d->num);
    }
    break;
  case LQ_CAP:
    put(b, "up to ");
    put_number(F, b, n->name_span.begin, n->name_span.end, n->num);
    break;
  case LQ_DECAY:
    put(b, "decay ");
    put_number(F, b, n->name_span.begin, n->name_span.end, n->num);
    put(b, "% every ");
    put_number(F, b, n->a->span.begin, n->a->span.end, n->a->num);
    put(b, " days since ");
    expr(F, b, n->b, P_OR);
    break;
  case LQ_TEST_NOW:
    put(b, "now ");
    put_quoted(b, n->a->str);
    break;
  case LQ_TEST_LEAD: lead_json(F, b, n); break;
  case LQ_EXPECT:
    put(b, "expect");
    for (const lq_node *w = n->kids; w; w = w->next) {
      lq_buf_putc(b, ' ');
      if (w->kind == LQ_STR) put_quoted(b, w->str);
      else if (w->kind == LQ_NUM) put_number(F, b, w->span.begin, w->span.end, w->num);
      else if (w->kind == LQ_NOT_WORD) put(b, "not");
      else put_str(b, w->str);
    }
    break;
  case LQ_SCORE:
  case LQ_GRADE:
    put(b, n->kind == LQ_SCORE ? "score " : "grade ");
    put_str(b, n->str);
    if (n->owner) {
      put(b, " by ");
      put_str(b, n->owner->str);
    }
    put(b, " {");
    break;
  case LQ_TEST:
    put(b, "test ");
    put_quoted(b, n->a->str);
    put(b, " {");
    break;
  default: break;
  }
}

/* Renders a unit into line. While a line is too wide: splits its condition at
 * its top-level and/or operators, then any operand that is an and/or chain (of
 * the other operator, or in parentheses) whose line is still too wide; when no
 * chain is left to split, breaks the widest list that ends past the width (a
 * list that ends before it would not help). Only the tree decides, never the
 * source's line breaks, so the result is the same every time. */
static void lay_out(fmt *F, lq_buf *line, const lq_node *n) {
  F->nbroken = 0;
  F->nsplit = 0;
  for (;;) {
    line->len = 0;
    F->line = line;
    F->cur = F->indent;
    F->nover = 0;
    F->nchains = 0;
    render(F, line, n);
    F->line = NULL;
    if (max_width(line, F->indent) <= LQ_FMT_WIDTH) return;
    if (F->nchains && F->nsplit < MAX_SPLIT) {
      for (int i = 0; i < F->nchains && F->nsplit < MAX_SPLIT; i++) F->split[F->nsplit++] = F->chains[i];
      continue;
    }
    if (F->nbroken == MAX_BROKEN || !F->nover) return;
    const lq_node *best = NULL;
    int best_width = 0;
    for (int i = 0; i < F->nover; i++) {
      lq_buf flat = {0};
      list(F, &flat, F->over[i]);
      int w = width_of(flat.data, flat.len);
      lq_buf_free(&flat);
      if (w > best_width) best = F->over[i], best_width = w;
    }
    F->broken[F->nbroken++] = best;
  }
}

/* ---- comments and blank lines ---- */

/* Whether the source has an empty line between a and b. */
static bool blank_between(const fmt *F, uint32_t a, uint32_t b) {
  bool newline = false;
  for (uint32_t i = a; i < b && i < F->len; i++) {
    char c = F->text[i];
    if (c == '\n') {
      if (newline) return true;
      newline = true;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      newline = false;
    }
  }
  return false;
}

static void blank_line(fmt *F, uint32_t begin) {
  if (!F->fresh && blank_between(F, F->last, begin)) lq_buf_putc(F->out, '\n');
}

/* Comments on their own lines before offset before, at the current indentation. */
static void comments_before(fmt *F, uint32_t before, bool keep_blank_lines) {
  while (F->next && F->next->span.begin < before) {
    const lq_comment *c = F->next;
    if (keep_blank_lines) blank_line(F, c->span.begin);
    spaces(F->out, F->indent);
    put_comment(F, c);
    lq_buf_putc(F->out, '\n');
    F->last = c->span.end;
    F->fresh = false;
    F->next = c->next;
  }
}

/* Ends a unit's last line, with the comment that follows it on the same line. */
static void end_line(fmt *F, uint32_t end) {
  const lq_comment *c = F->next;
  F->last = end;
  if (c && c->span.begin >= end && !memchr(F->text + end, '\n', c->span.begin - end)) {
    lq_buf_putc(F->out, ' ');
    put_comment(F, c);
    F->last = c->span.end;
    F->next = c->next;
  }
  lq_buf_putc(F->out, '\n');
  F->fresh = false;
}

/* Prints a unit found at [begin, end) in the source, with its comments. */
static void emit(fmt *F, uint32_t begin, uint32_t end, const lq_buf *text) {
  comments_before(F, begin, true);
  blank_line(F, begin);
  comments_before(F, end, false);  /* inside the unit: moved above it */
  spaces(F->out, F->indent);
  lq_buf_put(F->out, text->data, text->len);
  end_line(F, end);
}

static void block(fmt *F, const lq_node *d, lq_buf *line) {
  uint32_t header_end = d->kind == LQ_TEST ? d->name_span.end : d->owner ? d->owner->span.end : d->name_span.end;
  line->len = 0;
  F->indent = F->cur = 0;
  F->nsplit = F->nbroken = 0;
  render(F, line, d);
  emit(F, d->span.begin, brace_end(F, header_end), line);
  F->fresh = true;
  F->indent = INDENT;
  F->run.last = NULL;
  for (const lq_node *k = d->kids; k; k = k->next) {
    uint32_t begin = k->span.begin;
    if (k->kind == LQ_TEST_LEAD) {  /* the span starts at the `{`; the unit at `lead` */
      while (begin > 0 && is_space(F->text[begin - 1])) begin--;
      begin = begin >= 4 ? begin - 4 : 0;
    }
    if (!F->run.last) start_run(F, k, true);
    lay_out(F, line, k);
    emit(F, begin, k->span.end, line);
    if (F->run.last == k) F->run.last = NULL;
  }
  comments_before(F, d->span.end - 1, true);
  F->indent = 0;
  lq_buf_putc(F->out, '}');
  end_line(F, d->span.end);
  F->run.last = NULL;
}

static void layout(fmt *F, const lq_node *decls) {
  lq_buf line = {0};
  F->fresh = true;
  for (const lq_node *d = decls; d; d = d->next) {
    F->indent = 0;
    if (d->kind == LQ_SCORE || d->kind == LQ_GRADE || d->kind == LQ_TEST) {
      block(F, d, &line);
      continue;
    }
    if (!F->run.last) start_run(F, d, false);
    lay_out(F, &line, d);
    emit(F, d->span.begin, d->span.end, &line);
    if (F->run.last == d) F->run.last = NULL;
  }
  F->indent = 0;
  comments_before(F, UINT32_MAX, true);
  lq_buf_free(&line);
}

/* ---- the safety net: the result must read back as the same tree and comments ---- */

/* JSON texts equal but for white space outside strings. */
static bool same_json(lq_str x, lq_str y) {
  uint32_t i = 0, j = 0;
  bool in_text = false;
  for (;;) {
    if (!in_text) {
      while (i < x.n && is_space(x.s[i])) i++;
      while (j < y.n && is_space(y.s[j])) j++;
    }
    if (i == x.n || j == y.n) return i == x.n && j == y.n;
    if (x.s[i] != y.s[j]) return false;
    if (in_text && x.s[i] == '\\' && i + 1 < x.n && j + 1 < y.n) {
      if (x.s[++i] != y.s[++j]) return false;
    } else if (x.s[i] == '"') {
      in_text = !in_text;
    }
    i++, j++;
  }
}

static bool same_str(lq_str x, lq_str y) { return x.n == y.n && (!x.n || !memcmp(x.s, y.s, x.n)); }

static lq_str owner_of(const lq_node *n) { return n->owner ? n->owner->str : (lq_str){0}; }

static bool same_tree(const lq_node *x, const lq_node *y) {
  if (!x || !y) return x == y;
  if (x->kind != y->kind || x->per != y->per || x->otherwise != y->otherwise ||
      !same_str(owner_of(x), owner_of(y)))
    return false;
  if (x->kind == LQ_TEST_LEAD ? !same_json(x->str, y->str) : !same_str(x->str, y->str)) return false;
  if (x->num != y->num && !(isnan(x->num) && isnan(y->num))) return false;
  if (!same_tree(x->a, y->a) || !same_tree(x->b, y->b) || !same_tree(x->c, y->c) || !same_tree(x->d, y->d))
    return false;
  const lq_node *kx = x->kids, *ky = y->kids;
  for (; kx && ky; kx = kx->next, ky = ky->next)
    if (!same_tree(kx, ky)) return false;
  return !kx && !ky;
}

static lq_str comment_text(const char *text, const lq_comment *c) {
  uint32_t end = c->span.end;
  while (end > c->span.begin && is_space(text[end - 1])) end--;
  return (lq_str){text + c->span.begin, end - c->span.begin};
}

static bool reads_back(const lq_sources *src, uint32_t file, const lq_node *decls, const lq_comment *comments,
                       const char *text, size_t len) {
  lq_sources again;
  lq_diags d;
  lq_arena arena;
  lq_sources_init(&again);
  lq_diags_init(&d);
  lq_arena_init(&arena, 1 << 16);
  char *copy = malloc(len + 1);
  if (!copy) abort();
  memcpy(copy, text, len);
  copy[len] = '\0';
  uint32_t f = lq_sources_add(&again, src->files[file].path, copy, len);
  lq_comment *comments2 = NULL;
  const lq_node *decls2 = lq_parse_file(&arena, &again, &d, f, &comments2);
  bool same = d.errors == 0;
  for (const lq_node *x = decls, *y = decls2; same && (x || y); x = x->next, y = y->next)
    same = x && y && same_tree(x, y);
  const lq_comment *c1 = comments, *c2 = comments2;
  for (; same && c1 && c2; c1 = c1->next, c2 = c2->next)
    same = same_str(comment_text(src->files[file].text, c1), comment_text(again.files[f].text, c2));
  same = same && !c1 && !c2;
  lq_arena_free(&arena);
  lq_diags_free(&d);
  lq_sources_free(&again);
  return same;
}

bool lq_fmt(lq_sources *src, uint32_t file, lq_diags *diags, lq_buf *out) {
  lq_arena arena;
  lq_arena_init(&arena, 1 << 16);
  lq_comment *comments = NULL;
  size_t errors = diags->errors;
  const lq_node *decls = lq_parse_file(&arena, src, diags, file, &comments);
  bool ok = diags->errors == errors;
  if (ok) {
    size_t start = out->len;
    fmt F = {.text = src->files[file].text, .len = (uint32_t)src->files[file].len, .out = out, .next = comments};
    layout(&F, decls);
    ok = reads_back(src, file, decls, comments, out->data ? out->data + start : "", out->len - start);
    if (!ok) {
      out->len = start;
      lq_diag_error(diags, (lq_span){0, 0, file},
                    "fmt could not lay this file out without changing what it says; it is left as it is");
      lq_diag_note(diags, "this is a bug in leadq fmt; please report it with the file");
    }
  }
  lq_arena_free(&arena);
  return ok;
}

/* ---- diff ---- */

typedef struct diff_line { const char *s; size_t n; } diff_line;  /* n counts the '\n' */
enum { KEEP, DEL, ADD };
typedef struct edit { char op; int a, b; } edit;  /* the lines before it in old and new */

static diff_line *split_lines(const char *s, size_t len, int *count) {
  int n = 0;
  for (size_t i = 0; i < len; i++) n += s[i] == '\n';
  if (len && s[len - 1] != '\n') n++;
  diff_line *lines = malloc(((size_t)n + 1) * sizeof *lines);
  if (!lines) abort();
  int k = 0;
  for (size_t i = 0; i < len;) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - s) + 1 : len;
    lines[k++] = (diff_line){s + i, end - i};
    i = end;
  }
  *count = n;
  return lines;
}

static bool same_line(diff_line x, diff_line y) { return x.n == y.n && !memcmp(x.s, y.s, x.n); }

/* Myers' O((N+M)D) shortest edit script, as a list of edits in order. */
static edit *shortest_edit(const diff_line *a, int n, const diff_line *b, int m, int *nedits) {
  int max = n + m, off = max + 1;
  int *v = calloc((size_t)(2 * max + 3), sizeof *v);
  int **trace = calloc((size_t)max + 1, sizeof *trace);
  if (!v || !trace) abort();
  int depth = 0;
  for (int d = 0; d <= max; d++) {
    bool done = false;
    for (int k = -d; k <= d && !done; k += 2) {
      int x = k == -d || (k != d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && same_line(a[x], b[y])) x++, y++;
      v[off + k] = x;
      done = x >= n && y >= m;
    }
    trace[d] = malloc((size_t)(2 * d + 1) * sizeof **trace);
    if (!trace[d]) abort();
    memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof *v);
    depth = d;
    if (done) break;
  }
  edit *e = malloc(((size_t)max + 1) * sizeof *e);
  if (!e) abort();
  int ne = 0, x = n, y = m;
  for (int d = depth; d > 0; d--) {
    const int *prev = trace[d - 1];  /* index k + d - 1 */
    int k = x - y;
    bool down = k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]);
    int pk = down ? k + 1 : k - 1, px = prev[pk + d - 1], py = px - pk;
    while (x > px && y > py) x--, y--, e[ne++] = (edit){KEEP, x, y};
    if (down) y--, e[ne++] = (edit){ADD, x, y};
    else x--, e[ne++] = (edit){DEL, x, y};
  }
  while (x > 0 && y > 0) x--, y--, e[ne++] = (edit){KEEP, x, y};
  for (int i = 0; i < ne / 2; i++) {
    edit t = e[i];
    e[i] = e[ne - 1 - i];
    e[ne - 1 - i] = t;
  }
  for (int d = 0; d <= depth; d++) free(trace[d]);
  free(trace);
  free(v);
  *nedits = ne;
  return e;
}

static void range(lq_buf *out, char sign, int start, int count) {
  char buf[48];
  if (count == 1) snprintf(buf, sizeof buf, "%c%d", sign, start + 1);
  else snprintf(buf, sizeof buf, "%c%d,%d", sign, count ? start + 1 : start, count);
  put(out, buf);
}

static void diff_text(lq_buf *out, char sign, diff_line l) {
  lq_buf_putc(out, sign);
  lq_buf_put(out, l.s, l.n);
  if (!l.n || l.s[l.n - 1] != '\n') put(out, "\n\\ No newline at end of file\n");
}

bool lq_fmt_diff(lq_buf *out, const char *path, const char *old, size_t oldlen, const char *new,
                 size_t newlen) {
  if (oldlen == newlen && !memcmp(old, new, oldlen)) return false;
  int n, m, ne;
  diff_line *a = split_lines(old, oldlen, &n), *b = split_lines(new, newlen, &m);
  edit *e = shortest_edit(a, n, b, m, &ne);
  put(out, "--- a/");
  put(out, path);
  put(out, "\n+++ b/");
  put(out, path);
  lq_buf_putc(out, '\n');
  for (int i = 0; i < ne;) {
    int first = i;
    while (first < ne && e[first].op == KEEP) first++;
    if (first == ne) break;
    /* A hunk: changes closer than twice the context are one hunk. */
    int end = first;
    for (;;) {
      while (end < ne && e[end].op != KEEP) end++;
      int keep = end;
      while (keep < ne && e[keep].op == KEEP) keep++;
      if (keep < ne && keep - end <= 2 * CONTEXT) end = keep;
      else break;
    }
    int start = first - CONTEXT > i ? first - CONTEXT : i;
    end = end + CONTEXT < ne ? end + CONTEXT : ne;
    int na = 0, nb = 0;
    for (int j = start; j < end; j++) na += e[j].op != ADD, nb += e[j].op != DEL;
    put(out, "@@ ");
    range(out, '-', e[start].a, na);
    lq_buf_putc(out, ' ');
    range(out, '+', e[start].b, nb);
    put(out, " @@\n");
    for (int j = start; j < end; j++) {
      if (e[j].op == KEEP) diff_text(out, ' ', a[e[j].a]);
      else if (e[j].op == DEL) diff_text(out, '-', a[e[j].a]);
      else diff_text(out, '+', b[e[j].b]);
    }
    i = end;
  }
  free(e);
  free(a);
  free(b);
  return true;
}
