# A file named HEAD:acme.lq (outside any repository) is read as a file, not
# through git: a path that exists is a file, even with a ':' in it.
set -e
mkdir -p "$OUT/plain/shared"
cp "$CASEDIR/acme.lq" "$OUT/plain/HEAD:acme.lq"
cp "$CASEDIR/shared/lists.lq" "$OUT/plain/shared/lists.lq"
cd "$OUT/plain"
exec "$LEADQ" diff --now 2026-11-22 --show 0 HEAD:acme.lq HEAD:acme.lq "$CASEDIR/leads.ndjson"
