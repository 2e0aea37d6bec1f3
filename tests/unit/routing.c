/* routing.c: tables, lookups, owners and pick (docs/language.md, "Routing to people"). */
#include "helpers.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "explain.h"
#include "output.h"
#include "table.h"

/* A rules file and its tables in a folder of their own, compiled from disk. */
typedef struct rt {
  char dir[32];
  lq_diags d;
  lq_program *p;
  lq_eval *E;
} rt;

static void rt_write(rt *t, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", t->dir, name);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0755);
  *slash = '/';
  FILE *f = fopen(path, "w");
  cr_assert(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

/* Writes files (name, text pairs, NULL-terminated) and compiles rules.lq. */
static void rt_open(rt *t, const char *rules, ...) {
  snprintf(t->dir, sizeof t->dir, "/tmp/lq-route-XXXXXX");
  cr_assert(mkdtemp(t->dir));
  rt_write(t, "rules.lq", rules);
  va_list ap;
  va_start(ap, rules);
  for (const char *name; (name = va_arg(ap, const char *));) rt_write(t, name, va_arg(ap, const char *));
  va_end(ap);
  char path[64];
  snprintf(path, sizeof path, "%s/rules.lq", t->dir);
  lq_diags_init(&t->d);
  t->p = lq_compile_file(path, &t->d);
  t->E = t->d.errors ? NULL : lq_eval_new(t->p, T_NOW);
}

static void rt_close(rt *t) {
  if (t->E) lq_eval_free(t->E);
  lq_program_free(t->p);
  lq_diags_free(&t->d);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
  cr_assert(system(cmd) == 0);
}

static void rt_clean(const rt *t) {
  char buf[2048];
  cr_assert(t->d.errors == 0, "unexpected errors: %s", t_diag_all(&t->d, buf, sizeof buf));
}

static const lq_result *rt_run(rt *t, const char *lead) {
  lq_eval_reset(t->E);
  char why[200];
  cJSON *j = t_parse_lead(lq_eval_scratch(t->E), lead, strlen(lead), why, sizeof why);
  cr_assert(j, "bad test lead %s: %s", lead, why);
  return lq_eval_lead(t->E, j);
}

/* The owner as text ("" when none), the route's name (or "-"). */
static const char *owner_of(const lq_result *r) {
  static char buf[64];
  char num[32];
  const char *s;
  size_t n;
  bool bare;
  if (lq_owner_text(r->owner, num, &s, &n, &bare)) snprintf(buf, sizeof buf, "%.*s", (int)n, s);
  else buf[0] = '\0';
  return buf;
}

static const char *route_of(const rt *t, const lq_result *r) { return r->route >= 0 ? t->p->routes[r->route].name : "-"; }

static const char *const ACCOUNTS =
    "domain,owner,tier\n"
    "acme.com,ana@acme.example,1\n"
    "Globex.com,ben@acme.example,2\n"
    "initech.com,,3\n";

static const char *const TERRITORIES =
    "country,state,ae\n"
    "US,CA,cy@acme.example\n"
    "US,NY,di@acme.example\n"
    "DE,BE,ed@acme.example\n";

Test(tables, keyed_lookup_ignores_case_and_a_missing_owner_passes_the_route) {
  rt t;
  rt_open(&t,
          "table accounts = \"tables/accounts.csv\" key domain\n"
          "define account = accounts[domain(email)]\n"
          "route \"named\" to account.owner when account is present\n"
          "route \"pool\" otherwise\n",
          "tables/accounts.csv", ACCOUNTS, NULL);
  rt_clean(&t);
  const lq_result *r = rt_run(&t, "{\"email\":\"x@ACME.com\"}");
  cr_assert_str_eq(route_of(&t, r), "named");
  cr_assert_str_eq(owner_of(r), "ana@acme.example");
  r = rt_run(&t, "{\"email\":\"x@globex.com\"}");   /* the table says Globex.com */
  cr_assert_str_eq(owner_of(r), "ben@acme.example");
  r = rt_run(&t, "{\"email\":\"x@initech.com\"}");  /* a row, but its owner cell is empty */
  cr_assert_str_eq(route_of(&t, r), "pool");
  cr_assert_str_eq(owner_of(r), "");
  cr_assert_eq(lq_eval_owner_misses(t.E, 0).missing, 1);
  r = rt_run(&t, "{\"email\":\"x@nowhere.org\"}");
  cr_assert_str_eq(route_of(&t, r), "pool");
  cr_assert_eq(lq_eval_owner_misses(t.E, 0).missing, 1, "no row is no match, not a miss");
  rt_close(&t);
}

/* A miss says why (nothing there, or no person) and what became of the lead:
 * a later route, or none. A rejected lead is routed nowhere and misses nothing. */
Test(tables, owner_misses_say_why_and_where_the_leads_went) {
  rt t;
  rt_open(&t,
          "reject \"spam\" when spam == true\n"
          "route \"first\" to person when wants == true\n"
          "route \"pool\" when pool == true\n",
          NULL);
  rt_clean(&t);
  rt_run(&t, "{\"wants\":true,\"pool\":true}");                   /* missing, then pool */
  rt_run(&t, "{\"wants\":true,\"person\":\"  \"}");              /* blank is missing; no route */
  rt_run(&t, "{\"wants\":true,\"person\":{\"a\":1},\"pool\":true}");   /* no person, then pool */
  rt_run(&t, "{\"wants\":true,\"person\":false}");                /* no person; no route */
  rt_run(&t, "{\"wants\":true,\"spam\":true}");                    /* rejected: no miss */
  lq_owner_misses m = lq_eval_owner_misses(t.E, 0);
  cr_assert_eq(m.missing, 2);
  cr_assert_eq(m.not_text, 2);
  cr_assert_eq(m.went_on, 2);
  cr_assert_eq(m.unrouted, 2);
  m = lq_eval_owner_misses(t.E, 1);
  cr_assert_eq(m.missing + m.not_text + m.went_on + m.unrouted, 0, "a route without to misses nothing");
  rt_close(&t);
}

Test(tables, composite_key_and_numbers_compared_as_text) {
  rt t;
  rt_open(&t,
          "table territories = \"tables/territories.csv\" key country, state\n"
          "table postcodes = \"tables/zips.ndjson\" key zip\n"
          "route \"territory\" to territories[country, state].ae when true\n"
          "route \"zip\" to postcodes[zip].rep when true\n",
          "tables/territories.csv", TERRITORIES, "tables/zips.ndjson",
          "{\"zip\":94107,\"rep\":\"fa@acme.example\"}\n{\"zip\":\"02134\",\"rep\":\"gu@acme.example\"}\n", NULL);
  rt_clean(&t);
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"country\":\"us\",\"state\":\"ny\"}")), "di@acme.example");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":\"94107\"}")), "fa@acme.example");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":94107.0}")), "fa@acme.example");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":\"02134\"}")), "gu@acme.example");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":2134}")), "", "2134 is not the text 02134");
  rt_close(&t);
}

