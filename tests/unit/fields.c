/* fields.c: the fields the rules read that no lead had (fields.h) and the
 * program's field list they come from (lq_program.fields). */
#include "fields.h"
#include "helpers.h"

/* A program, a tracker, and an arena the leads are parsed into. */
typedef struct ft {
  lq_program *p;
  lq_fields *t;
  lq_arena a;
  lq_arena ida;          /* the id path's, kept while leads come and go */
  lq_seg *id_segs;
  uint32_t id_nsegs;
} ft;

/* Compiles rules (no errors allowed) and tracks them, with id_field (or none). */
static ft *ft_new_id(const char *rules, const char *id_field) {
  ft *f = calloc(1, sizeof *f);
  cr_assert(f);
  lq_diags d;
  f->p = t_compile(rules, &d);
  char all[4096];
  cr_assert_eq(d.errors, 0, "rules should compile: %s\n%s", t_diag_all(&d, all, sizeof all), rules);
  lq_diags_free(&d);
  lq_arena_init(&f->a, 64 * 1024);
  lq_arena_init(&f->ida, 1024);
  if (id_field) cr_assert(lq_path_parse(&f->ida, id_field, &f->id_segs, &f->id_nsegs, NULL), "id path %s", id_field);
  f->t = lq_fields_new(f->p, f->id_segs, f->id_nsegs);
  return f;
}

static ft *ft_new(const char *rules) { return ft_new_id(rules, NULL); }

static cJSON *ft_parse(ft *f, const char *lead) {
  char why[160];
  cJSON *j = t_parse_lead(&f->a, lead, strlen(lead), why, sizeof why);
  cr_assert(j, "lead should parse: %s (%s)", why, lead);
  return j;
}

/* One lead (JSON text) to tracker t; the lead's memory is reused by the next. */
static void ft_lead_to(ft *f, lq_fields *t, const char *lead) {
  lq_arena_reset(&f->a);
  lq_fields_observe(t, ft_parse(f, lead));
}

static void ft_lead(ft *f, const char *lead) { ft_lead_to(f, f->t, lead); }

static void ft_free(ft *f) {
  lq_fields_free(f->t);
  lq_program_free(f->p);
  lq_arena_free(&f->a);
  lq_arena_free(&f->ida);
  free(f);
}

/* The index of the field written text (its first use), asserting there is one. */
static int ft_field(const lq_program *p, const char *text) {
  for (int i = 0; i < p->nfields; i++)
    if (!strcmp(p->fields[i].text, text)) return i;
  cr_assert_fail("no field '%s' among %d", text, p->nfields);
  return -1;
}

static bool ft_has_field(const lq_program *p, const char *text) {
  for (int i = 0; i < p->nfields; i++)
    if (!strcmp(p->fields[i].text, text)) return true;
  return false;
}

/* Asserts no lead had field text, and that its did-you-mean is suggest (NULL: none). */
static void ft_missing(ft *f, const char *text, const char *suggest) {
  lq_fields_miss m;
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, text), &m), "'%s' should be missing in every lead", text);
  cr_assert_str_eq(m.text, text);
  if (!suggest) {
    cr_assert_null(m.suggest, "'%s': expected no suggestion, got '%s'", text, m.suggest ? m.suggest : "");
    cr_assert_null(m.key);
  } else {
    cr_assert_not_null(m.suggest, "'%s': expected the suggestion '%s', got none", text, suggest);
    cr_assert_str_eq(m.suggest, suggest, "'%s'", text);
  }
}

static void ft_present(ft *f, const char *text) {
  lq_fields_miss m;
  cr_assert_not(lq_fields_missing(f->t, ft_field(f->p, text), &m), "'%s' was in a lead, so it is not missing", text);
}

/* ---- the program's field list ---- */

