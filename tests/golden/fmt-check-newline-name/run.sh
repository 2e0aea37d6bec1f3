# A name with a line break is made here: a repository keeps none.
cd "$OUT" && cp "$CASEDIR/ugly.lq" "$(printf 'a\nb.lq')" && exec "$LEADQ" fmt --check "$(printf 'a\nb.lq')"
