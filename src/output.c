/* output.c: writes decisions straight into a byte buffer, never building a JSON tree. */
#include "output.h"

#include <math.h>
#include <string.h>

void lq_out_id(lq_buf *b, lq_value id, uint64_t lineno) {
  if (id.kind == LQ_V_STR && id.b) lq_buf_put(b, id.str, id.n);
  else if (id.kind == LQ_V_STR) lq_buf_json_string(b, id.str, id.n);
  else if (id.kind == LQ_V_NUM && isfinite(id.num)) lq_buf_num(b, id.num);
  else lq_buf_num(b, (double)lineno);   /* no id, or one JSON cannot carry (1e999) */
}

static void put(lq_buf *b, lq_str s) { lq_buf_put(b, s.s, s.n); }

void lq_out_decision(lq_buf *b, const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno) {
  static const lq_str null = {"null", 4};
  lq_buf_put(b, "{\"id\":", 6);
  lq_out_id(b, id, lineno);
  lq_buf_put(b, ",\"ruleset\":", 11);
  put(b, p->name_json);
  lq_buf_put(b, ",\"version\":", 11);
  put(b, p->version_json);
  lq_buf_put(b, ",\"stage\":", 9);
  put(b, r->stage >= 0 ? p->stages[r->stage].name_json : null);
  lq_buf_put(b, ",\"rejected\":", 12);
  put(b, r->rejected >= 0 ? p->rejects[r->rejected].name_json : null);
  lq_buf_put(b, ",\"route\":", 9);
  put(b, r->route >= 0 ? p->routes[r->route].name_json : null);
  lq_buf_put(b, ",\"score\":", 9);
  lq_buf_num(b, r->total);
  lq_buf_put(b, ",\"scores\":{", 11);
  for (int i = 0; i < p->ngroups; i++) {
    if (i) lq_buf_putc(b, ',');
    put(b, p->groups[i].name_json);
    lq_buf_putc(b, ':');
    lq_buf_num(b, r->scores[i]);
  }
  lq_buf_put(b, "},\"grades\":{", 12);
  for (int i = 0; i < p->ngrades; i++) {
    if (i) lq_buf_putc(b, ',');
    put(b, p->grades[i].name_json);
    lq_buf_putc(b, ':');
    put(b, r->grades[i] >= 0 ? p->grades[i].arms[r->grades[i]].label_json : null);
  }
  /* Reasons in declaration order: points rules that fired, then, where they are
   * declared, the rejects that fired. */
  lq_buf_put(b, "},\"reasons\":[", 13);
  bool first = true;
  for (int s = 0; s < p->nsteps; s++) {
    const lq_step *st = &p->steps[s];
    if (st->kind == LQ_STEP_GROUP) {
      const lq_group *g = &p->groups[st->index];
      for (int i = g->first_rule; i < g->first_rule + g->nrules; i++) {
        if (isnan(r->points[i])) continue;
        if (!first) lq_buf_putc(b, ',');
        first = false;
        lq_buf_put(b, "{\"rule\":", 8);
        put(b, p->rules[i].label_json);
        lq_buf_put(b, ",\"group\":", 9);
        put(b, g->name_json);
        lq_buf_put(b, ",\"points\":", 10);
        lq_buf_num(b, r->points[i]);
        lq_buf_putc(b, '}');
      }
    } else if (st->kind == LQ_STEP_REJECT && r->rejects[st->index]) {
      if (!first) lq_buf_putc(b, ',');
      first = false;
      lq_buf_put(b, "{\"rule\":", 8);
      put(b, p->rejects[st->index].name_json);
      lq_buf_put(b, ",\"reject\":true}", 15);
    }
  }
  lq_buf_put(b, "]}", 2);
}

void lq_out_annotated(lq_buf *b, const char *line, size_t len, const char *k,
                      const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno) {
  /* The line parsed as an object, so it starts with { and ends with } (give or take spaces). */
  size_t close = len;
  while (close > 0 && line[close - 1] != '}') close--;
  size_t open = 0;
  while (open < len && line[open] != '{') open++;
  size_t inner = open + 1;
  while (inner < close - 1 && strchr(" \t\r\n", line[inner])) inner++;
  bool empty = inner == close - 1;
  lq_buf_put(b, line, close - 1);
  if (!empty) lq_buf_putc(b, ',');
  lq_buf_json_string(b, k, strlen(k));
  lq_buf_putc(b, ':');
  lq_out_decision(b, p, r, id, lineno);
  lq_buf_put(b, line + close - 1, len - (close - 1));
}
