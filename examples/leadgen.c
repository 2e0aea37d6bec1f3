/* examples/leadgen.c: deterministic generator of realistic, messy CRM leads as NDJSON, for examples and benchmarks. */

/*
 * Usage: leadgen [-n COUNT] [-s SEED] [--kind acme|saas|marketplace] [--history] > leads.ndjson
 *        leadgen [-n COUNT] [-s SEED] --flat|--csv > leads.ndjson|leads.csv
 *
 * Lead number i (1-based) depends only on SEED, the kind and i, so `-n 40` is a prefix of
 * `-n 100000` with the same seed. --kind saas writes product-led sign-ups for
 * rules/saas.lq (usage counters as text, "Select" sizes, is_student as true/"yes"/null,
 * nested event properties); --kind marketplace writes seller applications for
 * rules/marketplace.lq (GMV as "1,250,000" or "$1.2M", country codes in any case,
 * KYC documents, fraud signals). The default, acme, is shaped for rules/acme.lq: it hits every
 * reject reason, stage and route, and carries the usual CRM mess: free-mail and
 * competitor addresses, upper-case and padded emails, missing and null fields, employee
 * counts written as text, the picklist placeholder "Select", a key with a space
 * (`Lead Source`) and event timestamps that are not in order. Output is ASCII only, one
 * compact JSON object per line. Only libc is used: the PRNG is splitmix64.
 *
 * --history (acme only) adds what happened to each lead, "won", "deal" and "disposition",
 * drawn from a known model of the lead's features (gen_history, win_probability) so that
 * an outcome report can be checked against it. Those draws come from a second stream per
 * lead, so a lead is the same lead with and without --history, plus the three keys.
 *
 * --flat and --csv (acme only) write the acme leads flattened to one row each, for CSV:
 * --csv a header row and one CSV row per lead, --flat one flat JSON object per lead with
 * the same keys, values and key order, so that the two files hold the same leads for
 * leadq (see "flat leads" below; tests/bench/flat.lq reads them). The columns are the
 * acme lead's top-level scalar fields, company.name as `Company Name` and the company's
 * employees, industry and region as top-level keys, consent.email as `Email Opt In`,
 * budget.confirmed as `Budget Confirmed`, and the events summed up as `Page Views`,
 * `Demo Requested` and `Last Activity`. A null or empty value is an empty cell (a key left
 * out), and numbers written as text are written so that they stay text in CSV ("1,234").
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every timestamp lies before this instant, the fixed clock of the acme benchmark. */
#define NOW_Y 2026
#define NOW_M 11
#define NOW_D 22

/* ---- randomness ---------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t history_state; /* the lead's second stream, used only by --history */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Starts the stream of lead number `index` for `seed`. */
static void seed_lead(uint64_t seed, uint64_t index)
{
    uint64_t s = seed;
    rng_state = splitmix64(&s) ^ (index * 0xd1b54a32d192ed03u);
    uint64_t h = rng_state ^ 0x486973746f7279u; /* "History" */
    history_state = splitmix64(&h);
    splitmix64(&rng_state);
}

/* A uniform integer in [0, n). */
static unsigned below(unsigned n)
{
    return (unsigned)(((splitmix64(&rng_state) >> 32) * n) >> 32);
}

/* A uniform integer in [lo, hi]. */
static int between(int lo, int hi)
{
    return lo + (int)below((unsigned)(hi - lo + 1));
}

/* True with probability pct percent. */
static int chance(unsigned pct)
{
    return below(100) < pct;
}

static const char *pick(const char *const *items, size_t n)
{
    return items[below((unsigned)n)];
}

#define PICK(a) pick((a), COUNT(a))

/* A weighted choice: weights[k] is the relative weight of outcome k. */
static int weighted(const unsigned *weights, size_t n)
{
    unsigned total = 0;
    for (size_t k = 0; k < n; k++)
        total += weights[k];
    unsigned r = below(total);
    for (size_t k = 0; k < n; k++) {
        if (r < weights[k])
            return (int)k;
        r -= weights[k];
    }
    return (int)n - 1;
}

/* ---- JSON writing -------------------------------------------------------------------- */

/* --flat and --csv capture an acme lead's members instead of writing them (see "flat
 * leads" below); these hooks are all the writers below need to know of it. */
static int capturing;
enum flat_type { FLAT_NULL, FLAT_TEXT, FLAT_NUMBER, FLAT_BOOL };
static void capture_key(const char *name);
static void capture_value(enum flat_type type, const char *text);
static void capture_nest(int delta);

/* Whether the next member written is the first of its object. After any value closes, the
 * enclosing object already has a member, so one flag is enough for this nesting. */
static int first_member;

static void put_string(const char *s)
{
    if (capturing) {
        capture_value(FLAT_TEXT, s);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '\t')
            fputs("\\t", stdout);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned)(unsigned char)*s);
        else {
            if (*s == '"' || *s == '\\')
                putchar('\\');
            putchar(*s);
        }
    }
    putchar('"');
}

static void key(const char *name)
{
    if (capturing) {
        capture_key(name);
        return;
    }
    if (!first_member)
        putchar(',');
    first_member = 0;
    put_string(name);
    putchar(':');
}

static void begin_object(void)
{
    if (capturing) {
        capture_nest(1);
        return;
    }
    putchar('{');
    first_member = 1;
}

static void end_object(void)
{
    if (capturing) {
        capture_nest(-1);
        return;
    }
    putchar('}');
    first_member = 0;
}

static void member_string(const char *name, const char *value)
{
    key(name);
    put_string(value);
}

static void member_null(const char *name)
{
    key(name);
    if (capturing)
        capture_value(FLAT_NULL, NULL);
    else
        fputs("null", stdout);
}

static void member_bool(const char *name, int value)
{
    key(name);
    if (capturing)
        capture_value(FLAT_BOOL, value ? "true" : "false");
    else
        fputs(value ? "true" : "false", stdout);
}

static void member_int(const char *name, long value)
{
    key(name);
    if (capturing) {
        char text[24];
        snprintf(text, sizeof text, "%ld", value);
        capture_value(FLAT_NUMBER, text);
    } else
        printf("%ld", value);
}

/* ---- time ---------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static long now_seconds(void)
{
    return days_from_civil(NOW_Y, NOW_M, NOW_D) * 86400;
}

/* Formats seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ", or "YYYY-MM-DD" when date_only. */
static void format_time(char *buf, size_t size, long t, int date_only)
{
    long days = t / 86400, secs = t % 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (date_only)
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(buf, size, "%04d-%02d-%02dT%02ld:%02ld:%02ldZ", y, m, d, secs / 3600,
                 secs / 60 % 60, secs % 60);
}

/* ---- who the lead is ----------------------------------------------------------------- */

static const char *const first_names[] = {
    "Ana", "Bob", "Carla", "Deepak", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jack",
    "Kemi", "Liam", "Mandy", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
    "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "Mateo", "Olga", "Pieter", "Sofia",
};

static const char *const last_names[] = {
    "Smith", "Garcia", "Chen", "Okafor", "Muller", "Rossi", "Kowalski", "Nguyen", "Patel",
    "Johansson", "Silva", "Haddad", "Tanaka", "O'Brien", "Dubois", "Ivanova", "Kim",
    "Lopez", "Schmidt", "Jones", "Novak", "Brown", "Costa", "Fischer", "Walsh",
};

