/* error.c: filling an lq_error (see error.h for when one is used). */
#include "error.h"

#include <stdint.h>
#include <stdio.h>

void lq_error_clear(lq_error *e) {
  e->sys = 0;
  e->at = SIZE_MAX;
  e->msg[0] = '\0';
}

bool lq_error_setv(lq_error *e, const char *fmt, va_list ap) {
  if (e) vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  return false;
}

bool lq_error_set(lq_error *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lq_error_setv(e, fmt, ap);
  va_end(ap);
  return false;
}

bool lq_error_at(lq_error *e, size_t at, const char *fmt, ...) {
  if (e) e->at = at;
  va_list ap;
  va_start(ap, fmt);
  lq_error_setv(e, fmt, ap);
  va_end(ap);
  return false;
}

bool lq_error_sys(lq_error *e, int err, const char *fmt, ...) {
  if (e) e->sys = err;
  va_list ap;
  va_start(ap, fmt);
  lq_error_setv(e, fmt, ap);
  va_end(ap);
  return false;
}
