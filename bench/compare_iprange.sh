#!/usr/bin/env bash
# Side by side: `sgopt fit-cidrs` and Debian's `iprange` aggregate the same generated list of
# IPv4 prefixes; the outputs must be identical, and both wall-clock times are printed.
#   bench/compare_iprange.sh [COUNT] [SGOPT]     (defaults: 1000000, build/sgopt)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
sgopt=${2:-build/sgopt}
command -v iprange >/dev/null || { echo "iprange is not installed (apt-get install iprange)"; exit 0; }
[ -x "$sgopt" ] || { echo "no $sgopt: build first (./dev build)"; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Random prefixes, lengths weighted towards /24../32 as in real allow and block lists.
awk -v n="$count" 'BEGIN { srand(1); split("16 20 22 24 24 26 28 30 32 32 32", L, " ");
  for (i = 0; i < n; i++) { len = L[int(rand() * 11) + 1]; a = int(rand() * 4294967296);
    size = 2 ^ (32 - len); a = a - a % size;
    printf "%d.%d.%d.%d/%d\n", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256, len } }' \
  > "$dir/in.txt"
now() { date +%s.%N; }
t0=$(now); iprange "$dir/in.txt" > "$dir/iprange.out"; t1=$(now)
"$sgopt" fit-cidrs --bare-hosts "$dir/in.txt" > "$dir/sgopt.out"; t2=$(now)
if cmp -s "$dir/iprange.out" "$dir/sgopt.out"; then same=identical; else same=DIFFERENT; fi
printf 'input: %d prefixes, output: %d blocks, outputs %s\n' "$count" "$(wc -l < "$dir/sgopt.out")" "$same"
printf 'iprange:         %.3f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'sgopt fit-cidrs: %.3f s\n' "$(echo "$t2 - $t1" | bc)"
[ "$same" = identical ]
