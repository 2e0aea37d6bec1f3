/* fmt.c: `leadq fmt`. */
#include <stdio.h>

#include "cli.h"

const char cmd_fmt_help[] = "usage: leadq fmt ...\n";

int cmd_fmt(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("leadq fmt: not written yet\n", stderr);
  return EXIT_USAGE;
}
