/* expect.c: test expectations, read from `expect` lines or JSON cases, checked
 * against a decision. Both sources give the same lq_expect, so a case kept in a
 * CRM export and a test block in the rules file mean exactly the same. */
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

/* ---- the forms of an expect line ---- */

enum { A_NONE_ARG, A_NAME, A_ANYNAME, A_NONE, A_STR, A_NUM };   /* what a word must be */

/* One list: the order and the text are those of the checker's note. A form
 * with no text is read but not listed (`owner 1042`: an owner by number). */
static const struct form {
  lq_expect_kind kind;
  const char *head;      /* NULL: a score group's name */
  bool negated;
  unsigned char arg, label;
  const char *text;
} forms[] = {
    {LQ_X_STAGE, "stage", false, A_NAME, A_NONE_ARG, "stage NAME"},
    {LQ_X_STAGE, "stage", false, A_NONE, A_NONE_ARG, "stage none"},
    {LQ_X_ROUTE, "route", false, A_STR, A_NONE_ARG, "route \"NAME\""},
    {LQ_X_ROUTE, "route", false, A_NONE, A_NONE_ARG, "route none"},
    {LQ_X_OWNER, "owner", false, A_STR, A_NONE_ARG, "owner \"PERSON\""},
    {LQ_X_OWNER, "owner", false, A_NONE, A_NONE_ARG, "owner none"},
    {LQ_X_OWNER, "owner", false, A_NUM, A_NONE_ARG, NULL},
    {LQ_X_REJECTED, "rejected", false, A_NONE_ARG, A_NONE_ARG, "rejected"},
    {LQ_X_REJECTED, "rejected", false, A_STR, A_NONE_ARG, "rejected \"REASON\""},
    {LQ_X_REJECTED, "rejected", true, A_NONE_ARG, A_NONE_ARG, "not rejected"},
    {LQ_X_REASON, "reason", false, A_STR, A_NONE_ARG, "reason \"LABEL\""},
    {LQ_X_REASON, "reason", true, A_STR, A_NONE_ARG, "not reason \"LABEL\""},
    {LQ_X_GROUP, NULL, false, A_NUM, A_NONE_ARG, "GROUP N (a score group's points)"},
    {LQ_X_SCORE, "score", false, A_NUM, A_NONE_ARG, "score N (the total)"},
    {LQ_X_GRADE, "grade", false, A_ANYNAME, A_STR, "grade NAME \"LABEL\""},
    {LQ_X_GRADE, "grade", false, A_ANYNAME, A_NONE, "grade NAME none"},
};
enum { NFORMS = sizeof forms / sizeof *forms };

static bool word_is(const lq_node *w, lq_kind kind, const char *text) {
  return w && w->kind == kind && (!text || (w->str.n == strlen(text) && !memcmp(w->str.s, text, w->str.n)));
}

static bool fits(const lq_node *w, int shape) {
  switch (shape) {
  case A_NONE_ARG: return !w;
  case A_NAME: return word_is(w, LQ_NAME, NULL) && !word_is(w, LQ_NAME, "none");
  case A_ANYNAME: return word_is(w, LQ_NAME, NULL);
  case A_NONE: return word_is(w, LQ_NAME, "none");
  case A_STR: return w && w->kind == LQ_STR;
  case A_NUM: return w && w->kind == LQ_NUM;
  default: return false;
  }
}

/* A head some form names: a score group of that name is not read as one,
 * but `owner` is when the rules have such a group and the value is a number. */
static bool is_head(const lq_node *w) {
  for (int i = 0; i < NFORMS; i++)
    if (forms[i].head && word_is(w, LQ_NAME, forms[i].head)) return true;
  return false;
}

