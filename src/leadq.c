/* leadq.c: the public API (leadq.h) on top of compile, eval and output.
 *
 * Each entry point that allocates or frees makes its object's allocator the
 * thread's (lq_mem_use, arena.h) for the length of the call and puts the
 * caller's back on the way out: a program, its diagnostics and evaluators all
 * carry the allocator the program was compiled with. */
#include "leadq.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "compile.h"
#include "error.h"
#include "eval.h"
#include "fields.h"
#include "leadq_internal.h"
#include "output.h"

struct leadq_program {
  lq_program *p;
  lq_allocator alloc;
  bool custom;              /* alloc is the embedder's; else malloc */
};

struct leadq_diagnostics {
  lq_allocator alloc;
  bool custom;
  lq_diags d;
  leadq_diagnostic *items;  /* d's, placed: file, line and column resolved */
  lq_buf text, color;       /* rendered, plain and in colour, NUL-terminated */
};

struct leadq_decision {
  const lq_program *p;
  const lq_result *r;
  lq_id id;
  const char *owner;
  size_t owner_len;
  char owner_buf[32];
  leadq_reason *reasons;    /* room for every rule and reject, made with the evaluator */
  int nreasons;             /* -1: not gathered yet for this lead (most callers never ask) */
  lq_buf json;
};

struct leadq_evaluator {
  const leadq_program *prog;
  lq_eval *E;
  lq_arena arena;           /* the id field's path */
  lq_seg *id_segs;
  uint32_t id_nsegs;
  lq_error err;
  leadq_decision dec;
};

static const lq_allocator *allocator(const lq_allocator *a, bool custom) { return custom ? a : NULL; }

/* ---- compiling ---- */

/* The embedder's reader behind the internal one: the text copied into leadq's
 * memory, errno from *err. */
typedef struct reader_bridge {
  const leadq_options *o;
  const char *name, *text;  /* compile_text: name is served this text, not read */
  size_t len;
} reader_bridge;

static char *bridge_read(void *ctx, const char *path, size_t *len) {
  reader_bridge *b = ctx;
  const char *text = NULL;
  size_t n = 0;
  int err = 0;
  if (b->name && !strcmp(path, b->name)) text = b->text, n = b->len;
  else text = b->o->reader(b->o->reader_ud, path, &n, &err);
  if (!text) {
    errno = err ? err : ENOENT;
    return NULL;
  }
  char *copy = lq_mem_alloc(n + 1);
  memcpy(copy, text, n);
  copy[n] = '\0';
  *len = n;
  return copy;
}

static leadq_diagnostics *make_diagnostics(lq_diags *d, const lq_program *p, const lq_allocator *a, bool custom) {
  leadq_diagnostics *D = lq_xcalloc(1, sizeof *D);
  if (custom) D->alloc = *a;
  D->custom = custom;
  D->d = *d;
  D->items = lq_xcalloc(d->n, sizeof *D->items);
  const lq_sources *src = &p->sources;
  for (size_t i = 0; i < d->n; i++) {
    const lq_diag *g = &d->items[i];
    leadq_diagnostic *o = &D->items[i];
    o->severity = g->severity == LQ_ERROR ? LEADQ_SEVERITY_ERROR : LEADQ_SEVERITY_WARNING;
    o->message = g->message;
    o->note = g->note;
    if (g->span.file < src->n) {
      /* Copied: the program, and its sources, may go before the diagnostics. */
      const char *path = src->files[g->span.file].path;
      o->file = lq_arena_strndup(&D->d.arena, path, strlen(path));
      lq_sources_position(src, g->span.file, g->span.begin, &o->line, &o->column);
    }
  }
  lq_diags_render(d, src, &D->text, false);
  lq_buf_putc(&D->text, '\0');
  lq_diags_render(d, src, &D->color, true);
  lq_buf_putc(&D->color, '\0');
  return D;
}

/* Both compiles end here: the program kept or freed, the diagnostics handed
 * over or freed, under the allocator the compile used. */
static leadq_status finish(lq_program *p, lq_diags *d, const lq_allocator *a, bool custom, leadq_program **prog,
                           leadq_diagnostics **diags) {
  lq_diags_sort(d);
  leadq_status st = !d->errors ? LEADQ_OK : p->sources.n == 0 ? LEADQ_ERR_IO : LEADQ_ERR_COMPILE;
  if (diags) *diags = make_diagnostics(d, p, a, custom);
  else lq_diags_free(d);
  *prog = NULL;
  if (st != LEADQ_OK) {
    lq_program_free(p);
    return st;
  }
  leadq_program *P = lq_xcalloc(1, sizeof *P);
  P->p = p;
  if (custom) P->alloc = *a;
  P->custom = custom;
  *prog = P;
  return LEADQ_OK;
}

