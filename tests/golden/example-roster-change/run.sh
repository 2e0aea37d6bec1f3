# Runs the commands of examples/roster-change.md and compares what they print
# with what the page shows. In the page's ```console blocks a line starting
# with "$ " is a command, and the lines after it (up to the next command or
# the end of the block) are what it prints, stdout and stderr. The commands
# run in order in one shell, from the top of the repository, with the leadq
# under test first on PATH and mktemp's folders in $OUT.
set -e
top=$(cd "$(dirname "$0")/../../.." && pwd)
page=$top/examples/roster-change.md
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$OUT/bin" "$OUT/tmp"
ln -s "$LEADQ" "$OUT/bin/leadq"
awk '/^```console$/ { on = 1; next } /^```$/ { on = 0 } on' "$page" > "$OUT/shown"
# Each command is echoed as the page writes it, then run with stderr joined to
# stdout; the closing brace is on a line of its own in case of a # comment.
awk -v q="'" '/^```console$/ { on = 1; next } /^```$/ { on = 0 }
  on && /^\$ / {
    cmd = substr($0, 3); shown = $0; gsub(q, q "\\" q q, shown)
    print "printf \"%s\\n\" " q shown q
    print "{ " cmd
    print "} 2>&1"
    n++
  }
  END { print n > "/dev/stderr" }' "$page" > "$OUT/script.sh" 2> "$OUT/count"
cd "$top"
PATH="$OUT/bin:$PATH" TMPDIR="$OUT/tmp" sh "$OUT/script.sh" > "$OUT/ran" 2>&1 || true
diff -u "$OUT/shown" "$OUT/ran"
echo "examples/roster-change.md: $(cat "$OUT/count") commands, each printed what the page shows"
