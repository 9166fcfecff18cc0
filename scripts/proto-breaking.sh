#!/usr/bin/env bash
# `buf breaking` against main: the protos in the work tree must stay wire- and JSON-compatible (buf.yaml's
# `breaking` rules) with every version of proto/ that main has ever had, so a field once released is never
# renumbered, retyped or removed, and the original system's clients keep working.
#   On a branch: main's versions up to where the branch left it (git merge-base), not main's later commits.
#   On main (CI's fresh clone): every earlier version on main's first-parent history, so a submission of
#   several commits is checked against all of them, not only against its last parent.
# `main` is the local branch, or origin/main in a clone that only has the remote one. A clone without
# that history (shallow, or main's first commit) has nothing to compare with: the script says so and passes.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
main=$(git rev-parse --verify -q main || git rev-parse --verify -q origin/main || true)
if [ -z "$main" ]; then echo "buf breaking: no main branch in this clone, nothing to compare with"; exit 0; fi
if git merge-base --is-ancestor HEAD "$main"; then
  base=$(git rev-parse -q --verify 'HEAD^' || true)
else
  base=$(git merge-base HEAD "$main")
fi
if [ -z "$base" ]; then echo "buf breaking: no earlier commit on main, nothing to compare with"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checked=0; status=0
# Each distinct set of .proto files once (a commit that only regenerated proto/gen adds nothing).
for commit in $(git rev-list --first-parent "$base" -- proto); do
  files=$(git ls-tree -r --name-only "$commit" proto | grep '\.proto$' || true)
  [ -n "$files" ] || continue
  digest=$(git ls-tree -r "$commit" proto | grep '\.proto$' | git hash-object --stdin)
  [ -e "$tmp/seen-$digest" ] && continue
  touch "$tmp/seen-$digest"
  mkdir -p "$tmp/$commit"
  # shellcheck disable=SC2086 # one path per word
  git archive "$commit" $files | tar -x -C "$tmp/$commit"
  # No buf.yaml in the extracted tree: its proto/ folder is the module root, as buf.yaml's `path: proto` makes it here.
  if ! buf breaking --against "$tmp/$commit/proto"; then
    echo "buf breaking: incompatible with proto/ as of $(git log -1 --format='%h %s' "$commit")"
    status=1
  fi
  checked=$((checked + 1))
done
echo "buf breaking: compared with $checked earlier version(s) of proto/ on main (up to $(git log -1 --format=%h "$base"))"
exit $status