/* The CLI's way in (leadq_internal.h): its own options, malloc's memory. */
leadq_status lq_api_compile(const char *path, const lq_compile_opts *o, leadq_program **prog,
                            leadq_diagnostics **diags) {
  if (diags) *diags = NULL;
  const lq_allocator *saved = lq_mem_use(NULL);
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p = lq_compile_file_opts(path, o, &d);
  leadq_status st = finish(p, &d, NULL, false, prog, diags);
  lq_mem_use(saved);
  return st;
}

lq_program *lq_api_take(leadq_program *prog) {
  lq_program *p = prog->p;
  lq_mem_free(prog);
  return p;
}

static leadq_status compile(const char *name, const char *text, size_t len, const leadq_options *o,
                            leadq_program **prog, leadq_diagnostics **diags) {
  if (diags) *diags = NULL;
  if (!prog || !name || (!text && len)) {
    if (prog) *prog = NULL;
    return LEADQ_ERR_ARG;
  }
  lq_allocator a = {o && o->alloc ? o->alloc : NULL, o ? o->alloc_ud : NULL};
  bool custom = a.fn != NULL;
  const lq_allocator *saved = lq_mem_use(allocator(&a, custom));
  lq_diags d;
  lq_diags_init(&d);
  lq_program *p;
  if (o && o->reader) {
    reader_bridge b = {o, text ? name : NULL, text ? text : "", len};
    lq_file_reader r = {bridge_read, &b};
    p = lq_compile_file_opts(name, &(lq_compile_opts){.reader = &r}, &d);
  } else if (text) {
    p = lq_compile_text(name, text, len, &d);
  } else {
    p = lq_compile_file(name, &d);
  }
  leadq_status st = finish(p, &d, &a, custom, prog, diags);
  lq_mem_use(saved);
  return st;
}

leadq_status leadq_compile_file(const char *path, const leadq_options *opts, leadq_program **prog,
                                leadq_diagnostics **diags) {
  return compile(path, NULL, 0, opts, prog, diags);
}

leadq_status leadq_compile_text(const char *name, const char *text, size_t len, const leadq_options *opts,
                                leadq_program **prog, leadq_diagnostics **diags) {
  if (!text) {   /* compile() reads name when text is NULL: here that is a wrong argument */
    if (diags) *diags = NULL;
    if (prog) *prog = NULL;
    return LEADQ_ERR_ARG;
  }
  return compile(name, text, len, opts, prog, diags);
}

void leadq_program_free(leadq_program *prog) {
  if (!prog) return;
  const lq_allocator *saved = lq_mem_use(allocator(&prog->alloc, prog->custom));
  lq_program_free(prog->p);
  lq_mem_free(prog);
  lq_mem_use(saved);
}

const char *leadq_program_name(const leadq_program *prog) { return prog ? prog->p->name : NULL; }
const char *leadq_program_version(const leadq_program *prog) { return prog ? prog->p->version : NULL; }

/* ---- diagnostics ---- */

/* diags may be NULL (a compile given wrong arguments has none): no diagnostics. */
size_t leadq_diagnostics_count(const leadq_diagnostics *diags) { return diags ? diags->d.n : 0; }
size_t leadq_diagnostics_errors(const leadq_diagnostics *diags) { return diags ? diags->d.errors : 0; }
size_t leadq_diagnostics_warnings(const leadq_diagnostics *diags) { return diags ? diags->d.warnings : 0; }

int leadq_diagnostics_get(const leadq_diagnostics *diags, size_t i, leadq_diagnostic *out) {
  if (!diags || !out || i >= diags->d.n) return 0;
  *out = diags->items[i];
  return 1;
}

const char *leadq_diagnostics_text(const leadq_diagnostics *diags, int color, size_t *len) {
  if (!diags) {
    if (len) *len = 0;
    return "";
  }
  const lq_buf *b = color ? &diags->color : &diags->text;
  if (len) *len = b->len - 1;
  return b->data;
}

void leadq_diagnostics_free(leadq_diagnostics *diags) {
  if (!diags) return;
  const lq_allocator *saved = lq_mem_use(allocator(&diags->alloc, diags->custom));
  lq_diags_free(&diags->d);
  lq_mem_free(diags->items);
  lq_buf_free(&diags->text);
  lq_buf_free(&diags->color);
  lq_mem_free(diags);
  lq_mem_use(saved);
}

