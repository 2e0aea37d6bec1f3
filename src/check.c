/* check.c: resolves names in declaration order and reports what is wrong:
 * the driver of the passes (check_pass.h lists them), and what belongs to no
 * one pass (teams, score and grade blocks, routes' order). Everything must be declared before it is used, so one pass in order suffices;
 * a first pass only collects names, to say "declared later" instead of guessing. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pass.h"
#include "json.h"
#include "value.h"

static void owner(checker *c, lq_node *d) {
  if (!d->owner) return;
  sym *e = lq_check_sym(&c->teams, d->owner->str.s, d->owner->str.n);
  if (!e->name) {
    const char *near = lq_check_near_miss(&c->teams, NULL, d->owner->str.s, d->owner->str.n);
    if (near)
      lq_diag_error(c->d, d->owner->span, "unknown team '%s'; did you mean '%s'?", d->owner->str.s, near);
    else {
      lq_diag_error(c->d, d->owner->span, "unknown team '%s'", d->owner->str.s);
      lq_diag_note(c->d, "declare it first: team %s \"Name <email>\"", d->owner->str.s);
    }
  } else {
    e->used = true;
    if (e->order > c->order)
      lq_diag_error(c->d, d->owner->span, "team '%s' is declared later (line %d); declare teams first",
                    d->owner->str.s, lq_check_line(c, e->decl->span));
  }
}

static void score_group(checker *c, lq_node *g) {
  lq_node *cap = NULL, *decay = NULL;
  size_t nkids = 0;
  for (lq_node *it = g->kids; it; it = it->next) nkids++;
  symtab labels;   /* a label seen twice in a group is a warning; a group may hold thousands */
  lq_check_symtab_init(&labels, nkids);
  for (lq_node *it = g->kids; it; it = it->next) {
    switch (it->kind) {
    case LQ_CAP:
      if (cap) lq_diag_error(c->d, it->span, "score group '%s' already has a cap (line %d); keep one 'up to'",
                             g->str.s, lq_check_line(c, cap->span));
      cap = it;
      break;
    case LQ_DECAY:
      if (decay) lq_diag_error(c->d, it->span, "score group '%s' already decays (line %d); keep one 'decay'",
                               g->str.s, lq_check_line(c, decay->span));
      decay = it;
      if (it->num <= 0 || it->num > 100)
        lq_diag_error(c->d, it->span, "decay is a percentage above 0 and at most 100");
      if (it->a->num <= 0)
        lq_diag_error(c->d, it->a->span, "decay needs a period of at least one day");
      lq_check_expr(c, it->b);
      break;
    case LQ_POINTS:
      lq_check_expr(c, it->a);
      lq_check_expr(c, it->c);
      if (it->per && it->d && it->d->num < 0)
        lq_diag_error(c->d, it->d->span, "a cap is a number of points, 0 or more");
      sym *seen = lq_check_sym(&labels, it->b->str.s, it->b->str.n);
      if (seen->name) {
        lq_diag_warning(c->d, it->name_span, "score group '%s' already has a rule labelled \"%s\" (line %d)",
                        g->str.s, it->b->str.s, lq_check_line(c, seen->decl->span));
        lq_diag_note(c->d, "a label names its rule in a decision's reasons; give each rule its own label, or merge the two");
      } else {
        lq_check_symtab_add(&labels, (sym){.name = it->b->str.s, .len = it->b->str.n, .decl = it});
      }
      lq_check_never_points(c, it);
      break;
    default: break;
    }
  }
  lq_check_symtab_free(&labels);
}

static void arms(checker *c, lq_node *g) {
  lq_node *other = NULL;
  int n = 0;
  for (lq_node *a = g->kids; a; a = a->next, n++) {
    if (other) {
      lq_diag_warning(c->d, a->span, "grade '%s' never reaches this label: 'otherwise' (line %d) comes first",
                      g->str.s, lq_check_line(c, other->span));
      lq_diag_note(c->d, "labels are tried in order and 'otherwise' always holds; move this label above it, or remove it");
    }
    lq_check_expr(c, a->b);
    if (!other) lq_check_never_arm(c, g, a);
    if (a->otherwise && !other) other = a;
  }
  if (!n) lq_diag_error(c->d, g->span, "grade '%s' has no labels; add lines like \"A\" when COND", g->str.s);
}

/* Reports the first declaration or block item past MAX_RULES, if any. */
static bool too_many_rules(const lq_node *decls, lq_diags *diags) {
  size_t n = 0;
  for (const lq_node *d = decls; d; d = d->next) {
    const lq_node *over = ++n > MAX_RULES ? d : NULL;
    if (d->kind == LQ_SCORE || d->kind == LQ_GRADE)
      for (const lq_node *k = d->kids; k && !over; k = k->next)
        if (++n > MAX_RULES) over = k;
    if (over) {
      lq_diag_error(diags, over->span, "more than 100,000 declarations and rules; a program holds at most 100,000");
      lq_diag_note(diags, "every declaration counts, and every item of a score or grade block");
      return true;
    }
  }
  return false;
}