bool lq_expect_parse(const lq_node *expect, bool owner_is_group, lq_expect_words *out, int *words) {
  const lq_node *w[4] = {0};
  int n = 0;
  bool negated = false;
  for (const lq_node *k = expect->kids; k; k = k->next) {
    if (k->kind == LQ_NOT_WORD && !negated && n == 0) negated = true;
    else if (n++ < 4) w[n - 1] = k;
  }
  *words = n;
  if (n > 3 || !word_is(w[0], LQ_NAME, NULL)) return false;
  bool owner_group = owner_is_group && word_is(w[0], LQ_NAME, "owner") && n == 2 && fits(w[1], A_NUM);
  for (int i = 0; i < NFORMS; i++) {
    const struct form *f = &forms[i];
    if (f->negated != negated || !fits(w[1], f->arg) || !fits(w[2], f->label)) continue;
    if (f->head ? !word_is(w[0], LQ_NAME, f->head) || (owner_group && f->kind == LQ_X_OWNER)
                : is_head(w[0]) && !owner_group)
      continue;
    *out = (lq_expect_words){.kind = f->kind, .negated = negated, .head = w[0],
                             .none = f->arg == A_NONE || f->label == A_NONE,
                             .arg = f->arg == A_NONE ? NULL : w[1], .label = f->label == A_STR ? w[2] : NULL};
    return true;
  }
  return false;
}

const char *lq_expect_forms(char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < NFORMS && len < size; i++)
    if (forms[i].text) len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", forms[i].text);
  return buf;
}

static bool has_label(const lq_program *p, const char *label) {
  for (int i = 0; i < p->nrules; i++)
    if (!strcmp(p->rules[i].label, label)) return true;
  return lq_find_cond(p->rejects, p->nrejects, label) >= 0;
}

static const char *dup(lq_arena *a, const lq_node *w) { return lq_arena_strndup(a, w->str.s, w->str.n); }

#define FAIL(...) return lq_error_at(err, x->span.begin, __VA_ARGS__)

bool lq_expect_from_words(const lq_program *p, const lq_node *expect, lq_arena *a, lq_expect *x, lq_error *err) {
  lq_expect_words W;
  int n;
  *x = (lq_expect){.index = -1, .span = expect->span};
  char list[400];
  if (!lq_expect_parse(expect, lq_find_group(p, "owner") >= 0, &W, &n)) {
    if (n > 4) FAIL("too many words; an expectation is one of: %s", lq_expect_forms(list, sizeof list));
    FAIL("expected one of: %s", lq_expect_forms(list, sizeof list));
  }
  x->kind = W.kind;
  x->negated = W.negated;
  const lq_node *w1 = W.arg;
  switch (W.kind) {
  case LQ_X_STAGE:
    if (W.none) return true;
    x->index = lq_find_cond(p->stages, p->nstages, dup(a, w1));
    if (x->index < 0) FAIL("there is no stage '%s'", dup(a, w1));
    return true;
  case LQ_X_ROUTE:
    if (W.none) return true;
    x->index = lq_find_cond(p->routes, p->nroutes, dup(a, w1));
    if (x->index < 0) FAIL("there is no route \"%s\"", dup(a, w1));
    return true;
  case LQ_X_OWNER:
    if (W.none) return true;
    if (!p->to_people) FAIL("no route has an owner, so no lead can go to this one");
    if (w1->kind == LQ_NUM) {
      /* A whole number of more than 15 digits by its digits, as the owner is keyed. */
      char buf[32];
      const lq_source *f = &p->sources.files[w1->span.file];
      size_t len = w1->span.end - w1->span.begin;
      if (lq_long_whole(f->text + w1->span.begin, len)) x->text = lq_arena_strndup(a, f->text + w1->span.begin, len);
      else x->text = lq_arena_strndup(a, buf, (size_t)lq_num_format(w1->num, buf));
      x->bare = true;
      return true;
    }
    x->text = dup(a, w1);
    if (lq_text_blank(x->text, strlen(x->text))) FAIL("an owner is never empty; write owner none for a lead that goes to no one");
    return true;
  case LQ_X_REJECTED:
    if (!w1) return true;   /* rejected for any reason, or not at all */
    x->index = lq_find_cond(p->rejects, p->nrejects, dup(a, w1));
    if (x->index < 0) FAIL("there is no reject reason \"%s\"", dup(a, w1));
    return true;
  case LQ_X_REASON:
    x->text = dup(a, w1);
    if (!has_label(p, x->text)) FAIL("no rule or reject is labelled \"%s\"", x->text);
    return true;
  case LQ_X_GRADE: {
    x->index = lq_find_grade(p, dup(a, w1));
    if (x->index < 0) FAIL("there is no grade '%s'", dup(a, w1));
    if (!W.label) return true;
    x->text = dup(a, W.label);
    const lq_grade *g = &p->grades[x->index];
    for (int i = 0; i < g->narms; i++)
      if (!strcmp(g->arms[i].label, x->text)) return true;
    FAIL("grade %s has no label \"%s\"", g->name, x->text);
  }
  case LQ_X_SCORE:
    x->num = w1->num;
    return true;
  case LQ_X_GROUP:
    x->num = w1->num;
    x->index = lq_find_group(p, dup(a, W.head));
    if (x->index < 0) FAIL("there is no score group '%s'", dup(a, W.head));
    return true;
  }
  FAIL("expected one of: %s", lq_expect_forms(list, sizeof list));
}

