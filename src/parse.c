/* parse.c: runs the lexer and parser over a file and splices includes in place. */
#include "parse.h"

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

enum { MAX_INCLUDE_DEPTH = 32 };

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
  yyscan_t scanner;
  if (lq_yylex_init_extra(&ctx, &scanner)) abort();
  /* Editors on Windows start files with a UTF-8 byte order mark; skip it. */
  uint32_t bom = ctx.len >= 3 && !memcmp(ctx.text, "\xEF\xBB\xBF", 3) ? 3 : 0;
  ctx.off = bom;
  lq_yy_scan_bytes(ctx.text + bom, (int)(ctx.len - bom), scanner);
  lq_yyparse(scanner, &ctx);
  lq_yylex_destroy(scanner);
  if (comments) *comments = ctx.comments;
  return ctx.decls.head;
}

/* The stack of files being read, to refuse an include cycle. */
typedef struct loader {
  lq_arena *arena;
  lq_sources *src;
  lq_diags *diags;
  const lq_file_reader *reader;
  const char *stack[MAX_INCLUDE_DEPTH];
  int depth;
} loader;

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

static char *read_source(const loader *L, const char *path, size_t *len) {
  return L->reader ? L->reader->read(L->reader->ctx, path, len) : lq_read_file(path, len);
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
  if (L->depth == MAX_INCLUDE_DEPTH) {
    lq_diag_error(L->diags, inc->a->span, "includes are nested more than %d deep", MAX_INCLUDE_DEPTH);
    goto done;
  }
  size_t len;
  char *text = real ? read_source(L, real, &len) : NULL;
  if (!text) {
    lq_diag_error(L->diags, inc->a->span, "cannot read '%s': %s", path, strerror(errno));
    lq_diag_note(L->diags, "include paths are relative to the file that includes them");
    goto done;
  }
  uint32_t file = lq_sources_add(L->src, path, text, len);
  L->stack[L->depth++] = real;
  out = expand(L, file);
  L->depth--;
done:
  free(real);
  free(path);
  return out;
}

static lq_node *expand(loader *L, uint32_t file) {
  lq_node *decls = lq_parse_file(L->arena, L->src, L->diags, file, NULL);
  lq_node_list out = {0};
  for (lq_node *d = decls, *next; d; d = next) {
    next = d->next;
    d->next = NULL;
    if (d->kind == LQ_INCLUDE) lq_ast_append(&out, include(L, d));
    else lq_ast_append(&out, d);
  }
  return out.head;
}

static lq_node *load(lq_arena *arena, lq_sources *src, lq_diags *diags, uint32_t file,
                     const lq_file_reader *reader) {
  loader L = {arena, src, diags, reader, {0}, 0};
  char *real = reader ? normalize(src->files[file].path) : realpath(src->files[file].path, NULL);
  if (real) L.stack[L.depth++] = real;
  lq_node *decls = expand(&L, file);
  free(real);
  return decls;
}

lq_node *lq_parse_load(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *path,
                       const lq_file_reader *reader) {
  size_t len;
  loader L = {.reader = reader};
  char *text = read_source(&L, path, &len);
  if (!text) {
    lq_diag_error(diags, (lq_span){0, 0, UINT32_MAX}, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  return load(arena, src, diags, lq_sources_add(src, path, text, len), reader);
}

lq_node *lq_parse_load_text(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *name,
                            const char *text, size_t len) {
  char *copy = malloc(len + 1);
  if (!copy) abort();
  memcpy(copy, text, len);
  copy[len] = '\0';
  return load(arena, src, diags, lq_sources_add(src, name, copy, len), NULL);
}
