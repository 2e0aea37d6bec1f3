#!/bin/sh
# diff-comment.sh: what a pull request's rules change does to a sample of leads,
# posted as a comment on the pull request (GitHub CLI), for reviewers from the
# other team. Run in CI from the repository root, after a checkout with history
# (fetch-depth: 0) so that the base branch is there.
#
#   examples/git/diff-comment.sh [RULES] [SAMPLE]       # defaults below
#   FAIL_ON_CHANGE=1 examples/git/diff-comment.sh       # also fail the job when leads move
#
# Needs: leadq, git; gh with GH_TOKEN and PR_NUMBER set to post the comment
# (without them the comment is printed on stdout).
set -eu
rules=${1:-rules/acme.lq}
sample=${2:-examples/sample.ndjson}
base=${BASE_REF:-origin/main}

# A fixed clock, so that the comment depends only on the rules and the sample.
set -- --now 2026-11-22 --format markdown
[ "${FAIL_ON_CHANGE:-0}" = 1 ] && set -- "$@" --fail-on-change

status=0
leadq diff "$@" "$base:$rules" "$rules" "$sample" > leadq-diff.md || status=$?
# 1 with --fail-on-change means "leads changed": still worth posting.
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then exit "$status"; fi

if [ -n "${PR_NUMBER:-}" ] && command -v gh >/dev/null 2>&1; then
  gh pr comment "$PR_NUMBER" --body-file leadq-diff.md
else
  cat leadq-diff.md
fi
exit "$status"
