/* leadq_internal.h: what leadq's own command needs of the library beyond leadq.h.
 *
 * run, explain, report and test compile and show diagnostics through leadq.h
 * like any embedder (cli_load, src/cli/main.c). They go further in two ways no
 * embedder needs, both here: compiling with the internal options (extra
 * declarations such as report's --outcome), and taking the compiled program's
 * internals, which every command but a plain `run` walks (explain's traces,
 * report, test, --stats, --annotate, CSV, --jobs).
 *
 * Three places use the compiler (compile.h) directly, on purpose: `check`
 * keeps the program of rules that have errors (its JSON diagnostics and
 * --dump-ast need the sources and the tree), `diff` renames each source to
 * REV:PATH after a `git show` reader read it, and the input options compile
 * only to learn which files the rules read (so --errors cannot overwrite one). */
#ifndef LQ_LEADQ_INTERNAL_H
#define LQ_LEADQ_INTERNAL_H
#include "compile.h"
#include "leadq.h"

/* leadq_compile_file with lq_compile_opts (malloc's memory). */
leadq_status lq_api_compile(const char *path, const lq_compile_opts *o, leadq_program **prog,
                            leadq_diagnostics **diags);
/* The program inside prog, which is freed: the caller owns the program now
 * (lq_program_free). Only for a program compiled with malloc's memory. */
lq_program *lq_api_take(leadq_program *prog);

#endif