Test(fields, program_lists_each_field_once_with_its_first_use) {
  ft *f = ft_new("define a = company.employees > 10\n"
                 "define b = `Prospect ID` is present and lead.company.employees < 5\n"
                 "define c = company.employees between 1 and 2 and lower(title).x == \"y\"\n"
                 "define d = tags[0] == \"x\" and tags.`[0]` == \"y\"\n");
  const lq_program *p = f->p;
  int emp = ft_field(p, "company.employees");
  int line, col;
  lq_sources_position(&p->sources, p->fields[emp].span.file, p->fields[emp].span.begin, &line, &col);
  cr_assert_eq(line, 1);
  cr_assert_eq(col, 12);
  cr_assert_eq(p->fields[emp].root, LQ_ROOT_LEAD);
  cr_assert_eq(p->fields[emp].list, -1);
  cr_assert_eq(p->fields[emp].nsegs, 2);
  cr_assert_str_eq(p->fields[emp].segs[1].key, "employees");
  /* lead.company.employees is the same path: not a second field */
  cr_assert_not(ft_has_field(p, "lead.company.employees"));
  int pid = ft_field(p, "`Prospect ID`");
  cr_assert_eq(p->fields[pid].nsegs, 1);
  cr_assert_str_eq(p->fields[pid].segs[0].key, "Prospect ID");
  /* title is read; .x off lower()'s result is not a lead field */
  ft_field(p, "title");
  cr_assert_not(ft_has_field(p, "lower(title).x"));
  cr_assert_not(ft_has_field(p, "x"));
  /* an index and a key that looks like one are two fields */
  ft_field(p, "tags[0]");
  ft_field(p, "tags.`[0]`");
  cr_assert_eq(p->nfields, 5, "company.employees, `Prospect ID`, title, tags[0], tags.`[0]`: got %d", p->nfields);
  ft_free(f);
}

Test(fields, program_names_the_list_of_a_field_read_in_where) {
  ft *f = ft_new("define evs = events\n"
                 "score s {\n"
                 "  +1 \"view\" per events where type == \"page_view\"\n"
                 "  +2 \"demo\" when any(events where type == \"demo\" and any(tags where label == \"hot\"))\n"
                 "  +3 \"hi\" when any(evs where kind == \"x\")\n"
                 "}\n");
  const lq_program *p = f->p;
  int ev = ft_field(p, "events"), type = ft_field(p, "type"), tags = ft_field(p, "tags"), label = ft_field(p, "label");
  cr_assert_eq(p->fields[ev].root, LQ_ROOT_LEAD);
  cr_assert_eq(p->fields[type].root, LQ_ROOT_ITEM);
  cr_assert_eq(p->fields[type].list, ev, "type is read from the events");
  cr_assert_eq(p->fields[tags].root, LQ_ROOT_ITEM);
  cr_assert_eq(p->fields[tags].list, ev, "tags is read from the events");
  cr_assert_eq(p->fields[label].list, tags, "label is read from each event's tags");
  /* the per rule and the any() read the same type of the same events: one field */
  int ntype = 0;
  for (int i = 0; i < p->nfields; i++) ntype += !strcmp(p->fields[i].text, "type");
  cr_assert_eq(ntype, 1);
  /* a list named by a define has no path to follow: its items' fields are not listed */
  cr_assert_not(ft_has_field(p, "kind"));
  ft_free(f);
}

/* ---- what no lead had ---- */

Test(fields, a_misspelt_field_names_the_key_the_leads_had) {
  ft *f = ft_new("define web = orign == \"web\"\n"
                 "define contact = email is present\n");
  for (int i = 0; i < 8; i++) ft_lead(f, "{\"id\": 1, \"origin\": \"web\", \"email\": \"a@b.c\", \"origins\": \"x\"}");
  cr_assert_eq(lq_fields_leads(f->t), 8);
  ft_missing(f, "orign", "origin");
  lq_fields_miss m;
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "orign"), &m));
  cr_assert_str_eq(m.key, "origin");
  cr_assert_eq(m.key_seg, 0);
  cr_assert_eq(m.field, ft_field(f->p, "orign"));
  int line, col;
  lq_sources_position(&f->p->sources, m.span.file, m.span.begin, &line, &col);
  cr_assert_eq(line, 1);
  cr_assert_eq(col, 14);
  ft_present(f, "email");
  ft_free(f);
}