/* ---- from JSON: the "expect" object of a case, keyed like a decision ---- */

#undef FAIL
#define FAIL(...) return lq_error_set(err, __VA_ARGS__)

typedef struct xvec {
  lq_arena *a;
  lq_expect *items;
  int n, cap;
} xvec;

static lq_expect *push(xvec *v, lq_expect_kind kind) {
  if (v->n == v->cap) {
    int cap = v->cap ? 2 * v->cap : 8;
    lq_expect *items = lq_arena_alloc(v->a, (size_t)cap * sizeof *items);
    if (v->n) memcpy(items, v->items, (size_t)v->n * sizeof *items);
    v->items = items;
    v->cap = cap;
  }
  lq_expect *x = &v->items[v->n++];
  *x = (lq_expect){.kind = kind, .index = -1};
  return x;
}

static bool json_name(const cJSON *j, const lq_cond_decl *d, int n, const char *what, int *index, lq_error *err) {
  if (cJSON_IsNull(j)) return true;
  if (!cJSON_IsString(j)) FAIL("\"%s\" must be a name or null", what);
  *index = lq_find_cond(d, n, j->valuestring);
  if (*index < 0) FAIL("there is no %s \"%s\"", what, j->valuestring);
  return true;
}

static bool json_labels(xvec *v, const lq_program *p, const cJSON *list, bool negated, lq_error *err) {
  if (!cJSON_IsArray(list)) FAIL("\"%s\" must be a list of rule labels", negated ? "not_reasons" : "reasons");
  for (const cJSON *k = list->child; k; k = k->next) {
    if (!cJSON_IsString(k)) FAIL("rule labels are text");
    if (!has_label(p, k->valuestring)) FAIL("no rule or reject is labelled \"%s\"", k->valuestring);
    lq_expect *x = push(v, LQ_X_REASON);
    x->negated = negated;
    x->text = lq_arena_strndup(v->a, k->valuestring, strlen(k->valuestring));
  }
  return true;
}