/* An id past 2^53 (here 19 and 20 digits) finds its row, in a CSV or an
 * NDJSON table, whether the lead has it as a number or as text; its
 * neighbour, the same number to a double, finds its own. */
Test(tables, a_19_digit_id_finds_its_row) {
  rt t;
  rt_open(&t,
          "table csv = \"tables/ids.csv\" key id\n"
          "table nd = \"tables/ids.ndjson\" key id\n"
          "route \"csv\" to csv[lead_id].owner when kind == \"csv\"\n"
          "route \"nd\" to nd[lead_id].owner when kind == \"nd\"\n",
          "tables/ids.csv",
          "id,owner\n1234567890123456789,ana@acme.example\n1234567890123456788,ben@acme.example\n"
          "12345678901234567890,cy@acme.example\n",
          "tables/ids.ndjson",
          "{\"id\":1234567890123456789,\"owner\":\"ana@acme.example\"}\n"
          "{\"id\":1234567890123456788,\"owner\":\"ben@acme.example\"}\n"
          "{\"id\":12345678901234567890,\"owner\":\"cy@acme.example\"}\n",
          NULL);
  rt_clean(&t);
  static const char *const kinds[] = {"csv", "nd"};
  for (int i = 0; i < 2; i++) {
    char lead[128];
    snprintf(lead, sizeof lead, "{\"kind\":\"%s\",\"lead_id\":1234567890123456789}", kinds[i]);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), "ana@acme.example", "%s", lead);
    snprintf(lead, sizeof lead, "{\"kind\":\"%s\",\"lead_id\":1234567890123456788}", kinds[i]);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), "ben@acme.example", "%s", lead);
    snprintf(lead, sizeof lead, "{\"kind\":\"%s\",\"lead_id\":\"1234567890123456789\"}", kinds[i]);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), "ana@acme.example", "%s", lead);
    snprintf(lead, sizeof lead, "{\"kind\":\"%s\",\"lead_id\":12345678901234567890}", kinds[i]);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), "cy@acme.example", "%s", lead);
    snprintf(lead, sizeof lead, "{\"kind\":\"%s\",\"lead_id\":1.2345678901234567890e19}", kinds[i]);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), "", "not written whole: %s", lead);
  }
  rt_close(&t);
}

/* The same numbers written in the rules are kept as their digits too: a
 * constant lookup finds its row, == tells neighbouring ids apart. */
Test(tables, a_long_id_written_in_the_rules_is_its_digits) {
  rt t;
  rt_open(&t,
          "table csv = \"tables/ids.csv\" key id\n"
          "route \"fixed\" to csv[12345678901234567890].owner when kind == \"fixed\"\n"
          "route \"neg\" to csv[-1234567890123456789].owner when kind == \"neg\"\n"
          "route \"eq\" to \"eq@acme.example\" when lead_id == 1234567890123456789\n"
          "route \"in\" to \"in@acme.example\" when lead_id in [1234567890123456788, 5]\n"
          "route \"rest\" otherwise\n",
          "tables/ids.csv",
          "id,owner\n-1234567890123456789,ana@acme.example\n12345678901234567890,cy@acme.example\n", NULL);
  rt_clean(&t);
  cr_expect_str_eq(owner_of(rt_run(&t, "{\"kind\":\"fixed\"}")), "cy@acme.example");
  cr_expect_str_eq(owner_of(rt_run(&t, "{\"kind\":\"neg\"}")), "ana@acme.example");
  cr_expect_str_eq(owner_of(rt_run(&t, "{\"lead_id\":1234567890123456789}")), "eq@acme.example");
  cr_expect_str_eq(owner_of(rt_run(&t, "{\"lead_id\":\"1234567890123456789\"}")), "eq@acme.example");
  cr_expect_str_eq(owner_of(rt_run(&t, "{\"lead_id\":1234567890123456788}")), "in@acme.example");
  cr_expect_str_eq(route_of(&t, rt_run(&t, "{\"lead_id\":1234567890123456787}")), "rest");
  rt_close(&t);
}

Test(tables, errors_name_the_table_file_lines) {
  rt t;
  rt_open(&t,
          "table a = \"tables/a.csv\" key domain\n"
          "route \"x\" to a[email].owner when true\n",
          "tables/a.csv", "domain,owner\nacme.com,ana\nother.com,ben\nACME.COM,cy\n,di\n", NULL);
  int dup = t_diag_find(&t.d, "two rows with the key 'ACME.COM': line 2 and this one");
  cr_assert(dup >= 0);
  int line, col;
  t_diag_pos(t.p, &t.d, dup, &line, &col);
  cr_assert_eq(line, 4);
  cr_assert(strstr(t.p->sources.files[t.d.items[dup].span.file].path, "tables/a.csv"));
  int nokey = t_diag_find(&t.d, "has no domain, its key");
  cr_assert(nokey >= 0);
  t_diag_pos(t.p, &t.d, nokey, &line, &col);
  cr_assert_eq(line, 5);
  rt_close(&t);
}

