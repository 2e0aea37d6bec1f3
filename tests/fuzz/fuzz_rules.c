/* fuzz_rules.c: libFuzzer harness for the rules front end: any bytes as a rules
 * file must compile or give diagnostics, never crash, hang or leak. What
 * compiles is also formatted (and must format again to the same text) and
 * evaluated against one lead. */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "eval.h"
#include "fmt.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char lead[] = "{\"id\":\"f\",\"email\":\"a@b.co\",\"company\":{\"employees\":5000},"
                           "\"events\":[{\"type\":\"demo_request\",\"at\":\"2026-11-20\"}]}";

static void format_twice(const char *text, size_t size) {
  lq_sources src;
  lq_sources_init(&src);
  char *copy = malloc(size + 1);
  if (size) memcpy(copy, text, size);
  copy[size] = '\0';
  uint32_t file = lq_sources_add(&src, "fuzz.lq", copy, size);
  lq_diags d;
  lq_diags_init(&d);
  lq_buf once = {0};
  if (lq_fmt(&src, file, &d, &once)) {
    /* Idempotence: the canonical text is its own canonical text. */
    char *again = malloc(once.len + 1);
    if (once.len) memcpy(again, once.data, once.len);
    again[once.len] = '\0';
    uint32_t f2 = lq_sources_add(&src, "fuzz2.lq", again, once.len);
    lq_buf twice = {0};
    if (lq_fmt(&src, f2, &d, &twice) && (twice.len != once.len || (once.len && memcmp(twice.data, once.data, once.len))))
      abort();
    lq_buf_free(&twice);
  }
  lq_buf_free(&once);
  lq_diags_free(&d);
  lq_sources_free(&src);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (size > 1 << 16) return 0;   /* rules files are small; keep runs fast */
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_text("fuzz.lq", (const char *)data, size, &d);
  if (d.errors == 0) {
    lq_eval *E = lq_eval_new(p, 1795305600.0);
    cJSON *j = lq_json_parse_lead(lq_eval_scratch(E), lead, sizeof lead - 1, &(lq_error){0});
    if (j) {
      const lq_result *r = lq_eval_lead(E, j);
      lq_buf out = {0};
      lq_out_decision(&out, p, r, &(lq_id){.kind = LQ_ID_LINE, .line = 1});
      lq_buf_free(&out);
    }
    lq_eval_free(E);
    format_twice((const char *)data, size);
  }
  lq_diags_free(&d);
  lq_program_free(p);
  return 0;
}