Test(fields, a_typo_is_found_whatever_its_case) {
  ft *f = ft_new("define x = email is present\n");
  ft_lead(f, "{\"Emial\": \"a@b.c\", \"Notes\": \"\"}");
  ft_missing(f, "email", "Emial");
  ft_free(f);
}

Test(fields, a_field_no_key_is_close_to_has_no_suggestion) {
  ft *f = ft_new("define x = budget > 10\n");
  ft_lead(f, "{\"origin\": \"web\", \"bdg\": 5, \"Budget 2024\": 5}");
  ft_missing(f, "budget", NULL);
  ft_free(f);
}

/* A key holding \u0000 is not the key before the NUL: the field is missing,
 * and the key is no suggestion (its text would read as the field's own name,
 * or as a flat key for a path). */
Test(fields, a_key_with_a_nul_is_neither_the_field_nor_a_suggestion) {
  ft *f = ft_new("define x = budget > 10\n"
                 "define y = company.size > 10\n");
  ft_lead(f, "{\"budget\\u0000\": 50, \"budgets\\u0000x\": 5, \"company.size\\u0000\": 5}");
  ft_missing(f, "budget", NULL);
  ft_missing(f, "company.size", NULL);
  ft_free(f);
}

Test(fields, a_nested_field_is_looked_for_in_its_parent_object) {
  ft *f = ft_new("define big = company.employes > 100\n"
                 "define east = compny.region == \"east\"\n");
  ft_lead(f, "{\"employes\": 3, \"company\": {\"employees\": 500, \"region\": \"east\"}}");
  ft_lead(f, "{\"company\": {\"employees\": 20}}");
  ft_lead(f, "{\"Company\": {\"size\": 20}}");
  /* neither the top-level employes nor Company is the suggestion: leads had
   * company, and employees in it */
  ft_missing(f, "company.employes", "company.employees");
  lq_fields_miss m;
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "company.employes"), &m));
  cr_assert_str_eq(m.key, "employees");
  cr_assert_eq(m.key_seg, 1);
  /* a misspelt first step: the suggestion keeps the rest of the path */
  ft_missing(f, "compny.region", "company.region");
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "compny.region"), &m));
  cr_assert_eq(m.key_seg, 0);
  ft_free(f);
}

Test(fields, a_field_read_in_where_is_looked_for_in_the_list_items) {
  ft *f = ft_new("define demo = any(events where typ == \"demo\")\n"
                 "define hot = any(visits where kind == \"hot\")\n");
  ft_lead(f, "{\"typ\": 1, \"events\": [{\"type\": \"demo\"}, {\"at\": \"2026-01-01\"}]}");
  ft_lead(f, "{\"events\": []}");
  /* keys next to the list are the list's business, not its items' */
  ft_lead(f, "{\"Events\": [{\"typ\": 1}]}");
  ft_present(f, "events");
  ft_missing(f, "typ", "type");
  /* no lead had visits: its own finding says so, not one for each of its items' fields */
  ft_missing(f, "visits", NULL);
  lq_fields_miss m;
  cr_assert_not(lq_fields_missing(f->t, ft_field(f->p, "kind"), &m));
  ft_free(f);
}

Test(fields, a_field_read_in_where_is_found_in_any_item) {
  ft *f = ft_new("define demo = any(events where type == \"demo\")\n"
                 "define tag = any(accounts where any(contacts where email is present))\n");
  ft_lead(f, "{\"events\": [{\"at\": 1}, {\"at\": 2}, {\"type\": \"x\"}],"
             " \"accounts\": [{\"contacts\": [{\"name\": \"a\"}]}, {\"contacts\": [{\"name\": \"b\"}, {\"email\": \"e@x.io\"}]}]}");
  ft_present(f, "type");
  ft_present(f, "contacts");
  ft_present(f, "email");
  ft_free(f);
}

