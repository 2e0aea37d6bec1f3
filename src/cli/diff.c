/* diff.c: `leadq diff`. */
#include <stdio.h>

#include "cli.h"

const char cmd_diff_help[] = "usage: leadq diff ...\n";

int cmd_diff(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("leadq diff: not written yet\n", stderr);
  return EXIT_USAGE;
}
