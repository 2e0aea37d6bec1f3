/* report.c: `leadq report`. */
#include <stdio.h>

#include "cli.h"

const char cmd_report_help[] = "usage: leadq report ...\n";

int cmd_report(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("leadq report: not written yet\n", stderr);
  return EXIT_USAGE;
}
