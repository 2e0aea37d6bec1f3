/* error.c: filling an lq_error (see error.h for when one is used). */
#include "error.h"

#include <stdint.h>
#include <stdio.h>

void lq_error_clear(lq_error *e) {
  e->sys = 0;
  e->at = SIZE_MAX;
  e->msg[0] = '\0';
}

/* Every field, so an lq_error used again keeps nothing of the last failure. */
static bool fill(lq_error *e, size_t at, int sys, const char *fmt, va_list ap) {
  if (!e) return false;
  e->at = at;
  e->sys = sys;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  return false;
}

bool lq_error_setv(lq_error *e, const char *fmt, va_list ap) { return fill(e, SIZE_MAX, 0, fmt, ap); }

#define FILL(at, sys)          \
  va_list ap;                  \
  va_start(ap, fmt);           \
  fill(e, at, sys, fmt, ap);   \
  va_end(ap);                  \
  return false

bool lq_error_set(lq_error *e, const char *fmt, ...) { FILL(SIZE_MAX, 0); }
bool lq_error_at(lq_error *e, size_t at, const char *fmt, ...) { FILL(at, 0); }
bool lq_error_sys(lq_error *e, int err, const char *fmt, ...) { FILL(SIZE_MAX, err); }