bool lq_expect_from_json(const lq_program *p, const cJSON *expect, lq_arena *a, lq_expect **xs, int *n,
                         lq_error *err) {
  xvec v = {.a = a};
  if (!cJSON_IsObject(expect)) FAIL("\"expect\" must be an object such as {\"stage\": \"SQL\"}");
  for (const cJSON *k = expect->child; k; k = k->next) {
    const char *key = k->string;
    if (!strcmp(key, "stage")) {
      if (!json_name(k, p->stages, p->nstages, "stage", &push(&v, LQ_X_STAGE)->index, err)) return false;
    } else if (!strcmp(key, "route")) {
      if (!json_name(k, p->routes, p->nroutes, "route", &push(&v, LQ_X_ROUTE)->index, err)) return false;
    } else if (!strcmp(key, "owner")) {
      lq_expect *x = push(&v, LQ_X_OWNER);
      if (!cJSON_IsNull(k) && !p->to_people) FAIL("\"owner\": no route has an owner, so no lead can go to this one");
      if (cJSON_IsNumber(k)) {
        /* Keyed as the decision's owner is: a long whole number by its digits. */
        char buf[32];
        const char *o = buf;
        size_t on = (size_t)lq_num_format(k->valuedouble, buf);
        lq_value kv = lq_value_from_json(a, k);
        if (kv.kind == LQ_V_STR) lq_value_key_text(kv, buf, &o, &on);
        x->text = lq_arena_strndup(a, o, on);
        x->bare = true;
      } else if (cJSON_IsString(k)) {
        if (lq_text_blank(k->valuestring, strlen(k->valuestring)))
          FAIL("\"owner\" is never empty; write null for a lead that goes to no one");
        x->text = lq_arena_strndup(a, k->valuestring, strlen(k->valuestring));
      } else if (!cJSON_IsNull(k)) {
        FAIL("\"owner\" must be the person as text, a number, or null");
      }
    } else if (!strcmp(key, "rejected")) {
      lq_expect *x = push(&v, LQ_X_REJECTED);
      if (cJSON_IsFalse(k) || cJSON_IsNull(k)) x->negated = true;
      else if (!json_name(k, p->rejects, p->nrejects, "reject reason", &x->index, err)) return false;
    } else if (!strcmp(key, "score")) {
      if (!cJSON_IsNumber(k)) FAIL("\"score\" must be a number");
      push(&v, LQ_X_SCORE)->num = k->valuedouble;
    } else if (!strcmp(key, "scores") || !strcmp(key, "grades")) {
      bool scores = key[0] == 's';
      if (!cJSON_IsObject(k)) FAIL("\"%s\" must be an object", key);
      for (const cJSON *g = k->child; g; g = g->next) {
        lq_expect *x = push(&v, scores ? LQ_X_GROUP : LQ_X_GRADE);
        x->index = scores ? lq_find_group(p, g->string) : lq_find_grade(p, g->string);
        if (x->index < 0) FAIL("there is no %s '%s'", scores ? "score group" : "grade", g->string);
        if (scores && !cJSON_IsNumber(g)) FAIL("scores.%s must be a number", g->string);
        if (!scores && !cJSON_IsString(g) && !cJSON_IsNull(g)) FAIL("grades.%s must be a label or null", g->string);
        if (scores) x->num = g->valuedouble;
        else if (cJSON_IsString(g)) x->text = lq_arena_strndup(a, g->valuestring, strlen(g->valuestring));
      }
    } else if (!strcmp(key, "reasons") || !strcmp(key, "not_reasons")) {
      if (!json_labels(&v, p, k, key[0] == 'n', err)) return false;
    } else {
      FAIL("unknown expectation \"%s\"; use stage, route, owner, rejected, score, scores, grades, reasons, not_reasons",
           key);
    }
  }
  *xs = v.items;
  *n = v.n;
  return true;
}

/* ---- checking ---- */

static void put_name(lq_buf *b, const char *name, bool quoted) {
  if (!name) lq_buf_puts(b, "none");
  else if (quoted) lq_buf_json_string(b, name, strlen(name));
  else lq_buf_puts(b, name);
}

void lq_expect_describe(const lq_program *p, const lq_expect *x, lq_buf *b) {
  if (x->negated) lq_buf_puts(b, "not ");
  switch (x->kind) {
  case LQ_X_STAGE:
    lq_buf_puts(b, "stage ");
    put_name(b, x->index >= 0 ? p->stages[x->index].name : NULL, false);
    return;
  case LQ_X_ROUTE:
    lq_buf_puts(b, "route ");
    put_name(b, x->index >= 0 ? p->routes[x->index].name : NULL, true);
    return;
  case LQ_X_OWNER:
    lq_buf_puts(b, "owner ");
    put_name(b, x->text, !x->bare);
    return;
  case LQ_X_REJECTED:
    lq_buf_puts(b, "rejected");
    if (x->index >= 0) {
      lq_buf_putc(b, ' ');
      put_name(b, p->rejects[x->index].name, true);
    }
    return;
  case LQ_X_GROUP:
  case LQ_X_SCORE:
    lq_buf_puts(b, x->kind == LQ_X_SCORE ? "score" : p->groups[x->index].name);
    lq_buf_putc(b, ' ');
    lq_buf_num_human(b, x->num);
    return;
  case LQ_X_GRADE:
    lq_buf_puts(b, "grade ");
    lq_buf_puts(b, p->grades[x->index].name);
    lq_buf_putc(b, ' ');
    put_name(b, x->text, true);
    return;
  case LQ_X_REASON:
    lq_buf_puts(b, "reason ");
    put_name(b, x->text, true);
    return;
  }
}