static const char *const company_stems[] = {
    "Gridco", "Northwind", "Blue Harbor", "Acorn", "Summit", "Redline", "Ironclad",
    "Pioneer", "Silverline", "Keystone", "Evergreen", "Brightwater", "Granite", "Lakeshore",
    "Meridian", "Oakridge", "Pinnacle", "Riverbend", "Sterling", "Tidewater", "Westfield",
    "Zenith", "Cobalt", "Falcon", "Juniper", "Quantum", "Vertex", "Atlas", "Helios", "Nimbus",
};

static const char *const company_suffixes[] = {
    "Energy", "Power", "Manufacturing", "Industries", "Utilities", "Systems", "Foods",
    "Retail", "Software", "Labs", "Health", "Logistics", "Group", "Inc.", "LLC", "& Sons",
};

static const char *const tlds[] = {".com", ".com", ".com", ".com", ".io", ".net", ".co", ".de"};

struct person {
    const char *first, *last;
    const char *stem, *suffix; /* the company's name */
    char domain[64];           /* the company's web domain, e.g. "blueharbor.com" */
    int hot;                   /* an engaged lead: more events, more recent, more demos */
    long newest, span;         /* its events fall in [newest - span, newest] */
};

/* What acme's rules will see in the lead just written, recorded as its fields are written
 * (recording draws nothing), for the outcome model of --history. */
static struct facts {
    int enterprise;       /* company.employees is a number >= 1000 */
    int mid_market;       /* company.employees is a number in 200..999 */
    int target_industry;  /* company.industry is energy, manufacturing or utilities */
    int decision_maker;   /* title contains vp, chief, director or head of */
    int free_email;       /* email missing or at a free-mail provider */
    int budget_confirmed; /* budget.confirmed is true */
    int demo_request;     /* some event's type is demo_request */
    int webinar;          /* some event's type is webinar_attended */
    int any_event;        /* the events array has at least one event */
} facts;

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static void upper_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* Copies s lower-cased and without spaces or apostrophes, as it would appear in an address. */
static void address_part(char *out, size_t size, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s != ' ' && *s != '\'')
            out[n++] = *s;
    out[n] = '\0';
    lower_ascii(out);
}

static void choose_person(struct person *p, long now)
{
    p->first = PICK(first_names);
    p->last = PICK(last_names);
    p->stem = PICK(company_stems);
    p->suffix = PICK(company_suffixes);
    char stem[32];
    address_part(stem, sizeof stem, p->stem);
    snprintf(p->domain, sizeof p->domain, "%s%s", stem, PICK(tlds));
    p->hot = chance(18);
    p->newest = now - (long)below((unsigned)((p->hot ? 20 : 110) * 86400));
    p->span = (long)below((unsigned)(40 * 86400)) + 3600;
}

/* ---- one function per field ---------------------------------------------------------- */

static void gen_id(unsigned long index)
{
    char id[32];
    snprintf(id, sizeof id, "L%06lu", index);
    member_string("id", id);
}

static const char *const free_domains[] = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com"};
static const char *const competitor_domains[] = {"rivalco.com", "copycat.io"};

static void gen_email(const struct person *p)
{
    enum { WORK, FREE, COMPETITOR, UPPER, PADDED, ABSENT, NUL, JUNK };
    static const unsigned weights[] = {54, 20, 4, 5, 2, 9, 4, 2};
    char first[32], last[32], email[160];
    address_part(first, sizeof first, p->first);
    address_part(last, sizeof last, p->last);

    int kind = weighted(weights, COUNT(weights));
    facts.free_email = kind == FREE || kind == ABSENT || kind == NUL;
    const char *domain = p->domain;
    if (kind == FREE)
        domain = PICK(free_domains);
    else if (kind == COMPETITOR)
        domain = PICK(competitor_domains);

    switch (below(4)) {
    case 0: snprintf(email, sizeof email, "%s.%s@%s", first, last, domain); break;
    case 1: snprintf(email, sizeof email, "%c%s@%s", first[0], last, domain); break;
    case 2: snprintf(email, sizeof email, "%s@%s", first, domain); break;
    default: snprintf(email, sizeof email, "%s_%s%d@%s", first, last, between(1, 99), domain);
    }

    switch (kind) {
    case UPPER:
        upper_ascii(email);
        break;
    case FREE:
        if (chance(15)) /* "Bob.Smith@GMAIL.COM", as typed into a web form */
            upper_ascii(strchr(email, '@'));
        break;
    case PADDED: {
        char padded[sizeof email + 4];
        snprintf(padded, sizeof padded, " %s ", email);
        member_string("email", padded);
        return;
    }
    case ABSENT:
        return;
    case NUL:
        member_null("email");
        return;
    case JUNK:
        member_string("email", chance(50) ? "n/a" : "");
        return;
    }
    member_string("email", email);
}

static void gen_phone(void)
{
    int roll = (int)below(100);
    if (roll < 25)
        return;
    if (roll < 30) {
        member_null("phone");
        return;
    }
    char phone[32];
    if (chance(70))
        snprintf(phone, sizeof phone, "+1-%03d-555-%04d", between(201, 989), between(0, 9999));
    else
        snprintf(phone, sizeof phone, "(%03d) 555 %04d", between(201, 989), between(0, 9999));
    member_string("phone", phone);
}

static void gen_names(const struct person *p)
{
    if (chance(95)) {
        if (chance(3))
            member_string("first_name", "Robert \"Bob\"");
        else
            member_string("first_name", p->first);
    }
    if (chance(93)) {
        char last[32];
        snprintf(last, sizeof last, "%s", p->last);
        if (chance(5))
            upper_ascii(last);
        member_string("last_name", last);
    }
}

/* The usual shape of a CRM field: absent for roll < absent, null for roll < null,
 * else one of the items. Returns the item written, or NULL. */
static const char *absent_null_or_pick(const char *name, int absent, int null,
                                       const char *const *items, size_t n)
{
    int roll = (int)below(100);
    if (roll < absent)
        return NULL;
    if (roll < null) {
        member_null(name);
        return NULL;
    }
    const char *item = pick(items, n);
    member_string(name, item);
    return item;
}

/* Whether s contains word, ignoring ASCII case. */
static int contains_nocase(const char *s, const char *word)
{
    char a[128], b[32];
    snprintf(a, sizeof a, "%s", s);
    snprintf(b, sizeof b, "%s", word);
    lower_ascii(a);
    lower_ascii(b);
    return strstr(a, b) != NULL;
}

/* Whether a and b are equal, ignoring ASCII case. */
static int equal_nocase(const char *a, const char *b)
{
    char x[64], y[64];
    snprintf(x, sizeof x, "%s", a);
    snprintf(y, sizeof y, "%s", b);
    lower_ascii(x);
    lower_ascii(y);
    return strcmp(x, y) == 0;
}