Test(tables, misspelt_columns_are_compile_errors_with_did_you_mean) {
  rt t;
  rt_open(&t,
          "table accounts = \"tables/accounts.csv\" key domian\n"
          "table reps = \"tables/reps.csv\"\n"
          "define acct = accounts[email].ownr\n"
          "define b = count(reps where pol == \"inside\")\n"
          "define c = pick(reps, id, wieght)\n"
          "define e = first(reps).emial\n"
          "route \"x\" to acct when b > 0 and c is present and e is present\n",
          "tables/accounts.csv", ACCOUNTS, "tables/reps.csv", "email,pool,weight\nana,inside,1\n", NULL);
  cr_assert(t_diag_find(&t.d, "table 'accounts' has no column 'domian'; did you mean 'domain'?") >= 0);
  cr_assert(t_diag_find(&t.d, "table 'accounts' has no column 'ownr'; did you mean 'owner'?") >= 0);
  cr_assert(t_diag_find(&t.d, "table 'reps' has no column 'pol'; did you mean 'pool'?") >= 0);
  cr_assert(t_diag_find(&t.d, "table 'reps' has no column 'wieght'; did you mean 'weight'?") >= 0);
  cr_assert(t_diag_find(&t.d, "table 'reps' has no column 'emial'; did you mean 'email'?") >= 0);
  char buf[2048];
  cr_assert_eq(t.d.errors, 5, "%s", t_diag_all(&t.d, buf, sizeof buf));
  rt_close(&t);
}

Test(tables, lookups_need_a_table_with_a_key_and_one_value_per_key_column) {
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.csv\"\n"
          "table terr = \"tables/territories.csv\" key country, state\n"
          "define a = reps[email]\n"
          "define b = terr[country]\n"
          "define c = email[\"x\"]\n"
          "route \"x\" when a is present and b is present and c is present\n",
          "tables/reps.csv", "email,pool\nana,inside\n", "tables/territories.csv", "country,state,ae\nUS,CA,cy\n", NULL);
  cr_assert(t_diag_find(&t.d, "table 'reps' has no key, so a row cannot be looked up by a value") >= 0);
  cr_assert(t_diag_find(&t.d, "table 'terr' is keyed by 2 columns (country, state): give 2 values in the brackets, not 1") >= 0);
  cr_assert(t_diag_find(&t.d, "only a table can be looked up by a value in brackets") >= 0);
  rt_close(&t);
}

Test(tables, a_table_without_key_is_a_list_of_rows) {
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.ndjson\"\n"
          "route \"x\" to first(reps where pool == \"inside\" and weight > 1).email when count(reps where pool == \"inside\") == 2\n",
          "tables/reps.ndjson",
          "{\"email\":\"ana\",\"pool\":\"inside\",\"weight\":1}\n{\"email\":\"ben\",\"pool\":\"field\",\"weight\":5}\n"
          "{\"email\":\"cy\",\"pool\":\"Inside\",\"weight\":3}\n",
          NULL);
  rt_clean(&t);
  cr_assert_str_eq(owner_of(rt_run(&t, "{}")), "cy");
  rt_close(&t);
}

/* A key holding \u0000 is not the column named by the part before the NUL,
 * whichever comes first in the row: rep is the plain "rep" key's value. */
Test(tables, a_key_with_a_nul_names_no_column) {
  rt t;
  rt_open(&t,
          "table postcodes = \"tables/zips.ndjson\" key zip\n"
          "route \"zip\" to postcodes[zip].rep when true\n",
          "tables/zips.ndjson",
          "{\"zip\":\"1\",\"rep\":\"ana\",\"rep\\u0000x\":\"wrong\"}\n"
          "{\"zip\":\"2\",\"rep\\u0000x\":\"wrong\",\"rep\":\"ben\"}\n"
          "{\"zip\":\"3\",\"rep\\u0000\":\"wrong\"}\n",
          NULL);
  rt_clean(&t);
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":\"1\"}")), "ana");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":\"2\"}")), "ben");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"zip\":\"3\"}")), "", "the row has no rep");
  rt_close(&t);
}

/* ---- pick ---- */

static const char *const REPS =
    "email,pool,weight\n"
    "ana@acme.example,inside,2\n"
    "ben@acme.example,inside,1\n"
    "cy@acme.example,inside,1\n";

/* Computed independently with Python's xxhash module (Debian python3-xxhash)
 * from the formula in docs/language.md; tests/pick_check.py recomputes them. */
Test(pick, agrees_with_an_independent_implementation) {
  static const struct { const char *id, *even, *weighted; } want[] = {
      {"\"1\"", "cy@acme.example", "cy@acme.example"},
      {"\"2\"", "ana@acme.example", "ana@acme.example"},
      {"\"3\"", "ben@acme.example", "ben@acme.example"},
      {"\"4\"", "cy@acme.example", "cy@acme.example"},
      {"\"5\"", "ben@acme.example", "ben@acme.example"},
      {"\"lead-42\"", "cy@acme.example", "ana@acme.example"},
      {"12345", "cy@acme.example", "cy@acme.example"},
      {"2.5", "ben@acme.example", "ben@acme.example"},
      {"\"\xc3\x84rger\"", "ben@acme.example", "ben@acme.example"},
      /* Whole numbers past 2^53, keyed by their digits (not 1.23456789012346e+18). */
      {"1234567890123456789", "cy@acme.example", "cy@acme.example"},
      {"\"1234567890123456789\"", "cy@acme.example", "cy@acme.example"},
      {"1234567890123456788", "ana@acme.example", "ana@acme.example"},
      {"12345678901234567891", "ben@acme.example", "ana@acme.example"},
      {"9007199254740993", "ben@acme.example", "ben@acme.example"},
  };
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.csv\"\n"
          "route \"even\" to pick([\"ana@acme.example\", \"ben@acme.example\", \"cy@acme.example\"], id) when lead.w is missing\n"
          "route \"weighted\" to pick(reps where pool == \"inside\", id, weight).email otherwise\n",
          "tables/reps.csv", REPS, NULL);
  rt_clean(&t);
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    char lead[128];
    snprintf(lead, sizeof lead, "{\"id\":%s}", want[i].id);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), want[i].even, "even pick for id %s", want[i].id);
    snprintf(lead, sizeof lead, "{\"id\":%s,\"w\":1}", want[i].id);
    cr_expect_str_eq(owner_of(rt_run(&t, lead)), want[i].weighted, "weighted pick for id %s", want[i].id);
  }
  rt_close(&t);
}

