/* check_tests.c: test blocks: what they expect must exist, their lead must be JSON. */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_pass.h"
#include "expect.h"
#include "json.h"
#include "pattern.h"
#include "value.h"

/* ---- Test blocks: what they expect must exist ---- */

typedef struct names { const char **v; size_t n, cap; } names;

/* Repeats are kept (a route name may recur); names_join skips them. */
static void names_add(names *l, const char *s) {
  if (l->n + 1 >= l->cap) {
    l->cap = l->cap ? 2 * l->cap : 16;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    if (!l->v) abort();
  }
  l->v[l->n++] = s;
  l->v[l->n] = NULL;
}

static bool names_has(const names *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->v[i], s)) return true;
  return false;
}

/* "MQL, SQL" or ""\"a\", \"b\""; shortened when long. */
static const char *names_join(const names *l, bool quote, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < l->n && len < size; i++) {
    if (len > size - 64) { snprintf(buf + len, size - len, ", ..."); break; }
    bool seen = false;
    for (size_t k = 0; k < i && k < 64 && !seen; k++) seen = !strcmp(l->v[k], l->v[i]);
    if (seen) continue;
    len += (size_t)snprintf(buf + len, size - len, quote ? "%s\"%s\"" : "%s%s", i ? ", " : "", l->v[i]);
  }
  return buf;
}

typedef struct lq_check_declared {
  names stages, routes, groups, grades, rejects, reasons;
  bool owners;   /* some route has `to` */
} declared;

static void declared_collect(declared *k, const lq_node *decls) {
  for (const lq_node *d = decls; d; d = d->next) {
    switch (d->kind) {
    case LQ_STAGE: names_add(&k->stages, d->str.s); break;
    case LQ_ROUTE: names_add(&k->routes, d->a->str.s); k->owners |= d->c != NULL; break;
    case LQ_GRADE: names_add(&k->grades, d->str.s); break;
    case LQ_REJECT: names_add(&k->rejects, d->a->str.s); names_add(&k->reasons, d->a->str.s); break;
    case LQ_SCORE:
      names_add(&k->groups, d->str.s);
      for (const lq_node *it = d->kids; it; it = it->next)
        if (it->kind == LQ_POINTS) names_add(&k->reasons, it->b->str.s);
      break;
    default: break;
    }
  }
}

static void declared_free(declared *k) {
  free(k->stages.v); free(k->routes.v); free(k->groups.v);
  free(k->grades.v); free(k->rejects.v); free(k->reasons.v);
}

/* Reports a name the test expects that the rules do not declare. */
static void unknown_expected(checker *c, const lq_node *w, const char *what, const names *known, bool quote) {
  char list[400];
  const char *near = lq_check_near_miss(NULL, known->v, w->str.s, w->str.n);
  const char *q = quote ? "\"" : "'";
  if (near)
    lq_diag_error(c->d, w->span, "unknown %s %s%s%s; did you mean %s%s%s?", what, q, w->str.s, q, q, near, q);
  else
    lq_diag_error(c->d, w->span, "unknown %s %s%s%s", what, q, w->str.s, q);
  if (known->n)
    lq_diag_note(c->d, "declared %ss: %s", what, names_join(known, quote, list, sizeof list));
  else
    lq_diag_note(c->d, "the rules declare no %ss", what);
}

/* One expect line, read by expect.c's list of forms: what it names must be
 * declared. The compiler lowers it again, against the program. */
