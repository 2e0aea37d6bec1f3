/* check.c: `leadq check RULES...`: compile only, report everything found. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_check_help[] =
    "usage: leadq check [--dump-ast] RULES...\n"
    "\n"
    "Compiles each rules file and reports every error and warning found, as\n"
    "FILE:LINE:COL: error: message, with the line and a caret. Exit 3 on errors.\n"
    "  --dump-ast    print the syntax tree, one declaration per line\n";

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"dump-ast", no_argument, NULL, 'a'}, {0}};
  bool dump_ast = false;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'a') dump_ast = true;
    else return cli_usage_error("check", "unknown option");
  }
  if (optind >= argc) return cli_usage_error("check", "name at least one rules file");
  int status = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    lq_diags d;
    lq_diags_init(&d);
    lq_program *p = lq_compile_file(argv[i], &d);
    lq_diags_sort(&d);
    lq_diags_print(&d, &p->sources, stderr, cli_color());
    if (dump_ast) lq_ast_dump(stdout, p->decls);
    if (d.errors) status = EXIT_COMPILE;
    fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", argv[i], d.errors, d.errors == 1 ? "" : "s",
            d.warnings, d.warnings == 1 ? "" : "s");
    lq_diags_free(&d);
    lq_program_free(p);
  }
  return status;
}
