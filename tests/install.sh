#!/bin/bash
# install.sh: `make install` into a scratch DESTDIR with PREFIX=/usr, then the
# installed tree: exactly the files README.md's Install section lists, both man
# pages render without a warning, the shared library's soname and exports,
# examples/embed built through pkg-config against it (shared and static) writes
# what the installed leadq run writes, and `make uninstall` leaves no
# file behind. Needs no stdin and no network (make test-install installs the
# Debian packages it uses).
# usage: tests/install.sh   (from anywhere; make test-install)
set -u
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

$MAKE -s install DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1 || { cat "$D.log"; rm -f "$D.log"; echo "FAIL: make install"; exit 1; }
rm -f "$D.log"

want="/usr/bin/leadq
/usr/lib/libleadq.a
/usr/lib/libleadq.so
/usr/lib/libleadq.so.1
/usr/lib/libleadq.so.1.0.0
/usr/lib/pkgconfig/leadq.pc
/usr/include/leadq.h
/usr/share/bash-completion/completions/leadq
/usr/share/doc/leadq/report.md
/usr/share/doc/leadq/scaling.md
/usr/share/leadq/leadq.tmLanguage.json
/usr/share/man/man1/leadq.1
/usr/share/man/man5/leadq-rules.5
/usr/share/vim/vimfiles/ftdetect/leadq.vim
/usr/share/vim/vimfiles/syntax/leadq.vim"
want=$(sort <<<"$want")
got=$(cd "$D" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort)
[ "$got" = "$want" ] || fail "installed files differ from the list: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"

lib=$D/usr/lib
[ "$(readlink "$lib/libleadq.so.1")" = libleadq.so.1.0.0 ] || fail "libleadq.so.1 -> $(readlink "$lib/libleadq.so.1")"
[ "$(readlink "$lib/libleadq.so")" = libleadq.so.1 ] || fail "libleadq.so -> $(readlink "$lib/libleadq.so")"
[ -x "$D/usr/bin/leadq" ] && "$D/usr/bin/leadq" --version >/dev/null || fail "the installed leadq does not run"
cmp -s docs/completion/leadq.bash "$D/usr/share/bash-completion/completions/leadq" || fail "the completion differs from docs/completion/leadq.bash"

# Both pages, as man shows them, without a warning from groff (at 80 columns
# and a narrow 60), and with what they must hold.
for page in "$D/usr/share/man/man1/leadq.1" "$D/usr/share/man/man5/leadq-rules.5"; do
  for width in 80 60; do
    warnings=$(MANWIDTH=$width man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "$(basename "$page") at $width columns: $warnings"
  done
done
rules=$(MANWIDTH=80 man -l "$D/usr/share/man/man5/leadq-rules.5" 2>/dev/null)
grep -q '^LEADQ-RULES(5) *File Formats' <<<"$rules" || fail "leadq-rules(5) has no LEADQ-RULES(5) File Formats header"
grep -q '^NAME' <<<"$rules" && grep -q 'leadq-rules - the leadq rules language' <<<"$rules" || fail "leadq-rules(5) has no NAME"
# A table, a code block, and a line of a code block that starts with dots.
grep -q 'ruleset "NAME" version "V" *names the agreement' <<<"$rules" || fail "leadq-rules(5): the declarations table"
grep -q '^ *ruleset "acme" version "2026.5"$' <<<"$rules" || fail "leadq-rules(5): the first example"
grep -q '^ *\.\.\.$' <<<"$rules" || fail "leadq-rules(5): a code line of '...' is lost"
grep -q '#[a-z-]*)' <<<"$rules" && fail "leadq-rules(5): a link to an anchor is left: $(grep -m1 '#[a-z-]*)' <<<"$rules")"
grep -q 'man leadq-rules\|leadq-rules(5)\|leadq-rules (5)' <(MANWIDTH=80 man -l "$D/usr/share/man/man1/leadq.1" 2>/dev/null) ||
  fail "leadq(1) does not point at leadq-rules(5)"

# The shared library: its soname, and no name but leadq_* exported (the
# version node LEADQ_1 is an absolute symbol, not a name of ours).
so=$lib/libleadq.so.1.0.0
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libleadq.so.1 ] || fail "SONAME is '$soname', not libleadq.so.1"
exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sed 's/@.*//')
grep -q '^leadq_compile_file$' <<<"$exported" || fail "libleadq.so does not export the API (leadq_compile_file)"
others=$(grep -v '^leadq_' <<<"$exported" | tr '\n' ' ')
[ -z "$others" ] || fail "libleadq.so exports names not leadq_*: $others"
# The static library too: a program that links it may have lq_* or yy* names of its own.
others=$(nm -g --defined-only "$lib/libleadq.a" | awk 'NF == 3 && $3 !~ /^leadq_/ { print $3 }' | tr '\n' ' ')
[ -z "$others" ] || fail "libleadq.a defines global names not leadq_*: $others"
nm -g --defined-only "$lib/libleadq.a" | grep -q ' leadq_evaluate$' || fail "libleadq.a does not define the API (leadq_evaluate)"