Test(fields, a_field_in_one_lead_among_many_is_not_reported) {
  ft *f = ft_new("define ok = budget.confirmed == true\n"
                 "define late = timeline is present\n");
  for (int i = 0; i < 3000; i++) {
    if (i == 1234) ft_lead(f, "{\"budget\": {\"confirmed\": false}}");
    else if (i == 2999) ft_lead(f, "{\"budget\": {}, \"timeline\": 3}");
    else ft_lead(f, "{\"email\": \"a@b.c\", \"budget\": {\"amount\": 5}}");
  }
  ft_present(f, "budget.confirmed");
  ft_present(f, "timeline");
  /* once found, a field's candidates are let go */
  cr_assert_eq(lq_fields_kept(f->t, ft_field(f->p, "budget.confirmed")), 0);
  ft_free(f);
}

Test(fields, empty_and_white_space_text_is_missing) {
  ft *f = ft_new("define a = email is present\n"
                 "define b = phone is present\n"
                 "define c = events.type is present\n"
                 "define d = zip is present\n");
  ft_lead(f, "{\"email\": \"\", \"phone\": \" \\t\\r\\n\\u000b\\f\\u00a0 \", \"events\": [{\"type\": \"\"}, {\"type\": null}],"
             " \"zip\": null, \"Email\": \"a@b.c\"}");
  ft_lead(f, "{\"email\": \"\\u00a0\", \"phone\": \"\", \"events\": {\"type\": \"  \"}, \"zip\": 1e999}");
  ft_missing(f, "email", "Email");
  ft_missing(f, "phone", NULL);
  ft_missing(f, "events.type", NULL);
  ft_missing(f, "zip", NULL);
  /* text with anything else in it is present: a lone NUL, a non-breaking space's neighbour */
  ft_lead(f, "{\"email\": \" x \", \"phone\": \"\\u00a0\\u00a1\", \"events\": [{}, {\"type\": \"\\u0000\"}], \"zip\": 0}");
  ft_present(f, "email");
  ft_present(f, "phone");
  ft_present(f, "events.type");
  ft_present(f, "zip");
  ft_free(f);
}

Test(fields, a_key_twice_counts_once_and_is_no_suggestion_for_itself) {
  ft *f = ft_new("define a = zip is present\n");
  ft_lead(f, "{\"zip\": null, \"zip\": \"12345\"}");
  ft_missing(f, "zip", NULL);
  ft_free(f);
}

Test(fields, a_suggestion_same_but_for_case_or_separators_comes_first) {
  ft *f = ft_new("define a = Email is present\n"
                 "define b = lead_source == \"web\"\n");
  ft_lead(f, "{\"Emails\": \"x\", \"Emal\": \"x\", \"email\": \"a@b.c\", \"lead_sourc\": \"x\", \"Lead Source\": \"web\"}");
  ft_missing(f, "Email", "email");
  ft_missing(f, "lead_source", "`Lead Source`");
  lq_fields_miss m;
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "lead_source"), &m));
  cr_assert_str_eq(m.key, "Lead Source");
  ft_free(f);
}

/* Three keys one edit from origin: the tie is broken the same way every time. */
Test(fields, a_suggestion_is_the_same_whatever_the_order_of_the_leads) {
  const char *leads[] = {"{\"origins\": 1}", "{\"orijin\": 1}", "{\"origen\": 1}"};
  char want[64] = "";
  for (int start = 0; start < 3; start++) {
    ft *f = ft_new("define a = origin == 1\n");
    for (int k = 0; k < 3; k++) ft_lead(f, leads[(start + k) % 3]);
    lq_fields_miss m;
    cr_assert(lq_fields_missing(f->t, 0, &m));
    cr_assert_not_null(m.suggest);
    if (!start) snprintf(want, sizeof want, "%s", m.suggest);
    cr_assert_str_eq(m.suggest, want, "starting at lead %d", start);
    ft_free(f);
  }
  cr_assert_str_eq(want, "origen", "the shorter keys first, then by their bytes");
}

/* "abcdefgh" with the letters at two places changed: a distinct near key per n. */
static void near_key(int n, char out[9]) {
  memcpy(out, "abcdefgh", 9);
  out[n % 8] = (char)('p' + n / 8 % 10);
  out[(n % 8 + 1 + n / 80 % 7) % 8] = (char)('p' + n / 560 % 10);
}

/* ---- flat leads, nested rules: a CSV export's company.employees ---- */

