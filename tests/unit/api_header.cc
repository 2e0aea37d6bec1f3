// api_header.cc: src/leadq.h compiled as C++ (make test-header-cxx): extern "C",
// no C++ keyword as a name, no C-only construct. Only checked, never run.
#include <leadq.h>

#include <cstdio>

static const char *reader(void *, const char *, size_t *len, int *err) {
  *len = 0;
  *err = 2;
  return nullptr;
}

int main() {
  leadq_options opts = {};
  opts.reader = reader;
  leadq_program *prog = nullptr;
  leadq_diagnostics *diags = nullptr;
  leadq_status st = leadq_compile_text("t.lq", "stage A when x > 1", 18, &opts, &prog, &diags);
  if (st != LEADQ_OK) std::fputs(leadq_diagnostics_text(diags, 0, nullptr), stderr);
  leadq_diagnostics_free(diags);
  if (!prog) return 1;
  leadq_evaluator *ev = leadq_evaluator_new(prog);
  const leadq_decision *d = nullptr;
  if (leadq_evaluate(ev, "{\"x\":2}", 7, 1, &d) == LEADQ_OK) {
    size_t n = 0;
    std::fwrite(leadq_decision_json(d, &n), 1, n, stdout);
    leadq_reason r;
    for (int i = 0; leadq_decision_reason(d, i, &r); i++) std::printf("%s\n", r.rule);
  }
  leadq_evaluator_free(ev);
  leadq_program_free(prog);
  return 0;
}
