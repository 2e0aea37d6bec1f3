/* explain.c: `leadq explain`. */
#include <stdio.h>

#include "cli.h"

const char cmd_explain_help[] = "usage: leadq explain ...\n";

int cmd_explain(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("leadq explain: not written yet\n", stderr);
  return EXIT_USAGE;
}
