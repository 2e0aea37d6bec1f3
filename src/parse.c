/* parse.c: runs the lexer and parser over a file and splices includes in place. */
#include "parse.h"

#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "leadq.tab.h"

typedef void *yyscan_t;
int lq_yylex_init_extra(struct lq_parse_ctx *extra, yyscan_t *scanner);
int lq_yylex_destroy(yyscan_t scanner);
void *lq_yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);

enum { MAX_INCLUDE_DEPTH = 32, MAX_FILES = 1000 };
#define MAX_FILES_TEXT "1,000"
/* Tables hold data, not rules: a million rows are about 40 MB. Spans are
 * 32-bit offsets, so a table stays under 4 GB; 2 GB leaves room to spare. */
#define MAX_TABLE_BYTES (((size_t)1 << 31) - 1)
#define MAX_TABLE_TEXT "2 GB (2,147,483,647 bytes)"
#define MAX_EXPR_DEPTH_TEXT "1,000"
_Static_assert(LQ_MAX_EXPR_DEPTH == 1000, "MAX_EXPR_DEPTH_TEXT spells LQ_MAX_EXPR_DEPTH for messages");

/* ---- the expression depth limit ---- */

/* One node being walked: which child comes next, and the height so far. */
typedef struct walk_frame {
  lq_node *n;
  int next;                /* 0-3: a, b, c, d; 4: the first kid; 5: the kid after *slot */
  lq_node **slot;          /* where the child being walked hangs */
  int height;              /* 1 + the tallest child walked */
} walk_frame;

/* ast.h lists the expression kinds first, the declarations from RULESET on. */
static bool is_expr(const lq_node *n) { return n->kind < LQ_RULESET; }

/* Moves f->slot to n's next child; false when all have been walked. */
static bool next_child(walk_frame *f) {
  lq_node *n = f->n;
  lq_node **slots[4] = {&n->a, &n->b, &n->c, &n->d};
  while (f->next < 4) {
    f->slot = slots[f->next++];
    if (*f->slot) return true;
  }
  f->slot = f->next == 4 ? &n->kids : &(*f->slot)->next;
  f->next = 5;
  return *f->slot != NULL;
}

/* Where an expression got too deep: after the operand, for a postfix operator
 * (`x.f`, `x[0]`, `x is missing`); otherwise at the start of its last operand,
 * e.g. the term of a long `and` chain that takes it past the limit. */
static uint32_t deep_point(const lq_parse_ctx *ctx, const lq_node *n) {
  const lq_node *kids[4] = {n->a, n->b, n->c, n->d}, *last = NULL;
  int count = 0;
  for (int i = 0; i < 4; i++)
    if (kids[i]) { count++; if (!last || kids[i]->span.begin > last->span.begin) last = kids[i]; }
  for (const lq_node *k = n->kids; k; k = k->next) { count++; if (!last || k->span.begin > last->span.begin) last = k; }
  if (!last) return n->span.begin;
  if (count > 1 || last->span.begin > n->span.begin) return last->span.begin;
  uint32_t at = last->span.end;
  while (at < n->span.end && strchr(" \t\r\n", ctx->text[at])) at++;
  return at;
}

/* Walks a declaration without recursion (it may be a chain of 100,000 `and`s)
 * and keeps every expression within LQ_MAX_EXPR_DEPTH: an operand that would
 * make its operator one level too deep is reported, once per declaration, and
 * replaced by a plain field, so the checker can still look at the rest and
 * nothing after the parser recurses deeper than the limit. */