Test(pick, missing_key_empty_list_and_unweighted_items_give_no_owner) {
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.csv\"\n"
          "route \"a\" to pick(reps, id, weight).email when lead.case == 1\n"
          "route \"b\" to pick(reps where pool == \"none\", id).email when lead.case == 2\n"
          "route \"c\" to pick(reps, id, weight - 5).email when lead.case == 3\n"
          "route \"rest\" otherwise\n",
          "tables/reps.csv", REPS, NULL);
  rt_clean(&t);
  cr_assert_str_eq(route_of(&t, rt_run(&t, "{\"case\":1}")), "rest");
  cr_assert_str_eq(route_of(&t, rt_run(&t, "{\"case\":2,\"id\":1}")), "rest");
  cr_assert_str_eq(route_of(&t, rt_run(&t, "{\"case\":3,\"id\":1}")), "rest");
  cr_assert_str_eq(route_of(&t, rt_run(&t, "{\"case\":1,\"id\":1}")), "a");
  rt_close(&t);
}

/* 100,000 keys over weights 2:1:1 land within a percentage point of 50/25/25. */
Test(pick, is_fair_to_the_weights) {
  rt t;
  rt_open(&t, "table reps = \"tables/reps.csv\"\nroute \"r\" to pick(reps, id, weight).email otherwise\n",
          "tables/reps.csv", REPS, NULL);
  rt_clean(&t);
  enum { N = 100000 };
  int count[3] = {0};
  for (int i = 0; i < N; i++) {
    char lead[64];
    snprintf(lead, sizeof lead, "{\"id\":\"L-%d\"}", i);
    const char *o = owner_of(rt_run(&t, lead));
    count[o[0] == 'a' ? 0 : o[0] == 'b' ? 1 : 2]++;
  }
  double share[3] = {100.0 * count[0] / N, 100.0 * count[1] / N, 100.0 * count[2] / N};
  cr_expect(fabs(share[0] - 50) < 1 && fabs(share[1] - 25) < 1 && fabs(share[2] - 25) < 1,
            "shares %.2f%% %.2f%% %.2f%%, expected 50/25/25 within 1 point", share[0], share[1], share[2]);
  rt_close(&t);
}

/* Removing one rep moves exactly the keys that rep had; adding one takes keys
 * only from the others, never moving a key between two old reps. */
Test(pick, moves_only_the_keys_of_the_rep_removed_or_added) {
  rt full, less;
  const char *rules = "table reps = \"tables/reps.csv\"\nroute \"r\" to pick(reps, id, weight).email otherwise\n";
  rt_open(&full, rules, "tables/reps.csv", "email,weight\nana,1\nben,2\ncy,1\ndi,1\n", NULL);
  rt_open(&less, rules, "tables/reps.csv", "email,weight\nana,1\nben,2\ndi,1\n", NULL);
  rt_clean(&full);
  rt_clean(&less);
  int moved = 0, had = 0;
  for (int i = 0; i < 20000; i++) {
    char lead[64], before[64];
    snprintf(lead, sizeof lead, "{\"id\":%d}", i);
    snprintf(before, sizeof before, "%s", owner_of(rt_run(&full, lead)));
    const char *after = owner_of(rt_run(&less, lead));
    had += !strcmp(before, "cy");
    if (strcmp(before, after)) {
      moved++;
      cr_assert_str_eq(before, "cy", "key %d moved from %s to %s, but only cy was removed", i, before, after);
    }
  }
  cr_assert_eq(moved, had, "%d keys moved, cy had %d", moved, had);
  cr_assert(had > 3000 && had < 5000, "cy had %d of 20,000 keys at weight 1 of 5", had);
  rt_close(&full);
  rt_close(&less);
}

/* ---- what explain shows of a pick: lq_eval_pick_trace ---- */

/* The pick call inside a route's `to` (to: pick(...).email, a path off the call). */
static const lq_expr *pick_call(const rt *t, int route) {
  const lq_expr *e = t->p->routes[route].to;
  if (e->op == LQ_OP_PATH) e = e->a;
  cr_assert(e->op == LQ_OP_CALL && e->fn == LQ_FN_pick);
  return e;
}

/* Every item is listed with its weight; the score is the contract's formula,
 * recomputed here from XXH64; the one picked is the decision's owner. */
Test(pick, trace_lists_every_candidate_as_the_decision_weighed_it) {
  rt t;
  rt_open(&t, "table reps = \"tables/reps.csv\"\nroute \"r\" to pick(reps, id, weight).email otherwise\n",
          "tables/reps.csv", "email,weight\nana@acme.example,2\nben@acme.example,0\ncy@acme.example,\ndi@acme.example,1\n",
          NULL);
  rt_clean(&t);
  const lq_result *r = rt_run(&t, "{\"id\":\"lead-42\"}");
  lq_pick_trace tr;
  lq_eval_pick_trace(t.E, pick_call(&t, 0), LQ_NOVALUE, &tr);
  cr_assert_eq(tr.keyn, 7);
  cr_assert_str_eq(tr.key, "lead-42");
  cr_assert_eq(tr.n, 4);
  static const char *const ids[] = {"ana@acme.example", "ben@acme.example", "cy@acme.example", "di@acme.example"};
  for (int i = 0; i < 4; i++) cr_assert_str_eq(tr.c[i].id, ids[i]);
  cr_assert_eq(tr.c[0].weight, 2);
  cr_assert_eq(tr.c[1].weight, 0);
  cr_assert(isnan(tr.c[2].weight), "an empty weight cell is missing");
  cr_assert_eq(tr.c[3].weight, 1);
  cr_assert(isnan(tr.c[1].score) && isnan(tr.c[2].score), "weight 0 and no weight are never scored");
  for (int i = 0; i < 4; i += 3) {
    char text[64];
    int n = snprintf(text, sizeof text, "lead-42\x1f%s", ids[i]);
    uint64_t h = XXH64(text, (size_t)n, 0);
    double u = ((double)(h >> 11) + 0.5) / 9007199254740992.0;
    cr_assert_eq(tr.c[i].score, tr.c[i].weight / -log(u), "score of %s", ids[i]);
  }
  cr_assert(tr.picked == 0 || tr.picked == 3);
  cr_assert(tr.c[tr.picked].score >= tr.c[3 - tr.picked].score);
  cr_assert_str_eq(owner_of(r), ids[tr.picked]);
  rt_close(&t);
}