# pkg-config, from the installed file, with its prefix moved to DESTDIR.
pc=(env PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --define-variable=prefix="$D/usr")
libs=$("${pc[@]}" --libs leadq | sed 's/ *$//') || fail "pkg-config --libs leadq failed"
[ "$libs" = "-L$D/usr/lib -lleadq" ] || fail "pkg-config --libs leadq: '$libs'"
cflags=$("${pc[@]}" --cflags leadq | sed 's/ *$//') || fail "pkg-config --cflags leadq failed"
# (then the private requirements' own, -I/usr/include/cjson)
[ "${cflags%% *}" = "-I$D/usr/include" ] || fail "pkg-config --cflags leadq: '$cflags'"
static=$("${pc[@]}" --static --libs leadq)
for l in -lleadq -lcjson -lz -lxxhash -lm -pthread; do
  grep -qw -- "$l" <<<"$static" || fail "pkg-config --static --libs leadq has no $l: '$static'"
done
[ "$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --variable=libdir leadq)" = /usr/lib ] || fail "leadq.pc's libdir is not /usr/lib"

# examples/embed, built as an embedder builds it: with what pkg-config says,
# against the installed header and shared library (its soname found through
# the symlinks), then against the static one. Each writes the bytes the
# installed leadq run writes for the bundled rules and leads.
embed=examples/embed/embed.c
"$D/usr/bin/leadq" run --now 2026-11-22 rules/acme.lq examples/sample.ndjson >"$D/run.out" 2>/dev/null ||
  fail "the installed leadq does not run"
[ -s "$D/run.out" ] || fail "the installed leadq wrote no decisions"
if cc -std=c11 $cflags -o "$D/embed" "$embed" -Wl,--no-as-needed $libs 2>"$D/cc.err"; then
  needed=$(readelf -d "$D/embed" | sed -n 's/.*(NEEDED).*\[\(libleadq[^]]*\)\]/\1/p')
  [ "$needed" = libleadq.so.1 ] || fail "a program linked with -lleadq needs '$needed', not libleadq.so.1"
  LD_LIBRARY_PATH=$lib "$D/embed" --now 2026-11-22 rules/acme.lq <examples/sample.ndjson >"$D/embed.out" ||
    fail "embed linked with libleadq.so does not run"
  cmp -s "$D/embed.out" "$D/run.out" || fail "embed linked with libleadq.so does not write what leadq run writes"
else
  fail "cannot link $embed with $libs: $(cat "$D/cc.err")"
fi
if cc -std=c11 $cflags -o "$D/embed-static" "$embed" $("${pc[@]}" --static --libs leadq | sed 's/-lleadq/-l:libleadq.a/') 2>"$D/cc.err"; then
  "$D/embed-static" --now 2026-11-22 rules/acme.lq <examples/sample.ndjson >"$D/embed.out" ||
    fail "embed linked with libleadq.a does not run"
  cmp -s "$D/embed.out" "$D/run.out" || fail "embed linked with libleadq.a does not write what leadq run writes"
else
  fail "cannot link $embed with libleadq.a: $(cat "$D/cc.err")"
fi
rm -f "$D/embed" "$D/embed-static" "$D/embed.out" "$D/run.out" "$D/cc.err"

# Uninstall removes every file install wrote.
$MAKE -s uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1 || fail "make uninstall"
left=$(cd "$D" && find . \( -type f -o -type l \) | sed 's/^\.//')
[ -z "$left" ] || fail "make uninstall left: $(tr '\n' ' ' <<<"$left")"
for d in usr/share/leadq usr/share/doc/leadq; do
  [ ! -e "$D/$d" ] || fail "make uninstall left the folder /$d, which only leadq uses"
done

if [ "$fails" -ne 0 ]; then
  echo "install: $fails failed"
  exit 1
fi
echo "install: $(wc -l <<<"$want") files installed where README.md says, and uninstalled; all checks passed"
