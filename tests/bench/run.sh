#!/usr/bin/env bash
# tests/bench/run.sh: `make bench`. rules/acme.lq three ways (leadq, hand-written C, jq):
# same decisions byte for byte, throughput and peak RSS, and leadq's memory is flat.
#
# Env: LEADQ GEN HAND PEAK (set by the Makefile), BENCH_N (leads, default 100000),
#      BENCH_BIG=0 skips the 1,000,000-lead memory run.
# The clock is fixed at 2026-11-22T00:00:00Z: leadq gets --now; hand.c and acme.jq
# hard-code it (1795305600 s since the epoch).
set -euo pipefail
export LC_ALL=C

: "${LEADQ:?}" "${GEN:?}" "${HAND:?}" "${PEAK:?}"
N=${BENCH_N:-100000}
BIG=${BENCH_BIG:-1}
NOW=2026-11-22T00:00:00Z
RULES=rules/acme.lq
JQ_PROG=tests/bench/acme.jq

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "bench: FAIL: $*" >&2; exit 1; }

# measure OUT CMD...: runs CMD on the leads with output to OUT under peakrss; sets
# wall (s), cpu (s) and kb (peak RSS, KiB). CMD's stderr (leadq's warnings) is kept apart.
measure() {
    local out=$1; shift
    local rc=0
    "$PEAK" "$@" <"$tmp/leads" >"$out" 2>"$tmp/err" || rc=$?
    ((rc == 0)) || { cat "$tmp/err" >&2; fail "$* exited with status $rc"; }
    read -r kb wall cpu < <(sed -n 's/^peakrss_kb=\([0-9]*\) wall_s=\([0-9.]*\) cpu_s=\([0-9.]*\)$/\1 \2 \3/p' "$tmp/err" | tail -n 1) \
        || fail "no peakrss line from $PEAK"
}

# best RUNS NAME CMD...: the fastest of RUNS runs; records wall, cpu, kb under NAME.
declare -A WALL CPU KB
best() {
    local runs=$1 name=$2; shift 2
    local i
    for ((i = 0; i < runs; i++)); do
        measure "$tmp/$name.out" "$@"
        if ((i == 0)) || awk -v a="$wall" -v b="${WALL[$name]}" 'BEGIN { exit !(a < b) }'; then
            WALL[$name]=$wall CPU[$name]=$cpu KB[$name]=$kb
        fi
    done
}

echo "generating $N leads (seed 42)..."
"$GEN" -n "$N" -s 42 >"$tmp/leads"
bytes=$(wc -c <"$tmp/leads")

echo "timing leadq (best of 3), hand-written C (best of 3), jq (1 run)..."
best 3 leadq "$LEADQ" run --now "$NOW" "$RULES"
best 3 hand "$HAND"
best 1 jq jq -c -f "$JQ_PROG"

# Same decisions, byte for byte.
lines=$(wc -l <"$tmp/leadq.out")
((lines == N)) || fail "leadq wrote $lines decisions for $N leads"
for other in hand jq; do
    if ! cmp -s "$tmp/leadq.out" "$tmp/$other.out"; then
        echo "bench: leadq and $other disagree; first differing decision:" >&2
        diff "$tmp/leadq.out" "$tmp/$other.out" | head -n 4 >&2 || true
        fail "leadq and $other decisions differ"
    fi
done
echo "decisions: leadq, hand and jq agree byte for byte on $N leads"
echo

awk -v n="$N" -v bytes="$bytes" \
    -v lw="${WALL[leadq]}" -v lc="${CPU[leadq]}" -v lk="${KB[leadq]}" \
    -v hw="${WALL[hand]}" -v hc="${CPU[hand]}" -v hk="${KB[hand]}" \
    -v jw="${WALL[jq]}" -v jc="${CPU[jq]}" -v jk="${KB[jq]}" '
function row(name, w, c, k) {
    printf "%-8s %10.0f %8.1f %10.1f %8.3f %8.3f\n", name, n / w, bytes / w / 1e6, k / 1024, w, c
}
BEGIN {
    printf "%d leads, %.1f MB of NDJSON, rules/acme.lq\n", n, bytes / 1e6
    printf "%-8s %10s %8s %10s %8s %8s\n", "", "leads/s", "MB/s", "peak MiB", "wall s", "cpu s"
    row("leadq", lw, lc, lk); row("hand C", hw, hc, hk); row("jq", jw, jc, jk)
    printf "leadq/hand: throughput %.2fx, peak RSS %.2fx\n", hw / lw, lk / hk
    printf "leadq/jq:   throughput %.2fx, peak RSS %.2fx\n", jw / lw, lk / jk
}'

# Memory flatness: leads stream from the generator, so no big file is written.
echo
small=10000 large=1000000
((BIG != 0)) || { echo "memory: skipped (BENCH_BIG=0)"; exit 0; }
peak_on() {
    "$GEN" -n "$1" -s 42 | "$PEAK" "$LEADQ" run --now "$NOW" "$RULES" >/dev/null 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; fail "leadq on $1 leads failed"; }
    sed -n 's/^peakrss_kb=\([0-9]*\) .*/\1/p' "$tmp/err" | tail -n 1
}
kb_small=$(peak_on $small)
kb_large=$(peak_on $large)
limit=$((2 * kb_small + 8 * 1024))
printf "memory: leadq peak RSS %.1f MiB on %d leads, %.1f MiB on %d leads (limit %.1f MiB)\n" \
    "$(awk -v k="$kb_small" 'BEGIN { print k / 1024 }')" $small \
    "$(awk -v k="$kb_large" 'BEGIN { print k / 1024 }')" $large \
    "$(awk -v k="$limit" 'BEGIN { print k / 1024 }')"
((kb_large <= limit)) || fail "leadq memory grows with input: $kb_large KiB on $large leads > 2 x $kb_small KiB + 8 MiB"
echo "memory: flat"