static void limit_depth(lq_parse_ctx *ctx, lq_node *decl) {
  size_t n = 0, cap = 64;
  walk_frame *st = malloc(cap * sizeof *st);
  if (!st) abort();
  st[n++] = (walk_frame){decl, 0, NULL, 1};
  bool reported = false;
  while (n) {
    walk_frame *f = &st[n - 1];
    if (next_child(f)) {
      lq_node *child = *f->slot;   /* f moves if st grows */
      if (n == cap && !(st = realloc(st, (cap *= 2) * sizeof *st))) abort();
      st[n++] = (walk_frame){child, 0, NULL, 1};
      continue;
    }
    int h = f->height;
    if (--n == 0) break;
    walk_frame *parent = &st[n - 1];
    if (h >= LQ_MAX_EXPR_DEPTH && is_expr(parent->n)) {
      if (!reported) {
        uint32_t at = deep_point(ctx, parent->n);
        lq_diag_error(ctx->diags, (lq_span){at, at, ctx->file},
                      "expression nested more than %s deep; split it with a define", MAX_EXPR_DEPTH_TEXT);
        reported = true;
      }
      lq_node *old = *parent->slot;
      lq_node *stub = lq_ast_str(ctx->arena, LQ_FIELD, old->span, (lq_str){"", 0});
      stub->next = old->next;
      *parent->slot = stub;
      h = 1;
    }
    if (h + 1 > parent->height) parent->height = h + 1;
  }
  free(st);
}

lq_node *lq_parse_file(lq_arena *arena, lq_sources *src, lq_diags *diags, uint32_t file,
                       lq_comment **comments) {
  lq_parse_ctx ctx = {0};
  ctx.arena = arena;
  ctx.diags = diags;
  ctx.sources = src;
  ctx.file = file;
  ctx.text = src->files[file].text;
  ctx.len = src->files[file].len;
  if (ctx.len > INT_MAX / 2) {
    lq_diag_error(diags, (lq_span){0, 0, file}, "this rules file is too large (over 1 GB)");
    return NULL;
  }
  /* Positions count LF lines, as every reader of leadq does: a CR alone would
   * end a line for some editors and not for others (and ended none for the
   * lexer, which read the rest of the line into a comment). Once per file. */
  for (const char *p = ctx.text, *end = ctx.text + ctx.len; (p = memchr(p, '\r', (size_t)(end - p))); p++) {
    if (p + 1 < end && p[1] == '\n') continue;
    uint32_t at = (uint32_t)(p - ctx.text);
    lq_diag_error(diags, (lq_span){at, at + 1, file},
                  "a carriage return (CR) alone is not a line end; save the file with LF or CRLF line ends");
    break;
  }
  yyscan_t scanner;
  if (lq_yylex_init_extra(&ctx, &scanner)) abort();
  /* Editors on Windows start files with a UTF-8 byte order mark; skip it. */
  uint32_t bom = ctx.len >= 3 && !memcmp(ctx.text, "\xEF\xBB\xBF", 3) ? 3 : 0;
  ctx.off = bom;
  lq_yy_scan_bytes(ctx.text + bom, (int)(ctx.len - bom), scanner);
  lq_yyparse(scanner, &ctx);
  lq_yylex_destroy(scanner);
  /* Every node's span is wider than each of its children's (an operator adds
   * at least one byte of source), so a declaration shorter than the limit in
   * bytes cannot nest that deep: only longer ones are walked. */
  for (lq_node *d = ctx.decls.head; d; d = d->next)
    if (d->span.end - d->span.begin >= LQ_MAX_EXPR_DEPTH) limit_depth(&ctx, d);
  if (comments) *comments = ctx.comments;
  return ctx.decls.head;
}

/* The stack of files being read, to refuse an include cycle, and every rules
 * file read so far: each is read once, however many files include it, so the
 * work is bounded by the files' total size (a chain of files each including
 * the next twice would otherwise read the last one 2^depth times). */
typedef struct loader {
  lq_arena *arena;
  lq_sources *src;
  lq_diags *diags;
  const lq_file_reader *reader;
  const char *stack[MAX_INCLUDE_DEPTH];
  int depth;
  char **seen;             /* identities (realpath, or the normalised path) of the files read */
  size_t nseen, cap;
  size_t bytes;            /* rules text read so far, every file counted once */
  bool over;               /* a total limit was reported: read nothing more */
} loader;

static void remember(loader *L, char *real, size_t len) {
  if (L->nseen == L->cap && !(L->seen = realloc(L->seen, (L->cap = L->cap ? L->cap * 2 : 16) * sizeof *L->seen)))
    abort();
  L->seen[L->nseen++] = real;
  L->bytes += len;
}

