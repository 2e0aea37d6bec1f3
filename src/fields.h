/* fields.h: the fields the rules read that no lead had, each with a did-you-mean.
 *
 * For the end-of-run warnings "rules.lq:12:8: warning: 'orign' was missing in
 * all 8,000 leads; the leads have 'origin'" and "--id-field found in no lead".
 * A tracker follows the program's fields (lq_program.fields) and the id path
 * over a stream of leads. A field found present once is never looked at again.
 * While a field is unseen, the keys of the objects it was looked up in are
 * kept as did-you-mean candidates, only those close enough to be the intended
 * key, from its first LQ_FIELDS_WINDOW leads without it and at most
 * LQ_FIELDS_MAX_KEYS of them, so memory stays flat over any stream. A path of
 * two or more keys from the lead is looked for flat too: a top-level key equal
 * (or equal but for case) to its keys joined with '.', as a CSV export's header
 * has company.employees, is the suggestion before any other.
 * One tracker per thread, merged at the end. Findings are data; the caller prints.
 */
#ifndef LQ_FIELDS_H
#define LQ_FIELDS_H
#include "error.h"
#include "program.h"

#define LQ_FIELDS_WINDOW   1000   /* leads without a field whose keys are looked at */
#define LQ_FIELDS_MAX_KEYS 256    /* did-you-mean candidates kept per field */

typedef struct lq_fields lq_fields;

/* Tracks p's fields and, when id_nsegs > 0, the id path (from --id-field; copied). */
lq_fields *lq_fields_new(const lq_program *p, const lq_seg *id_segs, uint32_t id_nsegs);
/* Notes which fields one lead has. A path is read as the rules read it (through
 * arrays too); a value is present unless absent, null, or text that is empty
 * or only white space. */
void lq_fields_observe(lq_fields *t, const cJSON *lead);
/* Adds what from saw to into; both track the same program and id path. */
void lq_fields_merge(lq_fields *into, const lq_fields *from);
void lq_fields_free(lq_fields *t);

/* Whether a lead's top-level key can matter to the rules or to a finding: the
 * first key of a field's path, one close enough to be its misspelling, or the
 * whole path written with dots. A reader may leave out the other keys. */
bool lq_fields_wants_key(const lq_fields *t, const char *key, uint32_t len);
/* Leads observed (merged ones included). With none, every field is missing. */
uint64_t lq_fields_leads(const lq_fields *t);

/* A field no lead had, and the key the leads had instead, if one is close. */
typedef struct lq_fields_miss {
  int field;             /* index in the program's fields; -1 for the id path */
  const char *text;      /* the field as written in the rules (the id path: as it would be) */
  lq_span span;          /* the field's first use; the id path: all zero */
  const char *key;       /* the closest key, exactly as the leads had it; NULL: none */
  uint32_t key_seg;      /* which segment of the field's path key takes the place of */
  uint32_t key_nsegs;    /* how many: 1, or all of a lead-rooted path's when the leads
                            had it flat, as one top-level key of its segments joined
                            with '.' (a CSV column company.employees); 0 with no key */
  const char *suggest;   /* the field's path with key in that place, written as in the
                            rules (company.employees, `Lead Source`, `company.employees`);
                            NULL with key */
} lq_fields_miss;

/* True when no lead had field i (lq_program.fields[i]), with *out filled in. A
 * field read from a list's items (LQ_ROOT_ITEM) has its own path in text and
 * suggest, and is reported only when some lead had the list: otherwise the
 * list's own finding says it. Strings live until lq_fields_free. */
bool lq_fields_missing(lq_fields *t, int i, lq_fields_miss *out);
/* The same for the id path: true when it is tracked and no lead had it. */
bool lq_fields_id_missing(lq_fields *t, lq_fields_miss *out);
/* Did-you-mean candidates kept for field i (-1: the id path): at most LQ_FIELDS_MAX_KEYS. */
int lq_fields_kept(const lq_fields *t, int i);

/* A path as written in the rules (a.b, `Key with spaces`, a[0]) into segments:
 * what --id-field names. False when it is not one, with err (when not NULL)
 * saying so, path first: "'a..b' is not a field path; write e.g. ...", or
 * "'a[5000000000]': a list index is a whole number from ...". */
bool lq_path_parse(lq_arena *a, const char *text, lq_seg **segs, uint32_t *nsegs, lq_error *err);

#endif