static void gen_title(void)
{
    static const char *const titles[] = {
        "VP Operations", "VP of Sales", "vp marketing", "SVP, Supply Chain",
        "Chief Revenue Officer", "Chief Technology Officer", "Head of Growth",
        "Head of Procurement", "Director, IT", "Director of Engineering",
        "Sr. Director, Facilities", "Plant Manager", "Operations Manager",
        "Marketing Manager", "Procurement Specialist", "Software Engineer", "Analyst",
        "Senior Analyst", "Intern", "Student", "Consultant", "CEO", "Founder", "Owner",
        "Account Executive", "Energy Manager", "Buyer", "Office Manager",
    };
    const char *title = absent_null_or_pick("title", 6, 9, titles, COUNT(titles));
    facts.decision_maker = title && (contains_nocase(title, "vp") || contains_nocase(title, "chief") ||
                                     contains_nocase(title, "director") ||
                                     contains_nocase(title, "head of"));
}

static void gen_employees(void)
{
    enum { SMALL, MID, LARGE, TEXT, NUL, ABSENT };
    static const unsigned weights[] = {37, 25, 23, 5, 5, 5};
    switch (weighted(weights, COUNT(weights))) {
    case SMALL: member_int("employees", between(1, 199)); break;
    case MID:
        member_int("employees", between(200, 999));
        facts.mid_market = 1;
        break;
    case LARGE:
        member_int("employees", chance(70) ? between(1000, 9999) : between(10000, 120000));
        facts.enterprise = 1;
        break;
    case TEXT: {
        char text[16];
        snprintf(text, sizeof text, "%d", chance(50) ? between(1000, 5000) : between(20, 999));
        member_string("employees", text);
        break;
    }
    case NUL: member_null("employees"); break;
    case ABSENT: break;
    }
}

static void gen_industry(void)
{
    static const char *const industries[] = {
        "Energy", "energy", "Manufacturing", "MANUFACTURING", "Utilities", "Energy",
        "Manufacturing", "Retail", "Software", "Healthcare", "Financial Services",
        "Education", "Logistics", "Government", "Construction", "Select",
    };
    const char *industry = absent_null_or_pick("industry", 5, 10, industries, COUNT(industries));
    facts.target_industry = industry && (equal_nocase(industry, "energy") ||
                                         equal_nocase(industry, "manufacturing") ||
                                         equal_nocase(industry, "utilities"));
}

static void gen_region(void)
{
    static const char *const regions[] = {"east", "east", "west", "west", "central", "East"};
    absent_null_or_pick("region", 4, 12, regions, COUNT(regions));
}

static void gen_company(const struct person *p)
{
    if (chance(2))
        return;
    key("company");
    begin_object();
    if (chance(96)) {
        char name[64];
        snprintf(name, sizeof name, "%s %s", p->stem, p->suffix);
        member_string("name", name);
    }
    gen_employees();
    gen_industry();
    gen_region();
    end_object();
}

static void gen_consent(void)
{
    int roll = (int)below(100);
    if (roll < 10)
        return;
    key("consent");
    begin_object();
    if (roll < 18)
        member_bool("email", 0);
    else if (roll < 25)
        ; /* an empty consent object */
    else
        member_bool("email", 1);
    end_object();
}

static void gen_budget(const struct person *p)
{
    int roll = (int)below(100);
    if (roll < 25)
        return;
    key("budget");
    begin_object();
    if (roll < 35)
        member_null("confirmed");
    else {
        facts.budget_confirmed = chance(p->hot ? 60 : 40);
        member_bool("confirmed", facts.budget_confirmed);
    }
    end_object();
}

static void gen_timeline(const struct person *p)
{
    int roll = (int)below(100);
    if (roll < 28)
        return;
    if (roll < 33)
        member_null("timeline_months");
    else if (roll < 38) {
        char text[8];
        snprintf(text, sizeof text, "%d", between(1, 12));
        member_string("timeline_months", text);
    } else
        member_int("timeline_months", p->hot ? between(1, 9) : between(1, 18));
}

static void gen_source(void)
{
    static const char *const sources[] = {
        "Google", "Google", "Webinar", "LinkedIn", "Referral", "Trade Show", "Website",
        "Partner", "Cold Call", "Select",
    };
    absent_null_or_pick("Lead Source", 8, 11, sources, COUNT(sources));
}

/* Some time in the 200 days before now, before the lead's first event. */
static void gen_created_at(const struct person *p, long now)
{
    char buf[32];
    long earliest = now - 200L * 86400, first_touch = p->newest - p->span;
    long t = earliest + (long)below((unsigned)(first_touch - earliest + 1));
    format_time(buf, sizeof buf, t, 0);
    member_string("created_at", buf);
}

static void gen_event(long newest, long span)
{
    static const char *const types[] = {
        "page_view", "email_click", "form_submit", "webinar_attended", "demo_request",
    };
    static const unsigned weights[] = {52, 24, 13, 7, 4};
    char buf[32];

    begin_object();
    int which = weighted(weights, COUNT(weights));
    const char *type = types[which];
    facts.any_event = 1;
    facts.webinar |= which == 3;
    facts.demo_request |= which == 4;
    if (chance(3)) { /* an export from another tool: "Page_View", "EMAIL_CLICK" */
        snprintf(buf, sizeof buf, "%s", type);
        if (chance(50))
            buf[0] = (char)(buf[0] - 'a' + 'A');
        else
            upper_ascii(buf);
        member_string("type", buf);
    } else
        member_string("type", type);

    if (!chance(2)) {
        long t = newest - (long)below((unsigned)span + 1);
        format_time(buf, sizeof buf, t, chance(3));
        member_string("at", buf);
    }
    if (chance(20)) {
        static const char *const pages[] = {"/pricing", "/product", "/blog/grid-ops", "/case-studies", "/contact"};
        member_string("url", PICK(pages));
    }
    end_object();
}

/* Events within the lead's window of the last ~150 days, in no particular order. */
static void gen_events(const struct person *p)
{
    int roll = (int)below(100);
    int n;
    if (roll < 6)
        return; /* no events key */
    if (roll < 8) {
        member_null("events");
        return;
    }
    n = p->hot ? between(4, 30) : (roll < 30 ? 0 : between(1, 12));

    key("events");
    if (capturing)
        capture_nest(1); /* the array: its events are summed up, not kept */
    else
        putchar('[');
    for (int k = 0; k < n; k++) {
        if (k > 0 && !capturing)
            putchar(',');
        if (chance(1)) {
            if (!capturing)
                fputs("null", stdout); /* a broken tracking pixel */
        } else
            gen_event(p->newest, p->span);
    }
    if (capturing)
        capture_nest(-1);
    else
        putchar(']');
    first_member = 0;
}

/* ---- --history: what happened to an acme lead, from a known hidden model ------------- */

static int with_history;

/* The hidden model (documented in examples/README.md): a base rate times one multiplier
 * per feature the lead has, capped. Webinars are the deliberate wrong-way signal (acme
 * gives them +10) and mid-market has no effect (acme gives it +10). */
#define WIN_BASE 0.03
#define WIN_CAP 0.9

static double win_probability(void)
{
    double p = WIN_BASE;
    if (facts.enterprise)
        p *= 4;
    if (facts.mid_market)
        p *= 1;
    if (facts.target_industry)
        p *= 2;
    if (facts.decision_maker)
        p *= 2;
    if (facts.demo_request)
        p *= 3;
    if (facts.budget_confirmed)
        p *= 2;
    if (facts.free_email)
        p *= 0.3;
    if (facts.webinar)
        p *= 0.5;
    return p < WIN_CAP ? p : WIN_CAP;
}

