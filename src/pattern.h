/* pattern.h: `matches` patterns (POSIX extended regular expressions, glibc's
 * regcomp), kept to what matches in time linear in the lead (docs/language.md,
 * "Limits"). */
#ifndef LQ_PATTERN_H
#define LQ_PATTERN_H
#include <regex.h>
#include <stddef.h>

/* The most a pattern may stand for with its repetitions written out: see
 * lq_pattern_check. glibc's compile and match work grow with it (some of it
 * with its square), so it is kept to what a hand-written pattern needs. */
#define LQ_PATTERN_MAX_SIZE 2000
#define LQ_PATTERN_MAX_SIZE_TEXT "2,000"
/* How deep unbounded repetitions (*, +, {m,}) may nest, as in ((a*)b)*:
 * glibc's compile time grows as about the fourth power of the depth (160
 * deep: 18 s), and no hand-written pattern needs more than a few. */
#define LQ_PATTERN_MAX_LOOPS 10
#define LQ_PATTERN_MAX_LOOPS_TEXT "10"

/* Looks at a pattern (n bytes, which may hold a NUL) before regcomp does,
 * since regcomp itself can take minutes, gigabytes or its stack on some: NULL
 * when it may be compiled; else what is wrong (a message for the rules
 * author), at byte *at of the pattern, *len bytes long. Refused: a NUL byte
 * (regcomp would stop there), a back-reference \1 to \9 (matching one can take
 * time exponential in the text), two repetition operators in a row (a**,
 * a?{2}: regcomp's work explodes, and POSIX leaves them undefined),
 * repetitions nested past LQ_PATTERN_MAX_LOOPS,
 * and a size past LQ_PATTERN_MAX_SIZE: each
 * character, bracket expression, anchor, group, `|` and operator counts one,
 * and `X{m,n}` counts X n times (m + 1 times for `{m,}`), X+ twice. */
const char *lq_pattern_check(const char *s, size_t n, size_t *at, size_t *len);

/* Compiles a pattern that passed lq_pattern_check, case-insensitive, for
 * regexec with REG_STARTEND over a whole text: regcomp's result (0 when
 * compiled). A pattern P with *, + or {m,} is compiled as ^(.|[^.])*(P), which matches the
 * same texts (a match of P anywhere; `.` alone stops at a NUL) but from the
 * first byte only: glibc tries an unanchored pattern from every byte, time
 * quadratic in the text. An unmatched `)` (a literal in ERE) is escaped so
 * the wrapping keeps its meaning. */
int lq_pattern_compile(regex_t *re, const char *s, size_t n);

#endif