/* A 19-digit id's key is its digits: the score of each rep is the formula's
 * on XXH64("1234567890123456789" 0x1F email). */
Test(pick, a_19_digit_id_hashes_its_digits) {
  rt t;
  rt_open(&t, "table reps = \"tables/reps.csv\"\nroute \"r\" to pick(reps, id, weight).email otherwise\n",
          "tables/reps.csv", REPS, NULL);
  rt_clean(&t);
  const lq_result *r = rt_run(&t, "{\"id\":1234567890123456789}");
  lq_pick_trace tr;
  lq_eval_pick_trace(t.E, pick_call(&t, 0), LQ_NOVALUE, &tr);
  cr_assert_eq(tr.keyn, 19);
  cr_assert(!memcmp(tr.key, "1234567890123456789", 19));
  /* XXH64 of "1234567890123456789\x1fcy@acme.example", seed 0, by Python's xxhash. */
  cr_assert_eq(XXH64("1234567890123456789\x1f" "cy@acme.example", 35, 0), 0xe425bbd03770d9d0ULL);
  for (uint32_t i = 0; i < tr.n; i++) {
    char text[64];
    int n = snprintf(text, sizeof text, "1234567890123456789\x1f%s", tr.c[i].id);
    double u = ((double)(XXH64(text, (size_t)n, 0) >> 11) + 0.5) / 9007199254740992.0;
    cr_assert_eq(tr.c[i].score, tr.c[i].weight / -log(u), "score of %s", tr.c[i].id);
  }
  cr_assert_str_eq(owner_of(r), "cy@acme.example");
  rt_close(&t);
}

/* A composite key's identity of 2,000 bytes (two cells of 1,000 and 999
 * joined by 0x1F) is picked, and hashed as one XXH64 of all its bytes. */
Test(pick, a_2000_byte_identity_is_hashed_whole) {
  static char table[4200], rules[200];
  char a[1001], b[1000];
  memset(a, 'a', 1000);
  a[1000] = '\0';
  memset(b, 'b', 999);
  b[999] = '\0';
  /* Two rows whose keys differ only at the very end: a hash of a prefix could not tell them apart. */
  snprintf(table, sizeof table, "a,b,email,weight\n%s,%s,ana@acme.example,1\n%s,%.998sc,ben@acme.example,1\n", a, b,
           a, b);
  snprintf(rules, sizeof rules, "table reps = \"tables/reps.csv\" key a, b\nroute \"r\" to pick(reps, id, weight).email otherwise\n");
  rt t;
  rt_open(&t, rules, "tables/reps.csv", table, NULL);
  rt_clean(&t);
  int picked[2] = {0};
  for (int k = 0; k < 40; k++) {
    char lead[64];
    snprintf(lead, sizeof lead, "{\"id\":\"lead-%d\"}", k);
    const lq_result *r = rt_run(&t, lead);
    lq_pick_trace tr;
    lq_eval_pick_trace(t.E, pick_call(&t, 0), LQ_NOVALUE, &tr);
    cr_assert_eq(tr.n, 2);
    cr_assert(tr.picked == 0 || tr.picked == 1, "a 2,000-byte identity is picked");
    picked[tr.picked]++;
    for (int i = 0; i < 2; i++) {
      cr_assert_eq(tr.c[i].idn, 2000);
      cr_assert_eq(tr.c[i].id[1000], '\x1f');
      /* The contract's hash, in one shot, of K 0x1F I. */
      static char text[2100];
      int n = snprintf(text, sizeof text, "lead-%d\x1f%.*s", k, (int)tr.c[i].idn, tr.c[i].id);
      cr_assert_eq((size_t)n, strlen("lead-") + (k < 10 ? 1 : 2) + 1 + 2000);
      double u = ((double)(XXH64(text, (size_t)n, 0) >> 11) + 0.5) / 9007199254740992.0;
      cr_assert_eq(tr.c[i].score, 1 / -log(u), "score of row %d for lead-%d", i, k);
    }
    cr_assert_eq(tr.picked, tr.c[1].score > tr.c[0].score, "the higher score is picked for lead-%d", k);
    cr_assert_str_eq(owner_of(r), tr.picked ? "ben@acme.example" : "ana@acme.example");
  }
  cr_assert(picked[0] && picked[1], "both rows are picked for some keys: %d and %d", picked[0], picked[1]);
  rt_close(&t);
}

/* Identities just short of, at and past what pick joins on the stack (256
 * bytes with the key) are hashed as the one-shot XXH64 of K 0x1F I too. */
Test(pick, identities_either_side_of_the_stack_buffer_hash_alike) {
  static char rules[16384];
  size_t w = (size_t)snprintf(rules, sizeof rules, "route \"r\" to pick([");
  for (int len = 240; len <= 270; len++) {
    w += (size_t)snprintf(rules + w, sizeof rules - w, "%s\"", len > 240 ? ", " : "");
    for (int i = 0; i < len; i++) rules[w++] = (char)('a' + (i + len) % 26);
    rules[w++] = '"';
  }
  snprintf(rules + w, sizeof rules - w, "], id) otherwise\n");
  rt t;
  rt_open(&t, rules, NULL);
  rt_clean(&t);
  rt_run(&t, "{\"id\":\"lead-7\"}");
  lq_pick_trace tr;
  lq_eval_pick_trace(t.E, pick_call(&t, 0), LQ_NOVALUE, &tr);
  cr_assert_eq(tr.n, 31);
  for (uint32_t i = 0; i < tr.n; i++) {
    char text[512];
    int n = snprintf(text, sizeof text, "lead-7\x1f%.*s", (int)tr.c[i].idn, tr.c[i].id);
    cr_assert_eq((size_t)n, 7 + 240 + i);
    double u = ((double)(XXH64(text, (size_t)n, 0) >> 11) + 0.5) / 9007199254740992.0;
    cr_assert_eq(tr.c[i].score, 1 / -log(u), "identity of %zu bytes", tr.c[i].idn);
  }
  uint32_t best = 0;
  for (uint32_t i = 1; i < tr.n; i++)
    if (tr.c[i].score > tr.c[best].score) best = i;
  cr_assert_eq(tr.picked, (int)best, "the highest score is picked");
  rt_close(&t);
}

