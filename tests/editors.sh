#!/bin/bash
# editors.sh: the editor syntax files (docs/editors/) against the language.
# Every keyword of the lexer (grammar/leadq.l) and every built-in function
# (src/builtins.h) must be in the vim syntax and in the TextMate grammar, so a
# keyword added to the lexer alone fails here; the grammar must be valid JSON
# with the scopes editors theme, and its regular expressions must compile; and,
# where vim is installed, vim must detect a *.lq file and colour its parts.
# usage: tests/editors.sh   (from anywhere; make test-editors)
set -u
cd "$(dirname "$0")/.." || exit 2
VIM=docs/editors/vim/syntax/leadq.vim
TM=docs/editors/leadq.tmLanguage.json
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The lexer's rules section: each keyword is a quoted word at the start of a
# rule ("when", or ("starts"|"ends"){ws}+"with"... for the two-word ones).
keywords=$(awk '/^%%/ { n++; next } n == 1' grammar/leadq.l | grep -E '^["(]' | grep -oE '"[a-z]+"' | tr -d '"' | sort -u)
[ "$(wc -w <<<"$keywords")" -ge 40 ] || fail "found only $(wc -w <<<"$keywords") keywords in grammar/leadq.l"
functions=$(sed -n '/^#define LQ_FUNCS/,/^$/p' src/builtins.h | grep -oE 'X\([a-z_]+' | cut -c3- | sort -u)
[ "$(wc -w <<<"$functions")" -ge 20 ] || fail "found only $(wc -w <<<"$functions") functions in src/builtins.h"
# In vim, only the lines that colour count: a word in a comment colours nothing.
vim_rules=$(grep -E '^[[:space:]]*syn(tax)?[[:space:]]+(keyword|match|region)' "$VIM" | sed -E 's/(contains|nextgroup|containedin)=[^ ]*//g')
for w in $keywords $functions; do
  grep -qE "(^|[^a-z_])$w([^a-z_]|$)" <<<"$vim_rules" || fail "'$w' is not in a syn line of $VIM"
  grep -qE "(^|[^a-z_])$w([^a-z_]|$)" "$TM" || fail "'$w' is not in $TM"
done

python3 - "$TM" <<'EOF' || fails=$((fails + 1))
import json, re, sys
try:
    g = json.load(open(sys.argv[1]))
except ValueError as e:
    print(f"FAIL: {sys.argv[1]} is not valid JSON: {e}"); sys.exit(1)
scopes, bad = set(), []
def walk(node):
    if isinstance(node, dict):
        if "name" in node and isinstance(node["name"], str): scopes.add(node["name"])
        for k in ("match", "begin", "end"):
            if k in node:
                try: re.compile(node[k])
                except re.error as e: bad.append(f"{node[k]!r}: {e}")
        for v in node.values(): walk(v)
    elif isinstance(node, list):
        for v in node: walk(v)
walk(g)
need = ["keyword.control", "string.quoted.double", "comment.line.number-sign", "constant.numeric", "variable.other"]
missing = [n for n in need if not any(s.startswith(n + ".") or s == n for s in scopes)]
if g.get("scopeName") != "source.leadq" or "lq" not in g.get("fileTypes", []): bad.append("scopeName/fileTypes")
for m in missing: bad.append(f"no scope {m}")
for b in bad: print(f"FAIL: {sys.argv[1]}: {b}")
sys.exit(1 if bad else 0)
EOF

if command -v vim >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/t.lq" <<'EOF'
# a comment
define big = company.employees >= 1000 and `Lead Source` == "Web\n"
score fit by marketing {
  +20 "big" when any(events where type == "x") or big
}
EOF
  cat >"$tmp/t.vim" <<EOF
set rtp^=$PWD/docs/editors/vim
filetype on
syntax on
edit $tmp/t.lq
let out = [&filetype]
for [l, c] in [[1,3],[2,1],[2,36],[2,41],[2,45],[2,49],[2,64],[2,66],[3,1],[3,11],[4,3],[4,13],[4,18],[4,21],[4,32]]
  call add(out, l.':'.c.' '.synIDattr(synID(l, c, 1), 'name'))
endfor
call writefile(out, '$tmp/out')
qa!
EOF
  vim -Nu NONE -i NONE -es -S "$tmp/t.vim" </dev/null >/dev/null 2>&1
  want='leadq
1:3 leadqComment
2:1 leadqDeclaration
2:36 leadqNumber
2:41 leadqOperator
2:45 leadqField
2:49 leadqField
2:64 leadqString
2:66 leadqEscape
3:1 leadqDeclaration
3:11 leadqClause
4:3 leadqPoints
4:13 leadqConditional
4:18 leadqFunction
4:21 
4:32 leadqConditional'
  got=$(cat "$tmp/out" 2>/dev/null)
  [ "$got" = "$want" ] || fail "vim colours t.lq otherwise: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
else
  echo "editors: vim is not installed; its highlighting is not checked"
fi

if [ "$fails" -ne 0 ]; then
  echo "editors: $fails failed"
  exit 1
fi
echo "editors: $(wc -w <<<"$keywords") keywords and $(wc -w <<<"$functions") functions in both syntax files; all checks passed"
