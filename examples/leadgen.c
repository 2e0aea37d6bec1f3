/* examples/leadgen.c: deterministic generator of realistic, messy CRM leads as NDJSON, for examples and benchmarks. */

/*
 * Usage: leadgen [-n COUNT] [-s SEED] > leads.ndjson
 *
 * Lead number i (1-based) depends only on SEED and i, so `-n 40` is a prefix of
 * `-n 100000` with the same seed. The data is shaped for rules/acme.lq: it hits every
 * reject reason, stage and route, and carries the usual CRM mess: free-mail and
 * competitor addresses, upper-case and padded emails, missing and null fields, employee
 * counts written as text, the picklist placeholder "Select", a key with a space
 * (`Lead Source`) and event timestamps that are not in order. Output is ASCII only, one
 * compact JSON object per line. Only libc is used: the PRNG is splitmix64.
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

/* Whether the next member written is the first of its object. After any value closes, the
 * enclosing object already has a member, so one flag is enough for this nesting. */
static int first_member;

static void put_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static void key(const char *name)
{
    if (!first_member)
        putchar(',');
    first_member = 0;
    put_string(name);
    putchar(':');
}

static void begin_object(void)
{
    putchar('{');
    first_member = 1;
}

static void end_object(void)
{
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
    fputs("null", stdout);
}

static void member_bool(const char *name, int value)
{
    key(name);
    fputs(value ? "true" : "false", stdout);
}

static void member_int(const char *name, long value)
{
    key(name);
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
    int roll = (int)below(100);
    if (roll < 6)
        return;
    if (roll < 9)
        member_null("title");
    else
        member_string("title", PICK(titles));
}

static void gen_employees(void)
{
    enum { SMALL, MID, LARGE, TEXT, NUL, ABSENT };
    static const unsigned weights[] = {37, 25, 23, 5, 5, 5};
    switch (weighted(weights, COUNT(weights))) {
    case SMALL: member_int("employees", between(1, 199)); break;
    case MID: member_int("employees", between(200, 999)); break;
    case LARGE: member_int("employees", chance(70) ? between(1000, 9999) : between(10000, 120000)); break;
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
    int roll = (int)below(100);
    if (roll < 5)
        return;
    if (roll < 10)
        member_null("industry");
    else
        member_string("industry", PICK(industries));
}

static void gen_region(void)
{
    static const char *const regions[] = {"east", "east", "west", "west", "central", "East"};
    int roll = (int)below(100);
    if (roll < 4)
        return;
    if (roll < 12)
        member_null("region");
    else
        member_string("region", PICK(regions));
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
    else
        member_bool("confirmed", chance(p->hot ? 60 : 40));
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
    int roll = (int)below(100);
    if (roll < 8)
        return;
    if (roll < 11)
        member_null("Lead Source");
    else
        member_string("Lead Source", PICK(sources));
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
    const char *type = types[weighted(weights, COUNT(weights))];
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
    putchar('[');
    for (int k = 0; k < n; k++) {
        if (k > 0)
            putchar(',');
        if (chance(1))
            fputs("null", stdout); /* a broken tracking pixel */
        else
            gen_event(p->newest, p->span);
    }
    putchar(']');
    first_member = 0;
}

static void gen_lead(unsigned long index, long now)
{
    struct person p;
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
    end_object();
}

static void usage(FILE *out)
{
    fputs("usage: leadgen [-n COUNT] [-s SEED]\n"
          "Writes COUNT (default 1000) deterministic NDJSON leads to stdout.\n",
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

int main(int argc, char **argv)
{
    unsigned long long count = 1000, seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        unsigned long long *target = strcmp(argv[i], "-n") == 0   ? &count
                                     : strcmp(argv[i], "-s") == 0 ? &seed
                                                                  : NULL;
        if (!target || i + 1 >= argc || !parse_number(argv[++i], target)) {
            usage(stderr);
            return 2;
        }
    }

    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    long now = now_seconds();
    for (unsigned long long i = 1; i <= count; i++) {
        seed_lead(seed, i);
        gen_lead((unsigned long)i, now);
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("leadgen: write");
        return 1;
    }
    return 0;
}