Test(fields, a_nested_field_the_leads_had_flat_names_the_flat_key) {
  ft *f = ft_new("define big = company.employees > 10\n"
                 "define east = lead.company.region == \"east\"\n"
                 "define web = crm.`Lead Source` == \"web\"\n"
                 "define deep = a.b.c is present\n");
  /* a CSV header company.employees is one top-level key */
  ft_lead(f, "{\"id\": \"1\", \"company.employees\": \"5\", \"Company.Region\": \"east\", \"crm.lead source\": \"web\","
             " \"a.b.c\": \"x\"}");
  ft_lead(f, "{\"id\": \"2\", \"company.employees\": \"50\"}");
  ft_missing(f, "company.employees", "`company.employees`");
  lq_fields_miss m;
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "company.employees"), &m));
  cr_assert_str_eq(m.key, "company.employees");
  cr_assert_eq(m.key_seg, 0);
  cr_assert_eq(m.key_nsegs, 2, "the key takes the place of the whole path");
  /* equal but for case; the path as written with lead. is the same path */
  ft_missing(f, "lead.company.region", "`Company.Region`");
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "lead.company.region"), &m));
  cr_assert_str_eq(m.key, "Company.Region");
  /* a quoted key is joined as it is */
  ft_missing(f, "crm.`Lead Source`", "`crm.lead source`");
  ft_missing(f, "a.b.c", "`a.b.c`");
  cr_assert(lq_fields_missing(f->t, ft_field(f->p, "a.b.c"), &m));
  cr_assert_eq(m.key_nsegs, 3);
  ft_free(f);
}

Test(fields, a_flat_key_comes_before_any_other_and_the_exact_one_first) {
  const char *leads[] = {"{\"company\": {\"employes\": 3}, \"compny\": {\"employees\": 3}}",
                         "{\"Company.Employees\": 1}",
                         "{\"company.employees\": 2}"};
  for (int start = 0; start < 3; start++) {
    ft *f = ft_new("define big = company.employees > 10\n");
    for (int k = 0; k < 3; k++) ft_lead(f, leads[(start + k) % 3]);
    ft_missing(f, "company.employees", "`company.employees`");
    lq_fields_miss m;
    cr_assert(lq_fields_missing(f->t, 0, &m));
    cr_assert_str_eq(m.key, "company.employees", "starting at lead %d", start);
    ft_free(f);
  }
  /* but for case, when that is all the leads had; still before a deeper near key */
  ft *g = ft_new("define big = company.employees > 10\n");
  ft_lead(g, "{\"company\": {\"employes\": 3}}");
  ft_lead(g, "{\"COMPANY.EMPLOYEES\": 1}");
  ft_missing(g, "company.employees", "`COMPANY.EMPLOYEES`");
  ft_free(g);
  /* without a flat key, the near key in company is the suggestion, as before */
  ft *h = ft_new("define big = company.employees > 10\n");
  ft_lead(h, "{\"company\": {\"employes\": 3}, \"company.employee\": 4, \"xcompany.employees\": 4}");
  ft_missing(h, "company.employees", "company.employes");
  lq_fields_miss m;
  cr_assert(lq_fields_missing(h->t, 0, &m));
  cr_assert_eq(m.key_nsegs, 1);
  ft_free(h);
}

Test(fields, a_flat_key_is_looked_for_only_where_it_can_stand_for_the_path) {
  ft *f = ft_new("define a = any(events where kind.name == \"demo\")\n"
                 "define b = tags[0].x is present\n"
                 "define d = company.size is present\n"
                 "define e = crm.owner is present\n");
  /* in a list's items; with an index; blank; not at the top */
  ft_lead(f, "{\"events\": [{\"kind.name\": \"demo\"}], \"kind.name\": \"demo\", \"tags.0.x\": 1, \"tags[0].x\": 1,"
             " \"company.size\": \"  \", \"crm\": {\"crm.owner\": \"x\"}}");
  ft_lead(f, "{\"company.size\": null, \"crm.owner\": [\"x\"]}");
  ft_missing(f, "kind.name", NULL);
  ft_missing(f, "tags[0].x", NULL);
  ft_missing(f, "company.size", NULL);
  /* an array is present */
  ft_missing(f, "crm.owner", "`crm.owner`");
  ft_free(f);
}

