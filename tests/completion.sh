#!/bin/bash
# completion.sh: the bash completion (docs/completion/leadq.bash), driven the
# way bash drives it (COMP_WORDS, COMP_CWORD, then the function `complete -p`
# names), in a non-interactive bash. Each command's long options must be the
# same three lists: its getopt table (src/cli/CMD.c), its help text (`leadq
# help CMD`) and what the completion offers, so an option added to one and not
# the others fails here.
# usage: tests/completion.sh LEADQ   (from the top of the tree; make test-editors)
set -u
LEADQ=${1:?usage: tests/completion.sh LEADQ}
cd "$(dirname "$0")/.." || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

source docs/completion/leadq.bash
spec=$(complete -p leadq) || { echo "FAIL: no completion for leadq"; exit 1; }
func=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
[ -n "$func" ] || { echo "FAIL: $spec names no function"; exit 1; }

# Completes the line given as words, the last one being completed; prints the
# candidates sorted, one per line.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$func" leadq "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}
expect() { # expect WANT WORDS...: the candidates, space-separated, sorted
  local want=$1 got
  shift
  got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
  want=$(tr ' ' '\n' <<<"$want" | sort -u | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || fail "leadq ${*:2} <TAB>: got '$got', want '$want'"
}
words() { tr ' ' '\n' | sed '/^$/d' | sort -u; }

# The commands, from main.c's table, and help.
commands=$(sed -n '/^} commands\[\] = {/,/^};/p' src/cli/main.c | grep -o '{"[a-z]*"' | tr -d '{"' | words)
[ -n "$commands" ] || fail "no commands found in src/cli/main.c"
expect "$(echo $commands) help --help --version" leadq ""
# The topics, from `leadq help` (its "topics:" lines): each one prints, and is offered.
topics=$("$LEADQ" help | sed -n '/^topics:$/,/^$/p' | sed -n 's/^  help \([a-z-]*\) .*/\1/p' | words)
[ -n "$topics" ] || fail "leadq help lists no topics"
for t in $topics; do "$LEADQ" help "$t" >/dev/null || fail "leadq help $t fails"; done
expect "$(echo $commands $topics)" leadq help ""
expect "reading" leadq help rea

input=$(sed -n '/^#define CLI_INPUT_OPTIONS/,/^[^ ]/p' src/cli/cli.h | grep -o '{"[a-z-]*"' | tr -d '{"' | words)
for cmd in $commands; do
  table=$(sed -n '/struct option opts\[\] = {/,/};/p' "src/cli/$cmd.c")
  [ -n "$table" ] || { fail "no getopt table in src/cli/$cmd.c"; continue; }
  getopt=$({ grep -o '{"[a-z-]*"' <<<"$table" | tr -d '{"'; grep -q CLI_INPUT_OPTIONS <<<"$table" && echo "$input"; } |
    sed 's/^/--/' | words)
  help=$("$LEADQ" help "$cmd" | grep -o -- '--[a-z][a-z-]*' | words)
  offered=$(complete_line leadq "$cmd" -- | sed 's/=$//' | grep -vx -- --help | words)
  [ "$getopt" = "$help" ] ||
    fail "$cmd: getopt table and help differ: $(diff <(echo "$getopt") <(echo "$help") | grep '^[<>]' | tr '\n' ' ')"
  [ "$getopt" = "$offered" ] ||
    fail "$cmd: getopt table and completion differ: $(diff <(echo "$getopt") <(echo "$offered") | grep '^[<>]' | tr '\n' ' ')"
done

# Values, both as a separate word and after '='.
expect "csv ndjson" leadq run --input ""
expect "csv" leadq run --input c
expect "csv ndjson" leadq run --input = ""
expect "ndjson" leadq run --output = n
expect "csv ndjson" leadq report --input ""
expect "text json" leadq check --format ""
expect "text json markdown" leadq diff --format ""
expect "text markdown csv json" leadq report --format ""
expect "tab , \\;" leadq run --delimiter ""
expect "" leadq run --now ""
expect "--annotate --annotate=" leadq run --ann
expect "--strict --sample" leadq check --s
# RULES and FILE, and options that name a file: file names.
expect "rules/acme.lq" leadq run rules/acm
expect "rules/acme.lq" leadq run --now 2026-11-22 rules/acm
expect "examples/sample.ndjson" leadq run rules/acme.lq examples/sample.nd
expect "examples/crm-cases.csv" leadq test --junit examples/crm-cas
expect "" leadq nosuchcommand ""

if [ "$fails" -ne 0 ]; then
  echo "completion: $fails failed"
  exit 1
fi
echo "completion: all checks passed"
