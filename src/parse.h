/* parse.h: from rules text to a syntax tree (lexer and parser live in grammar/). */
#ifndef LQ_PARSE_H
#define LQ_PARSE_H
#include "ast.h"
#include "diag.h"

/* A comment, kept for fmt: where it is and whether code precedes it on its line. */
typedef struct lq_comment {
  lq_span span;
  bool trailing;
  struct lq_comment *next;
} lq_comment;

/* Everything the reentrant lexer and the pure parser share. */
typedef struct lq_parse_ctx {
  lq_arena *arena;
  lq_diags *diags;
  lq_sources *sources;
  uint32_t file;
  const char *text;
  size_t len;
  uint32_t off;            /* lexer position in text */
  int json_depth;
  uint32_t json_begin;
  lq_span prev;            /* the token before the current one, for "after X" in messages */
  lq_span cur;
  lq_node_list decls;
  lq_comment *comments, *comments_tail;
} lq_parse_ctx;

/* Parses one file already added to sources; returns its declarations
 * (include not yet expanded). Errors go to diags. */
lq_node *lq_parse_file(lq_arena *arena, lq_sources *src, lq_diags *diags, uint32_t file,
                       lq_comment **comments);
/* Where rules files come from when not from the file system, e.g. `git show
 * REV:PATH`: read returns the text (from lq_mem_alloc, which is malloc outside
 * a leadq_* call; NUL-terminated) or NULL with errno set. Include paths are then joined and normalised as text. */
typedef struct lq_file_reader {
  char *(*read)(void *ctx, const char *path, size_t *len);
  void *ctx;
} lq_file_reader;

/* Reads path and every file it includes, in place; returns the declarations.
 * reader may be NULL (the file system). */
lq_node *lq_parse_load(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *path,
                       const lq_file_reader *reader);
/* Same for text in memory, named name; includes resolve from the working directory. */
lq_node *lq_parse_load_text(lq_arena *arena, lq_sources *src, lq_diags *diags, const char *name,
                            const char *text, size_t len);

#endif