size_t lq_check(lq_node *decls, const lq_sources *src, lq_diags *diags) {
  size_t errors_before = diags->errors;
  checker c = {0};
  c.d = diags;
  c.src = src;
  c.decls = decls;
  size_t ndecls = 0;
  for (lq_node *d = decls; d; d = d->next) ndecls++;
  if (too_many_rules(decls, diags)) return diags->errors - errors_before;
  lq_check_symtab_init(&c.names, ndecls);
  lq_check_symtab_init(&c.teams, ndecls);

  /* Pass 1: names, slots and where the aggregates end. */
  int slots[LQ_KIND_COUNT] = {0};
  int order = 0;
  lq_node *ruleset = NULL;
  for (lq_node *d = decls; d; d = d->next, order++) {
    d->slot = slots[d->kind]++;
    switch (d->kind) {
    case LQ_RULESET:
      if (ruleset)
        lq_diag_error(diags, d->span, "the ruleset is already named (line %d); a rules file has one 'ruleset' line",
                      lq_check_line(&c, ruleset->span));
      ruleset = d;
      break;
    case LQ_TEAM: {
      sym *e = lq_check_sym(&c.teams, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "team '%s' is already declared (line %d)", d->str.s,
                      lq_check_line(&c, e->decl->span));
      else
        lq_check_symtab_add(&c.teams, (sym){d->str.s, d->str.n, d, order, false, false});
      break;
    }
    case LQ_SCORE: c.last_group = d; c.last_group_order = order; goto named;
    case LQ_LISTDECL: case LQ_DEFINE: case LQ_GRADE: case LQ_STAGE: case LQ_TABLE:
    named: {
      if (lq_check_is(d->str, "score") || lq_check_is(d->str, "rejected") || lq_check_is(d->str, "lead")) {
        lq_diag_error(diags, d->name_span, "'%s' is a reserved name; choose another", d->str.s);
        break;
      }
      sym *e = lq_check_sym(&c.names, d->str.s, d->str.n);
      if (e->name)
        lq_diag_error(diags, d->name_span, "'%s' is already declared as a %s (line %d); names must be unique",
                      d->str.s, lq_check_kind_word(e->decl->kind), lq_check_line(&c, e->decl->span));
      else
        lq_check_symtab_add(&c.names, (sym){d->str.s, d->str.n, d, order, false, false});
      break;
    }
    case LQ_REJECT: c.last_reject = d; c.last_reject_order = order; break;
    default: break;
    }
  }

  /* Pass 2: every declaration in order. */
  order = 0;
  lq_node *route_otherwise = NULL, *prev_stage = NULL;
  lq_node **by_order = calloc(ndecls + 1, sizeof *by_order);
  c.define_never = calloc(ndecls + 1, sizeof *c.define_never);
  if (!by_order || !c.define_never) abort();
  for (lq_node *d = decls; d; d = d->next, order++) {
    c.order = order;
    by_order[order] = d;
    owner(&c, d);
    switch (d->kind) {
    case LQ_LISTDECL:
      for (lq_node *k = d->a->kids; k; k = k->next)
        if (!lq_check_is_constant(k))
          lq_diag_error(diags, k->span, "a list holds constants: quoted text, numbers, true, false or null");
      break;
    case LQ_DEFINE: lq_check_expr(&c, d->a); lq_check_never(&c, d); break;
    case LQ_SCORE: score_group(&c, d); break;
    case LQ_GRADE: arms(&c, d); break;
    case LQ_REJECT: lq_check_expr(&c, d->b); lq_check_never(&c, d); break;
    case LQ_STAGE:
      lq_check_expr(&c, d->b);
      lq_check_never(&c, d);
      if (lq_check_sym(&c.names, d->str.s, d->str.n)->decl == d) {   /* not a duplicate */
        lq_check_stage_order(&c, d, prev_stage);
        prev_stage = d;
      }
      break;
    case LQ_ROUTE:
      if (route_otherwise) {
        lq_diag_warning(diags, d->span, "route \"%s\" can never be chosen: 'otherwise' (line %d) comes first",
                        d->a->str.s, lq_check_line(&c, route_otherwise->span));
        lq_diag_note(diags, "routes are tried in order and 'otherwise' always holds; move this route above it, or remove it");
      }
      lq_check_expr(&c, d->b);
      lq_check_expr(&c, d->c);
      if (!route_otherwise) lq_check_never(&c, d);
      bool never = d->c && lq_check_route_to(&c, d);
      /* `to` on 'otherwise': when the owner is missing that route is passed over too. */
      bool may_miss = d->c && (lq_check_value_types(d->c, 0) & ~(T_TEXT | T_NUM));
      if (d->otherwise && may_miss && !never && !route_otherwise) {
        lq_diag_warning(diags, d->c->span, "route \"%s\" is 'otherwise', but a lead whose owner here is missing gets no route at all",
                        d->a->str.s);
        lq_diag_note(diags, "a route whose owner is missing is passed over; give 'otherwise' a fixed owner (to \"queue@acme.example\"), or add a last route without 'to'");
      }
      if (d->otherwise && !may_miss && !route_otherwise) route_otherwise = d;
      break;
    case LQ_TEST: lq_check_test_block(&c, d); break;
    case LQ_TABLE:
      for (lq_node *k = d->kids; k; k = k->next) lq_check_column(&c, d->table, k->str, k->span, ITEM_NONE);
      break;
    default: break;
    }
  }
  /* With names unresolved, a typo may be the use a declaration is missing. */
  if (diags->errors == errors_before) lq_check_unused(&c, by_order, order);
  lq_check_tests_free(&c);
  free(by_order);
  free(c.define_never);
  lq_mem_free(c.uses);
  lq_check_symtab_free(&c.names);
  lq_check_symtab_free(&c.teams);
  return diags->errors - errors_before;
}