Test(pick, trace_of_a_missing_key_lists_the_candidates_and_picks_none) {
  rt t;
  rt_open(&t, "route \"r\" to pick([\"ana\", \"ben\"], id) otherwise\n", NULL);
  rt_clean(&t);
  rt_run(&t, "{}");
  lq_pick_trace tr;
  lq_eval_pick_trace(t.E, pick_call(&t, 0), LQ_NOVALUE, &tr);
  cr_assert_null(tr.key);
  cr_assert_eq(tr.n, 2);
  cr_assert_eq(tr.picked, -1);
  cr_assert(isnan(tr.c[0].score) && isnan(tr.c[1].score));
  rt_close(&t);
}

/* ---- explain: the owner, lookups and picks ---- */

static const char *rt_explain(rt *t, const char *lead, bool json) {
  static char out[8192];
  const lq_result *r = rt_run(t, lead);
  lq_buf b = {0};
  lq_explain(&b, t->E, r, T_ID_TEXT("x1", 1), &(lq_explain_opts){.json = json});
  cr_assert_lt(b.len, sizeof out);
  memcpy(out, b.data, b.len);
  out[b.len] = '\0';
  lq_buf_free(&b);
  return out;
}

/* A long pool shows its first ten candidates, then the one picked, then how
 * many more there are: the trace stays readable with 50 reps. */
Test(explain_owner, a_long_pool_shows_ten_candidates_and_the_one_picked) {
  rt t;
  char reps[512] = "email,weight\n";
  for (int i = 1; i <= 12; i++)
    snprintf(reps + strlen(reps), sizeof reps - strlen(reps), "r%02d@acme.example,%d\n", i, i == 12);
  rt_open(&t, "table reps = \"tables/reps.csv\"\nroute \"pool\" to pick(reps, id, weight).email otherwise\n",
          "tables/reps.csv", reps, NULL);
  rt_clean(&t);
  const char *s = rt_explain(&t, "{\"id\":\"L1\"}", false);
  cr_assert(strstr(s, "lead x1 (line 1): stage none, route \"pool\", owner \"r12@acme.example\", score 0\n"), "%s", s);
  cr_assert(strstr(s, "      pick from 12 candidates by stable hashing of id = \"L1\":\n"
                      "        \"r01@acme.example\"  weight 0  never picked: weight not above 0\n"), "%s", s);
  cr_assert(strstr(s, "        \"r10@acme.example\"  weight 0  never picked: weight not above 0\n"
                      "        \"r12@acme.example\"  weight 1  picked\n"
                      "        ... and 1 more\n"), "%s", s);
  cr_assert_null(strstr(s, "r11@"), "%s", s);
  /* JSON has every candidate. */
  s = rt_explain(&t, "{\"id\":\"L1\"}", true);
  cr_assert(strstr(s, "{\"id\":\"r11@acme.example\",\"weight\":0,\"score\":null,\"picked\":false}"), "%s", s);
  rt_close(&t);
}

/* Rules that name only queues: the decision line has no owner part. */
Test(explain_owner, no_owner_part_when_no_route_goes_to_people) {
  rt t;
  rt_open(&t, "route \"queue\" otherwise\n", NULL);
  rt_clean(&t);
  const char *s = rt_explain(&t, "{}", false);
  cr_assert(strstr(s, "lead x1 (line 1): stage none, route \"queue\", score 0\n"), "%s", s);
  rt_close(&t);
}

/* An empty pool picks no one: the route is passed over, and explain says so. */
Test(explain_owner, an_empty_pool_picks_no_one) {
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.csv\"\n"
          "route \"pool\" to pick(reps where pool == \"none\", id).email when true\n"
          "route \"queue\" otherwise\n",
          "tables/reps.csv", REPS, NULL);
  rt_clean(&t);
  const char *s = rt_explain(&t, "{\"id\":\"L1\"}", false);
  cr_assert(strstr(s, "    \"pool\"                          no owner\n"
                      "      to pick(reps where pool == \"none\", id).email = missing: no owner, so the lead went on to the next route\n"
                      "      pick from no candidates by stable hashing of id = \"L1\"\n"
                      "    \"queue\"                         chosen\n"), "%s", s);
  rt_close(&t);
}

/* Where a check warning about owners and weights points, and that a good pool
 * gets none. */
static void rt_warns_at(const rt *t, const char *needle, int line, int col) {
  char buf[4096];
  int i = t_diag_find(&t->d, needle);
  cr_assert(i >= 0, "no diagnostic with \"%s\": %s", needle, t_diag_all(&t->d, buf, sizeof buf));
  cr_assert_eq(t->d.items[i].severity, LQ_WARNING);
  int l, c;
  t_diag_pos(t->p, &t->d, i, &l, &c);
  cr_assert(l == line && c == col, "\"%s\" at %d:%d, not %d:%d", needle, l, c, line, col);
}