Test(fields, a_flat_key_survives_a_full_set_of_near_keys_and_a_merge) {
  ft *f = ft_new("define a = abcdefgh.x is present\n");
  lq_fields *b = lq_fields_new(f->p, NULL, 0);
  char lead[256], key[9];
  for (int i = 0; i < 900; i++) {
    near_key(i, key);
    snprintf(lead, sizeof lead, "{\"%s\": {\"y\": 1}}", key);
    ft_lead(f, lead);
  }
  cr_assert_eq(lq_fields_kept(f->t, 0), LQ_FIELDS_MAX_KEYS);
  ft_lead_to(f, b, "{\"ABCDEFGH.X\": 1}");
  ft_lead_to(f, b, "{\"abcdefgh.x\": 1}");
  lq_fields_merge(f->t, b);
  cr_assert_leq(lq_fields_kept(f->t, 0), LQ_FIELDS_MAX_KEYS);
  ft_missing(f, "abcdefgh.x", "`abcdefgh.x`");
  /* and the other way: a full set merged into the one that saw the flat key */
  ft_lead_to(f, b, "{\"abcdefgh\": {\"y\": 1}}");
  lq_fields_merge(b, f->t);
  lq_fields_miss m;
  cr_assert(lq_fields_missing(b, 0, &m));
  cr_assert_str_eq(m.suggest, "`abcdefgh.x`");
  cr_assert_leq(lq_fields_kept(b, 0), LQ_FIELDS_MAX_KEYS);
  /* found later, as a nested path, it is not missing */
  ft_lead(f, "{\"abcdefgh\": {\"x\": 1}}");
  ft_present(f, "abcdefgh.x");
  lq_fields_free(b);
  ft_free(f);
}

Test(fields, an_id_path_the_leads_had_flat_names_the_flat_key) {
  ft *f = ft_new_id("define a = email is present\n", "crm.id");
  ft_lead(f, "{\"crm.id\": \"A1\", \"crm\": {\"ids\": 1}}");
  lq_fields_miss m;
  cr_assert(lq_fields_id_missing(f->t, &m));
  cr_assert_str_eq(m.text, "crm.id");
  cr_assert_str_eq(m.key, "crm.id");
  cr_assert_str_eq(m.suggest, "`crm.id`");
  ft_free(f);
}

/* ---- memory stays flat ---- */


Test(fields, keys_kept_are_bounded_and_the_best_survive) {
  ft *f = ft_new("define a = abcdefgh is present\n");
  char lead[256], key[9];
  for (int i = 0; i < 10000; i++) {
    near_key(i, key);
    /* every lead has a distinct key, close enough to be a candidate, and one that is not */
    if (i == 900) snprintf(lead, sizeof lead, "{\"%s\": 1, \"ABCDEFGH\": 1}", key);
    else snprintf(lead, sizeof lead, "{\"%s\": 1, \"unrelated%d\": 1}", key, i);
    ft_lead(f, lead);
    if (i == 899)
      cr_assert_eq(lq_fields_kept(f->t, 0), LQ_FIELDS_MAX_KEYS, "900 distinct near keys seen, %d kept", lq_fields_kept(f->t, 0));
  }
  cr_assert_leq(lq_fields_kept(f->t, 0), LQ_FIELDS_MAX_KEYS);
  ft_missing(f, "abcdefgh", "ABCDEFGH");
  ft_free(f);
}

Test(fields, keys_are_gathered_only_from_the_first_leads_without_the_field) {
  ft *f = ft_new("define a = origin is present\n");
  for (int i = 0; i < LQ_FIELDS_WINDOW; i++) ft_lead(f, "{\"email\": \"x\"}");
  ft_lead(f, "{\"Origin\": \"web\"}");
  ft_missing(f, "origin", NULL);
  cr_assert_eq(lq_fields_kept(f->t, 0), 0);
  /* within the window, the same key is gathered */
  ft *g = ft_new("define a = origin is present\n");
  for (int i = 0; i < LQ_FIELDS_WINDOW - 1; i++) ft_lead(g, "{\"email\": \"x\"}");
  ft_lead(g, "{\"Origin\": \"web\"}");
  ft_missing(g, "origin", "Origin");
  ft_free(f);
  ft_free(g);
}

