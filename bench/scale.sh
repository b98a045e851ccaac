#!/usr/bin/env bash
# Whole-account timings: show, analyze, minimize and diff on generated accounts of several sizes,
# with wall time, peak resident memory and the ratio to `show` (the parse) in one table.
#
#   bench/scale.sh [SGOPT] [GROUPS...]        e.g. bench/scale.sh build/sgopt 1000 10000 100000
#
# Accounts come from bench/gen_account.py (seeded; folders cached in $SCALE_DIR, default
# /tmp/sgopt-scale).
# Each command runs $RUNS times (default 1) and the median is printed; $WORKS (default all:
# "show analyze analyze-t1 minimize diff diff-no-prove") picks the columns. Growth exponents between
# consecutive sizes are printed last (log(t2/t1) / log(n2/n1)). It measures; it asserts nothing.
# Needs GNU time (/usr/bin/time; `./dev bench` installs it) and python3.
set -euo pipefail
[ -x /usr/bin/time ] || {
  echo "bench/scale.sh: needs GNU time at /usr/bin/time (apt-get install time, or ./dev bench)" >&2
  exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
sgopt=${1:-$here/../build/sgopt}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
dir=${SCALE_DIR:-/tmp/sgopt-scale}
runs=${RUNS:-1}
mkdir -p "$dir"

# run NAME N CMD...: median wall seconds and peak RSS (MB) of CMD over $runs runs; exit 0 and 1 are
# both results (findings, differences), anything else is a failure.
declare -A secs mem
run() {
  local name=$1 n=$2
  shift 2
  local times=() mems=() t m
  local stats
  stats=$(mktemp)
  for ((k = 0; k < runs; k++)); do
    /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>&1 || [ $? -eq 1 ] || {
      echo "failed: $*" >&2
      exit 2
    }
    read -r t m < <(tail -1 "$stats")
    times+=("$t")
    mems+=("$m")
  done
  rm -f "$stats"
  secs[$name,$n]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mem[$name,$n]=$(printf '%s\n' "${mems[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%d", a[int((NR+1)/2)]/1024}')
}

read -r -a works <<<"${WORKS:-show analyze analyze-t1 minimize diff diff-no-prove}"
wants() { [[ " ${works[*]} " == *" $1 "* ]]; }
wants show || works=(show "${works[@]}")  # every ratio is to show
for n in "${sizes[@]}"; do
  acct=$dir/g$n
  [ -s "$acct/NetworkInterfaces.json" ] || python3 "$here/gen_account.py" "$n" -o "$acct"
  min=$dir/g$n.min.json
  rm -f "$min"
  run show "$n" "$sgopt" show "$acct" --format json
  wants analyze && run analyze "$n" "$sgopt" analyze "$acct" --format json
  wants analyze-t1 && run analyze-t1 "$n" "$sgopt" analyze "$acct" --format json --threads 1
  if wants minimize || wants diff || wants diff-no-prove; then
    run minimize "$n" "$sgopt" minimize "$acct" -o "$min.tmp"
    mv -f "$min.tmp" "$min"
  fi
  # minimize writes the groups; the interfaces are the same on both sides.
  new=(--new "$min" --new "$acct/NetworkInterfaces.json")
  wants diff && run diff "$n" "$sgopt" diff --old "$acct" "${new[@]}" --format json
  wants diff-no-prove && run diff-no-prove "$n" "$sgopt" diff --old "$acct" "${new[@]}" --format json --no-prove
  rm -f "$min"
done

printf '%-14s' work
for n in "${sizes[@]}"; do printf ' | %8s groups: s, MB, x show' "$n"; done
printf '\n'
for w in "${works[@]}"; do
  printf '%-14s' "$w"
  for n in "${sizes[@]}"; do
    s=${secs[$w,$n]}
    printf ' | %24s' "$(awk -v s="$s" -v m="${mem[$w,$n]}" -v b="${secs[show,$n]}" \
      'BEGIN {printf "%.2f s, %d MB, %.1fx", s, m, (b > 0 ? s / b : 0)}')"
  done
  printf '\n'
done
if [ ${#sizes[@]} -gt 1 ]; then
  printf '\ngrowth exponents (time):\n'
  for w in "${works[@]}"; do
    printf '%-14s' "$w"
    for ((k = 1; k < ${#sizes[@]}; k++)); do
      a=${sizes[k - 1]} b=${sizes[k]}
      awk -v t1="${secs[$w,$a]}" -v t2="${secs[$w,$b]}" -v n1="$a" -v n2="$b" \
        'BEGIN {if (t1 > 0 && t2 > 0) printf " | %s->%s: %.2f", n1, n2, log(t2 / t1) / log(n2 / n1); else printf " | -"}'
    done
    printf '\n'
  done
fi
wants analyze-t1 && for n in "${sizes[@]}"; do
  printf 'analyze --threads 2 vs 1 at %s groups: %sx\n' "$n" \
    "$(awk -v a="${secs[analyze-t1,$n]}" -v b="${secs[analyze,$n]}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
done
