/* tests/bench/hand.c: the acme rules (tests/bench/acme.lq) hard-coded in C with cJSON, the baseline that `leadq run` is benchmarked against. */

/*
 * Build: cc -O2 -std=c11 -Wall -Wextra -Werror -o build/bench-hand tests/bench/hand.c -lcjson -lm
 * Run:   build/bench-hand < leads.ndjson > decisions.ndjson
 *
 * Reads NDJSON leads on stdin and writes one decision per lead, byte for byte what
 * `leadq run --now 2026-11-22T00:00:00Z tests/bench/acme.lq` and tests/bench/acme.jq print.
 * It follows leadq's documented choices (docs/language.md) and, where the docs are
 * silent, what leadq does (src/eval.c, src/value.c):
 *  - a key that occurs twice in an object: the first one counts (cJSON's lookup; jq
 *    takes the last, a limit of acme.jq);
 *  - a path through something that is not an object (`company.employees` when company
 *    is text or a list) is missing or a list, and every rule of acme.lq is false on it;
 *  - domain() and trim() remove space, \t, \n and \r;
 *  - `events` that is an object (or any value but a list) is a list of one event;
 *    `events.at` flattens: an event's `at` that is a list gives each of its items, and
 *    an event that is itself a list is projected into;
 *  - `title contains "vp"` on a list of titles: some item equals "vp" (ignoring case);
 *  - times are what leadq's lq_time_parse accepts: "YYYY-MM-DD", then optionally
 *    T/t/space, HH:MM, optionally :SS and a .fraction, optionally Z/z or +HH[:][MM];
 *    white space (space, tab) around is ignored;
 *  - a line that is not a JSON object gets no decision: stderr gets
 *    `<stdin>:LINE: error: ...` and the exit status is 1. Blank lines are skipped.
 */

#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* The fixed clock, 2026-11-22T00:00:00Z, in seconds since the epoch. */
static const double NOW = 1795305600.0;

/* ---- reading the lead ---------------------------------------------------------------- */

/* Text that is empty or only white space (leadq's "empty is missing"). */
static bool blank_text(const cJSON *v)
{
    if (!cJSON_IsString(v))
        return false;
    for (const unsigned char *s = (const unsigned char *)v->valuestring; *s; s++) {
        if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
            continue;
        if (s[0] == 0xC2 && s[1] == 0xA0) {
            s++;
            continue;
        }
        return false;
    }
    return true;
}

/* The member `name` of obj (the first one if repeated); NULL when obj is not an object,
 * the member is absent, JSON null, or blank text: NULL means "missing". */
static const cJSON *get(const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    for (const cJSON *m = obj->child; m; m = m->next)
        if (strcmp(m->string, name) == 0)
            return cJSON_IsNull(m) || blank_text(m) ? NULL : m;
    return NULL;
}

static bool is_true(const cJSON *v)
{
    return cJSON_IsTrue(v);
}

