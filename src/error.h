/* error.h: the one way a library function says it failed.
 *
 * Three kinds of failure, three ways, and no others:
 *   - a problem in the rules text is a diagnostic (diag.h): it has a place in
 *     a file and goes to the lq_diags the caller passed; the function goes on
 *     and finds the next one.
 *   - anything else that can fail (a lead that is not JSON, a file that cannot
 *     be read, a test expectation written wrong) returns false or NULL and
 *     fills the caller's lq_error: what happened, in one line a user can act
 *     on, the byte it happened at when there is one, and errno when the system
 *     said no.
 *   - running out of memory aborts (arena.h): it is not a state a caller can
 *     do anything useful with half-way through a lead.
 * The caller decides how to show an lq_error (a bad record line, a usage
 * error, a failing test); the library never prints. */
#ifndef LQ_ERROR_H
#define LQ_ERROR_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum { LQ_ERROR_MAX = 512 };

typedef struct lq_error {
  int sys;                  /* errno when the system refused, else 0 */
  size_t at;                /* byte offset in the input the message is about; SIZE_MAX: none */
  char msg[LQ_ERROR_MAX];   /* one line, no trailing newline; "" while no error */
} lq_error;

/* An error that says nothing yet: sys 0, at SIZE_MAX, msg "". */
void lq_error_clear(lq_error *e);
/* Sets the message (printf-style, cut to fit) and returns false, so a failing
 * function can end with `return lq_error_set(e, ...);`. e may be NULL. */
bool lq_error_set(lq_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool lq_error_setv(lq_error *e, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The same, at byte offset at of the input. */
bool lq_error_at(lq_error *e, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, for a system call that failed with errno err. */
bool lq_error_sys(lq_error *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
