# tests/bench/acme.jq: the acme rules (tests/bench/acme.lq) as a jq 1.6 program, a second baseline that `leadq run` is benchmarked against.
#
# Run: jq -c -f tests/bench/acme.jq < leads.ndjson > decisions.ndjson
#
# Prints, byte for byte, what tests/bench/hand.c and
# `leadq run --now 2026-11-22T00:00:00Z tests/bench/acme.lq` print, with these limits:
#  - A lead without a text or number `id` is identified by `input_line_number`, the count
#    of newlines jq has read so far. For one-line leads that is the lead's line number,
#    except on a last line with no final newline, where it is one less. (leadgen always
#    writes an id and a final newline.)
#  - A number id that is not a whole number prints as jq prints it (shortest round trip,
#    e.g. 0.30000000000000004) instead of %.15g; an id with the byte 0x7f prints it as
#    \u007f; invalid UTF-8 becomes U+FFFD; text after a \u0000 is kept (cJSON drops it).
#  - A key that occurs twice in an object: jq keeps the last one, leadq and hand.c the first.
#  - A number that is not whole and needs more than 15 significant digits prints with
#    jq 1.6's 17 (leadq prints %.15g), e.g. a score decayed for 8 or more periods; an
#    infinite id (1e999) prints as 1.7976931348623157e+308 instead of null.
#  - A line that is valid JSON but not an object is skipped silently; a line that is not
#    JSON at all stops jq with an error.
# Otherwise it makes the choices hand.c documents (leadq's): a path through a non-object
# is missing, domain() trims space, tab, CR and LF, `events` that is not a list is a list
# of one, `events.at` flattens lists, a list of titles "contains" an equal item, and times
# are what leadq's lq_time_parse accepts.

# The fixed clock, 2026-11-22T00:00:00Z, in seconds since the epoch.
def now_seconds: 1795305600;

# .[$k] of an object; missing (null) for anything else, where jq would raise an error.
def field($k): if type == "object" then .[$k] else null end;

def cap($m): if . > $m then $m else . end;

def is_text: type == "string";

# Lower-cased text equal to one of $list; false for anything that is not text.
def text_in($list): is_text and (ascii_downcase as $t | $list | index([$t]) != null);

def ws_chars: " \t\n\r";

# Trims ASCII white space; the regular expressions run only when there is some to trim.
def trim_ws:
  if length > 0 and ((.[0:1] as $c | ws_chars | contains($c))
                     or (.[-1:] as $c | ws_chars | contains($c)))
  then sub("\\A[ \t\n\r]+"; "") | sub("[ \t\n\r]+\\z"; "")
  else . end;

def before($sep): (split($sep) | .[0]) // "";

