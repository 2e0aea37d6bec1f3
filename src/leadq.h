/* leadq.h: the leadq library (libleadq), its one public header.
 *
 * Compile a rules file once, then evaluate leads with it, one JSON object at a
 * time, and read each decision: as fields or as the exact JSON line `leadq run`
 * writes for that lead.
 *
 *   leadq_program *prog;
 *   leadq_diagnostics *diags;
 *   if (leadq_compile_file("rules/acme.lq", NULL, &prog, &diags) != LEADQ_OK) {
 *     fputs(leadq_diagnostics_text(diags, 0, NULL), stderr);
 *     ...
 *   }
 *   leadq_diagnostics_free(diags);
 *   leadq_evaluator *ev = leadq_evaluator_new(prog);
 *   const leadq_decision *d;
 *   if (leadq_evaluate(ev, json, len, 0, &d) == LEADQ_OK) {
 *     size_t n;
 *     const char *line = leadq_decision_json(d, &n);   // ends in a newline
 *     fwrite(line, 1, n, stdout);
 *   }
 *   leadq_evaluator_free(ev);
 *   leadq_program_free(prog);
 *
 * The rules:
 *   - The library never prints, never exits and keeps no process-wide state;
 *     it sets no cJSON hooks, so a program may use cJSON itself. Running out
 *     of memory aborts.
 *   - A program is immutable once compiled: any number of threads may each
 *     evaluate with it, through an evaluator of their own (one evaluator per
 *     thread, never shared while in use). Free the evaluators before their
 *     program.
 *   - Strings in and out are UTF-8. Every string the library returns belongs
 *     to the object it came from and lives as long as it (a decision's: until
 *     its evaluator evaluates the next lead or is freed).
 *   - Every exported name starts with leadq_ or LEADQ_.
 *   - A NULL object is never a crash: a call given one does nothing and
 *     returns LEADQ_ERR_ARG, NULL, "" or 0 (NULL diagnostics have none; a
 *     NULL decision has no fields).
 */
#ifndef LEADQ_H
#define LEADQ_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a call that can fail returns. */
typedef enum leadq_status {
  LEADQ_OK = 0,
  LEADQ_ERR_COMPILE,     /* the rules have errors: see the diagnostics */
  LEADQ_ERR_IO,          /* the rules file could not be read: see the diagnostics */
  LEADQ_ERR_LEAD,        /* the lead is not a JSON object: leadq_evaluator_error says why */
  LEADQ_ERR_ARG          /* an argument is NULL or invalid: leadq_evaluator_error says why
                            when the call had an evaluator */
} leadq_status;

typedef struct leadq_program leadq_program;          /* compiled rules */
typedef struct leadq_diagnostics leadq_diagnostics;  /* a compile's errors and warnings */
typedef struct leadq_evaluator leadq_evaluator;      /* one thread's evaluation state */
typedef struct leadq_decision leadq_decision;        /* one lead's decision */

/* ---- options ---- */

/* An allocator, as in Lua: with ptr NULL, allocate size bytes; with size 0,
 * free ptr and return NULL; else resize ptr to size bytes, as realloc does.
 * NULL means out of memory (leadq then aborts). Blocks must be aligned for
 * any type, as malloc's are. There is no old size (Lua's osize): leadq does
 * not track the size of every block. */
typedef void *(*leadq_alloc)(void *ud, void *ptr, size_t size);

/* A reader: the text of the rules file at path (the file compiled, an
 * include, a table), e.g. from `git show REV:path` or from memory. Returns the
 * text and its length in *len, or NULL with an errno value in *err (ENOENT:
 * the message says no such file). The text stays the reader's: leadq copies it
 * before it returns or calls the reader again. An include's path arrives
 * joined to its including file's folder and normalised as text (a/./b/../c
 * is a/c). */
typedef const char *(*leadq_reader)(void *ud, const char *path, size_t *len, int *err);