static bool same_num(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1, fabs(b)); }

static bool fired(const lq_program *p, const lq_result *r, const char *label) {
  for (int i = 0; i < p->nrules; i++)
    if (!isnan(r->points[i]) && !strcmp(p->rules[i].label, label)) return true;
  for (int i = 0; i < p->nrejects; i++)
    if (r->rejects[i] && !strcmp(p->rejects[i].name, label)) return true;
  return false;
}

bool lq_expect_check(const lq_program *p, const lq_result *r, const lq_expect *x, lq_buf *want,
                     lq_buf *got) {
  switch (x->kind) {
  case LQ_X_STAGE:
    put_name(want, x->index >= 0 ? p->stages[x->index].name : NULL, false);
    put_name(got, r->stage >= 0 ? p->stages[r->stage].name : NULL, false);
    if (r->rejected >= 0 && x->index >= 0) {
      lq_buf_puts(got, " (rejected: ");
      lq_buf_puts(got, p->rejects[r->rejected].name);
      lq_buf_putc(got, ')');
    }
    return r->stage == x->index;
  case LQ_X_ROUTE:
    put_name(want, x->index >= 0 ? p->routes[x->index].name : NULL, true);
    put_name(got, r->route >= 0 ? p->routes[r->route].name : NULL, true);
    return r->route == x->index;
  case LQ_X_OWNER: {
    /* Exactly, case and all, as names are; a number as a decision prints it. */
    char buf[32];
    const char *o;
    size_t n;
    bool bare;
    bool has = lq_owner_text(r->owner, buf, &o, &n, &bare);
    put_name(want, x->text, !x->bare);
    if (!has) lq_buf_puts(got, "none");
    else if (bare) lq_buf_put(got, o, n);
    else lq_buf_json_string(got, o, n);
    return has ? x->text && strlen(x->text) == n && !memcmp(x->text, o, n) : !x->text;
  }
  case LQ_X_REJECTED:
    if (x->negated) lq_buf_puts(want, "not rejected");
    else if (x->index < 0) lq_buf_puts(want, "rejected");
    else put_name(want, p->rejects[x->index].name, true);
    if (r->rejected < 0) lq_buf_puts(got, "not rejected");
    else put_name(got, p->rejects[r->rejected].name, true);
    /* Every reject that fired counts: a lead with no consent and no phone is
     * rejected for both, whichever is declared first. */
    if (x->negated) return r->rejected < 0;
    return x->index < 0 ? r->rejected >= 0 : r->rejects[x->index];
  case LQ_X_GROUP:
    lq_buf_num_human(want, x->num);
    lq_buf_num_human(got, r->scores[x->index]);
    return same_num(r->scores[x->index], x->num);
  case LQ_X_SCORE:
    lq_buf_num_human(want, x->num);
    lq_buf_num_human(got, r->total);
    return same_num(r->total, x->num);
  case LQ_X_GRADE: {
    const lq_grade *g = &p->grades[x->index];
    int arm = r->grades[x->index];
    put_name(want, x->text, true);
    put_name(got, arm >= 0 ? g->arms[arm].label : NULL, true);
    return arm >= 0 ? x->text && !strcmp(g->arms[arm].label, x->text) : !x->text;
  }
  case LQ_X_REASON: {
    bool f = fired(p, r, x->text);
    lq_buf_puts(want, x->negated ? "not fired" : "fired");
    lq_buf_puts(got, f ? "fired" : "not fired");
    return f != x->negated;
  }
  }
  return false;
}
