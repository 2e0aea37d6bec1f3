/* output.h: decisions as JSON text. */
#ifndef LQ_OUTPUT_H
#define LQ_OUTPUT_H
#include "eval.h"
#include "json.h"

/* The id as it should be printed: the lead's id value if text or a number,
 * otherwise the input line number. */
void lq_out_id(lq_buf *b, lq_value id, uint64_t lineno);
/* {"id":...,"ruleset":...,"stage":...,...}: the decision object, without a newline. */
void lq_out_decision(lq_buf *b, const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno);
/* The lead's own bytes with the decision added as its last key. */
void lq_out_annotated(lq_buf *b, const char *line, size_t len, const char *key,
                      const lq_program *p, const lq_result *r, lq_value id, uint64_t lineno);

#endif