static bool is_number(const cJSON *v)
{
    return cJSON_IsNumber(v);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the n bytes at s equal the lower-case text t, ignoring ASCII case. */
static bool equal_n(const char *s, size_t n, const char *t)
{
    for (size_t i = 0; i < n; i++, t++)
        if (*t == '\0' || lower(s[i]) != *t)
            return false;
    return *t == '\0';
}

/* v is text equal to the lower-case text t, ignoring ASCII case. */
static bool text_is(const cJSON *v, const char *t)
{
    return cJSON_IsString(v) && equal_n(v->valuestring, strlen(v->valuestring), t);
}

/* Whether s contains the lower-case text t, ignoring ASCII case. */
static bool contains(const char *s, const char *t)
{
    size_t n = strlen(t);
    for (; *s; s++)
        if (lower(*s) == t[0] && equal_n(s, n, t))
            return true;
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* domain(v): sets [*start, *start + *len) to the domain inside the text v, still in its
 * original case (everything that compares it ignores case). Returns false when missing.
 * Trim white space; after the last '@' if there is one; otherwise after the first "://"
 * and up to the first '/', '?', '#' or ':'. Then drop a leading "www." unless that is
 * all there is; empty is missing. */
static bool domain(const cJSON *v, const char **start, size_t *len)
{
    if (!cJSON_IsString(v))
        return false;
    const char *s = v->valuestring, *end = s + strlen(s);
    while (s < end && is_space(*s))
        s++;
    while (end > s && is_space(end[-1]))
        end--;

    const char *at = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '@')
            at = p;
    if (at) {
        s = at + 1;
    } else {
        const char *p;
        for (p = s; p + 2 < end; p++)
            if (memcmp(p, "://", 3) == 0) {
                s = p + 3;
                break;
            }
        for (p = s; p < end; p++)
            if (*p == '/' || *p == '?' || *p == '#' || *p == ':')
                break;
        end = p;
    }
    if (end - s > 4 && equal_n(s, 4, "www."))
        s += 4;
    *start = s;
    *len = (size_t)(end - s);
    return *len > 0;
}

static bool in_list(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (equal_n(s, n, list[i]))
            return true;
    return false;
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

static int days_in_month(long y, long m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The count digits at s[at...] as a number in *out; false if s is too short or they are
 * not all digits. */
static bool digits(const char *s, size_t n, size_t at, int count, int *out)
{
    if (at + (size_t)count > n)
        return false;
    int v = 0;
    for (int i = 0; i < count; i++) {
        char c = s[at + (size_t)i];
        if (!is_digit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}

/* Parses an ISO-8601 time as leadq does (see the top of this file) into seconds since
 * the epoch; without a zone it is UTC. */
static bool parse_time(const cJSON *v, double *out)
{
    if (!cJSON_IsString(v))
        return false;
    const char *s = v->valuestring;
    size_t n = strlen(s);
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0;
    if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, n, 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    size_t i = 10;
    long offset = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (!digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' || !digits(s, n, i + 4, 2, &mi))
            return false;
        i += 6;
        if (i < n && s[i] == ':') {
            if (!digits(s, n, i + 1, 2, &sec))
                return false;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                for (i++; i < n && is_digit(s[i]); i++, scale /= 10)
                    frac += (s[i] - '0') * scale;
            }
        }
        if (h > 24 || mi > 59 || sec > 60)
            return false;
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int oh, om = 0, sign = s[i] == '-' ? -1 : 1;
            if (!digits(s, n, i + 1, 2, &oh))
                return false;
            i += 3;
            if (i < n && s[i] == ':')
                i++;
            if (i < n && digits(s, n, i, 2, &om))
                i += 2;
            offset = sign * (oh * 3600L + om * 60L);
        }
    }
    if (i != n)
        return false;
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec + frac -
           (double)offset;
    return true;
}

/* latest(events.at): every time that leadq's projection `events.at` yields from j, the
 * latest one in *latest. An object gives its `at`, or the items of its `at` when that is
 * a list; a list gives what each of its items gives. */
static void latest_at(const cJSON *j, bool *have, double *latest)
{
    double t;
    if (cJSON_IsObject(j)) {
        const cJSON *at = get(j, "at");
        if (cJSON_IsArray(at)) {
            for (const cJSON *c = at->child; c; c = c->next)
                if (parse_time(c, &t) && (!*have || t > *latest))
                    *latest = t, *have = true;
        } else if (parse_time(at, &t) && (!*have || t > *latest)) {
            *latest = t;
            *have = true;
        }
    } else if (cJSON_IsArray(j)) {
        for (const cJSON *c = j->child; c; c = c->next)
            latest_at(c, have, latest);
    }
}

/* ---- writing the decision ------------------------------------------------------------ */

static void put_number(double x)
{
    char buf[40];
    if (!isfinite(x))
        snprintf(buf, sizeof buf, "null");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, sizeof buf, "%lld", (long long)x);
    else
        snprintf(buf, sizeof buf, "%.15g", x);
    fputs(buf, stdout);
}

static void put_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\f': fputs("\\f", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
    }
    putchar('"');
}

static void put_string_or_null(const char *s)
{
    if (s)
        put_string(s);
    else
        fputs("null", stdout);
}

/* The reasons array: a comma before every entry but the first. */
static bool first_reason;

