/* check_order.c: declarations nothing uses, and stages that refer to later ones. */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_pass.h"
#include "json.h"
#include "pattern.h"
#include "value.h"

/* ---- Declarations nothing uses ---- */

static bool is_rule(const lq_node *d) {
  return d->kind == LQ_SCORE || d->kind == LQ_GRADE || d->kind == LQ_REJECT || d->kind == LQ_STAGE ||
         d->kind == LQ_ROUTE;
}

/* A define or list is used when a rule refers to it, directly or through
 * defines that are used. Declarations from included files are shared
 * vocabulary, and a file without rules is one: neither warns. */
void lq_check_unused(checker *c, lq_node **by_order, int n) {
  bool has_rules = false;
  for (int i = 0; i < n; i++) has_rules |= is_rule(by_order[i]);
  if (!has_rules) return;
  bool *live = calloc((size_t)n + 1, sizeof *live);
  if (!live) abort();
  for (int i = 0; i < n; i++) live[i] = is_rule(by_order[i]);
  /* Uses were recorded in declaration order, and a declaration only uses
   * earlier ones: walking them backwards settles each before its own uses. */
  for (size_t u = c->nuses; u-- > 0;)
    if (live[c->uses[u].from]) live[c->uses[u].to] = true;
  for (int i = 0; i < n; i++) {
    lq_node *d = by_order[i];
    if (d->span.file != 0) continue;
    if ((d->kind == LQ_DEFINE || d->kind == LQ_LISTDECL || d->kind == LQ_TABLE) && !live[i]) {
      const sym *e = lq_check_sym(&c->names, d->str.s, d->str.n);
      if (e->decl != d) continue;   /* a duplicate, already an error */
      lq_diag_warning(c->d, d->name_span, "%s '%s' is never used", lq_check_kind_word(d->kind), d->str.s);
      lq_diag_note(c->d, "no rule refers to it, directly or through a define that one uses; remove it, or use it");
    } else if (d->kind == LQ_TEAM) {
      const sym *e = lq_check_sym(&c->teams, d->str.s, d->str.n);
      if (e->decl != d || e->used) continue;
      lq_diag_warning(c->d, d->name_span, "team '%s' owns no rule", d->str.s);
      lq_diag_note(c->d, "write 'by %s' on the rules it owns, or remove the team", d->str.s);
    }
  }
  free(live);
}

/* ---- Stages in order ---- */

static bool refers_to_stage(const lq_node *n, int depth) {
  if (!n || depth > MAX_DEPTH) return false;
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_STAGE) return true;
  if (n->kind == LQ_NAME && n->ref_kind == LQ_REF_DEFINE && n->ref && refers_to_stage(n->ref->a, depth + 1))
    return true;
  if (refers_to_stage(n->a, depth) || refers_to_stage(n->b, depth) || refers_to_stage(n->c, depth) ||
      refers_to_stage(n->d, depth))
    return true;
  for (const lq_node *k = n->kids; k; k = k->next)
    if (refers_to_stage(k, depth)) return true;
  return false;
}

/* Stages climb: every stage after the first should build on an earlier one
 * (`stage SQL when MQL and ...`), or a lead can skip a step of the funnel.
 * A condition that names no stage at all, directly or through a define, warns. */
void lq_check_stage_order(checker *c, const lq_node *d, const lq_node *prev) {
  if (!prev || !d->b || refers_to_stage(d->b, 0)) return;
  lq_diag_warning(c->d, d->b->span, "stage %s does not refer to an earlier stage, so a lead can reach it without reaching %s",
                  d->str.s, prev->str.s);
  lq_diag_note(c->d, "stages are in ascending order; write 'when %s and ...' so that %s builds on %s", prev->str.s,
               d->str.s, prev->str.s);
}