# domain(x): the part after the last '@', or else what follows the first "://" up to
# '/', '?', '#' or ':'; lower-case, without a leading "www." (unless that is all there
# is); null (missing) for anything that is not text or gives an empty domain.
def domain:
  if is_text | not then null
  else trim_ws
    | if contains("@") then split("@") | last
      else (split("://") | if length > 1 then .[1:] | join("://") else .[0] // "" end)
        | before("/") | before("?") | before("#") | before(":")
      end
    | ascii_downcase
    | if startswith("www.") and length > 4 then .[4:] else . end
    | if . == "" then null else . end
  end;

# ---- time ----

def leap($y): ($y % 4 == 0 and $y % 100 != 0) or $y % 400 == 0;

# Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
def days_from_civil($y0; $m; $d):
  (if $m <= 2 then $y0 - 1 else $y0 end) as $y
  | ($y / 400 | floor) as $era
  | ($y - $era * 400) as $yoe
  | ((153 * (if $m > 2 then $m - 3 else $m + 9 end) + 2) / 5 | floor) + $d - 1
  | $yoe * 365 + ($yoe / 4 | floor) - ($yoe / 100 | floor) + .
  | $era * 146097 + . - 719468;

def days_in_month($y; $m):
  if $m == 2 then (if leap($y) then 29 else 28 end)
  elif $m == 4 or $m == 6 or $m == 9 or $m == 11 then 30 else 31 end;

# Seconds since the epoch of a time as leadq's lq_time_parse reads it ("YYYY-MM-DD", then
# optionally T/t/space, HH:MM, :SS, a .fraction, Z/z or +HH[:][MM]; UTC without a zone);
# empty for anything else.
def time_seconds:
  select(is_text)
  | if test("\\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?\\z")
    then if length == 10 then {y: .[0:4], mo: .[5:7], d: .[8:10]}   # the usual forms, fast
         else {y: .[0:4], mo: .[5:7], d: .[8:10], h: .[11:13], mi: .[14:16], s: .[17:19]} end
    else capture("\\A[ \t]*(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})(?:[Tt ](?<h>[0-9]{2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:[.,](?<f>[0-9]*))?)?(?:[Zz]|(?<sign>[+-])(?<oh>[0-9]{2}):?(?<om>[0-9]{2})?)?)?[ \t]*\\z") end
  | (.y | tonumber) as $y | (.mo | tonumber) as $mo | (.d | tonumber) as $d
  | ((.h // "0") | tonumber) as $h | ((.mi // "0") | tonumber) as $mi
  | ((.s // "0") | tonumber) as $s
  | select($mo >= 1 and $mo <= 12 and $d >= 1 and $d <= days_in_month($y; $mo)
           and $h <= 24 and $mi <= 59 and $s <= 60)
  | (reduce ((.f // "") | explode[]) as $c ({v: 0, scale: 0.1}; .v += ($c - 48) * .scale | .scale /= 10) | .v) as $frac
  | (if .sign == null then 0
     else (if .sign == "-" then -1 else 1 end) * ((.oh | tonumber) * 3600 + ((.om // "0") | tonumber) * 60)
     end) as $offset
  | days_from_civil($y; $mo; $d) * 86400 + $h * 3600 + $mi * 60 + $s + $frac - $offset;

# What leadq's projection `events.at` yields: an object's `at` (the items of it when it is
# a list), and for a list what each of its items yields.
def at_items:
  if type == "object" then .at | (if type == "array" then .[] else . end)
  elif type == "array" then .[] | at_items
  else empty end;

# ascii_downcase is written in jq in 1.6 (explode, map, implode): skip it for the event
# types that are already lower case.
def event_type:
  if . == "page_view" or . == "email_click" or . == "demo_request" or . == "webinar_attended"
  then . else ascii_downcase end;

# ---- the rules ----

if type != "object" then empty else
# Empty is missing: text that is empty or only white space is null, as in leadq.
walk(if type == "string" and test("\\A[ \t\n\r\f\u000b\u00a0]*\\z") then null else . end) as $lead
| $lead.email as $email
| ($email | domain) as $domain
| $lead.company as $company
| ($company | field("employees")) as $employees

# defines
| ($email != null and (($domain != null and (["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"] | index([$domain]) != null)) | not)) as $work_email
| ($employees | type == "number" and . >= 1000) as $enterprise
| ($lead.title
   | if is_text then ascii_downcase | contains("vp") or contains("chief") or contains("director") or contains("head of")
     elif type == "array" then any(.[]; text_in(["vp", "chief", "director", "head of"]))
     else false end) as $decision_maker

# score fit
| ($employees | type == "number" and . >= 200 and . <= 999) as $mid_market
| ($company | field("industry") | text_in(["energy", "manufacturing", "utilities"])) as $target_industry
| ([if $enterprise then 20 else 0 end, if $mid_market then 10 else 0 end,
    if $target_industry then 15 else 0 end, if $decision_maker then 10 else 0 end,
    if $work_email then 0 else -30 end] | add | cap(60)) as $fit

# score engagement
| ($lead.events | if type == "array" then . elif . == null then [] else [.] end
   | map(select(type == "object"))) as $events
| ($events | map(.type | select(is_text) | event_type)) as $types
| ([$types[] | select(. == "page_view")] | length) as $page_views
| ([$types[] | select(. == "email_click")] | length) as $email_clicks
| ($types | index(["demo_request"]) != null) as $demo
| ($types | index(["webinar_attended"]) != null) as $webinar
| ([$page_views * 2, 20] | min) as $page_view_points
| ([$email_clicks * 5, 15] | min) as $email_click_points
| ([$lead.events | at_items | time_seconds] | max) as $latest
| ($page_view_points + $email_click_points + (if $demo then 25 else 0 end) + (if $webinar then 10 else 0 end)
   | cap(60)
   | if $latest == null then .
     else ((now_seconds - $latest) / 86400) as $days
       | (if $days > 0 then $days / 30 | floor else 0 end) as $periods
       | . * pow(0.75; $periods)
     end) as $engagement

# rejects
| ($email == null and $lead.phone == null) as $no_contact
| ($lead.consent | field("email") == false) as $no_consent
| ($domain != null and (["rivalco.com", "copycat.io"] | index([$domain]) != null)) as $competitor
| (if $no_contact then "no way to contact" elif $no_consent then "no consent"
   elif $competitor then "competitor" else null end) as $rejected

# grade, stages, routes
| ($fit + $engagement >= 50) as $mql
| ($mql and ($lead.budget | field("confirmed") == true)
   and ($lead.timeline_months | type == "number" and . <= 6)) as $sql

| {
    id: ($lead.id | if type == "string" or type == "number" then . else input_line_number end),
    ruleset: "acme",
    version: "2026.4",
    stage: (if $rejected != null then null elif $sql then "SQL" elif $mql then "MQL" else null end),
    rejected: $rejected,
    route: (if $rejected != null then null
            elif $sql and $enterprise and ($company | field("region") | text_in(["east"])) then "enterprise-east"
            elif $sql and $enterprise then "enterprise-west"
            elif $sql then "inside-sales"
            elif $mql then "sdr"
            else "nurture" end),
    owner: null,
    score: ($fit + $engagement),
    scores: {fit: $fit, engagement: $engagement},
    grades: {priority: (if $fit >= 40 and $engagement >= 40 then "A" elif $fit >= 20 then "B" else "C" end)},
    reasons: [
      if $enterprise then {rule: "enterprise size", group: "fit", points: 20} else empty end,
      if $mid_market then {rule: "mid-market", group: "fit", points: 10} else empty end,
      if $target_industry then {rule: "target industry", group: "fit", points: 15} else empty end,
      if $decision_maker then {rule: "decision maker", group: "fit", points: 10} else empty end,
      if $work_email | not then {rule: "free email provider", group: "fit", points: -30} else empty end,
      if $page_views > 0 then {rule: "page view", group: "engagement", points: $page_view_points} else empty end,
      if $email_clicks > 0 then {rule: "email click", group: "engagement", points: $email_click_points} else empty end,
      if $demo then {rule: "asked for a demo", group: "engagement", points: 25} else empty end,
      if $webinar then {rule: "attended a webinar", group: "engagement", points: 10} else empty end,
      if $no_contact then {rule: "no way to contact", reject: true} else empty end,
      if $no_consent then {rule: "no consent", reject: true} else empty end,
      if $competitor then {rule: "competitor", reject: true} else empty end
    ]
  }
end