/* Writes "won", "deal" and "disposition" for the lead whose fields were just written,
 * drawing only from the lead's history stream, so the lead's own fields are the same with
 * and without --history. */
static void gen_history(const struct person *p, long now)
{
    enum { ACCEPTED, NO_BUDGET, BAD_FIT, NO_RESPONSE, SELECT, NUL };
    static const char *const verdicts[] = {
        "accepted", "rejected - no budget", "rejected - bad fit", "rejected - no response",
        "Select",
    };
    uint64_t saved = rng_state;
    rng_state = history_state;

    double u = (double)(splitmix64(&rng_state) >> 11) * 0x1.0p-53; /* uniform in [0, 1) */
    int won = u < win_probability();
    member_bool("won", won);
    if (won) {
        long hundreds = facts.enterprise   ? between(400, 4000)
                        : facts.mid_market ? between(150, 800)
                                           : between(20, 250);
        char buf[32];
        key("deal");
        begin_object();
        member_int("amount", hundreds * 100);
        format_time(buf, sizeof buf, p->newest + (long)below((unsigned)(now - p->newest + 1)), 1);
        member_string("closed_at", buf);
        end_object();
    } else
        member_null("deal");

    int verdict;
    if (won)
        verdict = chance(94) ? ACCEPTED : NUL;
    else {
        unsigned weights[] = {
            [ACCEPTED] = 25,
            [NO_BUDGET] = facts.budget_confirmed ? 5 : 25,
            [BAD_FIT] = facts.enterprise || facts.target_industry ? 5 : 20,
            [NO_RESPONSE] = facts.any_event ? 15 : 35,
            [SELECT] = 8,
            [NUL] = 12,
        };
        verdict = weighted(weights, COUNT(weights));
    }
    if (verdict == NUL)
        member_null("disposition");
    else
        member_string("disposition", verdicts[verdict]);

    rng_state = saved;
}

static void gen_lead(unsigned long index, long now)
{
    struct person p;
    memset(&facts, 0, sizeof facts);
    choose_person(&p, now);

    begin_object();
    gen_id(index);
    gen_email(&p);
    gen_phone();
    gen_names(&p);
    gen_title();
    gen_company(&p);
    gen_consent();
    gen_budget(&p);
    gen_timeline(&p);
    gen_source();
    gen_created_at(&p, now);
    gen_events(&p);
    if (with_history)
        gen_history(&p, now);
    end_object();
}

/* ---- flat leads: --flat (NDJSON) and --csv ------------------------------------------- */

/* An acme lead, flattened to one row: its top-level scalar fields, its company, consent
 * and budget objects as columns, and its events summed up in three columns. The lead is
 * drawn exactly as `--kind acme` draws it (same seed, same lead) and captured instead of
 * written; then --flat writes the row as one flat JSON object and --csv as one CSV row,
 * and the two hold the same lead as leadq reads them: a null or empty value is absent
 * (an empty cell, a key left out), and text that a CSV reader would type as a number or
 * a boolean is written so that it stays text ("1,234", "250+", "6 months"). */
static const struct column {
    const char *name; /* the key in both formats: the header cell */
    const char *from; /* the acme member it is taken from, NULL for an events summary */
    const char *unit; /* appended to a number written as text below 1000, e.g. "250+" */
} columns[] = {
    {"id", "id", NULL},
    {"email", "email", NULL},
    {"phone", "phone", NULL},
    {"first_name", "first_name", NULL},
    {"last_name", "last_name", NULL},
    {"title", "title", NULL},
    {"Company Name", "company.name", NULL},
    {"employees", "company.employees", "+"},
    {"industry", "company.industry", NULL},
    {"region", "company.region", NULL},
    {"Email Opt In", "consent.email", NULL},
    {"Budget Confirmed", "budget.confirmed", NULL},
    {"timeline_months", "timeline_months", " months"},
    {"Lead Source", "Lead Source", NULL},
    {"created_at", "created_at", NULL},
    {"Page Views", NULL, NULL},     /* events whose type is page_view, any case */
    {"Demo Requested", NULL, NULL}, /* whether some event's type is demo_request */
    {"Last Activity", NULL, NULL},  /* the greatest event "at" (text order) */
};
enum { PAGE_VIEWS = COUNT(columns) - 3, DEMO_REQUESTED, LAST_ACTIVITY };

static enum { OUT_JSON, OUT_FLAT, OUT_CSV } out_mode;

static struct {
    int depth;          /* objects (and the events array) open: 1 inside the lead */
    char key[32];       /* the member being written */
    char parent[32];    /* the member whose object or array is open at depth 2 */
    enum flat_type type[COUNT(columns)];
    char text[COUNT(columns)][192];
    int events;         /* the lead has an events array (not absent, not null) */
    long page_views;
    int demo;
    char last_at[32];
} cap;

static void capture_key(const char *name)
{
    snprintf(cap.key, sizeof cap.key, "%s", name);
}

static void capture_nest(int delta)
{
    cap.depth += delta;
    if (delta > 0 && cap.depth == 2) {
        snprintf(cap.parent, sizeof cap.parent, "%s", cap.key);
        cap.events |= strcmp(cap.parent, "events") == 0;
    }
}

static void set_cell(size_t col, enum flat_type type, const char *text)
{
    cap.type[col] = type;
    snprintf(cap.text[col], sizeof cap.text[col], "%s", text ? text : "");
}

static void capture_value(enum flat_type type, const char *text)
{
    if (cap.depth >= 3 && strcmp(cap.parent, "events") == 0) {
        if (type != FLAT_TEXT)
            return;
        if (strcmp(cap.key, "type") == 0) {
            cap.page_views += equal_nocase(text, "page_view");
            cap.demo |= equal_nocase(text, "demo_request");
        } else if (strcmp(cap.key, "at") == 0 && strcmp(text, cap.last_at) > 0)
            snprintf(cap.last_at, sizeof cap.last_at, "%s", text);
        return;
    }
    char path[72];
    if (cap.depth == 1)
        snprintf(path, sizeof path, "%s", cap.key);
    else if (cap.depth == 2)
        snprintf(path, sizeof path, "%s.%s", cap.parent, cap.key);
    else
        return;
    for (size_t c = 0; c < COUNT(columns); c++)
        if (columns[c].from && strcmp(columns[c].from, path) == 0) {
            set_cell(c, type, text);
            return;
        }
}

