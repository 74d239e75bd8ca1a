#!/usr/bin/env bash
# Deletes each team.sync() of a team-code header alone, rebuilds the given test programs in
# build/ and runs them, and prints one markdown row per barrier: how each run failed (or "not
# caught"). The header is restored at the end, whatever happens. Slow: one rebuild per barrier.
#   bash tools/barrier-deletions.sh HEADER PROGRAM:GTEST_FILTER [PROGRAM:GTEST_FILTER ...]
# e.g. (the lower bound's table in docs/testing.md):
#   bash tools/barrier-deletions.sh host/solvers/lower_bound.hpp test_lower_bound:'LowerBoundTeam.*' \
#     test_lower_bound_block:'LowerBoundBlockThreads.*' tsan_test_lower_bound_block:'LowerBoundBlockThreads.*'
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,9p' "$0"; exit 2; }
header="$root/$1"; shift
[ -f "$header" ] || { echo "barrier-deletions: $header: no such file" >&2; exit 3; }
keep="$(mktemp)"
cp "$header" "$keep"
trap 'cp "$keep" "$header"; rm -f "$keep"' EXIT
targets=()
for run in "$@"; do targets+=("${run%%:*}"); done
for line in $(grep -n 'team\.sync();' "$keep" | cut -d: -f1); do
  cp "$keep" "$header"
  sed -i "${line}s/team\.sync();//" "$header"
  if ! cmake --build "$root/build" --target "${targets[@]}" -j2 > /dev/null 2>&1; then
    echo "| $line | build failed |"
    continue
  fi
  row="| $line |"
  for run in "$@"; do
    out="$(cd "$root/build/tests" && TSAN_OPTIONS=halt_on_error=1 timeout 600 "./${run%%:*}" --gtest_filter="${run#*:}" 2>&1)"
    rc=$?
    if [ $rc -eq 0 ]; then verdict="not caught"
    elif grep -q 'ThreadSanitizer: data race' <<<"$out"; then verdict="race"
    elif grep -q 'SEGV' <<<"$out" || [ $rc -eq 139 ]; then verdict="crash (SIGSEGV)"
    elif grep -q 'call-site' <<<"$out"; then verdict="call-site mismatch"
    elif grep -q 'left the team' <<<"$out"; then verdict="thread left the team code"
    elif grep -q 'deadlock' <<<"$out"; then verdict="deadlock"
    elif [ $rc -eq 124 ]; then verdict="timeout"
    else verdict="bits ($(grep -cE '^\[  FAILED  \] [^ ]+ \(' <<<"$out") tests failed)"; fi  # one line per test
    row="$row $verdict |"
  done
  echo "$row"
done