/* ---- threads ---- */

Test(fields, merge_adds_what_each_tracker_saw) {
  ft *f = ft_new_id("define a = orign == \"web\"\n"
                    "define b = email is present\n"
                    "define c = phone is present\n",
                    "crm_id");
  lq_fields *b = lq_fields_new(f->p, f->id_segs, f->id_nsegs);
  ft_lead_to(f, f->t, "{\"email\": \"a@b.c\", \"origin\": \"web\"}");
  ft_lead_to(f, f->t, "{\"crm_i\": 1}");
  ft_lead_to(f, b, "{\"phone\": \"555\", \"origni\": \"x\", \"crm_id\": 7}");
  ft_lead_to(f, b, "{\"email\": \"\"}");
  lq_fields_merge(f->t, b);
  cr_assert_eq(lq_fields_leads(f->t), 4);
  ft_present(f, "email");
  ft_present(f, "phone");
  ft_missing(f, "orign", "origin");
  lq_fields_miss m;
  cr_assert_not(lq_fields_id_missing(f->t, &m), "the id was in a lead b saw");
  /* into b, what a third tracker saw: b's findings take it in too */
  lq_fields *c = lq_fields_new(f->p, f->id_segs, f->id_nsegs);
  ft_lead_to(f, c, "{\"email\": \"a@b.c\", \"origin\": \"web\"}");
  lq_fields_merge(b, c);
  cr_assert_eq(lq_fields_leads(b), 3);
  cr_assert(lq_fields_missing(b, ft_field(f->p, "orign"), &m));
  cr_assert_str_eq(m.suggest, "origin");
  cr_assert_not(lq_fields_missing(b, ft_field(f->p, "email"), &m));
  /* a merged tracker goes on observing: a field found later is found */
  cr_assert(lq_fields_missing(b, ft_field(f->p, "orign"), &m));
  ft_lead_to(f, b, "{\"orign\": \"web\"}");
  cr_assert_not(lq_fields_missing(b, ft_field(f->p, "orign"), &m));
  lq_fields_free(b);
  lq_fields_free(c);
  ft_free(f);
}

/* ---- the id path ---- */

Test(fields, an_id_field_no_lead_had_names_the_key_they_had) {
  ft *f = ft_new_id("define a = email is present\n", "crm_id");
  ft_lead(f, "{\"crm id\": \"A1\", \"email\": \"x\"}");
  ft_lead(f, "{\"crm id\": \"A2\", \"crm_id\": \"  \"}");
  lq_fields_miss m;
  cr_assert(lq_fields_id_missing(f->t, &m));
  cr_assert_eq(m.field, -1);
  cr_assert_str_eq(m.text, "crm_id");
  cr_assert_str_eq(m.key, "crm id");
  cr_assert_str_eq(m.suggest, "`crm id`");
  /* the id is not one of the rules' fields */
  cr_assert_not(lq_fields_missing(f->t, f->p->nfields, &m));
  ft_free(f);
}

Test(fields, an_id_field_found_in_a_lead_is_not_missing) {
  ft *f = ft_new_id("define a = email is present\n", "crm.`Prospect ID`");
  ft_lead(f, "{\"crm\": {\"prospect id\": 1}}");
  lq_fields_miss m;
  cr_assert(lq_fields_id_missing(f->t, &m));
  cr_assert_str_eq(m.text, "crm.`Prospect ID`");
  cr_assert_str_eq(m.suggest, "crm.`prospect id`");
  ft_lead(f, "{\"crm\": {\"Prospect ID\": 1}}");
  cr_assert_not(lq_fields_id_missing(f->t, &m));
  ft_free(f);
  /* without an id path, there is nothing to find */
  ft *g = ft_new("define a = email is present\n");
  ft_lead(g, "{\"email\": \"x\"}");
  cr_assert_not(lq_fields_id_missing(g->t, &m));
  ft_free(g);
}