/* ---- evaluating ---- */

static const lq_allocator *enter(const leadq_evaluator *ev) {
  return lq_mem_use(allocator(&ev->prog->alloc, ev->prog->custom));
}

leadq_evaluator *leadq_evaluator_new(const leadq_program *prog) {
  if (!prog) return NULL;
  const lq_allocator *saved = lq_mem_use(allocator(&prog->alloc, prog->custom));
  leadq_evaluator *ev = lq_xcalloc(1, sizeof *ev);
  ev->prog = prog;
  ev->E = lq_eval_new(prog->p, (double)time(NULL));
  lq_arena_init(&ev->arena, 1024);
  lq_error_clear(&ev->err);
  lq_path_parse(&ev->arena, "id", &ev->id_segs, &ev->id_nsegs, NULL);
  ev->dec.reasons = lq_arena_alloc(&ev->arena, (size_t)(prog->p->nrules + prog->p->nrejects + 1) * sizeof *ev->dec.reasons);
  lq_mem_use(saved);
  return ev;
}

void leadq_evaluator_free(leadq_evaluator *ev) {
  if (!ev) return;
  const lq_allocator *saved = enter(ev);
  lq_eval_free(ev->E);
  lq_arena_free(&ev->arena);
  lq_buf_free(&ev->dec.json);
  lq_mem_free(ev);
  lq_mem_use(saved);
}

leadq_status leadq_evaluator_set_now(leadq_evaluator *ev, const char *time_text) {
  if (!ev) return LEADQ_ERR_ARG;
  double now;
  if (!time_text || !lq_time_parse(time_text, strlen(time_text), &now)) {
    lq_error_set(&ev->err, "'%s' is not a date or a date-time; write e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
                 time_text ? time_text : "(null)");
    return LEADQ_ERR_ARG;
  }
  lq_eval_set_now(ev->E, now);
  lq_error_clear(&ev->err);
  return LEADQ_OK;
}

void leadq_evaluator_set_now_unix(leadq_evaluator *ev, double seconds) {
  if (ev && isfinite(seconds)) lq_eval_set_now(ev->E, seconds);
}

leadq_status leadq_evaluator_set_id_field(leadq_evaluator *ev, const char *path) {
  if (!ev) return LEADQ_ERR_ARG;
  const lq_allocator *saved = enter(ev);
  lq_seg *segs;
  uint32_t n;
  lq_error e;
  leadq_status st = LEADQ_OK;
  /* The same words as `leadq run --id-field`'s usage error. */
  if (!path)
    st = LEADQ_ERR_ARG, lq_error_set(&ev->err, "no id field path");
  else if (!lq_path_parse(&ev->arena, path, &segs, &n, &e))
    st = LEADQ_ERR_ARG, lq_error_set(&ev->err, "--id-field %s", e.msg);
  else
    ev->id_segs = segs, ev->id_nsegs = n, lq_error_clear(&ev->err);
  lq_mem_use(saved);
  return st;
}

/* The reasons in lq_out_decision's order (output.c, reason_next): per step,
 * a group's rules that gave points, a reject that fired. A unit test holds
 * them to the JSON line's. Gathered when first asked for, into room the
 * evaluator made once, so a caller that wants only the JSON line pays nothing. */
static const leadq_decision *with_reasons(const leadq_decision *cd) {
  leadq_decision *d = (leadq_decision *)cd;   /* the evaluator's own: a cache on it */
  if (d->nreasons >= 0) return d;
  const lq_program *p = d->p;
  const lq_result *r = d->r;
  d->nreasons = 0;
  for (int s = 0; s < p->nsteps; s++) {
    const lq_step *st = &p->steps[s];
    if (st->kind == LQ_STEP_GROUP) {
      const lq_group *g = &p->groups[st->index];
      for (int i = g->first_rule; i < g->first_rule + g->nrules; i++)
        if (!isnan(r->points[i])) d->reasons[d->nreasons++] = (leadq_reason){p->rules[i].label, g->name, r->points[i], 0};
    } else if (st->kind == LQ_STEP_REJECT && r->rejects[st->index]) {
      d->reasons[d->nreasons++] = (leadq_reason){p->rejects[st->index].name, NULL, 0, 1};
    }
  }
  return d;
}