static bool seen(const loader *L, const char *real) {
  for (size_t i = 0; i < L->nseen; i++)
    if (!strcmp(L->seen[i], real)) return true;
  return false;
}

static lq_node *expand(loader *L, uint32_t file);

static char *resolve_path(const char *including, const char *path) {
  if (path[0] == '/' || !strchr(including, '/')) return strdup(path);
  const char *slash = strrchr(including, '/');
  size_t dir = (size_t)(slash - including) + 1;
  char *out = malloc(dir + strlen(path) + 1);
  if (!out) abort();
  memcpy(out, including, dir);
  strcpy(out + dir, path);
  return out;
}

/* a/./b/../c as a/c: the identity of a file read through a reader, which has
 * no realpath. Leading ".." parts stay. */
static char *normalize(const char *path) {
  char *out = malloc(strlen(path) + 2);
  if (!out) abort();
  size_t o = 0, keep = 0;   /* out[0..keep) is leading ".." parts, never dropped */
  for (const char *p = path; *p;) {
    while (*p == '/') p++;
    size_t n = strcspn(p, "/");
    if (!n) break;
    bool dots = n == 2 && p[0] == '.' && p[1] == '.';
    if (n == 1 && p[0] == '.') {
      /* this folder: nothing to add */
    } else if (dots && o > keep) {
      while (o > keep && out[o - 1] != '/') o--;
      if (o > keep) o--;
    } else {
      if (o > 0 || path[0] == '/') out[o++] = '/';
      memcpy(out + o, p, n);
      o += n;
      if (dots) keep = o;
    }
    p += n;
  }
  if (o == 0) out[o++] = path[0] == '/' ? '/' : '.';
  out[o] = '\0';
  return out;
}

/* Reads at most max bytes of a file; NULL with e filled (sys EFBIG when over). */
static char *read_source(const loader *L, const char *path, size_t max, size_t *len, lq_error *e) {
  if (!L->reader) return lq_read_file_max(path, max, len, e);
  char *text = L->reader->read(L->reader->ctx, path, len);
  int sys = text ? EFBIG : errno;
  if (text && *len <= max) return text;
  lq_mem_free(text);
  lq_error_sys(e, sys, "cannot read '%s': %s", path, lq_read_strerror(sys));
  return NULL;
}

static lq_node *include(loader *L, lq_node *inc) {
  const char *from = L->src->files[inc->span.file].path;
  char *path = resolve_path(from, inc->a->str.s);
  char *real = L->reader ? normalize(path) : realpath(path, NULL);
  lq_node *out = NULL;
  for (int i = 0; real && i < L->depth; i++) {
    if (strcmp(L->stack[i], real) == 0) {
      lq_diag_error(L->diags, inc->a->span, "'%s' includes itself (through %d file%s); remove one of the includes",
                    inc->a->str.s, L->depth - i, L->depth - i == 1 ? "" : "s");
      goto done;
    }
  }
  /* Already read through another include: its declarations are in already. */
  if (real && seen(L, real)) goto done;
  if (L->over) goto done;
  if (L->depth == MAX_INCLUDE_DEPTH) {
    lq_diag_error(L->diags, inc->a->span, "includes are nested more than %d deep", MAX_INCLUDE_DEPTH);
    goto done;
  }
  if (L->nseen >= MAX_FILES) {
    lq_diag_error(L->diags, inc->a->span, "more than %s rules files; a program reads at most %s, includes and all",
                  MAX_FILES_TEXT, MAX_FILES_TEXT);
    lq_diag_note(L->diags, "put the declarations of small files together in fewer, larger files");
    L->over = true;
    goto done;
  }
  size_t len;
  size_t left = L->bytes < LQ_MAX_RULES_BYTES ? LQ_MAX_RULES_BYTES - L->bytes : 0;
  lq_error e;
  char *text = NULL;
  if (real) text = read_source(L, real, left, &len, &e);
  else lq_error_sys(&e, errno, "cannot read '%s': %s", path, lq_read_strerror(errno));   /* realpath's errno */
  if (!text && real && e.sys == EFBIG) {
    lq_diag_error(L->diags, inc->a->span, "cannot read '%s': with the files read before it, the rules are larger than "
                  LQ_MAX_RULES_TEXT ", the most a program reads", path);
    L->over = true;
    goto done;
  }
  if (!text) {
    int err = e.sys;
    lq_diag_error(L->diags, inc->a->span, "cannot read '%s': %s", path, lq_read_strerror(err));
    if (err == ENOENT) lq_diag_note(L->diags, "include paths are relative to the file that includes them");
    goto done;
  }
  uint32_t file = lq_sources_add(L->src, path, text, len);
  remember(L, real, len);
  L->stack[L->depth++] = real;
  real = NULL;   /* L->seen has it */
  out = expand(L, file);
  L->depth--;
done:
  free(real);
  free(path);
  return out;
}

