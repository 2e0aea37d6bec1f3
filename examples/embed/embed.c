/* embed.c: leadq as a library, the smallest useful client.
 *
 *   embed [--now TIME] RULES < leads.ndjson > decisions.ndjson
 *
 * Compiles RULES, then writes each NDJSON lead's decision: the same bytes as
 * `leadq run [--now TIME] RULES`. A line that is not a JSON object is reported
 * on stderr and skipped (exit 1 at the end); rules that do not compile print
 * their diagnostics (exit 3). Only leadq.h is used. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leadq.h>

int main(int argc, char **argv) {
  const char *now = NULL;
  if (argc == 4 && !strcmp(argv[1], "--now")) now = argv[2], argv += 2, argc -= 2;
  if (argc != 2) {
    fputs("usage: embed [--now TIME] RULES < leads.ndjson\n", stderr);
    return 2;
  }

  leadq_program *prog;
  leadq_diagnostics *diags;
  leadq_status st = leadq_compile_file(argv[1], NULL, &prog, &diags);
  fputs(leadq_diagnostics_text(diags, 0, NULL), stderr);   /* errors, or warnings only */
  leadq_diagnostics_free(diags);
  if (st != LEADQ_OK) return st == LEADQ_ERR_IO ? 4 : 3;

  leadq_evaluator *ev = leadq_evaluator_new(prog);
  if (now && leadq_evaluator_set_now(ev, now) != LEADQ_OK) {
    fprintf(stderr, "embed: --now: %s\n", leadq_evaluator_error(ev));
    return 2;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = 0;
  for (unsigned long lineno = 1; (n = getline(&line, &cap, stdin)) >= 0; lineno++) {
    /* As leadq reads NDJSON: the line end (LF or CRLF) and a UTF-8 byte order
     * mark on the first line are not the lead's; blank lines are skipped. */
    char *s = line;
    if (n && s[n - 1] == '\n') n--;
    if (n && s[n - 1] == '\r') n--;
    if (lineno == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) s += 3, n -= 3;
    if (strspn(s, " \t") >= (size_t)n) continue;

    const leadq_decision *d;
    if (leadq_evaluate(ev, s, (size_t)n, lineno, &d) != LEADQ_OK) {
      fprintf(stderr, "stdin:%lu: error: %s\n", lineno, leadq_evaluator_error(ev));
      status = 1;
      continue;
    }
    size_t len;
    const char *json = leadq_decision_json(d, &len);   /* ends in a newline */
    fwrite(json, 1, len, stdout);
  }
  free(line);
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
  return fflush(stdout) == 0 && !ferror(stdout) ? status : 4;
}
