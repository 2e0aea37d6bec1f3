/* compile.h: from a checked syntax tree to the program the evaluator runs. */
#ifndef LQ_COMPILE_H
#define LQ_COMPILE_H
#include "parse.h"
#include "program.h"

/* Reads, parses, checks and compiles a rules file. Always returns a program
 * (so its sources can print the diagnostics); it is runnable only when diags
 * has no errors. */
lq_program *lq_compile_file(const char *path, lq_diags *diags);

typedef struct lq_compile_opts {
  const lq_file_reader *reader;  /* where the file and its includes come from; NULL: disk */
  /* Declarations compiled after the file's own, under their own name in
   * messages: e.g. "define outcome = won == true" from a command line. */
  const char *extra_name, *extra_text;
} lq_compile_opts;
lq_program *lq_compile_file_opts(const char *path, const lq_compile_opts *o, lq_diags *diags);
lq_program *lq_compile_text(const char *name, const char *text, size_t len, lq_diags *diags);
void lq_program_free(lq_program *p);

#endif