Test(check_owner, empty_text_and_text_weights_are_warned_about_where_they_are_written) {
  rt t;
  rt_open(&t,
          "table reps = \"tables/reps.ndjson\"\n"
          "route \"nobody\" to \"  \" when a == 1\n"
          "route \"pool\" to pick(reps, id, weight).email when a == 2\n"
          "route \"good\" to pick(reps where weight != \"2\", id).email when a == 3\n"
          "route \"rest\" otherwise\n",
          "tables/reps.ndjson",
          "{\"email\":\"cy@acme.example\",\"weight\":2}\n"
          "{\"email\":\"di@acme.example\",\"weight\":\"2\"}\n"
          "{\"email\":\"ed@acme.example\"}\n",
          NULL);
  rt_clean(&t);
  rt_warns_at(&t, "route \"nobody\" can never have an owner: empty text is no person", 2, 19);
  rt_warns_at(&t, "the weight is not a number in 1 row of table 'reps'", 3, 32);
  cr_assert(strstr(t.d.items[t_diag_find(&t.d, "the weight is not")].note, "tables/reps.ndjson:2 has the text \"2\""));
  cr_assert_eq(t.d.n, 2, "the unweighted pool and the missing weight are fine");
  /* As the warning says: the text weight is never picked, whatever the key. */
  for (int k = 0; k < 50; k++) {
    char lead[64];
    snprintf(lead, sizeof lead, "{\"id\":\"k%d\",\"a\":2}", k);
    cr_assert_str_neq(owner_of(rt_run(&t, lead)), "di@acme.example");
  }
  rt_close(&t);
}

/* A growing text for generated tables (the caller frees it). */
static void text_add(char **s, size_t *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  *s = realloc(*s, *n + (size_t)k + 1);
  cr_assert(*s);
  va_start(ap, fmt);
  vsnprintf(*s + *n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  *n += (size_t)k;
}

/* A column is found by a hash of its name, exactly: not by case, not by a prefix. */
Test(tables, columns_are_found_by_exact_name_in_a_wide_table) {
  char *csv = NULL;
  size_t n = 0;
  for (int i = 0; i < 300; i++) text_add(&csv, &n, "%sc%d", i ? "," : "", i);
  text_add(&csv, &n, ",Email,email\n");
  for (int i = 0; i < 300; i++) text_add(&csv, &n, "%s%d", i ? "," : "", i * 2);
  text_add(&csv, &n, ",UPPER,lower\n");
  rt t;
  rt_open(&t, "table wide = \"tables/wide.csv\"\nroute \"x\" to first(wide).c299 when true\n", "tables/wide.csv", csv, NULL);
  free(csv);
  rt_clean(&t);
  const lq_table *tab = t.p->tables[0];
  cr_assert_eq(tab->ncols, 302);
  for (int i = 0; i < 300; i++) {
    char name[16];
    int len = snprintf(name, sizeof name, "c%d", i);
    cr_assert_eq(lq_table_column(tab, name, (size_t)len), i);
    lq_value v = lq_table_get(tab, 0, name, (uint32_t)len);
    cr_assert(v.kind == LQ_V_NUM && v.num == i * 2, "column %s", name);
  }
  cr_assert_eq(lq_table_column(tab, "Email", 5), 300);
  cr_assert_eq(lq_table_column(tab, "email", 5), 301);
  cr_assert_eq(lq_table_column(tab, "EMAIL", 5), -1);
  cr_assert_eq(lq_table_column(tab, "c2999", 5), -1);
  cr_assert_eq(lq_table_column(tab, "c", 1), -1);
  cr_assert_str_eq(owner_of(rt_run(&t, "{}")), "598");
  rt_close(&t);
}

/* NDJSON rows are copied out of their JSON as they are read. Columns that
 * first show late (every 500th row brings one, after 3,000 rows are in) move
 * the rows read so far into wider cells; a list, an object and a number too
 * long for a double still read as written; a key given twice keeps its last. */
Test(tables, ndjson_columns_that_show_late_and_nested_values_read_as_written) {
  char *rows = NULL;
  size_t n = 0;
  text_add(&rows, &n, "{\"id\":\"dup\",\"v\":1,\"v\":2}\n");
  text_add(&rows, &n, "{\"id\":\"nest\",\"tags\":[\"a\",\"b\"],\"obj\":{\"name\":\"ana\"}}\n");
  text_add(&rows, &n, "{\"id\":\"big\",\"v\":12345678901234567890}\n");
  for (int i = 0; i < 5000; i++) {
    if (i % 500 == 499) text_add(&rows, &n, "{\"id\":\"k%d\",\"v\":%d,\"x%d\":\"late%d\"}\n", i, i, i, i);
    else text_add(&rows, &n, "{\"id\":\"k%d\",\"v\":%d}\n", i, i);
  }
  rt t;
  rt_open(&t,
          "table rows = \"tables/rows.ndjson\" key id\n"
          "define r = rows[id]\n"
          "route \"late\" to r.x4999 when r.x4999 is present\n"
          "route \"early\" to r.x499 when r.x499 is present\n"
          "route \"tags\" to r.tags[1] when r.tags is present\n"
          "route \"obj\" to r.obj.name when r.obj is present\n"
          "route \"v\" to r.v when r.v is present\n"
          "route \"none\" otherwise\n",
          "tables/rows.ndjson", rows, NULL);
  free(rows);
  rt_clean(&t);
  const lq_table *tab = t.p->tables[0];
  cr_assert_eq(tab->nrows, 5003);
  cr_assert_eq(tab->ncols, 2 + 2 + 10, "id, v, tags, obj and ten late columns");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"dup\"}")), "2");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"nest\"}")), "b");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"big\"}")), "12345678901234567890");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"k0\"}")), "0");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"k498\"}")), "498");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"k499\"}")), "late499");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"k4999\"}")), "late4999");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"k3000\"}")), "3000");
  const lq_result *r = rt_run(&t, "{\"id\":\"K4998\"}");
  cr_assert_str_eq(route_of(&t, r), "v");
  cr_assert_str_eq(owner_of(r), "4998");
  /* The object's tree is kept: the row shows it. */
  cr_assert_eq(lq_table_get(tab, 1, "obj", 3).kind, LQ_V_OBJ);
  cr_assert_eq(lq_table_get(tab, 1, "tags", 4).kind, LQ_V_LIST);
  cr_assert_eq(lq_table_get(tab, 1, "nope", 4).kind, LQ_V_MISSING);
  rt_close(&t);
}

/* Room for every line of a file is only taken while it is modest: here 70
 * columns and 300,000 lines (most of them blank) would be 336 MB, so the
 * cells grow with the rows instead. Every row still reads as written. */
