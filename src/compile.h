/* compile.h: from a checked syntax tree to the program the evaluator runs. */
#ifndef LQ_COMPILE_H
#define LQ_COMPILE_H
#include "program.h"

/* Reads, parses, checks and compiles a rules file. Always returns a program
 * (so its sources can print the diagnostics); it is runnable only when diags
 * has no errors. */
lq_program *lq_compile_file(const char *path, lq_diags *diags);
lq_program *lq_compile_text(const char *name, const char *text, size_t len, lq_diags *diags);
void lq_program_free(lq_program *p);

/* A path as written in the rules (a.b, `Key with spaces`, a[0]) into segments. */
bool lq_path_parse(lq_arena *a, const char *text, lq_seg **segs, uint32_t *nsegs);

#endif
