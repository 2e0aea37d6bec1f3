/* tests/bench/hand.c: the acme rules (rules/acme.lq) hard-coded in C with cJSON, the baseline that `leadq run` is benchmarked against. */

/*
 * Build: cc -O2 -std=c11 -Wall -Wextra -Werror -o build/bench-hand tests/bench/hand.c -lcjson -lm
 * Run:   build/bench-hand < leads.ndjson > decisions.ndjson
 *
 * Reads NDJSON leads on stdin and writes one decision per lead, byte for byte what
 * `leadq run --now 2026-11-22T00:00:00Z rules/acme.lq` and tests/bench/acme.jq print.
 * Choices made where the contract is silent (the same ones acme.jq makes):
 *  - a key that occurs twice in an object: the last one counts (as in jq);
 *  - a path through something that is not an object (`company.employees` when company
 *    is text or a list) is missing; every rule that reads such a path is then false;
 *  - trim() removes ASCII white space: space, \t, \n, \v, \f, \r;
 *  - a time is exactly "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (upper-case T and Z), with
 *    month 1-12, a day that exists in that month, hour < 24, minute < 60, second < 60;
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

/* The member `name` of obj (the last one if repeated); NULL when obj is not an object,
 * the member is absent, or it is JSON null: NULL means "missing". */
static const cJSON *get(const cJSON *obj, const char *name)
{
    const cJSON *found = NULL;
    if (!cJSON_IsObject(obj))
        return NULL;
    for (const cJSON *m = obj->child; m; m = m->next)
        if (strcmp(m->string, name) == 0)
            found = m;
    return cJSON_IsNull(found) ? NULL : found;
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
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* domain(v): sets [*start, *start + *len) to the domain inside the text v, still in its
 * original case (everything that compares it ignores case). Returns false when missing.
 * Trim white space; after the last '@' if there is one; otherwise skip "scheme://" and
 * stop at the first '/', '?', '#' or ':'. Then drop a leading "www."; empty is missing. */
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
        const char *p = s;
        if (p < end && is_alpha(*p)) {
            while (p < end && (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-' || *p == '.'))
                p++;
            if (end - p >= 3 && memcmp(p, "://", 3) == 0)
                s = p + 3;
        }
        for (p = s; p < end; p++)
            if (*p == '/' || *p == '?' || *p == '#' || *p == ':')
                break;
        end = p;
    }
    if (end - s >= 4 && equal_n(s, 4, "www."))
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

/* The n digits at s as a number, or -1 if they are not all digits. */
static long digits(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) into seconds since the epoch. */
static bool parse_time(const cJSON *v, double *out)
{
    if (!cJSON_IsString(v))
        return false;
    const char *s = v->valuestring;
    size_t n = strlen(s);
    if (n != 10 && !(n == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z'))
        return false;
    if (s[4] != '-' || s[7] != '-')
        return false;
    long y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = 0, mi = 0, sec = 0;
    if (n == 20) {
        h = digits(s + 11, 2);
        mi = digits(s + 14, 2);
        sec = digits(s + 17, 2);
    }
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return false;
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + (double)(h * 3600 + mi * 60 + sec);
    return true;
}

/* ---- writing the decision ------------------------------------------------------------ */

static void put_number(double x)
{
    char buf[40];
    if (isfinite(x) && x == floor(x) && fabs(x) < 1e15)
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
    if (cJSON_IsArray(events)) {
        for (const cJSON *ev = events->child; ev; ev = ev->next) {
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
            double at;
            if (parse_time(get(ev, "at"), &at) && (!have_latest || at > latest)) {
                latest = at;
                have_latest = true;
            }
        }
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