typedef struct leadq_options {
  /* Every block leadq keeps (a program, its diagnostics, its evaluators, their
   * decisions) comes from alloc and goes back to it: leadq uses the allocator
   * of the object a call is given, so memory is always freed by the allocator
   * that allocated it. NULL: malloc. With evaluators on several threads, alloc
   * must be thread-safe. Scratch that a call frees before it returns, and what
   * the C library and cJSON allocate for themselves (regcomp, realpath, xxhash
   * state), still use malloc. */
  leadq_alloc alloc;
  void *alloc_ud;
  /* Where the rules and their includes and tables come from; NULL: the file system. */
  leadq_reader reader;
  void *reader_ud;
} leadq_options;

/* ---- compiling ---- */

/* Compiles the rules file at path (with its includes and tables). opts may be
 * NULL (malloc, the file system). On LEADQ_OK *prog is the program; otherwise
 * *prog is NULL and the status says why (LEADQ_ERR_COMPILE, LEADQ_ERR_IO).
 * diags, when not NULL, gets the errors and warnings either way: free it with
 * leadq_diagnostics_free. */
leadq_status leadq_compile_file(const char *path, const leadq_options *opts, leadq_program **prog,
                                leadq_diagnostics **diags);
/* The same for rules in memory: len bytes of text, named name in messages.
 * Includes and tables are read by opts->reader, or from the file system,
 * relative to name's folder as for a file of that name ("rules/acme.lq"
 * reads its `include "shared/vocab.lq"` from rules/shared/). */
leadq_status leadq_compile_text(const char *name, const char *text, size_t len, const leadq_options *opts,
                                leadq_program **prog, leadq_diagnostics **diags);
/* Frees a program (NULL: nothing); its evaluators must be freed first. */
void leadq_program_free(leadq_program *prog);
/* The ruleset's name (the file's name when it has no ruleset line) and
 * version (NULL when none), as decisions write them. */
const char *leadq_program_name(const leadq_program *prog);
const char *leadq_program_version(const leadq_program *prog);

/* ---- diagnostics ---- */

typedef enum leadq_severity { LEADQ_SEVERITY_ERROR, LEADQ_SEVERITY_WARNING } leadq_severity;

typedef struct leadq_diagnostic {
  leadq_severity severity;
  const char *file;      /* the rules file, as named or as an include resolved it; NULL
                            when the message is about no file's text (one that cannot be read) */
  int line, column;      /* 1-based; columns count characters. 0 when file is NULL */
  const char *message;   /* one line, without file, line or severity */
  const char *note;      /* what to do about it, or NULL */
} leadq_diagnostic;

/* How many were kept (at most 50 errors are kept; all are counted). */
size_t leadq_diagnostics_count(const leadq_diagnostics *diags);
size_t leadq_diagnostics_errors(const leadq_diagnostics *diags);
size_t leadq_diagnostics_warnings(const leadq_diagnostics *diags);
/* The i-th, sorted by file and position; 0 when i is out of range (*out untouched), else 1. */
int leadq_diagnostics_get(const leadq_diagnostics *diags, size_t i, leadq_diagnostic *out);
/* All of them as `leadq check` prints them, gcc's shape: "file:line:col:
 * error: message", the source line, a ^~~~ underline, the note; with color
 * not 0, in ANSI colours. NUL-terminated; its length in *len when len is not NULL. */
const char *leadq_diagnostics_text(const leadq_diagnostics *diags, int color, size_t *len);
/* NULL: nothing. */
void leadq_diagnostics_free(leadq_diagnostics *diags);

/* ---- evaluating ---- */

/* An evaluator for prog, its clock at the time it is made (as `leadq run`
 * without --now) and the id at the field "id". NULL only when prog is NULL. */
leadq_evaluator *leadq_evaluator_new(const leadq_program *prog);
/* NULL: nothing. */
void leadq_evaluator_free(leadq_evaluator *ev);
/* The clock, as `leadq run --now TIME`: "2026-11-22" or "2026-11-22T10:00:00Z".
 * LEADQ_ERR_ARG (clock unchanged) when it is neither. */
