/* output.h: decisions as JSON text and as CSV rows; a lead as JSON. */
#ifndef LQ_OUTPUT_H
#define LQ_OUTPUT_H
#include "eval.h"
#include "json.h"
#include "jsonw.h"

/* ---- a lead's id: read once per lead, shown the same way by every command ---- */

typedef enum {
  LQ_ID_LINE,     /* none: the lead is known by its line number */
  LQ_ID_TEXT,     /* text at --id-field */
  LQ_ID_NUMBER,   /* a number at --id-field, as the lead wrote it (1.0, 12345678901234567890, 1e400) */
} lq_id_kind;

typedef struct lq_id {
  lq_id_kind kind;
  bool odd;            /* LINE because the value at --id-field was an object, a list or
                          true/false: counted, so a run can say so (it looks like a real id) */
  uint32_t n;
  const char *s;       /* TEXT and NUMBER: n bytes (text may hold a NUL), not NUL-terminated */
  uint64_t line;       /* the record's first line; 0 for a lead with none (a test block's) */
} lq_id;

/* The id of lead at the path segs (--id-field), found directly or through
 * arrays as the rules read paths; its bytes live as long as the lead and E's
 * scratch memory. Blank text and null are no id, as for any field. */
lq_id lq_id_read(lq_eval *E, const cJSON *lead, const lq_seg *segs, uint32_t nsegs, uint64_t line);
/* In JSON: "text" (escaped), a number as written, or the line number (null when 0). */
void lq_id_json(lq_buf *b, const lq_id *id);
/* In plain text, for a person: the text with control characters made harmless
 * (lq_out_text), a number as written, or #LINE. */
void lq_id_text(lq_buf *b, const lq_id *id);
/* In a CSV cell: the text or number as written, quoted when it must be, or the line number. */
void lq_id_csv(lq_buf *b, const lq_id *id, char delim);
/* Whether id is the one a person asked for by want (explain --lead): its text or
 * number exactly as written, or for a lead known by its line, that number. */
bool lq_id_is(const lq_id *id, const char *want);

/* Text from the leads (ids, owners, values) for a terminal or any plain-text
 * output: each control character (C0, DEL, C1: U+0080 to U+009F) becomes a space,
 * so no value can move the cursor, retitle the terminal or hide what follows. */
void lq_out_text(lq_buf *b, const char *s, size_t n);
/* The same, in place, for what was written to b from offset from on (a JSON
 * string shown in text escapes C0 itself, but not DEL or C1). */
void lq_out_text_fix(lq_buf *b, size_t from);
/* The length of the control character at s (1, or 2 for a C1 in UTF-8), or 0. */
size_t lq_out_control(const char *s, size_t n);
/* A count as people read it, with thousands separators: "8,000". buf holds
 * at least LQ_OUT_COUNT_MAX bytes; returns buf. */
#define LQ_OUT_COUNT_MAX 28
const char *lq_out_count(char *buf, unsigned long long n);
/* s as a Markdown code span, shown as written: fenced by one backquote more
 * than its longest run of them (CommonMark), a line break as a space. */
void lq_out_md_code(lq_buf *b, const char *s);
/* How many terminal columns the UTF-8 text s[0..n) takes, for lining up
 * columns: combining marks and zero-width characters 0, East Asian wide and
 * fullwidth characters and emoji 2, anything else (a byte that is not UTF-8
 * too) 1. */
int lq_out_width(const char *s, size_t n);

/* ---- a decision's owner: one text for every command ---- */

/* The owner (a route's `to`) as a decision prints it: text as it is, a number
 * as written (1042, 2.5); false when there is none. The text is the value's
 * own, or in buf (32 bytes). *bare: JSON writes it without quotes (a number).
 * run, diff, report and `expect owner` all tell owners apart by this text. */
bool lq_owner_text(lq_value owner, char *buf, const char **s, size_t *n, bool *bare);

/* {"id":...,"ruleset":...,"stage":...,...}: the decision object, without a newline. */
void lq_out_decision(lq_buf *b, const lq_program *p, const lq_result *r, const lq_id *id);
/* The same as one value of a document being written (explain's "decision"). */
void lq_out_decision_jw(lq_jw *w, const lq_program *p, const lq_result *r, const lq_id *id);
/* The lead's own bytes (an object: lead, as parsed from them) with the decision
 * under key: its last key, or, when the lead already has key, in place of that
 * key's value (the new decision wins; no key is written twice). */
void lq_out_annotated(lq_buf *b, const char *line, size_t len, const cJSON *lead, const char *key,
                      const lq_program *p, const lq_result *r, const lq_id *id);

/* CSV for CRM import (RFC 4180). Each call writes one row or cell and no line
 * end: the caller adds LF. delim is the cell separator (',', ';', '\t'...), never
 * '"', CR or LF. */

/* One cell: quoted when it holds delim, '"', CR or LF, or starts or ends with a
 * space or tab; inner quotes doubled. */
void lq_out_csv_cell(lq_buf *b, const char *s, size_t n, char delim);
/* The header row: id, ruleset, version, stage, rejected, route, owner, score, one
 * column per score group, one per grade, reasons. With prefix (not NULL) every
 * column is named PREFIX.COLUMN. */
void lq_out_csv_header(lq_buf *b, const lq_program *p, const char *prefix, char delim);
/* One decision in the header's columns. The id as lq_id_csv writes it; a missing
 * value (no stage, no grade, no owner) is an empty cell; reasons in
 * lq_out_decision's order, "LABEL +N" or "NAME (reject)", joined by "; ". */
void lq_out_csv_decision(lq_buf *b, const lq_program *p, const lq_result *r, const lq_id *id, char delim);

/* Annotating CSV records (run --annotate --output csv): each record as it came,
 * then the decision's columns. When the input's header already has some of them
 * (KEY.id ... KEY.reasons, as lq_out_csv_header names them: a file annotated
 * before), the new decision wins: those cells get its values where they stand,
 * and only the other columns are added. */
/* For each of the input's ncols columns (named keys[c], key_lens[c] bytes; NULL:
 * no name), the decision column it already is, or -1; NULL when none is (the
 * usual case). The caller frees it. */
int *lq_out_csv_taken(const lq_program *p, const char *prefix, const char *const *keys, const uint32_t *key_lens,
                      int ncols);
/* The header row as it came, then the decision's columns it does not have. */
void lq_out_csv_annotated_header(lq_buf *b, const lq_program *p, const char *prefix, const char *header, size_t len,
                                 const int *taken, int ncols, char delim);
/* A record as it came (raw: its bytes, as the reader took them), the taken cells
 * replaced by the decision's, then the decision's other cells. */
void lq_out_csv_annotated(lq_buf *b, const char *raw, size_t len, const int *taken, int ncols, const lq_program *p,
                          const lq_result *r, const lq_id *id, char delim);

/* A JSON value as compact JSON, keys in order: a lead as it was read (by
 * lq_json_parse_lead, or from a CSV record). A number with its text at valuestring
 * (length in valueint > 0) is written as that text; a string with valueint > 0 is
 * that many bytes and may hold a NUL. */
void lq_out_lead_json(lq_buf *b, const cJSON *v);

#endif