static void expectation(checker *c, const declared *k, const lq_node *e) {
  lq_expect_words W;
  int n;
  if (!lq_expect_parse(e, names_has(&k->groups, "owner"), &W, &n)) {
    char text[72], forms[600];
    lq_diag_error(c->d, e->span, "unknown expectation '%s'", lq_check_excerpt(c, e->span, text, sizeof text));
    lq_diag_note(c->d, "an expectation is one of: %s", lq_expect_forms(forms, sizeof forms));
    return;
  }
  const lq_node *w = W.arg;
  switch (W.kind) {
  case LQ_X_STAGE:
    if (!W.none && !names_has(&k->stages, w->str.s)) unknown_expected(c, w, "stage", &k->stages, false);
    break;
  case LQ_X_ROUTE:
    if (!W.none && !names_has(&k->routes, w->str.s)) unknown_expected(c, w, "route", &k->routes, true);
    break;
  case LQ_X_OWNER:
    if (!W.none && w->kind == LQ_STR && lq_text_blank(w->str.s, w->str.n)) {
      lq_diag_error(c->d, w->span, "an owner is never empty");
      lq_diag_note(c->d, "write expect owner none for a lead that goes to no one");
    } else if (!W.none && !k->owners) {
      lq_diag_error(c->d, w->span, "no route has an owner, so no lead can go to this one");
      lq_diag_note(c->d, "name the person a route goes to: route \"NAME\" to OWNER when ...");
    }
    break;
  case LQ_X_REJECTED:
    if (w && !names_has(&k->rejects, w->str.s)) unknown_expected(c, w, "reject reason", &k->rejects, true);
    break;
  case LQ_X_REASON:
    if (!names_has(&k->reasons, w->str.s)) unknown_expected(c, w, "reason", &k->reasons, true);
    break;
  case LQ_X_GRADE: {
    const sym *s = lq_check_sym(&c->names, w->str.s, w->str.n);
    if (!s->name || s->decl->kind != LQ_GRADE) {
      unknown_expected(c, w, "grade", &k->grades, false);
    } else if (W.label) {
      names labels = {0};
      for (const lq_node *arm = s->decl->kids; arm; arm = arm->next) names_add(&labels, arm->a->str.s);
      if (!names_has(&labels, W.label->str.s)) {
        char list[400];
        const char *near = lq_check_near_miss(NULL, labels.v, W.label->str.s, W.label->str.n);
        if (near)
          lq_diag_error(c->d, W.label->span, "grade %s has no label \"%s\"; did you mean \"%s\"?", s->name,
                        W.label->str.s, near);
        else
          lq_diag_error(c->d, W.label->span, "grade %s has no label \"%s\"", s->name, W.label->str.s);
        lq_diag_note(c->d, "its labels are %s", names_join(&labels, true, list, sizeof list));
      }
      free(labels.v);
    }
    break;
  }
  case LQ_X_GROUP:
    if (!names_has(&k->groups, W.head->str.s)) unknown_expected(c, W.head, "score group", &k->groups, false);
    break;
  case LQ_X_SCORE: break;
  }
}

void lq_check_test_block(checker *c, const lq_node *t) {
  if (!c->declared) {
    c->declared = calloc(1, sizeof *c->declared);
    if (!c->declared) abort();
    declared_collect(c->declared, c->decls);
  }
  const declared *k = c->declared;
  const lq_node *lead = NULL;
  for (const lq_node *it = t->kids; it; it = it->next) {
    double now;
    if (it->kind == LQ_EXPECT) {
      expectation(c, k, it);
    } else if (it->kind == LQ_TEST_NOW && !lq_time_parse(it->a->str.s, it->a->str.n, &now)) {
      lq_diag_error(c->d, it->a->span, "now \"%s\" is not a date or date-time", it->a->str.s);
      lq_diag_note(c->d, "write e.g. now \"2026-11-22\" or now \"2026-11-22T10:00:00Z\"");
    } else if (it->kind == LQ_TEST_LEAD) {
      if (lead) {
        lq_diag_error(c->d, it->span, "this test already has a lead (line %d); a test checks one lead",
                      lq_check_line(c, lead->span));
        lq_diag_note(c->d, "move the second lead into a test of its own");
      }
      lead = it;   /* parsed, and refused when not JSON, before the checker ran (compile.c) */
    }
  }
  if (!lead) {
    lq_diag_error(c->d, t->name_span, "test \"%s\" has no lead", t->str.s);
    lq_diag_note(c->d, "add the lead it checks: lead {\"id\": \"t1\", ...}");
  }
}


void lq_check_tests_free(checker *c) {
  if (!c->declared) return;
  declared_free(c->declared);
  free(c->declared);
  c->declared = NULL;
}
