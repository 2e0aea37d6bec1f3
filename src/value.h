/* value.h: what an expression evaluates to, and the comparisons the language defines. */
#ifndef LQ_VALUE_H
#define LQ_VALUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "arena.h"

/* Missing covers an absent key, JSON null, and blank text (lq_text_blank). */
/* ROW: row n of a reference table (table.h), an object to the rules. */
typedef enum { LQ_V_MISSING, LQ_V_BOOL, LQ_V_NUM, LQ_V_STR, LQ_V_LIST, LQ_V_OBJ, LQ_V_ROW, LQ_V_KINDS } lq_vkind;

typedef struct lq_value {
  uint8_t kind;
  bool b;                        /* BOOL: the value; STR: the text of a number a
                                    double would change (a whole number of more
                                    than 15 digits: an id), printed bare */
  uint32_t n;                    /* STR: bytes; LIST: items; ROW: the row */
  union {
    double num;
    const char *str;             /* always NUL-terminated */
    const struct lq_value *items;
    const cJSON *obj;
    const struct lq_table *table;  /* ROW */
  };
} lq_value;

#define LQ_NOVALUE ((lq_value){.kind = LQ_V_MISSING})
static inline lq_value lq_bool(bool b) { return (lq_value){.kind = LQ_V_BOOL, .b = b}; }
static inline lq_value lq_num(double x) { return (lq_value){.kind = LQ_V_NUM, .num = x}; }
static inline lq_value lq_strv(const char *s, uint32_t n) {
  return (lq_value){.kind = LQ_V_STR, .n = n, .str = s};
}
/* Only JSON true (or a condition that held) counts as true. */
static inline bool lq_truthy(lq_value v) { return v.kind == LQ_V_BOOL && v.b; }

/* "text", "a number"...: how a kind is named in a warning. */
const char *lq_vkind_phrase(int kind);

/* True for text that is empty or only white space (space, tab, CR, LF, VT, FF,
 * U+00A0): a CRM's empty field, which the language treats as missing. */
bool lq_text_blank(const char *s, size_t n);
/* True for a whole number written with more than 15 digits (-?[0-9]{16,}):
 * past the digits a double keeps, so it is kept as its digits, an id. */
bool lq_long_whole(const char *s, size_t n);
/* Such a number as a value: its text (copied into a unless a is NULL), STR with b set. */
lq_value lq_value_digits(lq_arena *a, const char *s, size_t n);

/* A JSON value as a value; blank text is missing; arrays become lists allocated in a.
 * A whole number of more than 15 digits that leadq's reader read is its text
 * (STR, b set), copied into a (with a NULL a, not copied nor NUL-terminated:
 * for a caller that only looks at the kind). */
lq_value lq_value_from_json(lq_arena *a, const cJSON *j);

/* ASCII case-insensitive text comparison, as CRM filters do. */
bool lq_text_eq(const char *a, size_t an, const char *b, size_t bn);
int lq_text_cmp(const char *a, size_t an, const char *b, size_t bn);
const char *lq_text_find(const char *hay, size_t hn, const char *needle, size_t nn);

/* Equality of two present values of the same kind (text ignoring case, lists
 * item by item). Values of different kinds are not equal. */
bool lq_value_eq(lq_value a, lq_value b);

/* A value as a table lookup key or a pick identity is compared
 * (docs/language.md, "The exact rule"): text as it is; a number as a
 * decision prints it (lq_num_format), except a whole number of more than 15
 * digits written in a lead, a table or the rules, which is its digits as
 * written (lq_long_whole, kept as text with b set); true
 * or false. False for anything else (missing, a list, an object). buf holds
 * at least 32 bytes. */
bool lq_value_key_text(lq_value v, char *buf, const char **s, size_t *n);

/* ISO-8601 date or date-time (YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|+HH:MM|+HHMM]) to
 * seconds since 1970 UTC. */
bool lq_time_parse(const char *s, size_t n, double *out);
/* Formats t as YYYY-MM-DDTHH:MM:SSZ into buf (at least 21 bytes). */
void lq_time_format(double t, char *buf);

/* A number as leadq prints it: whole numbers without a fraction, otherwise %.15g.
 * Returns the length written into buf (at least 32 bytes). */
int lq_num_format(double x, char *buf);

/* A number as a person reads it, the same in every message, explanation and
 * test failure: rounded to LQ_NUM_HUMAN_DIGITS significant digits (sums of
 * decimals carry binary noise: 50 - 49.16 is 0.839999999999996), or to a
 * whole number when its whole part is longer, then the shortest text that
 * gives that back: 0.84, 45, 12.5, -3; never -0; whole numbers up to 2^53
 * without a fraction or exponent; anything nearer 0 than 5e-10 is 0. Not for machine output (JSON, CSV, keys): that keeps
 * lq_num_format's exact digits. Returns the length written into buf (at least
 * 32 bytes). */
enum { LQ_NUM_HUMAN_DIGITS = 10 };
int lq_num_human(double x, char *buf);

#endif