leadq_status leadq_evaluate(leadq_evaluator *ev, const char *json, size_t len, uint64_t line,
                            const leadq_decision **out) {
  if (out) *out = NULL;
  if (!ev) return LEADQ_ERR_ARG;
  if (!out || (!json && len)) {
    lq_error_set(&ev->err, "no lead text or no place for the decision");
    return LEADQ_ERR_ARG;
  }
  const lq_allocator *saved = enter(ev);
  lq_eval *E = ev->E;
  lq_eval_reset(E);
  lq_arena *scratch = lq_eval_scratch(E);
  /* The parser wants a NUL after the text; the caller's need not have one. */
  char *text = lq_arena_strndup(scratch, json ? json : "", len);
  cJSON *lead = lq_json_parse_lead(scratch, text, len, &ev->err);
  leadq_status st = LEADQ_OK;
  if (!lead) {
    st = LEADQ_ERR_LEAD;
  } else {
    lq_error_clear(&ev->err);
    leadq_decision *d = &ev->dec;
    d->p = ev->prog->p;
    d->r = lq_eval_lead(E, lead);
    d->id = lq_id_read(E, lead, ev->id_segs, ev->id_nsegs, line);
    bool bare;
    if (!lq_owner_text(d->r->owner, d->owner_buf, &d->owner, &d->owner_len, &bare)) d->owner = NULL;
    d->nreasons = -1;
    d->json.len = 0;
    lq_out_decision(&d->json, d->p, d->r, &d->id);
    lq_buf_put(&d->json, "\n", 2);   /* and a NUL, not counted */
    d->json.len--;
    *out = d;
  }
  lq_mem_use(saved);
  return st;
}

const char *leadq_evaluator_error(const leadq_evaluator *ev) { return ev ? ev->err.msg : ""; }

/* ---- a decision ---- */

/* d may be NULL (what a failed leadq_evaluate leaves in *out): no decision,
 * so no text (NULL), no score (0) and no items. */
const char *leadq_decision_json(const leadq_decision *d, size_t *len) {
  if (len) *len = d ? d->json.len : 0;
  return d ? d->json.data : NULL;
}

const char *leadq_decision_stage(const leadq_decision *d) {
  return d && d->r->stage >= 0 ? d->p->stages[d->r->stage].name : NULL;
}

const char *leadq_decision_rejected(const leadq_decision *d) {
  return d && d->r->rejected >= 0 ? d->p->rejects[d->r->rejected].name : NULL;
}

const char *leadq_decision_route(const leadq_decision *d) {
  return d && d->r->route >= 0 ? d->p->routes[d->r->route].name : NULL;
}

const char *leadq_decision_owner(const leadq_decision *d, size_t *len) {
  if (len) *len = d && d->owner ? d->owner_len : 0;
  return d ? d->owner : NULL;
}

const char *leadq_decision_id(const leadq_decision *d, size_t *len) {
  bool has = d && d->id.kind != LQ_ID_LINE;
  if (len) *len = has ? d->id.n : 0;
  return has ? d->id.s : NULL;
}

double leadq_decision_score(const leadq_decision *d) { return d ? d->r->total : 0; }
int leadq_decision_groups(const leadq_decision *d) { return d ? d->p->ngroups : 0; }

const char *leadq_decision_group_name(const leadq_decision *d, int i) {
  return d && i >= 0 && i < d->p->ngroups ? d->p->groups[i].name : NULL;
}

double leadq_decision_group_score(const leadq_decision *d, int i) {
  return d && i >= 0 && i < d->p->ngroups ? d->r->scores[i] : 0;
}

int leadq_decision_score_of(const leadq_decision *d, const char *group, double *score) {
  int i = d && group ? lq_find_group(d->p, group) : -1;
  if (i < 0) return 0;
  if (score) *score = d->r->scores[i];
  return 1;
}

int leadq_decision_grades(const leadq_decision *d) { return d ? d->p->ngrades : 0; }

const char *leadq_decision_grade_name(const leadq_decision *d, int i) {
  return d && i >= 0 && i < d->p->ngrades ? d->p->grades[i].name : NULL;
}

const char *leadq_decision_grade(const leadq_decision *d, int i) {
  if (!d || i < 0 || i >= d->p->ngrades || d->r->grades[i] < 0) return NULL;
  return d->p->grades[i].arms[d->r->grades[i]].label;
}

const char *leadq_decision_grade_of(const leadq_decision *d, const char *grade) {
  return d && grade ? leadq_decision_grade(d, lq_find_grade(d->p, grade)) : NULL;
}

int leadq_decision_reasons(const leadq_decision *d) { return d ? with_reasons(d)->nreasons : 0; }

int leadq_decision_reason(const leadq_decision *d, int i, leadq_reason *out) {
  if (!d || !out || i < 0 || i >= with_reasons(d)->nreasons) return 0;
  *out = d->reasons[i];
  return 1;
}
