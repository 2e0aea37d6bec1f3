/* test.c: `leadq test`. */
#include <stdio.h>

#include "cli.h"

const char cmd_test_help[] = "usage: leadq test ...\n";

int cmd_test(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("leadq test: not written yet\n", stderr);
  return EXIT_USAGE;
}
