/* leadq_internal.h: what leadq's own command needs of the library beyond leadq.h.
 *
 * The CLI compiles and shows diagnostics through leadq.h like any embedder.
 * It goes further in two ways no embedder needs, both here: compiling with
 * the internal options (a `git show` reader whose text is already leadq's
 * memory, extra declarations such as report's --outcome), and taking the
 * compiled program's internals, which every command but a plain `run` walks
 * (explain's traces, diff, report, fmt, test, --stats, --annotate, CSV). */
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
