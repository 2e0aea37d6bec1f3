/* check_tests.c: test blocks: what they expect must exist, their lead must be JSON. */
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

static const char expect_forms[] =
    "an expectation is one of: stage NAME, stage none, route \"NAME\", route none, owner \"PERSON\", owner none, "
    "rejected, rejected \"REASON\", not rejected, reason \"LABEL\", not reason \"LABEL\", GROUP N (a score group's "
    "points), score N (the total), grade NAME \"LABEL\", grade NAME none";

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

static bool word_is(const lq_node *w, const char *s) { return w && w->kind == LQ_NAME && lq_check_is(w->str, s); }

static void expectation(checker *c, const declared *k, const lq_node *e) {
  const lq_node *w[4] = {0};
  int n = 0;
  for (const lq_node *x = e->kids; x; x = x->next, n++)
    if (n < 4) w[n] = x;
  if (n >= 1 && w[0]->kind == LQ_NOT_WORD) {
    if (n == 2 && word_is(w[1], "rejected")) return;
    if (n == 3 && word_is(w[1], "reason") && w[2]->kind == LQ_STR) {
      if (!names_has(&k->reasons, w[2]->str.s)) unknown_expected(c, w[2], "reason", &k->reasons, true);
      return;
    }
  } else if (word_is(w[0], "stage")) {
    if (n == 2 && w[1]->kind == LQ_NAME) {
      if (!word_is(w[1], "none") && !names_has(&k->stages, w[1]->str.s))
        unknown_expected(c, w[1], "stage", &k->stages, false);
      return;
    }
  } else if (word_is(w[0], "route")) {
    if (n == 2 && (w[1]->kind == LQ_STR || word_is(w[1], "none"))) {
      if (w[1]->kind == LQ_STR && !names_has(&k->routes, w[1]->str.s))
        unknown_expected(c, w[1], "route", &k->routes, true);
      return;
    }
  } else if (word_is(w[0], "owner") && !(n == 2 && w[1]->kind == LQ_NUM && names_has(&k->groups, "owner"))) {
    /* `owner 5` is the score group when there is one named owner, as before. */
    if (n == 2 && (w[1]->kind == LQ_STR || w[1]->kind == LQ_NUM || word_is(w[1], "none"))) {
      if (w[1]->kind == LQ_STR && lq_text_blank(w[1]->str.s, w[1]->str.n)) {
        lq_diag_error(c->d, w[1]->span, "an owner is never empty");
        lq_diag_note(c->d, "write expect owner none for a lead that goes to no one");
      } else if (!word_is(w[1], "none") && !k->owners) {
        lq_diag_error(c->d, w[1]->span, "no route has an owner, so no lead can go to this one");
        lq_diag_note(c->d, "name the person a route goes to: route \"NAME\" to OWNER when ...");
      }
      return;
    }
  } else if (word_is(w[0], "rejected")) {
    if (n == 1) return;
    if (n == 2 && w[1]->kind == LQ_STR) {
      if (!names_has(&k->rejects, w[1]->str.s)) unknown_expected(c, w[1], "reject reason", &k->rejects, true);
      return;
    }
  } else if (word_is(w[0], "reason")) {
    if (n == 2 && w[1]->kind == LQ_STR) {
      if (!names_has(&k->reasons, w[1]->str.s)) unknown_expected(c, w[1], "reason", &k->reasons, true);
      return;
    }
  } else if (word_is(w[0], "grade")) {
    if (n == 3 && w[1]->kind == LQ_NAME && (w[2]->kind == LQ_STR || word_is(w[2], "none"))) {
      const sym *s = lq_check_sym(&c->names, w[1]->str.s, w[1]->str.n);
      if (!s->name || s->decl->kind != LQ_GRADE) {
        unknown_expected(c, w[1], "grade", &k->grades, false);
      } else if (w[2]->kind == LQ_STR) {
        names labels = {0};
        for (const lq_node *arm = s->decl->kids; arm; arm = arm->next) names_add(&labels, arm->a->str.s);
        if (!names_has(&labels, w[2]->str.s)) {
          char list[400];
          const char *near = lq_check_near_miss(NULL, labels.v, w[2]->str.s, w[2]->str.n);
          if (near)
            lq_diag_error(c->d, w[2]->span, "grade %s has no label \"%s\"; did you mean \"%s\"?", s->name, w[2]->str.s, near);
          else
            lq_diag_error(c->d, w[2]->span, "grade %s has no label \"%s\"", s->name, w[2]->str.s);
          lq_diag_note(c->d, "its labels are %s", names_join(&labels, true, list, sizeof list));
        }
        free(labels.v);
      }
      return;
    }
  } else if (word_is(w[0], "score")) {
    if (n == 2 && w[1]->kind == LQ_NUM) return;
  } else if (n == 2 && w[0]->kind == LQ_NAME && w[1]->kind == LQ_NUM) {
    if (!names_has(&k->groups, w[0]->str.s)) unknown_expected(c, w[0], "score group", &k->groups, false);
    return;
  }
  char text[72];
  lq_diag_error(c->d, e->span, "unknown expectation '%s'", lq_check_excerpt(c, e->span, text, sizeof text));
  lq_diag_note(c->d, "%s", expect_forms);
}

/* The lead as strict JSON, as `run` would read it from a line. */
static void test_lead(checker *c, const lq_node *lead) {
  lq_arena a;
  lq_arena_init(&a, 4096);
  char *text = lq_arena_strndup(&a, lead->str.s, lead->str.n), reason[200];
  size_t at;
  if (!lq_json_parse_lead_at(&a, text, lead->str.n, reason, sizeof reason, &at)) {
    uint32_t off = lead->span.begin + (uint32_t)(at < lead->str.n ? at : lead->str.n - 1);
    lq_diag_error(c->d, (lq_span){off, off + 1, lead->span.file}, "the test's lead is not valid JSON: %s", reason);
    lq_diag_note(c->d, "write the lead as one line of the feed would hold it: keys in double quotes, no trailing commas");
  }
  lq_arena_free(&a);
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
      lead = it;
      test_lead(c, it);
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