static void put_points(const char *rule, const char *group, double points)
{
    fputs(first_reason ? "{\"rule\":\"" : ",{\"rule\":\"", stdout);
    first_reason = false;
    fputs(rule, stdout); /* labels are constants that need no escaping */
    fputs("\",\"group\":\"", stdout);
    fputs(group, stdout);
    fputs("\",\"points\":", stdout);
    put_number(points);
    putchar('}');
}

static void put_reject(const char *reason)
{
    fputs(first_reason ? "{\"rule\":\"" : ",{\"rule\":\"", stdout);
    first_reason = false;
    fputs(reason, stdout);
    fputs("\",\"reject\":true}", stdout);
}

/* ---- the rules ----------------------------------------------------------------------- */

static const char *const free_email[] = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com"};
static const char *const competitors[] = {"rivalco.com", "copycat.io"};
static const char *const target_industries[] = {"energy", "manufacturing", "utilities"};
static const char *const decision_titles[] = {"vp", "chief", "director", "head of"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static double min(double a, double b)
{
    return a < b ? a : b;
}

static void decide(const cJSON *lead, long line)
{
    const cJSON *email = get(lead, "email");
    const cJSON *company = get(lead, "company");
    const cJSON *employees = get(company, "employees");
    const cJSON *industry = get(company, "industry");
    const cJSON *title = get(lead, "title");

    /* defines */
    const char *dom;
    size_t dom_len;
    bool has_domain = domain(email, &dom, &dom_len);
    bool work_email = email && !(has_domain && in_list(dom, dom_len, free_email, COUNT(free_email)));
    bool enterprise = is_number(employees) && employees->valuedouble >= 1000;
    bool decision_maker = false;
    if (cJSON_IsString(title))
        for (size_t i = 0; i < COUNT(decision_titles) && !decision_maker; i++)
            decision_maker = contains(title->valuestring, decision_titles[i]);
    if (cJSON_IsArray(title)) /* a list contains an item equal to the text */
        for (const cJSON *t = title->child; t && !decision_maker; t = t->next)
            decision_maker = cJSON_IsString(t) &&
                in_list(t->valuestring, strlen(t->valuestring), decision_titles, COUNT(decision_titles));

    /* score fit */
    bool mid_market = is_number(employees) && employees->valuedouble >= 200 && employees->valuedouble <= 999;
    bool target_industry = cJSON_IsString(industry) &&
        in_list(industry->valuestring, strlen(industry->valuestring), target_industries, COUNT(target_industries));
    double fit = (enterprise ? 20 : 0) + (mid_market ? 10 : 0) + (target_industry ? 15 : 0) +
                 (decision_maker ? 10 : 0) + (!work_email ? -30 : 0);
    fit = min(fit, 60);

    /* score engagement */
    int page_views = 0, email_clicks = 0;
    bool demo = false, webinar = false, have_latest = false;
    double latest = 0;
    const cJSON *events = get(lead, "events");
    if (events) {
        /* a list of events, or any other value as a list of one */
        const cJSON *first = cJSON_IsArray(events) ? events->child : events;
        for (const cJSON *ev = first; ev; ev = cJSON_IsArray(events) ? ev->next : NULL) {
            if (!cJSON_IsObject(ev))
                continue;
            const cJSON *type = get(ev, "type");
            if (cJSON_IsString(type)) {
                const char *t = type->valuestring;
                size_t n = strlen(t);
                page_views += equal_n(t, n, "page_view");
                email_clicks += equal_n(t, n, "email_click");
                demo = demo || equal_n(t, n, "demo_request");
                webinar = webinar || equal_n(t, n, "webinar_attended");
            }
        }
        latest_at(events, &have_latest, &latest);
    }
    double page_view_points = min(2.0 * page_views, 20), email_click_points = min(5.0 * email_clicks, 15);
    double engagement = min(page_view_points + email_click_points + (demo ? 25 : 0) + (webinar ? 10 : 0), 60);
    if (have_latest) {
        double days = (NOW - latest) / 86400;
        double periods = days > 0 ? floor(days / 30) : 0;
        engagement *= pow(0.75, periods);
    }

    /* rejects */
    const cJSON *consent_email = get(get(lead, "consent"), "email");
    bool no_contact = !email && !get(lead, "phone");
    bool no_consent = cJSON_IsFalse(consent_email);
    bool competitor = has_domain && in_list(dom, dom_len, competitors, COUNT(competitors));
    const char *rejected = no_contact ? "no way to contact"
                         : no_consent ? "no consent"
                         : competitor ? "competitor"
                                      : NULL;

    /* grade, stages, routes */
    const char *priority = fit >= 40 && engagement >= 40 ? "A" : fit >= 20 ? "B" : "C";
    const cJSON *timeline = get(lead, "timeline_months");
    bool mql = fit + engagement >= 50;
    bool sql = mql && is_true(get(get(lead, "budget"), "confirmed")) && is_number(timeline) &&
               timeline->valuedouble <= 6;
    const char *stage = NULL, *route = NULL;
    if (!rejected) {
        stage = sql ? "SQL" : mql ? "MQL" : NULL;
        route = sql && enterprise && text_is(get(company, "region"), "east") ? "enterprise-east"
              : sql && enterprise                                            ? "enterprise-west"
              : sql                                                          ? "inside-sales"
              : mql                                                          ? "sdr"
                                                                             : "nurture";
    }

    /* the decision */
    const cJSON *id = get(lead, "id");
    fputs("{\"id\":", stdout);
    if (cJSON_IsString(id))
        put_string(id->valuestring);
    else
        put_number(is_number(id) ? id->valuedouble : (double)line);
    fputs(",\"ruleset\":\"acme\",\"version\":\"2026.4\",\"stage\":", stdout);
    put_string_or_null(stage);
    fputs(",\"rejected\":", stdout);
    put_string_or_null(rejected);
    fputs(",\"route\":", stdout);
    put_string_or_null(route);
    fputs(",\"owner\":null", stdout);
    fputs(",\"score\":", stdout);
    put_number(fit + engagement);
    fputs(",\"scores\":{\"fit\":", stdout);
    put_number(fit);
    fputs(",\"engagement\":", stdout);
    put_number(engagement);
    fputs("},\"grades\":{\"priority\":\"", stdout);
    fputs(priority, stdout);
    fputs("\"},\"reasons\":[", stdout);
    first_reason = true;
    if (enterprise) put_points("enterprise size", "fit", 20);
    if (mid_market) put_points("mid-market", "fit", 10);
    if (target_industry) put_points("target industry", "fit", 15);
    if (decision_maker) put_points("decision maker", "fit", 10);
    if (!work_email) put_points("free email provider", "fit", -30);
    if (page_views > 0) put_points("page view", "engagement", page_view_points);
    if (email_clicks > 0) put_points("email click", "engagement", email_click_points);
    if (demo) put_points("asked for a demo", "engagement", 25);
    if (webinar) put_points("attended a webinar", "engagement", 10);
    if (no_contact) put_reject("no way to contact");
    if (no_consent) put_reject("no consent");
    if (competitor) put_reject("competitor");
    fputs("]}\n", stdout);
}

/* ---- the NDJSON loop ----------------------------------------------------------------- */

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

int main(void)
{
    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    bool bad = false;
    while ((got = getline(&line, &cap, stdin)) != -1) {
        lineno++;
        char *s = line;
        size_t n = (size_t)got;
        if (lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3; /* a UTF-8 byte order mark */
            n -= 3;
        }
        if (blank(s, n))
            continue;

        const char *end = NULL;
        cJSON *lead = cJSON_ParseWithLengthOpts(s, n, &end, false);
        if (lead && !blank(end, n - (size_t)(end - s))) {
            cJSON_Delete(lead);
            lead = NULL;
        }
        if (!lead) {
            fprintf(stderr, "<stdin>:%ld: error: not valid JSON\n", lineno);
            bad = true;
        } else if (!cJSON_IsObject(lead)) {
            fprintf(stderr, "<stdin>:%ld: error: not a JSON object\n", lineno);
            bad = true;
        } else {
            decide(lead, lineno);
        }
        cJSON_Delete(lead);
    }
    free(line);
    if (ferror(stdin)) {
        perror("bench-hand: <stdin>");
        return 4;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("bench-hand: <stdout>");
        return 4;
    }
    return bad ? 1 : 0;
}