/* A table's file is read with the rules (through the same reader, so `diff
 * REV:PATH` sees it at that revision) and kept in sources, so a message about
 * a row can show its line. decl->b spans the whole text in its file. */
static void table_file(loader *L, lq_node *decl) {
  const char *from = L->src->files[decl->span.file].path;
  char *path = resolve_path(from, decl->a->str.s);
  char *real = L->reader ? normalize(path) : NULL;
  size_t len;
  lq_error e;
  char *text = read_source(L, real ? real : path, MAX_TABLE_BYTES, &len, &e);
  if (!text) {
    int err = e.sys;
    lq_diag_error(L->diags, decl->a->span, "cannot read table '%s': %s", path,
                  err == EFBIG ? "it is larger than " MAX_TABLE_TEXT ", the most a table file may be"
                               : lq_read_strerror(err));
    if (err == ENOENT) lq_diag_note(L->diags, "a table's path is relative to the rules file that declares it");
  } else {
    uint32_t file = lq_sources_add(L->src, path, text, len);
    decl->b = lq_ast_str(L->arena, LQ_STR, (lq_span){0, (uint32_t)len, file}, decl->a->str);
  }
  free(real);
  free(path);
}

static lq_node *expand(loader *L, uint32_t file) {
  lq_node *decls = lq_parse_file(L->arena, L->src, L->diags, file, NULL);
  lq_node_list out = {0};
  for (lq_node *d = decls, *next; d; d = next) {
    next = d->next;
    d->next = NULL;
    if (d->kind == LQ_INCLUDE) {
      lq_ast_append(&out, include(L, d));
      continue;
    }
    if (d->kind == LQ_TABLE) table_file(L, d);
    lq_ast_append(&out, d);
  }
  return out.head;
}

static lq_node *load(lq_arena *arena, lq_sources *src, lq_diags *diags, uint32_t file,
                     const lq_file_reader *reader) {
  loader L = {.arena = arena, .src = src, .diags = diags, .reader = reader};
  char *real = reader ? normalize(src->files[file].path) : realpath(src->files[file].path, NULL);
  if (real) {
    remember(&L, real, src->files[file].len);
    L.stack[L.depth++] = real;
  } else {
    L.bytes = src->files[file].len;
  }
  lq_node *decls = expand(&L, file);
  for (size_t i = 0; i < L.nseen; i++) free(L.seen[i]);
  free(L.seen);
  return decls;
}

lq_node *lq_parse_load(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *path,
                       const lq_file_reader *reader) {
  size_t len;
  loader L = {.reader = reader};
  lq_error e;
  char *text = read_source(&L, path, LQ_MAX_RULES_BYTES, &len, &e);
  if (!text) {
    lq_diag_error(diags, (lq_span){0, 0, UINT32_MAX}, "%s", e.msg);
    return NULL;
  }
  return load(arena, src, diags, lq_sources_add(src, path, text, len), reader);
}

lq_node *lq_parse_load_text(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *name,
                            const char *text, size_t len) {
  char *copy = lq_mem_alloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  return load(arena, src, diags, lq_sources_add(src, name, copy, len), NULL);
}
