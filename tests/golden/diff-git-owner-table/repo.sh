# A throwaway repository in $OUT: rules/routing.lq routes to a pool read from
# rules/tables/reps.csv. The commit has four reps; the working copy removes di
# (uncommitted), so only a diff that reads the table at the revision for the
# REV:PATH side can see di's leads move.
set -e
here=$(cd "$(dirname "$0")" && pwd)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$OUT/repo/rules/tables"
cd "$OUT/repo"
git -c init.defaultBranch=main init -q
cp "$here/routing.lq" rules/routing.lq
cp "$here/reps-v1.csv" rules/tables/reps.csv
git add -A
git commit -qm "pool: ana, ben, cy, di"
cp "$here/reps-v2.csv" rules/tables/reps.csv
exec "$LEADQ" diff "$@" "$here/leads.ndjson"