Test(tables, a_wide_ndjson_table_in_a_file_of_many_lines_reads_every_row) {
  char *rows = NULL;
  size_t n = 0;
  text_add(&rows, &n, "{\"id\":\"r0\",\"k0\":0}\n");
  for (int i = 1; i < 3000; i++) text_add(&rows, &n, "{\"id\":\"r%d\",\"k%d\":%d}\n", i, i % 70, i);
  rows = realloc(rows, n + 300000 + 1);
  cr_assert(rows);
  memset(rows + n, '\n', 300000);
  rows[n + 300000] = '\0';
  rt t;
  rt_open(&t,
          "table rows = \"tables/rows.ndjson\" key id\n"
          "route \"k69\" to rows[id].k69 when rows[id].k69 is present\n"
          "route \"k0\" to rows[id].k0 when rows[id].k0 is present\n"
          "route \"none\" otherwise\n",
          "tables/rows.ndjson", rows, NULL);
  free(rows);
  rt_clean(&t);
  const lq_table *tab = t.p->tables[0];
  cr_assert_eq(tab->nrows, 3000);
  cr_assert_eq(tab->ncols, 71);
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"r0\"}")), "0");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"r69\"}")), "69");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"r2999\"}")), "", "k59: neither route's column");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"r2939\"}")), "2939");
  cr_assert_str_eq(owner_of(rt_run(&t, "{\"id\":\"r2940\"}")), "2940");
  for (uint32_t r = 0; r < tab->nrows; r++) cr_assert_eq(lq_table_row_len(tab, r), 2, "row %u", r);
  rt_close(&t);
}

/* Rows that each bring keys of their own would grow as rows times columns:
 * past 1,000 columns the table is an error at its declaration, naming its file
 * and the line that went over, and nothing more is said about its columns.
 * 1,000 is still a table. */
Test(tables, an_ndjson_table_of_more_than_1000_columns_is_an_error_at_its_declaration) {
  char *sparse = NULL, *wide = NULL;
  size_t ns = 0, nw = 0;
  for (int i = 0; i < 5000; i++) text_add(&sparse, &ns, "{\"id\":\"r%d\",\"acct%d.example\":\"ana\"}\n", i, i);
  text_add(&wide, &nw, "{");
  for (int i = 0; i < 1000; i++) text_add(&wide, &nw, "%s\"c%d\":%d", i ? "," : "", i, i);
  text_add(&wide, &nw, "}\n");
  rt t;
  rt_open(&t,
          "table wide = \"tables/wide.ndjson\"\n"
          "table owners = \"tables/owners.ndjson\" key id\n"
          "route \"x\" to owners[id].`acme.com` when count(wide where c999 == 999) == 1 and owners[id].nope is present\n",
          "tables/owners.ndjson", sparse, "tables/wide.ndjson", wide, NULL);
  free(sparse);
  free(wide);
  char buf[4096];
  cr_assert_eq(t.d.errors, 1, "%s", t_diag_all(&t.d, buf, sizeof buf));
  int i = t_diag_find(&t.d, "table 'owners' has more than 1,000 columns: the rows of tables/owners.ndjson have that "
                            "many different keys by line 1000");
  cr_assert(i >= 0, "%s", t_diag_all(&t.d, buf, sizeof buf));
  int line, col;
  t_diag_pos(t.p, &t.d, i, &line, &col);
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 16);
  cr_assert(strstr(t.p->sources.files[t.d.items[i].span.file].path, "rules.lq"));
  cr_assert(t.d.items[i].note && strstr(t.d.items[i].note, "give the rows the same keys"));
  rt_close(&t);
}

/* A table that cannot be read is one error: its columns are not known, so no
 * use of them adds "no column" errors (nor does an NDJSON row that cannot be
 * read, whose keys are not known). A CSV header alone is a table of no rows
 * whose columns are checked; an NDJSON table with no rows has no columns to
 * check against: a table of no rows, not an error. */
Test(tables, a_table_that_cannot_be_read_is_one_error_and_its_columns_are_not_checked) {
  static const char *const uses =
      "route \"a\" to t[email].owner when count(t where tier == 1) > 0 and first(t).x is present\n";
  struct { const char *file, *text, *error; } cases[] = {
      {"tables/t.csv", "\"domain,owner\nacme.com,ana\n", "the header row cannot be read"},
      {"tables/t.csv", "", "table file 'tables/t.csv' has no header line"},
      {"tables/t.csv", "\n\n", "table file 'tables/t.csv' has no header line"},
      {"tables/t.csv", "\x1f\x8b\x08\x00", "table file 'tables/t.csv' is gzip-compressed"},
      {"tables/t.ndjson", "{\"domain\":\"acme.com\"}\n[\"owner\"]\n", "this row of table 't' is not a JSON object"},
      {"tables/t.ndjson", "{\"domain\":\"acme.com\"}\n{\"owner\": x}\n", "cannot be read: invalid JSON at column 11"},
      {"tables/t.csv", "domain,owner,tier\n", "table 't' has no column 'x'"},   /* no rows; columns known */
      {"tables/t.ndjson", "", NULL},
      {"tables/t.ndjson", "\n  \n", NULL},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char rules[512];
    snprintf(rules, sizeof rules, "table t = \"%s\" key domain\n%s", cases[k].file, uses);
    rt t;
    rt_open(&t, rules, cases[k].file, cases[k].text, NULL);
    char buf[4096];
    cr_assert_eq(t.d.errors, cases[k].error ? 1 : 0, "case %zu: %s", k, t_diag_all(&t.d, buf, sizeof buf));
    if (cases[k].error) cr_assert(t_diag_find(&t.d, cases[k].error) >= 0, "case %zu: %s", k, buf);
    if (!cases[k].error) {   /* an NDJSON table of no rows: every lookup finds none */
      cr_assert(t.p->tables[0]->columns_unknown, "case %zu", k);
      cr_assert_str_eq(owner_of(rt_run(&t, "{\"email\":\"acme.com\"}")), "", "case %zu", k);
    }
    rt_close(&t);
  }
}
