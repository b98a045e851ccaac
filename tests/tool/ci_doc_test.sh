#!/usr/bin/env bash
# Runs the gate docs/ci.md gives, exactly as written there, on the bundled plans: every copy of it
# in the file (the shown one, GitHub's, GitLab's) must be the same lines, a refactor must pass
# (status 0) and a plan that opens traffic must fail (status 1), each writing SARIF with results
# where there are differences and a Markdown comment.
# Usage: ci_doc_test.sh SOURCE_DIR SGOPT_BINARY
set -euo pipefail
src=$1 bin=$2
doc=$src/docs/ci.md
fail() { echo "ci_doc_test: $*" >&2; exit 1; }

# Each copy of the block, its indentation removed.
blocks=$(awk '/# sgopt-gate:begin/{on=1; n++; sub(/^[ \t]*/, ""); print n": "$0; next}
              /# sgopt-gate:end/{on=0; sub(/^[ \t]*/, ""); print n": "$0; next}
              on{sub(/^[ \t]*/, ""); print n": "$0}' "$doc")
count=$(printf '%s\n' "$blocks" | grep -c ': # sgopt-gate:begin' || true)
[ "$count" -ge 3 ] || fail "expected the gate in docs/ci.md three times (shown, GitHub, GitLab), found $count"
first=$(printf '%s\n' "$blocks" | sed -n 's/^1: //p')
for i in $(seq 2 "$count"); do
  other=$(printf '%s\n' "$blocks" | sed -n "s/^$i: //p")
  [ "$first" = "$other" ] || fail "copy $i of the gate differs from the first:\n$other"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$work/bin/sgopt"
printf '%s\n' "$first" > "$work/gate.sh"

run() {  # PLAN EXPECTED_STATUS
  local dir=$work/$(basename "$1" .json)
  mkdir -p "$dir"
  cp "$src/samples/iac/$1" "$dir/plan.json"
  local status=0
  (cd "$dir" && PATH="$work/bin:$PATH" bash -e "$work/gate.sh" > out.txt 2>&1) || status=$?
  # The gate block itself ends with the status echoed; a pipeline fails the job on it afterwards.
  grep -q "sgopt: gate exit status $2" "$dir/out.txt" || fail "$1: expected gate status $2, got: $(cat "$dir/out.txt")"
  [ "$status" -eq 0 ] || fail "$1: the gate block itself failed with $status"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0"; print(len(d["runs"][0]["results"]))' \
    "$dir/sgopt.sarif" > "$dir/results.txt" || fail "$1: sgopt.sarif is not a SARIF log"
  [ -s "$dir/sgopt.md" ] || fail "$1: no Markdown comment"
  grep -q '^## sgopt diff' "$dir/sgopt.md" || fail "$1: the comment has no heading"
  local n; n=$(cat "$dir/results.txt")
  if [ "$2" = 0 ]; then [ "$n" = 0 ] || fail "$1: $n SARIF results for an equivalent change"; fi
  if [ "$2" = 1 ]; then [ "$n" -gt 0 ] || fail "$1: no SARIF results for a looser change"; fi
}
run tf-refactor.plan.json 0
run tf-change.plan.json 1
echo "ci_doc_test: the gate of docs/ci.md passes a refactor and stops a plan that opens traffic"
