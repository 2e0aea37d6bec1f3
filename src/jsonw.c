/* jsonw.c: the JSON writer's parts too big to inline (jsonw.h has the rest). */
#include "jsonw.h"

void lq_jw_key_n(lq_jw *w, const char *k, size_t n) {
  if (w->comma) lq_buf_putc(w->b, ',');
  lq_buf_json_string(w->b, k, n);
  lq_buf_putc(w->b, ':');
  w->comma = false;
}

void lq_jw_uint(lq_jw *w, unsigned long long x) {
  char tmp[24];
  size_t n = sizeof tmp;
  do tmp[--n] = (char)('0' + x % 10);
  while (x /= 10);
  lq_buf_put(lq_jw_value(w), tmp + n, sizeof tmp - n);
}