/* Whether a CSV reader (leadq's) types this cell as a number: JSON's number grammar. */
static int json_number_text(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        if (!(*++s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* Whether text would not come back as text from a CSV cell: empty or blank (missing in
 * every format), a boolean or a number. */
static int blank_text(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

static int typed_text(const char *s)
{
    return equal_nocase(s, "true") || equal_nocase(s, "false") || json_number_text(s);
}

/* The captured lead as a row: the events summary filled in, then every cell made to mean
 * the same in both formats. */
static void finish_row(void)
{
    if (cap.events) {
        char n[24];
        snprintf(n, sizeof n, "%ld", cap.page_views);
        set_cell(PAGE_VIEWS, FLAT_NUMBER, n);
        set_cell(DEMO_REQUESTED, FLAT_BOOL, cap.demo ? "true" : "false");
        if (cap.last_at[0])
            set_cell(LAST_ACTIVITY, FLAT_TEXT, cap.last_at);
    }
    for (size_t c = 0; c < COUNT(columns); c++) {
        if (cap.type[c] != FLAT_TEXT)
            continue;
        char *t = cap.text[c];
        if (blank_text(t)) {
            cap.type[c] = FLAT_NULL; /* "" and " " are missing: leave the key out */
            continue;
        }
        if (!typed_text(t))
            continue;
        /* a number as text ("employees": "1234"), as an export writes it */
        long v = strtol(t, NULL, 10);
        if (columns[c].unit && v >= 1000)
            snprintf(t, sizeof cap.text[c], "%ld,%03ld", v / 1000, v % 1000);
        else if (columns[c].unit)
            snprintf(t, sizeof cap.text[c], "%ld%s", v, columns[c].unit);
        if (typed_text(t)) {
            fprintf(stderr, "leadgen: bug: text \"%s\" of %s would not stay text in CSV\n", t,
                    columns[c].name);
            exit(1);
        }
    }
}

/* Writes a CSV cell, quoted when it holds the delimiter, a quote or a line break. */
static void put_csv_cell(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void write_csv_header(void)
{
    for (size_t c = 0; c < COUNT(columns); c++) {
        if (c > 0)
            putchar(',');
        put_csv_cell(columns[c].name);
    }
    putchar('\n');
}

/* Lead number index as a flat row, written as --flat or --csv says. */
static void gen_flat(unsigned long index, long now)
{
    memset(&cap, 0, sizeof cap);
    capturing = 1;
    gen_lead(index, now);
    capturing = 0;
    finish_row();
    if (out_mode == OUT_CSV) {
        for (size_t c = 0; c < COUNT(columns); c++) {
            if (c > 0)
                putchar(',');
            if (cap.type[c] == FLAT_TEXT)
                put_csv_cell(cap.text[c]);
            else if (cap.type[c] != FLAT_NULL)
                fputs(cap.text[c], stdout);
        }
        return;
    }
    begin_object();
    for (size_t c = 0; c < COUNT(columns); c++) {
        if (cap.type[c] == FLAT_NULL)
            continue;
        key(columns[c].name);
        if (cap.type[c] == FLAT_TEXT)
            put_string(cap.text[c]);
        else
            fputs(cap.text[c], stdout);
    }
    end_object();
}

/* ---- kind saas: product-led sign-ups for rules/saas.lq ------------------------------- */

/* An array member of text items: "name":["a","b"]. */
static void member_string_array(const char *name, const char *const *items, size_t n)
{
    key(name);
    putchar('[');
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            putchar(',');
        put_string(items[k]);
    }
    putchar(']');
    first_member = 0;
}

/* Picks up to max distinct items of pool into out, in pool order; returns how many. */
static size_t pick_some(const char **out, const char *const *pool, size_t n, unsigned max)
{
    size_t want = below(max + 1), got = 0;
    for (size_t k = 0; k < n && got < want; k++)
        if (below((unsigned)(n - k)) < want - got)
            out[got++] = pool[k];
    return got;
}

/* A count as the export writes it: mostly a number, sometimes text ("1,200"), rarely null. */
static void member_count(const char *name, long value, unsigned text_pct)
{
    int roll = (int)below(100);
    if (roll < 2) {
        member_null(name);
        return;
    }
    if (roll < 2 + (int)text_pct) {
        char text[32];
        if (value >= 1000 && chance(60))
            snprintf(text, sizeof text, "%ld,%03ld", value / 1000, value % 1000);
        else
            snprintf(text, sizeof text, "%ld", value);
        member_string(name, text);
        return;
    }
    member_int(name, value);
}

/* Writes "name":"TIME" for a time in [newest - span, newest]; date only 3% of the time. */
static void member_time(const char *name, long newest, long span)
{
    char buf[32];
    long t = newest - (long)below((unsigned)span + 1);
    format_time(buf, sizeof buf, t, chance(3));
    member_string(name, buf);
}

static const char *const personal_domains[] = {
    "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com",
    "icloud.com", "proton.me", "gmx.de",
};
static const char *const saas_competitors[] = {"rivalsoft.io", "copyapp.com", "stackmate.dev"};
static const char *const student_domains[] = {"stanford.edu", "mit.edu", "ox.ac.uk", "unimelb.edu.au", "cs.cmu.edu"};

/* An address for p at domain, in one of the usual shapes. */
static void make_address(char *out, size_t size, const struct person *p, const char *domain)
{
    char first[32], last[32];
    address_part(first, sizeof first, p->first);
    address_part(last, sizeof last, p->last);
    switch (below(4)) {
    case 0: snprintf(out, size, "%s.%s@%s", first, last, domain); break;
    case 1: snprintf(out, size, "%c%s@%s", first[0], last, domain); break;
    case 2: snprintf(out, size, "%s@%s", first, domain); break;
    default: snprintf(out, size, "%s%d@%s", first, between(1, 99), domain);
    }
}

/* How the sign-up uses the product: most sign-ups try it alone and leave. */
enum saas_profile { SOLO, TEAM, HEAVY, STUDENT };

static void saas_email(const struct person *p, enum saas_profile prof, const char *name)
{
    enum { WORK, PERSONAL, COMPETITOR, UPPER, PADDED, ABSENT, NUL, JUNK };
    static const unsigned weights[] = {56, 26, 3, 4, 3, 3, 2, 3};
    char email[160];
    int kind = weighted(weights, COUNT(weights));
    const char *domain = p->domain;
    if (prof == STUDENT && chance(70))
        domain = PICK(student_domains);
    else if (kind == PERSONAL)
        domain = PICK(personal_domains);
    else if (kind == COMPETITOR)
        domain = PICK(saas_competitors);
    make_address(email, sizeof email, p, domain);

    switch (kind) {
    case UPPER: upper_ascii(email); break;
    case PADDED: {
        char padded[sizeof email + 4];
        snprintf(padded, sizeof padded, " %s\t", email);
        member_string(name, padded);
        return;
    }
    case ABSENT: return;
    case NUL: member_null(name); return;
    case JUNK: member_string(name, chance(50) ? "test" : "asdf@asdf"); return;
    }
    member_string(name, email);
}

static void saas_title(enum saas_profile prof)
{
    static const char *const titles[] = {
        "Software Engineer", "Senior Software Engineer", "Engineering Manager", "CTO",
        "VP Engineering", "Head of Platform", "Director of Data", "Founder", "Co-founder & CEO",
        "Product Manager", "Product Designer", "Data Scientist", "DevOps Engineer",
        "Marketing Ops", "Consultant", "Freelancer", "Select", "-",
    };
    int roll = (int)below(100);
    if (prof == STUDENT && roll < 60) {
        member_string("job_title", chance(50) ? "Student" : "PhD student");
        return;
    }
    if (roll < 12)
        return;
    if (roll < 17)
        member_null("job_title");
    else
        member_string("job_title", PICK(titles));
}

static void saas_company(const struct person *p, enum saas_profile prof)
{
    static const char *const countries[] = {"US", "US", "GB", "DE", "FR", "IN", "BR", "CA", "us", "Germany"};
    static const char *const ranges[] = {"1-10", "11-50", "51-200", "201-1000", "1000+"};
    if (chance(prof == SOLO ? 12 : 4))
        return;
    key("company");
    begin_object();
    if (chance(85)) {
        char name[64];
        snprintf(name, sizeof name, "%s %s", p->stem, p->suffix);
        member_string("name", name);
    }
    int roll = (int)below(100);
    long employees = prof == HEAVY ? (chance(50) ? between(1000, 40000) : between(100, 999))
                     : prof == TEAM ? between(10, 800)
                                    : between(1, 60);
    if (roll < 8)
        member_string("employees", "Select");
    else if (roll < 13)
        member_string("employees", PICK(ranges)); /* the form's old picklist */
    else if (roll < 18)
        member_null("employees");
    else if (roll < 22)
        ; /* not asked */
    else
        member_count("employees", employees, 15);
    if (chance(85))
        member_string("country", PICK(countries));
    end_object();
}

static void saas_usage(enum saas_profile prof)
{
    static const char *const integrations[] = {"slack", "github", "jira", "google_drive", "salesforce", "zapier"};
    if (chance(3)) {
        member_null("usage");
        return;
    }
    key("usage");
    begin_object();
    long seats = prof == SOLO ? (chance(80) ? 0 : 1) : prof == TEAM ? between(2, 9)
                 : prof == HEAVY ? between(5, 60) : between(0, 30);
    long workspaces = prof == SOLO ? 1 : between(1, prof == HEAVY ? 8 : 3);
    long api = prof == HEAVY ? (chance(70) ? between(10000, 900000) : between(0, 9999))
               : prof == TEAM ? (chance(30) ? between(100, 20000) : 0)
                              : (chance(15) ? between(1, 30000) : 0);
    if (!chance(4))
        member_count("seats_invited", seats, 12);
    if (!chance(6))
        member_count("workspaces", workspaces, 5);
    if (!chance(10))
        member_count("api_calls_30d", api, 25);
    if (prof != SOLO || chance(30)) {
        const char *chosen[COUNT(integrations)];
        size_t n = pick_some(chosen, integrations, COUNT(integrations), prof == HEAVY ? 4 : 2);
        member_string_array("integrations", chosen, n);
    }
    end_object();
}

static void saas_event(enum saas_profile prof, long newest, long span)
{
    enum { LOGIN, PRICING, FEATURE, WORKSPACE, INVITE, API_KEY, CONTACT };
    static const char *const names[] = {
        "login", "pricing_page_view", "feature_viewed", "workspace_created", "invite_sent",
        "api_key_created", "contact_sales",
    };
    static const unsigned solo[] = {60, 12, 10, 4, 4, 9, 1};
    static const unsigned team[] = {44, 20, 8, 8, 14, 5, 1};
    static const unsigned heavy[] = {34, 18, 14, 8, 12, 10, 4};
    static const char *const features[] = {
        "dashboards", "automations", "api_docs", "templates", "reports", "billing",
        "webhooks", "permissions", "exports", "themes", "sso", "SSO", "audit_log", "scim",
    };
    const unsigned *w = prof == HEAVY ? heavy : prof == TEAM ? team : solo;
    int type = weighted(w, 7);

    begin_object();
    if (chance(3)) { /* another tool's export: "Pricing_Page_View" */
        char buf[32];
        snprintf(buf, sizeof buf, "%s", names[type]);
        buf[0] = (char)(buf[0] - 'a' + 'A');
        member_string("type", buf);
    } else
        member_string("type", names[type]);
    if (!chance(2))
        member_time("at", newest, span);
    if (type == FEATURE)
        member_string("feature", PICK(features));
    if (type == INVITE || type == PRICING) { /* nested properties, as trackers send them */
        key("props");
        begin_object();
        if (type == INVITE)
            member_int("count", between(1, 5));
        else
            member_string("plan_viewed", chance(60) ? "team" : "business");
        end_object();
    }
    if (type == CONTACT && chance(50))
        member_string("message", "Can we get \"SSO\" and an invoice?");
    end_object();
}

static void saas_events(const struct person *p, enum saas_profile prof)
{
    int roll = (int)below(100);
    if (roll < 4)
        return;
    if (roll < 6) {
        member_null("events");
        return;
    }
    int n = prof == HEAVY ? between(6, 30) : prof == TEAM ? between(3, 15) : between(0, 6);
    key("events");
    putchar('[');
    for (int k = 0; k < n; k++) {
        if (k > 0)
            putchar(',');
        if (chance(1))
            fputs("null", stdout);
        else
            saas_event(prof, p->newest, p->span);
    }
    putchar(']');
    first_member = 0;
}

static void gen_signup(unsigned long index, long now)
{
    static const unsigned weights[] = {52, 28, 14, 6};
    static const char *const plans[] = {"free", "free", "free", "trial", "team_trial", "business_trial", "Free", "FREE"};
    static const char *const sources[] = {"Google Ads", "Organic", "Product Hunt", "Referral", "G2", "Hacker News", "Select"};
    struct person p;
    choose_person(&p, now);
    enum saas_profile prof = (enum saas_profile)weighted(weights, COUNT(weights));
    if (p.hot && prof == SOLO)
        prof = TEAM;
    /* a trial lives weeks, not quarters: its activity is recent and short */
    p.newest = now - (long)below((unsigned)((p.hot ? 6 : 40) * 86400));
    p.span = (long)below((unsigned)(21 * 86400)) + 3600;

    char id[32];
    begin_object();
    snprintf(id, sizeof id, "S%06lu", index);
    member_string("id", id);
    saas_email(&p, prof, "email");
    if (chance(90)) {
        char name[64];
        snprintf(name, sizeof name, chance(4) ? "%s  %s " : "%s %s", p.first, p.last);
        member_string("Full Name", name);
    }
    saas_title(prof);
    if (chance(95))
        member_string("plan", PICK(plans));
    {
        char buf[32];
        format_time(buf, sizeof buf, p.newest - p.span - (long)below(86400 * 3), 0);
        member_string("signup_at", buf);
    }
    int roll = (int)below(100);
    if (prof == STUDENT && roll < 40)
        member_bool("is_student", 1);
    else if (prof == STUDENT && roll < 70)
        member_string("is_student", "yes");
    else if (roll < 20)
        member_bool("is_student", 0);
    else if (roll < 25)
        member_null("is_student");
    else if (roll < 28)
        member_string("is_student", "no");
    saas_company(&p, prof);
    saas_usage(prof);
    if (chance(80))
        member_string("Signup Source", PICK(sources));
    if (chance(85)) {
        key("consent");
        begin_object();
        member_bool("marketing", chance(60));
        end_object();
    }
    saas_events(&p, prof);
    end_object();
}

/* ---- kind marketplace: seller applications for rules/marketplace.lq ------------------ */

enum seller_size { MICRO, SMALL_SELLER, MID_SELLER, LARGE_SELLER };

static const char *const seller_countries[] = {
    "US", "US", "US", "CA", "MX", "BR", "GB", "DE", "DE", "FR", "NL", "ES", "IT", "PL", "SE",
    "JP", "KR", "IN", "AU", "SG", "CN", "AE", "ZA",
};

static void seller_country(void)
{
    static const char *const odd[] = {"de", " us", "Germany", "United States", "Select", "UK"};
    int roll = (int)below(100);
    if (roll < 3)
        return;
    if (roll < 6)
        member_null("country");
    else if (roll < 14)
        member_string("country", PICK(odd));
    else
        member_string("country", PICK(seller_countries));
}

static void seller_block(const struct person *p, enum seller_size size)
{
    static const char *const forms[] = {"GmbH", "Ltd", "LLC", "S.A.S.", "B.V.", "K.K.", "Pty Ltd", "Inc."};
    key("seller");
    begin_object();
    int individual = size == MICRO && chance(55);
    char name[96];
    if (individual)
        snprintf(name, sizeof name, "%s %s", p->first, p->last);
    else if (strcmp(p->suffix, "Inc.") == 0 || strcmp(p->suffix, "LLC") == 0)
        snprintf(name, sizeof name, "%s %s", p->stem, p->suffix);
    else
        snprintf(name, sizeof name, "%s %s %s", p->stem, p->suffix, PICK(forms));
    member_string("legal_name", name);
    int roll = (int)below(100);
    if (roll < 4)
        member_string("type", "Select");
    else if (roll < 7)
        member_null("type");
    else
        member_string("type", individual ? "individual" : (chance(97) ? "business" : "Business"));
    seller_country();
    if (chance(70))
        member_count("years_in_business", size == MICRO ? between(0, 3) : between(1, 40), 20);
    if (!individual && chance(75)) {
        char url[96];
        snprintf(url, sizeof url, chance(50) ? "https://www.%s/" : "http://%s", p->domain);
        member_string("website", url);
    }
    end_object();
}

static void seller_contact(const struct person *p, enum seller_size size)
{
    if (chance(2))
        return; /* no contact block at all */
    key("contact");
    begin_object();
    if (chance(94)) {
        char email[160];
        const char *domain = p->domain;
        if (size == MICRO ? chance(60) : chance(8))
            domain = PICK(personal_domains);
        if (chance(30)) {
            static const char *const roles[] = {"sales", "partners", "hello", "info", "ops"};
            snprintf(email, sizeof email, "%s@%s", PICK(roles), domain);
        } else
            make_address(email, sizeof email, p, domain);
        if (chance(4))
            upper_ascii(email);
        member_string("email", email);
    }
    if (chance(60)) {
        char phone[32];
        int cc = between(1, 91), area = between(100, 999), line = between(0, 9999);
        snprintf(phone, sizeof phone, "+%d %03d %04d", cc, area, line);
        member_string("phone", phone);
    }
    end_object();
}

static void seller_category(void)
{
    static const char *const categories[] = {
        "Electronics", "electronics", "Home & Garden", "Beauty", "Sports & Outdoors",
        "Toys & Games", "Fashion", "Jewelry", "Books", "Grocery", "Pet Supplies",
        "Automotive", "Office Products", "Handmade", "Select",
    };
    static const char *const prohibited[] = {
        "Weapons", "Tobacco", "Vapes & E-Cigarettes", "CBD", "Counterfeit Goods", "Prescription Drugs",
    };
    static const char *const subs[] = {"Accessories", "Cables", "Kitchen", "Skincare", "Outdoor Lighting", "Board Games", "Other"};
    int roll = (int)below(100);
    if (roll < 3)
        return;
    if (roll < 5)
        member_null("category");
    else if (roll < 11)
        member_string("category", PICK(prohibited));
    else
        member_string("category", PICK(categories));
    if (chance(60))
        member_string("Sub Category", PICK(subs));
}

static void seller_gmv(enum seller_size size)
{
    long thousands = size == MICRO ? between(0, 99) : 0;
    long gmv = size == MICRO          ? thousands * 1000L + between(0, 999)
               : size == SMALL_SELLER ? between(100, 999) * 1000L
               : size == MID_SELLER   ? between(1000, 4999) * 1000L
                                      : between(5000, 60000) * 1000L;
    int roll = (int)below(100);
    if (roll < 8)
        return;
    if (roll < 13) {
        member_null("gmv_12m_usd");
        return;
    }
    if (roll < 18) { /* typed the way people talk: "$1.2M", "250k", "n/a" */
        char text[32];
        if (gmv >= 1000000)
            snprintf(text, sizeof text, "$%ld.%ldM", gmv / 1000000, gmv / 100000 % 10);
        else if (gmv >= 1000)
            snprintf(text, sizeof text, "%ldk", gmv / 1000);
        else
            snprintf(text, sizeof text, "n/a");
        member_string("gmv_12m_usd", text);
        return;
    }
    member_count("gmv_12m_usd", gmv, 30);
}

static void seller_catalog(enum seller_size size)
{
    if (chance(6))
        return;
    key("catalog");
    begin_object();
    long skus = size == MICRO ? between(1, 150) : size == SMALL_SELLER ? between(50, 900)
                                                                     : between(200, 25000);
    if (!chance(5))
        member_count("sku_count", skus, 20);
    if (chance(70)) {
        char price[32];
        int dollars = between(3, 400), cents = between(0, 99);
        snprintf(price, sizeof price, "%d.%02d", dollars, cents);
        key("avg_price_usd");
        fputs(price, stdout);
    }
    end_object();
}

static void seller_channels(enum seller_size size)
{
    static const char *const channels[] = {"amazon", "ebay", "etsy", "shopify", "walmart", "rakuten", "own_shop"};
    if (chance(25))
        return;
    const char *chosen[COUNT(channels)];
    size_t n = pick_some(chosen, channels, COUNT(channels), size == MICRO ? 1 : 4);
    member_string_array("other_channels", chosen, n);
}

/* KYC: the status and the documents tell mostly the same story. */
static void seller_kyc(int fraudster)
{
    enum { PASSED, PENDING, FAILED, NOT_STARTED, NUL_STATUS, ABSENT };
    static const unsigned weights[] = {48, 26, 5, 10, 4, 7};
    static const char *const doc_types[] = {"business_registration", "identity", "tax_id", "bank_statement"};
    int status = fraudster && chance(60) ? FAILED : weighted(weights, COUNT(weights));
    if (status == ABSENT)
        return;
    key("kyc");
    begin_object();
    static const char *const names[] = {"passed", "pending", "failed", "not_started"};
    if (status == NUL_STATUS)
        member_null("status");
    else
        member_string("status", chance(3) ? "Passed" : names[status]);
    if (status != NOT_STARTED) {
        int n = between(status == PASSED ? 2 : 0, 4);
        key("documents");
        putchar('[');
        for (int k = 0; k < n; k++) {
            if (k > 0)
                putchar(',');
            begin_object();
            member_string("type", doc_types[k]);
            const char *st = status == PASSED ? (chance(92) ? "verified" : "pending")
                             : status == FAILED && k == 1 ? "rejected"
                             : chance(45) ? "verified" : chance(80) ? "pending" : "rejected";
            member_string("status", st);
            if (chance(50))
                member_time("uploaded_at", now_seconds() - 86400L * 10, 86400L * 60);
            end_object();
        }
        putchar(']');
        first_member = 0;
    }
    end_object();
}

static void seller_fraud(int fraudster)
{
    static const char *const soft[] = {"vpn", "address_mismatch", "new_domain", "disposable_email", "velocity"};
    static const char *const hard[] = {"stolen_card_match", "synthetic_identity", "blocklisted_bank_account"};
    if (chance(10))
        return;
    key("fraud");
    begin_object();
    int score = fraudster ? between(60, 99) : (chance(85) ? between(0, 25) : between(26, 70));
    char text[16];
    snprintf(text, sizeof text, "0.%02d", score);
    if (chance(15))
        member_string("score", text);
    else {
        key("score");
        fputs(text, stdout);
    }
    const char *signals[4];
    size_t n = pick_some(signals, soft, COUNT(soft), fraudster ? 3 : 1);
    if (fraudster && chance(50))
        signals[n++] = PICK(hard);
    member_string_array("signals", signals, n);
    end_object();
}

static void seller_ratings(enum seller_size size)
{
    if (size == MICRO ? chance(80) : chance(40))
        return;
    key("ratings");
    begin_object();
    char avg[16];
    int whole = between(3, 4), tenth = between(0, 9);
    snprintf(avg, sizeof avg, "%d.%d", whole, tenth);
    if (chance(10))
        member_string("average", avg);
    else {
        key("average");
        fputs(avg, stdout);
    }
    member_int("count", size == MICRO ? between(0, 80) : between(20, 60000));
    end_object();
}

static void seller_activity(const struct person *p)
{
    static const char *const types[] = {"login", "listing_draft", "doc_upload", "call_booked", "listing_draft"};
    static const unsigned weights[] = {40, 35, 12, 5, 8};
    int roll = (int)below(100);
    if (roll < 8)
        return;
    int n = p->hot ? between(4, 20) : between(0, 6);
    key("activity");
    putchar('[');
    for (int k = 0; k < n; k++) {
        if (k > 0)
            putchar(',');
        begin_object();
        int t = weighted(weights, COUNT(weights));
        member_string("type", types[t]);
        if (!chance(3))
            member_time("at", p->newest, p->span);
        if (t == 2) {
            key("meta");
            begin_object();
            member_string("doc", chance(50) ? "identity" : "tax_id");
            member_int("pages", between(1, 12));
            end_object();
        }
        end_object();
    }
    putchar(']');
    first_member = 0;
}

static void gen_application(unsigned long index, long now)
{
    static const unsigned weights[] = {40, 30, 20, 10};
    struct person p;
    choose_person(&p, now);
    enum seller_size size = (enum seller_size)weighted(weights, COUNT(weights));
    int fraudster = chance(5);

    char buf[40];
    begin_object();
    snprintf(buf, sizeof buf, "APP-2026-%06lu", index);
    member_string("application_id", buf);
    format_time(buf, sizeof buf, p.newest - p.span, 0);
    member_string("submitted_at", buf);
    seller_block(&p, size);
    seller_contact(&p, size);
    seller_category();
    seller_gmv(size);
    seller_catalog(size);
    seller_channels(size);
    seller_kyc(fraudster);
    seller_fraud(fraudster);
    seller_ratings(size);
    seller_activity(&p);
    end_object();
}

static void usage(FILE *out)
{
    fputs("usage: leadgen [-n COUNT] [-s SEED] [--kind acme|saas|marketplace] [--history]\n"
          "       leadgen [-n COUNT] [-s SEED] --flat|--csv\n"
          "Writes COUNT (default 1000) deterministic NDJSON leads to stdout.\n"
          "  acme         CRM leads for rules/acme.lq (the default)\n"
          "  saas         product-led sign-ups for rules/saas.lq\n"
          "  marketplace  seller applications for rules/marketplace.lq\n"
          "  --history    (acme only) add what happened to each lead: \"won\" (true/false),\n"
          "               \"deal\" ({\"amount\", \"closed_at\"} when won, else null) and\n"
          "               \"disposition\" (sales' verdict as text, or null), drawn from a\n"
          "               known model; the lead's other fields are unchanged. The chance\n"
          "               of a win is 3%, times 4 for enterprise size, 2 for a target\n"
          "               industry, 2 for a decision maker, 3 for a demo request, 2 for a\n"
          "               confirmed budget, 0.3 for a free or missing email and 0.5 (the\n"
          "               wrong-way signal) for a webinar; mid-market has no effect;\n"
          "               at most 90%. See examples/README.md.\n"
          "  --csv        (acme only) the same leads flattened to one CSV row each, after a\n"
          "               header row: id, email, phone, first_name, last_name, title,\n"
          "               Company Name, employees, industry, region, Email Opt In, Budget\n"
          "               Confirmed, timeline_months, Lead Source, created_at, and the\n"
          "               events summed up as Page Views, Demo Requested, Last Activity.\n"
          "               Null and empty values are empty cells; numbers written as text\n"
          "               stay text (\"1,234\", \"250+\", \"6 months\").\n"
          "  --flat       (acme only) the leads of --csv as flat NDJSON: the same keys,\n"
          "               values and key order (an empty cell is a key left out), so\n"
          "               the two files hold the same leads for leadq.\n",
          out);
}

static int parse_number(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *end == '\0';
}

/* Each kind salts the seed, so `-s 7` gives unrelated streams for each kind. */
static const struct {
    const char *name;
    uint64_t salt;
    void (*gen)(unsigned long index, long now);
} kinds[] = {
    {"acme", 0, gen_lead},
    {"saas", 0x5aa5u, gen_signup},
    {"marketplace", 0x3a7e7u, gen_application},
};

int main(int argc, char **argv)
{
    unsigned long long count = 1000, seed = 1;
    size_t kind = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--history") == 0) {
            with_history = 1;
            continue;
        }
        if (strcmp(argv[i], "--flat") == 0 || strcmp(argv[i], "--csv") == 0) {
            out_mode = argv[i][2] == 'f' ? OUT_FLAT : OUT_CSV;
            continue;
        }
        const char *kind_arg = NULL;
        if (strncmp(argv[i], "--kind=", 7) == 0)
            kind_arg = argv[i] + 7;
        else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
            kind_arg = argv[++i];
        if (kind_arg) {
            for (kind = 0; kind < COUNT(kinds) && strcmp(kinds[kind].name, kind_arg) != 0; kind++)
                ;
            if (kind == COUNT(kinds)) {
                fprintf(stderr, "leadgen: unknown kind '%s'\n", kind_arg);
                usage(stderr);
                return 2;
            }
            continue;
        }
        unsigned long long *target = strcmp(argv[i], "-n") == 0   ? &count
                                     : strcmp(argv[i], "-s") == 0 ? &seed
                                                                  : NULL;
        if (!target || i + 1 >= argc || !parse_number(argv[++i], target)) {
            usage(stderr);
            return 2;
        }
    }

    if (with_history && kinds[kind].gen != gen_lead) {
        fprintf(stderr, "leadgen: --history is only for --kind acme\n");
        usage(stderr);
        return 2;
    }

    if (out_mode != OUT_JSON && (kinds[kind].gen != gen_lead || with_history)) {
        fprintf(stderr, "leadgen: --flat and --csv are only for --kind acme, without --history\n");
        usage(stderr);
        return 2;
    }

    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    long now = now_seconds();
    void (*gen)(unsigned long index, long now) = out_mode == OUT_JSON ? kinds[kind].gen : gen_flat;
    if (out_mode == OUT_CSV)
        write_csv_header();
    for (unsigned long long i = 1; i <= count; i++) {
        seed_lead(seed ^ kinds[kind].salt, i);
        gen((unsigned long)i, now);
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("leadgen: write");
        return 1;
    }
    return 0;
}
