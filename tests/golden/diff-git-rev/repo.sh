# A throwaway repository in $OUT: rules/acme.lq includes shared/lists.lq; the
# second commit changes only the included list, and the working copy changes it
# again (uncommitted), so the output shows both files were read at the revision.
# The other diff-git-* cases run this script too: its fixtures are next to it.
set -e
here=$(cd "$(dirname "$0")" && pwd)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$OUT/repo/rules/shared"
cd "$OUT/repo"
git -c init.defaultBranch=main init -q
cp "$here/acme.lq" rules/acme.lq
cp "$here/lists-v1.lq" rules/shared/lists.lq
git add -A
git commit -qm v1
cp "$here/lists-v2.lq" rules/shared/lists.lq
git commit -qam v2
echo 'list free_email = ["acme.com"]' > rules/shared/lists.lq
exec "$LEADQ" diff --now 2026-11-22 "$@" "$here/leads.ndjson"
