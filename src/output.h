/* output.h: decisions as JSON text and as CSV rows; a lead as JSON. */
#ifndef LQ_OUTPUT_H
#define LQ_OUTPUT_H
#include "eval.h"
#include "json.h"

/* The id as it should be printed: the lead's id value if text or a number,
 * otherwise the input line number (null when lineno is 0: an owner). */
void lq_out_id(lq_buf *b, lq_value id, uint64_t lineno);
/* {"id":...,"ruleset":...,"stage":...,...}: the decision object, without a newline. */
void lq_out_decision(lq_buf *b, const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno);
/* The lead's own bytes with the decision added as its last key. */
void lq_out_annotated(lq_buf *b, const char *line, size_t len, const char *key,
                      const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno);

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
/* One decision in the header's columns. The id as lq_out_id picks it; a missing
 * value (no stage, no grade, no owner) is an empty cell; reasons in
 * lq_out_decision's order, "LABEL +N" or "NAME (reject)", joined by "; ". */
void lq_out_csv_decision(lq_buf *b, const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno,
                         char delim);

/* A JSON value as compact JSON, keys in order: a lead as it was read (by
 * lq_json_parse_lead, or from a CSV record). A number with its text at valuestring
 * (length in valueint > 0) is written as that text; a string with valueint > 0 is
 * that many bytes and may hold a NUL. */
void lq_out_lead_json(lq_buf *b, const cJSON *v);

#endif
