#!/bin/sh
# include_graph.sh: fails when the modules of src/ include each other in a
# cycle. A module is x.c with x.h (src/cli/x.c is cli/x), and with x_NAME.h
# when no x_NAME.c exists: a module's internal header (leadq_internal.h is
# leadq.c's, beside its public leadq.h). An edge is an `#include "..."` from
# any file of one module to a header of another.
# Usage: tests/include_graph.sh [SRC_DIR]
src=${1:-src}
# The module a file (without its extension) belongs to.
module() {
  m=$1
  case $m in
  *_*) [ -f "$src/$m.c" ] || { [ -f "$src/${m%%_*}.c" ] && m=${m%%_*}; } ;;
  esac
  echo "$m"
}
edges=$(for f in "$src"/*.c "$src"/*.h "$src"/cli/*.c "$src"/cli/*.h; do
  [ -f "$f" ] || continue
  rel=${f#"$src"/}
  dir=$(dirname "$rel")
  from=$(module "${rel%.*}")
  sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
    case $dir in .) to=$inc ;; *) to=$dir/$inc ;; esac
    # resolve ../ once (src/cli/x.c includes ../compile.h)
    to=$(echo "$to" | sed 's|^[^/]*/\.\./||')
    [ -f "$src/$to" ] || continue          # generated (leadq.tab.h) or system
    to=$(module "${to%.*}")
    [ "$to" = "$from" ] || echo "$from $to"
  done
done | sort -u)
# Fails, saying WHAT, when the edges "a b" (a needs b) make a cycle.
no_cycle() {
  out=$(echo "$2" | tsort 2>&1 >/dev/null)
  if [ -n "$out" ]; then
    echo "$1 cycle among src/ modules:" >&2
    echo "$out" >&2
    exit 1
  fi
}
[ -n "$edges" ] || { echo "no #include found under $src" >&2; exit 1; }
no_cycle include "$edges"
echo "include graph: $(echo "$edges" | wc -l) edges among src/ modules, no cycle"

# The same for what the objects use of each other (OBJ_DIR, when given): a
# function declared in one module's header but defined in another's .c makes
# a cycle no #include shows. The CLI (src/cli/) is one module here: its files
# share cli.h and call each other by design.
obj=${2:-}
[ -n "$obj" ] || exit 0
defs=$(for o in "$obj"/*.o "$obj"/cli/*.o; do
  [ -f "$o" ] || continue
  m=${o#"$obj"/}; m=${m%.o}; m=${m%%/*}
  nm -g --defined-only "$o" | awk -v m="$m" 'NF == 3 { print $3, m }'
done | sort -u)
uses=$(for o in "$obj"/*.o "$obj"/cli/*.o; do
  [ -f "$o" ] || continue
  m=${o#"$obj"/}; m=${m%.o}; m=${m%%/*}
  nm -u "$o" | awk -v m="$m" '{ print $NF, m }'
done | sort -u)
links=$(echo "$uses" | join - "$(printf '%s\n' "$defs" > "${TMPDIR:-/tmp}/lq_defs.$$"; echo "${TMPDIR:-/tmp}/lq_defs.$$")" \
  | awk '$2 != $3 { print $2, $3 }' | sort -u)
rm -f "${TMPDIR:-/tmp}/lq_defs.$$"
[ -n "$links" ] || { echo "no object under $obj uses another's definitions: is it built?" >&2; exit 1; }
no_cycle "link (a uses b's definitions)" "$links"
echo "link graph: $(echo "$links" | wc -l) edges among src/ objects, no cycle"