leadq_status leadq_evaluator_set_now(leadq_evaluator *ev, const char *when);
/* The same in seconds since 1970-01-01 UTC (ignored when not finite). */
void leadq_evaluator_set_now_unix(leadq_evaluator *ev, double seconds);
/* Where a lead's id is, as `leadq run --id-field PATH`: written as in the
 * rules (crm.id, `Prospect ID`). LEADQ_ERR_ARG (unchanged) when it is not a path. */
leadq_status leadq_evaluator_set_id_field(leadq_evaluator *ev, const char *path);

/* Evaluates one lead: len bytes of JSON text, one object (surrounding
 * whitespace allowed; no byte order mark). line is the lead's line number in
 * its input, its id when it has none at the id field (0: the id is null). On
 * LEADQ_OK *out is the decision, valid until the next call on ev; on
 * LEADQ_ERR_LEAD *out is NULL and leadq_evaluator_error says why, in the words
 * `leadq run` uses ("invalid JSON at column 12"). The lead is read into the
 * evaluator's memory (about 5 times its size; there is no --max-line-bytes
 * limit here: bound the text you pass). */
leadq_status leadq_evaluate(leadq_evaluator *ev, const char *json, size_t len, uint64_t line,
                            const leadq_decision **out);
/* Why the last call on ev failed, or "" after one that succeeded. */
const char *leadq_evaluator_error(const leadq_evaluator *ev);

/* ---- a decision ---- */

/* The JSON line `leadq run` writes for this lead, byte for byte, ending in a
 * newline (write len bytes); NUL-terminated. */
const char *leadq_decision_json(const leadq_decision *d, size_t *len);
/* The stage reached, the reject that fired, the route taken: names as
 * declared, or NULL for none. */
const char *leadq_decision_stage(const leadq_decision *d);
const char *leadq_decision_rejected(const leadq_decision *d);
const char *leadq_decision_route(const leadq_decision *d);
/* The route's owner (its `to`): text, or a number as written; NULL when none.
 * Its length in *len when len is not NULL (text may hold a NUL). */
const char *leadq_decision_owner(const leadq_decision *d, size_t *len);
/* The lead's id as the decision writes it (text, or a number as written);
 * NULL when the lead is known by its line number. Length in *len as above. */
const char *leadq_decision_id(const leadq_decision *d, size_t *len);
/* The total score: the sum of the score groups. */
double leadq_decision_score(const leadq_decision *d);
/* Score groups, in declaration order: how many, the i-th's name (NULL when
 * out of range) and score (after cap and decay; 0 when out of range). */
int leadq_decision_groups(const leadq_decision *d);
const char *leadq_decision_group_name(const leadq_decision *d, int i);
double leadq_decision_group_score(const leadq_decision *d, int i);
/* A score group by name: 1 and its score in *score, or 0 when there is none. */
int leadq_decision_score_of(const leadq_decision *d, const char *group, double *score);
/* Grades, in declaration order: how many, the i-th's name, and its label
 * ("A"), NULL when no arm held or i is out of range. */
int leadq_decision_grades(const leadq_decision *d);
const char *leadq_decision_grade_name(const leadq_decision *d, int i);
const char *leadq_decision_grade(const leadq_decision *d, int i);
/* A grade's label by the grade's name; NULL when no such grade or no arm held. */
const char *leadq_decision_grade_of(const leadq_decision *d, const char *grade);

/* Why: each scoring rule that gave points and each reject that fired, in the
 * order of the JSON line's "reasons". */
typedef struct leadq_reason {
  const char *rule;      /* the rule's label, or the reject's name */
  const char *group;     /* its score group; NULL for a reject */
  double points;         /* 0 for a reject */
  int reject;            /* 1 for a reject, else 0 */
} leadq_reason;
int leadq_decision_reasons(const leadq_decision *d);
/* The i-th into *out: 1, or 0 when i is out of range. */
int leadq_decision_reason(const leadq_decision *d, int i, leadq_reason *out);

#ifdef __cplusplus
}
#endif
#endif
