/* fuzz_leads.c: libFuzzer harness for lead lines: any bytes, split into lines,
 * evaluated against rules/acme.lq, written as decisions, annotated and
 * explained. A line is a decision or a reported bad line; nothing crashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "eval.h"
#include "explain.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* leadq reads leads with its own strict parser into cJSON nodes; cJSON's
 * lenient parser must agree on every line leadq accepts. */
static bool same_tree(const cJSON *a, const cJSON *b) {
  for (; a && b; a = a->next, b = b->next) {
    if ((a->type & 0xFF) != (b->type & 0xFF)) return false;
    if ((a->string == NULL) != (b->string == NULL) || (a->string && strcmp(a->string, b->string))) return false;
    if (cJSON_IsString(a) && strcmp(a->valuestring, b->valuestring)) return false;
    if (cJSON_IsNumber(a) && !(a->valuedouble == b->valuedouble || (a->valuedouble != a->valuedouble &&
                                                                      b->valuedouble != b->valuedouble)))
      return false;
    if (!same_tree(a->child, b->child)) return false;
  }
  return !a && !b;
}

static lq_program *program;
static lq_eval *E;

static void setup(void) {
  lq_diags d;
  lq_diags_init(&d);
  const char *path = getenv("LEADQ_FUZZ_RULES") ? getenv("LEADQ_FUZZ_RULES") : "rules/acme.lq";
  program = lq_compile_file(path, &d);
  if (d.errors) {
    fprintf(stderr, "fuzz_leads: %s does not compile (run from the repository root)\n", path);
    exit(1);
  }
  lq_diags_free(&d);
  E = lq_eval_new(program, 1795305600.0);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (!program) setup();
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';
  lq_buf out = {0};
  for (char *line = text, *end; line <= text + size; line = end + 1) {
    end = memchr(line, '\n', (size_t)(text + size - line));
    if (!end) end = text + size;
    *end = '\0';
    size_t len = (size_t)(end - line);
    lq_eval_reset(E);
    cJSON *lead = lq_json_parse_lead(lq_eval_scratch(E), line, len, &(lq_error){0});
    if (!lead) continue;
    cJSON *theirs = lq_json_parse(lq_eval_scratch(E), line, len);
    if (!theirs || !same_tree(lead, theirs)) abort();
    const lq_result *r = lq_eval_lead(E, lead);
    lq_id id = lq_id_read(E, lead, &(lq_seg){"id", 2, 0, false}, 1, 1);
    lq_out_decision(&out, program, r, &id);
    lq_out_annotated(&out, line, len, lead, "q", program, r, &id);
    lq_explain(&out, E, r, &id, &(lq_explain_opts){false, false});
    lq_explain(&out, E, r, &id, &(lq_explain_opts){true, false});
    out.len = 0;
  }
  lq_buf_free(&out);
  free(text);
  return 0;
}
